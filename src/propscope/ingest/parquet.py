"""Parquet, streamed one record batch at a time (never the whole file in memory).

Only the columns that map to a document field are read. Record numbers are row
numbers, 1-based across the file. Parquet needs random access: a compressed or
archived Parquet file is first spooled to a temporary file, at most
``max_spool_bytes`` of it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

import pyarrow as pa
import pyarrow.parquet as pq

from ..document import Document, Rejected
from .records import FieldResolver, ReadOptions, record_to_document
from .streams import SpoolTooLarge, seekable

BATCH_ROWS = 2048


def iter_documents(stream: BinaryIO, name: str, options: ReadOptions
                   ) -> Iterator[Document | Rejected]:
    resolver = FieldResolver(options)
    row = 0
    try:
        pfile = pq.ParquetFile(seekable(stream, options.max_spool_bytes))
        names = tuple(pfile.schema_arrow.names)
        cols = resolver.resolve(names)
        if "text" not in cols:
            yield Rejected(name, "", "no text column (looked for "
                                     f"{resolver.text_columns_hint()}); file skipped")
            return
        wanted = sorted({c if isinstance(c, str) else c[0] for c in cols.values()})
        for batch in pfile.iter_batches(batch_size=BATCH_ROWS, columns=wanted):
            for record in batch.to_pylist():
                row += 1
                yield from record_to_document(record, resolver, name, str(row))
    except SpoolTooLarge as exc:
        yield Rejected(name, "", f"compressed or archived Parquet file {exc}")
    except (pa.ArrowException, OSError) as exc:
        where = f"after row {row}" if row else "before any row"
        yield Rejected(name, str(row + 1), f"unreadable Parquet data {where}: {exc}")
