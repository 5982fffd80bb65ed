"""Hostile input against the command line, the corpus file, the web app and the exports.

One test per item of issue 14 that these layers own (7, 8, 11-17). Real DuckDB
files, the real Starlette app (TestClient) or a real ``propscope serve`` on a
free localhost port, and real subprocesses where the terminal or the exit
status is what matters.
"""

from __future__ import annotations

import csv
import io
import json
import os
import resource
import socket
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import httpx
import networkx as nx
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from rich.console import Console
from starlette.testclient import TestClient

from conftest_present import build_bare_corpus, build_multi_corpus
from propscope import Document, open_corpus
from propscope.cli import main
from propscope.corpus import SCHEMA_VERSION
from propscope.document import Rejected
from propscope.errors import DiskFull, ForeignDatabase, NotACorpus
from propscope.present.export import export_corpus
from propscope.present.guard import allowed_hosts
from propscope.present.webapp import create_app
from propscope.progress import Reporter
from propscope.safetext import xml_safe_graph

pytestmark = pytest.mark.slow  # minutes of CPU: started first under xdist (conftest)

ROOT = Path(__file__).resolve().parents[1]
HOSTILE = "[bold]loud[/] [/] [link=http://x]y[/link] \x1b[31mred\x1b]0;pwned\x07 \x9b2J \u202eevil"


def cli(*args: str, env: dict[str, str] | None = None, limit_fsize: int | None = None,
        timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """``propscope ARGS`` in a real subprocess (this tree's sources first on the path)."""
    full_env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), **(env or {})}

    def limit() -> None:  # the way a full disk looks to a writer: EFBIG on write
        if limit_fsize is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit_fsize, limit_fsize))

    return subprocess.run([sys.executable, "-c", "from propscope.cli import main; main()", *args],
                          capture_output=True, text=True, env=full_env, timeout=timeout,
                          preexec_fn=limit if limit_fsize else None)


