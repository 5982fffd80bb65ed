"""Reuse in scripts written without spaces (Chinese, Thai): characters are words there,
so a copied passage is found with its offsets and earliest source, through a real DuckDB
corpus; unrelated texts in the same script are not paired."""

from __future__ import annotations

from pathlib import Path

from propscope.link.reuse import run_reuse
from propscope.link.text import words
from propscope.settings import Settings
from test_reuse_fixtures import doc, make_corpus

SETTINGS = Settings()

ZH_PASSAGE = ("市长提出的新公交车道计划将在下个月开始实施，交通部门表示这将使早高峰的通勤时间缩短大约十五分钟，"
              "但是沿线的商店老板担心顾客停车会变得更加困难，他们要求市议会重新考虑这个方案。")
ZH_FILLER = ["今天上午的天气晴朗，公园里有很多人在散步和锻炼身体。",
             "图书馆周末将举办儿童读书活动，欢迎家长带孩子参加。",
             "昨晚的足球比赛非常精彩，主队在最后一分钟打进了制胜球。",
             "新开的面包店每天早上七点开门，排队的人总是很多。"]
TH_PASSAGE = ("นายกเทศมนตรีประกาศแผนสร้างช่องทางเดินรถประจำทางใหม่ซึ่งจะเริ่มในเดือนหน้า"
              "กรมการขนส่งกล่าวว่าจะช่วยลดเวลาเดินทางในชั่วโมงเร่งด่วนได้ประมาณสิบห้านาที")
ZH_OTHER = "城市博物馆下周将展出一批古代陶器，这些文物是去年在河边的考古发掘中发现的，专家认为它们已有两千多年的历史。"
TH_OTHER = "ตลาดนัดวันอาทิตย์มีผลไม้สดและอาหารพื้นเมืองให้เลือกซื้อมากมายและราคาไม่แพงเลย"
TH_FILLER = ["วันนี้อากาศดีมากและมีคนมาเดินเล่นในสวนสาธารณะจำนวนมาก",
             "ห้องสมุดจะจัดกิจกรรมอ่านหนังสือสำหรับเด็กในวันเสาร์นี้"]


def test_cjk_and_thai_characters_are_words() -> None:
    text = "市议会投票 ok ภาษาไทย"
    w = words(text)
    assert [text[a:b] for a, b in zip(w.starts, w.ends, strict=True)] == [
        "市", "议", "会", "投", "票", "ok", "ภ", "า", "ษ", "า", "ไ", "ท", "ย"]
    # the same character hashes alike wherever it stands (shingles depend on it)
    assert w.hashes[0] == words("x 市").hashes[1] and w.hashes[0] != w.hashes[1]


def test_chinese_copy_found_with_offsets_and_earliest(tmp_path: Path) -> None:
    text_a = ZH_FILLER[0] + ZH_PASSAGE + ZH_FILLER[1]
    text_b = ZH_FILLER[2] + "\n" + ZH_PASSAGE + ZH_FILLER[3]
    early, late = doc(text_a, "site-a", hours=0), doc(text_b, "site-b", hours=6)
    unrelated = doc(ZH_OTHER, "site-c", hours=2)
    corpus = make_corpus(tmp_path, [late, unrelated, early])
    run_reuse(corpus, SETTINGS, "r1")
    pairs = corpus.df("reuse_pairs")
    assert len(pairs) == 1, pairs
    p = pairs.iloc[0]
    assert (p.doc_a, p.doc_b) == (early.doc_id, late.doc_id)
    start = text_a.index(ZH_PASSAGE)
    assert abs(p.a_start - start) <= 2 and abs(p.a_end - (start + len(ZH_PASSAGE))) <= 2
    clusters = corpus.df("reuse_clusters").set_index("doc_id")
    assert bool(clusters.loc[early.doc_id, "is_earliest"])
    assert unrelated.doc_id not in clusters.index


def test_thai_copy_found(tmp_path: Path) -> None:
    text_a = TH_FILLER[0] + " " + TH_PASSAGE
    text_b = TH_PASSAGE + " " + TH_FILLER[1]
    corpus = make_corpus(tmp_path, [doc(text_a, "a", 0), doc(text_b, "b", 3),
                                    doc(TH_OTHER, "c", 1)])
    run_reuse(corpus, SETTINGS, "r1")
    pairs = corpus.df("reuse_pairs")
    assert len(pairs) == 1
    p = pairs.iloc[0]
    assert text_b[p.b_start:p.b_end] in TH_PASSAGE and p.b_end - p.b_start >= 0.9 * len(TH_PASSAGE)
