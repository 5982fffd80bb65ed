"""Ingest on the engine's workers: chunks of JSON Lines out, parsed rows back in order.

Results are taken back in submission order (:class:`~propscope.engine.base.OrderedPipe`)
and written exactly as the one-process reader's documents are: exact duplicates
keep their first occurrence, ID conflicts are decided in reading order, a file
is marked done only after its last chunk is committed. So the corpus is the
same row for row whichever engine ran, and a killed run resumes as before.
The worker side (parsing a chunk) is :mod:`propscope.ingest.parallel`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from ..engine.base import Engine, OrderedPipe
from ..ingest.jsonl import LineChunk
from ..ingest.parallel import ChunkJob, ParsedChunk, parse_job
from ..ingest.records import ReadOptions
from ..ingest.sources import InputFile

# The writer writes the chunks waiting for it together, up to this many
# documents: each write has a fixed cost (about 20 ms per statement at 100k
# documents), so 1,000-line chunks took 7.2 s to ingest written one by one and
# 5.5-5.7 s written together (2,500-line chunks: 5.2-5.3 s either way).
WRITE_DOCS = 10_000
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


def extra_ids(chunks: list[ParsedChunk], kept: pa.Table, new_ids: pa.Array) -> list[pa.Array]:
    """Per chunk, the newly stored IDs whose stored row is the occurrence its
    worker's ``extra`` saw (``kept``: the chunks' rows after ID conflicts, written
    together in this order).

    Usually that is every new ID of the chunk. Two things make it differ: the same
    document in two chunks (both workers analysed it; the first chunk's occurrence
    is stored), and an ID conflict that drops a document's first occurrence (a
    later one is stored instead).
    """
    firsts = [pc.unique(c.rows.column("doc_id")) for c in chunks]
    total = sum(c.rows.num_rows for c in chunks)
    if kept.num_rows == total and (len(chunks) == 1 or pc.count_distinct(
            pa.chunked_array(firsts, pa.string())).as_py() == sum(len(f) for f in firsts)):
        return [new_ids if len(chunks) == 1 else
                f.filter(pc.is_in(f, value_set=new_ids)) for f in firsts]
    stored: dict[str, tuple[str, str]] = {}
    for doc_id, file, record in zip(*(kept.column(n).to_pylist() for n in ("doc_id", "file", "record")),
                                    strict=True):
        stored.setdefault(doc_id, (file, record))
    fresh = set(new_ids.to_pylist())
    out = []
    for c in chunks:
        seen: dict[str, tuple[str, str]] = {}
        for doc_id, file, record in zip(*(c.rows.column(n).to_pylist()
                                          for n in ("doc_id", "file", "record")), strict=True):
            seen.setdefault(doc_id, (file, record))
        out.append(pa.array([d for d, where in seen.items() if d in fresh and stored.get(d) == where],
                            pa.string()))
    return out


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

