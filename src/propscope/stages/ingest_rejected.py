"""Inputs an older version rejected whole are read again after an upgrade.

Why: ingest skips a unit (a file or an archive member) it has read before with the same
size and modification time. A unit whose every record an older version quarantined (a
CSV with classic-Mac line ends, UTF-16 JSON Lines, a binary-looking file with one stray
NUL: each fixed since) stayed skipped after the upgrade, with its old reasons, until the
analyst touched the file or forced the stage; nothing said so. Now the corpus records which
readers it was ingested with (:data:`READERS_VERSION` in the ``meta`` table); when that
differs, every unit under the inputs that gave no document and some quarantined records
is forgotten (its ``ingested_files`` row and its quarantine notes, and its archive's row
so the archive is walked again) and read as new. Units that gave documents are left as
they are: re-reading everything on each upgrade would redo a whole corpus for a fix to
one format, and their records are not lost.

Idempotent: the version is recorded only after a finished ingest, so a run killed before
redoes the check; a unit rejected again is simply rejected again, with today's reasons.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pyarrow as pa

from ..corpus import Corpus
from ..ingest.sources import path_label

#: Bump when a reader comes to accept input it rejected whole before.
READERS_VERSION = "2026-12-05"
META_KEY = "readers_version"


def recorded_version(corpus: Corpus) -> str | None:
    row = corpus.con.execute("SELECT value FROM meta WHERE key = ?", [META_KEY]).fetchone()
    return None if row is None else str(row[0])


def forget_rejected(corpus: Corpus, files: Sequence[Path]) -> list[str]:
    """Forget the units under ``files`` rejected whole by older readers; their names."""
    if (not files or not corpus.has_table("ingested_files")
            or recorded_version(corpus) == READERS_VERSION):
        return []
    tops = pa.table({"top": pa.array([path_label(p) for p in files], pa.string())})
    with corpus.registered(_tops=tops):
        names = [r[0] for r in corpus.con.execute(
            "SELECT file FROM ingested_files WHERE documents = 0 AND quarantined > 0 AND "
            "(file IN (SELECT top FROM _tops) OR (contains(file, '!') AND "
            "split_part(file, '!', 1) IN (SELECT top FROM _tops))) ORDER BY file").fetchall()]
    if names:
        gone = pa.table({"file": pa.array(names, pa.string()),
                         "top": pa.array([n.split("!", 1)[0] for n in names], pa.string())})
        with corpus.registered(_gone=gone):
            corpus.con.execute("DELETE FROM quarantine WHERE file IN (SELECT file FROM _gone)")
            corpus.con.execute("DELETE FROM ingested_files WHERE file IN (SELECT file FROM _gone)"
                               " OR file IN (SELECT top FROM _gone)")
    return names


def record_readers(corpus: Corpus) -> None:
    """After a finished ingest: the corpus was read with today's readers."""
    corpus.con.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [META_KEY, READERS_VERSION])
