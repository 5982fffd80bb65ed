"""JSON Lines parsed on the engine's workers: the worker side.

Why: on a machine with few cores the process that owns the corpus was the limit
of a parallel run. It parsed every line (JSON, record mapping, content hashes),
wrote every row, and sent every text out again for analysis. Instead, the
reading side cuts the input into chunks of raw lines (:mod:`.walk`); each
worker parses a chunk here, builds its ``documents`` rows (Arrow), and runs an
optional *extra* step on them (the pipeline passes the fused analyzers), so a
text crosses between processes once, as part of its raw line.

Handing chunks to the workers and writing what comes back, in reading order, is
the ingest stage's (:mod:`propscope.stages.ingest_workers`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pyarrow as pa

from ..document import Document, Rejected
from ..gctuning import relaxed_gc
from ..rows import documents_rows, first_occurrences
from .jsonl import LineChunk, parse_chunk
from .records import ReadOptions

# Lines per chunk, and bytes: large enough that a hand-over and its writes cost
# little against parsing it, small enough that the chunks in flight stay small and
# the pipe fills fast. 100k documents on 2 cores, ingest phase: 7.2 s with 1,000
# lines, 5.2-5.3 with 2,500, 5.3-5.4 with 5,000, 5.8-5.9 with 10,000.
CHUNK_LINES = 2500
CHUNK_BYTES = 8 << 20


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
        rows = documents_rows(docs, job.run_id)
        extra = job.extra(first_occurrences(rows)[0]) if job.extra and docs else None
    return ParsedChunk(rows, rejected, extra)
