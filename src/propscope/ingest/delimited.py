"""CSV and TSV, through the :mod:`csv` module (quoted fields may span lines).

The first row is the header. Record numbers are the *line* on which a row
starts (the header is line 1), which is what an analyst opens in an editor.
Bytes are split into lines and decoded here rather than by a text wrapper, so
invalid UTF-8 is noted against the exact row that held it, and a line above
``max_record_bytes`` is skipped in pieces (reported against the row it fell in).

A row with a different number of fields from the header is quarantined whole:
guessing which column shifted would silently mix up text and metadata.
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterator
from typing import BinaryIO

from ..document import Document, Rejected
from .records import FieldResolver, ReadOptions, record_to_document
from .streams import decode_text, iter_lines

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


class _Lines:
    """Decoded lines for ``csv.reader``, remembering what went wrong on each."""

    def __init__(self, stream: BinaryIO, limit: int) -> None:
        self._it = iter_lines(stream, limit)
        self.lineno = 0
        self.notes: list[str] = []
        self.too_long: list[str] = []

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        lineno, line, size = next(self._it)
        self.lineno = lineno
        if line is None:
            self.too_long.append(f"line {lineno} of {size} bytes is larger than "
                                 "max_record_bytes; skipped")
            return "\n"
        text, note = decode_text(line)
        if note:
            self.notes.append(f"line {lineno}: {note}")
        return text


def _iter_delimited(stream: BinaryIO, name: str, options: ReadOptions,
                    delimiter: str) -> Iterator[Document | Rejected]:
    lines = _Lines(stream, options.max_record_bytes)
    reader = csv.reader(lines, delimiter=delimiter)
    resolver = FieldResolver(options)
    header: list[str] | None = None
    while True:
        start = lines.lineno + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            yield Rejected(name, str(start), f"unreadable CSV row: {exc}")
            continue
        recno = str(start)
        problems, lines.too_long = lines.too_long, []
        notes, lines.notes = lines.notes, []
        if problems:
            yield Rejected(name, recno, "; ".join(problems))
            continue
        if header is None:
            if not any(cell.strip() for cell in row):
                continue
            header = [cell.strip() for cell in row]
            if header and header[0].startswith("\ufeff"):
                header[0] = header[0][1:]
            if "text" not in resolver.resolve(tuple(header)):
                yield Rejected(name, recno, "header has no text column (looked for "
                                            f"{resolver.text_columns_hint()}); file skipped")
                return
            continue
        if not row or (len(row) == 1 and not row[0].strip()):
            continue
        if len(row) != len(header):
            yield Rejected(name, recno, f"row has {len(row)} fields, header has {len(header)}")
            continue
        yield from record_to_document(dict(zip(header, row, strict=True)), resolver, name,
                                      recno, note="; ".join(notes) or None)


def iter_csv(stream: BinaryIO, name: str, options: ReadOptions) -> Iterator[Document | Rejected]:
    return _iter_delimited(stream, name, options, ",")


def iter_tsv(stream: BinaryIO, name: str, options: ReadOptions) -> Iterator[Document | Rejected]:
    return _iter_delimited(stream, name, options, "\t")
