"""The main job, stage by stage: ingest → analyze → link → present.

Each public function here is what one CLI command calls (and what library users
call). Every stage reads from and writes to the corpus file and skips work that
is already done, so ``run`` can be repeated or resumed after a crash.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import inspect
import json
import queue
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.compute as pc

from .analyze.registry import Analyzer, AnalyzerResult, get_analyzer
from .corpus import Corpus, open_corpus
from .document import Document, Rejected
from .engine import Engine, get_engine
from .errors import ModelError, NothingIngested, StrictQuarantine
from .gctuning import relaxed_gc
from .progress import NULL_REPORTER, Reporter
from .settings import Settings

if TYPE_CHECKING:
    from .ingest.parallel import WorkerParse

# Corpus-level stages: name -> "module:function(corpus, settings, run_id, progress)".
LINK_STAGES: dict[str, str] = {
    "reuse": "propscope.link.reuse:run_reuse",
    "coordination": "propscope.link.coordination:run_coordination",
}


def _start_run(corpus: Corpus, command: str, settings: Settings) -> str:
    """Record a new run, first marking runs left "running" by a killed process.

    DuckDB lets one process at a time open the file for writing, so a run still
    "running" when we get the file can only be one whose process died.
    """
    corpus.con.execute("UPDATE runs SET status = 'interrupted' WHERE status = 'running'")
    return corpus.start_run(command, asdict(settings))


# -- ingest ------------------------------------------------------------------
def ingest(paths: Sequence[str | Path], corpus_path: str | Path, settings: Settings,
           reporter: Reporter = NULL_REPORTER) -> dict[str, Any]:
    """Read every input into the corpus. Raises :class:`NothingIngested` if nothing could be."""
    with open_corpus(corpus_path) as corpus:
        run_id = _start_run(corpus, "ingest", settings)
        summary = ingest_into(corpus, paths, settings, run_id, reporter)
        corpus.finish_run(run_id, "ok", summary)
    _check_ingest(summary, settings)
    return summary


def ingest_into(corpus: Corpus, paths: Sequence[str | Path], settings: Settings, run_id: str,
                reporter: Reporter = NULL_REPORTER, overlap: _Overlap | None = None,
                engine: Engine | None = None) -> dict[str, Any]:
    """Ingest ``paths``. With an ``engine`` that has workers, they parse JSON Lines;
    with ``overlap``, each committed batch's new documents are analysed by the
    engine's workers while the next batches are read (for JSON Lines, by the
    worker that parsed them, in the same job)."""
    from .ingest import ingest_paths, total_input_bytes

    total = total_input_bytes(paths)
    workers = worker_parse_for(overlap, engine)
    with reporter.stage("ingest", total=total, unit="bytes") as bar:
        if overlap is None:
            result = ingest_paths(corpus, paths, settings, run_id, progress=bar.advance,
                                  workers=workers)
        else:
            with overlap:
                result = ingest_paths(corpus, paths, settings, run_id, progress=bar.advance,
                                      on_new=overlap.submit, lock=overlap.lock, workers=workers)
    summary = result.as_dict()
    summary["corpus_documents"] = corpus.count("documents")
    return summary


def worker_parse_for(overlap: _Overlap | None, engine: Engine | None) -> WorkerParse | None:
    """How ingest uses the engine's workers: parsing JSON Lines (any engine with
    workers), and with ``overlap`` also the fused analyzers, in the same job."""
    from .ingest.parallel import WorkerParse

    if overlap is not None:
        return WorkerParse(overlap.engine, extra=functools.partial(_fused_rows, overlap.names),
                           on_extra=overlap.accept)
    if engine is not None and engine.name != "local":
        return WorkerParse(engine)
    return None


def _check_ingest(summary: dict[str, Any], settings: Settings) -> None:
    if settings.strict and summary.get("quarantined"):
        raise StrictQuarantine(
            f"{summary['quarantined']} record(s) quarantined and --strict is set",
            hint="see `propscope status --corpus FILE` for the reasons")
    nothing_new = not summary.get("documents") and not summary.get("duplicates")
    if nothing_new and not summary.get("files_skipped") and not summary.get("corpus_documents"):
        raise NothingIngested(
            f"nothing could be ingested ({summary.get('quarantined', 0)} record(s) quarantined)",
            hint="check the input paths and formats; see `propscope status` for reasons")


# -- analyze -----------------------------------------------------------------
def _run_analyzer_batch(job: tuple[str | Analyzer, list[Document]]) -> list[AnalyzerResult | str]:
    """Worker side: run one analyzer over a batch; a failing document yields its error text.

    Module-level (not a closure) so it pickles to process pools and Dask workers.
    """
    name, docs = job
    analyzer = name if isinstance(name, Analyzer) else get_analyzer(name)
    try:
        return list(analyzer.run_batch(docs))
    except ModelError:
        raise
    except Exception:  # noqa: BLE001 - isolate the bad document(s) below
        out: list[AnalyzerResult | str] = []
        for doc in docs:
            try:
                out.append(analyzer.fn(doc))
            except Exception as exc:  # noqa: BLE001 - quarantined with its reason
                out.append(f"{type(exc).__name__}: {exc}")
        return out


FusedResult = dict[str, tuple[dict[str, pa.Table], list[tuple[int, str]]]]


def _run_fused_batch(job: tuple[tuple[str, ...], pa.RecordBatch]) -> FusedResult:
    """Worker side: several analyzers over one batch of documents (as read from the
    corpus, in Arrow form, so the reading process does no per-document work);
    per analyzer, its Arrow tables (built here, so the writing process only writes)
    and ``(index, error)`` of the documents it failed on."""
    names, batch = job
    out: FusedResult = {}
    with relaxed_gc():
        docs = _fused_documents(batch)
        for name in names:
            results = _run_analyzer_batch((name, docs))
            good = [r for r in results if not isinstance(r, str)]
            errors = [(i, r) for i, r in enumerate(results) if isinstance(r, str)]
            out[name] = (_to_tables(get_analyzer(name), good), errors)
    return out


def _fused_rows(names: tuple[str, ...], rows: pa.Table) -> tuple[pa.Table, FusedResult]:
    """Worker side, beside ingest (:class:`~propscope.ingest.parallel.WorkerParse`):
    the fused analyzers over a parsed chunk's ``documents`` rows, with the
    ``doc_id, file, record`` of the documents they ran on (what writing needs)."""
    batch = rows.select(_FUSED_NAMES).combine_chunks().to_batches()[0]
    return rows.select(["doc_id", "file", "record"]), _run_fused_batch((names, batch))


def _fused_documents(batch: pa.RecordBatch) -> list[Document]:
    """Documents holding only what the fused analyzers read (:data:`FUSED_COLUMNS`):
    converting every column (time zones, titles, URLs) to Python objects cost
    more than some of the analyzers."""
    cols = batch.to_pydict()
    return [Document(doc_id=doc_id, text=text, content_hash="", file=file or "",
                     record=record or "", meta=json.loads(meta) if meta else {})
            for doc_id, text, meta, file, record in zip(
                cols["doc_id"], cols["text"], cols["meta"], cols["file"], cols["record"],
                strict=True)]


def _to_tables(analyzer: Analyzer, results: list[AnalyzerResult]) -> dict[str, pa.Table]:
    tables: dict[str, pa.Table] = {}
    for name, schema in analyzer.tables.items():
        rows = [row for res in results for row in res.get(name, [])]
        tables[name] = pa.Table.from_pylist(rows, schema=schema)
    return tables


def analyze_corpus(corpus: Corpus, settings: Settings, run_id: str,
                   reporter: Reporter = NULL_REPORTER, engine: Engine | None = None
                   ) -> dict[str, Any]:
    """Run every configured analyzer over the documents it has not seen yet."""
    own_engine = engine is None
    engine = engine or _start_engine(settings, reporter)
    summary: dict[str, Any] = {}
    try:
        fused = [n for n in settings.analyzers if n in FUSED_ANALYZERS]
        done = _analyze_fused(corpus, fused, settings, run_id, reporter, engine)
        if done:  # already reset; the per-analyzer pass below only picks up stragglers
            settings = settings.replace(
                force_stages=tuple(s for s in settings.force_stages if s not in done))
        for name in settings.analyzers:
            summary[name] = _analyze_stage(corpus, name, settings, run_id, reporter, engine)
            if name in done and summary[name].get("status") == "up to date":
                summary[name] = done[name]
    finally:
        if own_engine:
            engine.close()
    return summary


# Cheap text analyzers (no model, so no ModelError) that share one read of each
# batch: reading, sending and writing cost more than the analyzers themselves.
# They read only a document's ID, text and metadata, so only these columns (plus
# where the document came from, for quarantine reasons) are read for them.
FUSED_ANALYZERS = ("references", "repetitions")
FUSED_COLUMNS = "doc_id, text, meta, file, record"
_FUSED_NAMES = [c.strip() for c in FUSED_COLUMNS.split(",")]
# Their results are written for several batches at once (one transaction per table,
# whose commit costs more than analysing a small batch): every this many batches,
# documents or result rows, whichever comes first. A crash loses at most that much.
FUSED_WRITE_BATCHES = 16
FUSED_WRITE_DOCS = 16384
FUSED_WRITE_ROWS = 250_000


def _analyze_fused(corpus: Corpus, names: list[str], settings: Settings, run_id: str,
                   reporter: Reporter, engine: Engine) -> dict[str, dict[str, Any]]:
    """Run ``names`` together over the documents all of them still need.

    Only when every one of them has the same number of documents pending (the
    usual case: a fresh or a forced run); otherwise, and for any document one of
    them still lacks afterwards, :func:`_analyze_stage` runs each on its own.
    Returns the summary of each analyzer that ran here.
    """
    if len(names) < 2:
        return {}
    analyzers = [get_analyzer(n) for n in names]
    for analyzer in analyzers:
        if analyzer.name in settings.force_stages:
            corpus.reset_stage(analyzer.name, analyzer.tables)
        for table, schema in analyzer.tables.items():
            corpus.ensure_table(table, schema)
    counts = {corpus.pending_count(a.name, a.version) for a in analyzers}
    pending = counts.pop() if len(counts) == 1 else 0
    if settings.limit is not None:
        pending = min(pending, settings.limit)
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
        group = _Group()
        for (_, batch), results in engine.map_ordered(_run_fused_batch, jobs):
            if group.add(_Held(batch, results)):
                written = _write_fused(corpus, analyzers, run_id, group.take(), failed)
                done += written
                bar.advance(written)
        if group.held:
            written = _write_fused(corpus, analyzers, run_id, group.take(), failed)
            done += written
            bar.advance(written)
    elapsed = time.perf_counter() - started
    return {name: {"status": "ok", "documents": done, "failed": failed[name],
                   "seconds": round(elapsed, 3),
                   "docs_per_s": round(done / elapsed, 1) if elapsed else None}
            for name in names}


class _Group:
    """Batches' results waiting to be written in one transaction per table: every
    :data:`FUSED_WRITE_BATCHES` batches, :data:`FUSED_WRITE_DOCS` documents or
    :data:`FUSED_WRITE_ROWS` result rows, whichever comes first."""

    def __init__(self) -> None:
        self.held: list[_Held] = []
        self.docs = self.rows = 0

    def add(self, held: _Held) -> bool:
        """Hold one batch's results; True when the group should be written now."""
        self.held.append(held)
        self.docs += len(held.doc_ids)
        self.rows += sum(t.num_rows for tables, _ in held.results.values() for t in tables.values())
        return (len(self.held) >= FUSED_WRITE_BATCHES or self.docs >= FUSED_WRITE_DOCS
                or self.rows >= FUSED_WRITE_ROWS)

    def take(self) -> list[_Held]:
        held, self.held, self.docs, self.rows = self.held, [], 0, 0
        return held


