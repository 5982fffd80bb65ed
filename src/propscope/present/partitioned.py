"""Partitioned Parquet: a corpus's results as a folder of files, queried by a small DuckDB file.

Why: one DuckDB file is the simplest store and holds a million documents
comfortably (see docs/scaling.md for measured sizes), but some teams need the
results as plain files — to put them on object storage, to read them from
Spark or Polars, to copy only the part they need, or because the corpus has
outgrown one disk file. This module writes every exported table as Parquet,
split into partitions by the first hex digit(s) of ``doc_id`` (content-derived,
so a document always lands in the same partition on every run and engine), and
builds a tiny DuckDB "catalog" file whose views read those files. Opening the
catalog with :func:`propscope.open_corpus` gives the same tables as the corpus.

    propscope run data/ --corpus corpus.duckdb                     # the default
    python -m propscope.present.partitioned corpus.duckdb lake/     # files + lake/catalog.duckdb

Tables keyed by another column (``reuse_pairs`` by ``doc_a``, coordination by
source) are partitioned by that column, or written as one file when small.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path
from typing import Any

import duckdb

from ..corpus import Corpus, open_corpus, q
from ..errors import InputError
from ..tables import EXPORT_TABLES, PARTITION_KEYS
from .export import export_columns

CATALOG = "catalog.duckdb"


def export_partitioned(corpus: Corpus, out_dir: str | Path, prefix_chars: int = 1
                       ) -> dict[str, Any]:
    """Write every exportable table under ``out_dir/<table>/`` and a catalog file.

    ``prefix_chars`` hex digits of the key pick the partition: 1 gives 16
    partitions, 2 gives 256 (for corpora of tens of millions of documents).
    Each table is written to a temporary folder first and then moved into place,
    so a crash never leaves a half-written table where readers look.
    """
    if prefix_chars not in (1, 2, 3):
        raise InputError(f"prefix_chars must be 1, 2 or 3, not {prefix_chars}")
    out = Path(out_dir).resolve()
    out.mkdir(parents=True, exist_ok=True)
    written: dict[str, int] = {}
    for table in EXPORT_TABLES:
        if not corpus.has_table(table):
            continue
        cols = export_columns(corpus, table)
        select = ", ".join(q(c) for c in cols)
        key = PARTITION_KEYS.get(table)
        tmp = out / f".{table}.tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        rows = corpus.count(table)
        # An empty table has no partition to write (and a folder of none would leave its
        # catalog view with no file to read), so it is one empty file with its columns.
        if key in cols and rows:
            tmp.mkdir()
            corpus.con.execute(
                f"COPY (SELECT {select}, lower(substr({q(key)}, 1, {prefix_chars})) AS part "
                f"FROM {q(table)} ORDER BY ALL) TO '{_sql(tmp)}' "
                "(FORMAT parquet, COMPRESSION zstd, PARTITION_BY (part))")
        else:
            tmp.mkdir()
            corpus.con.execute(f"COPY (SELECT {select} FROM {q(table)} ORDER BY ALL) "
                               f"TO '{_sql(tmp / 'data.parquet')}' (FORMAT parquet, COMPRESSION zstd)")
        target = out / table
        shutil.rmtree(target, ignore_errors=True)
        os.replace(tmp, target)
        written[table] = rows
    catalog = build_catalog(out)
    return {"out": str(out), "catalog": str(catalog), "tables": written,
            "partitions": 16 ** prefix_chars}


def build_catalog(parquet_dir: str | Path, catalog: str | Path | None = None) -> Path:
    """A DuckDB file with one view per table folder under ``parquet_dir``.

    The views hold absolute paths: move the folder, then build the catalog again.
    """
    root = Path(parquet_dir).resolve()
    path = Path(catalog) if catalog else root / CATALOG
    tmp = path.with_name(path.name + ".tmp")
    tmp.unlink(missing_ok=True)
    con = duckdb.connect(str(tmp))
    try:
        for folder in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
            pattern = _sql(folder) + "/**/*.parquet"
            con.execute(f"CREATE VIEW {q(folder.name)} AS SELECT * EXCLUDE (part) FROM "
                        f"read_parquet('{pattern}', hive_partitioning = true, union_by_name = true)"
                        if _partitioned(folder) else
                        f"CREATE VIEW {q(folder.name)} AS SELECT * FROM read_parquet('{pattern}')")
    finally:
        con.close()
    os.replace(tmp, path)
    return path


def _partitioned(folder: Path) -> bool:
    return any(p.name.startswith("part=") for p in folder.iterdir())


def _sql(path: Path) -> str:
    return str(path).replace("'", "''")


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) not in (2, 3):
        print("usage: python -m propscope.present.partitioned CORPUS.duckdb OUT_DIR [PREFIX_CHARS]",
              file=sys.stderr)
        return 2
    with open_corpus(args[0], read_only=True) as corpus:
        summary = export_partitioned(corpus, args[1], int(args[2]) if len(args) == 3 else 1)
    print(f"wrote {len(summary['tables'])} table(s) in {summary['partitions']} partitions to "
          f"{summary['out']}; query them with {summary['catalog']}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
