"""JSON Lines / NDJSON (also ``.json``: one array of objects, or one object per line).

Each line is parsed straight from bytes (no per-line decode in the common case).
Record numbers are line numbers (1-based); blank lines are skipped silently.
Lines above ``max_record_bytes`` are skipped in pieces without being held whole.
A ``.json`` file (only that suffix) that starts with ``[`` is one array: it is read whole, so it is
bounded by ``max_record_bytes`` too (use JSONL for large inputs).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from ..document import Document, Rejected
from .records import FieldResolver, ReadOptions, record_to_document
from .streams import decode_text, iter_lines, read_bounded, split_suffixes

_fast_loads: Callable[[bytes], Any] | None
try:  # a C parser, about 2.5x faster than the standard library on article lines
    from orjson import loads as _fast_loads
except ImportError:  # pragma: no cover - orjson is a dependency; kept optional for embedders
    _fast_loads = None

_SURROGATE_ESCAPES = (b"\\ud", b"\\uD")
_ENCODED_SURROGATE = re.compile(rb"\xed[\xa0-\xbf]")


def _parse(line: bytes) -> tuple[object, str | None]:
    """The JSON value of ``line`` and a note if its UTF-8 had to be repaired.

    ``json.loads`` on bytes lets UTF-8-encoded surrogates (``\\xed\\xa0\\x80``)
    through; they are invalid UTF-8, so such lines take the repairing path too.

    orjson parses the common line first. It is stricter than the standard
    library (invalid UTF-8, lone surrogate escapes, ``NaN``, numbers beyond 64
    bits, UTF-16 input all raise), so anything it refuses takes the standard
    path below; and since it reads integers beyond 64 bits as floats where the
    standard library keeps them exact, a value holding any float is parsed
    again the standard way. So the values, the repairs and the error messages
    are exactly the standard library's, only faster where nothing is unusual.
    """
    if _fast_loads is not None:
        try:
            value = _fast_loads(line)
        except ValueError:  # orjson.JSONDecodeError; decided again below
            pass
        else:
            if not _holds_float(value):
                return value, None
    if b"\xed" not in line or _ENCODED_SURROGATE.search(line) is None:
        try:
            return _loads(line), None
        except UnicodeDecodeError:
            pass
    text, note = decode_text(line)
    return _loads(text), note


def _loads(data: bytes | str) -> object:
    """``json.loads``; again with :func:`_integer` only when a number was too long to
    convert (the callback slows every other line)."""
    try:
        return json.loads(data)
    except ValueError as exc:
        if "integer string conversion" not in str(exc):
            raise
        return json.loads(data, parse_int=_integer)


def _integer(digits: str) -> int | str:
    """An integer, or its digits as written when longer than Python converts by default
    (4,300). Why: a valid record with a 5,000-digit number in a field nobody reads was
    quarantined with advice meant for a Python programmer (``sys.set_int_max_str_digits``);
    the limit itself guards against quadratic conversion, so it stays."""
    return int(digits) if len(digits) <= 4000 else digits


def _holds_float(value: Any) -> bool:
    """Whether a parsed JSON value contains a float anywhere (article records rarely do)."""
    kind = type(value)
    if kind is float:
        return True
    if kind is dict:
        value = value.values()
    elif kind is not list:
        return False
    # Scalars are tested inline: this runs once per ingested line.
    return any(type(v) is float or (type(v) in (dict, list) and _holds_float(v))
               for v in value)


def iter_documents(stream: BinaryIO, name: str, options: ReadOptions
                   ) -> Iterator[Document | Rejected]:
    resolver = FieldResolver(options)
    if is_array(stream, name):
        yield from _iter_array(stream, name, options, resolver)
        return
    limit = options.max_record_bytes
    for lineno, line, size in iter_lines(stream, limit):
        if line is None:
            yield _too_long(name, lineno, size, limit)
        else:
            yield from line_items(line, str(lineno), name, resolver)


def is_array(stream: BinaryIO, name: str) -> bool:
    """Whether ``stream`` is one JSON array (only a ``.json`` file starting with ``[``)."""
    head = stream.peek(64).lstrip() if hasattr(stream, "peek") else b""
    return head.startswith(b"[") and split_suffixes(name)[0] == ".json"


def _too_long(name: str, lineno: int, size: int, limit: int) -> Rejected:
    return Rejected(name, str(lineno), f"record of {size} bytes is larger than "
                                       f"max_record_bytes ({limit}); skipped")


def line_items(line: bytes, recno: str, name: str, resolver: FieldResolver
               ) -> Iterator[Document | Rejected]:
    """The Document (and notes) or the Rejected of one JSON line; nothing for a blank one.

    Shared by the reader above and by :func:`parse_chunk`, so a line gives the same
    result whichever process parses it.
    """
    if line.isspace():  # blank line (no copy, unlike strip())
        return
    try:
        value, note = _parse(line)
    except ValueError as exc:  # JSONDecodeError, or bad bytes inside a string
        yield Rejected(name, recno, f"malformed JSON: {exc}")
        return
    except RecursionError:  # arrays or objects nested thousands deep
        yield Rejected(name, recno, "malformed JSON: nested too deeply to read")
        return
    if not isinstance(value, dict):
        yield Rejected(name, recno, f"JSON line is a {type(value).__name__}, not an object")
        return
    try:
        items = list(record_to_document(
            value, resolver, name, recno, note=note,
            check_surrogates=_SURROGATE_ESCAPES[0] in line or _SURROGATE_ESCAPES[1] in line))
    except Exception as exc:  # noqa: BLE001 - one strange record costs only itself
        # Whichever process parses the line (a worker, with --engine processes/dask),
        # the record alone is quarantined and reading goes on.
        yield Rejected(name, recno, f"record could not be read: {type(exc).__name__}: {exc}")
        return
    yield from items


@dataclass
class LineChunk:
    """Consecutive raw lines of one JSON Lines input, to be parsed elsewhere.

    The reading process only splits lines (cheap); :func:`parse_chunk` does the
    JSON parsing and record mapping on an engine's worker.
    """

    name: str
    lines: list[tuple[int, bytes]] = field(default_factory=list)  # (line number, raw line)
    size: int = 0  # bytes in ``lines``


def iter_line_chunks(stream: BinaryIO, name: str, options: ReadOptions, max_lines: int,
                     max_bytes: int) -> Iterator[LineChunk | Rejected]:
    """The lines of a JSON Lines stream in chunks (a line above the record limit is
    rejected here, as :func:`iter_documents` would)."""
    limit = options.max_record_bytes
    chunk = LineChunk(name)
    for lineno, line, size in iter_lines(stream, limit):
        if line is None:
            yield _too_long(name, lineno, size, limit)
            continue
        chunk.lines.append((lineno, line))
        chunk.size += size
        if len(chunk.lines) >= max_lines or chunk.size >= max_bytes:
            yield chunk
            chunk = LineChunk(name)
    if chunk.lines:
        yield chunk


def parse_chunk(chunk: LineChunk, options: ReadOptions) -> Iterator[Document | Rejected]:
    """Every record of ``chunk``, exactly as :func:`iter_documents` reads them."""
    resolver = FieldResolver(options)
    for lineno, line in chunk.lines:
        yield from line_items(line, str(lineno), chunk.name, resolver)


def _iter_array(stream: BinaryIO, name: str, options: ReadOptions,
                resolver: FieldResolver) -> Iterator[Document | Rejected]:
    data = read_bounded(stream, options.max_record_bytes)
    if data is None:
        yield Rejected(name, "1", "JSON array larger than max_record_bytes "
                                  f"({options.max_record_bytes}); convert it to JSON Lines")
        return
    try:
        value, note = _parse(data)
    except ValueError as exc:
        yield Rejected(name, "1", f"malformed JSON: {exc}")
        return
    del data
    if note:
        yield Rejected(name, "1", note)
    if not isinstance(value, list):
        value = [value]
    for index, item in enumerate(value, 1):
        recno = str(index)
        if not isinstance(item, dict):
            yield Rejected(name, recno, f"array item is a {type(item).__name__}, not an object")
            continue
        yield from record_to_document(item, resolver, name, recno, check_surrogates=True)