class _Held:
    """One batch's results waiting to be written, and what a quarantine entry needs
    (the batch's texts are not kept)."""

    def __init__(self, batch: pa.RecordBatch, results: FusedResult) -> None:
        self.results = results
        self.doc_ids: list[str] = batch.column("doc_id").to_pylist()
        failing = any(errors for _, errors in results.values())
        self.files = batch.column("file").to_pylist() if failing else []
        self.records = batch.column("record").to_pylist() if failing else []


def _write_fused(corpus: Corpus, analyzers: list[Analyzer], run_id: str,
                 held: list[_Held], failed: dict[str, int]) -> int:
    """Write several batches' results, one transaction per analyzer; returns documents."""
    doc_ids = [doc_id for h in held for doc_id in h.doc_ids]
    for analyzer in analyzers:
        rejected, tables = [], []
        for h in held:
            batch_tables, errors = h.results[analyzer.name]
            tables.append(batch_tables)
            rejected += [Rejected(h.files[i] or "", h.records[i] or "",
                                  f"analyzer {analyzer.name} failed on document "
                                  f"{h.doc_ids[i]}: {err}") for i, err in errors]
        if rejected:
            corpus.add_rejected(rejected, run_id)
            failed[analyzer.name] += len(rejected)
        merged = {name: pa.concat_tables([t[name] for t in tables]) for name in analyzer.tables}
        corpus.write_stage(analyzer.name, analyzer.version, run_id, doc_ids, merged)
    return len(doc_ids)


