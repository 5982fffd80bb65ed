"""Every input format, read into a real DuckDB corpus."""

from __future__ import annotations

import csv
import gzip
import io
import json
import tarfile
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import zstandard

import propscope
from propscope.ingest import iter_input_documents, total_input_bytes
from propscope.settings import Settings
from propscope.stages.ingest import ingest_paths

SAMPLE = Path(__file__).resolve().parents[2] / "shared" / "samples" / "advocacy-article-2020-10-28.txt"

ARTICLES = [
    "Council votes to expand the bike lanes downtown; shop owners split. #cycling https://ex.org/a",
    "Opinion: the new tariff plan will hurt farmers more than it helps them. @farmvoice",
    "Union leaders and managers agree on a two-year wage deal after long talks.",
]


def corpus_at(tmp_path: Path) -> propscope.Corpus:
    return propscope.open_corpus(tmp_path / "c.duckdb")


def ingest(tmp_path: Path, *paths: Path, **settings: object):
    corpus = corpus_at(tmp_path)
    summary = ingest_paths(corpus, list(paths), Settings(**settings), "run-1")
    return corpus, summary


def docs_by_text(corpus: propscope.Corpus) -> dict[str, dict]:
    return {r["text"]: r for r in corpus.df("documents").to_dict("records")}


def test_plain_text_one_document_per_file(tmp_path: Path) -> None:
    folder = tmp_path / "in" / "harbor-times"
    folder.mkdir(parents=True)
    (folder / "a.txt").write_text(ARTICLES[0] + "\n", encoding="utf-8")
    (folder / "b.md").write_text(ARTICLES[1], encoding="utf-8")
    corpus, summary = ingest(tmp_path, tmp_path / "in")
    assert summary.files == 2 and summary.documents == 2 and summary.quarantined == 0
    rows = docs_by_text(corpus)
    row = rows[ARTICLES[0] + "\n"]
    assert row["source"] == "harbor-times"
    assert row["title"] is None and row["record"] == "1"
    assert row["file"].endswith("harbor-times/a.txt")


def test_dated_records_split_and_dated(tmp_path: Path) -> None:
    path = tmp_path / "feed.txt"
    path.write_bytes(
        b" date 2020-10-28 Even though it rained, the march went ahead.\n\n"
        b"Second paragraph of the first record.\n\n"
        b" date 2021-01-05 Another record, with #tags and pic.twitter.com/x.\n"
        b" date 2021-02-01\nHeader alone on its line, text below.\n")
    corpus, summary = ingest(tmp_path, path)
    assert summary.documents == 3 and summary.quarantined == 0
    docs = corpus.sql("SELECT text, published, record FROM documents ORDER BY record::INT")
    texts = list(docs["text"])
    assert texts[0] == ("Even though it rained, the march went ahead.\n\n"
                        "Second paragraph of the first record.")
    assert texts[1] == "Another record, with #tags and pic.twitter.com/x."
    assert texts[2] == "Header alone on its line, text below."
    assert list(docs["record"]) == ["1", "5", "6"]
    assert docs["published"][0].to_pydatetime() == datetime(2020, 10, 28, tzinfo=UTC)


def test_shared_sample_is_one_dated_document(tmp_path: Path) -> None:
    if not SAMPLE.exists():
        pytest.skip("../shared/samples is not available")
    docs = [d for d in iter_input_documents([SAMPLE], Settings())]
    assert len(docs) == 1
    doc = docs[0]
    assert doc.text.startswith("Even though")
    assert doc.published == datetime(2020, 10, 28, tzinfo=UTC)
    assert doc.text == SAMPLE.read_text(encoding="utf-8")[len(" date 2020-10-28 "):].rstrip("\n")


def test_jsonl_common_fields_and_date_forms(tmp_path: Path) -> None:
    rows = [
        {"id": 1, "content": ARTICLES[0], "site": "north.example", "created_at": "2021-03-04T10:00:00+02:00",
         "link": "https://north.example/1", "headline": "Lanes", "language": "en"},
        {"ID": "b2", "Body": ARTICLES[1], "user": {"screen_name": "farmdesk"},
         "timestamp": 1614852000000},
        {"message": ARTICLES[2], "Date": "Thu, 04 Mar 2021 10:00:00 +0000", "author": "R. Diaz"},
    ]
    path = tmp_path / "posts.ndjson"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n\n", encoding="utf-8")
    corpus, summary = ingest(tmp_path, path)
    assert summary.documents == 3 and summary.quarantined == 0
    docs = docs_by_text(corpus)
    first = docs[ARTICLES[0]]
    assert (first["source"], first["url"], first["title"], first["lang"], first["external_id"]) == (
        "north.example", "https://north.example/1", "Lanes", "en", "1")
    assert first["published"].to_pydatetime() == datetime(2021, 3, 4, 8, tzinfo=UTC)
    second = docs[ARTICLES[1]]
    assert second["source"] == "farmdesk" and second["author"] == "farmdesk"
    assert second["published"].to_pydatetime() == datetime(2021, 3, 4, 10, tzinfo=UTC)
    third = docs[ARTICLES[2]]
    assert third["source"] == "R. Diaz" and third["author"] == "R. Diaz"
    assert third["published"].to_pydatetime() == datetime(2021, 3, 4, 10, tzinfo=UTC)


