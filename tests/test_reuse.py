"""Text reuse through a real DuckDB corpus: exact copy, edited copy, short quote, incremental."""

from __future__ import annotations

from pathlib import Path

import pytest

from propscope.link.align import align
from propscope.link.reuse import run_reuse
from propscope.link.text import words
from propscope.settings import Settings
from test_reuse_fixtures import FILLER, PASSAGE, QUOTE, doc, edit, make_corpus

SETTINGS = Settings()


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> float:
    inter = max(0, min(a[1], b[1]) - max(a[0], b[0]))
    return inter / max(a[1] - a[0], b[1] - b[0])


def test_exact_copy_found_with_exact_offsets_and_earliest(tmp_path: Path) -> None:
    text_a = FILLER[0] + " " + PASSAGE + " " + FILLER[1]
    text_b = FILLER[2] + "\n\n" + PASSAGE + "\n" + FILLER[3]
    late, early = doc(text_b, "site-b", hours=5), doc(text_a, "site-a", hours=0)
    corpus = make_corpus(tmp_path, [late, early])
    summary = run_reuse(corpus, SETTINGS, "r1")
    assert summary["pairs"] == 1
    pair = corpus.df("reuse_pairs").iloc[0]
    assert pair.doc_a == early.doc_id and pair.doc_b == late.doc_id
    assert text_a[pair.a_start:pair.a_end] == PASSAGE.rstrip(".")
    assert text_b[pair.b_start:pair.b_end] == PASSAGE.rstrip(".")
    assert pair.similarity == pytest.approx(1.0)
    clusters = corpus.df("reuse_clusters").set_index("doc_id")
    assert bool(clusters.loc[early.doc_id, "is_earliest"])
    assert not bool(clusters.loc[late.doc_id, "is_earliest"])
    assert clusters.loc[late.doc_id, "delay_s"] == pytest.approx(5 * 3600)


def test_edited_copy_found_with_inserted_phrase(tmp_path: Path) -> None:
    copy = edit(PASSAGE)
    text_a = FILLER[4] + " " + PASSAGE
    text_b = FILLER[5] + " " + copy + " " + FILLER[0]
    corpus = make_corpus(tmp_path, [doc(text_a, "a", 0), doc(text_b, "b", 30)])
    run_reuse(corpus, SETTINGS, "r1")
    pairs = corpus.df("reuse_pairs")
    assert len(pairs) == 1
    p = pairs.iloc[0]
    truth_a = (text_a.index(PASSAGE), text_a.index(PASSAGE) + len(PASSAGE))
    truth_b = (text_b.index(copy), text_b.index(copy) + len(copy))
    assert _overlap((p.a_start, p.a_end), truth_a) >= 0.9
    assert _overlap((p.b_start, p.b_end), truth_b) >= 0.9
    assert 0.7 <= p.similarity < 1.0
    assert "according to several local newspapers" in p.inserted_text


def test_short_common_quote_is_not_reuse(tmp_path: Path) -> None:
    docs = [doc(FILLER[i] + " " + QUOTE + " " + FILLER[(i + 2) % 6], f"s{i}", i) for i in range(6)]
    corpus = make_corpus(tmp_path, docs)
    summary = run_reuse(corpus, SETTINGS, "r1")
    assert summary["pairs"] == 0
    assert corpus.count("reuse_clusters") == 0


def test_min_words_is_the_threshold(tmp_path: Path) -> None:
    short = " ".join(PASSAGE.split()[:30])  # 30 words: reuse only when min_words <= 30
    docs = [doc(FILLER[0] + " " + short + " " + FILLER[1], "a", 0),
            doc(FILLER[2] + " " + short + " " + FILLER[3], "b", 1)]
    corpus = make_corpus(tmp_path, docs)
    assert run_reuse(corpus, SETTINGS, "r1")["pairs"] == 0
    corpus2 = make_corpus(tmp_path, docs, "c2.duckdb")
    assert run_reuse(corpus2, Settings(reuse_min_words=25), "r1")["pairs"] == 1


