"""Walking the inputs: every file, folder and archive member, read in order.

This is the reading half of ingest, with no store behind it: it yields what the
readers yield (documents and rejections), the raw line chunks that workers may
parse instead (JSON Lines, when asked to), and a :class:`UnitDone` after each
input unit (a file or an archive member) with what it held, so the caller can
mark it done once its records are stored. ``done(unit)`` (the caller's) says
which units were ingested before and are skipped.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from ..document import Document, Rejected
from .jsonl import LineChunk
from .reading import read_unit
from .records import ReadOptions
from .registry import is_archive
from .sources import InputFile, disk_input, expand_paths, iter_units


@dataclass
class UnitDone:
    """Every record of ``unit`` was yielded (``documents``, ``quarantined``: how many)."""

    unit: InputFile
    documents: int
    quarantined: int


@dataclass
class UnitChunk:
    """Raw lines of ``unit`` for a worker to parse (see :mod:`.parallel`)."""

    unit: InputFile
    chunk: LineChunk


@dataclass
class WalkCounts:
    """Input units read and skipped (already ingested), and input bytes covered."""

    files: int = 0
    files_skipped: int = 0
    bytes: int = 0


class InputProgress:
    """Turns positions in the files on disk into byte increments for ``callback``."""

    def __init__(self, callback: Callable[[int], None] | None, counts: WalkCounts) -> None:
        self.callback = callback
        self.counts = counts
        self.size = 0
        self.done = 0
        self.stream: BinaryIO | None = None

    def start(self, size: int) -> None:
        self.size, self.done, self.stream = size, 0, None

    def _advance(self, position: int) -> None:
        delta = min(position, self.size) - self.done
        if delta > 0:
            self.done += delta
            self.counts.bytes += delta
            if self.callback is not None:
                self.callback(delta)

    def poll(self) -> None:
        if self.stream is not None:
            with contextlib.suppress(OSError, ValueError):  # closed/unseekable stream
                self._advance(self.stream.tell())

    def finish(self) -> None:
        self._advance(self.size)
        self.stream = None


Event = Document | Rejected | UnitChunk | UnitDone


def walk_inputs(files: Sequence[Path], options: ReadOptions, done: Callable[[InputFile], bool],
                tracker: InputProgress, chunks: tuple[int, int] | None = None) -> Iterator[Event]:
    """Every record under ``files`` in reading order, and a :class:`UnitDone` per unit.

    With ``chunks`` (lines, bytes), JSON Lines comes as :class:`UnitChunk`
    (its records are then counted by whoever parses them). An archive is done
    (a :class:`UnitDone` with no records) after its last member.
    """
    counts = tracker.counts

    def watch(raw: BinaryIO) -> None:
        tracker.stream = raw

    for path in files:
        top = disk_input(path, options)
        tracker.start(top.size)
        if done(top):
            counts.files_skipped += 1
            tracker.finish()
            continue
        archive = is_archive(top.name)
        unopened = 0  # notes on the archive itself (damaged, a member it could not list)
        for unit in iter_units(top):
            if isinstance(unit, Rejected):
                unopened += 1
                yield unit
                continue
            if done(unit):
                counts.files_skipped += 1
                continue
            counts.files += 1
            documents = quarantined = 0
            for item in read_unit(unit, options, None if archive else watch, chunks):
                if isinstance(item, LineChunk):
                    yield UnitChunk(unit, item)
                    tracker.poll()
                    continue
                if isinstance(item, Document):
                    documents += 1
                else:
                    quarantined += 1
                yield item
            yield UnitDone(unit, documents, quarantined)
        if archive:
            yield UnitDone(top, 0, unopened)
        tracker.finish()


def iter_input_documents(paths: Sequence[str | Path], settings: Any
                         ) -> Iterator[Document | Rejected]:
    """Every record under ``paths`` without a corpus (for engines that partition inputs).

    Exact duplicates and ID conflicts are not resolved here: that happens where
    the records are written (:mod:`propscope.stages.ingest`).
    """
    options = ReadOptions.from_settings(settings)
    skipped: list[Rejected] = []  # links to nothing, pipes
    files = expand_paths(paths, skipped=skipped)
    yield from skipped
    for path in files:
        for unit in iter_units(disk_input(path, options)):
            if isinstance(unit, Rejected):
                yield unit
            else:
                yield from read_unit(unit, options)  # type: ignore[misc]  # no chunks: no LineChunk


def total_input_bytes(paths: Sequence[str | Path]) -> int:
    """Bytes on disk under ``paths``: the total that ``progress`` callbacks add up to."""
    return sum(p.stat().st_size for p in expand_paths(paths))
