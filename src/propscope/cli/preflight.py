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
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path

from ..errors import InputError
from ..ingest.dates import DATE_ORDER_ENV
from ..ingest.sources import not_regular

PEEK_BYTES = 256 * 1024  # enough for a header line or a first JSON record
MAX_FILES = 20  # files peeked at per run: a folder of thousands needs no more


def _regular(path: Path) -> bool:
    """Whether ``path`` is a regular file (after links). Why: opening a FIFO named
    ``x.jsonl`` blocks forever, and a symlink loop raises; the readers report both."""
    return not_regular(path) is None


def _files(src: Path) -> Iterator[Path]:
    """Regular files under ``src``, lazily: a folder of a million files is not listed up front."""
    if not src.is_dir():
        if _regular(src):
            yield src
        return
    for root, _, names in os.walk(src):
        for name in names:
            if _regular(Path(root) / name):
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
            except (ValueError, RecursionError):  # deep nesting: the reader quarantines it
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


# -- date order -------------------------------------------------------------------------------

#: A numeric date whose first two numbers could both be the day or the month: 03/04/2024.
_NUMERIC_DATE = re.compile(r"\s*(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})\b")
DATE_SCAN_BYTES = 32 * 1024 * 1024  # per file: enough to count, bounded for huge inputs
DATE_COLUMNS = ("published", "date", "timestamp", "created_at", "time", "datetime",
                "published_at", "pubdate")


def _date_values(path: Path, column: str | None) -> Iterator[str]:
    """The date column's values in the first ``DATE_SCAN_BYTES`` of one CSV/TSV/JSONL file."""
    try:
        with path.open("rb") as fh:
            head = fh.read(DATE_SCAN_BYTES).decode("utf-8", errors="replace")
    except OSError:
        return
    lines = head.lstrip("\ufeff").splitlines()
    if path.suffix.lower() in (".csv", ".tsv"):
        reader = csv.reader(lines, delimiter="\t" if path.suffix.lower() == ".tsv" else ",")
        header = [c.strip().lower() for c in next(reader, [])]
        names = [column.lower()] if column else list(DATE_COLUMNS)
        idx = next((header.index(n) for n in names if n in header), None)
        if idx is None:
            return
        for row in reader:
            if idx < len(row):
                yield row[idx]
        return
    for line in lines:
        try:
            record = json.loads(line)
        except (ValueError, RecursionError):  # deep nesting: the reader quarantines it
            continue
        if not isinstance(record, dict):
            continue
        keys = [column] if column else list(DATE_COLUMNS)
        value = next((record[k] for k in keys if k in record), None)
        if isinstance(value, str):
            yield value


def count_ambiguous_dates(sources: Iterable[Path],
                          field_map: Mapping[str, str]) -> tuple[int, int, list[Path]]:
    """``(ambiguous, numeric, files)``: numeric dates such as 03/04/2024 whose day and month
    cannot be told apart (both 12 or less, and different), out of all numeric dates seen."""
    column = field_map.get("published") or field_map.get("date")
    ambiguous = numeric = 0
    files: list[Path] = []
    for path in _candidate_files(sources):
        before = ambiguous
        for value in _date_values(path, column):
            m = _NUMERIC_DATE.match(value)
            if not m:
                continue
            numeric += 1
            a, b = int(m.group(1)), int(m.group(2))
            if a <= 12 and b <= 12 and a != b:
                ambiguous += 1
        if ambiguous > before:
            files.append(path)
    return ambiguous, numeric, files


def apply_date_order(order: str | None, sources: Iterable[Path],
                     field_map: Mapping[str, str], warn: Callable[[str], None]) -> int:
    """Set the order numeric dates are read in; warn, counting them, about ambiguous dates.

    Without ``--date-order`` a date such as 03/04/2024 is read month first, as before,
    but no longer silently: the warning says how many dates that concerns and in which
    files. Returns the number of ambiguous dates found.
    """
    if order:
        os.environ[DATE_ORDER_ENV] = order
    ambiguous, numeric, files = count_ambiguous_dates(sources, field_map)
    if ambiguous and not order:
        shown = ", ".join(str(p) for p in files[:3]) + (" ..." if len(files) > 3 else "")
        warn(f"warning: {ambiguous:,} of {numeric:,} numeric dates (like 03/04/2024) could be "
             f"day/month or month/day ({shown}); they are read month first. Pass --date-order "
             "dmy to read them day first, or --date-order mdy to confirm and silence this.")
    return ambiguous