# Documents per job of the analysis beside ingest. Larger than the analyze stage's
# batches: there, the main process only reads and writes; here it also parses, and
# every job costs it a wake-up and a hand-over under the interpreter lock (measured
# on 2 cores, 100k documents: 13.6 MB/s end to end with 512, 15.8 with 2,500).
OVERLAP_BATCH_DOCS = 2500


class _Overlap:
    """The fused analyzers over ingest's new documents, beside ingest rather than after it.

    Ingest's writer thread hands each committed batch's new documents (still in
    memory: nothing is read back) to :meth:`submit`; a thread here feeds them to
    the engine's workers and writes their results and ``stage_done`` marks,
    holding ``lock`` (the one corpus connection is shared with ingest's writer),
    in the same grouped transactions as :func:`_analyze_fused`. The queue holds
    two batches, so a slow analysis slows ingest down instead of growing memory.
    A crash loses only unwritten results: those documents stay pending, and the
    analyze stage after ingest (which always runs) picks them up.
    """

    def __init__(self, corpus: Corpus, names: Sequence[str], settings: Settings, run_id: str,
                 engine: Engine) -> None:
        self.corpus, self.run_id, self.engine = corpus, run_id, engine
        self.names = tuple(names)
        self.analyzers = [get_analyzer(n) for n in names]
        for analyzer in self.analyzers:
            for table, schema in analyzer.tables.items():
                corpus.ensure_table(table, schema)
        self.batch_size = max(settings.batch_size, OVERLAP_BATCH_DOCS)
        self.lock = threading.Lock()
        self.queue: queue.Queue[pa.RecordBatch | None] = queue.Queue(maxsize=2)
        self.error: BaseException | None = None
        self.done = 0
        self.failed = dict.fromkeys(self.names, 0)
        self.started = time.perf_counter()
        self.thread = threading.Thread(target=self._loop, name="propscope-overlap", daemon=True)
        self.parsed = _Group()  # results of worker-parsed chunks not written yet

    def __enter__(self) -> _Overlap:
        self.started = time.perf_counter()
        self.thread.start()
        return self

    def __exit__(self, exc_type: object, *rest: object) -> None:
        with contextlib.suppress(BaseException):
            self._put(None)
        self.thread.join()
        if exc_type is None and self.error is not None:
            raise self.error
        if exc_type is None:
            self._flush_parsed()

    def submit(self, rows: pa.Table) -> None:
        """Queue new documents (``documents`` rows) for analysis (blocks while two
        batches wait)."""
        rows = rows.select(_FUSED_NAMES)
        for start in range(0, rows.num_rows, self.batch_size):
            # A slice pickles with its parent's whole buffers: taking the rows out
            # sends each worker only its own texts (half the bytes at 2 slices).
            part = rows.slice(start, self.batch_size)
            if part.num_rows < rows.num_rows:
                part = part.take(pa.array(range(part.num_rows)))
            self._put(part.combine_chunks().to_batches()[0])

    def _put(self, item: pa.RecordBatch | None) -> None:
        while True:
            if self.error is not None:
                raise self.error
            if not self.thread.is_alive():
                return
            try:
                self.queue.put(item, timeout=0.2)
                return
            except queue.Full:
                continue

    def accept(self, stored: pa.Array, extra: tuple[pa.Table, FusedResult]) -> None:
        """Results computed by the worker that parsed a chunk (:func:`_fused_rows`), for
        the documents of it just stored (``stored``); written in grouped transactions.
        Called by ingest's writing thread, outside ``lock``."""
        meta, results = extra
        if len(stored) < meta.num_rows:
            meta, results = _only(meta, results, stored)
        if self.parsed.add(_Held(meta, results)):
            self._flush_parsed()

    def _flush_parsed(self) -> None:
        if self.parsed.held:
            self._write(self.parsed.take())

    def _jobs(self) -> Iterator[tuple[tuple[str, ...], pa.RecordBatch]]:
        while (batch := self.queue.get()) is not None:
            yield self.names, batch

    def _loop(self) -> None:
        try:
            group = _Group()
            for (_, batch), results in self.engine.map_ordered(_run_fused_batch, self._jobs()):
                if group.add(_Held(batch, results)):
                    self._write(group.take())
            if group.held:
                self._write(group.take())
        except BaseException as exc:  # noqa: BLE001 - re-raised in the ingesting thread
            self.error = exc

    def _write(self, held: list[_Held]) -> None:
        with self.lock:
            self.done += _write_fused(self.corpus, self.analyzers, self.run_id, held, self.failed)

    def summaries(self) -> dict[str, dict[str, Any]]:
        elapsed = time.perf_counter() - self.started
        return {name: {"status": "ok", "documents": self.done, "failed": self.failed[name],
                       "seconds": round(elapsed, 3), "beside_ingest": self.done,
                       "docs_per_s": round(self.done / elapsed, 1) if elapsed else None}
                for name in self.names}