def test_json_array_file(tmp_path: Path) -> None:
    path = tmp_path / "items.json"
    path.write_text(json.dumps([{"text": t} for t in ARTICLES]), encoding="utf-8")
    corpus, summary = ingest(tmp_path, path)
    assert summary.documents == 3
    assert sorted(corpus.df("documents")["record"]) == ["1", "2", "3"]


def test_csv_and_tsv(tmp_path: Path) -> None:
    with open(tmp_path / "a.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["Title", "Text", "Published", "Domain"])
        w.writerow(["One", "Multi-line\nfield, with \"quotes\"", "2022-05-01", "east.example"])
        w.writerow(["Two", ARTICLES[1], "2022-05-02 13:30", "west.example"])
    (tmp_path / "b.tsv").write_text("body\tsource\n" + ARTICLES[2] + "\tsouth.example\n",
                                    encoding="utf-8")
    corpus, summary = ingest(tmp_path, tmp_path / "a.csv", tmp_path / "b.tsv")
    assert summary.documents == 3 and summary.quarantined == 0
    docs = docs_by_text(corpus)
    multi = docs['Multi-line\nfield, with "quotes"']
    assert multi["title"] == "One" and multi["source"] == "east.example" and multi["record"] == "2"
    assert docs[ARTICLES[1]]["record"] == "4"  # the line the row starts on
    assert docs[ARTICLES[2]]["source"] == "south.example"


def test_parquet_streamed(tmp_path: Path) -> None:
    table = pa.table({
        "text": [f"{ARTICLES[i % 3]} ({i})" for i in range(5000)],
        "published": pa.array([datetime(2020, 1, 1 + i % 28) for i in range(5000)],
                              pa.timestamp("s")),
        "account": [f"acct{i % 7}" for i in range(5000)],
        "unused": list(range(5000)),
    })
    pq.write_table(table, tmp_path / "p.parquet", row_group_size=1000)
    corpus, summary = ingest(tmp_path, tmp_path / "p.parquet")
    assert summary.documents == 5000
    row = corpus.sql("SELECT * FROM documents WHERE record = '30'").iloc[0]
    assert row["text"] == f"{ARTICLES[29 % 3]} (29)" and row["source"] == "acct1"
    assert row["published"].to_pydatetime() == datetime(2020, 1, 2, tzinfo=UTC)


HTML_PAGE = """<!DOCTYPE html><html lang="es"><head><title>Subida del pan | Diario Sur</title>
<link rel="canonical" href="https://www.diariosur.example/economia/pan">
<meta name="author" content="Ana Torres">
<meta property="article:published_time" content="2022-06-01T09:30:00+02:00">
<script async src="https://www.googletagmanager.com/gtag/js?id=G-AB12CD34EF"></script>
<script>gtag('config', 'UA-1234567-2'); fbq('init', '123456789012345');</script>
<script>(function(w,d,s,l,i){})(window,document,'script','dataLayer','GTM-K7X9Q2');</script>
<script data-ad-client="ca-pub-1234567890123456"></script>
<script>ym(87654321, "init", {});</script>
</head><body><nav>Inicio | Economia | Deportes</nav><article><h1>Subida del pan</h1>
<p>El precio del pan subio un diez por ciento este mes, segun la asociacion de panaderos de la region.</p>
<p>Los consumidores dicen que notan la diferencia cada semana, y algunos compran menos que antes.</p>
<p>El gobierno regional estudia ayudas para las panaderias pequenas, que pagan mas por la harina.</p>
</article><footer>Aviso legal - Contacto</footer></body></html>"""


def test_html_main_text_metadata_and_tracking_ids(tmp_path: Path) -> None:
    (tmp_path / "pan.html").write_text(HTML_PAGE, encoding="utf-8")
    corpus, summary = ingest(tmp_path, tmp_path / "pan.html")
    assert summary.documents == 1 and summary.quarantined == 0
    row = corpus.df("documents").iloc[0]
    assert "El precio del pan subio" in row["text"]
    assert "Aviso legal" not in row["text"] and "Deportes" not in row["text"]
    assert row["url"] == "https://www.diariosur.example/economia/pan"
    assert row["source"] == "diariosur.example"
    assert row["author"] == "Ana Torres"
    assert row["lang"] == "es"
    assert row["published"].to_pydatetime() == datetime(2022, 6, 1, 7, 30, tzinfo=UTC)
    ids = json.loads(row["meta"])["html_tracking_ids"]
    assert {(i["kind"], i["value"]) for i in ids} == {
        ("google_analytics_4", "G-AB12CD34EF"), ("google_analytics", "UA-1234567-2"),
        ("facebook_pixel", "123456789012345"), ("google_tag_manager", "GTM-K7X9Q2"),
        ("google_adsense", "pub-1234567890123456"), ("yandex_metrika", "87654321")}


def _warc_bytes(pages: list[tuple[str, str]]) -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=True)
    for url, html in pages:
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")],
                                   protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(
            url, "response", payload=io.BytesIO(html.encode()), http_headers=headers))
        writer.write_record(writer.create_warc_record(
            url, "request", payload=io.BytesIO(b"GET / HTTP/1.1\r\n\r\n")))
    return buf.getvalue()


