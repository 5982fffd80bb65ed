"""Byte-stream plumbing shared by every reader: bounded lines, text decoding, sniffing
binary formats, spooling to a seekable file, and compression suffixes.

Decompression itself (truncation-tolerant gzip and zstd, the expansion budget) is in
:mod:`.decompress`; its names are re-exported here, where the readers import them.
"""

from __future__ import annotations

import codecs
import io
import tempfile
from collections.abc import Iterator
from typing import Any, BinaryIO

from .decompress import (
    BUFFER_SIZE,
    DECODERS,
    DEFAULT_MAX_EXPANDED_BYTES,
    DEFAULT_MAX_EXPANSION_RATIO,
    DEFAULT_MAX_SPOOL_BYTES,
    RATIO_GRACE_BYTES,
    CappedReader,
    DecompressingReader,
    ExpansionBudget,
    SpoolTooLarge,
)

__all__ = ["BUFFER_SIZE", "DECODERS", "DEFAULT_MAX_EXPANDED_BYTES", "DEFAULT_MAX_EXPANSION_RATIO",
           "DEFAULT_MAX_SPOOL_BYTES", "RATIO_GRACE_BYTES", "SUFFIX_ALIASES", "CappedReader",
           "DecompressingReader", "ExpansionBudget", "SpoolTooLarge", "binary_kind", "buffered",
           "decode_text", "iter_lines", "read_bounded", "seekable", "split_suffixes"]


def buffered(stream: BinaryIO) -> io.BufferedReader:
    """A :class:`io.BufferedReader` over ``stream`` (as is if it already is one)."""
    if isinstance(stream, io.BufferedReader):
        return stream
    return io.BufferedReader(stream, BUFFER_SIZE)  # type: ignore[arg-type]


def iter_lines(stream: BinaryIO, limit: int) -> Iterator[tuple[int, bytes | None, int]]:
    """Yield ``(line_number, line, size)``, 1-based; ``line`` is None when over ``limit``.

    Over-long lines are skipped in 1 MiB pieces, so a huge line never sits in
    memory whole when it would be rejected anyway.
    """
    lineno = 0
    readline = stream.readline
    while True:
        line = readline(limit + 1)
        if not line:
            return
        lineno += 1
        if len(line) > limit and not line.endswith(b"\n"):
            size = len(line)
            del line
            while True:
                more = readline(1 << 20)
                size += len(more)
                if not more or more.endswith(b"\n"):
                    break
            yield lineno, None, size
        else:
            yield lineno, line, len(line)


class _CarriageReturns(io.RawIOBase):
    """Bytes of ``inner`` with every CR read as LF (see :func:`cr_line_ends`)."""

    def __init__(self, inner: BinaryIO) -> None:
        self._inner = inner

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._inner.read(len(buffer)).replace(b"\r", b"\n")
        buffer[:len(data)] = data
        return len(data)


class _Utf16AsUtf8(io.RawIOBase):
    """The UTF-16 text of ``inner`` (its BOM says the byte order) as UTF-8 bytes."""

    def __init__(self, inner: BinaryIO) -> None:
        self._inner = inner
        self._decoder = codecs.getincrementaldecoder("utf-16")(errors="replace")
        self._pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self._pending:
            raw = self._inner.read(len(buffer))
            self._pending = self._decoder.decode(raw, final=not raw).encode("utf-8")
            if not raw:
                break
        data, self._pending = self._pending[:len(buffer)], self._pending[len(buffer):]
        buffer[:len(data)] = data
        return len(data)


def utf16_bom(head: bytes) -> bool:
    """Whether ``head`` starts with a UTF-16 byte-order mark (not UTF-32's)."""
    return head.startswith((b"\xff\xfe", b"\xfe\xff")) and not head.startswith(b"\xff\xfe\x00\x00")


def utf16_as_utf8(stream: BinaryIO) -> io.BufferedReader:
    """``stream`` (UTF-16 with a BOM) read as UTF-8. Why: line readers split on the byte
    ``\\n``; in UTF-16 the first line kept the BOM and every other began with a NUL byte
    (a Windows "Unicode" export lost its first record as malformed JSON)."""
    return io.BufferedReader(_Utf16AsUtf8(stream), BUFFER_SIZE)


def cr_line_ends(stream: BinaryIO) -> io.BufferedReader:
    """``stream`` with CR line ends read as LF. Why: classic Mac files and Excel's "CSV
    (Macintosh)" end lines with CR alone; read on LF, the whole file was one malformed
    record. Which files are read so is decided on their head by the caller
    (``reading._cr_line_ends``); a line break inside a quoted cell is LF there, and stays
    a line break in the cell."""
    return io.BufferedReader(_CarriageReturns(stream), BUFFER_SIZE)


