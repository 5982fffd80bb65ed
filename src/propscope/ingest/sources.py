"""Where inputs come from: paths on disk, folders, and the members of archives.

* Folders are walked recursively in sorted order (deterministic runs); hidden
  files and folders (``.git``, ``.DS_Store``) and DuckDB files (``*.duckdb``,
  ``*.wal``: the corpus is often kept beside its inputs) are skipped.
* ``.zip`` and ``.tar`` (also ``.tar.gz``/``.tgz``/``.tar.zst``) are expanded in
  archive order, recursively; a member is named ``archive.zip!dir/file.jsonl``
  and has its own size and modification time, so resuming skips unchanged
  members even when the archive around them changed.
* A damaged archive yields a :class:`Rejected` naming it; members read before
  the damage are kept.

Tar archives are read as a stream: an :class:`InputFile` of a tar member is only
valid until the next one is requested, which is how the ingest loop uses them.
"""

from __future__ import annotations

import calendar
import functools
import os
import stat as stat_module
import tarfile
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, cast

from ..document import Rejected
from ..errors import InputError
from ..outputs import MARKER, is_own_output, marked_outputs
from .streams import (
    BUFFER_SIZE,
    CappedReader,
    DecompressingReader,
    ExpansionBudget,
    SpoolTooLarge,
    buffered,
    seekable,
    split_suffixes,
)


@dataclass
class InputFile:
    """One readable input: a file on disk or an archive member."""

    name: str
    size: int
    mtime: float
    open: Callable[[], BinaryIO]
    on_disk: bool = False  # True: position in ``open()``'s stream is progress on disk
    # What the file on disk holding this input may still decompress to (shared by
    # all its members); None: a fresh budget from the read options when read.
    budget: ExpansionBudget | None = None

    def __post_init__(self) -> None:
        self.name = path_label(self.name)


def path_label(name: str | Path) -> str:
    """A file or member name as stored and shown: its bytes read as UTF-8, any that are not
    written as ``\\xff``. Why: Linux names are bytes (Python keeps undecodable ones as lone
    surrogates, and so does tarfile for a latin-1 member name), which DuckDB and Arrow
    refuse: one such name stopped the whole run, and every re-run."""
    text = str(name)
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        try:
            raw = text.encode("utf-8", "surrogateescape")
        except UnicodeEncodeError:
            return text.encode("utf-8", "backslashreplace").decode("utf-8")
        return raw.decode("utf-8", "backslashreplace")


class UnitTops:
    """The input files of a run (their stored labels), and which of them a stored unit name
    (a file, or ``archive!member``) lies under. Why not "up to the first ``!``": a folder
    may have ``!`` in its name, and its archives' members were then never matched."""

    def __init__(self, labels: Iterable[str]) -> None:
        self.labels = set(labels)
        self.bangs = max((label.count("!") for label in self.labels), default=0)
        self.lengths = {len(label) for label in self.labels}

    def top_of(self, name: str) -> str | None:
        """The input ``name`` is (or is a member of), or None. Tries at most one prefix more
        than the inputs have ``!`` in them, so a name of a million ``!`` costs one pass, and
        copies a prefix only when an input has its length (an input with many ``!`` made every
        long name cost its length times that many)."""
        if name in self.labels:
            return name
        at = -1
        for _ in range(self.bangs + 1):
            at = name.find("!", at + 1)
            if at < 0:
                return None
            if at in self.lengths and name[:at] in self.labels:
                return name[:at]
        return None


def not_regular(path: Path) -> str | None:
    """Why a file found under an input path cannot be read as one; None when it can.
    Why: a symlink loop made ``resolve`` raise (the run stopped), and a FIFO blocks whoever
    opens it; both, and links to nothing, are quarantined with this reason instead."""
    try:
        mode = path.stat().st_mode
    except (OSError, RuntimeError) as exc:
        if path.is_symlink():
            return "symbolic link to nothing (a loop or a missing target); skipped"
        return f"cannot read the file ({getattr(exc, 'strerror', None) or exc}); skipped"
    if not stat_module.S_ISREG(mode):
        return "not a regular file (a pipe, socket or device); skipped"
    return None


# Corpus databases (often kept next to their inputs) are never input.
_NOT_INPUT = (".duckdb", ".duckdb.wal", ".wal")


def _skip(name: str) -> bool:
    parts = name.replace("\\", "/").split("/")
    return (parts[-1].startswith(".") or "__MACOSX" in parts
            or parts[-1].lower().endswith(_NOT_INPUT))


