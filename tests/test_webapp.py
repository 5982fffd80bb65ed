"""The web app over a real DuckDB corpus: pages, search, filters, exports, safety."""

from __future__ import annotations

import io
import os

import duckdb
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest
from starlette.testclient import TestClient

from conftest_present import (
    XSS,
    LiveServer,
    build_bare_corpus,
    build_multi_corpus,
    build_xss_corpus,
    raw_get,
)
from propscope import Document, open_corpus
from propscope.present.browse_index import index_path
from propscope.present.selection import Selection, query_tokens
from propscope.present.webapp import create_app


@pytest.fixture(scope="module")
def multi(tmp_path_factory):
    path, info = build_multi_corpus(tmp_path_factory.mktemp("web") / "c.duckdb")
    return path, info, TestClient(create_app(path))


def _count(html: str) -> int:
    return int(html.split('id="match-count" data-count="', 1)[1].split('"', 1)[0])


def test_pages_render(multi):
    path, info, client = multi
    for url in ("/", "/documents", "/network", "/reuse", f"/doc/{info['ids'][0]}",
                "/source?name=ridge-news.example"):
        r = client.get(url)
        assert r.status_code == 200, url
        assert "default-src 'none'" in r.headers["content-security-policy"]
    assert "Report number 0." in client.get(f"/doc/{info['ids'][0]}").text


def test_search_returns_the_right_documents(multi):
    path, info, client = multi
    html = client.get("/documents", params={"q": "Zebra crossing"}).text
    expected = {info["ids"][i] for i in (7, 17, 27)}
    found = {d for d in info["ids"] if f'data-doc="{d}"' in html}
    assert found == expected and _count(html) == 3
    assert _count(client.get("/documents", params={"q": "zebra nonexistentword"}).text) == 0


def test_filters_change_counts(multi):
    path, info, client = multi
    assert _count(client.get("/documents").text) == 30
    assert _count(client.get("/documents", params={"signal": "hashtag"}).text) == 10
    assert _count(client.get("/documents", params={"source": "ridge-news.example"}).text) == 6
    assert _count(client.get("/documents", params={"technique": "Appeal_to_Fear-Prejudice"}).text) == 6
    assert _count(client.get("/documents", params={"from": "2024-03-05", "to": "2024-03-09"}).text) == 5
    assert _count(client.get("/documents", params={"q": "water"}).text) == 5  # i % 6 == 0
    both = client.get("/documents", params={"q": "water", "source": "harbor-daily.example"}).text
    assert _count(both) == 1 and info["ids"][0] in both


def test_pagination_is_keyset_and_complete(multi):
    path, info, client = multi
    b = client.app.state.browser
    seen, sel = [], Selection()
    while True:
        rows, nxt = b.page(sel)
        seen += [r["doc_id"] for r in rows]
        if nxt is None:
            break
        sel = Selection(after=nxt)
    assert sorted(seen) == sorted(info["ids"])


def test_exports_match_the_selection(multi):
    path, info, client = multi
    r = client.get("/export.csv", params={"signal": "hashtag"})
    assert r.status_code == 200 and "attachment" in r.headers["content-disposition"]
    tbl = pacsv.read_csv(io.BytesIO(r.content))
    assert tbl.num_rows == 10 and "url" in tbl.column_names
    r = client.get("/export.parquet", params={"q": "zebra"})
    tbl = pq.read_table(io.BytesIO(r.content))
    assert sorted(tbl["doc_id"].to_pylist()) == sorted(info["ids"][i] for i in (7, 17, 27))


def test_nothing_but_views(multi):
    path, info, client = multi
    for url in ("/export.duckdb", "/doc/..%2F..%2Fetc%2Fpasswd", "/doc/nope", "/static/x.css",
                "/source?name=..%2F..%2Fetc%2Fpasswd", "/c.duckdb"):
        assert client.get(url).status_code == 404, url
    assert client.post("/documents").status_code in (404, 405)


def test_path_traversal_on_a_live_server(tmp_path):
    path = build_bare_corpus(tmp_path / "c.duckdb")
    server = LiveServer(path)
    try:
        for raw in ("/../../../../etc/passwd", "/doc/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd",
                    "/doc/..%2f..%2fc.duckdb", "/c.duckdb"):
            assert raw_get(server.port, raw) == 404, raw
        assert raw_get(server.port, "/") == 200
    finally:
        server.stop()


