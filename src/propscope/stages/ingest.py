"""The ingest stage: inputs -> corpus, resumable and idempotent.

It owns ``documents``, ``document_sources``, ``posts``, ``external_ids``,
``ingested_files`` and the quarantine rows of bad input. Per input unit (a
file or an archive member): skip it when the corpus already ingested it with
the same size and modification time; else read its records (:mod:`propscope.ingest`,
which knows nothing of the corpus) and hand them to the corpus writer in
batches (:mod:`.ingest_write`); once they are all written the unit is marked
done. A crash loses at most the unmarked units, read again by the next run.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa

from ..corpus import Corpus
from ..document import Document, Rejected
from ..errors import NothingIngested, StrictQuarantine
from ..gctuning import relaxed_gc
from ..ingest.parallel import CHUNK_BYTES, CHUNK_LINES
from ..ingest.records import ReadOptions
from ..ingest.sources import InputFile, expand_paths
from ..ingest.walk import (
    InputProgress,
    UnitChunk,
    UnitDone,
    WalkCounts,
    total_input_bytes,
    walk_inputs,
)
from ..progress import NULL_REPORTER, Reporter
from ..settings import Settings
from .ingest_rejected import forget_rejected
from .ingest_remap import mapping_of, remap_inputs
from .ingest_workers import ChunkFeeder, WorkerParse
from .ingest_write import BATCH_DOCS, IngestSummary, IngestWrites
from .writer import CorpusWriter

__all__ = ["IngestSummary", "check_ingest", "ingest_into", "ingest_paths"]


def ingest_paths(corpus: Corpus, paths: Sequence[str | Path], settings: Any, run_id: str,
                 progress: Callable[[int], None] | None = None,
                 on_new: Callable[[pa.Table], None] | None = None,
                 workers: WorkerParse | None = None,
                 writer: CorpusWriter | None = None) -> IngestSummary:
    """Ingest files, folders and archives under ``paths`` into ``corpus``.

    ``progress(n)`` is called with the number of input bytes (on disk) newly
    covered; :func:`total_input_bytes` gives the total to expect. ``on_new``
    gets each committed batch's new documents (see :class:`.IngestWrites`).
    Writes go through ``writer`` (the run's; without one, a writer of its own);
    every write of this ingest is committed when this returns. With ``workers``,
    JSON Lines input is parsed on the engine's workers (:mod:`.ingest_workers`);
    ``on_new`` then sees only the documents of other formats, and
    ``workers.on_extra`` those of JSON Lines.
    """
    if writer is None:
        with CorpusWriter(corpus) as own:
            return ingest_paths(corpus, paths, settings, run_id, progress, on_new, workers, own)
    started = time.perf_counter()
    options = ReadOptions.from_settings(settings)
    exclude = [corpus.path, corpus.path.with_name(corpus.path.name + ".wal")]
    skipped: list[Rejected] = []  # links to nothing, pipes: quarantined, the rest read
    files = expand_paths(paths, exclude=exclude, skipped=skipped)
    counts = WalkCounts()
    tracker = InputProgress(progress, counts)
    summary = IngestSummary()
    # Units read before with another --field mapping are read again first (and then
    # skipped below as done): a corrected mapping corrects the corpus.
    summary.remapped = [r.as_dict() for r in remap_inputs(writer, files, options, run_id)]
    with writer.exclusive() as direct:  # rejected whole by older readers: read as new
        summary.reread = forget_rejected(direct, files)
    writes = IngestWrites(writer, run_id, summary, on_new,
                          batch_docs=getattr(settings, "ingest_batch_docs", BATCH_DOCS),
                          on_extra=workers.on_extra if workers else None, poll=tracker.poll,
                          mapping=mapping_of(options))

    def done(unit: InputFile) -> bool:
        return bool(writer.read(lambda c: c.file_done(unit.name, unit.size, unit.mtime)))

    feeder = None
    if workers is not None:
        feeder = ChunkFeeder(workers, options, run_id, writes.add_parsed, writes.file_done)
    try:
        with relaxed_gc():
            chunks = (CHUNK_LINES, CHUNK_BYTES) if feeder is not None else None
            _read(itertools.chain(skipped, walk_inputs(files, options, done, tracker, chunks)),
                  writes, feeder)
            if feeder is not None:
                feeder.drain()
    except BaseException:
        if feeder is not None:
            feeder.cancel()
        raise
    finally:  # what was read is written, also when reading failed (no file is marked
        try:  # done that was not read to its end)
            writes.flush()
        finally:
            writer.barrier()
    summary.files, summary.files_skipped, summary.bytes = (
        counts.files, counts.files_skipped, counts.bytes)
    summary.seconds = round(time.perf_counter() - started, 3)
    return summary


def _read(events: Any, writes: IngestWrites, feeder: ChunkFeeder | None) -> None:
    """Route what the inputs yield: records to the writes, chunks to the workers,
    and each unit's "done" after its records (after its chunks, with workers)."""
    for item in events:
        if isinstance(item, UnitChunk):
            feeder.submit(item.unit, item.chunk)  # type: ignore[union-attr]
        elif isinstance(item, UnitDone):
            if feeder is None:
                writes.file_done(item.unit, item.documents, item.quarantined)
            else:  # once the unit's chunks still in flight are written (the mark then
                # goes to the writer with the next chunk's write, or at the end)
                feeder.file_done(item.unit, item.documents, item.quarantined)
        else:
            if feeder is not None and isinstance(item, Document) and len(feeder):
                feeder.drain()  # documents are written in reading order
            writes.add(item)


def ingest_into(corpus: Corpus, paths: Sequence[str | Path], settings: Settings, run_id: str,
                reporter: Reporter = NULL_REPORTER, writer: CorpusWriter | None = None,
                workers: WorkerParse | None = None,
                on_new: Callable[[pa.Table], None] | None = None) -> dict[str, Any]:
    """The stage as the pipeline runs it: ingest ``paths`` with a progress bar in
    bytes; the summary adds the corpus's document count."""
    with reporter.stage("ingest", total=total_input_bytes(paths), unit="bytes") as bar:
        result = ingest_paths(corpus, paths, settings, run_id, progress=bar.advance,
                              on_new=on_new, workers=workers, writer=writer)
    summary = result.as_dict()
    summary["corpus_documents"] = (writer.read(lambda c: c.count("documents")) if writer
                                   else corpus.count("documents"))
    return summary


def check_ingest(summary: dict[str, Any], settings: Settings) -> None:
    """Stop the run when ``--strict`` met bad input, or when nothing could be read."""
    if settings.strict and summary.get("quarantined"):
        raise StrictQuarantine(
            f"{summary['quarantined']} record(s) quarantined and --strict is set",
            hint="see `propscope status --corpus FILE` for the reasons")
    nothing_new = not summary.get("documents") and not summary.get("duplicates")
    if nothing_new and not summary.get("files_skipped") and not summary.get("corpus_documents"):
        quarantined, files = summary.get("quarantined", 0), summary.get("files", 0)
        if quarantined:
            why = f"{quarantined} record(s) quarantined"
        elif files:
            why = (f"{files} file(s) read, none holding a record: e.g. a CSV with its header "
                   "only, or JSON with no text field")
        else:
            why = ("no input file found under the paths given: folders are read recursively; "
                   "hidden files, DuckDB files and propscope's own outputs are skipped")
        raise NothingIngested(
            f"nothing could be ingested ({why})",
            hint="check the input paths and formats; see `propscope status` for reasons")
