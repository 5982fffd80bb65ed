"""Which reader handles which input: a table of suffixes, then content sniffing.

Every reader has the same signature, ``(stream, name, options) -> Iterator[
Document | Rejected]``: ``stream`` is a buffered binary stream (already
decompressed; readers never close it), ``name`` the input's display name (used
as ``file`` in every row), ``options`` a :class:`.records.ReadOptions`.

Adding a format is one module and one line in :data:`READERS`. Platform and
collection-tool exports (:mod:`.platforms`) are recognised by content first,
whatever their suffix; the table here is the fallback.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import BinaryIO

from ..document import Document, Rejected
from . import delimited, html, jsonl, parquet, plaintext, platforms, warc
from .records import ReadOptions
from .streams import binary_kind, split_suffixes

Reader = Callable[[BinaryIO, str, ReadOptions], Iterator[Document | Rejected]]

READERS: dict[str, Reader] = {
    ".txt": plaintext.iter_documents,
    ".text": plaintext.iter_documents,
    ".md": plaintext.iter_documents,
    ".jsonl": jsonl.iter_documents,
    ".ndjson": jsonl.iter_documents,
    ".json": jsonl.iter_documents,
    ".csv": delimited.iter_csv,
    ".tsv": delimited.iter_tsv,
    ".tab": delimited.iter_tsv,
    ".parquet": parquet.iter_documents,
    ".pq": parquet.iter_documents,
    ".html": html.iter_documents,
    ".htm": html.iter_documents,
    ".xhtml": html.iter_documents,
    ".warc": warc.iter_documents,
}

# Formats whose bytes are not text: the binary-file check does not apply to them.
BINARY_FORMATS = frozenset({".parquet", ".pq", ".warc"})

# Archive suffixes (expanded by :mod:`.sources`).
ARCHIVE_SUFFIXES = frozenset({".zip", ".tar"})
def is_archive(name: str) -> bool:
    return split_suffixes(name)[0] in ARCHIVE_SUFFIXES


def _sniff(head: bytes) -> Reader:
    """A reader for a file whose suffix says nothing, judged by its first bytes."""
    if head.startswith(b"WARC/"):
        return warc.iter_documents
    start = head.lstrip()[:1024].lower()
    if start.startswith(b"<") and (b"<html" in start or b"<!doctype html" in start):
        return html.iter_documents
    if start.startswith(b"{"):
        return jsonl.iter_documents
    return plaintext.iter_documents


def choose_reader(suffix: str, head: bytes) -> tuple[Reader | None, str | None]:
    """``(reader, None)``, or ``(None, why)`` when the input is not readable as text."""
    reader = READERS.get(suffix)
    if reader is not None and suffix in BINARY_FORMATS:
        return reader, None
    kind = binary_kind(head)
    if kind is not None:
        what = f"not {suffix} input" if reader is not None else "no reader for it"
        return None, f"binary file ({kind}), {what}; skipped"
    platform = platforms.detect(head)
    if platform is not None:
        return platform.reader, None
    return (reader or _sniff(head)), None
