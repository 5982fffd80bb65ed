"""Hostile files and folders found by the review of 2026-12-05 (each stopped or emptied a run).

Through a real DuckDB corpus: a symlink loop, a FIFO and a link to nothing in an input
folder are quarantined with a reason and the good file beside them is read; file and
archive-member names that are not UTF-8 are kept (bytes written as ``\\xff``); one stray
NUL near the top of a JSON Lines file costs its record, not the file; CR-only line ends
(classic Mac, Excel's "CSV (Macintosh)") are read as lines; deeply nested JSON does not
stop the pre-flight checks; exports written into the input folder are not read back; and a
host of a million ``www.`` labels is canonicalised in linear time.
"""

from __future__ import annotations

import io
import json
import os
import tarfile
import time
from pathlib import Path

import pytest

import propscope
from propscope.analyze.urls import canonical_url
from propscope.cli.preflight import check_field_map, count_ambiguous_dates
from propscope.present.export import export_corpus
from propscope.settings import Settings
from propscope.stages.ingest import ingest_paths


def _line(i: int, source: str = "s") -> str:
    return json.dumps({"id": f"r{i}", "text": f"record number {i} about the harbour",
                       "source": source}) + "\n"


def _ingest(tmp_path: Path, *paths: Path) -> tuple[int, dict[str, str], list[str]]:
    """(documents, {file: reason}, ingested file names) of a fresh corpus."""
    corpus = propscope.open_corpus(tmp_path / f"c{len(list(tmp_path.glob('c*.duckdb')))}.duckdb")
    ingest_paths(corpus, list(paths), Settings(), "run-1")
    docs = corpus.count("documents")
    quarantine = {r["file"]: r["reason"] for r in corpus.df("quarantine").to_dict("records")}
    files = sorted(corpus.df("ingested_files")["file"])
    corpus.close()
    return docs, quarantine, files


def test_links_to_nothing_and_pipes_are_quarantined_and_the_rest_read(tmp_path: Path) -> None:
    data = tmp_path / "in"
    data.mkdir()
    (data / "good.jsonl").write_text(_line(1), encoding="utf-8")
    os.symlink("b.jsonl", data / "a.jsonl")
    os.symlink("a.jsonl", data / "b.jsonl")
    os.symlink("missing.jsonl", data / "dangling.jsonl")
    os.mkfifo(data / "pipe.jsonl")
    t0 = time.perf_counter()
    count_ambiguous_dates([data], {})  # opened the FIFO and blocked forever
    docs, quarantine, _ = _ingest(tmp_path, data)
    assert time.perf_counter() - t0 < 30
    assert docs == 1
    reasons = {Path(f).name: r for f, r in quarantine.items()}
    assert "loop" in reasons["a.jsonl"] and "loop" in reasons["b.jsonl"]
    assert "missing target" in reasons["dangling.jsonl"]
    assert "not a regular file" in reasons["pipe.jsonl"]


def test_names_that_are_not_utf8_are_kept_escaped(tmp_path: Path) -> None:
    data = tmp_path / "in"
    data.mkdir()
    with open(os.path.join(os.fsencode(data), b"bad\xff\xfename.jsonl"), "w") as fh:
        fh.write(_line(1))
    (data / "good.jsonl").write_text(_line(2), encoding="utf-8")
    archive = io.BytesIO()
    with tarfile.open(fileobj=archive, mode="w", format=tarfile.GNU_FORMAT,
                      encoding="latin-1") as tar:
        for i, name in enumerate(("good.jsonl", "caf\u00e9.jsonl")):
            body = _line(10 + i).encode()
            info = tarfile.TarInfo(name)
            info.size = len(body)
            tar.addfile(info, io.BytesIO(body))
    (data / "names.tar").write_bytes(archive.getvalue())
    docs, quarantine, files = _ingest(tmp_path, data)
    assert docs == 4 and not quarantine
    assert any(f.endswith("bad\\xff\\xfename.jsonl") for f in files)
    assert any(f.endswith("names.tar!caf\\xe9.jsonl") for f in files)
    assert _ingest(tmp_path, data)[0] == 4  # and again, on a fresh corpus


def test_one_stray_nul_costs_its_record_not_the_file(tmp_path: Path) -> None:
    path = tmp_path / "early.jsonl"
    lines = [_line(i) for i in range(200)]
    lines.insert(2, '{"id":"bad","text":"raw \x00 nul","source":"x"}\n')
    path.write_text("".join(lines), encoding="utf-8")
    assert _ingest(tmp_path, path)[0] >= 200


