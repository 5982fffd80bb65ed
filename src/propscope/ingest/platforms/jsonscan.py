"""Stream the items of one array inside one big JSON document, in constant memory.

Telegram Desktop writes a channel's whole history as a single JSON object whose
``messages`` array may hold millions of messages; loading it would need several
times the file's size in memory. This scanner reads the file in blocks and cuts
out each item of the array named ``key`` (at the top level) as raw bytes, which
the caller parses alone, so one damaged item costs only itself.

It tracks only what decides nesting: strings (matched whole by one C-level regex,
so braces inside text never count) and the four brackets. Everything else
(numbers, ``true``, commas) passes untouched.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

BLOCK = 1 << 20
HEADER_LIMIT = 1 << 20
# A whole string, or a bracket, or a lone quote (a string cut by the block's end).
_TOKEN = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[\]{}"]', re.S)


def _nested(depth: int) -> bytes:
    """A regex for one whole JSON object nested at most ``depth`` levels deep.

    The alternatives start with different bytes and every loop is possessive, so
    a failed match (an item cut by the block's end, or nested deeper) costs one
    linear pass and never backtracks."""
    string = rb'"(?:[^"\\]|\\.)*+"'
    inner = rb'(?:[^"{}\[\]]|' + string + rb')*+'
    for _ in range(depth - 1):
        inner = (rb'(?:[^"{}\[\]]++|' + string + rb'|\{' + inner + rb'\}|\[' + inner
                 + rb'\])*+')
    return rb'\{' + inner + rb'\}'


# Fast path: a whole item in one C-level match (Telegram messages nest 3 deep);
# an item it does not match is cut out token by token instead.
_ITEM = re.compile(_nested(6), re.S)


@dataclass
class Scan:
    """What the scan found besides the items: the bytes before the array (the
    document's header fields) and whether the array was found at all."""

    header: bytes = b""
    found: bool = False
    truncated: bool = False  # the document ended inside the array


def iter_array_items(stream: BinaryIO, key: bytes, scan: Scan, limit: int
                     ) -> Iterator[tuple[int, bytes | None]]:
    """``(index, raw item)`` for each item of the top-level array ``key`` (1-based
    index); ``(index, None)`` for an item above ``limit`` bytes, skipped unheld."""
    wanted = b'"' + key + b'"'
    buf = b""
    pos = 0  # next byte of buf to scan
    depth = 0
    state = 0  # 0: before the array, 1: key seen, 2: inside the array, 3: after it
    item_start: int | None = None  # buf offset of the current item's first byte
    skipping = False  # current item over the limit: not held
    index = 0
    header = bytearray()
    eof = False
    while True:
        match = _TOKEN.search(buf, pos)
        if match is None or (match.end() - match.start() == 1 and match.group() == b'"'):
            # need more bytes: keep from the current item (or the cut string) on
            if eof:
                if state == 2:
                    scan.truncated = True
                return
            resume = match.start() if match is not None else len(buf)
            if item_start is not None and not skipping and len(buf) - item_start > limit:
                skipping = True  # the current item alone exceeds the limit: drop it
                item_start = None
            keep = item_start if item_start is not None else resume
            if state < 2 and len(header) < HEADER_LIMIT:
                header += buf[:keep]
            buf = buf[keep:]
            pos = resume - keep
            if item_start is not None:
                item_start = 0
            chunk = stream.read(BLOCK)
            if not chunk:
                eof = True
            buf += chunk
            continue
        token = match.group()
        pos = match.end()
        first = token[:1]
        if first == b'"':
            if state == 1 and depth == 1:
                state = 0
            if state == 0 and depth == 1 and token == wanted:
                state = 1
            continue
        if first in b"[{":
            if state == 2 and depth == 2 and first == b"{":
                whole = _ITEM.match(buf, match.start())
                if whole is not None and whole.end() - whole.start() <= limit:
                    index += 1
                    pos = whole.end()
                    yield index, buf[whole.start():pos]
                    continue
            depth += 1
            if state == 1:
                if first == b"[" and depth == 2:
                    state = 2
                    scan.found = True
                    if len(header) < HEADER_LIMIT:
                        header += buf[:match.start()]
                    scan.header = bytes(header[:HEADER_LIMIT])
                    header = bytearray()
                else:
                    state = 0
            elif state == 2 and depth == 3:
                index += 1
                item_start = match.start()
                skipping = False
            continue
        depth -= 1
        if state == 1:
            state = 0
        if state == 2:
            if depth == 2:
                if skipping or item_start is None or pos - item_start > limit:
                    yield index, None
                else:
                    yield index, buf[item_start:pos]
                item_start = None
                skipping = False
            elif depth == 1:
                state = 3
                return