def _only(meta: pa.Table, results: FusedResult, keep_ids: pa.Array) -> tuple[pa.Table, FusedResult]:
    """``meta`` and ``results`` of the documents in ``keep_ids`` only (error
    positions renumbered to match)."""
    keep = pc.is_in(meta.column("doc_id"), value_set=keep_ids)
    position: dict[int, int] = {}
    for old, kept in enumerate(keep.to_pylist()):
        if kept:
            position[old] = len(position)
    out: FusedResult = {}
    for name, (tables, errors) in results.items():
        out[name] = ({t: tbl.filter(pc.is_in(tbl.column("doc_id"), value_set=keep_ids))
                      for t, tbl in tables.items()},
                     [(position[i], err) for i, err in errors if i in position])
    return meta.filter(keep), out


def _overlap_for(corpus: Corpus, settings: Settings, run_id: str,
                 engine: Engine) -> _Overlap | None:
    """An :class:`_Overlap` when it can help and changes nothing in the results:
    an engine with workers beside this process (``processes``, ``dask``; with
    ``local`` it would only contend for this process's interpreter), the fused
    analyzers both configured, and no ``--force-stage`` of theirs or ``--limit``
    (both decided by the analyze stage)."""
    names = [n for n in settings.analyzers if n in FUSED_ANALYZERS]
    if (engine.name == "local" or len(names) < 2 or settings.limit is not None
            or any(n in settings.force_stages for n in names)):
        return None
    return _Overlap(corpus, names, settings, run_id, engine)


