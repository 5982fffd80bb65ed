"""The command layer: every command documents --quiet/--json; errors exit non-zero, clearly."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from propscope.cli import main


@pytest.mark.parametrize("name", sorted(main.commands))
def test_every_command_has_help_quiet_and_json(name):
    result = CliRunner().invoke(main, [name, "--help"])
    assert result.exit_code == 0, result.output
    assert "--quiet" in result.output and "--json" in result.output


def test_main_commands_exist():
    assert {"run", "ingest", "analyze", "export", "status"} <= set(main.commands)


def test_nothing_ingestible_exits_non_zero_with_message(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    result = CliRunner().invoke(main, ["ingest", str(empty), "--corpus", str(tmp_path / "c.duckdb")])
    assert result.exit_code != 0
    assert "nothing could be ingested" in result.output


def test_strict_turns_quarantine_into_an_error(tmp_path):
    feed = tmp_path / "feed.jsonl"
    feed.write_text('{"id": 1, "text": "a fine post about #transit"}\n{"id": 2, "text": \n')
    result = CliRunner().invoke(main, ["ingest", str(feed), "--corpus", str(tmp_path / "c.duckdb"),
                                       "--strict"])
    assert result.exit_code != 0
    assert "quarantined" in result.output


def test_ingest_json_summary_and_status(tmp_path):
    feed = tmp_path / "feed.jsonl"
    feed.write_text('{"id": 1, "text": "a fine post about #transit"}\n{"id": 2, "text": \n')
    corpus = str(tmp_path / "c.duckdb")
    result = CliRunner().invoke(main, ["ingest", str(feed), "--corpus", corpus, "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["documents"] == 1 and summary["quarantined"] == 1
    status = CliRunner().invoke(main, ["status", "--corpus", corpus, "--json"])
    data = json.loads(status.stdout)
    assert data["totals"]["documents"] == 1
    assert data["quarantine"][0]["record"] == "2"
