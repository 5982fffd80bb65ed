"""Plain text: one document per file (``.txt``, ``.text``, ``.md`` and unknown text files).

``source`` is the folder holding the file (see :func:`records.default_source`),
``title`` is None (a first line is too often not a title to guess), the record
number is ``1``. A ``.txt`` file whose first non-empty line is a
`` date YYYY-MM-DD `` header is handed to :mod:`.dated` instead.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

from ..document import Document, Rejected
from . import dated
from .records import ReadOptions, default_source, has_text
from .streams import decode_text, read_bounded


def iter_documents(stream: BinaryIO, name: str, options: ReadOptions
                   ) -> Iterator[Document | Rejected]:
    head = stream.peek(4096) if hasattr(stream, "peek") else b""
    if dated.looks_dated(head):
        yield from dated.iter_documents(stream, name, options)
        return
    data = read_bounded(stream, options.max_record_bytes)
    if data is None:
        yield Rejected(name, "1", "file larger than max_record_bytes "
                                  f"({options.max_record_bytes}); skipped")
        return
    text, note = decode_text(data)
    del data
    if not has_text(text):
        yield Rejected(name, "1", "record without text (file holds only whitespace, NUL, "
                                  "control or invisible characters)")
        return
    yield Document.create(text, source=default_source(name), file=name, record="1")
    if note:
        yield Rejected(name, "1", note)
