"""Analysis beside ingest: the fused analyzers over ingest's new documents, while
the next batches are read, rather than after ingest.

Ingest's writes hand each committed batch's new documents (still in memory:
nothing is read back) to :meth:`Overlap.submit`; a thread here feeds them to the
engine's workers and hands their results and ``stage_done`` marks to the corpus
writer, in the same grouped transactions as the analyze stage's fused pass. For
JSON Lines parsed on the workers, the worker that parsed a chunk analyses it in
the same job (:func:`worker_parse_for`) and the writer gets the results with the
chunk (:meth:`Overlap.accept`). The queue holds two batches, so a slow analysis
slows ingest down instead of growing memory. A crash loses only unwritten
results: those documents stay pending, and the analyze stage after ingest
(which always runs) picks them up.
"""

from __future__ import annotations

import contextlib
import functools
import queue
import threading
import time
from collections.abc import Iterator, Sequence
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from ..analyze.registry import get_analyzer
from ..corpus import Corpus
from ..engine import Engine
from ..progress import Reporter
from ..settings import Settings
from . import analyze as analyze_stage
from .analyze import Group, Held, WriteFused
from .analyze_jobs import FUSED_NAMES, FusedResult, fused_rows, run_fused_batch
from .ingest import ingest_into
from .ingest_workers import WorkerParse
from .writer import CorpusWriter

# Documents per job of the analysis beside ingest. Larger than the analyze stage's
# batches: there, the main process only reads and writes; here it also parses, and
# every job costs it a wake-up and a hand-over under the interpreter lock (measured
# on 2 cores, 100k documents: 13.6 MB/s end to end with 512, 15.8 with 2,500).
OVERLAP_BATCH_DOCS = 2500


class Overlap:
    """The fused analyzers beside ingest (see the module's docstring)."""

    def __init__(self, writer: CorpusWriter, names: Sequence[str], settings: Settings,
                 run_id: str, engine: Engine) -> None:
        self.writer, self.run_id, self.engine = writer, run_id, engine
        self.names = tuple(names)
        self.analyzers = [get_analyzer(n) for n in names]
        analyze_stage.prepare(writer, self.analyzers, settings.replace(force_stages=()))
        self.batch_size = max(settings.batch_size, OVERLAP_BATCH_DOCS)
        self.queue: queue.Queue[pa.RecordBatch | None] = queue.Queue(maxsize=2)
        self.error: BaseException | None = None
        self.done = 0
        self.failed = dict.fromkeys(self.names, 0)
        self.started = time.perf_counter()
        self.thread = threading.Thread(target=self._loop, name="propscope-overlap", daemon=True)
        self.parsed = Group()  # results of worker-parsed chunks not written yet

    def __enter__(self) -> Overlap:
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
            self.writer.barrier()

    def submit(self, rows: pa.Table) -> None:
        """Queue new documents (``documents`` rows) for analysis (blocks while two
        batches wait)."""
        rows = rows.select(FUSED_NAMES)
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
        """Results computed by the worker that parsed a chunk (:func:`fused_rows`), for
        the documents of it just stored (``stored``); written in grouped transactions.
        Called on the writer thread, after the chunk's write."""
        meta, results = extra
        if len(stored) < meta.num_rows:
            meta, results = _only(meta, results, stored)
        if self.parsed.add(Held(meta, results)):
            self._flush_parsed()

    def _flush_parsed(self) -> None:
        if self.parsed.held:
            self._write(self.parsed.take())

    def _jobs(self) -> Iterator[tuple[tuple[str, ...], pa.RecordBatch]]:
        while (batch := self.queue.get()) is not None:
            yield self.names, batch

    def _loop(self) -> None:
        try:
            group = Group()
            for (_, batch), results in self.engine.map_ordered(run_fused_batch, self._jobs()):
                if group.add(Held(batch, results)):
                    self._write(group.take())
            if group.held:
                self._write(group.take())
        except BaseException as exc:  # noqa: BLE001 - re-raised in the ingesting thread
            self.error = exc

    def _write(self, held: list[Held]) -> None:
        """Hand the results to the writer, never waiting: the writer may be waiting
        on :meth:`submit`, for this thread to take a batch."""
        write = WriteFused(self.analyzers, self.run_id, held, self.failed)

        def task(corpus: Corpus) -> None:
            self.done += write(corpus)

        self.writer.hand(task)

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


def overlap_for(writer: CorpusWriter, settings: Settings, run_id: str,
                engine: Engine) -> Overlap | None:
    """An :class:`Overlap` when it can help and changes nothing in the results:
    an engine with workers beside this process (``processes``, ``dask``; with
    ``local`` it would only contend for this process's interpreter), the fused
    analyzers both configured, and no ``--force-stage`` of theirs or ``--limit``
    (both decided by the analyze stage)."""
    names = [n for n in settings.analyzers if n in analyze_stage.FUSED_ANALYZERS]
    if (engine.name == "local" or len(names) < 2 or settings.limit is not None
            or any(n in settings.force_stages for n in names)):
        return None
    return Overlap(writer, names, settings, run_id, engine)


def worker_parse_for(overlap: Overlap | None, engine: Engine | None) -> WorkerParse | None:
    """How ingest uses the engine's workers: parsing JSON Lines (any engine with
    workers), and with ``overlap`` also the fused analyzers, in the same job."""
    if overlap is not None:
        return WorkerParse(overlap.engine, extra=functools.partial(fused_rows, overlap.names),
                           on_extra=overlap.accept)
    if engine is not None and engine.name != "local":
        return WorkerParse(engine)
    return None


def merge_overlap(analyzed: dict[str, Any], overlap: Overlap | None) -> None:
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


def ingest_with_analysis(corpus: Corpus, writer: CorpusWriter, paths: Sequence[Any],
                         settings: Settings, run_id: str, reporter: Reporter,
                         engine: Engine) -> tuple[dict[str, Any], Overlap | None]:
    """The ingest stage as ``run`` runs it: with an engine that has workers, they
    parse JSON Lines; with an :class:`Overlap` (see :func:`overlap_for`), each
    committed batch's new documents are analysed while the next are read.
    Returns the ingest summary and the overlap (for :func:`merge_overlap`)."""
    overlap = overlap_for(writer, settings, run_id, engine)
    workers = worker_parse_for(overlap, engine)
    if overlap is None:
        return ingest_into(corpus, paths, settings, run_id, reporter, writer, workers), None
    with overlap:
        summary = ingest_into(corpus, paths, settings, run_id, reporter, writer, workers,
                              on_new=overlap.submit)
    return summary, overlap
