"""The ingest loop: inputs -> batches -> corpus, resumable and idempotent.

Per input unit (a file or an archive member): skip it when the corpus already
ingested it with the same size and modification time; else read its records,
and once they are all written mark it done. Writes go in batches (documents,
then quarantine rows, then the "file done" marks of the files the batch
finished), each document write being one transaction that ignores what is
already stored. A crash therefore loses at most the unmarked files, which the
next run reads again without creating duplicates.
"""

from __future__ import annotations

import contextlib
import queue
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, BinaryIO

import pyarrow as pa
import pyarrow.compute as pc

from ..corpus import Corpus, documents_rows, first_occurrences
from ..document import Document, Rejected
from ..gctuning import relaxed_gc
from .ids import split_id_conflicts
from .jsonl import LineChunk
from .parallel import (
    CHUNK_BYTES,
    CHUNK_LINES,
    WRITE_DOCS,
    ChunkFeeder,
    ParsedChunk,
    WorkerParse,
    extra_ids,
)
from .reading import read_unit
from .records import ReadOptions
from .registry import is_archive
from .sources import InputFile, disk_input, expand_paths, iter_units

BATCH_DOCS = 5000
BATCH_TEXT_CHARS = 32 << 20


@dataclass
class IngestSummary:
    """What one ingest did. ``quarantined`` counts rows written to ``quarantine``."""

    files: int = 0  # input units read (files and archive members)
    files_skipped: int = 0  # already ingested and unchanged
    records: int = 0  # documents read, before de-duplication
    documents: int = 0  # new documents inserted
    duplicates: int = 0  # exact-duplicate occurrences (recorded as extra sources)
    quarantined: int = 0
    bytes: int = 0  # input bytes on disk covered
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class _Progress:
    """Turns positions in the files on disk into byte increments for ``progress``."""

    def __init__(self, callback: Callable[[int], None] | None, summary: IngestSummary) -> None:
        self.callback = callback
        self.summary = summary
        self.size = 0
        self.done = 0
        self.stream: BinaryIO | None = None

    def start(self, size: int) -> None:
        self.size, self.done, self.stream = size, 0, None

    def _advance(self, position: int) -> None:
        delta = min(position, self.size) - self.done
        if delta > 0:
            self.done += delta
            self.summary.bytes += delta
            if self.callback is not None:
                self.callback(delta)

    def poll(self) -> None:
        if self.stream is not None:
            with contextlib.suppress(OSError, ValueError):  # closed/unseekable stream
                self._advance(self.stream.tell())

    def finish(self) -> None:
        self._advance(self.size)
        self.stream = None


@dataclass
class _Batch:
    docs: list[Document]
    rejected: list[Rejected]
    finished: list[tuple[InputFile, int, int]]