def read_bounded(stream: BinaryIO, limit: int) -> bytes | None:
    """The whole stream, or None (after draining it) when it is larger than ``limit``."""
    data = stream.read(limit + 1)
    if len(data) > limit:
        while stream.read(1 << 20):
            pass
        return None
    return data


def decode_text(data: bytes) -> tuple[str, str | None]:
    """Decode UTF-8 (or BOM-marked UTF-16); on invalid bytes replace them and say where.

    Replacing rather than rejecting keeps the rest of an article that has one bad
    byte; the returned note goes to ``quarantine`` so the damage stays visible.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif utf16_bom(data):
        return data.decode("utf-16", "replace"), None
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        text = data.decode("utf-8", "replace")
        bad = text.count("\ufffd") - data.count("\ufffd".encode())
        return text, (f"invalid UTF-8 at byte {exc.start}: {bad} undecodable byte "
                      "sequence(s) replaced with U+FFFD, rest of the record kept")


_MAGIC = {
    b"\x89PNG": "PNG image", b"%PDF": "PDF document", b"PK\x03\x04": "zip data",
    b"\x1f\x8b": "gzip data", b"\x7fELF": "executable", b"GIF8": "GIF image",
    b"\xff\xd8\xff": "JPEG image", b"(\xb5/\xfd": "zstd data", b"PAR1": "Parquet data",
    b"SQLite format 3": "SQLite database",
}
_CONTROL = bytes(range(0, 32)).translate(None, b"\t\n\r\f\b\x1b")


def _is_utf8(sample: bytes) -> bool:
    """Whether ``sample`` is UTF-8 (a character cut at its end allowed)."""
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
    except UnicodeDecodeError:
        return False
    return True


def binary_kind(head: bytes) -> str | None:
    """Why ``head`` looks like binary data (e.g. ``"PNG image"``), or None for text."""
    for magic, kind in _MAGIC.items():
        if head.startswith(magic):
            return kind
    sample = head[:8192]
    if utf16_bom(sample):  # UTF-16 text has NULs but is text
        return None
    # NULs in what is not UTF-8, or more than 1 % of them: binary. One stray NUL in a UTF-8
    # text file costs its record, not the file.
    nuls = sample.count(b"\x00")
    if nuls and (nuls * 100 > len(sample) or not _is_utf8(sample)):
        return "binary data (NUL bytes)"
    if sample and len(sample) - len(sample.translate(None, _CONTROL)) > len(sample) // 10:
        return "binary data (control bytes)"
    return None


def seekable(stream: BinaryIO, limit: int = DEFAULT_MAX_SPOOL_BYTES) -> BinaryIO:
    """``stream`` if it supports random access, else a temporary copy that does.

    Zip and Parquet need to seek; a compressed or nested one is spooled (in
    memory up to 64 MiB, then in the temporary directory). A copy larger than
    ``limit`` bytes (``max_spool_bytes``) raises :class:`SpoolTooLarge` as soon as
    it passes the limit, so a bomb never fills the temporary directory.
    """
    try:
        if stream.seekable():
            return stream
    except (OSError, ValueError, AttributeError):
        pass
    spool = tempfile.SpooledTemporaryFile(max_size=64 << 20)  # noqa: SIM115 - caller owns it
    copied = 0
    while True:
        data = stream.read(1 << 20)
        if not data:
            break
        copied += len(data)
        if copied > limit:
            spool.close()
            raise SpoolTooLarge(f"needs a temporary copy larger than max_spool_bytes ({limit} "
                                "bytes) to be read; skipped")
        spool.write(data)
    spool.seek(0)
    return spool  # type: ignore[return-value]


# Short spellings of compressed archives.
SUFFIX_ALIASES = {".tgz": ".tar.gz", ".tzst": ".tar.zst"}


def split_suffixes(name: str) -> tuple[str, str | None]:
    """``("x.jsonl.gz")`` -> ``(".jsonl", ".gz")``: the format suffix and the compression."""
    base = name.rsplit("!", 1)[-1].rsplit("/", 1)[-1].lower()
    for alias, real in SUFFIX_ALIASES.items():
        if base.endswith(alias):
            base = base[: -len(alias)] + real
    compression = None
    for suffix in DECODERS:
        if base.endswith(suffix):
            compression = suffix
            base = base[: -len(suffix)]
            break
    dot = base.rfind(".")
    return (base[dot:] if dot > 0 else ""), compression
