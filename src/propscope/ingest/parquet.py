"""Parquet, streamed one record batch at a time (never the whole file in memory).

Only the columns that map to a document field are read. Record numbers are row
numbers, 1-based across the file. Parquet needs random access: a compressed or
archived Parquet file is first spooled to a temporary file, at most
``max_spool_bytes`` of it.

Parquet compresses inside the file too (page codecs, dictionary encoding): a file
of a few hundred bytes can hold thousands of rows that each repeat one large
value. So batches are small (``BATCH_ROWS``), the bytes each decoded batch takes
are charged to the file's :class:`~.streams.ExpansionBudget` (the same
``max_expanded_bytes`` / ``max_expansion_ratio`` caps as gzip or zstd), and a row
whose string values pass ``max_record_bytes`` is quarantined without being
turned into Python objects.
"""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Iterator
from typing import Any, BinaryIO

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ..document import Document, Rejected
from .records import FieldResolver, ReadOptions, record_to_document
from .streams import ExpansionBudget, SpoolTooLarge, seekable

BATCH_ROWS = 256


def _is_text(kind: pa.DataType) -> bool:
    """String and binary columns (fixed-width ones too): what ``max_record_bytes`` counts."""
    return (pa.types.is_string(kind) or pa.types.is_binary(kind)
            or pa.types.is_large_string(kind) or pa.types.is_large_binary(kind)
            or pa.types.is_fixed_size_binary(kind))


def _row_bytes(batch: pa.RecordBatch) -> list[int] | None:
    """Bytes of the string/binary values of each row once turned into Python objects
    (a dictionary-encoded value counts once per row that uses it), or None when the
    batch has no such column."""
    total = None
    for column in batch.columns:
        if pa.types.is_dictionary(column.type) and _is_text(column.type.value_type):
            sizes = pc.binary_length(column.dictionary).take(column.indices)
            if pa.types.is_fixed_size_binary(column.type.value_type):  # read as hex
                sizes = pc.multiply(sizes, 2)
        elif pa.types.is_fixed_size_binary(column.type):  # read as hex: twice its bytes
            sizes = pc.multiply(pc.binary_length(column), 2)
        elif _is_text(column.type):
            sizes = pc.binary_length(column)
        else:
            continue
        sizes = pc.fill_null(sizes, 0)
        total = sizes if total is None else pc.add(total, sizes)
    return None if total is None else total.to_pylist()


def iter_documents(stream: BinaryIO, name: str, options: ReadOptions
                   ) -> Iterator[Document | Rejected]:
    resolver = FieldResolver(options)
    limit = options.max_record_bytes
    row = 0
    try:
        source = seekable(stream, options.max_spool_bytes)
        size = source.seek(0, io.SEEK_END)
        source.seek(0)
        budget = ExpansionBudget.for_input(size, options)
        pfile = pq.ParquetFile(source)
        names = tuple(pfile.schema_arrow.names)
        cols = resolver.resolve(names)
        if "text" not in cols:
            yield Rejected(name, "", "no text column (looked for "
                                     f"{resolver.text_columns_hint()}); file skipped")
            return
        wanted = sorted({c if isinstance(c, str) else c[0] for c in cols.values()})
        binary = _binary_columns(pfile.schema_arrow, wanted)
        twice = sorted(n for n, k in Counter(names).items() if k > 1 and n)
        if twice:
            yield Rejected(name, "", "columns named more than once: " + ", ".join(twice)
                           + " (the last of each is read); records kept")
        for batch in pfile.iter_batches(batch_size=BATCH_ROWS, columns=wanted):
            sizes = _row_bytes(batch)
            over = budget.charge(max(batch.nbytes, sum(sizes) if sizes else 0))
            if over is not None:
                yield Rejected(name, "", f"{over}; rows up to {row} were kept")
                return
            if sizes is None or max(sizes, default=0) <= limit:
                for record in batch.to_pylist():
                    row += 1
                    yield from record_to_document(_as_text(record, binary), resolver, name, str(row))
                continue
            for index, record_bytes in enumerate(sizes):
                row += 1
                if record_bytes > limit:
                    yield Rejected(name, str(row), f"record of {record_bytes} bytes is larger "
                                                   f"than max_record_bytes ({limit}); skipped")
                    continue
                record = batch.slice(index, 1).to_pylist()[0]
                yield from record_to_document(_as_text(record, binary), resolver, name, str(row))
    except SpoolTooLarge as exc:
        yield Rejected(name, "", f"compressed or archived Parquet file {exc}")
    except (pa.ArrowException, OSError) as exc:
        where = f"after row {row}" if row else "before any row"
        yield Rejected(name, str(row + 1), f"unreadable Parquet data {where}: {exc}")


def _binary_columns(schema: pa.Schema, wanted: list[str]) -> dict[str, bool]:
    """The wanted columns typed binary (a name given twice: its last field, as read), each
    with whether its width is fixed (a UUID or hash kept as 16 or 32 bytes). Dictionary
    columns count by their values' type (Spark writes low-cardinality columns so)."""
    kinds: dict[str, pa.DataType] = {}
    for field in schema:
        kinds[field.name] = field.type  # a name given twice: the last, the value read
    binary_view = getattr(pa.types, "is_binary_view", lambda _t: False)
    out: dict[str, bool] = {}
    for c in wanted:
        kind = kinds.get(c)
        if kind is not None and pa.types.is_dictionary(kind):
            kind = kind.value_type
        if kind is None:
            continue
        if pa.types.is_fixed_size_binary(kind):
            out[c] = True
        elif pa.types.is_binary(kind) or pa.types.is_large_binary(kind) or binary_view(kind):
            out[c] = False
    return out


def _as_text(record: dict[str, Any], binary: dict[str, bool]) -> dict[str, Any]:
    """The ``binary`` columns' values read as UTF-8 text. Why: Spark and Hive write string
    columns as ``binary`` when the UTF8 annotation is missing, and such a ``text`` column
    was "record without text" on every row. Bytes that are not UTF-8 are replaced, except
    in a fixed-width column (an ID kept as raw bytes: a UUID, a hash), which is always
    written in hex: two IDs must not become the same text, and one column must not hold
    some IDs as hex and others as the control characters their bytes happen to spell."""
    for column, fixed in binary.items():
        value = record.get(column)
        if isinstance(value, bytes):
            record[column] = value.hex() if fixed else value.decode("utf-8", "replace")
    return record