class _Writer:
    """Collects records into batches; a background thread writes them to the corpus.

    Parsing is Python work that holds the GIL; DuckDB's inserts and commits
    release it. Writing batch *n* while batch *n + 1* is parsed uses both cores
    of a small machine. The queue holds at most four batches (worker-parsed chunks
    arrive in bursts; two left the workers idle while it was full), so memory stays
    bounded; every use of the corpus connection goes through ``lock``.

    ``on_new``, if given, receives each batch's newly stored documents (first
    occurrence of each new ``doc_id``, as the ``documents`` rows just written:
    an Arrow table, so nothing is converted twice) once they are committed,
    outside the lock: the pipeline analyses them while the next batches are read.
    """

    def __init__(self, corpus: Corpus, run_id: str, summary: IngestSummary,
                 progress: _Progress, lock: threading.Lock,
                 on_new: Callable[[pa.Table], None] | None = None,
                 batch_docs: int = BATCH_DOCS,
                 on_extra: Callable[[pa.Array, Any], None] | None = None) -> None:
        self.batch_docs = max(1, batch_docs)
        self.corpus, self.run_id, self.summary, self.progress = corpus, run_id, summary, progress
        self.lock = lock
        self.on_new = on_new
        self.on_extra = on_extra
        self.docs: list[Document] = []
        self.rejected: list[Rejected] = []
        self.finished: list[tuple[InputFile, int, int]] = []
        self.chars = 0
        self.error: BaseException | None = None
        self.queue: queue.Queue[_Batch | ParsedChunk | None] = queue.Queue(maxsize=4)
        self.thread = threading.Thread(target=self._loop, name="propscope-ingest-writer",
                                       daemon=True)
        self.thread.start()

    def add(self, item: Document | Rejected) -> tuple[int, int]:
        if isinstance(item, Document):
            self.docs.append(item)
            self.chars += len(item.text)
            if len(self.docs) >= self.batch_docs or self.chars >= BATCH_TEXT_CHARS:
                self.flush()
            return 1, 0
        self.rejected.append(item)
        return 0, 1

    def file_done(self, unit: InputFile, documents: int, quarantined: int) -> None:
        self.finished.append((unit, documents, quarantined))
        if len(self.finished) >= self.batch_docs:
            self.flush()

    def add_parsed(self, parsed: ParsedChunk) -> None:
        """Queue a chunk parsed by a worker, after everything added before it."""
        self.flush()
        self.queue.put(parsed)

    def flush(self) -> None:
        """Hand the current batch to the writer thread (blocks while four are queued)."""
        if self.error is not None:
            raise self.error
        if self.docs or self.rejected or self.finished:
            self.queue.put(_Batch(self.docs, self.rejected, self.finished))
        self.docs, self.rejected, self.finished, self.chars = [], [], [], 0
        self.progress.poll()

    def close(self) -> None:
        """Write what is left, wait for the thread, re-raise its error if it had one."""
        try:
            self.flush()
        finally:
            self.queue.put(None)
            self.thread.join()
        if self.error is not None:
            raise self.error

    def _loop(self) -> None:
        # An item taken from the queue while gathering chunks, handled next; the end
        # marker (None) may be taken that way too, so it is a list, not an Optional.
        pending: list[_Batch | ParsedChunk | None] = []
        while True:
            batch = pending.pop() if pending else self.queue.get()
            if batch is None:
                return
            if self.error is not None:
                continue  # keep draining so the reading side never blocks forever
            try:
                if isinstance(batch, ParsedChunk):
                    chunks = [batch]
                    docs = batch.rows.num_rows
                    while docs < WRITE_DOCS:  # the chunks already waiting go in the same write
                        try:
                            more = self.queue.get_nowait()
                        except queue.Empty:
                            break
                        if not isinstance(more, ParsedChunk):
                            pending.append(more)
                            break
                        chunks.append(more)
                        docs += more.rows.num_rows
                    with self.lock:
                        stored = self._write_parsed(chunks)
                    if self.on_extra is not None:
                        for chunk, ids in zip(chunks, stored, strict=True):
                            if chunk.extra is not None and len(ids):
                                self.on_extra(ids, chunk.extra)
                    continue
                with self.lock:
                    fresh = self._write(batch)
                if self.on_new is not None and fresh is not None and fresh.num_rows:
                    self.on_new(fresh)
            except BaseException as exc:  # noqa: BLE001 - re-raised in the calling thread
                self.error = exc

    def _write_parsed(self, chunks: list[ParsedChunk]) -> list[pa.Array]:
        """Write worker-parsed chunks (in order) as :meth:`_write` writes a batch;
        returns, per chunk, the IDs stored for the first time whose rows its
        worker's ``extra`` saw."""
        together = chunks[0].rows if len(chunks) == 1 else pa.concat_tables(c.rows for c in chunks)
        kept, _, new_ids = self._store(together, [r for c in chunks for r in c.rejected])
        return extra_ids(chunks, kept, new_ids)

    def _write(self, batch: _Batch) -> pa.Table | None:
        """Write one batch; returns the rows it stored for the first time
        (only worked out when someone listens: ``on_new``)."""
        _, doc_rows, new_ids = self._store(documents_rows(batch.docs, self.run_id), batch.rejected)
        self.corpus.add_posts(batch.docs, self.run_id)  # platform exports' post model
        for unit, documents, quarantined in batch.finished:
            self.corpus.mark_file_done(unit.name, unit.size, unit.mtime, documents,
                                       quarantined, self.run_id)
        if self.on_new is None or not doc_rows.num_rows:
            return None
        # Exactly the rows the corpus just stored, so each new document is handed
        # on once, by the batch that stored it.
        return doc_rows if len(new_ids) == doc_rows.num_rows else doc_rows.filter(
            pc.is_in(doc_rows.column("doc_id"), value_set=new_ids))

    def _store(self, rows: pa.Table, rejected: list[Rejected]
               ) -> tuple[pa.Table, pa.Table, pa.Array]:
        """Documents (one row per occurrence, in reading order) and quarantine rows
        of one write: ID conflicts quarantined, exact duplicates kept as sources.
        Returns the rows kept, their first occurrences and the IDs new to the corpus."""
        rows, conflicts = split_id_conflicts(self.corpus, rows)
        doc_rows, new_ids = rows, pa.array([], pa.string())
        if rows.num_rows:
            doc_rows, src_rows = first_occurrences(rows)
            new_ids = self.corpus.insert_rows(doc_rows, src_rows, ids_registered=True)
        self.summary.records += rows.num_rows
        self.summary.documents += len(new_ids)
        self.summary.duplicates += rows.num_rows - len(new_ids)
        rejected = rejected + conflicts
        if rejected:
            self.corpus.add_rejected(rejected, self.run_id)
            self.summary.quarantined += len(rejected)
        return rows, doc_rows, new_ids


