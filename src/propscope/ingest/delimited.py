"""CSV and TSV, through the :mod:`csv` module (quoted fields may span lines).

The first row is the header. Record numbers are the *line* on which a row
starts (the header is line 1), which is what an analyst opens in an editor.
Bytes are split into lines and decoded here rather than by a text wrapper, so
invalid UTF-8 is noted against the exact row that held it, and a line above
``max_record_bytes`` is skipped in pieces (reported against the row it fell in).

A row with a different number of fields from the header is quarantined whole:
guessing which column shifted would silently mix up text and metadata.

A quoted field may span lines, so one stray quote could swallow the rest of a
file into one field. Rows are therefore parsed strictly (``strict=True``), and
a row spanning several lines that is malformed (a quote closed then followed by
other text, the file ending inside quotes) or that grows past
``max_record_bytes`` is a *runaway*: its first line is quarantined with the
reason, and reading starts again at the next line, from the lines already read
(held, at most ``max_record_bytes`` of them). So memory stays bounded and the
rows after a stray quote still go in. (Not caught: a second stray quote that
*closes* the first properly, a quote followed by the delimiter or the line end,
makes the lines between one valid row; with the header's width it is read as
one record, else quarantined as a row of the wrong width. No reader can tell
that from intent.) A one-line row that only the strict parser refuses is read
leniently, as before. Each line is parsed at most three times: once in the
runaway, once re-read, and, should a runaway start inside re-read lines, once
more as a one-line row; the cost stays linear.
"""

from __future__ import annotations

import csv
import sys
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from ..document import Document, Rejected
from .records import FieldResolver, ReadOptions, record_to_document
from .streams import decode_text, iter_lines

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))  # the record bound below is what holds


@dataclass(slots=True)
class _Line:
    lineno: int
    text: str | None  # None: longer than max_record_bytes, not kept
    size: int
    note: str | None = None  # invalid UTF-8 found in it
    reread: bool = False  # handed back once already after a runaway
    alone: bool = False  # to be read as a one-line row (runaway inside re-read lines)


class _RecordTooLarge(Exception):
    """The row being read passed ``max_record_bytes`` (raised inside ``csv.reader``)."""


class _Lines:
    """Decoded lines for ``csv.reader``, remembering those of the row being read."""

    def __init__(self, stream: BinaryIO, limit: int) -> None:
        self._it = iter_lines(stream, limit)
        self.limit = limit
        self.back: deque[_Line] = deque()  # lines to read again, first
        self.taken: list[_Line] = []  # the lines of the current row
        self._size = 0

    def start_row(self) -> None:
        self.taken = []
        self._size = 0

    def next_line(self) -> _Line | None:
        """The next line (re-read ones first), or None at the end."""
        if self.back:
            return self.back.popleft()
        try:
            lineno, raw, size = next(self._it)
        except StopIteration:
            return None
        if raw is None:
            return _Line(lineno, None, size)
        text, note = decode_text(raw)
        return _Line(lineno, text, size, note)

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        line = self.next_line()
        if line is None:
            raise StopIteration
        self.taken.append(line)
        self._size += line.size
        if len(self.taken) > 1 and self._size > self.limit:
            raise _RecordTooLarge
        return "\n" if line.text is None else line.text


def _runaway_reason(first: _Line, last: _Line, exc: Exception, limit: int) -> str:
    resumed = f"line {first.lineno} skipped, reading resumed at line {first.lineno + 1}"
    if isinstance(exc, _RecordTooLarge):
        return (f"quoted field opened on line {first.lineno} runs past max_record_bytes "
                f"({limit}) at line {last.lineno}; {resumed}")
    if "unexpected end of data" in str(exc):
        return (f"unterminated quoted field: the quote opened on line {first.lineno} is still "
                f"open at the end of the file; {resumed}")
    return (f"malformed quoted field from line {first.lineno} to line {last.lineno} ({exc}); "
            f"{resumed}")


