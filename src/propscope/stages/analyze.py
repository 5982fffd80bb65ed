"""The analyze stage: every configured analyzer over the documents it has not seen.

It owns each analyzer's tables (declared by the analyzer, :mod:`propscope.analyze.registry`)
and ``stage_done``, the per-document marks that make it resumable: a document
is analysed once per analyzer version, a crash loses only unmarked batches, and
``--force-stage NAME`` forgets a stage's results. The engine computes
(:mod:`.analyze_jobs`); every result goes to the corpus writer.
"""

from __future__ import annotations

import time
from typing import Any

import pyarrow as pa

from ..analyze.registry import Analyzer, AnalyzerResult, get_analyzer
from ..analyze.short_links import join_corpus
from ..corpus import Corpus, duck_type, q
from ..document import Rejected
from ..engine import Engine, get_engine
from ..errors import ModelError
from ..progress import NULL_REPORTER, Reporter
from ..settings import Settings
from .analyze_jobs import FUSED_COLUMNS, FusedResult, run_analyzer_batch, run_fused_batch, to_tables
from .writer import CorpusWriter

# Cheap text analyzers (no model, so no ModelError) that share one read of each
# batch: reading, sending and writing cost more than the analyzers themselves.
FUSED_ANALYZERS = ("references", "repetitions")
# Their results are written for several batches at once (one transaction per table,
# whose commit costs more than analysing a small batch): every this many batches,
# documents or result rows, whichever comes first. A crash loses at most that much.
FUSED_WRITE_BATCHES = 16
FUSED_WRITE_DOCS = 16384
FUSED_WRITE_ROWS = 250_000


def start_engine(settings: Settings, reporter: Reporter) -> Engine:
    """Build the configured engine and say where to watch it (the Dask dashboard)."""
    engine = get_engine(settings)
    link = engine.describe().get("dashboard")
    if link:
        reporter.print(f"Dask dashboard: {link}")
    return engine


def language_summary(corpus: Corpus) -> dict[str, Any] | None:
    """Languages and per-analysis coverage (:func:`propscope.analyze.language_coverage.summary`)."""
    from ..analyze.language_coverage import summary

    return summary(corpus.con)


def analyze_corpus(corpus: Corpus, settings: Settings, run_id: str,
                   reporter: Reporter = NULL_REPORTER, engine: Engine | None = None,
                   writer: CorpusWriter | None = None) -> dict[str, Any]:
    """Run every configured analyzer over the documents it has not seen yet."""
    if writer is None:
        with CorpusWriter(corpus) as own:
            return analyze_corpus(corpus, settings, run_id, reporter, engine, own)
    own_engine = engine is None
    engine = engine or start_engine(settings, reporter)
    summary: dict[str, Any] = {}
    try:
        fused = [n for n in settings.analyzers if n in FUSED_ANALYZERS]
        done = _analyze_fused(corpus, writer, fused, settings, run_id, reporter, engine)
        if done:  # already reset; the per-analyzer pass below only picks up stragglers
            settings = settings.replace(
                force_stages=tuple(s for s in settings.force_stages if s not in done))
        for name in settings.analyzers:
            summary[name] = _analyze_one(corpus, writer, name, settings, run_id, reporter, engine)
            if name in done and summary[name].get("status") == "up to date":
                summary[name] = done[name]
        if "references" in settings.analyzers:  # short links expanded in other documents
            joined = writer.call(lambda c: join_corpus(c.con))
            if joined:
                summary["references"]["short_links_joined"] = joined
    finally:
        if own_engine:
            engine.close()
    return summary


def prepare(writer: CorpusWriter, analyzers: list[Analyzer], settings: Settings) -> None:
    """Forget forced stages' results and create every analyzer's tables."""

    def write(corpus: Corpus) -> None:
        for analyzer in analyzers:
            if analyzer.name in settings.force_stages:
                corpus.reset_stage(analyzer.name, analyzer.tables)
            for table, schema in analyzer.tables.items():
                corpus.ensure_table(table, schema)
                add_new_columns(corpus, table, schema)

    writer.call(write)


