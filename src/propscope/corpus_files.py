"""Which files are corpora, and what a failure on one means: the header check before DuckDB
opens a path, the schema-version and foreign-database checks after, and the mapping of
DuckDB and OS errors to coded, actionable errors (:class:`~propscope.errors.CorpusError`).

Split out of :mod:`propscope.corpus` (issue 19), which re-exports these names.
"""

from __future__ import annotations

import errno
import re
from pathlib import Path

import duckdb

from .corpus_schema import SCHEMA_VERSION, one
from .errors import (
    CorpusCorrupt,
    CorpusError,
    CorpusLocked,
    CorpusTooNew,
    DiskFull,
    ForeignDatabase,
    NotACorpus,
)

# Every DuckDB database file has these bytes at offset 8 (after a checksum).
DUCKDB_MAGIC = b"DUCK"
_LOCK_PID = re.compile(r"PID (\d+)")


def check_corpus_file(path: Path, *, read_only: bool) -> bool:
    """Whether ``path`` holds a corpus to open; refuse anything that is not a DuckDB file.

    DuckDB opens some files that are not databases (a ``.jsonl`` becomes an empty
    in-memory catalog), so the header is read first. An absent path is a new
    corpus when writing; an empty (0-byte) file, as ``mktemp`` leaves, too.
    """
    if not path.exists():
        if read_only:
            raise CorpusError(f"corpus file not found: {path}",
                              hint="create it with `propscope run SOURCES --corpus FILE`")
        return False
    if path.is_dir():
        raise NotACorpus(f"{path} is a folder, not a corpus file",
                         hint="--corpus names one DuckDB file, e.g. corpus.duckdb")
    with path.open("rb") as fh:
        head = fh.read(12)
    if not head and not read_only:
        path.unlink()  # nothing to lose; DuckDB refuses to open an empty file
        return False
    if len(head) < 12 or head[8:12] != DUCKDB_MAGIC:
        raise NotACorpus(
            f"{path} is not a DuckDB file (it starts with {head[:8]!r})",
            hint="--corpus names the corpus database (e.g. corpus.duckdb); input files "
                 "(.jsonl, .csv, ...) are given as SOURCES")
    return True


def corpus_error(exc: BaseException, path: Path) -> CorpusError:
    """A coded error, with what to do, for a DuckDB or OS failure on the corpus ``path``."""
    text = str(exc)
    low = text.lower()
    if "could not set lock" in low or "conflicting lock" in low:
        pid = _LOCK_PID.search(text)
        holder = f" (process {pid.group(1)})" if pid else ""
        return CorpusLocked(
            f"corpus {path} is locked by another process{holder}",
            hint="another propscope command has it open (a run writing it, or serve/status "
                 "reading it while this command writes): DuckDB allows one writer or several "
                 "readers, not both. Wait for that command to finish (or stop it), then try again")
    if is_disk_full(exc):
        return DiskFull(
            f"no space left (disk full or a file-size limit) while working on {path}: "
            f"{text.splitlines()[0][:300]}",
            hint="free disk space (or raise the file-size limit) and run the same command again: "
                 "finished batches are kept and the run resumes where it stopped")
    if "corrupt" in low or "checksum" in low or "not a valid duckdb database" in low:
        return CorpusCorrupt(
            f"corpus {path} is damaged: {text.splitlines()[0][:200]}",
            hint="restore it from a backup, or ingest the sources again into a new corpus "
                 "file; the input files themselves are not affected")
    return CorpusError(f"cannot use corpus {path}: {text.splitlines()[0][:300] if text else exc!r}",
                       hint="see the message above; docs/cli.md lists the error codes")


def is_disk_full(exc: BaseException) -> bool:
    """A write failed for lack of space (ENOSPC) or a file-size limit (EFBIG)."""
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT):
        return True
    low = str(exc).lower()
    return any(s in low for s in ("no space left", "file too large", "disk quota"))


def table_names(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [r[0] for r in con.execute(
        "SELECT table_name FROM information_schema.tables ORDER BY table_name").fetchall()]


def stored_version(con: duckdb.DuckDBPyConnection) -> int | None:
    exists = one(con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'meta'"
    ))[0]
    if not exists:
        return None
    row = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    return int(row[0]) if row else None

def check_propscope(con: duckdb.DuckDBPyConnection, path: Path, *, read_only: bool) -> None:
    """Refuse a DuckDB file that is not a propscope corpus (rather than add our
    tables to another program's database). An empty database is adopted for
    writing; reading also accepts a partitioned-Parquet catalog (views with
    propscope's table names, no ``meta``), which is never written."""
    try:
        version = stored_version(con)
    except (duckdb.Error, ValueError, TypeError):
        version = None  # a ``meta`` table of another shape, or a non-numeric version
    if version is not None:
        return
    tables = table_names(con)
    if read_only and "documents" in tables:
        return  # a catalog of views over exported Parquet (present/partitioned.py): read only
    if read_only or tables:
        raise ForeignDatabase(
            f"{path} is a DuckDB database but not a propscope corpus "
            "(no meta.schema_version)",
            hint="point --corpus at a propscope corpus file, or at a new path to create one; "
                 "propscope never adds its tables to another program's database")

def check_version(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    version = stored_version(con)
    if version is not None and version > SCHEMA_VERSION:
        raise CorpusTooNew(
            f"{path} has schema version {version}; this propscope knows up to "
            f"{SCHEMA_VERSION}", hint="upgrade propscope to read this corpus")
