"""Inputs an older version rejected whole are read again after an upgrade.

Why: ingest skips a unit (a file or an archive member) it has read before with the same
size and modification time. A unit whose every record an older version quarantined (a
CSV with classic-Mac line ends, UTF-16 JSON Lines, a binary-looking file with one stray
NUL: each fixed since) stayed skipped after the upgrade, with its old reasons, until the
analyst touched the file; nothing said so. Now each unit's ``ingested_files`` row records
the version of the readers that read it (:data:`READERS_VERSION`; null for units read
before it was recorded). A unit under the run's inputs that gave no document and some
quarantine notes, read by other readers, is forgotten (its row, its quarantine notes, and
its archive's row, so the archive is walked again) and read as new. An archive that could
not be opened counts its own notes, so it is read again too. Units that gave documents are
left as they are: re-reading everything on each upgrade would redo a whole corpus for a
fix to one format, and their records are not lost.

Per unit, not per corpus: an upgraded run that names only some of the inputs leaves the
others' rows as they were, and a later run over them still finds them. Idempotent: a unit
read again is marked with today's version; rejected again, it stays rejected, with
today's reasons.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pyarrow as pa

from ..corpus import Corpus
from ..ingest.sources import UnitTops, path_label

#: Bump when a reader comes to accept input it rejected whole before.
READERS_VERSION = "2026-12-05"


#: Inputs with ``!`` in their names tested by prefix in SQL at most (a nested loop); more
#: are matched in Python over the stored names that hold a ``!`` (one pass).
MAX_PREFIX_TOPS = 64


def under_inputs(corpus: Corpus, files: Sequence[Path], column: str = "f.file"
                 ) -> tuple[str, dict[str, pa.Table]]:
    """A SQL condition that ``column`` (a stored unit name) is one of ``files`` or a member
    of one (``top!member``), and the tables it reads (to register). A top with no ``!`` is
    found up to the first one (a hash join). A top with ``!`` in its folder's name is found
    by prefix: in SQL for a few (the prefix test costs 1 s at 10^6 rows, times each top), or
    for more (a folder ``Wow!`` of 20,000 files took 8 s) by :class:`UnitTops` over the
    stored names holding a ``!``, registered as ``_bang_units``."""
    labels = [path_label(p) for p in files]
    plain = pa.table({"top": pa.array([t for t in labels if "!" not in t], pa.string())})
    bang = [t for t in labels if "!" in t]
    where = (f"({column} IN (SELECT top FROM _tops) OR (contains({column}, '!') AND "
             f"split_part({column}, '!', 1) IN (SELECT top FROM _tops))")
    tables = {"_tops": plain}
    if len(bang) > MAX_PREFIX_TOPS:
        tops = UnitTops(bang)
        names = [n for (n,) in corpus.con.execute(
            "SELECT file FROM ingested_files WHERE contains(file, '!')").fetchall()
            if tops.top_of(n) is not None] + bang
        tables["_bang_units"] = pa.table({"file": pa.array(names, pa.string())})
        where += f" OR {column} IN (SELECT file FROM _bang_units)"
    elif bang:
        tables["_bang_tops"] = pa.table({"top": pa.array(bang, pa.string())})
        where += (f" OR EXISTS (SELECT 1 FROM _bang_tops b WHERE {column} = b.top OR "
                  f"starts_with({column}, b.top || '!'))")
    return where + ")", tables


def forget_rejected(corpus: Corpus, files: Sequence[Path]) -> list[str]:
    """Forget the units under ``files`` rejected whole by other readers; their names."""
    if not files or not corpus.has_table("ingested_files"):
        return []
    where, tables = under_inputs(corpus, files)
    with corpus.registered(**tables):
        rows = corpus.con.execute(
            "SELECT f.file FROM ingested_files f WHERE f.documents = 0 AND f.quarantined > 0 "
            f"AND f.readers IS DISTINCT FROM ? AND {where} ORDER BY f.file",
            [READERS_VERSION]).fetchall()
    tops = UnitTops(path_label(p) for p in files)
    found = {name: tops.top_of(name) for (name,) in rows}
    names = [name for name, top in found.items() if top is not None]
    if names:
        gone = pa.table({"file": pa.array(names, pa.string()),
                         "top": pa.array([found[n] for n in names], pa.string())})
        with corpus.registered(_gone=gone):
            corpus.con.execute("DELETE FROM quarantine WHERE file IN (SELECT file FROM _gone)")
            corpus.con.execute("DELETE FROM ingested_files WHERE file IN (SELECT file FROM _gone)"
                               " OR file IN (SELECT top FROM _gone)")
    return names
