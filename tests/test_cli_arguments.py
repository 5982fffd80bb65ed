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
from propscope.present.browse_index import index_path


def _invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def test_run_with_no_sources_and_no_corpus_is_an_error(tmp_path: Path) -> None:
    code, out = _invoke("run", "--corpus", str(tmp_path / "c.duckdb"), "-q")
    assert code == 2 and "PS100" in out and "no SOURCES" in out
    assert not (tmp_path / "c.duckdb").exists()


@pytest.mark.parametrize("option,value", [("--window", "-5"), ("--window", "0"),
                                          ("--min-words", "-1"), ("--limit", "-3"),
                                          ("--limit", "0"), ("--workers", "0"),
                                          ("--techniques-sample", "-1")])
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
    # report's --out is a file: a folder above it that cannot be made is the same coded error
    # (it was a FileExistsError traceback).
    src.write_text("Some text about the harbour and the ferry.\n")
    code, out = _invoke("ingest", str(src), "--corpus", str(tmp_path / "c.duckdb"), "-q")
    assert code == 0, out
    code, out = _invoke("report", "--corpus", str(tmp_path / "c.duckdb"),
                        "--out", str(blocker / "report.html"))
    assert code == 2 and "PS100" in out and "--out" in out and "Traceback" not in out


def test_serve_refuses_a_port_out_of_range_before_opening_anything(tmp_path: Path) -> None:
    src = tmp_path / "a.txt"
    src.write_text("Some text about the harbour.\n")
    corpus = tmp_path / "c.duckdb"
    assert _invoke("ingest", str(src), "--corpus", str(corpus), "-q")[0] == 0
    for port in ("-1", "70000"):
        code, out = _invoke("serve", "--corpus", str(corpus), "--port", port)
        assert code == 2 and "Invalid value for '--port'" in out
    assert not index_path(corpus).exists(), "the app was never built"


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


def _published(corpus: Path) -> dict[str, object]:
    import duckdb

    with duckdb.connect(str(corpus), read_only=True) as con:
        return dict(con.execute("SELECT left(text, 6), published::DATE::VARCHAR FROM documents").fetchall())


def test_ambiguous_dates_are_counted_in_a_warning_and_date_order_reads_them(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from propscope.ingest.dates import DATE_ORDER_ENV

    monkeypatch.delenv(DATE_ORDER_ENV, raising=False)
    src = tmp_path / "posts.csv"
    src.write_text("text,source,date\nfirst story about the harbour works,a.example,03/04/2024\n"
                   "second story about the river,a.example,13/04/2024\n"
                   "third story about the rain,b.example,05/06/2024\n")
    code, out = _invoke("ingest", str(src), "--corpus", str(tmp_path / "a.duckdb"), "-q")
    assert code == 0 and "2 of 3 numeric dates" in out and "--date-order" in out
    assert _published(tmp_path / "a.duckdb")["first "] == "2024-03-04"  # month first, as before
    monkeypatch.setenv(DATE_ORDER_ENV, "mdy")  # restored after the test: the CLI sets it
    code, out = _invoke("ingest", str(src), "--corpus", str(tmp_path / "b.duckdb"), "-q",
                        "--date-order", "dmy")
    assert code == 0 and "numeric dates" not in out
    got = _published(tmp_path / "b.duckdb")
    assert got["first "] == "2024-04-03" and got["third "] == "2024-06-05"
    assert got["second"] == "2024-04-13"  # unambiguous either way
    code, out = _invoke("ingest", str(src), "--corpus", str(tmp_path / "c.duckdb"),
                        "--date-order", "dym")
    assert code == 2 and "dmy" in out


def test_help_says_created_if_missing_only_where_it_is(tmp_path: Path) -> None:
    for command in ("export", "status"):
        code, out = _invoke(command, "--help")
        assert code == 0 and "created if missing" not in out and "must exist" in out
        missing = tmp_path / f"{command}.duckdb"
        args = [command, "--corpus", str(missing)] + (["--out", str(tmp_path / "x")]
                                                      if command == "export" else [])
        code, out = _invoke(*args)
        assert code != 0 and "PS200" in out and not missing.exists()
    code, out = _invoke("report", "--corpus", str(tmp_path), "--out", str(tmp_path / "r.html"),
                        "--max-documents", "-1")
    assert code == 2 and "Traceback" not in out


def test_a_changed_mapping_on_already_ingested_files_is_applied(tmp_path: Path) -> None:
    """It used to only warn ("ingest into a new corpus file"); now the files are read again
    (tests/test_ingest_remap.py covers what the correction changes)."""
    src = tmp_path / "posts.csv"
    src.write_text("body,site,when\nhello harbour news today,a.example,2024-03-01\n")
    corpus = tmp_path / "c.duckdb"
    code, out = _invoke("ingest", str(src), "--corpus", str(corpus), "--field", "text=body")
    assert code == 0 and "warning" not in out and "re-mapped" not in out
    code, out = _invoke("ingest", str(src), "--corpus", str(corpus), "--field", "text=body")
    assert code == 0 and "re-mapped" not in out  # a resume with the same mapping says nothing
    code, out = _invoke("ingest", str(src), "--corpus", str(corpus), "--field", "text=body",
                        "--field", "published=when")
    assert code == 0 and f"1 documents re-mapped from {src}: published (auto)\u2192when" in out
    assert "new corpus" not in out


@pytest.mark.parametrize("args", [("train", "--taxonomy", "semeval2023", "--epochs", "-1"),
                                  ("train", "--taxonomy", "semeval2023", "--max-articles", "0"),
                                  ("eval", "--limit", "-2")])
def test_technique_commands_refuse_negative_counts_before_any_work(args: tuple[str, ...]) -> None:
    """Issue 18: counts are checked up front, also on the training and evaluation commands."""
    code, out = _invoke(*args)
    assert code == 2 and "Invalid value" in out and args[-2] in out
