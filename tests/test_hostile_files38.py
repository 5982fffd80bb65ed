"""Hostile input left open by the reviews of 2026-12-05, through a real DuckDB corpus.

A file an older version rejected whole is read again after the upgrade (and only then);
``--json`` says what failed on stdout too; warcio's own warning about a misframed WARC
record becomes a quarantine note instead of a line on stderr.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

import propscope
from propscope.cli import main
from propscope.settings import Settings
from propscope.stages.ingest import ingest_paths


def _good_lines(n: int) -> bytes:
    return "".join(json.dumps({"id": f"r{i}", "text": f"record {i} about the harbour budget",
                               "source": "s"}) + "\n" for i in range(n)).encode()


def _older_readers(corpus: propscope.Corpus) -> None:
    """As if every unit had been read by an older version (or before versions were kept)."""
    corpus.con.execute("UPDATE ingested_files SET readers = NULL")


def test_a_file_rejected_whole_before_an_upgrade_is_read_again(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    good = _good_lines(4)
    path.write_bytes(b"\x00\x01\x02" * (len(good) // 3) + b"\x00" * (len(good) % 3))
    os.utime(path, (1_700_000_000, 1_700_000_000))
    corpus = propscope.open_corpus(tmp_path / "c.duckdb")
    first = ingest_paths(corpus, [path], Settings(), "run-1")
    assert first.documents == 0 and first.quarantined >= 1
    # The same name, size and time, now readable: as if today's readers met the bytes an
    # older version could not read (the done-check keys on name, size and time).
    path.write_bytes(good)
    os.utime(path, (1_700_000_000, 1_700_000_000))
    same_version = ingest_paths(corpus, [path], Settings(), "run-2")
    assert same_version.files_skipped == 1 and same_version.documents == 0
    _older_readers(corpus)
    upgraded = ingest_paths(corpus, [path], Settings(), "run-3")
    assert [Path(n).name for n in upgraded.reread] == ["feed.jsonl"]
    assert upgraded.documents == 4
    assert corpus.count("quarantine") == 0  # the old reasons went with the old reading
    again = ingest_paths(corpus, [path], Settings(), "run-4")  # idempotent
    assert again.reread == [] and again.files_skipped == 1 and corpus.count("documents") == 4
    corpus.close()


def test_each_input_is_read_again_when_it_is_next_named(tmp_path: Path) -> None:
    """The version is kept per unit: an upgraded run over some inputs leaves the others to
    be read again when a later run names them; an archive under a folder with ``!`` in
    its name, and an archive that could not be opened at all, are read again too."""
    import io
    import zipfile
    good = _good_lines(3)
    zipped = io.BytesIO()
    with zipfile.ZipFile(zipped, "w") as z:
        z.writestr("inner.jsonl", good)
    plain, member, damaged = (tmp_path / "A" / "a.jsonl", tmp_path / "we!rd" / "m.zip",
                              tmp_path / "B" / "x.zip")
    final = {plain: good, member: zipped.getvalue(), damaged: zipped.getvalue()}
    for path, data in final.items():
        path.parent.mkdir(exist_ok=True)
        if path is member:  # a readable archive whose member an older version rejected
            broken = io.BytesIO()
            with zipfile.ZipFile(broken, "w") as z:
                z.writestr("inner.jsonl", b"\x00\x01" * (len(good) // 2) + b"\x00" * (len(good) % 2))
            path.write_bytes(broken.getvalue())
        else:
            path.write_bytes(b"\x00\x01\x02" * (len(data) // 3) + b"\x00" * (len(data) % 3))
        os.utime(path, (1_700_000_000, 1_700_000_000))
    corpus = propscope.open_corpus(tmp_path / "c.duckdb")
    assert ingest_paths(corpus, list(final), Settings(), "run-1").documents == 0
    _older_readers(corpus)
    for path, data in final.items():
        if len(data) == path.stat().st_size:
            path.write_bytes(data)
            os.utime(path, (1_700_000_000, 1_700_000_000))
    first = ingest_paths(corpus, [plain], Settings(), "run-2")
    assert [Path(n).name for n in first.reread] == ["a.jsonl"] and first.documents == 3
    later = ingest_paths(corpus, [member, damaged], Settings(), "run-3")
    assert sorted(later.reread) == sorted([f"{member}!inner.jsonl", str(damaged)])
    assert corpus.count("documents") == 3 and corpus.count("quarantine") == 0  # all 3 texts
    corpus.close()


def test_a_file_that_gave_documents_is_not_read_again(tmp_path: Path) -> None:
    path = tmp_path / "ok.jsonl"
    path.write_bytes(_good_lines(3) + b"{broken\n")
    corpus = propscope.open_corpus(tmp_path / "c.duckdb")
    ingest_paths(corpus, [path], Settings(), "run-1")
    _older_readers(corpus)
    again = ingest_paths(corpus, [path], Settings(), "run-2")
    assert again.reread == [] and again.files_skipped == 1
    corpus.close()


def test_json_errors_are_json_on_stdout(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["ingest", str(tmp_path / "missing.jsonl"), "--corpus",
                                       str(tmp_path / "c.duckdb"), "--json"])
    assert result.exit_code == 2
    out = json.loads(result.stdout)
    assert out["ok"] is False and out["exit_status"] == 2
    assert out["error"]["code"].startswith("PS1") and "missing.jsonl" in out["error"]["message"]
    plain = CliRunner().invoke(main, ["ingest", str(tmp_path / "missing.jsonl"), "--corpus",
                                      str(tmp_path / "c.duckdb")])
    assert plain.exit_code == 2 and not plain.stdout.strip()
    empty = tmp_path / "empty"
    empty.mkdir()
    ours = CliRunner().invoke(main, ["ingest", str(empty), "--corpus",
                                     str(tmp_path / "c.duckdb"), "--json"])
    assert ours.exit_code == 2
    assert json.loads(ours.stdout)["error"]["code"] == "PS101"  # a propscope error, coded


def _warc_record(uri: str, payload: bytes, length: int | None = None) -> bytes:
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n" + payload
    head = ("WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: " + uri
            + "\r\nWARC-Date: 2024-03-01T10:00:00Z\r\nWARC-Record-ID: <urn:uuid:" + uri[-1]
            + ">\r\nContent-Type: application/http; msgtype=response\r\nContent-Length: "
            + str(len(http) if length is None else length) + "\r\n\r\n").encode()
    return head + http + b"\r\n\r\n"


def test_a_misframed_warc_record_is_a_note_not_a_stderr_line(
        tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    page = b"<html><body><p>An archived page about the harbour budget and its vote.</p></body></html>"
    first = _warc_record("https://a.example/1", page)
    # a Content-Length 12 bytes short: the record's tail is read as the next "blank line"
    http_len = len(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n" + page)
    short = _warc_record("https://a.example/2", page.replace(b"An", b"A second"), http_len - 3)
    path = tmp_path / "crawl.warc"
    path.write_bytes(first + short + _warc_record("https://a.example/3", page))
    corpus = propscope.open_corpus(tmp_path / "c.duckdb")
    capfd.readouterr()
    ingest_paths(corpus, [path], Settings(), "run-1")
    err = capfd.readouterr().err
    reasons = list(corpus.df("quarantine")["reason"])
    corpus.close()
    assert "WARNING" not in err
    assert any("not followed by the blank lines" in r for r in reasons), reasons


def test_a_link_nested_past_the_parser_limit_is_read(tmp_path: Path) -> None:
    """Links and embeds were read with the parser's default depth limit after the text had
    been read without it: a link below 256 levels was dropped, silently."""
    page = ("<html><body><p>An ordinary opening paragraph about the weather in the city.</p>"
            + "<div>" * 300 + "<p>The council vote story continues here, read more at "
            "<a href='https://deep-site.example/story/9'>the full story</a> today.</p>"
            + "</div>" * 300 + "</body></html>")
    path = tmp_path / "deep.html"
    path.write_text(page, encoding="utf-8")
    corpus = propscope.open_corpus(tmp_path / "c.duckdb")
    ingest_paths(corpus, [path], Settings(), "r")
    meta = json.loads(corpus.df("documents")["meta"][0])
    corpus.close()
    assert any("deep-site.example/story/9" in str(link) for link in meta.get("html_links", []))


def test_dictionary_and_fixed_width_binary_columns_are_text(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq
    path = tmp_path / "spark.parquet"
    texts = pa.array([b"first record about the harbour budget",
                      b"second record about the harbour vote"], pa.binary())
    ids = pa.array([b"\xff" * 15 + b"\x01", b"\xff" * 15 + b"\x02"], pa.binary(16))
    pq.write_table(pa.table({"id": ids, "text": pa.DictionaryArray.from_arrays(
        pa.array([0, 1], pa.int32()), texts), "source": ["s", "s"]}), path)
    corpus = propscope.open_corpus(tmp_path / "c.duckdb")
    ingest_paths(corpus, [path], Settings(), "r")
    docs = corpus.df("documents")
    corpus.close()
    assert sorted(docs["text"]) == ["first record about the harbour budget",
                                    "second record about the harbour vote"]
    assert sorted(docs["external_id"]) == ["ff" * 15 + "01", "ff" * 15 + "02"]  # not one id


def test_fixed_width_values_count_against_the_record_limit(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq
    path = tmp_path / "wide.parquet"
    pq.write_table(pa.table({"id": pa.array([b"a" * 16, b"b" * 16], pa.binary(16)),
                             "text": pa.array([b"x" * 200_000, b"y" * 200_000],
                                              pa.binary(200_000)),
                             "source": ["s", "s"]}), path)
    corpus = propscope.open_corpus(tmp_path / "c.duckdb")
    summary = ingest_paths(corpus, [path], Settings(max_record_bytes=100_000), "r")
    corpus.close()
    assert summary.documents == 0 and summary.quarantined == 2


@pytest.mark.parametrize("value", [0, -1, -1e12, "0", "-86400"])
def test_zero_and_negative_epochs_are_no_date(value: object) -> None:
    from propscope.ingest.dates import parse_date
    with pytest.raises(ValueError, match="placeholder"):
        parse_date(value)
    assert parse_date(1_700_000_000).year == 2023  # type: ignore[union-attr]
    assert parse_date(1_700_000_000_000).year == 2023  # type: ignore[union-attr]


def test_an_output_folder_copied_without_its_times_is_not_read_back(tmp_path: Path) -> None:
    """``cp -r`` (no ``-p``), a download or a sync gives every file a new time: the exports
    of a former --out folder were read back as documents. Their content fingerprint holds."""
    import shutil

    import pyarrow as pa
    import pyarrow.parquet as pq

    from propscope.present.export import export_corpus
    data = tmp_path / "data"
    data.mkdir()
    (data / "posts.jsonl").write_bytes(_good_lines(6))
    corpus = propscope.open_corpus(tmp_path / "c.duckdb")
    ingest_paths(corpus, [data], Settings(), "run-1")
    export_corpus(corpus, data, "parquet")
    corpus.close()
    copy = tmp_path / "copy"
    shutil.copytree(data, copy, copy_function=shutil.copyfile)  # times not kept
    for f in copy.iterdir():
        os.utime(f, (1_800_000_000, 1_800_000_000))
    fresh = propscope.open_corpus(tmp_path / "c2.duckdb")
    ingest_paths(fresh, [copy], Settings(), "run-1")
    assert fresh.count("documents") == 6 and fresh.count("quarantine") == 0
    # a different file under an export's name is still input
    pq.write_table(pa.table({"id": ["new"], "text": ["a record dropped in later on"],
                             "source": ["s"]}), copy / "documents.parquet")
    ingest_paths(fresh, [copy], Settings(), "run-2")
    assert fresh.count("documents") == 7
    fresh.close()


def test_markup_of_a_page_2000_deep_is_read_in_linear_time() -> None:
    """Furniture, footers and embeds nested 2,000 deep (read without the parser's depth
    limit since links below it were lost): each subtree is walked a bounded number of
    times (nested spans in an ad box took 24 s)."""
    import time

    from propscope.ingest.html_markup import read_markup
    words = "lorem ipsum dolor sit amet " * 8
    shapes = {
        "ad": "<div class='ad'>" + ("<span>" + words) * 2000 + "</span>" * 2000 + "</div>",
        "footer": ("<div class='footer'>" + words) * 2000 + "</div>" * 2000,
        "tweets": ("<blockquote class='twitter-tweet'><p>" + words + "</p>") * 2000
                  + "</blockquote>" * 2000,
        # empty elements at every level: no text to skip a block by (28 s before the budget)
        "empty": "<div class='ad'>" + ("<span>x" + "<i></i>" * 50) * 2000 + "</span>" * 2000
                 + "</div>",
        # one short text at the bottom, padding at every level: every level is a block whose
        # words fit but whose text (399 characters) does not; paid for by its characters
        "padded": "<div class='ad'>" + ("<span>" + " " * 2000) * 2000 + "x " * 200
                  + "</span>" * 2000 + "</div>",
        "instagram": ("<blockquote class='instagram-media' data-instgrm-permalink="
                      "'https://www.instagram.com/p/Cabc123/'><p>" + words + "</p>") * 1000
                     + "</blockquote>" * 1000,
    }
    for name, body in shapes.items():
        page = f"<html><body><p>An opening paragraph.</p>{body}</body></html>".encode()
        started = time.perf_counter()
        read_markup(page, None, deep=True)
        assert time.perf_counter() - started < 3.0, name


def test_a_placeholder_epoch_gives_way_to_the_date_beside_it(tmp_path: Path) -> None:
    from propscope.ingest.dates import first_given
    assert first_given("0", "2020-10-28 10:00:00") == "2020-10-28 10:00:00"
    assert first_given(0, -1, " ", None) == 0  # alone, the placeholder: its note says why
    assert first_given("1603879200", "2020-10-28") == "1603879200"
    path = tmp_path / "fourcat.csv"
    path.write_text("id,thread_id,author,body,subject,timestamp,unix_timestamp\n"
                    "1,1,ana,a post about the harbour budget vote,,2020-10-28 10:00:00,0\n",
                    encoding="utf-8")
    corpus = propscope.open_corpus(tmp_path / "c.duckdb")
    ingest_paths(corpus, [path], Settings(), "r")
    published = corpus.con.execute("SELECT published FROM documents").fetchone()[0]
    notes = corpus.count("quarantine")
    corpus.close()
    assert published is not None and published.year == 2020 and notes == 0


def test_a_second_ctrl_c_during_cleanup_stops_at_once_without_a_traceback(tmp_path: Path) -> None:
    import subprocess
    import sys
    script = tmp_path / "twice.py"
    script.write_text(
        "import os, signal, time\n"
        "from propscope.cli.common import handle_errors\n"
        "@handle_errors\n"
        "def command():\n"
        "    try:\n"
        "        os.kill(os.getpid(), signal.SIGINT)\n"
        "        time.sleep(5)\n"
        "    finally:\n"
        "        os.kill(os.getpid(), signal.SIGINT)  # a second Ctrl-C in the cleanup\n"
        "        time.sleep(5)\n"
        "        print('cleanup not cut short')\n"
        "command()\n", encoding="utf-8")
    import time
    started = time.monotonic()
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode == 130 and time.monotonic() - started < 4.5
    assert "stopping now" in done.stderr and "Traceback" not in done.stderr


def test_a_mac_csv_whose_cells_hold_more_line_breaks_than_it_has_rows(tmp_path: Path) -> None:
    """Excel's "CSV (Macintosh)": rows end with CR, a break inside a cell is LF. Counted over
    the whole head, a file of multi-line cells looked LF-ended and was one broken record."""
    path = tmp_path / "mac_cells.csv"
    rows = "".join(f'c{i},"record {i}\nof a mac csv\nwith lines\nin it",s\r' for i in range(6))
    path.write_bytes(("id,text,source\r" + rows).encode())
    corpus = propscope.open_corpus(tmp_path / "c.duckdb")
    ingest_paths(corpus, [path], Settings(), "r")
    texts = sorted(corpus.df("documents")["text"])
    notes = corpus.count("quarantine")
    corpus.close()
    assert len(texts) == 6 and notes == 0 and "of a mac csv" in texts[0]
    unix = tmp_path / "unix.csv"  # LF rows with a stray CR in a quoted cell stay LF rows
    unix.write_bytes(("id,text,source\n" + "".join(
        f'u{i},"cell {i} with a\rcarriage return",s\n' for i in range(4))).encode())
    corpus = propscope.open_corpus(tmp_path / "c2.duckdb")
    ingest_paths(corpus, [unix], Settings(), "r")
    assert corpus.count("documents") == 4 and corpus.count("quarantine") == 0
    corpus.close()


def test_a_repaired_warc_address_makes_no_note_and_no_stderr_line(
        tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    """warcio repairs a target URI with spaces and logs a warning; that is neither a
    misframed record (a false note made ``--strict`` fail a clean archive) nor a line on
    stderr through ``--quiet``."""
    page = b"<html><body><p>An archived page about the harbour budget and its vote.</p></body></html>"
    path = tmp_path / "spaced.warc"
    path.write_bytes(_warc_record("https://a.example/one page", page)
                     + _warc_record("https://a.example/2", page.replace(b"An", b"A second")))
    corpus = propscope.open_corpus(tmp_path / "c.duckdb")
    capfd.readouterr()
    summary = ingest_paths(corpus, [path], Settings(), "run-1")
    err = capfd.readouterr().err
    corpus.close()
    assert summary.documents == 2 and summary.quarantined == 0
    assert "Replacing" not in err and "WARNING" not in err


def test_whitespace_only_blocks_leave_the_furniture_to_its_element() -> None:
    from propscope.ingest.html_markup import read_markup
    page = (b"<html><body><p>Body text of the article about the harbour.</p>"
            b"<figure><figcaption>Photo: Jane Roe / Agency<span>&nbsp;</span></figcaption>"
            b"</figure><div class='share'><p>\n</p>Share this story</div></body></html>")
    assert read_markup(page)["html_furniture"] == ["Photo: Jane Roe / Agency",
                                                   "Share this story"]


def test_an_ignored_ctrl_c_stays_ignored(tmp_path: Path) -> None:
    """A background job of a non-interactive shell starts with SIGINT ignored; the
    command's own handler must not make it interruptible."""
    import signal
    import subprocess
    import sys
    script = tmp_path / "ignored.py"
    script.write_text(
        "import os, signal, time\n"
        "from propscope.cli.common import handle_errors\n"
        "@handle_errors\n"
        "def command():\n"
        "    os.kill(os.getpid(), signal.SIGINT)\n"
        "    time.sleep(0.2)\n"
        "    print('went on')\n"
        "command()\n", encoding="utf-8")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                          timeout=60, check=False,
                          preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN))
    assert done.returncode == 0 and "went on" in done.stdout


