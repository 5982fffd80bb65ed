"""Partitioned Parquet output: the catalog file answers exactly like the corpus."""

from __future__ import annotations

from pathlib import Path

from propscope import pipeline
from propscope.corpus import open_corpus
from propscope.present.partitioned import export_partitioned
from propscope.settings import Settings
from synthetic import Spec, write_corpus
from test_engines import FAST


def _rows(con, table: str, cols: list[str]) -> list[tuple]:  # noqa: ANN001 - a DuckDB connection
    select = ", ".join(f'"{c}"' for c in cols)
    return con.execute(f'SELECT {select} FROM "{table}" ORDER BY ALL').fetchall()


def test_partitioned_parquet_catalog_equals_the_corpus(tmp_path: Path) -> None:
    assert FAST, "no fast per-document analyzer is registered"
    paths = write_corpus(Spec(documents=300, shard_size=150, seed=17), tmp_path / "in")
    corpus_path = tmp_path / "c.duckdb"
    pipeline.run(paths, corpus_path, None, Settings(analyzers=FAST))
    with open_corpus(corpus_path, read_only=True) as corpus:
        summary = export_partitioned(corpus, tmp_path / "lake", prefix_chars=1)
        assert summary["tables"]["documents"] == corpus.count("documents")
        # Documents are spread over the 16 hex-digit partitions.
        parts = sorted(p.name for p in (tmp_path / "lake" / "documents").iterdir())
        assert len(parts) == 16 and parts[0] == "part=0"
        with open_corpus(summary["catalog"], read_only=True) as lake:
            for table in summary["tables"]:
                cols = list(lake.df(table).columns)
                assert "run_id" not in cols and "part" not in cols
                assert _rows(lake.con, table, cols) == _rows(corpus.con, table, cols), table
    # Writing again replaces the files instead of adding to them.
    with open_corpus(corpus_path, read_only=True) as corpus:
        again = export_partitioned(corpus, tmp_path / "lake")
        with open_corpus(again["catalog"], read_only=True) as lake:
            assert lake.count("documents") == corpus.count("documents")
