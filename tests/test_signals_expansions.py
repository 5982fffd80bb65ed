"""Signals v2 gaps (issue 21), through real DuckDB corpora built by the pipeline: short links
joined to the expansion the data holds (X export, CrowdTangle, WARC redirects; in the
document and across the corpus), Telegram view and forward counts, and national phone
numbers where a country-code TLD and a phone label say which country."""

from __future__ import annotations

import io
import json
from pathlib import Path

import duckdb
import pytest

from propscope import load_settings, open_corpus
from propscope.analyze.contact_fingerprints import find_phone_numbers, region_of_url
from propscope.analyze.markup_references import post_counters
from propscope.analyze.short_links import STATE_KEY, expansions_of, join_corpus
from propscope.link.coactions import _url_map
from propscope.pipeline import run

SETTINGS = dict(analyzers=("references", "repetitions"))
ARTICLE = "https://harbour-courier.example/2024/05/ferry-contract-awarded"


def _run(tmp_path: Path, inputs: list[Path], name: str = "c.duckdb") -> Path:
    corpus = tmp_path / name
    run([str(p) for p in inputs], corpus, None, load_settings(**SETTINGS))
    return corpus


def _rows(corpus: Path, sql: str) -> list[dict]:
    with open_corpus(corpus, read_only=True) as c:
        cur = c.con.execute(sql)
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def _x_page() -> dict:
    """An X API page: two tweets whose t.co links the API expanded (one a bit.ly link that
    the API also unwound), and one whose link it did not expand."""
    return {"data": [
        {"id": "101", "author_id": "1", "conversation_id": "101", "created_at":
         "2024-05-01T10:00:00.000Z", "text": "The contract is out https://t.co/AbC123xyz",
         "entities": {"urls": [{"start": 20, "end": 43, "url": "https://t.co/AbC123xyz",
                                "expanded_url": ARTICLE, "display_url": "harbour-courier…"}]}},
        {"id": "102", "author_id": "2", "conversation_id": "102", "created_at":
         "2024-05-01T10:00:09.000Z", "text": "Read this https://t.co/Zz9bitly0",
         "entities": {"urls": [{"url": "https://t.co/Zz9bitly0",
                                "expanded_url": "https://bit.ly/3ferry",
                                "unwound_url": ARTICLE + "?utm_source=x"}]}},
        {"id": "103", "author_id": "2", "conversation_id": "103", "created_at":
         "2024-05-01T11:00:00.000Z", "text": "Unexpanded https://t.co/NoExpand1",
         "entities": {"urls": [{"url": "https://t.co/NoExpand1"}]}},
    ], "includes": {"users": [{"id": "1", "username": "desk_one", "name": "Desk One"},
                              {"id": "2", "username": "desk_two", "name": "Desk Two"}]}}


def _x_corpus(tmp_path: Path) -> Path:
    x = tmp_path / "x.jsonl"
    x.write_text(json.dumps(_x_page()) + "\n", encoding="utf-8")
    forum = tmp_path / "forum.jsonl"
    forum.write_text(json.dumps({
        "id": "f1", "source": "forum.example", "author": "poster",
        "text": "Everyone share https://t.co/AbC123xyz now, and also https://bit.ly/3ferry"}
    ) + "\n", encoding="utf-8")
    return _run(tmp_path, [x, forum])


def test_x_reader_keeps_url_expansions_in_meta(tmp_path: Path) -> None:
    corpus = _x_corpus(tmp_path)
    metas = {r["external_id"]: json.loads(r["meta"]) if r["meta"] else {}
             for r in _rows(corpus, "SELECT external_id, meta FROM documents")}
    # the exact shape link/coactions.py reads: {short as written: expanded}
    assert metas["101"]["url_expansions"] == {"https://t.co/AbC123xyz": ARTICLE}
    assert metas["102"]["url_expansions"] == {
        "https://t.co/Zz9bitly0": ARTICLE + "?utm_source=x",
        "https://bit.ly/3ferry": ARTICLE + "?utm_source=x"}
    assert "url_expansions" not in metas["103"] and "url_expansions" not in metas["f1"]
    assert "post" not in metas["101"]  # the post model stays in ``posts``


