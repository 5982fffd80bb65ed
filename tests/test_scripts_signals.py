"""Hashtags and mentions in every script, through a real DuckDB corpus: joiners
(ZWNJ in Persian, ZWJ in Bengali), combining marks (Arabic harakat, Devanagari
and Thai vowel signs and viramas) belong to the tag; an emoji ZWJ sequence or a
trailing joiner after it does not."""

from __future__ import annotations

import json

import duckdb
from click.testing import CliRunner

from propscope.cli import main

POSTS = [
    ("ar", "ادعموا #فلسطين_حرة الآن مع @أحمد_علي و #سَلام"),
    ("fa", "شعار #زن\u200cزندگی\u200cآزادی در خیابان"),
    ("hi", "आज #हिन्दी_दिवस है, बधाई @राहुल_गांधी"),
    ("bn", "খবর: #র\u200d্যাব নিয়ে প্রশ্ন"),
    ("en", "Happy day #family\U0001F468\u200d\U0001F469\u200d\U0001F467 and #Vote2024\u200d\U0001F5F3 now"),
    ("th", "เที่ยว #ประเทศไทย กับ @สมชาย ค่ะ"),
]
EXPECTED = {
    "ar": {("hashtag", "#فلسطين_حرة"), ("mention", "@أحمد_علي"), ("hashtag", "#سَلام")},
    "fa": {("hashtag", "#زن\u200cزندگی\u200cآزادی")},
    "hi": {("hashtag", "#हिन्दी_दिवस"), ("mention", "@राहुल_गांधी")},
    "bn": {("hashtag", "#র\u200d্যাব")},
    "en": {("hashtag", "#family"), ("hashtag", "#Vote2024")},
    "th": {("hashtag", "#ประเทศไทย"), ("mention", "@สมชาย")},
}


def test_tags_and_handles_in_every_script_through_a_corpus(tmp_path):
    src = tmp_path / "posts.jsonl"
    src.write_text("".join(json.dumps({"id": lang, "text": text, "source": f"acct-{lang}",
                                       "published": "2024-05-02T08:00:00Z"}, ensure_ascii=False)
                           + "\n" for lang, text in POSTS), encoding="utf-8")
    corpus = tmp_path / "c.duckdb"
    runner = CliRunner()
    res = runner.invoke(main, ["ingest", str(src), "--corpus", str(corpus)])
    assert res.exit_code == 0, res.output
    res = runner.invoke(main, ["analyze", "--corpus", str(corpus), "--analyzer", "references"])
    assert res.exit_code == 0, res.output
    con = duckdb.connect(str(corpus), read_only=True)
    rows = con.execute(
        'SELECT d.external_id, r.kind, r.value, r.normalized, r.start, r."end", d.text '
        'FROM doc_references r JOIN documents d USING (doc_id) '
        "WHERE r.kind IN ('hashtag', 'mention')").fetchall()
    con.close()
    found: dict[str, set[tuple[str, str]]] = {}
    for ext, kind, value, normalized, start, end, text in rows:
        found.setdefault(ext, set()).add((kind, value))
        assert text[start:end] == value  # offsets point at the tag as written
        assert normalized == value[1:].casefold() or normalized == value[1:]
    assert found == EXPECTED
