"""JSON Lines parsed on the engine's workers, written in reading order by this process.

Why: on a machine with few cores the process that owns the corpus was the limit
of a parallel run. It parsed every line (JSON, record mapping, content hashes),
wrote every row, and sent every text out again for analysis. Here it only cuts
the input into chunks of raw lines and writes what comes back; each worker
parses a chunk, builds its ``documents`` rows (Arrow), and runs an optional
*extra* step on them (the pipeline passes the fused analyzers), so a text
crosses between processes once, as part of its raw line.

Results are taken back in submission order (:class:`~propscope.engine.base.OrderedPipe`)
and written exactly as the one-process reader writes them: exact duplicates keep
their first occurrence, ID conflicts are decided in reading order, a file is
marked done only after its last chunk is committed. So the corpus is the same
row for row whichever engine ran, and a killed run resumes as before.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pyarrow as pa

from ..corpus import documents_rows, first_occurrences
from ..document import Document, Rejected
from ..engine.base import Engine, OrderedPipe
from ..gctuning import relaxed_gc
from .jsonl import LineChunk, parse_chunk
from .records import ReadOptions
from .sources import InputFile

# Lines per chunk, and bytes: large enough that a hand-over and its writes cost
# little against parsing it, small enough that the chunks in flight stay small and
# the pipe fills fast. 100k documents on 2 cores, ingest phase: 7.2 s with 1,000
# lines, 5.2-5.3 with 2,500, 5.3-5.4 with 5,000, 5.8-5.9 with 10,000.
CHUNK_LINES = 2500
CHUNK_BYTES = 8 << 20
# Chunks in flight per unit of engine capacity (see OrderedPipe): the writer takes
# them in bursts, and with one unit the workers waited.
PIPE_DEPTH = 2


@dataclass
class WorkerParse:
    """How ingest uses an engine's workers.

    ``extra`` runs on the worker over each chunk's new-looking documents (first
    occurrence of each ``doc_id`` in the chunk, as ``documents`` rows) and must be
    picklable (a module-level function or a ``functools.partial`` of one).
    ``on_extra(doc_ids, result)`` runs in the writing thread once those documents
    are committed, with the IDs stored for the first time whose rows are the ones
    ``extra`` saw; the others are left to the analyze stage.
    """

    engine: Engine
    extra: Callable[[pa.Table], Any] | None = None
    on_extra: Callable[[pa.Array, Any], None] | None = None


@dataclass
class ParsedChunk:
    """A chunk as a worker returns it."""

    rows: pa.Table  # one ``documents`` row per document occurrence, in line order
    rejected: list[Rejected]
    extra: Any = None


@dataclass
class ChunkJob:
    chunk: LineChunk
    options: ReadOptions
    run_id: str
    extra: Callable[[pa.Table], Any] | None


def parse_job(job: ChunkJob) -> ParsedChunk:
    """Worker side: parse one chunk, build its rows, run ``extra`` on them."""
    docs: list[Document] = []
    rejected: list[Rejected] = []
    with relaxed_gc():
        for item in parse_chunk(job.chunk, job.options):
            if isinstance(item, Document):
                docs.append(item)
            else:
                rejected.append(item)
        rows = documents_rows(docs, job.run_id, first_only=False)
        extra = job.extra(first_occurrences(rows)[0]) if job.extra and docs else None
    return ParsedChunk(rows, rejected, extra)


def extra_ids(parsed: ParsedChunk, kept: pa.Table, new_ids: pa.Array) -> pa.Array:
    """The newly stored IDs whose stored row is the occurrence ``extra`` saw.

    Only an ID conflict can make them differ: it drops an occurrence, and when that
    was a document's first one in the chunk, a later occurrence is stored instead.
    """
    if kept.num_rows == parsed.rows.num_rows:
        return new_ids
    first_seen: dict[str, str] = {}
    for doc_id, record in zip(parsed.rows.column("doc_id").to_pylist(),
                              parsed.rows.column("record").to_pylist(), strict=True):
        first_seen.setdefault(doc_id, record)
    stored: dict[str, str] = {}
    for doc_id, record in zip(kept.column("doc_id").to_pylist(),
                              kept.column("record").to_pylist(), strict=True):
        stored.setdefault(doc_id, record)
    same = [d for d in new_ids.to_pylist() if stored.get(d) == first_seen.get(d)]
    return pa.array(same, pa.string())


class ChunkFeeder:
    """The reading side: chunks go to the workers, results come back in order.

    ``deliver(parsed)`` writes a chunk's result; ``file_done(unit, documents,
    quarantined)`` marks a file done. Both run here, in reading order, so a file's
    mark follows its last chunk.
    """

    def __init__(self, workers: WorkerParse, options: ReadOptions, run_id: str,
                 deliver: Callable[[ParsedChunk], None],
                 file_done: Callable[[InputFile, int, int], None]) -> None:
        self.options, self.run_id, self.extra = options, run_id, workers.extra
        self.deliver, self.mark_done = deliver, file_done
        self.pipe = OrderedPipe(workers.engine, parse_job, depth=PIPE_DEPTH)
        # unit name -> [documents, quarantined] of its chunks taken back so far
        self.counts: dict[str, list[int]] = {}

    def __len__(self) -> int:
        return len(self.pipe)

    def submit(self, unit: InputFile, chunk: LineChunk) -> None:
        self.counts.setdefault(unit.name, [0, 0])
        job = ChunkJob(chunk, self.options, self.run_id, self.extra)
        self._take(self.pipe.submit(job, tag=("chunk", unit.name)))

    def file_done(self, unit: InputFile, documents: int, quarantined: int) -> None:
        """Mark ``unit`` done after everything submitted before (at once if nothing is)."""
        self._take(self.pipe.mark(("done", unit, documents, quarantined)))

    def drain(self) -> None:
        self._take(self.pipe.drain())

    def cancel(self) -> None:
        self.pipe.cancel()

    def _take(self, ready: list[tuple[Any, Any]]) -> None:
        for tag, result in ready:
            if tag[0] == "chunk":
                counts = self.counts[tag[1]]
                counts[0] += result.rows.num_rows
                counts[1] += len(result.rejected)
                self.deliver(result)
            else:
                _, unit, documents, quarantined = tag
                extra = self.counts.pop(unit.name, [0, 0])
                self.mark_done(unit, documents + extra[0], quarantined + extra[1])

