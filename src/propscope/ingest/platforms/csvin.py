"""CSV input shared by the platform readers (CrowdTangle, Meta Content Library, 4CAT).

Rows come as ``(line number, {header: cell})``; a row whose field count differs
from the header's is quarantined whole (shifted columns would mix text and
metadata), and reading goes on. Bytes are decoded per line, so invalid UTF-8 is
repaired and noted against the row that held it. Kept apart from the generic CSV
reader so each can change without the other.
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Callable, Iterator, Mapping
from typing import Any, BinaryIO

from ...document import Rejected
from ..records import ReadOptions
from ..streams import decode_text, iter_lines
from .jsonin import Items, guarded

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
Row = Callable[[Mapping[str, str], str, str], Items]


def header_of(head: bytes) -> list[str]:
    """The header cells of a CSV file starting with ``head`` (for sniffing)."""
    line = head.split(b"\n", 1)[0].decode("utf-8", "replace").lstrip("\ufeff")
    try:
        return [c.strip() for c in next(csv.reader([line]))]
    except (csv.Error, StopIteration):
        return []


def _lines(stream: BinaryIO, limit: int, notes: list[str], where: list[int]) -> Iterator[str]:
    for lineno, line, size in iter_lines(stream, limit):
        where[0] = lineno
        if line is None:
            notes.append(f"line {lineno} of {size} bytes is larger than max_record_bytes")
            yield "\n"
            continue
        text, note = decode_text(line)
        if note:
            notes.append(f"line {lineno}: {note}")
        yield text


def reader_for(row_items: Row) -> Callable[[BinaryIO, str, ReadOptions], Items]:
    """A registry reader over CSV input whose rows ``row_items`` maps to posts."""

    def iter_documents(stream: BinaryIO, name: str, options: ReadOptions) -> Items:
        notes: list[str] = []
        where = [0]
        reader = csv.reader(_lines(stream, options.max_record_bytes, notes, where))
        header: list[str] | None = None
        while True:
            start = str(where[0] + 1)
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                yield Rejected(name, start, f"unreadable CSV row: {exc}")
                continue
            problems, notes[:] = list(notes), []
            if header is None:
                header = [c.strip().lstrip("\ufeff") for c in row]
                continue
            if not any(cell.strip() for cell in row):
                continue
            if any("larger than" in p for p in problems):
                yield Rejected(name, start, "; ".join(problems))
                continue
            if len(row) != len(header):
                yield Rejected(name, start, f"row has {len(row)} fields, header has "
                                            f"{len(header)}")
                continue
            yield from guarded(row_items, dict(zip(header, row, strict=True)), name, start)
            if problems:
                yield Rejected(name, start, "; ".join(problems))

    iter_documents.__doc__ = row_items.__doc__
    return iter_documents


def cell(row: Mapping[str, Any], *names: str) -> str | None:
    """The first non-empty cell among ``names``."""
    for name in names:
        value = row.get(name)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None