def add_new_columns(corpus: Corpus, table: str, schema: pa.Schema) -> None:
    """Add the columns a newer analyzer version declares to a table an older one made.

    A new column is nullable and comes with a new analyzer version, which analyses
    every document again; without it, writing the new rows into the old table fails.
    """
    have = {r[0] for r in corpus.con.execute(
        "SELECT column_name FROM duckdb_columns() WHERE table_name = ? AND database_name = "
        "current_database() AND schema_name = current_schema()", [table]).fetchall()}
    for f in schema:
        if f.name not in have:
            corpus.con.execute(f"ALTER TABLE {q(table)} ADD COLUMN {q(f.name)} "
                               f"{duck_type(f.type)}")


def _pending(writer: CorpusWriter, analyzer: Analyzer, settings: Settings) -> int:
    pending = int(writer.call(lambda c: c.pending_count(analyzer.name, analyzer.version)))
    return pending if settings.limit is None else min(pending, settings.limit)


def _rate(done: int, started: float, **extra: Any) -> dict[str, Any]:
    elapsed = time.perf_counter() - started
    return {"status": "ok", "documents": done, **extra, "seconds": round(elapsed, 3),
            "docs_per_s": round(done / elapsed, 1) if elapsed else None}


def _analyze_fused(corpus: Corpus, writer: CorpusWriter, names: list[str], settings: Settings,
                   run_id: str, reporter: Reporter, engine: Engine) -> dict[str, dict[str, Any]]:
    """Run ``names`` together over the documents all of them still need.

    Only when every one of them has the same number of documents pending (the
    usual case: a fresh or a forced run); otherwise, and for any document one of
    them still lacks afterwards, :func:`_analyze_one` runs each on its own.
    Returns the summary of each analyzer that ran here.
    """
    if len(names) < 2:
        return {}
    analyzers = [get_analyzer(n) for n in names]
    prepare(writer, analyzers, settings)
    counts = {_pending(writer, a, settings) for a in analyzers}
    pending = counts.pop() if len(counts) == 1 else 0
    if pending == 0:
        return {}
    started = time.perf_counter()
    done = 0
    failed = dict.fromkeys(names, 0)
    lead = analyzers[0]
    batches = corpus.pending_arrow(lead.name, lead.version, batch_size=settings.batch_size,
                                   limit=settings.limit, columns=FUSED_COLUMNS)
    jobs = ((tuple(names), batch) for batch in batches)
    # One bar, named after the first analyzer (progress lines and tests key on
    # "analyze: NAME"); the others are announced here.
    reporter.print(f"analyze: {', '.join(names)} in one pass over the documents")
    with reporter.stage(f"analyze: {names[0]}", total=pending) as bar:
        group = Group()
        for (_, batch), results in engine.map_ordered(run_fused_batch, jobs):
            if group.add(Held(batch, results)):
                written = writer.call(WriteFused(analyzers, run_id, group.take(), failed))
                done += written
                bar.advance(written)
        if group.held:
            written = writer.call(WriteFused(analyzers, run_id, group.take(), failed))
            done += written
            bar.advance(written)
    return {name: _rate(done, started, failed=failed[name]) for name in names}


class Group:
    """Batches' results waiting to be written in one transaction per table: every
    :data:`FUSED_WRITE_BATCHES` batches, :data:`FUSED_WRITE_DOCS` documents or
    :data:`FUSED_WRITE_ROWS` result rows, whichever comes first."""

    def __init__(self) -> None:
        self.held: list[Held] = []
        self.docs = self.rows = 0

    def add(self, held: Held) -> bool:
        """Hold one batch's results; True when the group should be written now."""
        self.held.append(held)
        self.docs += len(held.doc_ids)
        self.rows += sum(t.num_rows for tables, _ in held.results.values() for t in tables.values())
        return (len(self.held) >= FUSED_WRITE_BATCHES or self.docs >= FUSED_WRITE_DOCS
                or self.rows >= FUSED_WRITE_ROWS)

    def take(self) -> list[Held]:
        held, self.held, self.docs, self.rows = self.held, [], 0, 0
        return held


class Held:
    """One batch's results waiting to be written, and what a quarantine entry needs
    (the batch's texts are not kept)."""

    def __init__(self, batch: pa.RecordBatch | pa.Table, results: FusedResult) -> None:
        self.results = results
        self.doc_ids: list[str] = batch.column("doc_id").to_pylist()
        failing = any(errors for _, errors in results.values())
        self.files = batch.column("file").to_pylist() if failing else []
        self.records = batch.column("record").to_pylist() if failing else []