def _merge_overlap(analyzed: dict[str, Any], overlap: _Overlap | None) -> None:
    """Count the documents analysed beside ingest in the analyze summary."""
    if overlap is None or not overlap.done:
        return
    for name, early in overlap.summaries().items():
        later = analyzed.get(name)
        if not isinstance(later, dict) or later.get("status") == "up to date":
            analyzed[name] = early
        elif later.get("status") == "ok":
            later["documents"] = later.get("documents", 0) + early["documents"]
            later["failed"] = later.get("failed", 0) + early["failed"]
            later["beside_ingest"] = early["documents"]


def _analyze_stage(corpus: Corpus, name: str, settings: Settings, run_id: str,
                   reporter: Reporter, engine: Engine) -> dict[str, Any]:
    try:
        analyzer = get_analyzer(name)
    except (ModelError, ImportError) as exc:
        reporter.print(f"[yellow]{name}: not computed ({exc})")
        return {"status": "not computed", "reason": str(exc)}
    if analyzer.configure is not None:  # bind settings it reads (techniques: taxonomy)
        analyzer = analyzer.configure(settings)
    if name in settings.force_stages:
        corpus.reset_stage(name, analyzer.tables)
    for table, schema in analyzer.tables.items():
        corpus.ensure_table(table, schema)
    chosen = analyzer.prepare(corpus, settings, run_id) if analyzer.prepare is not None else None
    if chosen and chosen.get("line"):
        reporter.print(chosen["line"])
    pending = corpus.pending_count(analyzer.name, analyzer.version)
    if settings.limit is not None:
        pending = min(pending, settings.limit)
    if pending == 0:
        if analyzer.finish is not None:  # also after a crash between writing and finishing
            analyzer.finish(corpus)
        return {"status": "up to date", "documents": 0, **({"chosen": chosen} if chosen else {})}
    started = time.perf_counter()
    done = failed = 0
    batch_size = min(settings.batch_size, analyzer.batch_docs or settings.batch_size)
    batches = corpus.pending_documents(analyzer.name, analyzer.version,
                                       batch_size=batch_size, limit=settings.limit)
    jobs = ((analyzer, batch) for batch in batches)
    try:
        with reporter.stage(f"analyze: {name}", total=pending) as bar:
            for (_, docs), results in engine.map_ordered(_run_analyzer_batch, jobs):
                good = [r for r in results if not isinstance(r, str)]
                bad = [(d, r) for d, r in zip(docs, results, strict=True) if isinstance(r, str)]
                if bad:
                    corpus.add_rejected([Rejected(d.file, d.record, f"analyzer {name} failed on "
                                                  f"document {d.doc_id}: {err}") for d, err in bad],
                                        run_id)
                corpus.write_stage(analyzer.name, analyzer.version, run_id,
                                   [d.doc_id for d in docs], _to_tables(analyzer, good))
                done += len(docs)
                failed += len(bad)
                bar.advance(len(docs))
    except ModelError as exc:
        reporter.print(f"[yellow]{name}: not computed ({exc})")
        return {"status": "not computed", "reason": str(exc), "documents": done}
    if analyzer.finish is not None:
        analyzer.finish(corpus)
    elapsed = time.perf_counter() - started
    return {"status": "ok", "documents": done, "failed": failed,
            "seconds": round(elapsed, 3), "docs_per_s": round(done / elapsed, 1) if elapsed else None,
            **({"chosen": chosen} if chosen else {})}


