"""Decompression for every reader: gzip and zstd streams that keep what they could read,
and one expansion budget per input file so that no bomb fills memory or disk.

Split out of :mod:`.streams` (issue 19), which re-exports these names.

Why not :mod:`gzip` / ``zstandard.stream_reader`` directly: a truncated ``.gz``
raises only after the data read so far is gone, and a truncated ``.zst`` ends
silently. Analysts do get cut-off downloads, so :class:`DecompressingReader`
returns every byte it could decompress, then records *why* it stopped in
``error`` instead of raising; the caller keeps the good records and quarantines
the rest with that reason. Output per call is bounded, so a small "zip bomb"
cannot blow up memory, and an :class:`ExpansionBudget` shared by every layer of
one input file (``.tar.gz`` members, a ``.jsonl.gz`` inside a ``.zip``) stops a
bomb from filling the disk or the corpus: past the cap reading ends with a
clear reason (see ``max_expanded_bytes`` / ``max_expansion_ratio``).

zstd goes through zstandard's streaming reader (``read_across_frames``: a
multi-frame file is one stream). The library cannot say whether the input ended
inside a frame, so :class:`_ZstdSource` follows the frame and block headers of
the compressed bytes as they are handed over (a few header bytes per block,
never the payload): that tells a truncated file from a complete one, and stops
at bytes after the last frame that are not a frame (zero padding is accepted).
"""

from __future__ import annotations

import io
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Any, BinaryIO, cast

import zstandard

BUFFER_SIZE = 1 << 20
_RAW_CHUNK = 1 << 16
# Below this many decompressed bytes the ratio cap does not apply: a small file of
# repeated lines legitimately compresses a thousandfold, and 64 MiB harms nothing.
RATIO_GRACE_BYTES = 64 << 20
DEFAULT_MAX_EXPANDED_BYTES = 64 << 30
DEFAULT_MAX_EXPANSION_RATIO = 200.0
DEFAULT_MAX_SPOOL_BYTES = 4 << 30


class SpoolTooLarge(Exception):
    """A stream that had to be copied to a temporary file (zip, Parquet) is over the cap."""


@dataclass
class ExpansionBudget:
    """How many decompressed bytes one input file on disk may still produce.

    Every decompressing layer under that file (gzip, zstd, zip members, nested
    archives) charges what it produces; the first charge past a cap ends reading
    with :attr:`exceeded` as the reason, and every later charge fails at once, so
    an archive of bombs costs one cap, not one per member.
    """

    compressed: int  # bytes of the input file on disk
    max_bytes: int = DEFAULT_MAX_EXPANDED_BYTES
    max_ratio: float = DEFAULT_MAX_EXPANSION_RATIO
    max_spool: int = DEFAULT_MAX_SPOOL_BYTES
    expanded: int = 0
    exceeded: str | None = None

    @classmethod
    def for_input(cls, size: int, options: Any = None) -> ExpansionBudget:
        """The budget of an input of ``size`` bytes under ``options`` (a ReadOptions or None)."""
        if options is None:
            return cls(size)
        return cls(size, int(options.max_expanded_bytes), float(options.max_expansion_ratio),
                   int(options.max_spool_bytes))

    def charge(self, produced: int) -> str | None:
        """Count ``produced`` new bytes; the reason to stop when a cap is now passed."""
        if self.exceeded is not None:
            return self.exceeded
        self.expanded += produced
        if self.expanded > self.max_bytes:
            self.exceeded = (f"decompression cap: more than {self.max_bytes} bytes decompressed "
                             "from this input (max_expanded_bytes); the rest is skipped")
        elif (self.expanded > RATIO_GRACE_BYTES
              and self.expanded > self.max_ratio * max(self.compressed, 1)):
            self.exceeded = (f"decompression cap: {self.expanded} bytes decompressed from "
                             f"{self.compressed} on disk passes the ratio {self.max_ratio:g}:1 "
                             "(max_expansion_ratio; a decompression bomb?); the rest is skipped")
        return self.exceeded