class WriteFused:
    """A writer task: several batches' results, one transaction per analyzer and
    table; counts failures into ``failed``; returns the documents written."""

    def __init__(self, analyzers: list[Analyzer], run_id: str, held: list[Held],
                 failed: dict[str, int]) -> None:
        self.analyzers, self.run_id, self.held, self.failed = analyzers, run_id, held, failed

    def __call__(self, corpus: Corpus) -> int:
        held = self.held
        doc_ids = [doc_id for h in held for doc_id in h.doc_ids]
        for analyzer in self.analyzers:
            rejected, tables = [], []
            for h in held:
                batch_tables, errors = h.results[analyzer.name]
                tables.append(batch_tables)
                rejected += [Rejected(h.files[i] or "", h.records[i] or "",
                                      f"analyzer {analyzer.name} failed on document "
                                      f"{h.doc_ids[i]}: {err}") for i, err in errors]
            if rejected:
                corpus.add_rejected(rejected, self.run_id)
                self.failed[analyzer.name] += len(rejected)
            merged = {name: pa.concat_tables([t[name] for t in tables])
                      for name in analyzer.tables}
            corpus.write_stage(analyzer.name, analyzer.version, self.run_id, doc_ids, merged)
        return len(doc_ids)


def _analyze_one(corpus: Corpus, writer: CorpusWriter, name: str, settings: Settings,
                 run_id: str, reporter: Reporter, engine: Engine) -> dict[str, Any]:
    try:
        analyzer = get_analyzer(name)
    except ModelError as exc:
        reporter.print(f"[yellow]{name}: not computed ({exc})")
        return {"status": "not computed", "reason": str(exc)}
    if analyzer.configure is not None:  # bind settings it reads (techniques: taxonomy)
        analyzer = analyzer.configure(settings)
    prepare(writer, [analyzer], settings)
    chosen = (writer.call(lambda c: analyzer.prepare(c, settings, run_id))  # type: ignore[misc]
              if analyzer.prepare is not None else None)
    if chosen and chosen.get("line"):
        reporter.print(chosen["line"])
    extra = {"chosen": chosen} if chosen else {}
    finish = analyzer.finish
    pending = _pending(writer, analyzer, settings)
    if pending == 0:
        if finish is not None:  # also after a crash between writing and finishing
            writer.call(finish)
        return {"status": "up to date", "documents": 0, **extra}
    started = time.perf_counter()
    done = failed = 0
    batch_size = min(settings.batch_size, analyzer.batch_docs or settings.batch_size)
    batches = corpus.pending_documents(analyzer.name, analyzer.version,
                                       batch_size=batch_size, limit=settings.limit)
    # Worker calls of ``call_docs`` documents (the bar advances after each); their
    # results are buffered and written ``batch_size`` documents at a time.
    call = max(1, min(analyzer.call_docs or batch_size, batch_size))
    jobs = ((analyzer, batch[i : i + call]) for batch in batches for i in range(0, len(batch), call))
    held: list[tuple[list[Rejected], list[str], list[AnalyzerResult]]] = []

    def flush() -> None:
        if not held:
            return
        bad = [r for b, _, _ in held for r in b]
        doc_ids = [d for _, ids, _ in held for d in ids]
        tables = to_tables(analyzer, [r for _, _, good in held for r in good])
        held.clear()

        def write(corpus: Corpus) -> None:
            if bad:
                corpus.add_rejected(bad, run_id)
            corpus.write_stage(analyzer.name, analyzer.version, run_id, doc_ids, tables)

        writer.call(write)

    try:
        with reporter.stage(f"analyze: {name}", total=pending) as bar:
            for (_, docs), results in engine.map_ordered(run_analyzer_batch, jobs):
                good = [r for r in results if not isinstance(r, str)]
                bad = [Rejected(d.file, d.record, f"analyzer {name} failed on document "
                                f"{d.doc_id}: {r}")
                       for d, r in zip(docs, results, strict=True) if isinstance(r, str)]
                held.append((bad, [d.doc_id for d in docs], good))
                if sum(len(ids) for _, ids, _ in held) >= batch_size:
                    flush()
                done += len(docs)
                failed += len(bad)
                bar.advance(len(docs))
            flush()
    except ModelError as exc:
        flush()  # the documents read before the error keep their results
        reporter.print(f"[yellow]{name}: not computed ({exc})")
        return {"status": "not computed", "reason": str(exc), "documents": done}
    if finish is not None:
        writer.call(finish)
    return _rate(done, started, failed=failed, **extra)