@pytest.mark.parametrize("suffix", [".jsonl", ".csv"])
def test_carriage_return_line_ends_are_lines(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"mac{suffix}"
    if suffix == ".jsonl":
        body = "\r".join(_line(i).strip() for i in range(5)) + "\r"
    else:
        body = "id,text,source\r" + "".join(f"c{i},record {i} in a mac csv,s\r" for i in range(5))
    path.write_bytes(body.encode())
    docs, quarantine, _ = _ingest(tmp_path, path)
    assert docs == 5 and not quarantine


def test_deep_json_does_not_stop_the_preflight(tmp_path: Path) -> None:
    path = tmp_path / "deep.jsonl"
    deep = '{"id":"deep","text":"x","meta":' + "[" * 100_000 + "]" * 100_000 + "}\n"
    path.write_text(deep + _line(1) + _line(2), encoding="utf-8")
    count_ambiguous_dates([path], {})
    check_field_map([path], {"source": "meta"})  # the first record cannot be read: no check
    docs, quarantine, _ = _ingest(tmp_path, path)
    assert docs == 2 and len(quarantine) == 1


def test_exports_written_into_the_input_folder_are_not_read_back(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "posts.jsonl").write_text("".join(_line(i) for i in range(20)), encoding="utf-8")
    corpus = propscope.open_corpus(tmp_path / "c.duckdb")
    for _ in range(3):
        ingest_paths(corpus, [data], Settings(), "run-1")
        export_corpus(corpus, data, "parquet")
        export_corpus(corpus, data / "out", "csv")
    assert corpus.count("documents") == 20
    assert corpus.count("quarantine") == 0
    corpus.close()


def test_a_host_of_a_million_www_labels_is_linear() -> None:
    t0 = time.perf_counter()
    out = canonical_url("https://" + "www." * 1_000_000 + "example.org/x")
    assert time.perf_counter() - t0 < 5  # was quadratic: ~15 minutes at this size
    assert out == "example.org/x"


def test_utf16_json_lines_lose_no_record(tmp_path: Path) -> None:
    path = tmp_path / "windows.jsonl"
    path.write_bytes("".join(_line(i) for i in range(5)).encode("utf-16"))
    docs, quarantine, _ = _ingest(tmp_path, path)
    assert docs == 5 and not quarantine


def test_a_huge_number_in_an_unused_field_keeps_the_record(tmp_path: Path) -> None:
    path = tmp_path / "views.jsonl"
    path.write_text('{"id":"v","text":"a record with a long view count","source":"s","views":'
                    + "9" * 5000 + "}\n" + _line(1), encoding="utf-8")
    docs, quarantine, _ = _ingest(tmp_path, path)
    assert docs == 2 and not quarantine


def test_bidi_overrides_and_controls_are_visible_in_html() -> None:
    from markupsafe import Markup

    from propscope.present.html import environment
    page = environment().from_string("<p>{{ name }}</p>{{ kept }}").render(
        name="dave\u202egnp.exe\x1b[2J<b>", kept=Markup("<i>ok</i>"))
    assert "\u202e" not in page and "\x1b" not in page
    assert "dave\\u202egnp.exe\\x1b[2J&lt;b&gt;" in page and "<i>ok</i>" in page


def test_python_dash_m_runs_the_command_line() -> None:
    import subprocess
    import sys
    done = subprocess.run([sys.executable, "-m", "propscope", "--help"], capture_output=True,
                          text=True, check=False,
                          env=dict(os.environ, PYTHONPATH=str(Path(propscope.__file__).parents[1])))
    assert done.returncode == 0 and "Usage" in done.stdout


def test_a_page_nested_260_deep_is_read_and_a_deeper_one_says_why(tmp_path: Path) -> None:
    for depth in (260, 1000, 5000):
        para = f"<p>A paragraph of article text about the council budget vote, page {depth}.</p>"
        page = ("<html><head><title>t</title></head><body>" + "<div>" * depth + para
                + "</div>" * depth + "</body></html>")
        (tmp_path / f"p{depth}.html").write_text(page, encoding="utf-8")
    corpus = propscope.open_corpus(tmp_path / "c.duckdb")
    ingest_paths(corpus, [tmp_path / f"p{d}.html" for d in (260, 1000, 5000)], Settings(), "r")
    assert corpus.count("documents") == 2
    reasons = {(Path(f).name, r) for f, r in corpus.con.execute(
        "SELECT file, reason FROM quarantine").fetchall()}
    corpus.close()
    assert any(n == "p260.html" and "read again without that limit" in r for n, r in reasons)
    assert any(n == "p5000.html" and "text may be hidden deeper" in r for n, r in reasons)


def test_text_hidden_below_an_ordinary_paragraph_is_found(tmp_path: Path) -> None:
    """One paragraph at the top used to hide text nested past the limit, with no note."""
    page = ("<html><body><p>An ordinary opening paragraph about the weather in the city.</p>"
            + "<div>" * 300 + "<p>The hidden claim that the vote was rigged by the council.</p>"
            + "</div>" * 300 + "</body></html>")
    path = tmp_path / "hide.html"
    path.write_text(page, encoding="utf-8")
    corpus = propscope.open_corpus(tmp_path / "c.duckdb")
    ingest_paths(corpus, [path], Settings(), "r")
    assert "hidden claim" in corpus.df("documents")["text"][0]
    corpus.close()


def test_a_binary_text_column_in_parquet_is_text(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq
    path = tmp_path / "spark.parquet"
    pq.write_table(pa.table({"id": ["a", "b"],
                             "text": pa.array([b"valid utf-8 text here", b"bad \xff byte"],
                                              pa.binary()),
                             "source": ["s", "s"]}), path)
    docs, quarantine, _ = _ingest(tmp_path, path)
    assert docs == 2 and not quarantine


def test_nothing_ingested_says_why(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from propscope.cli import main
    header = tmp_path / "header.csv"
    header.write_text("id,text,source\n", encoding="utf-8")
    empty = tmp_path / "empty"
    empty.mkdir()
    said = [CliRunner().invoke(main, ["ingest", str(p), "--corpus",
                                      str(tmp_path / f"c{i}.duckdb")]).output
            for i, p in enumerate((header, empty))]
    assert "none holding a record" in said[0]
    assert "no input file found" in said[1]


def test_a_warc_record_longer_than_the_archive_is_noted(tmp_path: Path) -> None:
    good = b"<html><body><p>A good archived page about the harbour budget.</p></body></html>"

    def record(uri: str, payload: bytes, length: int | None = None) -> bytes:
        http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n" + payload
        head = ("WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: " + uri
                + "\r\nWARC-Date: 2024-03-01T10:00:00Z\r\nWARC-Record-ID: <urn:uuid:" + uri[-1]
                + ">\r\nContent-Type: application/http; msgtype=response\r\nContent-Length: "
                + str(length if length is not None else len(http)) + "\r\n\r\n").encode()
        return head + http + b"\r\n\r\n"
    path = tmp_path / "crawl.warc"
    path.write_bytes(record("https://a.example/1", good)
                     + record("https://a.example/2", good.replace(b"good", b"second"), 10 ** 9)
                     + record("https://a.example/3", good.replace(b"good", b"third")))
    docs, quarantine, _ = _ingest(tmp_path, path)
    assert docs == 2
    (reason,) = quarantine.values()
    assert "more bytes than the archive holds" in reason
    clean = tmp_path / "clean.warc"
    clean.write_bytes(record("https://a.example/1", good))
    assert _ingest(tmp_path, clean)[1] == {}


@pytest.mark.parametrize("error", [KeyboardInterrupt(), RuntimeError("Query interrupted")])
def test_ctrl_c_is_one_line_and_status_130(error: BaseException,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    from propscope.cli.common import handle_errors

    def stopped() -> None:
        raise error
    with pytest.raises(SystemExit) as exit_:
        handle_errors(stopped)()
    assert exit_.value.code == 130
    assert "run the same command again to resume" in capsys.readouterr().err


def test_other_runtime_errors_still_raise() -> None:
    from propscope.cli.common import handle_errors

    def broken() -> None:
        raise RuntimeError("a bug")
    with pytest.raises(RuntimeError):
        handle_errors(broken)()


def test_a_column_named_twice_reads_the_first_and_says_so(tmp_path: Path) -> None:
    path = tmp_path / "twice.csv"
    path.write_text("id,text,text,source\n1,the first text column,the second one,s\n",
                    encoding="utf-8")
    corpus = propscope.open_corpus(tmp_path / "c.duckdb")
    ingest_paths(corpus, [path], Settings(), "run-1")
    assert list(corpus.df("documents")["text"]) == ["the first text column"]
    (reason,) = corpus.df("quarantine")["reason"]
    assert "columns named more than once: text" in reason
    corpus.close()


def test_a_new_file_in_a_former_output_folder_is_read(tmp_path: Path) -> None:
    """The outputs list holds each file's size and time: a file that replaced an export of
    the same name is input (found by review: a new posts.parquet was silently skipped)."""
    import pyarrow as pa
    import pyarrow.parquet as pq
    data = tmp_path / "data"
    data.mkdir()
    (data / "posts.jsonl").write_text("".join(_line(i) for i in range(5)), encoding="utf-8")
    corpus = propscope.open_corpus(tmp_path / "c.duckdb")
    ingest_paths(corpus, [data], Settings(), "run-1")
    export_corpus(corpus, data, "parquet")
    time.sleep(0.01)
    pq.write_table(pa.table({"id": ["new"], "text": ["a new record dropped in later"],
                             "source": ["s"]}), data / "documents.parquet")
    ingest_paths(corpus, [data], Settings(), "run-2")
    assert corpus.count("documents") == 6
    corpus.close()


def test_utf16_text_with_cr_bytes_is_not_changed(tmp_path: Path) -> None:
    """U+4E0D holds the byte 0x0D in UTF-16: no CR rewrite may touch UTF-16 bytes."""
    path = tmp_path / "notepad.txt"
    path.write_bytes("我不喜欢这个预算方案，议会明天投票。".encode("utf-16"))
    corpus = propscope.open_corpus(tmp_path / "c.duckdb")
    ingest_paths(corpus, [path], Settings(), "run-1")
    assert "我不喜欢" in corpus.df("documents")["text"][0]
    corpus.close()


def test_directional_marks_stay_in_html() -> None:
    from propscope.present.html import environment
    page = environment().from_string("{{ name }}").render(name="\u0645\u0631\u062d\u0628\u0627\u200f")
    assert "\u200f" in page and "\\u200f" not in page


def test_a_parquet_file_with_a_column_named_twice_is_read(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq
    table = pa.Table.from_arrays([pa.array(["a", "b"]), pa.array(["text one", "text two"]),
                                  pa.array(["x", "y"]), pa.array(["z", "w"])],
                                 names=["id", "text", "author", "author"])
    pq.write_table(table, tmp_path / "twice.parquet")
    docs, quarantine, _ = _ingest(tmp_path, tmp_path / "twice.parquet")
    assert docs == 2
    assert "columns named more than once: author" in next(iter(quarantine.values()))


def test_bidi_overrides_are_visible_in_markup_built_outside_templates() -> None:
    """Document bodies (highlighted spans), their tooltips, charts and diffs are built in
    Python; they go through the same visible escaping as the templates."""
    from propscope.present.html import Mark, highlight
    text = "An account named dave\u202egnp.exe posted this."
    plain = str(highlight(text, []))
    marked = str(highlight(text, [Mark("ref", 3, 10, "ref-1", "tip \u202e here")]))
    for html in (plain, marked):
        assert "\u202e" not in html and "\\u202e" in html


def test_a_mac_csv_with_a_line_break_in_a_cell_is_read(tmp_path: Path) -> None:
    path = tmp_path / "mac_cell.csv"
    rows = "".join(f"c{i},record {i} in a mac csv,s\r" for i in range(5))
    path.write_bytes(("id,text,source\r" + 'c9,"two\nlines",s\r' + rows).encode())
    docs, quarantine, _ = _ingest(tmp_path, path)
    assert docs == 6 and not quarantine


def test_comments_do_not_hide_the_depth_and_text_keeps_its_encoding(tmp_path: Path) -> None:
    """Review findings: closing tags inside comments fooled a tag count (the parser's own
    depth report is used now), and the second parse read UTF-8 without a charset as
    Latin-1 (it decodes the page as the first extraction did)."""
    page = ("<html><body><p>Обычный первый абзац о погоде в городе сегодня утром.</p>"
            + "<div><!--</i>-->" * 300 + "<p>Скрытое утверждение о том, что голосование "
            "было подделано советом.</p>" + "</div>" * 300 + "</body></html>")
    path = tmp_path / "ru.html"
    path.write_bytes(page.encode("utf-8"))
    corpus = propscope.open_corpus(tmp_path / "c.duckdb")
    ingest_paths(corpus, [path], Settings(), "r")
    text = corpus.df("documents")["text"][0]
    corpus.close()
    assert "Скрытое утверждение" in text and "Ð" not in text


def test_out_inside_the_inputs_never_overwrites_an_input(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq
    from click.testing import CliRunner

    from propscope.cli import main
    data = tmp_path / "data"
    data.mkdir()
    pq.write_table(pa.table({"id": [f"p{i}" for i in range(20)],
                             "text": [f"the analyst's own record {i}" for i in range(20)],
                             "source": ["s"] * 20}), data / "posts.parquet")
    before = (data / "posts.parquet").read_bytes()
    said = CliRunner().invoke(main, ["run", str(data), "--corpus", str(tmp_path / "c.duckdb"),
                                     "--out", str(data), "--techniques", "off", "--quiet"])
    assert said.exit_code == 2 and "propscope did not write" in said.output
    assert (data / "posts.parquet").read_bytes() == before
