"""Exports: one file per table, for pandas, DuckDB, spreadsheets and Gephi.

Rows are sorted on every column and bookkeeping columns (``run_id``) are left
out, so the same corpus content gives byte-identical exports whichever engine or
how many runs produced it — which is how engine equality is tested.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from ..corpus import Corpus, q
from ..errors import InputError

# Tables exported, in this order; documented column by column in docs/exports.md.
EXPORT_TABLES = [
    "documents", "document_sources", "languages", "language_segments", "coverage",
    "references", "repetitions", "spans", "doc_labels",
    "reuse_pairs", "reuse_clusters", "reuse_insertions", "coordination_edges", "communities",
    "quarantine",
]
# Columns never exported: they describe how a row was made, not what was found.
_BOOKKEEPING = {"run_id"}
FORMATS = {"parquet": ("parquet", "(FORMAT parquet, COMPRESSION zstd)"),
           "csv": ("csv", "(FORMAT csv, HEADER true)"),
           "jsonl": ("jsonl", "(FORMAT json)")}


def export_columns(corpus: Corpus, table: str) -> list[str]:
    cols = [r[0] for r in corpus.con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = ? "
        "ORDER BY ordinal_position", [table]).fetchall()]
    return [c for c in cols if c not in _BOOKKEEPING]


def export_corpus(corpus: Corpus, out_dir: str | Path, fmt: str = "parquet") -> dict[str, Any]:
    """Write every exportable table to ``out_dir`` (atomically per file) plus ``network.gexf``."""
    if fmt not in FORMATS:
        raise InputError(f"unknown export format {fmt!r}", hint=f"choose one of {', '.join(FORMATS)}")
    suffix, options = FORMATS[fmt]
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written: dict[str, int] = {}
    for table in EXPORT_TABLES:
        if not corpus.has_table(table):
            continue
        cols = ", ".join(q(c) for c in export_columns(corpus, table))
        target = out / f"{table}.{suffix}"
        tmp = out / f".{table}.{suffix}.tmp"
        corpus.con.execute(
            f"COPY (SELECT {cols} FROM {q(table)} ORDER BY ALL) TO '{_sql_path(tmp)}' {options}")
        os.replace(tmp, target)
        written[table] = corpus.count(table)
    try:
        from ..link.network import write_gexf
    except ImportError:
        pass
    else:
        if corpus.has_table("coordination_edges"):
            write_gexf(corpus, out / "network.gexf")
            written["network.gexf"] = 1
    return {"out": str(out), "format": fmt, "tables": written}


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")