def test_warc_gz_response_records(tmp_path: Path) -> None:
    page2 = HTML_PAGE.replace("Subida del pan", "Bajada del aceite").replace(
        "El precio del pan subio", "El precio del aceite bajo").replace(
        '<link rel="canonical" href="https://www.diariosur.example/economia/pan">', "")
    (tmp_path / "crawl.warc.gz").write_bytes(_warc_bytes([
        ("https://www.diariosur.example/economia/pan", HTML_PAGE),
        ("https://other.example/aceite", page2)]))
    corpus, summary = ingest(tmp_path, tmp_path / "crawl.warc.gz")
    assert summary.documents == 2 and summary.quarantined == 0
    rows = corpus.sql("SELECT url, source, record, meta FROM documents ORDER BY record::INT")
    assert list(rows["url"]) == ["https://www.diariosur.example/economia/pan",
                                 "https://other.example/aceite"]
    assert list(rows["source"]) == ["diariosur.example", "other.example"]
    assert list(rows["record"]) == ["1", "3"]
    assert "GTM-K7X9Q2" in rows["meta"][1]


def test_compression_gz_and_zst_of_any_format(tmp_path: Path) -> None:
    lines = "".join(json.dumps({"text": t}) + "\n" for t in ARTICLES).encode()
    (tmp_path / "a.jsonl.gz").write_bytes(gzip.compress(lines[:100]) + gzip.compress(lines[100:]))
    (tmp_path / "b.csv.zst").write_bytes(zstandard.ZstdCompressor().compress(
        b"text,id\n\"zstd row one\",1\n\"zstd row two\",2\n"))
    (tmp_path / "c.txt.gz").write_bytes(gzip.compress(b" date 2019-02-03 gz dated record\n"))
    corpus, summary = ingest(tmp_path, tmp_path)
    assert summary.quarantined == 0
    texts = set(corpus.df("documents")["text"])
    assert texts == set(ARTICLES) | {"zstd row one", "zstd row two", "gz dated record"}


def test_archives_zip_tar_tgz_members_named(tmp_path: Path) -> None:
    jsonl = "".join(json.dumps({"text": t}) + "\n" for t in ARTICLES).encode()
    with zipfile.ZipFile(tmp_path / "bundle.zip", "w") as z:
        z.writestr("site-a/one.txt", "zip plain text member")
        z.writestr("posts.jsonl", jsonl)
        z.writestr("__MACOSX/._junk", b"\x00\x05\x16\x07")
    for name, mode in (("bundle.tar", "w"), ("bundle.tgz", "w:gz"), ("b2.tar.gz", "w:gz")):
        with tarfile.open(tmp_path / name, mode) as t:
            data = f"tar member of {name}".encode()
            info = tarfile.TarInfo("inner/doc.txt")
            info.size = len(data)
            t.addfile(info, io.BytesIO(data))
    corpus, summary = ingest(tmp_path, tmp_path)
    assert summary.quarantined == 0
    files = set(corpus.df("document_sources")["file"])
    root = str(tmp_path)
    assert f"{root}/bundle.zip!site-a/one.txt" in files
    assert f"{root}/bundle.zip!posts.jsonl" in files
    assert f"{root}/bundle.tgz!inner/doc.txt" in files
    assert f"{root}/b2.tar.gz!inner/doc.txt" in files
    docs = docs_by_text(corpus)
    assert docs["zip plain text member"]["source"] == "site-a"
    assert set(ARTICLES) <= set(docs)
    assert summary.documents == 3 + 1 + 3