def analyze(corpus_path: str | Path, settings: Settings,
            reporter: Reporter = NULL_REPORTER) -> dict[str, Any]:
    with open_corpus(corpus_path) as corpus:
        run_id = _start_run(corpus, "analyze", settings)
        summary = analyze_corpus(corpus, settings, run_id, reporter)
        corpus.finish_run(run_id, "ok", summary)
    return summary


def _start_engine(settings: Settings, reporter: Reporter) -> Engine:
    """Build the configured engine and say where to watch it (the Dask dashboard)."""
    engine = get_engine(settings)
    link = engine.describe().get("dashboard")
    if link:
        reporter.print(f"Dask dashboard: {link}")
    return engine


# -- link --------------------------------------------------------------------
def link_corpus(corpus: Corpus, settings: Settings, run_id: str,
                reporter: Reporter = NULL_REPORTER, engine: Engine | None = None
                ) -> dict[str, Any]:
    """Run the corpus-level stages (text reuse, coordination) that are available.

    A stage function that declares an ``engine`` parameter gets the run's engine,
    so its heavy, partitioned parts run where the per-document stages ran.
    """
    summary: dict[str, Any] = {}
    for stage, target in LINK_STAGES.items():
        module_name, fn_name = target.split(":")
        try:
            fn = getattr(importlib.import_module(module_name), fn_name)
        except (ImportError, AttributeError) as exc:
            summary[stage] = {"status": "not computed", "reason": f"not available: {exc}"}
            continue
        if stage in settings.force_stages:
            corpus.reset_stage(stage)
        extra = ({"engine": engine} if engine is not None
                 and "engine" in inspect.signature(fn).parameters else {})
        with reporter.stage(f"link: {stage}", total=None) as bar:
            summary[stage] = fn(corpus, settings, run_id, progress=bar, **extra)
    return summary


