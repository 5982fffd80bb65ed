"""Exports: one file per table, for pandas, DuckDB, spreadsheets and Gephi.

Rows are sorted on every column and bookkeeping columns (``run_id``) are left
out, so the same corpus content gives byte-identical exports whichever engine or
how many runs produced it — which is how engine equality is tested.

CSV is opened in spreadsheets, which run a cell starting with ``=``, ``+``,
``-``, ``@``, TAB or CR as a formula (a document's title can be
``=HYPERLINK(...)``). By default such text cells get a leading ``'`` in CSV;
Parquet and JSON Lines are read by programs, so they are never altered.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from ..corpus import Corpus, q
from ..errors import InputError
from ..outputs import mark_outputs
from ..safetext import FORMULA_START_REGEX
from ..tables import EXPORT_TABLES
from .exporters import FORMATS
from .gexf import write_gexf

# Columns never exported: they describe how a row was made, not what was found.
_BOOKKEEPING = {"run_id"}


def export_columns(corpus: Corpus, table: str) -> list[str]:
    return [c for c, _ in _typed_columns(corpus, table)]


def _typed_columns(corpus: Corpus, table: str) -> list[tuple[str, str]]:
    rows = corpus.con.execute(
        "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ? "
        "ORDER BY ordinal_position", [table]).fetchall()
    return [(c, t) for c, t in rows if c not in _BOOKKEEPING]


def formula_guard_sql(column: str) -> str:
    """SQL for a text column whose formula-looking cells get a leading single quote."""
    col = q(column)
    quote = "'" * 4  # the SQL literal of one single quote
    return (f"CASE WHEN regexp_matches({col}, '{FORMULA_START_REGEX}') "
            f"THEN {quote} || {col} ELSE {col} END AS {col}")


def _select_list(corpus: Corpus, table: str, guard: bool) -> str:
    return ", ".join(formula_guard_sql(c) if guard and t == "VARCHAR" else q(c)
                     for c, t in _typed_columns(corpus, table))


def export_corpus(corpus: Corpus, out_dir: str | Path, fmt: str = "parquet", *,
                  formula_guard: bool = True) -> dict[str, Any]:
    """Write every exportable table to ``out_dir`` (atomically per file) plus ``network.gexf``.

    ``formula_guard`` (CSV only) prefixes a single quote to text cells a spreadsheet would run.
    """
    if fmt not in FORMATS:
        raise InputError(f"unknown export format {fmt!r}", hint=f"choose one of {', '.join(FORMATS)}")
    suffix, options = FORMATS[fmt]
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written: dict[str, int] = {}
    for table in EXPORT_TABLES:
        if not corpus.has_table(table):
            continue
        cols = _select_list(corpus, table, formula_guard and fmt == "csv")
        target = out / f"{table}.{suffix}"
        tmp = out / f".{table}.{suffix}.tmp"
        corpus.con.execute(
            f"COPY (SELECT {cols} FROM {q(table)} ORDER BY ALL) TO '{_sql_path(tmp)}' {options}")
        os.replace(tmp, target)
        mark_outputs(out, [target.name])  # at once: an interrupted export is still known
        written[table] = corpus.count(table)
    if corpus.has_table("coordination_edges"):
        write_gexf(corpus, out / "network.gexf")
        mark_outputs(out, ["network.gexf"])  # each table was listed as it was written
        written["network.gexf"] = 1
    return {"out": str(out), "format": fmt, "tables": written,
            **({"formula_guard": formula_guard} if fmt == "csv" else {})}


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")


def guard_formulas(tbl: pa.Table) -> pa.Table:
    """:func:`formula_guard_sql` for an Arrow table (the web app's streamed CSV)."""
    for i, field in enumerate(tbl.schema):
        if not (pa.types.is_string(field.type) or pa.types.is_large_string(field.type)):
            continue
        col = tbl.column(i)
        hit = pc.match_substring_regex(col, FORMULA_START_REGEX)
        tbl = tbl.set_column(i, field.name,
                             pc.if_else(hit, pc.binary_join_element_wise("'", col, ""), col))
    return tbl
