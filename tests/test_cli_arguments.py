"""Arguments are checked before any stage runs (issue 18, item 7, in part).

Each case used to be accepted and then fail late (a traceback after every stage ran),
do nothing with exit 0, or silently produce wrong results.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from propscope.cli import main


def _invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def test_run_with_no_sources_and_no_corpus_is_an_error(tmp_path: Path) -> None:
    code, out = _invoke("run", "--corpus", str(tmp_path / "c.duckdb"), "-q")
    assert code == 2 and "PS100" in out and "no SOURCES" in out
    assert not (tmp_path / "c.duckdb").exists()


@pytest.mark.parametrize("option,value", [("--window", "-5"), ("--window", "0"),
                                          ("--min-words", "-1"), ("--limit", "-3"),
                                          ("--limit", "0"), ("--workers", "0")])
def test_negative_or_zero_counts_and_windows_are_refused(tmp_path: Path, option: str,
                                                         value: str) -> None:
    src = tmp_path / "a.txt"
    src.write_text("Some text about the harbour.\n")
    code, out = _invoke("run", str(src), "--corpus", str(tmp_path / "c.duckdb"), option, value)
    assert code == 2 and "Invalid value" in out and option in out
    assert not (tmp_path / "c.duckdb").exists(), "nothing may run before the arguments pass"


def test_an_out_path_that_cannot_be_a_folder_fails_before_any_stage(tmp_path: Path) -> None:
    src = tmp_path / "a.txt"
    src.write_text("Some text about the harbour.\n")
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    code, out = _invoke("run", str(src), "--corpus", str(tmp_path / "c.duckdb"),
                        "--out", str(blocker / "out"), "-q")
    assert code == 2 and "PS100" in out and "--out" in out and "Traceback" not in out
    assert not (tmp_path / "c.duckdb").exists()
    code, out = _invoke("export", "--corpus", str(tmp_path / "c.duckdb"), "--out", str(blocker))
    assert code == 2 and "Traceback" not in out


@pytest.mark.parametrize("suffix", [".jsonl", ".csv"])
def test_a_field_mapped_to_a_missing_column_names_the_columns_found(tmp_path: Path,
                                                                    suffix: str) -> None:
    src = tmp_path / f"posts{suffix}"
    if suffix == ".jsonl":
        src.write_text(json.dumps({"body": "hello harbour", "site": "a.example"}) + "\n")
    else:
        src.write_text("body,site\nhello harbour,a.example\n")
    corpus = tmp_path / "c.duckdb"
    code, out = _invoke("run", str(src), "--corpus", str(corpus), "--field", "text=body",
                        "--field", "source=sitename", "-q")
    assert code == 2 and "PS100" in out and "'sitename'" in out and "body, site" in out
    assert not corpus.exists()
    code, out = _invoke("ingest", str(src), "--corpus", str(corpus), "--field", "text=body",
                        "--field", "source=site", "-q")
    assert code == 0, out