def _lenient(line: _Line, delimiter: str) -> list[str]:
    """One line read as a whole row, the forgiving way (may raise csv.Error)."""
    return next(csv.reader([line.text or ""], delimiter=delimiter), [])


def _rows(lines: _Lines, name: str, delimiter: str
          ) -> Iterator[tuple[list[str], list[_Line]] | Rejected]:
    """``(row, its lines)`` for each row, or a Rejected for what could not be a row."""
    reader = csv.reader(lines, delimiter=delimiter, strict=True)
    while True:
        lines.start_row()
        if lines.back and lines.back[0].alone:
            line = lines.back.popleft()
            try:
                yield _lenient(line, delimiter), [line]
            except csv.Error as exc:
                yield Rejected(name, str(line.lineno), f"unreadable CSV row: {exc}")
            continue
        problem: Exception | None = None
        try:
            row = next(reader)
        except StopIteration:
            return
        except (csv.Error, _RecordTooLarge) as exc:
            problem = exc
        if problem is None:
            yield row, lines.taken
        else:
            taken = lines.taken
            if not taken:
                yield Rejected(name, "", f"unreadable CSV: {problem}")
                return
            first = taken[0]
            if len(taken) == 1 and not isinstance(problem, _RecordTooLarge):
                try:
                    yield _lenient(first, delimiter), taken
                except csv.Error as again:
                    yield Rejected(name, str(first.lineno), f"unreadable CSV row: {again}")
                continue
            yield Rejected(name, str(first.lineno),
                           _runaway_reason(first, taken[-1], problem, lines.limit))
            rest = taken[1:]
            for line in rest:
                # A line put back by a second runaway is read alone next time: at most three
                # parses per line. A line put back for the first time gets a full parse again,
                # so a good multi-line row after two stray quotes is still read whole.
                line.alone = line.alone or line.reread
                line.reread = True
            lines.back.extendleft(reversed(rest))


def _iter_delimited(stream: BinaryIO, name: str, options: ReadOptions,
                    delimiter: str) -> Iterator[Document | Rejected]:
    lines = _Lines(stream, options.max_record_bytes)
    resolver = FieldResolver(options)
    header: list[str] | None = None
    for item in _rows(lines, name, delimiter):
        if isinstance(item, Rejected):
            yield item
            continue
        row, taken = item
        recno = str(taken[0].lineno)
        too_long = [f"line {line.lineno} of {line.size} bytes is larger than max_record_bytes; "
                    "skipped" for line in taken if line.text is None]
        if too_long:
            yield Rejected(name, recno, "; ".join(too_long))
            continue
        notes = "; ".join(f"line {line.lineno}: {line.note}" for line in taken if line.note)
        if header is None:
            if not any(cell.strip() for cell in row):
                continue
            header = [cell.strip() for cell in row]
            if header and header[0].startswith("\ufeff"):
                header[0] = header[0][1:]
            header, twice = _unique_columns(header)
            if twice:
                yield Rejected(name, recno, "columns named more than once: "
                               + ", ".join(twice) + " (the first of each is read; the others "
                               "are kept as NAME.2, NAME.3, ...); records kept")
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
                                      recno, note=notes or None)


def _unique_columns(header: list[str]) -> tuple[list[str], list[str]]:
    """The header with repeated names numbered (``text``, ``text.2``), and the repeated
    names. Why: read into a dict, the last of two ``text`` columns silently won."""
    seen: dict[str, int] = {}
    out: list[str] = []
    twice: list[str] = []
    for column in header:
        count = seen.get(column, 0) + 1
        seen[column] = count
        if count == 2 and column:  # empty cells (Excel's trailing columns) are no column
            twice.append(column)
        out.append(column if count == 1 else f"{column}.{count}")
    return out, twice


def iter_csv(stream: BinaryIO, name: str, options: ReadOptions) -> Iterator[Document | Rejected]:
    return _iter_delimited(stream, name, options, ",")


def iter_tsv(stream: BinaryIO, name: str, options: ReadOptions) -> Iterator[Document | Rejected]:
    return _iter_delimited(stream, name, options, "\t")