class _GzipStream:
    """zlib in gzip mode, members one after the other, each call's output bounded."""

    label = "gzip"
    errors: tuple[type[Exception], ...] = (zlib.error,)

    def __init__(self, raw: BinaryIO) -> None:
        self._raw = raw
        self._d = zlib.decompressobj(16 + zlib.MAX_WBITS)
        self._pending = b""
        self._started = False
        self._finished = False

    def readinto(self, buffer: memoryview) -> int:
        want = len(buffer)
        while not self._finished:
            if not self._pending:
                self._pending = self._raw.read(_RAW_CHUNK)
                if not self._pending:
                    self._finished = True
                    break
            out = self._d.decompress(self._pending, want)
            self._started = True
            self._pending = self._d.unconsumed_tail
            if self._d.eof:
                # Everything after the member is in unused_data; unconsumed_tail may
                # still hold a stale copy of it (adding both corrupted the next member).
                rest = self._d.unused_data.lstrip(b"\x00")
                self._pending = b""
                while not rest:  # zero padding, or a member ending just where a chunk did
                    more = self._raw.read(_RAW_CHUNK)
                    if not more:
                        break
                    rest = more.lstrip(b"\x00")
                if rest:  # another member follows
                    self._d = zlib.decompressobj(16 + zlib.MAX_WBITS)
                    self._pending = rest
                    self._started = False
                else:
                    self._finished = True
            if out:
                buffer[: len(out)] = out
                return len(out)
        return 0

    def end_problem(self, produced: int) -> str | None:
        if self._started and not self._d.eof:
            return (f"truncated gzip stream: input ended before the end-of-stream marker "
                    f"after {produced} bytes")
        return None


_ZSTD_MAGIC = 0xFD2FB528
_SKIPPABLE_MASK, _SKIPPABLE_MAGIC = 0xFFFFFFF0, 0x184D2A50
# Walker states and the header bytes each needs before it can decide.
_AT_MAGIC, _AT_SKIP_SIZE, _AT_FRAME_HEADER, _AT_BLOCK_HEADER = "magic", "skip-size", "frame-header", "block"
_NEED = {_AT_MAGIC: 4, _AT_SKIP_SIZE: 4, _AT_FRAME_HEADER: 1, _AT_BLOCK_HEADER: 3}


class _ZstdSource:
    """The compressed bytes for zstandard's stream reader, with frame structure followed.

    Only headers are parsed (magic, frame header descriptor, 3-byte block headers);
    payloads are skipped by count, so the cost is a few operations per block.
    Reading pauses at the end of every frame (:attr:`paused`): the reader of that
    frame sees its end, and the next frame gets a fresh reader, so damage in one
    frame never costs the output of the frames before it. Bytes at a frame
    boundary that do not start a frame are withheld from the decompressor (which
    would raise and drop the output it held): zero padding ends the stream
    cleanly, anything else is reported as :attr:`trailing`.
    """

    def __init__(self, raw: BinaryIO) -> None:
        self._raw = raw
        self._state = _AT_MAGIC
        self._skip = 0
        self._checksum = False
        self._ending = False  # the last block of a frame is being skipped
        self._hold = b""  # an incomplete header, walked once more bytes come
        self._rest = b""  # bytes after a frame's end, walked after the pause
        self._out = b""  # walked bytes not yet handed over
        self._stopped = False
        self.paused = False
        self.frames = 0  # complete frames handed over
        self.ended = False  # the raw input is exhausted
        self.trailing = False  # non-zero bytes that are no frame follow the last frame

    def read(self, size: int = -1) -> bytes:
        size = size if size and size > 0 else _RAW_CHUNK
        while not self._out and not self._stopped and not self.paused:
            if self._rest:
                data, self._rest = self._rest, b""
            else:
                chunk = self._raw.read(max(size, _RAW_CHUNK))
                if not chunk:
                    self.ended = self._stopped = True
                    if self._hold and self._state == _AT_MAGIC:  # 1 to 3 bytes after a frame
                        self.trailing = bool(self._hold.strip(b"\x00"))
                        self._hold = b""
                    break
                data = self._hold + chunk
                self._hold = b""
            self._out = data[:self._walk(data)]
        out, self._out = self._out[:size], self._out[size:]
        return out

    def complete(self) -> bool:
        """Whether the input ended exactly after a whole frame (or zero padding after one)."""
        return self._state == _AT_MAGIC and not self._skip and not self._hold

    def _walk(self, data: bytes) -> int:
        """Follow the headers in ``data``; how many of its bytes go to the decompressor now."""
        pos, n = 0, len(data)
        while True:
            if self._skip:
                step = min(self._skip, n - pos)
                self._skip -= step
                pos += step
                if self._skip:
                    return n
            if self._ending:  # a frame ends here: pause, the rest comes after
                self._ending = False
                self.frames += 1
                self.paused = True
                self._rest = data[pos:]
                return pos
            need = _NEED[self._state]
            if n - pos < need:
                self._hold = data[pos:]
                return pos
            head = data[pos:pos + need]
            if self._state == _AT_MAGIC:
                magic = int.from_bytes(head, "little")
                if magic == _ZSTD_MAGIC:
                    self._state = _AT_FRAME_HEADER
                elif magic & _SKIPPABLE_MASK == _SKIPPABLE_MAGIC:
                    self._state = _AT_SKIP_SIZE
                else:
                    self._stop_at(data[pos:])
                    return pos
            elif self._state == _AT_SKIP_SIZE:
                self._skip = int.from_bytes(head, "little")
                self._state = _AT_MAGIC
            elif self._state == _AT_FRAME_HEADER:
                fhd = head[0]
                single_segment = fhd >> 5 & 1
                self._checksum = bool(fhd & 4)
                content_size = (single_segment, 2, 4, 8)[fhd >> 6]
                self._skip = (1 - single_segment) + (0, 1, 2, 4)[fhd & 3] + content_size
                self._state = _AT_BLOCK_HEADER
            else:
                header = int.from_bytes(head, "little")
                kind = header >> 1 & 3
                self._skip = 1 if kind == 1 else header >> 3  # RLE blocks hold one byte
                if header & 1:  # last block of the frame
                    self._skip += 4 if self._checksum else 0
                    self._state = _AT_MAGIC
                    self._ending = True
            pos += need

    def _stop_at(self, rest: bytes) -> None:
        """Non-frame bytes at a frame boundary: zero padding, or reported as trailing."""
        self._stopped = True
        while rest:
            if rest.strip(b"\x00"):
                self.trailing = True
                return
            rest = self._raw.read(_RAW_CHUNK)