def test_read_only_and_index_follows_changes(tmp_path):
    path, info = build_multi_corpus(tmp_path / "c.duckdb")
    before = os.stat(path).st_mtime_ns
    client = TestClient(create_app(path))
    assert _count(client.get("/documents").text) == 30
    assert os.stat(path).st_mtime_ns == before  # the corpus is never written
    client.app.state.browser.con.close()
    with open_corpus(path) as corpus:
        corpus.add_documents([Document.create("A brand new quokka story.", source="new.example")],
                             corpus.start_run("test"))
    client = TestClient(create_app(path))
    assert _count(client.get("/documents", params={"q": "quokka"}).text) == 1
    assert index_path(path).exists()


def test_missing_tables_say_not_computed(tmp_path):
    client = TestClient(create_app(build_bare_corpus(tmp_path / "c.duckdb")))
    html = client.get("/").text
    assert "Technique spans: not computed" in html
    assert "not computed" in client.get("/network").text
    assert "not computed" in client.get("/reuse").text


def test_hostile_fields_are_escaped(tmp_path):
    path, ids = build_xss_corpus(tmp_path / "c.duckdb")
    client = TestClient(create_app(path))
    pages = ["/", "/documents", "/network", "/reuse", *(f"/doc/{i}" for i in ids)]
    for url in pages:
        body = client.get(url).text
        for payload in XSS:
            assert payload not in body, (url, payload)


def test_query_tokens_match_index_rule(tmp_path):
    assert query_tokens("Héllo, WÖRLD! #MEK hello") == ["hello", "world", "mek"]
    con = duckdb.connect()
    from propscope.present.browse_index import TOKEN_SQL
    got = con.execute(f"SELECT {TOKEN_SQL.format(x='?')}", ["Héllo, WÖRLD! #MEK"]).fetchone()[0]
    assert [t for t in got if t] == ["hello", "world", "mek"]


def test_source_page_matches_the_corpus(multi):
    """The source page's precomputed aggregates equal a direct count over the corpus."""
    path, info, client = multi
    name = "ridge-news.example"
    html = client.get("/source", params={"name": name}).text
    with duckdb.connect(str(path), read_only=True) as con:
        n = con.execute("SELECT count(*) FROM documents WHERE source = ?", [name]).fetchone()[0]
        techs = con.execute(
            "SELECT technique, count(DISTINCT doc_id) FROM spans JOIN documents USING (doc_id) "
            "WHERE source = ? GROUP BY 1", [name]).fetchall()
        clusters = con.execute(
            "SELECT DISTINCT cluster_id FROM reuse_clusters JOIN documents d USING (doc_id) "
            "WHERE d.source = ?", [name]).fetchall()  # reuse_clusters has its own source too
    assert f"<b>{n}</b><span>documents</span>" in html
    assert techs, "the fixture gives this source techniques"
    for technique, docs in techs:
        assert f">{technique}</a></td><td class=\"num\">{docs}</td>" in html
    b = client.app.state.browser
    got = b.cursor().execute("SELECT cluster_id FROM ps_index.source_clusters WHERE source = ?",
                             [name]).fetchall()
    assert sorted(got) == sorted(clusters)
    assert client.get("/source", params={"name": "no-such-source.example"}).status_code == 404


def test_search_with_source_filter_and_capped_counts(multi, monkeypatch):
    """Source-pruned postings and windowed counts give the same answers as plain SQL."""
    from propscope.present import browser

    path, info, client = multi
    b = client.app.state.browser
    with duckdb.connect(str(path), read_only=True) as con:
        for source in ("harbor-daily.example", "ridge-news.example"):
            want = {r[0] for r in con.execute(
                "SELECT doc_id FROM documents WHERE source = ? AND regexp_matches(lower(text), "
                "'\\breport\\b')", [source]).fetchall()}
            rows, _ = b.page(Selection(q="report", source=source))
            assert {r["doc_id"] for r in rows} == want and want
            assert b.count(Selection(q="report", source=source)) == (len(want), False)
    assert b.page(Selection(q="report", source="no-such-source.example")) == ([], None)
    exact = b.count(Selection(q="report"))
    assert exact == (30, False)
    monkeypatch.setattr(browser, "COUNT_CAP", 4)
    assert b.count(Selection(q="report")) == (4, True)
    assert b.count(Selection(q="zebra crossing")) == (3, False)
