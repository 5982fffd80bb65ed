"""What ``propscope formats`` and ``propscope inspect`` show: every format with how it
is detected and what it maps, and how one file would be read, before anything is
written. Detection here is the very call ingest makes (:func:`..registry.choose_reader`
on the decompressed first bytes), so what is shown is what ingest will do.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ...document import Document, Rejected
from ..reading import SNIFF_BYTES, read_unit
from ..records import ALIASES, ReadOptions
from ..registry import READERS, choose_reader
from ..sources import InputFile, disk_input, iter_units
from ..streams import DecompressingReader, buffered, split_suffixes
from . import FORMATS, by_reader
from .base import POST_KEY

_GENERIC_FIELDS = ", ".join(f"{name}<-{'|'.join(aliases[:4])}" for name, aliases in
                            ALIASES.items())


def generic_formats() -> list[dict[str, str]]:
    """The suffix-chosen readers, one entry per reader."""
    by_module: dict[str, list[str]] = {}
    for suffix, reader in READERS.items():
        by_module.setdefault(reader.__module__.rsplit(".", 1)[-1], []).append(suffix)
    out = []
    for module, suffixes in by_module.items():
        structured = module in ("jsonl", "delimited", "parquet")
        out.append({"name": f"generic-{module}", "platform": "-",
                    "detected_by": "suffix " + " ".join(suffixes) + " (when no platform "
                                   "format claims the content)",
                    "fields": _GENERIC_FIELDS + " (override with --field)" if structured
                    else "text, source<-folder name, title/url where the format has them"})
    return out


def all_formats() -> list[dict[str, str]]:
    """Platform formats (content-detected, in detection order), then the generic ones."""
    return [{"name": f.name, "platform": f.platform, "detected_by": f.detected_by,
             "fields": f.fields} for f in FORMATS] + generic_formats()


def detect_unit(unit: InputFile) -> dict[str, str]:
    """The format ingest would pick for ``unit`` and why."""
    suffix, compression = split_suffixes(unit.name)
    raw = unit.open()
    try:
        stream = buffered(raw)
        if compression:
            stream = buffered(DecompressingReader(stream, compression))  # type: ignore[arg-type]
        head = stream.peek(SNIFF_BYTES)[:SNIFF_BYTES]
    finally:
        raw.close()
    if not head:
        return {"name": "-", "detected_by": "empty file", "fields": ""}
    reader, why = choose_reader(suffix, head)
    if reader is None:
        return {"name": "-", "detected_by": why or "unreadable", "fields": ""}
    platform = by_reader(reader)
    if platform is not None:
        return {"name": platform.name, "detected_by": "content: " + platform.detected_by,
                "fields": platform.fields}
    module = reader.__module__.rsplit(".", 1)[-1]
    generic = next(g for g in generic_formats() if g["name"] == f"generic-{module}")
    how = f"suffix {suffix}" if READERS.get(suffix) is reader else "content (no known suffix)"
    return {"name": generic["name"], "detected_by": how, "fields": generic["fields"]}


def _shown(item: Document | Rejected) -> dict[str, Any]:
    if isinstance(item, Rejected):
        return {"record": item.record, "quarantined": item.reason}
    row: dict[str, Any] = {"record": item.record, "doc_id": item.doc_id,
                           "source": item.source, "author": item.author,
                           "published": item.published.isoformat() if item.published else None,
                           "text": item.text}
    post = item.meta.get(POST_KEY)
    if post:
        row["post"] = post
    return {k: v for k, v in row.items() if v is not None}


def inspect_path(path: Path, options: ReadOptions, limit: int = 5) -> Iterator[dict[str, Any]]:
    """Per input unit (a file, or each member of an archive, up to 20): its detected
    format and its first ``limit`` items as ingest reads them. Nothing is written."""
    for unit in itertools.islice(iter_units(disk_input(path)), 20):
        if isinstance(unit, Rejected):
            yield {"file": unit.file, "format": {"name": "-", "detected_by": unit.reason,
                                                 "fields": ""}, "records": []}
            continue
        try:
            found = detect_unit(unit)
        except Exception as exc:  # noqa: BLE001 - shown, as ingest would quarantine it
            found = {"name": "-", "detected_by": f"cannot open: {exc}", "fields": ""}
        records = [_shown(i) for i in itertools.islice(read_unit(unit, options), limit)
                   if isinstance(i, Document | Rejected)]
        yield {"file": unit.name, "format": found, "records": records}
