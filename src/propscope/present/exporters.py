"""The exporters, registered once (no heavy imports, so the CLI can list them).

* :data:`FORMATS`: the table formats of ``propscope export --format`` and of
  :func:`propscope.present.export.export_corpus`: one file per table
  (:data:`propscope.tables.EXPORT_TABLES`);
* :data:`EXPORTERS`: every writer of exported files, by what it writes: the
  tables (:mod:`.export`), the coordination network for Gephi (:mod:`.gexf`,
  written with the tables) and partitioned Parquet with a catalog (:mod:`.partitioned`).
"""

from __future__ import annotations

# name -> (file suffix, DuckDB COPY options)
FORMATS: dict[str, tuple[str, str]] = {
    "parquet": ("parquet", "(FORMAT parquet, COMPRESSION zstd)"),
    "csv": ("csv", "(FORMAT csv, HEADER true)"),
    "jsonl": ("jsonl", "(FORMAT json)"),
}

# name -> "module:function"
EXPORTERS: dict[str, str] = {
    "tables": "propscope.present.export:export_corpus",
    "gexf": "propscope.present.gexf:write_gexf",
    "partitioned": "propscope.present.partitioned:export_partitioned",
}