def test_short_links_joined_in_the_document_and_across_the_corpus(tmp_path: Path) -> None:
    corpus = _x_corpus(tmp_path)
    rows = _rows(corpus, """SELECT d.external_id AS ext, r.value, r.is_shortener, r.expanded,
        r.expanded_in, r.doc_id, r."start", r."end", d.text FROM doc_references r
        JOIN documents d USING (doc_id) WHERE r.kind = 'url' ORDER BY ext, r."start" """)
    by = {(r["ext"], r["value"]): r for r in rows}
    ids = {r["ext"]: r["doc_id"] for r in rows}
    for r in rows:  # the short link's own span is untouched
        assert r["text"][r["start"]:r["end"]] == r["value"] and r["is_shortener"]
    own = by[("101", "https://t.co/AbC123xyz")]
    assert (own["expanded"], own["expanded_in"]) == (ARTICLE, ids["101"])
    unwound = by[("102", "https://t.co/Zz9bitly0")]
    assert unwound["expanded"] == ARTICLE + "?utm_source=x"
    # The forum post never saw an expansion: it gets the X documents' ones, with the
    # document that held each as evidence.
    shared = by[("f1", "https://t.co/AbC123xyz")]
    assert (shared["expanded"], shared["expanded_in"]) == (ARTICLE, ids["101"])
    bitly = by[("f1", "https://bit.ly/3ferry")]
    assert (bitly["expanded"], bitly["expanded_in"]) == (ARTICLE + "?utm_source=x", ids["102"])
    none = by[("103", "https://t.co/NoExpand1")]
    assert none["expanded"] is None and none["expanded_in"] is None
    # Coordination's URL map (link/coactions.py) joins the same pairs from the same meta.
    with open_corpus(corpus) as c:
        _url_map(c)
        items = dict(c.con.execute("SELECT raw, item FROM _coord_urls").fetchall())
    assert items["https://t.co/AbC123xyz"] == items["https://bit.ly/3ferry"] == \
        "harbour-courier.example/2024/05/ferry-contract-awarded"


def test_a_later_document_with_the_short_link_is_joined_on_the_next_run(tmp_path: Path) -> None:
    corpus = _x_corpus(tmp_path)
    with open_corpus(corpus) as c:  # nothing new since: the join is skipped
        state = c.con.execute("SELECT value FROM meta WHERE key = ?", [STATE_KEY]).fetchone()
        assert state is not None and join_corpus(c.con) == 0
    late = tmp_path / "late.jsonl"
    late.write_text(json.dumps({"id": "late", "source": "blog.example",
                                "text": "Late copy: https://t.co/AbC123xyz"}) + "\n",
                    encoding="utf-8")
    run([str(late)], corpus, None, load_settings(**SETTINGS))
    got = _rows(corpus, """SELECT r.expanded FROM doc_references r JOIN documents d
        USING (doc_id) WHERE d.external_id = 'late' AND r.kind = 'url'""")
    assert got == [{"expanded": ARTICLE}]


def test_an_older_table_gets_the_new_columns(tmp_path: Path) -> None:
    """A corpus whose doc_references predates the columns (analyzer version 3) is
    re-analysed into the same table, which gains them."""
    corpus = tmp_path / "old.duckdb"
    src = tmp_path / "a.jsonl"
    src.write_text(json.dumps({"id": "a", "text": "See https://bit.ly/x1 #Vote"}) + "\n",
                   encoding="utf-8")
    run([str(src)], corpus, None, load_settings(**SETTINGS))
    con = duckdb.connect(str(corpus))
    for col in ("expanded", "expanded_in", "views", "forwards"):
        con.execute(f"ALTER TABLE doc_references DROP COLUMN {col}")
    con.execute("UPDATE stage_done SET version = '3' WHERE stage = 'references'")
    con.close()
    run([str(src)], corpus, None, load_settings(**SETTINGS))
    rows = _rows(corpus, "SELECT kind, expanded, views FROM doc_references ORDER BY kind")
    assert [r["kind"] for r in rows] == ["hashtag", "url"]


def test_crowdtangle_final_link_is_an_expansion(tmp_path: Path) -> None:
    path = tmp_path / "ct.csv"
    path.write_text(
        "Page Name,User Name,Facebook Id,Post Created,Message,Link,Final Link,URL,Likes\n"
        "Harbour Desk,harbourdesk,123,2024-05-01 10:00:00 EST,Ferry news https://bit.ly/3ferry,"
        f"https://bit.ly/3ferry,{ARTICLE},https://www.facebook.com/harbourdesk/posts/1,4\n",
        encoding="utf-8")
    corpus = _run(tmp_path, [path])
    row = _rows(corpus, "SELECT expanded FROM doc_references WHERE kind = 'url'")
    assert row == [{"expanded": ARTICLE}]


def _warc(records: list[tuple[str, str, list[tuple[str, str]], str]]) -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=True)
    for url, status, headers, body in records:
        http = StatusAndHeaders(status, headers, protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(
            url, "response", payload=io.BytesIO(body.encode()), http_headers=http))
    return buf.getvalue()


PAGE = ("<html><head><title>Ferry contract awarded</title></head><body><article><h1>Ferry "
        "contract awarded</h1><p>The harbour board awarded the ferry contract to a firm that "
        "had no ships, residents said on Tuesday evening at the town hall meeting.</p><p>The "
        "board said the firm would lease vessels for the first two years of the contract and "
        "that the price was the lowest of the four bids it had received.</p></article>"
        "</body></html>")


