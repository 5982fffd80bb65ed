"""The files a run writes into its output folder, remembered there so they are never input.

Why: ``propscope run data --out data`` (or ``--out data/out``) wrote the exports and the
report into the folder it reads; the next run read them back as documents (20 -> 22 -> 24
documents over three runs, 18 quarantine rows for the rest), so re-running was not
idempotent. Each folder the exports go to keeps a hidden list of the names written there
(:data:`MARKER`); folder walks skip those names in that folder. A file named explicitly as
an input is still read (the analyst asked for it).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path

#: Hidden (so never input itself): JSON ``{"written": [names]}``.
MARKER = ".propscope-outputs.json"


def marked_outputs(folder: Path) -> set[str]:
    """Names written into ``folder`` by earlier runs (empty when none, or unreadable)."""
    try:
        data = json.loads((folder / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return set()
    names = data.get("written") if isinstance(data, dict) else None
    return {n for n in names if isinstance(n, str)} if isinstance(names, list) else set()


def mark_outputs(folder: Path, names: Iterable[str]) -> None:
    """Add ``names`` (files just written into ``folder``) to its list, atomically."""
    written = sorted(marked_outputs(folder) | set(names))
    tmp = folder / (MARKER + ".tmp")
    tmp.write_text(json.dumps({"written": written}, indent=1), encoding="utf-8")
    os.replace(tmp, folder / MARKER)
