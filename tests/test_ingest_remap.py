"""A re-ingest with a corrected ``--field`` mapping corrects the corpus (issue 18, item 7).

Before, files already ingested were skipped and a corrected mapping only warned: the
corpus, the app and the exports kept the wrong sources. Every test here goes through the
CLI into a real DuckDB corpus.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from propscope.cli import main
from propscope.present.webapp import create_app
from propscope.stages import ingest_remap

SHARED = ("The harbour authority confirmed on Monday that the northern pier will close for "
          "repairs until the end of the summer season, and ferries will use the old dock")
ROWS = [  # body, author, site, summary, when
    (f"{SHARED}. Residents were told on short notice.", "Ann Lee", "north.example",
     "Pier closes.", "2024-03-01T08:00:00Z"),
    (f"{SHARED}. Shop owners fear the loss of visitors.", "Bob Roy", "south.example",
     "Shops worry.", "2024-03-01T08:05:00Z"),
    ("A council vote on the new school budget was postponed after a long debate about "
     "teacher salaries and the cost of heating old buildings.", "Ann Lee", "north.example",
     "Vote postponed.", "2024-03-02T09:00:00Z"),
    ("The football club announced a new coach who promised attacking play and more chances "
     "for young players from the local academy.", "Cy Dee", "east.example",
     "New coach.", "2024-03-03T10:00:00Z"),
]


def _csv(path: Path, rows: list[tuple[str, ...]] = ROWS) -> Path:
    import csv

    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["body", "author", "site", "summary", "when"])
        w.writerows(rows)
    return path


def _invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def _rows(corpus: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(corpus), read_only=True) as con:
        con.execute("SET TimeZone = 'UTC'")
        return sorted(con.execute(sql).fetchall(), key=repr)


def _text(html: str) -> str:
    """A page's visible words, one space apart."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _source_page(corpus: Path, name: str) -> str:
    """The app's page of source ``name`` as text; the app's connection is closed after, so
    the next command can write the corpus."""
    app = create_app(corpus)
    try:
        return _text(TestClient(app).get("/source", params={"name": name}).text)
    finally:
        app.state.browser.con.close()


def _snapshot(corpus: Path) -> dict[str, list[tuple]]:
    """Everything a correction could touch, run IDs included (a no-op rewrites nothing)."""
    present = {r[0] for r in _rows(corpus, "SELECT table_name FROM information_schema.tables")}
    return {t: _rows(corpus, f"SELECT * FROM {t}") for t in present & {
        "documents", "document_sources", "stage_done", "corpus_stages", "quarantine",
        "external_ids", "ingested_files", "ingested_mappings", "doc_references", "repetitions",
        "reuse_clusters"}}


