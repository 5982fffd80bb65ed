"""What ingest hands the corpus writer: batches of documents and parsed chunks.

Each write stores one batch's documents (one transaction that ignores what is
already stored), then its quarantine rows, then the "file done" marks of the
files the batch finished. A crash therefore loses at most the unmarked files,
which the next run reads again without creating duplicates.

Parsing is Python work that holds the GIL; DuckDB's inserts and commits release
it. Writing batch *n* on the writer thread while batch *n + 1* is parsed uses
both cores of a small machine; at most four batches wait (worker-parsed chunks
arrive in bursts; two left the workers idle while the queue was full), so
memory stays bounded.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from ..corpus import Corpus
from ..document import Document, Rejected
from ..ingest.parallel import ParsedChunk
from ..ingest.sources import InputFile
from ..rows import documents_rows, first_occurrences
from .ingest_ids import split_id_conflicts
from .ingest_rejected import READERS_VERSION
from .ingest_remap import record_mappings
from .ingest_workers import WRITE_DOCS, extra_ids
from .writer import CorpusWriter

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
    # Units read again with a corrected --field mapping (.ingest_remap.Remapped.as_dict)
    remapped: list[dict[str, Any]] = field(default_factory=list)
    # Units an older version rejected whole, read again with today's readers (.ingest_rejected)
    reread: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class IngestWrites:
    """Ingest's side of the writer: builds batches, hands them over, counts what was stored.

    ``on_new``, if given, receives each batch's newly stored documents (first
    occurrence of each new ``doc_id``, as the ``documents`` rows just written: an
    Arrow table, so nothing is converted twice) once they are committed, on the
    writer thread but outside its lock: the pipeline analyses them while the next
    batches are read. ``on_extra(ids, extra)`` gets, for each worker-parsed
    chunk, the IDs stored for the first time whose rows its worker's ``extra`` saw.
    """

    def __init__(self, writer: CorpusWriter, run_id: str, summary: IngestSummary,
                 on_new: Callable[[pa.Table], None] | None = None,
                 batch_docs: int = BATCH_DOCS,
                 on_extra: Callable[[pa.Array, Any], None] | None = None,
                 poll: Callable[[], None] | None = None, mapping: str | None = None) -> None:
        self.writer, self.run_id, self.summary = writer, run_id, summary
        self.mapping = mapping  # recorded with each unit's "done" mark (.ingest_remap)
        self.poll = poll  # after each hand-over: how far the input has been read
        self.batch_docs = max(1, batch_docs)
        self.on_new, self.on_extra = on_new, on_extra
        self.docs: list[Document] = []
        self.rejected: list[Rejected] = []
        self.finished: list[tuple[InputFile, int, int]] = []
        self.chars = 0

    def add(self, item: Document | Rejected) -> None:
        if isinstance(item, Document):
            self.docs.append(item)
            self.chars += len(item.text)
            if len(self.docs) >= self.batch_docs or self.chars >= BATCH_TEXT_CHARS:
                self.flush()
            return
        self.rejected.append(item)

    def file_done(self, unit: InputFile, documents: int, quarantined: int) -> None:
        self.finished.append((unit, documents, quarantined))
        if len(self.finished) >= self.batch_docs:
            self.flush()

    def add_parsed(self, parsed: ParsedChunk) -> None:
        """Hand over a chunk parsed by a worker, after everything added before it."""
        self.flush()
        self.writer.put(_ChunkWrite(self, parsed))

    def flush(self) -> None:
        """Hand the current batch to the writer (blocks while four wait)."""
        if self.docs or self.rejected or self.finished:
            self.writer.put(_BatchWrite(self, self.docs, self.rejected, self.finished))
        else:
            self.writer.check()
        self.docs, self.rejected, self.finished, self.chars = [], [], [], 0
        if self.poll is not None:
            self.poll()

    def store(self, corpus: Corpus, rows: pa.Table, rejected: list[Rejected]
              ) -> tuple[pa.Table, pa.Table, pa.Array]:
        """Documents (one row per occurrence, in reading order) and quarantine rows
        of one write: ID conflicts quarantined, exact duplicates kept as sources.
        Returns the rows kept, their first occurrences and the IDs new to the corpus."""
        rows, conflicts = split_id_conflicts(corpus, rows)
        doc_rows, new_ids = rows, pa.array([], pa.string())
        if rows.num_rows:
            doc_rows, src_rows = first_occurrences(rows)
            new_ids = corpus.insert_rows(doc_rows, src_rows, ids_registered=True)
        self.summary.records += rows.num_rows
        self.summary.documents += len(new_ids)
        self.summary.duplicates += rows.num_rows - len(new_ids)
        rejected = rejected + conflicts
        if rejected:
            corpus.add_rejected(rejected, self.run_id)
            self.summary.quarantined += len(rejected)
        return rows, doc_rows, new_ids


class _BatchWrite:
    """One batch read in this process: documents, quarantine rows, file marks."""

    def __init__(self, owner: IngestWrites, docs: list[Document], rejected: list[Rejected],
                 finished: list[tuple[InputFile, int, int]]) -> None:
        self.owner, self.docs, self.rejected, self.finished = owner, docs, rejected, finished

    def __call__(self, corpus: Corpus) -> Callable[[], None] | None:
        owner = self.owner
        _, doc_rows, new_ids = owner.store(corpus, documents_rows(self.docs, owner.run_id),
                                           self.rejected)
        corpus.add_posts(self.docs, owner.run_id)  # platform exports' post model
        for unit, documents, quarantined in self.finished:
            corpus.mark_file_done(unit.name, unit.size, unit.mtime, documents, quarantined,
                                  owner.run_id, READERS_VERSION)
        if owner.mapping is not None:
            record_mappings(corpus, [unit.name for unit, _, _ in self.finished], owner.mapping,
                            owner.run_id)
        on_new = owner.on_new
        if on_new is None or not doc_rows.num_rows or not len(new_ids):
            return None
        # Exactly the rows the corpus just stored, so each new document is handed
        # on once, by the batch that stored it.
        fresh = doc_rows if len(new_ids) == doc_rows.num_rows else doc_rows.filter(
            pc.is_in(doc_rows.column("doc_id"), value_set=new_ids))
        return lambda: on_new(fresh)


class _ChunkWrite:
    """A chunk parsed by a worker; the chunks already waiting behind it (up to
    :data:`WRITE_DOCS` documents) are written in the same write."""

    def __init__(self, owner: IngestWrites, parsed: ParsedChunk) -> None:
        self.owner, self.parsed = owner, parsed

    def __call__(self, corpus: Corpus) -> Callable[[], None] | None:
        owner = self.owner
        chunks = [self.parsed]
        docs = self.parsed.rows.num_rows
        while docs < WRITE_DOCS:
            more = owner.writer.take_waiting(_ChunkWrite)
            if more is None:
                break
            chunks.append(more.parsed)
            docs += more.parsed.rows.num_rows
        together = chunks[0].rows if len(chunks) == 1 else pa.concat_tables(c.rows for c in chunks)
        kept, _, new_ids = owner.store(corpus, together, [r for c in chunks for r in c.rejected])
        on_extra = owner.on_extra
        if on_extra is None:
            return None
        stored = extra_ids(chunks, kept, new_ids)

        def hand_on() -> None:
            for chunk, ids in zip(chunks, stored, strict=True):
                if chunk.extra is not None and len(ids):
                    on_extra(ids, chunk.extra)

        return hand_on