def test_warc_redirects_of_shorteners_are_expansions(tmp_path: Path) -> None:
    html = [("Content-Type", "text/html; charset=utf-8")]
    (tmp_path / "crawl.warc.gz").write_bytes(_warc([
        ("https://t.co/AbC123xyz", "301 Moved Permanently",
         [("Location", "https://bit.ly/3ferry")], ""),
        ("https://bit.ly/3ferry", "302 Found", [("Location", ARTICLE)], ""),
        ("https://news.example/old", "301 Moved Permanently",  # not a shortener: not kept
         [("Location", ARTICLE)], ""),
        (ARTICLE, "200 OK", html, PAGE),
    ]))
    forum = tmp_path / "forum.jsonl"
    forum.write_text(json.dumps({"id": "f", "source": "forum.example",
                                 "text": "Look: https://t.co/AbC123xyz"}) + "\n",
                     encoding="utf-8")
    corpus = _run(tmp_path, [tmp_path / "crawl.warc.gz", forum])
    metas = [json.loads(r["meta"]) for r in _rows(
        corpus, "SELECT meta FROM documents WHERE meta LIKE '%url_expansions%'")]
    assert [m["url_expansions"] for m in metas] == [
        {"https://bit.ly/3ferry": ARTICLE, "https://t.co/AbC123xyz": ARTICLE}]
    got = _rows(corpus, "SELECT expanded FROM doc_references WHERE kind = 'url' "
                        "AND value = 'https://t.co/AbC123xyz'")
    assert got == [{"expanded": ARTICLE}]


def test_expansions_of_ignores_malformed_meta() -> None:
    assert expansions_of({"url_expansions": ["https://t.co/x"]}) == {}
    assert expansions_of({"url_expansions": {"https://t.co/x": 5, "": "https://a.example/"}}) == {}
    assert expansions_of(None) == {}
    assert expansions_of({"url_expansions": {"t.co/Ab": " https://a.example/x "}}) == {
        "https://t.co/Ab": "https://a.example/x"}


# -- Telegram views and forwards --------------------------------------------------------------
@pytest.mark.parametrize(("body", "views", "forwards"), [
    ("Turnout is high.\n👁 12.3K 21:12", 12300, None),
    ("Turnout is high.\n1,234 views · edited 21:12", 1234, None),
    ("Явка высокая.\n12,3 тыс. просмотров", 12300, None),
    ("Turnout is high.\n👁 1 234  ↪ 56", 1234, 56),
    ("Turnout is high.\n15 views\n3 forwards", 15, 3),
    ("Turnout is high.\n1.2M views", 1_200_000, None),
    ("It got 5000 views yesterday, the channel said.", None, None),  # prose, not a counter
    ("Turnout is high.\n2024", None, None),
])
def test_post_counters(body: str, views: int | None, forwards: int | None) -> None:
    assert post_counters(body) == (views, forwards)


def test_pasted_telegram_post_views_in_the_corpus(tmp_path: Path) -> None:
    text = ("The channel posted this last night.\n\nBrenn News, [14.04.2024 21:12]\n"
            "Turnout is the highest in a decade.\n👁 12.5K ↪ 340\n\nThe end of the article.")
    src = tmp_path / "a.jsonl"
    src.write_text(json.dumps({"id": "a", "source": "site.example", "text": text}) + "\n",
                   encoding="utf-8")
    corpus = _run(tmp_path, [src])
    post = _rows(corpus, "SELECT views, forwards, author FROM doc_references "
                         "WHERE kind = 'embedded_post'")
    assert post == [{"views": 12500, "forwards": 340, "author": "Brenn News"}]


def test_telegram_export_keeps_views_and_forwards_as_numbers(tmp_path: Path) -> None:
    export = {"name": "Brenn News", "type": "public_channel", "id": 777, "messages": [
        {"id": 1, "type": "message", "date": "2024-04-14T21:12:00", "from": "Brenn News",
         "text": "Turnout is the highest in a decade.", "views": 12500, "forwards": 340},
        {"id": 2, "type": "message", "date": "2024-04-14T22:00:00", "from": "Brenn News",
         "text": "Polls close at ten.", "views": "1,020"}]}
    path = tmp_path / "result.json"
    path.write_text(json.dumps(export), encoding="utf-8")
    corpus = _run(tmp_path, [path])
    got = {r["post_id"]: json.loads(r["metrics"]) for r in _rows(
        corpus, "SELECT post_id, metrics FROM posts ORDER BY post_id")}
    assert got == {"777/1": {"views": 12500, "forwards": 340}, "777/2": {"views": 1020}}