def test_corrected_source_mapping_corrects_corpus_app_and_exports(tmp_path: Path) -> None:
    src = _csv(tmp_path / "posts.csv")
    corpus = tmp_path / "c.duckdb"
    common = ["--corpus", str(corpus), "--field", "text=body", "--techniques", "off",
              "--min-words", "8"]
    code, out = _invoke("run", str(src), *common, "--field", "source=author",
                        "--out", str(tmp_path / "wrong"))
    assert code == 0, out
    assert {r[0] for r in _rows(corpus, "SELECT source FROM documents")} == {
        "Ann Lee", "Bob Roy", "Cy Dee"}
    # The app builds its side index on the wrong sources ...
    assert "Bob Roy 1 documents" in _source_page(corpus, "Bob Roy")

    code, out = _invoke("run", str(src), *common, "--field", "source=site",
                        "--out", str(tmp_path / "fixed"))
    assert code == 0, out
    assert f"4 documents re-mapped from {src}: source author\u2192site" in out
    assert "warning" not in out
    expected = {"north.example", "south.example", "east.example"}
    assert {r[0] for r in _rows(corpus, "SELECT source FROM documents")} == expected
    assert {r[0] for r in _rows(corpus, "SELECT source FROM document_sources")} == expected
    # Exports written by this run show the corrected sources, nothing of the wrong ones.
    fixed = tmp_path / "fixed"
    for table in ("documents", "document_sources"):
        sources = set(pq.read_table(fixed / f"{table}.parquet").column("source").to_pylist())
        assert sources == expected, table
    report = (fixed / "report.html").read_text(encoding="utf-8")
    assert "<td>south.example</td>" in report and "<td>Bob Roy</td>" not in report
    # Every per-document stage read the documents again, and the link stages reran.
    summary = _rows(corpus, "SELECT summary FROM runs WHERE command = 'run' ORDER BY started")
    runs = [json.loads(s[0]) for s in summary]
    second = max(runs, key=lambda r: r["run_id"])
    for name in ("language", "references", "repetitions"):
        assert second["analyze"][name]["documents"] == 4, second["analyze"]
    assert second["link"]["reuse"]["status"] == "ok"
    assert second["link"]["coordination"].get("status") != "skipped"
    # ... and, started again, shows the corrected ones (the index is rebuilt).
    assert "south.example 1 documents" in _source_page(corpus, "south.example")
    assert "north.example 2 documents" in _source_page(corpus, "north.example")
    assert "Not found" in _source_page(corpus, "Bob Roy"), "no source of that name any more"

    before = _snapshot(corpus)
    code, out = _invoke("run", str(src), *common, "--field", "source=site",
                        "--out", str(tmp_path / "again"))
    assert code == 0, out
    assert "re-mapped" not in out
    assert _snapshot(corpus) == before, "the same corrected command twice changes nothing"


def test_corrected_text_column_replaces_the_files_documents(tmp_path: Path) -> None:
    """Wrong text column: its documents go, except one another file also holds; the right
    texts come in; per-document results of the gone ones go too."""
    src = _csv(tmp_path / "posts.csv")
    other = tmp_path / "other.jsonl"
    other.write_text(json.dumps({"text": "Pier closes.", "source": "wire"}) + "\n")
    corpus = tmp_path / "c.duckdb"
    code, out = _invoke("ingest", str(src), "--corpus", str(corpus),
                        "--field", "text=summary", "--field", "source=site")
    assert code == 0, out
    code, out = _invoke("ingest", str(other), "--corpus", str(corpus))
    assert code == 0, out
    code, out = _invoke("analyze", "--corpus", str(corpus), "--analyzer", "references", "-q")
    assert code == 0, out
    wrong = {r[0] for r in _rows(corpus, "SELECT text FROM documents")}
    assert "Shops worry." in wrong and "Pier closes." in wrong

    code, out = _invoke("ingest", str(src), "--corpus", str(corpus),
                        "--field", "text=body", "--field", "source=site")
    assert code == 0, out
    assert f"5 documents re-mapped from {src}" in out  # 4 new texts, 1 now from other.jsonl and "text summary\u2192body" in out
    assert "(4 added, 3 removed)" in out
    texts = {r[0] for r in _rows(corpus, "SELECT text FROM documents")}
    assert "Shops worry." not in texts and "Vote postponed." not in texts
    assert "Pier closes." in texts, "held by other.jsonl too: kept"
    assert sum(t.startswith(SHARED) for t in texts) == 2 and len(texts) == 5
    kept = _rows(corpus, "SELECT d.source, d.file FROM documents d WHERE text = 'Pier closes.'")
    assert kept == [("wire", str(other))], "the kept document now comes from the other file"
    # No result or mark is left for a document that is gone; the new ones are pending.
    orphans = _rows(corpus, "SELECT doc_id FROM stage_done EXCEPT SELECT doc_id FROM documents")
    assert orphans == []
    assert _rows(corpus, "SELECT doc_id FROM doc_references EXCEPT "
                         "SELECT doc_id FROM documents") == []
    code, out = _invoke("analyze", "--corpus", str(corpus), "--analyzer", "references",
                        "--json")
    # the 4 new documents, and the kept one, whose source changed
    assert json.loads(out)["references"]["documents"] == 5


