"""Each kind of plug-in is registered once, and every list derived from it agrees.

Analyzers (:mod:`propscope.analyze.registry`), engines (:data:`propscope.engine.ENGINES`),
input formats (:data:`propscope.ingest.READERS`), exporters
(:mod:`propscope.present.exporters`) and result tables (:data:`propscope.tables.TABLES`).
"""

from __future__ import annotations

import importlib

import click

from propscope.analyze.registry import get_analyzer, registered
from propscope.cli import main
from propscope.engine import ENGINES
from propscope.ingest import READERS
from propscope.present.exporters import EXPORTERS, FORMATS
from propscope.stages.link import LINK_STAGES
from propscope.tables import EXPORT_TABLES, PARTITION_KEYS, TABLES, TOTAL_TABLES


def _choices(command: str, option: str) -> list[str]:
    cmd = main.commands[command]
    param = next(p for p in cmd.params if p.name == option)
    assert isinstance(param.type, click.Choice)
    return list(param.type.choices)


def test_every_analyzer_table_is_a_registered_table_of_its_stage() -> None:
    for name in registered():
        for table in get_analyzer(name).tables:
            assert TABLES[table].stage == f"analyze:{name}", table
    owners = {t.stage for t in TABLES.values()}
    assert {f"analyze:{n}" for n in registered()} <= owners


def test_every_link_stage_writes_registered_tables() -> None:
    from propscope.link.reuse import OUTPUT_TABLES

    assert all(TABLES[t].stage == "link:reuse" for t in OUTPUT_TABLES)
    assert {s.split(":")[1] for s in (t.stage for t in TABLES.values())
            if s.startswith("link:")} == set(LINK_STAGES)


def test_table_lists_derive_from_the_one_registry() -> None:
    assert list(TABLES) == EXPORT_TABLES
    assert TOTAL_TABLES[:2] == ["documents", "document_sources"]
    assert set(TOTAL_TABLES) < set(EXPORT_TABLES)
    assert PARTITION_KEYS["reuse_pairs"] == "doc_a" and "communities" not in PARTITION_KEYS


def test_cli_choices_come_from_the_registries() -> None:
    for command in ("run", "analyze", "link"):
        assert _choices(command, "engine") == list(ENGINES) == ["local", "processes", "dask"]
    assert _choices("export", "fmt") == list(FORMATS) == ["parquet", "csv", "jsonl"]


def test_every_registered_exporter_and_link_stage_resolves() -> None:
    for target in [*EXPORTERS.values(), *LINK_STAGES.values()]:
        module, fn = target.split(":")
        assert callable(getattr(importlib.import_module(module), fn)), target
    assert ".jsonl" in READERS and all(callable(r) for r in READERS.values())
