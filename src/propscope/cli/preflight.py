"""Checks of ``--field`` mappings against the inputs, before any stage runs.

A mapping to a column the input does not have (``--field source=sitename`` where the
column is ``site``) used to be silent: every document got no source, and the mistake
showed only in the results. Here the first record of each plain CSV/TSV/JSON Lines
input is peeked at (a few KB, never the whole file), and a mapped column found in none
of them is an error naming the columns that are there.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from ..errors import InputError

PEEK_BYTES = 256 * 1024  # enough for a header line or a first JSON record
MAX_FILES = 20  # files peeked at per run: a folder of thousands needs no more


def _files(src: Path) -> Iterator[Path]:
    """Files under ``src``, lazily: a folder of a million files is not listed up front."""
    if not src.is_dir():
        yield src
        return
    for root, _, names in os.walk(src):
        for name in names:
            yield Path(root) / name


def _candidate_files(sources: Iterable[Path]) -> Iterator[Path]:
    seen = 0
    for src in sources:
        for path in _files(src):
            if path.suffix.lower() in (".csv", ".tsv", ".jsonl", ".ndjson"):
                yield path
                seen += 1
                if seen >= MAX_FILES:
                    return


def _first_keys(path: Path) -> list[str] | None:
    """Column names of the first record, or None when they cannot be read cheaply."""
    try:
        with path.open("rb") as fh:
            head = fh.read(PEEK_BYTES).decode("utf-8", errors="replace")
    except OSError:
        return None
    if path.suffix.lower() in (".csv", ".tsv"):
        delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
        first = head.lstrip("\ufeff").split("\n", 1)[0]
        row = next(csv.reader(io.StringIO(first), delimiter=delimiter), None)
        return [c.strip() for c in row] if row else None
    for line in head.splitlines():
        if line.strip():
            try:
                record = json.loads(line)
            except ValueError:
                return None
            return [str(k) for k in record] if isinstance(record, dict) else None
    return None


def check_field_map(sources: Iterable[Path], field_map: Mapping[str, str]) -> None:
    """Raise :class:`InputError` when a mapped column is in none of the peeked inputs."""
    wanted = {name: col for name, col in field_map.items() if "." not in col}
    if not wanted:
        return
    peeked: list[tuple[Path, list[str]]] = []
    for path in _candidate_files(sources):
        keys = _first_keys(path)
        if keys is not None:
            peeked.append((path, keys))
    if not peeked:
        return  # other formats (HTML, Parquet, archives): checked by their readers
    for name, column in wanted.items():
        if any(column.lower() in {k.lower() for k in keys} for _, keys in peeked):
            continue
        path, keys = peeked[0]
        shown = ", ".join(keys[:30]) + (" ..." if len(keys) > 30 else "")
        raise InputError(f"--field {name}={column}: no column {column!r} in {path} "
                         f"(columns found: {shown})",
                         hint="map the field to one of the columns found, e.g. "
                              f"--field {name}={keys[0] if keys else 'COLUMN'}")