def test_a_corrected_date_order_rereads_the_dates(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from propscope.ingest.dates import DATE_ORDER_ENV

    monkeypatch.delenv(DATE_ORDER_ENV, raising=False)
    src = tmp_path / "posts.csv"
    src.write_text("text,source,date\nThe ferry to the island was late again today.,a,03/04/2024\n")
    corpus = tmp_path / "c.duckdb"
    code, out = _invoke("ingest", str(src), "--corpus", str(corpus))
    assert code == 0 and "could be day/month" in out
    assert str(_rows(corpus, "SELECT published FROM documents")[0][0])[:10] == "2024-03-04"
    monkeypatch.setenv(DATE_ORDER_ENV, "mdy")  # restored after the test: the CLI sets it
    code, out = _invoke("ingest", str(src), "--corpus", str(corpus), "--date-order", "dmy")
    assert code == 0 and "date order mdy\u2192dmy" in out, out
    assert str(_rows(corpus, "SELECT published FROM documents")[0][0])[:10] == "2024-04-03"


def test_a_correction_killed_midway_changes_nothing_and_resumes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src = _csv(tmp_path / "posts.csv")
    corpus = tmp_path / "c.duckdb"
    args = ["ingest", str(src), "--corpus", str(corpus), "--field", "text=body"]
    code, out = _invoke(*args, "--field", "source=author", "-q")
    assert code == 0, out
    before = _rows(corpus, "SELECT doc_id, source FROM documents")

    def crash(*_: object) -> None:
        raise RuntimeError("killed")  # as a killed process: nothing after this point runs

    monkeypatch.setattr(ingest_remap, "_forget", crash)
    result = CliRunner().invoke(main, [*args, "--field", "source=site"])
    assert result.exit_code != 0
    assert _rows(corpus, "SELECT doc_id, source FROM documents") == before
    monkeypatch.undo()
    code, out = _invoke(*args, "--field", "source=site")
    assert code == 0 and "4 documents re-mapped" in out, out
    assert {r[0] for r in _rows(corpus, "SELECT source FROM documents")} == {
        "north.example", "south.example", "east.example"}


def test_an_archive_member_is_corrected_and_the_archive_not_walked_again(tmp_path: Path) -> None:
    import zipfile

    member = _csv(tmp_path / "posts.csv")
    archive = tmp_path / "feeds.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(member, "may/posts.csv")
    member.unlink()
    corpus = tmp_path / "c.duckdb"
    args = ["ingest", str(archive), "--corpus", str(corpus), "--field", "text=body"]
    assert _invoke(*args, "--field", "source=author", "-q")[0] == 0
    code, out = _invoke(*args, "--field", "source=site")
    assert code == 0 and f"4 documents re-mapped from {archive}!may/posts.csv" in out, out
    assert {r[0] for r in _rows(corpus, "SELECT source FROM document_sources")} == {
        "north.example", "south.example", "east.example"}
    mappings = _rows(corpus, "SELECT file, mapping FROM ingested_mappings")
    assert {f for f, _ in mappings} == {str(archive), f"{archive}!may/posts.csv"}
    assert len({m for _, m in mappings}) == 1, "the archive's own mark is up to date too"
    before = _snapshot(corpus)
    code, out = _invoke(*args, "--field", "source=site")
    assert code == 0 and "re-mapped" not in out and _snapshot(corpus) == before


def test_a_first_ingest_that_found_no_text_is_corrected(tmp_path: Path) -> None:
    """The wrong text column quarantines every record (PS101); the corrected one reads them,
    and the "no text" notes go."""
    src = _csv(tmp_path / "posts.csv", [(r[0], r[1], r[2], "", r[4]) for r in ROWS])
    corpus = tmp_path / "c.duckdb"
    code, out = _invoke("ingest", str(src), "--corpus", str(corpus), "--field", "text=summary")
    assert code == 2 and "PS101" in out
    assert len(_rows(corpus, "SELECT * FROM quarantine")) == 4
    code, out = _invoke("ingest", str(src), "--corpus", str(corpus), "--field", "text=body")
    assert code == 0 and f"4 documents re-mapped from {src}: text summary\u2192body (4 added)" in out
    assert len(_rows(corpus, "SELECT * FROM documents")) == 4
    assert _rows(corpus, "SELECT * FROM quarantine") == []