def ingest_paths(corpus: Corpus, paths: Sequence[str | Path], settings: Any, run_id: str,
                 progress: Callable[[int], None] | None = None,
                 on_new: Callable[[pa.Table], None] | None = None,
                 lock: threading.Lock | None = None,
                 workers: WorkerParse | None = None) -> IngestSummary:
    """Ingest files, folders and archives under ``paths`` into ``corpus``.

    ``progress(n)`` is called with the number of input bytes (on disk) newly
    covered; :func:`total_input_bytes` gives the total to expect. ``on_new``
    gets each committed batch's new documents (see :class:`_Writer`); a caller
    that uses the corpus from another thread meanwhile passes the ``lock`` it
    holds while doing so. With ``workers``, JSON Lines input is parsed on the
    engine's workers (:mod:`.parallel`); ``on_new`` then sees only the documents
    of other formats, and ``workers.on_extra`` those of JSON Lines.
    """
    started = time.perf_counter()
    options = ReadOptions.from_settings(settings)
    exclude = [corpus.path, corpus.path.with_name(corpus.path.name + ".wal")]
    files = expand_paths(paths, exclude=exclude)
    summary = IngestSummary()
    tracker = _Progress(progress, summary)
    lock = lock or threading.Lock()

    def done(unit: InputFile) -> bool:
        with lock:
            return corpus.file_done(unit.name, unit.size, unit.mtime)

    writer = _Writer(corpus, run_id, summary, tracker, lock, on_new,
                     batch_docs=getattr(settings, "ingest_batch_docs", BATCH_DOCS),
                     on_extra=workers.on_extra if workers else None)
    feeder = None
    if workers is not None:
        feeder = ChunkFeeder(workers, options, run_id, writer.add_parsed, writer.file_done)
    try:
        with relaxed_gc():
            _ingest_files(files, options, writer, tracker, summary, done, feeder)
            if feeder is not None:
                feeder.drain()
    except BaseException:
        if feeder is not None:
            feeder.cancel()
        raise
    finally:
        writer.close()
    summary.seconds = round(time.perf_counter() - started, 3)
    return summary


def _ingest_files(files: list[Path], options: ReadOptions, writer: _Writer, tracker: _Progress,
                  summary: IngestSummary, done: Callable[[InputFile], bool],
                  feeder: ChunkFeeder | None = None) -> None:

    def watch(raw: BinaryIO) -> None:
        tracker.stream = raw

    def file_done(unit: InputFile, documents: int, quarantined: int) -> None:
        if feeder is None:
            writer.file_done(unit, documents, quarantined)
        else:  # once the unit's chunks still in flight are written (the mark then goes
            # to the writer with the next chunk's write, or at the end)
            feeder.file_done(unit, documents, quarantined)

    chunks = (CHUNK_LINES, CHUNK_BYTES) if feeder is not None else None

    for path in files:
        top = disk_input(path, options)
        tracker.start(top.size)
        if done(top):
            summary.files_skipped += 1
            tracker.finish()
            continue
        archive = is_archive(top.name)
        for unit in iter_units(top):
            if isinstance(unit, Rejected):
                writer.add(unit)
                continue
            if done(unit):
                summary.files_skipped += 1
                continue
            summary.files += 1
            documents = quarantined = 0
            for item in read_unit(unit, options, None if archive else watch, chunks):
                if isinstance(item, LineChunk):
                    feeder.submit(unit, item)  # type: ignore[union-attr]
                    tracker.poll()
                    continue
                if feeder is not None and isinstance(item, Document) and len(feeder):
                    feeder.drain()  # documents are written in reading order
                d, q = writer.add(item)
                documents += d
                quarantined += q
            file_done(unit, documents, quarantined)
        if archive:
            file_done(top, 0, 0)
        tracker.finish()


def iter_input_documents(paths: Sequence[str | Path], settings: Any
                         ) -> Iterator[Document | Rejected]:
    """Every record under ``paths`` without a corpus (for engines that partition inputs).

    Exact duplicates and ID conflicts are not resolved here: that happens where
    the records are written (:meth:`Corpus.add_documents`, :mod:`.ids`).
    """
    options = ReadOptions.from_settings(settings)
    for path in expand_paths(paths):
        for unit in iter_units(disk_input(path, options)):
            if isinstance(unit, Rejected):
                yield unit
            else:
                yield from read_unit(unit, options)  # type: ignore[misc]  # no chunks: no LineChunk


def total_input_bytes(paths: Sequence[str | Path]) -> int:
    """Bytes on disk under ``paths``: the total that ``progress`` callbacks add up to."""
    return sum(p.stat().st_size for p in expand_paths(paths))
