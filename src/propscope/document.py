"""The one record type every stage passes around.

A :class:`Document` is what ingest produces and what per-document analyzers
consume. It is deliberately a plain frozen dataclass (picklable, cheap to send to
a process pool or a Dask worker) rather than an ORM row.
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


def normalize_text(text: str) -> str:
    """Canonical form of a document text before it is hashed and stored.

    Only line endings are unified (``\\r\\n`` and ``\\r`` become ``\\n``) and NUL
    bytes are dropped; nothing else is touched, so offsets found later are offsets
    into the text exactly as the user will read it back.
    """
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\x00" in text:
        text = text.replace("\x00", "")
    return text


def content_hash(text: str) -> str:
    """SHA-256 of the NFC form of ``text``: equal texts hash equally across platforms."""
    return hashlib.sha256(unicodedata.normalize("NFC", text).encode("utf-8")).hexdigest()


def doc_id_for(text: str) -> str:
    """A stable document ID derived from content, so exact duplicates collapse to one row.

    Sixteen hex digits (64 bits) keep collisions negligible far beyond a billion
    documents while staying short enough to read in a URL or a table.
    """
    return content_hash(text)[:16]


@dataclass(frozen=True, slots=True)
class Document:
    """One article or post, as ingested.

    ``origin`` says where it came from (``file`` plus ``record``: a 1-based line or
    record number, or a member name inside an archive) so any finding can be traced
    back to the input an analyst was given.
    """

    doc_id: str
    text: str
    content_hash: str
    source: str | None = None
    published: datetime | None = None
    url: str | None = None
    title: str | None = None
    lang: str | None = None
    author: str | None = None
    external_id: str | None = None
    file: str = ""
    record: str = ""
    meta: dict[str, Any] = field(default_factory=dict)
    # Set by the ``language`` stage (``documents.lang_confidence``/``lang_declared``):
    # whether ``lang`` came from the input (True) or was identified (False).
    lang_confidence: float | None = None
    lang_declared: bool | None = None

    @classmethod
    def create(cls, text: str, **fields: Any) -> Document:
        """Build a document from raw text, computing its normalised text, hash and ID."""
        text = normalize_text(text)
        digest = content_hash(text)
        return cls(doc_id=digest[:16], text=text, content_hash=digest, **fields)


@dataclass(frozen=True, slots=True)
class Rejected:
    """A record that could not be ingested; it goes to the ``quarantine`` table."""

    file: str
    record: str
    reason: str