# -- national phone numbers -------------------------------------------------------------------
@pytest.mark.parametrize(("text", "region", "e164"), [
    ("Redaktion Tel. 030 12345678", "DE", "+493012345678"),
    ("Tel.: (030) 1234 5678, Fax folgt", "DE", "+493012345678"),
    ("Telefon 089 / 12 34 56-0.", "DE", "+49891234560"),
    ("Handy 0171 1234567", "DE", "+491711234567"),
    ("Newsdesk tel: 020 7946 0958", "GB", "+442079460958"),
    ("Téléphone : 01 42 68 53 00", "FR", "+33142685300"),
    ("Тел.: 8 (495) 123-45-67", "RU", "+74951234567"),
    ("Тел. 044 234 56 78", "UA", "+380442345678"),
    ("Phone: (123) 456-7890", "US", None),  # no US area code starts with 1
    ("Phone: (212) 736-5000", "US", "+12127365000"),
])
def test_labelled_national_numbers(text: str, region: str, e164: str | None) -> None:
    found = find_phone_numbers(text, region)
    assert [f.normalized for f in found] == ([e164] if e164 else [])
    for f in found:
        assert text[f.start:f.end] == f.value and f.subtype == region


@pytest.mark.parametrize("text", [
    "Tel. 2024-03-12",  # an ISO date is a valid German number without the trunk 0
    "Tel. 12.03.2024",
    "Tel 030 1234,56 €",  # a price
    "Tel. 0301234567%",
    "Tel Aviv 32.0853, 34.7818",  # coordinates after a place name
    "ISBN 978-3-16-148410-0",
    "pages 0301-0398 and 1999-2004",  # page and year ranges, no label
    "Order 0301 2345 6789 shipped",  # an ID without a label
    "Tel. 000 000 000",
    "Tel. 030 12",  # too short
    "Call 030 12345678",  # "call" is not a label: no number read without one
    "Mobile phones sold 0301234567 units",
])
def test_hostile_figures_are_not_national_numbers(text: str) -> None:
    assert find_phone_numbers(text, "DE") == []


@pytest.mark.parametrize(("url", "region"), [
    ("https://www.zeitung.de/artikel", "DE"), ("https://news.bbc.co.uk/x", "GB"),
    ("https://lenta.ru/news/1", "RU"), ("https://startup.io/about", None),
    ("https://channel.tv/x", None), ("https://example.com/a", None), (None, None),
    ("https://site.co/x", None), ("https://host.de:8080/x", "DE"),
])
def test_region_of_url(url: str | None, region: str | None) -> None:
    assert region_of_url(url) == region


def test_national_numbers_need_a_country_code_tld(tmp_path: Path) -> None:
    text = "Hinweise an die Redaktion: Tel. 030 12345678 oder per Post."
    src = tmp_path / "a.jsonl"
    src.write_text("\n".join(json.dumps(r) for r in [
        {"id": "de", "url": "https://www.stadtblatt.de/hinweise", "text": text},
        {"id": "com", "url": "https://www.stadtblatt.com/hinweise", "text": text + " (com)"},
        {"id": "none", "text": text + " (none)"},
    ]) + "\n", encoding="utf-8")
    corpus = _run(tmp_path, [src])
    got = _rows(corpus, """SELECT d.external_id AS ext, r.normalized, r.subtype, r.value
        FROM doc_references r JOIN documents d USING (doc_id) WHERE r.kind = 'phone_number'""")
    assert got == [{"ext": "de", "normalized": "+493012345678", "subtype": "DE",
                    "value": "030 12345678"}]


def test_app_document_page_shows_expansion_and_views(tmp_path: Path) -> None:
    """The document page (present/, a small hunk) shows a short link's expansion, found in
    another document, and an embedded post's views, escaped."""
    from starlette.testclient import TestClient

    from propscope.present.webapp import create_app

    corpus = _x_corpus(tmp_path)
    doc_id = _rows(corpus, "SELECT doc_id FROM documents WHERE external_id = 'f1'")[0]["doc_id"]
    page = TestClient(create_app(corpus)).get(f"/doc/{doc_id}").text
    assert f"→ {ARTICLE}" in page and "data-expanded" in page

    src = tmp_path / "tg.jsonl"
    src.write_text(json.dumps({"id": "tg", "source": "<b>site</b>", "text": (
        "Before.\n\nBrenn <News>, [14.04.2024 21:12]\nTurnout is high.\n👁 12.5K ↪ 340\n\nAfter.")}
    ) + "\n", encoding="utf-8")
    corpus2 = _run(tmp_path, [src], "tg.duckdb")
    doc_id = _rows(corpus2, "SELECT doc_id FROM documents")[0]["doc_id"]
    page = TestClient(create_app(corpus2)).get(f"/doc/{doc_id}").text
    assert 'data-views="12500"' in page and "12500 views, 340 forwards" in page
    assert "Brenn <News>" not in page and "Brenn &lt;News&gt;" in page