def test_many_inputs_in_a_folder_named_with_a_bang_are_matched_in_one_pass(
        tmp_path: Path) -> None:
    """Over ``MAX_PREFIX_TOPS`` inputs with ``!`` in their folder's name are matched by name
    in Python, not by a prefix test per input in SQL (8 s for 20,000 files)."""
    from propscope.stages.ingest_rejected import MAX_PREFIX_TOPS
    folder = tmp_path / "Wow!"
    folder.mkdir()
    good = _good_lines(2)
    paths = [folder / f"f{i:03d}.jsonl" for i in range(MAX_PREFIX_TOPS + 6)]
    for i, path in enumerate(paths):
        data = good.replace(b'"r', f'"{i}-r'.encode()).replace(b"record ", f"record {i} ".encode())
        path.write_bytes(b"\x00\x01" * (len(data) // 2) + b"\x00" * (len(data) % 2))
        os.utime(path, (1_700_000_000, 1_700_000_000))
    corpus = propscope.open_corpus(tmp_path / "c.duckdb")
    assert ingest_paths(corpus, [folder], Settings(), "run-1").documents == 0
    _older_readers(corpus)
    for i, path in enumerate(paths):
        data = good.replace(b'"r', f'"{i}-r'.encode()).replace(b"record ", f"record {i} ".encode())
        path.write_bytes(data)
        os.utime(path, (1_700_000_000, 1_700_000_000))
    again = ingest_paths(corpus, [folder], Settings(), "run-2")
    assert len(again.reread) == len(paths) and corpus.count("documents") == 2 * len(paths)
    corpus.close()


@pytest.mark.parametrize("wrapper", ["twitter-tweet-wrapper", "embed twitter-tweet-container",
                                     "twitter-tweet twitter-tweet-rendered"])
def test_an_embed_inside_a_wrapper_named_like_it_is_read(wrapper: str) -> None:
    """Only an embed that was read hides the embeds inside it (a review found a div whose
    class merely contained "twitter-tweet" hiding the tweet it wraps)."""
    from propscope.ingest.html_markup import read_markup
    tweet = ('<blockquote class="twitter-tweet"><p lang="en">Harbour vote tonight.</p>&mdash; '
             'Jane Roe (@janeroe) <a href="https://twitter.com/janeroe/status/1234567890">'
             'March 3, 2021</a></blockquote>')
    page = f"<html><body><p>Article text.</p><div class='{wrapper}'>{tweet}</div></body></html>"
    embeds = read_markup(page.encode())["html_embeds"]
    assert [e["platform"] for e in embeds] == ["twitter"]


def test_a_deep_page_too_large_to_read_again_says_so(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """The second extraction without the depth limit costs about 1.8 s and 100 MB per MB of
    a deep page (bench/hostile.py ``r_html_markup``); past ``MAX_DEEP_REREAD_BYTES`` the page
    keeps its first extraction and the note says what may be missing."""
    from propscope.ingest import html as html_reader
    monkeypatch.setattr(html_reader, "MAX_DEEP_REREAD_BYTES", 2_000)
    para = "<p>A paragraph of article text about the council budget vote and its aftermath.</p>"
    page = ("<html><body>" + para + "<div>" * 300 + para.replace("A paragraph", "Deep text")
            + "</div>" * 300 + "</body></html>")
    items = list(html_reader.html_to_documents(page.encode(), "deep.html", "1"))
    notes = [i.reason for i in items if not hasattr(i, "text")]
    docs = [i for i in items if hasattr(i, "text")]
    assert len(docs) == 1 and "Deep text" not in docs[0].text
    assert any("too large" in n and "may be missing" in n for n in notes)
