"""Dated records: `` date YYYY-MM-DD `` (leading space) at the start of a line begins one.

A record's text runs from just after the header (``" date 2020-10-28 "``) to the
line before the next header; newlines at the end of a record (the separation
between records) are stripped, everything else is kept byte for byte, so
offsets found later point into the text exactly as it stands in the file. A
header alone on its line starts the text on the next line. The date becomes
``published`` (midnight UTC); an impossible date (``2020-13-45``) keeps the
record undated with a quarantine note. Record numbers are the header's line.

Files are ``.txt``; :func:`looks_dated` tells them from plain text by their first
non-empty line. Lines before the first header (possible only when sniffing was
bypassed) form no record and are quarantined.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import BinaryIO

from ..document import Document, Rejected
from .records import ReadOptions, default_source, has_text
from .streams import decode_text, iter_lines

HEADER = re.compile(rb" date (\d{4})-(\d{2})-(\d{2})(?: |\r?\n|\Z)")
_FIRST_LINE = re.compile(rb"(?:\xef\xbb\xbf)?(?:[ \t]*\r?\n)*(?= date \d{4}-\d{2}-\d{2}(?: |\r?\n|\Z))")


def looks_dated(head: bytes) -> bool:
    """True when the first non-empty line of ``head`` is a dated-record header."""
    return _FIRST_LINE.match(head) is not None


class _Record:
    __slots__ = ("lineno", "date", "parts", "size", "too_big")

    def __init__(self, lineno: int, date: tuple[bytes, bytes, bytes], first: bytes) -> None:
        self.lineno = lineno
        self.date = date
        self.parts = [first] if first.strip(b"\r\n") else []
        self.size = len(first)
        self.too_big = False


def _finish(rec: _Record, name: str, source: str, limit: int) -> Iterator[Document | Rejected]:
    recno = str(rec.lineno)
    if rec.too_big:
        yield Rejected(name, recno, f"record of {rec.size} bytes is larger than "
                                    f"max_record_bytes ({limit}); skipped")
        return
    text, note = decode_text(b"".join(rec.parts))
    rec.parts = []
    text = text.rstrip("\r\n")
    if not has_text(text):
        yield Rejected(name, recno, "record without text (a date header and nothing else, "
                                    "or only NUL/control characters)")
        return
    published = None
    try:
        year, month, day = (int(p) for p in rec.date)
        published = datetime(year, month, day, tzinfo=UTC)
    except ValueError as exc:
        shown = b"-".join(rec.date).decode()
        yield Rejected(name, recno, f"unparsable date {shown!r} ({exc}); record kept without a date")
    yield Document.create(text, source=source, published=published, file=name, record=recno)
    if note:
        yield Rejected(name, recno, note)


def iter_documents(stream: BinaryIO, name: str, options: ReadOptions
                   ) -> Iterator[Document | Rejected]:
    limit = options.max_record_bytes
    source = default_source(name)
    rec: _Record | None = None
    orphan_line = 0
    for lineno, line, size in iter_lines(stream, limit):
        match = HEADER.match(line) if line is not None else None
        if match is not None and line is not None:
            if rec is not None:
                yield from _finish(rec, name, source, limit)
            rest = line[match.end():] if line[match.end() - 1:match.end()] == b" " else b""
            year, month, day = match.groups()
            rec = _Record(lineno, (year, month, day), rest)
            continue
        if rec is None:
            if line is None or line.strip():
                orphan_line = orphan_line or lineno
            continue
        rec.size += size
        if line is None or rec.size > limit:
            rec.too_big = True
            rec.parts = []
        elif not rec.too_big:
            rec.parts.append(line)
    if rec is not None:
        yield from _finish(rec, name, source, limit)
    if orphan_line:
        yield Rejected(name, str(orphan_line), "text before the first ' date YYYY-MM-DD ' "
                                               "header belongs to no record; skipped")