class _ZstdStream:
    """zstandard's streaming reader, one per frame, truncation and trailing data noticed."""

    label = "zstd"
    errors: tuple[type[Exception], ...] = (zstandard.ZstdError,)

    def __init__(self, raw: BinaryIO) -> None:
        self._source = _ZstdSource(raw)
        self._reader = self._open()

    def _open(self) -> Any:
        # _ZstdSource is file-like (read()), which is all the stream reader uses
        return zstandard.ZstdDecompressor().stream_reader(
            cast(IO[bytes], self._source), read_size=_RAW_CHUNK, read_across_frames=True, closefd=False)

    def readinto(self, buffer: memoryview) -> int:
        while True:
            got = self._reader.readinto(buffer)
            if got or not self._source.paused:
                return got
            self._source.paused = False  # the frame is out: the next one, fresh
            self._reader = self._open()

    def end_problem(self, produced: int) -> str | None:
        source = self._source
        if source.trailing:
            return (f"corrupt zstd data after {produced} bytes: data that is not a zstd frame "
                    f"follows frame {source.frames}; ignored")
        if source.ended and not source.complete():
            return (f"truncated zstd stream: input ended inside frame {source.frames + 1} "
                    f"after {produced} bytes")
        return None


DECODERS: dict[str, Callable[[BinaryIO], _GzipStream | _ZstdStream]] = {
    ".gz": _GzipStream,
    ".zst": _ZstdStream,
    ".zstd": _ZstdStream,
}


class DecompressingReader(io.RawIOBase):
    """A raw stream of the decompressed bytes of ``raw`` that never raises on bad data.

    Concatenated members/frames are read one after the other. When the input is
    cut off or corrupt, or ``budget`` runs out, reading simply ends and
    :attr:`error` says what happened. Closing this reader does not close ``raw``
    (its owner does).
    """

    def __init__(self, raw: BinaryIO, suffix: str, budget: ExpansionBudget | None = None) -> None:
        super().__init__()
        self._stream = DECODERS[suffix](raw)
        self._budget = budget
        self._done = False
        self.produced = 0
        self.error: str | None = None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        if self._done or not len(buffer):
            return 0
        stream = self._stream
        try:
            got = stream.readinto(memoryview(buffer))
        except stream.errors as exc:
            self.error = f"corrupt {stream.label} data after {self.produced} bytes: {exc}"
            self._done = True
            return 0
        if not got:
            self.error = stream.end_problem(self.produced)
            self._done = True
            return 0
        if self._budget is not None:
            over = self._budget.charge(got)
            if over is not None:
                self.error = over
                self._done = True
                return 0
        self.produced += got
        return got


class CappedReader(io.RawIOBase):
    """An archive member's stream charged to the input's :class:`ExpansionBudget`.

    Never seekable, even when the member is: seeking backwards in a compressed
    zip member decompresses it again from its start, so a zip or Parquet file
    inside a zip would cost time quadratic in its size; it is spooled instead.
    """

    def __init__(self, raw: IO[bytes], budget: ExpansionBudget) -> None:
        super().__init__()
        self._raw = raw
        self._budget = budget
        self.error: str | None = None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        if self.error is not None:
            return 0
        data = self._raw.read(len(buffer))
        if data:
            over = self._budget.charge(len(data))
            if over is not None:
                self.error = over
                return 0
            buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        try:
            self._raw.close()
        finally:
            super().close()