def test_field_overrides(tmp_path: Path) -> None:
    rows = [{"txt_main": ARTICLES[0], "text": "not this one", "when": "2020-02-02",
             "meta": {"outlet": "Plains Post"}}]
    path = tmp_path / "x.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    corpus, _ = ingest(tmp_path, path,
                       field_map={"text": "TXT_MAIN", "published": "when", "source": "meta.outlet"})
    row = corpus.df("documents").iloc[0]
    assert row["text"] == ARTICLES[0]
    assert row["source"] == "Plains Post"
    assert row["published"].to_pydatetime() == datetime(2020, 2, 2, tzinfo=UTC)


def test_exact_duplicates_recorded_once_with_all_sources(tmp_path: Path) -> None:
    (tmp_path / "a.jsonl").write_text(json.dumps({"text": ARTICLES[0], "source": "one"}) + "\n"
                                      + json.dumps({"text": ARTICLES[0], "source": "two"}) + "\n")
    corpus, summary = ingest(tmp_path, tmp_path / "a.jsonl")
    assert (summary.documents, summary.duplicates) == (1, 1)
    assert sorted(corpus.df("document_sources")["source"]) == ["one", "two"]


def test_progress_adds_up_to_total(tmp_path: Path) -> None:
    for i in range(3):
        (tmp_path / f"f{i}.jsonl").write_text(
            "".join(json.dumps({"text": f"{t} {i}"}) + "\n" for t in ARTICLES))
    seen: list[int] = []
    corpus = corpus_at(tmp_path)
    summary = ingest_paths(corpus, [tmp_path], Settings(), "r", progress=seen.append)
    assert sum(seen) == total_input_bytes([tmp_path]) == summary.bytes
    assert summary.documents == 9  # the corpus file in the same folder is not read


def test_missing_path_is_an_input_error(tmp_path: Path) -> None:
    corpus = corpus_at(tmp_path)
    with pytest.raises(propscope.errors.InputError, match="nope.jsonl"):
        ingest_paths(corpus, [tmp_path / "nope.jsonl"], Settings(), "r")
    with pytest.raises(propscope.errors.InputError, match="bogus"):
        ingest_paths(corpus, [tmp_path], Settings(field_map={"bogus": "x"}), "r")


def test_nested_archives_and_random_access_formats_inside(tmp_path: Path) -> None:
    parquet = io.BytesIO()
    pq.write_table(pa.table({"text": ["parquet inside a zip"], "site": ["p.example"]}), parquet)
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as z:
        z.writestr("deep/x.txt", "text in a zip in a zip")
    with zipfile.ZipFile(tmp_path / "outer.zip", "w") as z:
        z.writestr("inner.zip", inner.getvalue())
        z.writestr("p.parquet", parquet.getvalue())
        z.writestr("posts.jsonl.zst", zstandard.ZstdCompressor().compress(
            json.dumps({"text": "zstd jsonl inside a zip"}).encode()))
    items = list(iter_input_documents([tmp_path], Settings()))
    got = {d.file.removeprefix(f"{tmp_path}/"): (d.text, d.source) for d in items}
    assert got == {
        "outer.zip!inner.zip!deep/x.txt": ("text in a zip in a zip", "deep"),
        "outer.zip!p.parquet": ("parquet inside a zip", "p.example"),
        "outer.zip!posts.jsonl.zst": ("zstd jsonl inside a zip", None),
    }


def test_jsonl_fast_parser_agrees_with_the_json_module(tmp_path: Path) -> None:
    """The orjson fast path must give exactly the standard library's documents:
    big integer IDs stay exact, NaN, surrogate escapes, duplicate keys and a BOM
    behave as before (kept, repaired or quarantined the same way)."""
    from propscope.ingest import jsonl

    lines = [
        b'{"id": 123456789012345678901234567890, "text": "big integer id"}',
        b'{"id": 7, "text": "a float score", "score": 0.25}',
        b'{"id": "n", "text": "not a number", "score": NaN}',
        b'{"id": "d", "text": "first", "text": "second wins"}',
        b'{"id": "s", "text": "lone \\ud800 surrogate"}',
        b'{"id": "p", "text": "pair \\ud83d\\ude00 emoji", "tags": [1, 2.5, {"x": 1e400}]}',
        b'{"id": "u", "text": "caf\xc3\xa9 \xe2\x80\x94 plain UTF-8"}',
    ]
    for line in lines:
        value, note = jsonl._parse(line)
        assert note is None
        expected = json.loads(line)
        assert json.dumps(value, sort_keys=True) == json.dumps(expected, sort_keys=True), line
    assert jsonl._parse(lines[0])[0]["id"] == 123456789012345678901234567890
    with pytest.raises(ValueError):
        jsonl._parse(b'{"text": "unterminated')
