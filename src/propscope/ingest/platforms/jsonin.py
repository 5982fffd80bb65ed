"""JSON input shared by the platform readers: JSON Lines, or one JSON document.

Collection tools write JSON Lines (one response page or one post per line);
APIs called by hand give one document, often pretty-printed. Which one a file is
is decided from its first line: a first line that is a whole JSON value means
JSON Lines; a first line that is not (``{`` alone, ``[``) means one document,
read whole up to ``max_record_bytes`` (a reader that must stream one document of
any size, Telegram's, uses :mod:`.jsonscan` instead).

Each value is handed to the platform's ``expand`` function, which yields
``(sub-record number, Document | Rejected)``; any exception it raises costs only
that record (quarantined with its number), never the file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, BinaryIO

from ...document import Document, Rejected
from ..jsonl import _parse as _careful_parse
from ..records import ReadOptions
from ..streams import iter_lines, read_bounded

_fast_loads: Callable[[bytes], Any] | None
try:
    from orjson import loads as _fast_loads
except ImportError:  # pragma: no cover - orjson is a dependency
    _fast_loads = None

Items = Iterator[Document | Rejected]
Expand = Callable[[Any, str, str], Items]


def parse_json(data: bytes) -> tuple[Any, str | None]:
    """A JSON value and a repair note, as :func:`..jsonl._parse` gives them, but
    trusting orjson's result as is: platform records are large nested objects, and
    the generic reader's float check (for integers beyond 64 bits, which platforms
    send as strings) walked every value of every page twice. What orjson refuses
    (bad UTF-8, lone surrogates, NaN) takes the generic, repairing path."""
    if _fast_loads is not None:
        try:
            return _fast_loads(data), None
        except ValueError:
            pass
    return _careful_parse(data)


def is_json_lines(head: bytes) -> bool:
    """Whether a file starting with ``head`` is JSON Lines (see the module docstring)."""
    text = head.lstrip()
    if text.startswith(b"["):
        return False
    line, newline, _ = text.partition(b"\n")
    if not newline:
        return True  # one long line (or a single short one): JSON Lines either way
    try:
        parse_json(line)
    except ValueError:
        return False
    return True


def too_large(name: str, recno: str, what: str, limit: int, advice: str = "skipped") -> Rejected:
    """The quarantine row of a record over ``max_record_bytes``."""
    return Rejected(name, recno, f"{what} larger than max_record_bytes ({limit}); {advice}")


def parsed(expand: Expand, data: bytes, name: str, recno: str, what: str = "JSON") -> Items:
    """One raw JSON record parsed and handed to ``expand`` (:func:`guarded`): a record
    that does not parse, or parses only after repair, gets its quarantine row, and
    the other records go on. Every JSON reader's records go through here."""
    try:
        value, note = parse_json(data)
    except (ValueError, RecursionError) as exc:
        yield Rejected(name, recno, f"malformed {what}: {str(exc)[:200]}")
        return
    if note:
        yield Rejected(name, recno, note)
    yield from guarded(expand, value, name, recno)


def iter_records(stream: BinaryIO, name: str, options: ReadOptions
                 ) -> Iterator[tuple[str, bytes] | Rejected]:
    """``(record number, raw JSON)`` per line, or once for a whole document."""
    head = stream.peek(8192) if hasattr(stream, "peek") else b""
    limit = options.max_record_bytes
    if not is_json_lines(head):
        data = read_bounded(stream, limit)
        if data is None:
            yield too_large(name, "1", "JSON document", limit,
                            "split it or convert it to JSON Lines")
        else:
            yield "1", data
        return
    for lineno, line, size in iter_lines(stream, limit):
        recno = str(lineno)
        if line is None:
            yield too_large(name, recno, f"record of {size} bytes is", limit)
        elif not line.isspace():
            yield recno, line


def guarded(expand: Expand, value: Any, name: str, recno: str) -> Items:
    """``expand(value, name, recno)`` with any failure turned into one quarantine row.

    Items are gathered first, so a record that fails half-way leaves nothing
    behind but its quarantine row.
    """
    try:
        items = list(expand(value, name, recno))
    except Exception as exc:  # noqa: BLE001 - one strange record costs only itself
        return iter([Rejected(name, recno, f"record could not be read: "
                                           f"{type(exc).__name__}: {str(exc)[:200]}")])
    return iter(items)


def reader_for(expand: Expand) -> Callable[[BinaryIO, str, ReadOptions], Items]:
    """A registry reader over JSON input whose values ``expand`` maps to posts."""

    def iter_documents(stream: BinaryIO, name: str, options: ReadOptions) -> Items:
        for item in iter_records(stream, name, options):
            if isinstance(item, Rejected):
                yield item
            else:
                yield from parsed(expand, item[1], name, item[0])

    iter_documents.__doc__ = expand.__doc__
    return iter_documents


def sub(recno: str, index: int, count: int) -> str:
    """The record number of item ``index`` (1-based) of a value holding ``count``."""
    return recno if count == 1 else f"{recno}.{index}"