def test_templated_insertion_recurs_across_copies(tmp_path: Path) -> None:
    docs = [doc(FILLER[0] + " " + PASSAGE, "origin", 0),
            doc(FILLER[1] + " " + edit(PASSAGE), "copy-1", 10),
            doc(edit(PASSAGE) + " " + FILLER[2], "copy-2", 20)]
    corpus = make_corpus(tmp_path, docs)
    summary = run_reuse(corpus, SETTINGS, "r1")
    assert summary["clusters"] == 1
    ins = corpus.df("reuse_insertions")
    assert list(ins.text) == ["according to several local newspapers"]
    assert ins.copies.iloc[0] == 2


def _tables(corpus) -> dict[str, list[tuple]]:
    out = {}
    for name, cols in (("reuse_pairs", "doc_a, a_start, a_end, doc_b, b_start, b_end, similarity"),
                       ("reuse_clusters", "cluster_id, doc_id, start, \"end\", is_earliest, delay_s"),
                       ("reuse_insertions", "cluster_id, text, copies")):
        out[name] = corpus.con.execute(f"SELECT {cols} FROM {name} ORDER BY ALL").fetchall()
    return out


def test_incremental_run_hashes_only_new_documents_and_equals_scratch(tmp_path: Path) -> None:
    first = [doc(FILLER[0] + " " + PASSAGE, "a", 10),
             doc(FILLER[3] + " " + QUOTE + " " + FILLER[4], "q", 1),
             doc(FILLER[1] + " " + edit(PASSAGE), "b", 20)]
    later = [doc(PASSAGE + " " + FILLER[5], "c", 0),  # an earlier copy arrives late
             doc(FILLER[2] + " " + edit(PASSAGE) + " " + QUOTE, "d", 30),
             doc(FILLER[5] + " " + FILLER[0], "e", 40)]
    corpus = make_corpus(tmp_path, first)
    assert run_reuse(corpus, SETTINGS, "r1")["hashed"] == 3
    assert run_reuse(corpus, SETTINGS, "r2")["status"] == "skipped"
    corpus.add_documents(later, "run-2")
    summary = run_reuse(corpus, SETTINGS, "r3")
    assert summary["hashed"] == 3  # only the new documents
    scratch = make_corpus(tmp_path, first + later, "scratch.duckdb")
    run_reuse(scratch, SETTINGS, "s1")
    assert _tables(corpus) == _tables(scratch)
    earliest = corpus.df("reuse_clusters").query("is_earliest")
    assert list(earliest.doc_id) == [later[0].doc_id]


def test_align_is_pure_and_symmetric() -> None:
    a = words(FILLER[0] + " " + PASSAGE)
    b = words(FILLER[1] + " " + PASSAGE + " " + FILLER[2])
    ab, ba = align(a, b, 40), align(b, a, 40)
    assert len(ab) == len(ba) == 1
    assert (ab[0].a_start, ab[0].b_start) == (ba[0].b_start, ba[0].a_start)


def test_process_engine_gives_the_same_tables(tmp_path: Path) -> None:
    from propscope.engine.base import ProcessEngine

    docs = [doc(FILLER[0] + " " + PASSAGE, "a", 0), doc(FILLER[1] + " " + edit(PASSAGE), "b", 9),
            doc(FILLER[2] + " " + QUOTE + " " + FILLER[3], "c", 3)]
    local = make_corpus(tmp_path, docs, "local.duckdb")
    run_reuse(local, SETTINGS, "r1")
    pooled = make_corpus(tmp_path, docs, "pooled.duckdb")
    engine = ProcessEngine(2)
    try:
        run_reuse(pooled, SETTINGS, "r1", engine=engine)
    finally:
        engine.close()
    assert _tables(local) == _tables(pooled)
    assert len(_tables(local)["reuse_pairs"]) == 1


def test_empty_corpus_and_documents_without_words(tmp_path: Path) -> None:
    corpus = make_corpus(tmp_path, [])
    assert run_reuse(corpus, SETTINGS, "r1")["pairs"] == 0
    corpus.add_documents([doc("... !!! ---", "x", 0), doc("", "y", 1)], "r2")
    summary = run_reuse(corpus, SETTINGS, "r2")
    assert summary["hashed"] == 2 and summary["pairs"] == 0
