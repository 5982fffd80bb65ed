"""Reuse in batches: the same tables whatever the batch size, the same keys as per document.

Hashing and alignment stream texts to the engine batch by batch (one sorted pass
over the corpus, not a query per batch). These tests force many tiny batches so
that every boundary case (a text needed by several batches, the last partial
batch) is crossed, through a real DuckDB corpus.
"""

from __future__ import annotations

import random
from dataclasses import replace
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest
from numpy.lib.stride_tricks import sliding_window_view

from propscope.engine.base import ProcessEngine
from propscope.link import text as text_module
from propscope.link.candidates import CandidateParams, candidate_pairs
from propscope.link.reuse import OUTPUT_TABLES, _build_order, batch_texts, params_from, run_reuse
from propscope.link.signatures import KEYS_SCHEMA, LshParams, band_keys, batch_keys, window_min
from propscope.link.text import words, words_many
from propscope.settings import Settings
from test_reuse_fixtures import FILLER, PASSAGE, doc, edit, make_corpus

SETTINGS = Settings()


def _docs() -> list:
    """Nine documents: the passage (exact or edited) in six of them, on varied fillers."""
    out = []
    for i in range(9):
        body = f"Dispatch {i} from the desk of site {i}. " + FILLER[i % 6] + " " + FILLER[(i + 1) % 6]
        if i % 3 != 2:
            body += " " + (PASSAGE if i % 2 == 0 else edit(PASSAGE)) + " " + FILLER[(i + 3) % 6]
        out.append(doc(body, f"site-{i}", hours=i * 2.5))
    return out


def _tables(corpus) -> dict[str, list]:
    return {t: corpus.con.execute(f"SELECT * EXCLUDE (run_id) FROM {t} ORDER BY ALL").fetchall()
            for t in OUTPUT_TABLES}


def test_tiny_batches_give_the_same_tables(tmp_path: Path) -> None:
    docs = _docs()
    whole = make_corpus(tmp_path, docs, "whole.duckdb")
    summary = run_reuse(whole, SETTINGS, "r1")
    assert summary["pairs"] >= 10  # the passage links six documents: many pairs, many batches
    assert summary["clusters"] >= 1
    assert set(summary["steps"]) >= {"hash", "candidates", "align", "outputs"}
    tiny = make_corpus(tmp_path, docs, "tiny.duckdb")
    params = replace(params_from(SETTINGS), hash_batch=2, align_batch=3)
    assert run_reuse(tiny, SETTINGS, "r1", params=params)["pairs"] == summary["pairs"]
    assert _tables(tiny) == _tables(whole)
    whole.close()
    tiny.close()


def test_tiny_batches_on_worker_processes(tmp_path: Path) -> None:
    docs = _docs()
    local = make_corpus(tmp_path, docs, "local.duckdb")
    run_reuse(local, SETTINGS, "r1")
    pooled = make_corpus(tmp_path, docs, "pooled.duckdb")
    engine = ProcessEngine(2)
    try:
        params = replace(params_from(SETTINGS), hash_batch=3, align_batch=2)
        run_reuse(pooled, SETTINGS, "r1", params=params, engine=engine)
    finally:
        engine.close()
    assert _tables(pooled) == _tables(local)
    local.close()
    pooled.close()


def test_batch_texts_gives_each_batch_exactly_its_documents(tmp_path: Path) -> None:
    docs = _docs()
    corpus = make_corpus(tmp_path, docs)
    run_reuse(corpus, SETTINGS, "r1")  # numbers the documents (reuse_docs)
    text_of = dict(corpus.con.execute(
        "SELECT r.doc_no, d.text FROM reuse_docs r JOIN documents d USING (doc_id)").fetchall())
    rng = random.Random(5)
    nos = sorted(text_of)
    pairs = np.array(sorted({tuple(sorted(rng.sample(nos, 2))) for _ in range(40)}), np.int64)
    for size in (1, 4, 7, len(pairs), len(pairs) + 3):
        got = list(batch_texts(corpus, pairs, size))
        assert len(got) == -(-len(pairs) // size)
        for n, texts in enumerate(got):
            chunk = pairs[n * size:(n + 1) * size]
            assert texts == {int(x): text_of[int(x)] for x in chunk.ravel()}
    assert list(batch_texts(corpus, np.zeros((0, 2), np.int64), 5)) == []
    corpus.close()


def _random_text(rng: random.Random) -> str:
    """Words, apostrophes, punctuation and scripts whose lower case changes length."""
    pieces = ["word ", "the ", "don't ", "l’État ", "İstanbul ", "straße ", "日本語 ", "ΣΊΣΥΦΟΣ ",
              "a", "'", "’", ".", ",", " ", "\n", "\t", "-", "x", "1"]
    return "".join(rng.choice(pieces) for _ in range(rng.choice([0, 1, 2, 5, 12, 40, 150])))


@pytest.mark.parametrize("chunk", [text_module.CHUNK_CHARS, 60])
def test_batched_words_and_keys_equal_the_per_document_ones(chunk: int,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(text_module, "CHUNK_CHARS", chunk)  # 60: many passes per batch
    rng = random.Random(11)
    for _ in range(400):
        texts = [_random_text(rng) for _ in range(rng.randint(0, 7))]
        for text, got in zip(texts, words_many(texts), strict=True):
            ref = words(text)
            assert np.array_equal(got.starts, ref.starts) and np.array_equal(got.ends, ref.ends)
            assert np.array_equal(got.hashes, ref.hashes)
        for params in (LshParams(), LshParams(shingle=2, window=3, bands=3)):
            nos = list(range(5, 5 + len(texts)))
            ref_keys = [band_keys(words(t).hashes, params) for t in texts]
            expected = pa.table({
                "key": np.concatenate([np.zeros(0, np.int64), *ref_keys]),
                "doc_no": np.concatenate([np.zeros(0, np.int32)] + [
                    np.full(len(k), n, np.int32) for n, k in zip(nos, ref_keys, strict=True)])},
                schema=KEYS_SCHEMA)
            assert batch_keys(nos, texts, params).equals(expected)


def test_window_min_equals_the_strided_minimum() -> None:
    rng = np.random.default_rng(3)
    for n in range(1, 40):
        values = rng.integers(0, 2**63, n, dtype=np.uint64)
        for w in range(1, n + 1):
            assert np.array_equal(window_min(values, w),
                                  sliding_window_view(values, w).min(axis=1))


def test_candidates_rerun_uncapped_when_the_cap_is_too_small(tmp_path: Path) -> None:
    corpus = make_corpus(tmp_path, _docs())
    run_reuse(corpus, SETTINGS, "r1")
    _build_order(corpus)
    con = corpus.con
    assert candidate_pairs(con, CandidateParams()) is False  # fits the default 1 GB cap
    capped = con.execute("SELECT * FROM _reuse_candidates ORDER BY ALL").fetchall()
    assert len(capped) >= 10
    # 64 KB cannot hold the grouping: the fallback runs it again without the cap.
    assert candidate_pairs(con, CandidateParams(), memory_limit="64KB") is True
    assert con.execute("SELECT * FROM _reuse_candidates ORDER BY ALL").fetchall() == capped
    assert con.execute("SELECT current_setting('preserve_insertion_order')").fetchone()[0]
    assert con.execute("SELECT count(*) FROM duckdb_tables() "
                       "WHERE table_name = '_reuse_held'").fetchone()[0] == 0
    corpus.close()