def link(corpus_path: str | Path, settings: Settings,
         reporter: Reporter = NULL_REPORTER) -> dict[str, Any]:
    with open_corpus(corpus_path) as corpus:
        run_id = _start_run(corpus, "link", settings)
        engine = _start_engine(settings, reporter)
        try:
            summary = link_corpus(corpus, settings, run_id, reporter, engine)
        finally:
            engine.close()
        corpus.finish_run(run_id, "ok", summary)
    return summary


# -- run ---------------------------------------------------------------------
def run(paths: Sequence[str | Path], corpus_path: str | Path, out_dir: str | Path | None,
        settings: Settings, reporter: Reporter = NULL_REPORTER) -> dict[str, Any]:
    """The whole main job. Each stage is skipped when it has nothing new to do."""
    from .present.export import export_corpus

    Path(corpus_path).parent.mkdir(parents=True, exist_ok=True)
    summary: dict[str, Any] = {"corpus": str(corpus_path)}
    with open_corpus(corpus_path) as corpus:
        run_id = _start_run(corpus, "run", settings)
        summary["run_id"] = run_id
        engine = _start_engine(settings, reporter)
        summary["engine"] = engine.describe()
        try:
            status = "failed"
            overlap = None
            if paths:
                overlap = _overlap_for(corpus, settings, run_id, engine)
                summary["ingest"] = ingest_into(corpus, paths, settings, run_id, reporter,
                                                overlap, engine)
                _check_ingest(summary["ingest"], settings)
            summary["analyze"] = analyze_corpus(corpus, settings, run_id, reporter, engine)
            _merge_overlap(summary["analyze"], overlap)
            summary["languages"] = language_summary(corpus)
            summary["link"] = link_corpus(corpus, settings, run_id, reporter, engine)
            if out_dir is not None:
                summary["export"] = export_corpus(corpus, out_dir, "parquet")
                summary["report"] = _write_report(corpus, Path(out_dir) / "report.html", reporter)
            summary["totals"] = corpus_totals(corpus)
            status = "ok"
        finally:
            engine.close()
            corpus.finish_run(run_id, status, summary)
    return summary


def _write_report(corpus: Corpus, path: Path, reporter: Reporter) -> str:
    try:
        from .present.report import write_report
    except ImportError as exc:
        return f"not written: {exc}"
    write_report(corpus, path)
    reporter.print(f"report: {path}")
    return str(path)


def language_summary(corpus: Corpus) -> dict[str, Any] | None:
    """Languages and per-analysis coverage (:func:`propscope.analyze.language.summary`)."""
    from .analyze.language import summary

    return summary(corpus.con)


def corpus_totals(corpus: Corpus) -> dict[str, int]:
    """Row counts of the tables an analyst cares about (for summaries and ``status``)."""
    names = ["documents", "document_sources", "languages", "references", "repetitions", "spans",
             "doc_labels", "reuse_pairs", "reuse_clusters", "coordination_edges",
             "communities", "quarantine"]
    return {n: corpus.count(n) for n in names if corpus.has_table(n)}


def status(corpus_path: str | Path) -> dict[str, Any]:
    """What the corpus holds: counts, sources, time span, runs, stages, quarantine."""
    with open_corpus(corpus_path, read_only=True) as corpus:
        con = corpus.con
        span = con.execute("SELECT min(published), max(published), count(DISTINCT source) "
                           "FROM documents").fetchone()
        runs = corpus.sql("SELECT run_id, command, status, started, finished FROM runs "
                          "ORDER BY started DESC LIMIT 10").to_dict("records")
        stages = corpus.sql("SELECT stage, version, count(*) AS documents FROM stage_done "
                            "GROUP BY ALL ORDER BY stage").to_dict("records")
        link_stages = corpus.sql("SELECT stage, version, documents, finished FROM corpus_stages "
                                 "ORDER BY stage").to_dict("records")
        reasons = corpus.sql(
            "SELECT file, record, reason FROM quarantine ORDER BY file, record LIMIT 50"
        ).to_dict("records")
        return {
            "corpus": str(corpus_path),
            "totals": corpus_totals(corpus),
            "sources": span[2],
            "published_from": span[0], "published_to": span[1],
            "stages": stages, "link_stages": link_stages,
            "languages": language_summary(corpus),
            "runs": runs, "quarantine": reasons,
        }
