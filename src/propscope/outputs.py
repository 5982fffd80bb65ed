"""The files a run writes into its output folder, remembered there so they are never input.

Why: ``propscope run data --out data`` (or ``--out data/out``) wrote the exports and the
report into the folder it reads; the next run read them back as documents (20 -> 22 -> 24
documents over three runs, 18 quarantine rows for the rest), so re-running was not
idempotent. Each folder the exports go to keeps a hidden list of the files written there
(:data:`MARKER`), each with the size and modification time it had when written and a
fingerprint of its content (a hash of its first and last 64 KiB); a folder walk skips a
listed file only while it is still that file: the same size and time, or, when the time
changed (a folder copied without keeping times: ``cp -r``, a download, a sync), the same
size and fingerprint. A file that replaced it (a new ``posts.parquet`` dropped into a folder
once used as ``--out``) is read, and so is a file named explicitly as an input (the analyst
asked for it).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

#: Hidden (so never input itself): JSON ``{"written": {name: [size, mtime_ns, fingerprint]}}``
#: (lists written before fingerprints hold ``[size, mtime_ns]``, and the first form names only).
MARKER = ".propscope-outputs.json"
#: Bytes read from each end of a file for its fingerprint.
EDGE_BYTES = 1 << 16


def _stat(path: Path) -> list[int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns]


def _fingerprint(path: Path) -> str | None:
    """A hash of the first and last :data:`EDGE_BYTES` (whole file when smaller): what a
    copy keeps when it does not keep the time. Reads at most 128 KiB, whatever the size."""
    try:
        with path.open("rb") as fh:
            head = fh.read(EDGE_BYTES)
            size = fh.seek(0, os.SEEK_END)
            fh.seek(max(len(head), size - EDGE_BYTES))
            tail = fh.read(EDGE_BYTES)
    except OSError:
        return None
    return hashlib.sha256(head + b"|" + tail).hexdigest()[:32]


def marked_outputs(folder: Path) -> dict[str, list[Any]]:
    """Files written into ``folder`` by earlier runs: name -> [size, mtime_ns, fingerprint]
    (``[size, mtime_ns]`` from lists written before fingerprints; ``[]``: a list of names
    only, as first written; the name alone then matches)."""
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
            if isinstance(n, str) and isinstance(s, list) and len(s) in (2, 3)}


def is_own_output(folder: Path, name: str, marked: dict[str, list[Any]]) -> bool:
    """Whether ``folder/name`` is still the file a run wrote there."""
    if name not in marked:
        return False
    stamp = marked[name]
    if not stamp:
        return True
    now = _stat(folder / name)
    if now is None or now[0] != stamp[0]:
        return False
    if now[1] == stamp[1]:
        return True
    return len(stamp) == 3 and _fingerprint(folder / name) == stamp[2]


def mark_outputs(folder: Path, names: Iterable[str]) -> None:
    """Record ``names`` (files just written into ``folder``) with their size, time and
    fingerprint."""
    written = marked_outputs(folder)
    for name in names:
        stamp = _stat(folder / name)
        fingerprint = _fingerprint(folder / name)
        if stamp is not None and fingerprint is not None:
            written[name] = [*stamp, fingerprint]
    tmp = folder / (MARKER + ".tmp")
    tmp.write_text(json.dumps({"written": dict(sorted(written.items()))}, indent=1),
                   encoding="utf-8")
    os.replace(tmp, folder / MARKER)
