"""The text-reuse stage: which passages were republished where, and who had them first.

Pipeline (each heavy step is a pure function over a batch, so an engine can map
it over partitions; reading and writing the corpus happens only here):

1. **Signatures** of documents not seen before -> ``reuse_keys`` (MinHash band
   keys of passage windows, see :mod:`.signatures`). Only new documents are
   hashed: stored keys are reused on every later run.
2. **Candidates**: document pairs sharing enough keys, grouped in DuckDB
   (:mod:`.candidates`). Pairs already aligned in an earlier run are skipped.
3. **Alignment** of the new candidate pairs (:mod:`.align`) -> ``reuse_matches``.
4. **Outputs** rebuilt from the stored matches (cheap): ``reuse_pairs``,
   ``reuse_clusters`` and ``reuse_insertions`` (:mod:`.reuse_outputs`, :mod:`.clusters`).

Because signatures and alignments depend only on the texts, and candidates only
on the set of keys and publication times, an incremental run produces exactly
the tables a run from scratch would.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa

from ..corpus import Corpus, first_documents_sql, one
from ..engine import Engine
from ..engine.base import LocalEngine
from ..settings import Settings
from .align import DEFAULT_ALIGN, AlignParams, Match, Prepared, align_prepared
from .candidates import CandidateParams, candidate_pairs
from .reuse_outputs import write_outputs
from .signatures import LshParams, batch_keys
from .text import words_many
from .timing import StepTimer

STAGE = "reuse"
INTERNAL_TABLES = ("reuse_docs", "reuse_keys", "reuse_checked", "reuse_matches", "reuse_state")
OUTPUT_TABLES = ("reuse_pairs", "reuse_clusters", "reuse_insertions")

MATCHES_SCHEMA = pa.schema([
    ("a", pa.int32()), ("b", pa.int32()),
    ("a_start", pa.int64()), ("a_end", pa.int64()), ("b_start", pa.int64()), ("b_end", pa.int64()),
    ("a_words", pa.int32()), ("b_words", pa.int32()), ("similarity", pa.float64()),
    ("extra_a", pa.string()), ("extra_b", pa.string()),
])


@dataclass(frozen=True)
class ReuseParams:
    """Everything that changes results; its tag is the stage version."""

    min_words: int = 40
    lsh: LshParams = field(default_factory=LshParams)
    candidates: CandidateParams = field(default_factory=CandidateParams)
    align: AlignParams = field(default_factory=AlignParams)
    hash_batch: int = 2000
    align_batch: int = 5000

    def version(self) -> str:
        return (f"1:mw{self.min_words}:{self.lsh.tag()}:{self.candidates.tag()}:"
                f"{self.align.tag()}")


# -- pure, partition-sized steps ------------------------------------------------
def _extras(text: str, spans: list[tuple[int, int]]) -> str | None:
    if not spans:
        return None
    return json.dumps([{"start": s, "end": e, "text": text[s:e]} for s, e in spans],
                      ensure_ascii=False)


def align_batch(pairs: Iterable[tuple[int, int]], texts: dict[int, str],
                min_words: int, params: AlignParams = DEFAULT_ALIGN) -> pa.Table:
    """Align a batch of candidate pairs; ``texts`` maps doc_no to text for every doc involved."""
    nos = list(texts)
    cache = {n: Prepared(w, params)
             for n, w in zip(nos, words_many([texts[n] or "" for n in nos]), strict=True)}
    rows: dict[str, list[Any]] = {name: [] for name in MATCHES_SCHEMA.names}
    for a, b in pairs:
        m: Match
        for m in align_prepared(cache[a], cache[b], min_words, params):
            for name, value in (("a", a), ("b", b), ("a_start", m.a_start), ("a_end", m.a_end),
                                ("b_start", m.b_start), ("b_end", m.b_end),
                                ("a_words", m.a1 - m.a0), ("b_words", m.b1 - m.b0),
                                ("similarity", m.similarity),
                                ("extra_a", _extras(texts[a], m.extra_a)),
                                ("extra_b", _extras(texts[b], m.extra_b))):
                rows[name].append(value)
    return pa.table(rows, schema=MATCHES_SCHEMA)


# -- corpus edges ----------------------------------------------------------------
def _reset(corpus: Corpus) -> None:
    with corpus.transaction():
        for name in INTERNAL_TABLES:
            corpus.con.execute(f"DROP TABLE IF EXISTS {name}")


def _ensure_tables(corpus: Corpus) -> None:
    con = corpus.con
    con.execute("CREATE TABLE IF NOT EXISTS reuse_docs (doc_no INTEGER, doc_id VARCHAR, "
                "n_keys INTEGER)")
    con.execute("CREATE TABLE IF NOT EXISTS reuse_keys (key BIGINT, doc_no INTEGER)")
    con.execute("CREATE TABLE IF NOT EXISTS reuse_checked (a INTEGER, b INTEGER)")
    corpus.ensure_table("reuse_matches", MATCHES_SCHEMA)
    con.execute("CREATE TABLE IF NOT EXISTS reuse_state (key VARCHAR PRIMARY KEY, value VARCHAR)")


def _state(corpus: Corpus, key: str) -> str | None:
    row = corpus.con.execute("SELECT value FROM reuse_state WHERE key = ?", [key]).fetchone()
    return row[0] if row else None


def _occurrences(corpus: Corpus) -> int:
    return corpus.count("documents") + corpus.count("document_sources")


def _hash_job(job: tuple[list[int], list[str], LshParams]) -> pa.Table:
    """Engine task: band keys of one batch (module-level so processes and Dask can pickle it)."""
    doc_nos, texts, lsh = job
    return batch_keys(doc_nos, texts, lsh)


def _align_job(job: tuple[list[tuple[int, int]], dict[int, str], int, AlignParams]) -> pa.Table:
    """Engine task: alignment of one batch of candidate pairs."""
    pairs, texts, min_words, params = job
    return align_batch(pairs, texts, min_words, params)


def _timed_columns(cur: Any, sql: str, batch_size: int, timer: StepTimer,
                   step: str) -> Iterator[list[list[Any]]]:
    """The result of ``sql`` streamed in batches, each as Python lists (one per
    column); reading and converting is timed under ``step``, what the caller does
    with a batch is not."""
    with timer.step(step):
        reader = cur.sql(sql).to_arrow_reader(batch_size)
    while True:
        with timer.step(step):
            batch = next(reader, None)
            if batch is None:
                return
            columns = [col.to_pylist() for col in batch.columns]
        yield columns


def _hash_new_documents(corpus: Corpus, p: ReuseParams, engine: Engine, progress: Any,
                        timer: StepTimer, limit: int | None = None) -> int:
    """Band keys of documents not hashed before: one streamed scan, workers hash.

    Every per-batch statement here touches only the batch (an append), never a
    table that grows with the corpus: a join per batch against the list of new
    documents made this step quadratic.
    """
    con = corpus.con
    start = one(con.execute("SELECT coalesce(max(doc_no), -1) + 1 FROM reuse_docs"))[0]
    # --limit N: only the first N documents (doc_id order), as analyze reads them.
    sample = f" WHERE d.doc_id IN ({first_documents_sql(limit)})" if limit else ""
    total = one(con.execute("SELECT count(*) FROM documents d ANTI JOIN reuse_docs r "
                        "USING (doc_id)" + sample))[0]
    doc_ids: dict[int, list[str]] = {}  # first doc_no of a batch in flight -> its doc_ids

    def jobs() -> Iterator[tuple[list[int], list[str], LshParams]]:
        # One streamed scan in doc_id order (doc_no numbers new documents in that order).
        # The reader's snapshot predates this stage's writes, so the ANTI JOIN keeps
        # selecting the same documents while batches are written.
        cur = con.cursor()
        lo = start
        for ids, texts in _timed_columns(cur, "SELECT d.doc_id, d.text FROM documents d ANTI JOIN "
                                         f"reuse_docs r USING (doc_id){sample} ORDER BY d.doc_id",
                                         p.hash_batch, timer, "hash: read texts"):
            doc_ids[lo] = ids
            yield list(range(lo, lo + len(texts))), texts, p.lsh
            lo += len(texts)
        cur.close()

    for (nos, _, _), keys in engine.map_ordered(_hash_job, jobs()):
        with timer.step("hash: write"):
            lo = nos[0]
            counts = np.bincount(keys.column("doc_no").to_numpy() - lo, minlength=len(nos))
            docs = pa.table({"doc_no": pa.array(nos, pa.int32()),
                             "doc_id": pa.array(doc_ids.pop(lo), pa.string()),
                             "n_keys": pa.array(counts[:len(nos)], pa.int32())})
            with corpus.transaction(), corpus.registered(_new_keys=keys, _new_docs=docs):
                con.execute("INSERT INTO reuse_keys SELECT key, doc_no FROM _new_keys")
                con.execute("INSERT INTO reuse_docs SELECT doc_no, doc_id, n_keys FROM _new_docs")
        if progress is not None:
            progress.advance(len(nos))
    return total


def _build_order(corpus: Corpus) -> None:
    """Each document's first publication (over all its occurrences) and its rank."""
    corpus.con.execute("DROP TABLE IF EXISTS _reuse_order")
    corpus.con.execute("""
        CREATE TEMP TABLE _reuse_order AS
        WITH occ AS (
            SELECT doc_id, published, source FROM documents
            UNION ALL SELECT doc_id, published, source FROM document_sources
        ), firsts AS (
            SELECT doc_id, min(published) AS published,
                   arg_min(source, coalesce(published, TIMESTAMPTZ '9999-12-31')) AS source
            FROM occ GROUP BY doc_id
        )
        SELECT r.doc_no, r.doc_id, f.published, f.source,
               row_number() OVER (ORDER BY f.published NULLS LAST, r.doc_id) AS rank
        FROM reuse_docs r JOIN firsts f USING (doc_id)
    """)