def start_serve(*args: str) -> tuple[subprocess.Popen[str], dict]:
    """``propscope serve --json ARGS``; returns the process and its ready line."""
    proc = subprocess.Popen(
        [sys.executable, "-c", "from propscope.cli import main; main()", "serve", "--json",
         "--port", "0", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")})
    line = proc.stdout.readline()
    if not line:
        proc.kill()
        raise AssertionError(f"serve printed no ready line: {proc.stderr.read()}")
    return proc, json.loads(line)


def stop(proc: subprocess.Popen[str]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


# -- 7: terminal output is literal ------------------------------------------------------------

def test_07_status_prints_quarantine_reasons_literally(tmp_path):
    path = tmp_path / "c.duckdb"
    with open_corpus(path) as corpus:
        corpus.add_rejected([Rejected(file="feed[/].jsonl", record="3",
                                      reason=f"bad JSON near {HOSTILE}\nforged line")], "r1")
    # FORCE_COLOR: rich would turn [bold] into an ESC sequence if it read it as markup.
    result = cli("status", "--corpus", str(path), env={"FORCE_COLOR": "1", "TERM": "xterm"})
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "[bold]loud[/] [/]" in result.stderr and "feed[/].jsonl:3" in result.stderr
    assert "\x1b" not in result.stderr and "\x9b" not in result.stderr and "\u202e" not in result.stderr
    assert "\\x1b[31mred" in result.stderr and "\\u202eevil" in result.stderr
    # The reason's newline cannot start a line of its own.
    assert not any(line.startswith("forged line") for line in result.stderr.splitlines())

    # Progress notes and messages of the library print literally too (a terminal console).
    buf = io.StringIO()
    reporter = Reporter()
    reporter.console = Console(file=buf, force_terminal=True, color_system="standard")
    reporter.print(f"[yellow]references: not computed ({HOSTILE})")
    with reporter.stage(f"ingest {HOSTILE}", total=1) as bar:
        bar.note(HOSTILE)
        bar.advance()
    out = buf.getvalue()
    assert out.count("[bold]loud[/] [/]") >= 3
    assert "\x1b]0;pwned" not in out and "\x1b[31mred" not in out


# -- 8: Host check and token ------------------------------------------------------------------

def test_08_serve_refuses_rebinding_hosts_and_requires_a_token_off_loopback(tmp_path):
    path = build_bare_corpus(tmp_path / "c.duckdb")
    app = create_app(path, hosts=allowed_hosts("127.0.0.1", 8765), port=8765)
    client = TestClient(app, base_url="http://127.0.0.1:8765")
    assert client.get("/").status_code == 200
    assert client.get("/", headers={"host": "localhost:8765"}).status_code == 200
    assert client.get("/", headers={"host": "[::1]:8765"}).status_code == 200
    for host in ("attacker.example:8765", "127.0.0.1.attacker.example:8765", "localhost:9999"):
        assert client.get("/export.csv", headers={"host": host}).status_code == 421, host

    # A real server on loopback: a rebinding name gets 421, the bound address 200.
    proc, ready = start_serve("--corpus", str(path))
    try:
        port = int(ready["url"].rsplit(":", 1)[1].strip("/"))
        assert "token" not in ready
        assert httpx.get(ready["url"] + "export.csv").status_code == 200
        evil = httpx.get(f"http://127.0.0.1:{port}/export.csv",
                         headers={"host": f"rebind.attacker.example:{port}"})
        assert evil.status_code == 421 and "csv" not in evil.headers.get("content-type", "")
    finally:
        stop(proc)

    # Off loopback: a warning, and a token (header, cookie or a first ?token= visit).
    proc, ready = start_serve("--corpus", str(path), "--host", "0.0.0.0")
    try:
        token = ready["token"]
        assert len(token) >= 32 and f"token={token}" in ready["url"]
        port = int(ready["url"].split(":")[2].split("/")[0])
        base = f"http://127.0.0.1:{port}"
        assert httpx.get(base + "/export.csv").status_code == 401
        assert httpx.get(base + "/", headers={"x-propscope-token": "wrong"}).status_code == 401
        assert httpx.get(base + "/", headers={"x-propscope-token": token}).status_code == 200
        assert httpx.get(base + "/", headers={"authorization": f"Bearer {token}"}).status_code == 200
        with httpx.Client(base_url=base) as browser:
            first = browser.get(f"/documents?token={token}&q=weather")
            assert first.status_code == 303 and first.headers["location"] == "/documents?q=weather"
            assert "httponly" in first.headers["set-cookie"].lower()
            assert browser.get("/export.csv").status_code == 200  # the cookie now
    finally:
        stop(proc)
        stderr = proc.stderr.read()
    assert "warning" in stderr and "no TLS" in stderr
    # --no-auth: no token asked, and the warning says so.
    proc, ready = start_serve("--corpus", str(path), "--host", "0.0.0.0", "--no-auth")
    try:
        port = int(ready["url"].split(":")[2].split("/")[0])
        assert "token" not in ready
        assert httpx.get(f"http://127.0.0.1:{port}/").status_code == 200
    finally:
        stop(proc)
    assert "--no-auth" in proc.stderr.read()


# -- 11: GEXF is valid XML whatever the text ------------------------------------------------------

def test_11_gexf_stays_valid_xml_with_control_characters(tmp_path):
    controls = "".join(chr(c) for c in range(0x20))
    names = [f"ctl{controls}.example", "plain.example", "esc\x1b[31m.example", "nul\x00a", "nul\x01a"]
    # The five sources coordinate in a ring (conftest_present.multi_records): the real
    # coordination stage puts their names in edges, evidence and communities.
    path, _ = build_multi_corpus(tmp_path / "c.duckdb", names)
    with open_corpus(path, read_only=True) as corpus:
        assert corpus.count("coordination_edges") and corpus.count("communities")
        export_corpus(corpus, tmp_path / "out", "parquet")
    tree = ET.parse(tmp_path / "out" / "network.gexf")  # raises on invalid XML
    labels = {n.get("label") for n in tree.iter() if n.tag.endswith("node")}
    assert len(labels) == len(names)  # "nul\x00a" and "nul\x01a" stay two nodes
    assert "esc\\x1b[31m.example" in labels

    # Lone surrogates and U+FFFE (which DuckDB cannot even store) in IDs and attributes.
    g = nx.Graph()
    g.add_node("a\ud800b", label="x\udfff\x00", community="\ufffe")
    g.add_edge("a\ud800b", "c\x1f", kinds="k\x08", weight=1.0)
    out = tmp_path / "g.gexf"
    nx.write_gexf(xml_safe_graph(g), out)
    root = ET.parse(out).getroot()
    assert any(n.get("label") == "x\\udfff\\x00" for n in root.iter() if n.tag.endswith("node"))


# -- 12: CSV formula injection ------------------------------------------------------------------

FORMULAS = ["=HYPERLINK(\"http://x\",\"y\")", "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd"]


def _formula_corpus(path: Path) -> Path:
    docs = [Document.create(f"Document {i} body text.", source=f, title=f,
                            published=datetime(2024, 1, 1 + i, tzinfo=UTC))
            for i, f in enumerate([*FORMULAS, "plain title"])]
    with open_corpus(path) as corpus:
        corpus.add_documents(docs, corpus.start_run("test"))
    return path


def test_12_csv_exports_neutralise_formulas_but_parquet_and_json_keep_the_text(tmp_path):
    path = _formula_corpus(tmp_path / "c.duckdb")
    result = cli("export", "--corpus", str(path), "--out", str(tmp_path / "csv"), "--format", "csv")
    assert result.returncode == 0, result.stderr
    with open(tmp_path / "csv" / "documents.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    titles = {r["title"] for r in rows}
    assert titles == {"'" + f for f in FORMULAS} | {"plain title"}
    assert all(not r["source"].startswith(tuple("=+-@\t\r")) for r in rows)

    assert cli("export", "--corpus", str(path), "--out", str(tmp_path / "raw"), "--format", "csv",
               "--keep-formulas").returncode == 0
    with open(tmp_path / "raw" / "documents.csv", newline="", encoding="utf-8") as fh:
        assert {r["title"] for r in csv.DictReader(fh)} == set(FORMULAS) | {"plain title"}

    assert cli("export", "--corpus", str(path), "--out", str(tmp_path / "pq")).returncode == 0
    assert set(pq.read_table(tmp_path / "pq" / "documents.parquet")["title"].to_pylist()) == \
        set(FORMULAS) | {"plain title"}
    assert cli("export", "--corpus", str(path), "--out", str(tmp_path / "js"),
               "--format", "jsonl").returncode == 0
    lines = (tmp_path / "js" / "documents.jsonl").read_text(encoding="utf-8").splitlines()
    assert {json.loads(x)["title"] for x in lines} == set(FORMULAS) | {"plain title"}

    # The web app's selection download: guarded CSV, untouched Parquet.
    client = TestClient(create_app(path))
    web = list(csv.DictReader(io.StringIO(client.get("/export.csv").text)))
    assert {r["title"] for r in web} == {"'" + f for f in FORMULAS} | {"plain title"}
    table = pq.read_table(io.BytesIO(client.get("/export.parquet").content))
    assert set(table["title"].to_pylist()) == set(FORMULAS) | {"plain title"}


# -- 13: query parameters are validated ---------------------------------------------------------

def test_13_bad_query_parameters_get_400_with_a_message(tmp_path):
    path, _ = build_multi_corpus(tmp_path / "c.duckdb")
    client = TestClient(create_app(path), raise_server_exceptions=False)
    bad = [("/reuse", {"page": str(10**30)}), ("/reuse", {"page": "-1"}),
           ("/reuse", {"page": "1e9"}), ("/documents", {"after": "9" * 40}),
           ("/documents", {"after": "1_000"}), ("/documents", {"after": "-5"}),
           ("/documents", {"from": "2024-13-45"}), ("/documents", {"to": "tomorrow"}),
           ("/export.csv", {"after": str(2**64)}), ("/export.parquet", {"from": "x" * 5000})]
    for url, params in bad:
        response = client.get(url, params=params)
        assert response.status_code == 400, (url, params, response.status_code)
        name = next(iter(params))
        assert name in response.text and ("whole number" in response.text or "YYYY-MM-DD" in response.text)
    assert client.get("/reuse", params={"page": "3"}).status_code == 200
    assert client.get("/documents", params={"after": "5", "from": "2024-03-05"}).status_code == 200
    # Escaped in the page, like everything else.
    page = client.get("/documents", params={"from": "<script>alert(1)</script>"})
    assert page.status_code == 400 and "alert(1)" not in page.text


# -- 14: --corpus must be a propscope corpus ----------------------------------------------------

def test_14_corpus_that_is_not_a_propscope_duckdb_file_is_refused(tmp_path):
    feed = tmp_path / "feed.jsonl"
    feed.write_text('{"id": 1, "text": "A post about the harbour ferry timetable."}\n')
    before = feed.read_bytes()
    result = cli("run", str(feed), "--corpus", str(feed))
    assert result.returncode == 2 and "[PS202]" in result.stderr and "feed.jsonl" in result.stderr
    assert "Traceback" not in result.stderr and feed.read_bytes() == before
    for command in ("status", "serve"):  # in-process: the exit status and message, quickly
        result = CliRunner().invoke(main, [command, "--corpus", str(feed)])
        assert result.exit_code == 2 and "[PS202]" in result.output

    other = tmp_path / "other.duckdb"
    con = duckdb.connect(str(other))
    con.execute("CREATE TABLE invoices (id INTEGER, total DOUBLE)")
    con.close()
    for args in (("ingest", str(feed)), ("status",), ("serve",), ("report", "--out", str(tmp_path / "r.html"))):
        result = CliRunner().invoke(main, [*args, "--corpus", str(other)])
        assert result.exit_code == 2 and "[PS203]" in result.output, (args, result.output)
    con = duckdb.connect(str(other), read_only=True)
    assert [r[0] for r in con.execute("SHOW TABLES").fetchall()] == ["invoices"]
    con.close()
    with pytest.raises(ForeignDatabase):
        open_corpus(other)
    with pytest.raises(NotACorpus):
        open_corpus(feed, read_only=True)

    # An absent path (or an empty file, as mktemp leaves) is a new corpus for `run`.
    fresh = tmp_path / "new" / "fresh.duckdb"
    fresh.parent.mkdir()
    config = tmp_path / "quick.toml"  # the corpus is what is tested, not the model
    config.write_text('analyzers = ["references"]\n')
    assert cli("run", str(feed), "--corpus", str(fresh), "--config", str(config),
               "--quiet").returncode == 0
    empty = tmp_path / "empty.duckdb"
    empty.write_bytes(b"")
    assert cli("ingest", str(feed), "--corpus", str(empty), "--quiet").returncode == 0
    with open_corpus(fresh, read_only=True) as corpus:
        assert corpus.count("documents") == 1


# -- 15: disk full, a damaged file, a writer holding the lock ------------------------------------

def test_15_disk_full_corrupt_file_and_lock_conflict_give_coded_errors(tmp_path):
    feed = tmp_path / "big.jsonl"
    with feed.open("w") as fh:
        for i in range(2000):
            fh.write(json.dumps({"id": i, "source": f"s{i % 5}.example",
                                 "text": " ".join(f"word{(i * 7919 + k) % 100003}" for k in range(300))})
                     + "\n")
    path = tmp_path / "c.duckdb"
    full = cli("ingest", str(feed), "--corpus", str(path), limit_fsize=1_500_000)
    assert full.returncode == 2, full.stderr
    assert f"[{DiskFull.code}]" in full.stderr and "Traceback" not in full.stderr
    assert "free disk space" in full.stderr
    # What the hint says works: the same command, with room, finishes and keeps everything.
    again = cli("ingest", str(feed), "--corpus", str(path), "--json")
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["corpus_documents"] == 2000

    # A damaged file: every block after the header overwritten.
    damaged = tmp_path / "damaged.duckdb"
    data = bytearray(path.read_bytes())
    data[4096:] = b"\xab" * (len(data) - 4096)
    damaged.write_bytes(bytes(data))
    for args in (("status",), ("serve",), ("ingest", str(feed))):
        result = cli(*args, "--corpus", str(damaged))
        assert result.returncode == 2 and "[PS204]" in result.stderr, (args, result.stderr)
        assert "Traceback" not in result.stderr

    # A writer holds the corpus: serve and status say so, naming the process.
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from propscope import open_corpus\n"
         f"c = open_corpus({str(path)!r}); print('held', flush=True); time.sleep(60)"],
        stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(ROOT / "src")})
    try:
        assert holder.stdout.readline().strip() == "held"
        for command in ("serve", "status"):
            result = cli(command, "--corpus", str(path))
            assert result.returncode == 2 and "[PS201]" in result.stderr, result.stderr
            assert str(holder.pid) in result.stderr and "Traceback" not in result.stderr
    finally:
        holder.kill()
        holder.wait()


# -- 16: serve checks the schema version ------------------------------------------------------------

def test_16_serve_refuses_a_newer_schema(tmp_path):
    path = build_bare_corpus(tmp_path / "c.duckdb")
    with open_corpus(path) as corpus:
        corpus.con.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'",
                           [str(SCHEMA_VERSION + 1)])
    result = cli("serve", "--corpus", str(path), "--port", "0", timeout=60)
    assert result.returncode == 2 and "[PS206]" in result.stderr and "schema version" in result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""


# -- 17: ready only once bound; a busy port is a clear error ------------------------------------------

def test_17_serve_ready_line_comes_after_binding_and_busy_port_is_named(tmp_path):
    path = build_bare_corpus(tmp_path / "c.duckdb")
    proc, ready = start_serve("--corpus", str(path))
    try:
        # No retry loop: the moment the line is printed, the URL answers.
        assert httpx.get(ready["url"], timeout=10).status_code == 200
    finally:
        stop(proc)

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        started = time.monotonic()
        result = cli("serve", "--corpus", str(path), "--port", str(port), "--json", timeout=60)
    assert result.returncode == 2
    said = json.loads(result.stdout)  # with --json the failure, never a URL, on stdout
    assert "url" not in said and said["error"]["code"] == "PS501"
    assert "[PS501]" in result.stderr and f"port {port}" in result.stderr
    assert "Traceback" not in result.stderr and time.monotonic() - started < 60