def expand_paths(paths: Sequence[str | Path], exclude: Iterable[Path] = (),
                 skipped: list[Rejected] | None = None) -> list[Path]:
    """Every regular file under ``paths`` (sorted per folder, each file once); the others
    (:func:`not_regular`) are added to ``skipped`` as quarantine notes, when given.

    Raises :class:`InputError` naming the first path that does not exist.
    """
    skip = {p.resolve() for p in exclude}
    out: list[Path] = []
    seen: set[Path] = set()
    for given in paths:
        path = Path(given)
        if not path.exists():
            raise InputError(f"input path not found: {given}",
                             hint="check the path; folders are read recursively")
        if path.is_dir():
            found: list[Path] = []
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                ours = marked_outputs(Path(root)) if MARKER in files else {}
                found.extend(Path(root) / f for f in sorted(files) if not _skip(f)
                             and not is_own_output(Path(root), f, ours))
        else:
            found = [path]
        for file in found:
            reason = not_regular(file)
            if reason is not None:
                if skipped is not None:
                    skipped.append(Rejected(path_label(file), "", reason))
                continue
            real = file.resolve()
            if real in seen or real in skip:
                continue
            seen.add(real)
            out.append(file)
    return out


def disk_input(path: Path, options: Any = None) -> InputFile:
    """The file at ``path`` as an input, with its decompression budget (caps from ``options``,
    a :class:`~.records.ReadOptions`; the defaults when None)."""
    stat = path.stat()
    return InputFile(name=str(path), size=stat.st_size, mtime=stat.st_mtime,
                     open=lambda: open(path, "rb", buffering=BUFFER_SIZE), on_disk=True,
                     budget=ExpansionBudget.for_input(stat.st_size, options))


def _budget(inp: InputFile) -> ExpansionBudget:
    if inp.budget is None:
        inp.budget = ExpansionBudget.for_input(inp.size)
    return inp.budget


def _zip_members(stream: BinaryIO, outer: InputFile) -> Iterator[InputFile]:
    budget = _budget(outer)
    with zipfile.ZipFile(seekable(stream, budget.max_spool)) as archive:
        for info in archive.infolist():
            if info.is_dir() or _skip(info.filename):
                continue
            mtime = float(calendar.timegm((*info.date_time, 0, 0, 0)))
            yield InputFile(name=f"{outer.name}!{info.filename}", size=info.file_size,
                            mtime=mtime, budget=budget,
                            open=functools.partial(_zip_open, archive, info, budget))


def _zip_open(archive: zipfile.ZipFile, info: zipfile.ZipInfo,
              budget: ExpansionBudget) -> BinaryIO:
    """A zip member's bytes, charged to the input's expansion budget."""
    return cast(BinaryIO, CappedReader(archive.open(info), budget))


def _tar_members(stream: BinaryIO, outer: InputFile) -> Iterator[InputFile]:
    budget = _budget(outer)
    with tarfile.open(fileobj=stream, mode="r|") as archive:
        for member in archive:
            if not member.isfile() or _skip(member.name):
                continue
            yield InputFile(name=f"{outer.name}!{member.name}", size=member.size,
                            mtime=float(member.mtime), budget=budget,
                            open=functools.partial(_tar_open, archive, member, budget))


def _tar_open(archive: tarfile.TarFile, member: tarfile.TarInfo,
              budget: ExpansionBudget) -> BinaryIO:
    """A tar member's bytes; a sparse member's holes are expansion too, so it is charged."""
    stream = archive.extractfile(member)
    if stream is None:
        raise ValueError(f"{member.name} has no content")
    return cast(BinaryIO, CappedReader(stream, budget) if member.issparse() else stream)


ARCHIVES: dict[str, Callable[[BinaryIO, InputFile], Iterator[InputFile]]] = {
    ".zip": _zip_members,
    ".tar": _tar_members,
}
_ARCHIVE_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, tarfile.TarError, EOFError,
                   OSError, ValueError, RuntimeError, NotImplementedError)


def iter_units(inp: InputFile) -> Iterator[InputFile | Rejected]:
    """``inp`` itself, or for an archive its members (recursively) and any damage found."""
    suffix, compression = split_suffixes(inp.name)
    expand = ARCHIVES.get(suffix)
    if expand is None:
        yield inp
        return
    try:
        raw = inp.open()
    except (OSError, RuntimeError, ValueError, zipfile.BadZipFile) as exc:
        yield Rejected(inp.name, "", f"cannot open archive: {type(exc).__name__}: {exc}")
        return
    decoder = None
    count = 0
    budget = _budget(inp)
    try:
        stream: BinaryIO = buffered(raw)
        if compression:
            decoder = DecompressingReader(stream, compression, budget)
            stream = buffered(decoder)  # type: ignore[arg-type]
        try:
            for member in expand(stream, inp):
                if budget.exceeded is not None:  # a member hit the cap: the rest would too
                    break
                count += 1
                yield from iter_units(member)
        except SpoolTooLarge as exc:
            yield Rejected(inp.name, "", f"{suffix} archive {exc}")
        except _ARCHIVE_ERRORS as exc:
            if budget.exceeded is None:
                yield Rejected(inp.name, "", f"damaged {suffix} archive after {count} member(s), "
                                             f"rest skipped: {type(exc).__name__}: {exc}")
        if decoder is not None and decoder.error:
            yield Rejected(inp.name, "", f"{decoder.error}; the {count} member(s) before it "
                                         "were kept")
        elif budget.exceeded is not None:
            yield Rejected(inp.name, "", f"{budget.exceeded}; archive members after the "
                                         f"{count} read were not opened")
    finally:
        raw.close()
