"""Genre and framing outside English (issue 16): the multilingual article heads
abstain rather than guess, are given only where they were measured above the
organisers' baseline, are marked experimental for languages without labelled
data, and are stored where the English model stores its own (``doc_labels``, with
the model's name); the technique analyzer reads the language stage's result."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import numpy as np
import pytest
from click.testing import CliRunner

from propscope.analyze import language, language_stored, multilingual_doc
from propscope.cli import main
from propscope.document import Document

ROOT = Path(__file__).resolve().parents[1]
MIXED = ROOT / "tests" / "data" / "mixed_languages.jsonl"


def _toy(genre_min: dict[str, float]) -> multilingual_doc.DocHeads:
    """Heads whose genre depends on the first feature only: positive -> opinion."""
    d = multilingual_doc.DIM + 2
    gw = np.zeros((d, 3), np.float32)
    gw[0] = [4.0, -4.0, -4.0]
    fw = np.zeros((d, 2), np.float32)
    fw[1] = [6.0, -6.0]
    return multilingual_doc.DocHeads(
        ("fr", "de"), ("opinion", "reporting", "satire"), gw, np.zeros(3, np.float32), genre_min,
        ("Economic", "Political"), fw, np.zeros(2, np.float32), {"fr": 0.5, "*": 0.9},
        frozenset({"fr"}), frozenset({"fr", "*"}))


def test_genre_abstains_below_its_threshold(tmp_path):
    heads = _toy({"opinion": 0.9, "reporting": 1.01, "satire": 1.01})
    strong = np.zeros(multilingual_doc.DIM, np.float32)
    strong[0] = 2.0
    weak = np.zeros(multilingual_doc.DIM, np.float32)
    weak[0] = 0.2
    x_strong = multilingual_doc.features(strong, "fr", heads.langs)
    x_weak = multilingual_doc.features(weak, "fr", heads.langs)
    assert heads.genre(x_strong)[0] == "opinion"
    shown, p, best = heads.genre(x_weak)
    assert (shown, best) == (multilingual_doc.UNCERTAIN, "opinion") and p < 0.9
    # a genre never measured at precision 0.8 (threshold 1.01) is never shown
    other = np.zeros(multilingual_doc.DIM, np.float32)
    other[0] = -2.0
    assert heads.genre(multilingual_doc.features(other, "fr", heads.langs))[0] == "uncertain"
    # framing: the language's threshold, the zero-shot one ("*") stricter
    framed = np.zeros(multilingual_doc.DIM, np.float32)
    framed[1] = 0.3  # sigmoid(1.8) = 0.86: above fr's 0.5, under the zero-shot 0.9
    x = multilingual_doc.features(framed, "fr", heads.langs)
    assert [f for f, _ in heads.framing(x, "fr")] == ["Economic"]
    assert heads.framing(x, "*") == []
    # the file round-trips, gates included
    path = tmp_path / "h.npz"
    heads.save(path)
    back = multilingual_doc.DocHeads.load(path)
    assert back.genre_langs == {"fr"} and back.framing_langs == {"fr", "*"}
    assert back.genre(x_weak)[0] == "uncertain" and back.covers("framing", "es", measured=False)
    assert not back.covers("genre", "es", measured=False) and not back.covers("genre", "de", True)


def test_shipped_heads_are_small_and_consistent_with_decide():
    heads = multilingual_doc.heads()
    assert heads is not None and multilingual_doc.HEADS_PATH.stat().st_size < 200_000
    assert heads.genre_labels == ("opinion", "reporting", "satire") and len(heads.framing_labels) == 14
    assert set(heads.genre_min) == set(heads.genre_labels)
    for lang in sorted(language.PARAGRAPH_LANGS):
        res = language.LanguageResult(lang, 0.99, False, None, lang, 0.99)
        for task, langs in (("genre", heads.genre_langs), ("framing", heads.framing_langs)):
            status, reason = language.decide(res, task)
            if lang in langs:
                assert (status, reason) == ("analysed", language.ARTICLE_REASON)
            else:
                assert status == "not analysed" and "above the baselines" in reason
    es = language.LanguageResult("es", 0.99, False, None, "es", 0.99)
    assert (language.decide(es, "framing")[0] == "experimental") == ("*" in heads.framing_langs)
    assert language.decide(language.LanguageResult("lb", 0.99, False, None, "lb", 0.99),
                           "genre")[0] == "not analysed"


def test_technique_plan_reads_the_stored_language():
    english = "The council voted on the new bus lanes after a long and angry public debate."
    # Stored as French by the language stage: taken as is, not identified again.
    doc = Document.create(english, lang="fr", lang_confidence=0.97, lang_declared=False)
    res = language_stored.stored_result(doc)
    assert res is not None and (res.lang, res.confidence, res.declared) == ("fr", 0.97, False)
    # Not seen by the stage yet: None, and the analyzer identifies it itself.
    assert language_stored.stored_result(Document.create(english)) is None
    # A mixed English document: the other-language paragraphs are found again, exactly
    # as the stage found them (the token model drops spans there).
    text = [json.loads(line) for line in MIXED.read_text(encoding="utf-8").splitlines()][-1]["text"]
    full = language.identify(text)
    stored = language_stored.stored_result(
        Document.create(text, lang=full.lang, lang_confidence=full.confidence, lang_declared=False))
    assert stored is not None and stored.mixed and stored.segments == full.segments
    assert language.decide(stored, "techniques") == language.decide(full, "techniques")


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """The mixed-language corpus through the real `propscope run` (real DuckDB file)."""
    tmp = tmp_path_factory.mktemp("langdoc")
    corpus = tmp / "c.duckdb"
    res = CliRunner().invoke(main, ["run", str(MIXED), "--corpus", str(corpus), "--out", str(tmp / "o")])
    assert res.exit_code == 0, res.output
    con = duckdb.connect(str(corpus), read_only=True)
    ids = dict(con.execute("SELECT external_id, doc_id FROM documents").fetchall())
    labels = con.execute("SELECT doc_id, task, label, score, model FROM doc_labels").fetchall()
    cov = {(d, a): (s, r) for d, a, s, r in con.execute(
        "SELECT doc_id, analysis, status, reason FROM coverage").fetchall()}
    con.close()
    return ids, labels, cov, corpus


def test_genre_and_framing_stored_where_coverage_says(run):
    ids, labels, cov, corpus = run
    heads = multilingual_doc.heads()
    assert heads is not None
    by_doc: dict[str, list[tuple[str, str, float, str]]] = {}
    for doc_id, task, label, score, model in labels:
        by_doc.setdefault(doc_id, []).append((task, label, score, model))
    # English keeps the English model's labels
    assert {m for _, _, _, m in by_doc[ids["en-1"]]} != {multilingual_doc.MODEL_NAME}
    for ext in ("fr-1", "ru-1", "de-declared", "ar-1", "zh-1", "lb-1"):
        doc_id = ids[ext]
        rows = by_doc.get(doc_id, [])
        for task in ("genre", "framing"):
            status, reason = cov[(doc_id, task)]
            mine = [r for r in rows if r[0] == task]
            if status == "not analysed":
                assert not mine, (ext, task)
                continue
            assert all(r[3] == multilingual_doc.MODEL_NAME for r in mine), (ext, task)
            if task == "genre":  # exactly one genre row: a genre, or "uncertain"
                assert len(mine) == 1 and mine[0][1] in (*heads.genre_labels, "uncertain")
            if ext in ("ar-1", "zh-1"):
                assert status == "experimental" and "zero-shot" in reason
            else:
                assert (status, reason) == ("analysed", language.ARTICLE_REASON)
    assert cov[(ids["lb-1"], "genre")][0] == "not analysed"
    # the document page says which model gave the labels
    from starlette.testclient import TestClient

    from propscope.present.webapp import create_app

    client = TestClient(create_app(corpus))
    fr = ids["fr-1"]
    page = client.get(f"/doc/{fr}").text
    if by_doc.get(fr):
        assert f'({multilingual_doc.MODEL_NAME})</span>' in page and 'data-label-model=' in page
    assert "propscope-techniques-semeval2023" in client.get(f"/doc/{ids['en-1']}").text