def _pending_pairs(corpus: Corpus) -> np.ndarray:
    """Candidate pairs not aligned before, as an ``(n, 2)`` int array in (a, b) order."""
    todo = corpus.con.execute("SELECT c.a, c.b FROM _reuse_candidates c "
                              "ANTI JOIN reuse_checked k ON k.a = c.a AND k.b = c.b "
                              "ORDER BY c.a, c.b").fetchnumpy()
    return np.stack([np.asarray(todo["a"], np.int64), np.asarray(todo["b"], np.int64)], axis=1)


def batch_texts(corpus: Corpus, pairs: np.ndarray, size: int,
                timer: StepTimer | None = None) -> Iterator[dict[int, str]]:
    """The texts each batch of ``size`` consecutive pairs needs, batch after batch.

    One query and one pass over ``documents`` for all batches together, sorted by
    batch: a query per batch would read the documents table once per batch, which
    grows as (pairs / size) x documents, i.e. quadratically with the corpus. A text
    needed by several batches is sent with each (at most twice the pairs' count).
    """
    timer = timer or StepTimer()
    n_batches = -(-len(pairs) // size)
    if n_batches == 0:
        return
    batch_of = np.repeat(np.arange(n_batches, dtype=np.int64), size)[:len(pairs)]
    both = np.concatenate([(batch_of << 32) | pairs[:, 0], (batch_of << 32) | pairs[:, 1]])
    need = np.unique(both)
    want = pa.table({"batch": pa.array(need >> 32, pa.int32()),
                     "doc_no": pa.array(need & 0xFFFFFFFF, pa.int32())})
    cur = corpus.con.cursor()
    try:
        cur.register("_want", want)
        current = 0
        texts: dict[int, str] = {}
        for batches, nos, values in _timed_columns(
                cur, "SELECT w.batch, w.doc_no, d.text FROM _want w JOIN reuse_docs r "
                     "USING (doc_no) JOIN documents d USING (doc_id) ORDER BY w.batch",
                8192, timer, "align: read texts"):
            for bi, no, text in zip(batches, nos, values, strict=True):
                while bi != current:
                    yield texts
                    current, texts = current + 1, {}
                texts[no] = text
        yield texts
        for _ in range(current + 1, n_batches):  # batches whose texts are all gone
            yield {}
    finally:
        cur.close()


def _align_pending(corpus: Corpus, p: ReuseParams, engine: Engine,
                   progress: Any, timer: StepTimer) -> tuple[int, int]:
    con = corpus.con
    # Materialised first (as integers): no reader of the candidates stays open while
    # results are written.
    with timer.step("align: pending pairs"):
        todo = _pending_pairs(corpus)
    total = len(todo)

    def jobs() -> Iterator[tuple[list[tuple[int, int]], dict[int, str], int, AlignParams]]:
        texts = batch_texts(corpus, todo, p.align_batch, timer)
        for offset in range(0, total, p.align_batch):
            pairs = [(int(a), int(b)) for a, b in todo[offset:offset + p.align_batch].tolist()]
            yield pairs, next(texts), p.min_words, p.align

    aligned = found = 0
    for (pairs, _, _, _), matches in engine.map_ordered(_align_job, jobs()):
        with timer.step("align: write"):
            checked = pa.table({"a": pa.array([x for x, _ in pairs], pa.int32()),
                                "b": pa.array([y for _, y in pairs], pa.int32())})
            with corpus.transaction(), corpus.registered(_m=matches, _c=checked):
                con.execute("INSERT INTO reuse_matches SELECT *, NULL FROM _m")
                con.execute("INSERT INTO reuse_checked SELECT a, b FROM _c")
        aligned += len(pairs)
        found += matches.num_rows
        if progress is not None:
            progress.advance(len(pairs))
    # Pairs that stopped being candidates (a key became too common) leave the results.
    with timer.step("align: prune"), corpus.transaction():
        con.execute("DELETE FROM reuse_matches m WHERE NOT EXISTS (SELECT 1 FROM "
                    "_reuse_candidates c WHERE c.a = m.a AND c.b = m.b)")
        con.execute("DELETE FROM reuse_checked m WHERE NOT EXISTS (SELECT 1 FROM "
                    "_reuse_candidates c WHERE c.a = m.a AND c.b = m.b)")
    return aligned, found


def params_from(settings: Settings) -> ReuseParams:
    return ReuseParams(min_words=settings.reuse_min_words)


def run_reuse(corpus: Corpus, settings: Settings, run_id: str, progress: Any = None,
              params: ReuseParams | None = None, engine: Engine | None = None) -> dict[str, Any]:
    """Find text reuse over the whole corpus, incrementally. Returns a summary.

    ``engine`` (local, processes or Dask) maps the hashing and alignment batches;
    this process stays the corpus's only writer.
    """
    p = params or params_from(settings)
    version = p.version()
    started = time.perf_counter()
    n_docs = corpus.count("documents")
    if settings.limit is not None:  # the stage covers (and records) only that sample
        n_docs = min(n_docs, settings.limit)
    state = corpus.corpus_stage_state(STAGE)
    if state is None or state[0] != version or not corpus.has_table("reuse_state"):
        _reset(corpus)
    _ensure_tables(corpus)
    occurrences = _occurrences(corpus)
    if (state == (version, n_docs) and _state(corpus, "occurrences") == str(occurrences)
            and all(corpus.has_table(t) for t in OUTPUT_TABLES)):
        return {"status": "skipped", "reason": "no new documents", "documents": n_docs}
    if progress is not None:
        progress.set_total(None)
    engine = engine or LocalEngine()
    timer = StepTimer()
    with timer.step("hash"):
        hashed = _hash_new_documents(corpus, p, engine, progress, timer, settings.limit)
    with timer.step("order"):
        _build_order(corpus)
    with timer.step("candidates"):
        retried = candidate_pairs(corpus.con, p.candidates)
        candidates = one(corpus.con.execute("SELECT count(*) FROM _reuse_candidates"))[0]
    with timer.step("align"):
        aligned, _ = _align_pending(corpus, p, engine, progress, timer)
    with timer.step("outputs"):
        out = write_outputs(corpus, run_id)
    with corpus.transaction():
        corpus.con.execute("INSERT OR REPLACE INTO reuse_state VALUES ('occurrences', ?)",
                           [str(occurrences)])
        corpus.mark_corpus_stage(STAGE, version, n_docs, run_id)
    for tmp in ("_reuse_candidates", "_reuse_order"):
        corpus.con.execute(f"DROP TABLE IF EXISTS {tmp}")
    return {"status": "ok", "documents": n_docs, "hashed": hashed, "candidates": candidates,
            "aligned": aligned, **out, "seconds": round(time.perf_counter() - started, 2),
            "steps": timer.summary(), "candidates_retried_uncapped": retried}
