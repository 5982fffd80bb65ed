"""Byte-stream plumbing shared by every reader: decompression, bounded lines, sniffing.

Why not :mod:`gzip` / ``zstandard.stream_reader`` directly: a truncated ``.gz``
raises only after the data read so far is gone, and a truncated ``.zst`` ends
silently. Analysts do get cut-off downloads, so :class:`DecompressingReader`
returns every byte it could decompress, then records *why* it stopped in
``error`` instead of raising; the caller keeps the good records and quarantines
the rest with that reason. Output per call is bounded, so a small "zip bomb"
cannot blow up memory.
"""

from __future__ import annotations

import io
import shutil
import tempfile
import zlib
from collections.abc import Callable, Iterator
from typing import Any, BinaryIO

import zstandard

BUFFER_SIZE = 1 << 20
_ZSTD_INPUT_CHUNK = 4096  # zstd output per call is not boundable: feed it little input


class _Decoder:
    """What the streaming reader needs of a decompressor object held in ``_d``."""

    _d: Any

    @property
    def eof(self) -> bool:
        return self._d.eof

    @property
    def unused_data(self) -> bytes:
        return self._d.unused_data


class _GzipDecoder(_Decoder):
    """zlib in gzip mode, with the output of each call bounded by ``max_length``."""

    label = "gzip"
    errors: tuple[type[Exception], ...] = (zlib.error,)

    def __init__(self) -> None:
        self._d = zlib.decompressobj(16 + zlib.MAX_WBITS)
        self.unconsumed = b""

    def decompress(self, data: bytes, max_length: int) -> bytes:
        out = self._d.decompress(data, max_length)
        self.unconsumed = self._d.unconsumed_tail
        return out


class _ZstdDecoder(_Decoder):
    """zstandard's decompressobj fed in small slices (it has no ``max_length``)."""

    label = "zstd"
    errors: tuple[type[Exception], ...] = (zstandard.ZstdError,)

    def __init__(self) -> None:
        self._d = zstandard.ZstdDecompressor().decompressobj()
        self.unconsumed = b""

    def decompress(self, data: bytes, max_length: int) -> bytes:
        head, self.unconsumed = data[:_ZSTD_INPUT_CHUNK], data[_ZSTD_INPUT_CHUNK:]
        return self._d.decompress(head)


DECODERS: dict[str, Callable[[], _GzipDecoder | _ZstdDecoder]] = {
    ".gz": _GzipDecoder,
    ".zst": _ZstdDecoder,
    ".zstd": _ZstdDecoder,
}


class DecompressingReader(io.RawIOBase):
    """A raw stream of the decompressed bytes of ``raw`` that never raises on bad data.

    Concatenated members/frames are read one after the other. When the input is
    cut off or corrupt, reading simply ends and :attr:`error` says what happened.
    Closing this reader does not close ``raw`` (its owner does).
    """

    def __init__(self, raw: BinaryIO, suffix: str) -> None:
        super().__init__()
        self._raw = raw
        self._factory = DECODERS[suffix]
        self._dec = self._factory()
        self._pending = b""
        self._done = False
        self._started = False
        self.produced = 0
        self.error: str | None = None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        want = len(buffer)
        while not self._done and want:
            if not self._pending:
                self._pending = self._raw.read(1 << 16)
                if not self._pending:
                    if self._started and not self._dec.eof:
                        self.error = (f"truncated {self._dec.label} stream: input ended before "
                                      f"the end-of-stream marker after {self.produced} bytes")
                    self._done = True
                    break
            try:
                out = self._dec.decompress(self._pending, want)
            except self._dec.errors as exc:
                self.error = f"corrupt {self._dec.label} data after {self.produced} bytes: {exc}"
                self._done = True
                break
            self._started = True
            self._pending = self._dec.unconsumed
            if self._dec.eof:
                rest = self._dec.unused_data + self._pending
                self._pending = b""
                if rest.strip(b"\x00"):  # another member / frame follows
                    self._dec = self._factory()
                    self._pending = rest
                    self._started = False
                else:
                    self._done = True
            if out:
                buffer[: len(out)] = out
                self.produced += len(out)
                return len(out)
        return 0


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
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
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


def binary_kind(head: bytes) -> str | None:
    """Why ``head`` looks like binary data (e.g. ``"PNG image"``), or None for text."""
    for magic, kind in _MAGIC.items():
        if head.startswith(magic):
            return kind
    sample = head[:8192]
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 text has NULs but is text
        return None
    if b"\x00" in sample:
        return "binary data (NUL bytes)"
    if sample and len(sample) - len(sample.translate(None, _CONTROL)) > len(sample) // 10:
        return "binary data (control bytes)"
    return None


def seekable(stream: BinaryIO) -> BinaryIO:
    """``stream`` if it supports random access, else a temporary copy that does.

    Zip and Parquet need to seek; a compressed or nested one is spooled (in
    memory up to 64 MiB, then on disk).
    """
    try:
        if stream.seekable():
            return stream
    except (OSError, ValueError, AttributeError):
        pass
    spool = tempfile.SpooledTemporaryFile(max_size=64 << 20)  # noqa: SIM115 - caller owns it
    shutil.copyfileobj(stream, spool, 1 << 20)
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
