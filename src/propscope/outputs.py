"""The files a run writes into its output folder, remembered there so they are never input.

Why: ``propscope run data --out data`` (or ``--out data/out``) wrote the exports and the
report into the folder it reads; the next run read them back as documents (20 -> 22 -> 24
documents over three runs, 18 quarantine rows for the rest), so re-running was not
idempotent. Each folder the exports go to keeps a hidden list of the files written there
(:data:`MARKER`), each with the size and modification time it had when written; a folder
walk skips a listed file only while it is still that file. A file that replaced it (a new
``posts.parquet`` dropped into a folder once used as ``--out``) is read, and so is a file
named explicitly as an input (the analyst asked for it).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path

#: Hidden (so never input itself): JSON ``{"written": {name: [size, mtime_ns]}}``.
MARKER = ".propscope-outputs.json"


def _stamp(path: Path) -> list[int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns]


def marked_outputs(folder: Path) -> dict[str, list[int]]:
    """Files written into ``folder`` by earlier runs: name -> [size, mtime_ns] (``[]``: a
    list of names only, as first written; the name alone then matches)."""
    try:
        data = json.loads((folder / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return {}
    written = data.get("written") if isinstance(data, dict) else None
    if isinstance(written, list):  # the first form of this list: names only
        return {n: [] for n in written if isinstance(n, str)}
    if not isinstance(written, dict):
        return {}
    return {n: s for n, s in written.items()
            if isinstance(n, str) and isinstance(s, list) and len(s) == 2}


def is_own_output(folder: Path, name: str, marked: dict[str, list[int]]) -> bool:
    """Whether ``folder/name`` is still the file a run wrote there."""
    if name not in marked:
        return False
    return not marked[name] or _stamp(folder / name) == marked[name]


def mark_outputs(folder: Path, names: Iterable[str]) -> None:
    """Record ``names`` (files just written into ``folder``) with their size and time."""
    written = marked_outputs(folder)
    for name in names:
        stamp = _stamp(folder / name)
        if stamp is not None:
            written[name] = stamp
    tmp = folder / (MARKER + ".tmp")
    tmp.write_text(json.dumps({"written": dict(sorted(written.items()))}, indent=1),
                   encoding="utf-8")
    os.replace(tmp, folder / MARKER)
