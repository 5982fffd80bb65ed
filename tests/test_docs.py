"""Docs stay true: every exported column and every command is documented."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest

from propscope import load_settings, pipeline
from propscope.cli import main

ROOT = Path(__file__).resolve().parents[1]


def documented_columns() -> dict[str, set[str]]:
    text = (ROOT / "docs" / "exports.md").read_text(encoding="utf-8")
    tables: dict[str, set[str]] = {}
    current = None
    for line in text.splitlines():
        heading = re.match(r"### (\w+)", line)
        if heading:
            current = tables.setdefault(heading.group(1), set())
            continue
        cell = re.match(r"\| (\w+) \|", line)
        if current is not None and cell and cell.group(1) not in {"column"}:
            current.add(cell.group(1))
    return tables


@pytest.fixture(scope="module")
def example_exports(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("docs")
    settings = load_settings(analyzers=("references", "repetitions"))
    pipeline.run([ROOT / "examples" / "corpus"], tmp / "c.duckdb", tmp / "out", settings)
    return tmp / "out"


def test_every_exported_column_is_documented(example_exports):
    docs = documented_columns()
    files = sorted(example_exports.glob("*.parquet"))
    assert len(files) >= 8
    for f in files:
        cols = duckdb.sql(f"SELECT * FROM '{f}' LIMIT 0").columns
        table = f.stem
        assert table in docs, f"docs/exports.md has no section for {table}"
        missing = set(cols) - docs[table]
        assert not missing, f"{table}: undocumented column(s) {sorted(missing)}"


def test_analyzer_tables_are_documented():
    from propscope.analyze.registry import get_analyzer
    docs = documented_columns()
    for name in ("references", "repetitions", "techniques"):
        analyzer = get_analyzer(name)
        for table, schema in analyzer.tables.items():
            assert table in docs
            assert set(schema.names) - {"run_id"} <= docs[table], table


def test_every_command_is_in_the_readme_or_docs():
    corpus = (ROOT / "README.md").read_text() + "".join(
        p.read_text() for p in (ROOT / "docs").glob("*.md"))
    for name in main.commands:
        assert f"propscope {name}" in corpus, f"`propscope {name}` is not documented"
