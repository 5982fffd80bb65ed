"""Corpora for the report, web app and browser tests (imported by those test modules).

Each builder writes a real DuckDB corpus with :func:`propscope.open_corpus` and
fills the result tables the way the analyzers would, so the views can be tested
before (and independently of) the producers. Texts are our own, from varied
viewpoints; the real sample article is only read from /work/shared at test time.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from propscope import Document, open_corpus

SAMPLE = Path(__file__).resolve().parents[2] / "shared" / "samples" / "advocacy-article-2020-10-28.txt"
SAMPLE_ALT = Path("/work/shared/samples/advocacy-article-2020-10-28.txt")
STUFFED = "(PMOI / MEK Iran)"

RESULT_DDL = {
    "spans": 'CREATE TABLE spans (doc_id VARCHAR, technique VARCHAR, family VARCHAR, "start" BIGINT, '
             '"end" BIGINT, confidence DOUBLE, model VARCHAR, explanation VARCHAR, run_id VARCHAR)',
    "references": 'CREATE TABLE "references" (doc_id VARCHAR, kind VARCHAR, value VARCHAR, '
                  'normalized VARCHAR, "start" BIGINT, "end" BIGINT, author VARCHAR, handle VARCHAR, '
                  'posted VARCHAR, domain VARCHAR, is_shortener BOOLEAN, location VARCHAR, run_id VARCHAR)',
    "repetitions": 'CREATE TABLE repetitions (doc_id VARCHAR, phrase VARCHAR, count BIGINT, '
                   'starts BIGINT[], density DOUBLE, score DOUBLE, reason VARCHAR, run_id VARCHAR)',
    "doc_labels": "CREATE TABLE doc_labels (doc_id VARCHAR, task VARCHAR, label VARCHAR, score DOUBLE)",
    "reuse_pairs": "CREATE TABLE reuse_pairs (doc_a VARCHAR, a_start BIGINT, a_end BIGINT, "
                   "doc_b VARCHAR, b_start BIGINT, b_end BIGINT, similarity DOUBLE)",
    "reuse_clusters": 'CREATE TABLE reuse_clusters (cluster_id BIGINT, doc_id VARCHAR, "start" BIGINT, '
                      '"end" BIGINT, published TIMESTAMPTZ, is_earliest BOOLEAN, delay_s DOUBLE)',
    "coordination_edges": "CREATE TABLE coordination_edges (source_a VARCHAR, source_b VARCHAR, "
                          "kind VARCHAR, weight DOUBLE, first_seen TIMESTAMPTZ, "
                          "last_seen TIMESTAMPTZ, items VARCHAR)",
    "communities": "CREATE TABLE communities (community_id BIGINT, source VARCHAR, size BIGINT, "
                   "evidence VARCHAR)",
}


def sample_text() -> str:
    """The sample article's text as ingest stores it (the `` date YYYY-MM-DD `` prefix removed)."""
    path = SAMPLE if SAMPLE.exists() else SAMPLE_ALT
    if not path.exists():
        pytest.skip("shared sample article not available")
    raw = path.read_text(encoding="utf-8")
    return re.sub(r"^\s*date \d{4}-\d{2}-\d{2} ", "", raw)


def _create_tables(con, names) -> None:
    for n in names:
        con.execute(RESULT_DDL[n].replace("CREATE TABLE", "CREATE TABLE IF NOT EXISTS", 1))


def _insert(con, table: str, rows: list[tuple]) -> None:
    if rows:
        marks = ", ".join("?" * len(rows[0]))
        con.executemany(f'INSERT INTO "{table}" VALUES ({marks})', rows)


def sample_facts(text: str) -> dict:
    """Known facts of the sample article: the stuffed phrase and the embedded posts."""
    starts = [m.start() for m in re.finditer(re.escape(STUFFED), text)]
    posts = []
    pos = 0
    for line in text.split("\n"):
        m = re.search(r"\(@(\w+)\) \w+ \d{1,2}, \d{4}\s*$", line)
        if m and " — " in line:
            posts.append((pos, pos + len(line.rstrip()), m.group(1)))
        pos += len(line) + 1
    return {"starts": starts, "posts": posts}


def build_sample_corpus_with_pipeline(path: Path) -> tuple[Path, str] | None:
    """The sample article through the real pipeline (ingest, analyzers, link stages).

    Returns ``None`` when this build has no pipeline yet, so callers can fall back to
    :func:`build_sample_corpus`.
    """
    from propscope.pipeline import run
    from propscope.settings import load_settings

    sample_text()  # skips when the shared sample is absent
    src = SAMPLE if SAMPLE.exists() else SAMPLE_ALT
    run([src], path, None, load_settings())
    with open_corpus(path, read_only=True) as corpus:
        doc_id = corpus.con.execute("SELECT doc_id FROM documents").fetchone()[0]
    return path, doc_id


def build_sample_corpus(path: Path) -> tuple[Path, str]:
    """The real sample article with its known findings inserted by hand.

    Used where the test needs fixed rows (e.g. technique spans before the model lands,
    or a corpus shared with other fixtures); returns (corpus path, doc_id).
    """
    text = sample_text()
    facts = sample_facts(text)
    doc = Document.create(text, source="sample-advocacy-site", title="Sample advocacy article",
                          published=datetime(2020, 10, 28, tzinfo=UTC), file=str(SAMPLE.name),
                          record="1", url="https://example.org/advocacy")
    with open_corpus(path) as corpus:
        run = corpus.start_run("test")
        corpus.add_documents([doc], run)
        con = corpus.con
        _create_tables(con, ["spans", "references", "repetitions"])
        _insert(con, "repetitions", [(doc.doc_id, STUFFED, len(facts["starts"]), facts["starts"],
                                      0.05, 9.0, "keyword stuffing", run)])
        refs = [(doc.doc_id, "embedded_post", text[a:b][:80], None, a, b, None, h, None,
                 "twitter.com", False, None, run) for a, b, h in facts["posts"]]
        for m in re.finditer(r"#\w+", text):
            refs.append((doc.doc_id, "hashtag", m.group(), m.group().lower(), m.start(), m.end(),
                         None, None, None, None, False, None, run))
        for m in re.finditer(r"https?://t\.co/\w+", text):
            refs.append((doc.doc_id, "url", m.group(), m.group(), m.start(), m.end(), None, None,
                         None, "t.co", True, None, run))
        _insert(con, "references", refs)
        a = text.index("a beacon of hope")
        b = text.index("clear and present danger")
        _insert(con, "spans", [
            (doc.doc_id, "Loaded_Language", "Manipulative Wording", a, a + 16, 0.81, "test-model-1",
             "emotionally charged image", run),
            (doc.doc_id, "Exaggeration-Minimisation", "Manipulative Wording", b, b + 24, 0.64,
             "test-model-1", "overstated threat", run),
            (doc.doc_id, "Appeal_to_Fear-Prejudice", "Justification", b - 10, a + 16, 0.55,
             "test-model-1", "danger framing", run),
        ])
        corpus.finish_run(run, "ok", {})
    return path, doc.doc_id


SOURCES = ["harbor-daily.example", "ridge-news.example", "plains-voice.example",
           "river-post.example", "summit-wire.example"]
TOPICS = [
    ("Farmers protest new water rules", "The regional council says the water rules protect rivers, "
     "while farmers argue the costs will ruin small family farms."),
    ("Budget vote delayed again", "Opposition members call the budget reckless; the finance office "
     "insists the numbers are sound and growth will follow."),
    ("Stadium plan divides city", "Supporters promise jobs and tourism. Critics warn taxpayers will "
     "carry the debt for decades."),
    ("Heatwave strains power grid", "Engineers urge residents to cut use at peak hours as demand "
     "reaches a record."),
    ("School meals program expands", "Parents welcome the free lunches; some councillors question "
     "whether the program can be funded next year."),
    ("Bridge repairs finally begin", "Commuters face detours for months, but officials say the "
     "bridge is safe and repairs are overdue."),
]


def build_multi_corpus(path: Path) -> tuple[Path, dict]:
    """30 documents over 5 sources and 30 days, with every kind of finding."""
    base = datetime(2024, 3, 1, 8, tzinfo=UTC)
    docs = []
    for i in range(30):
        title, body = TOPICS[i % len(TOPICS)]
        src = SOURCES[i % len(SOURCES)]
        extra = " #CityVote" if i % 3 == 0 else ""
        if i % 10 == 7:
            extra += " The zebra crossing referendum is unusual."
        text = f"{title}.\n\n{body} Report number {i}.{extra}"
        docs.append(Document.create(text, source=src, title=title, url=f"https://{src}/a/{i}",
                                    published=base + timedelta(days=i, hours=i % 5),
                                    file="multi.jsonl", record=str(i + 1)))
    ids = [d.doc_id for d in docs]
    with open_corpus(path) as corpus:
        run = corpus.start_run("test")
        corpus.add_documents(docs, run)
        con = corpus.con
        _create_tables(con, RESULT_DDL)
        spans, refs = [], []
        for i, d in enumerate(docs):
            t = d.text
            k = t.index(".")
            if i % 2 == 0:
                spans.append((d.doc_id, "Loaded_Language", "Manipulative Wording", 0, k, 0.7,
                              "test-model-1", "charged wording", run))
            if i % 5 == 0:
                spans.append((d.doc_id, "Appeal_to_Fear-Prejudice", "Justification", k + 3,
                              k + 20, 0.6, "test-model-1", "fear", run))
            if "#CityVote" in t:
                s = t.index("#CityVote")
                refs.append((d.doc_id, "hashtag", "#CityVote", "#cityvote", s, s + 9, None, None,
                             None, None, False, None, run))
            if i % 4 == 0:
                refs.append((d.doc_id, "tracking_id", "UA-445566-1", "UA-445566", None, None,
                             None, None, None, None, False, "html", run))
        _insert(con, "spans", spans)
        _insert(con, "references", refs)
        _insert(con, "repetitions", [(ids[0], "water rules", 2, [docs[0].text.index("water rules"),
                                      docs[0].text.rindex("water rules")], 0.1, 2.0, "repeated", run)])
        _insert(con, "doc_labels", [(ids[0], "genre", "reporting", 0.9)])
        _insert(con, "reuse_pairs", [(ids[0], 0, 20, ids[6], 0, 20, 0.93)])
        _insert(con, "reuse_clusters", [
            (1, ids[0], 0, 20, docs[0].published, True, 0.0),
            (1, ids[6], 0, 20, docs[6].published, False,
             (docs[6].published - docs[0].published).total_seconds()),
            (1, ids[12], 0, 20, docs[12].published, False,
             (docs[12].published - docs[0].published).total_seconds())])
        _insert(con, "coordination_edges", [
            (SOURCES[0], SOURCES[1], "hashtag", 5.0, base, base + timedelta(days=9),
             json.dumps(["#cityvote"])),
            (SOURCES[1], SOURCES[2], "url", 2.0, base, base + timedelta(days=3),
             json.dumps(["https://example.net/x"])),
            (SOURCES[3], SOURCES[4], "text", 1.0, base, base, json.dumps(["passage"]))])
        _insert(con, "communities", [
            (0, SOURCES[0], 3, json.dumps({"shared": "#cityvote"})),
            (0, SOURCES[1], 3, json.dumps({"shared": "#cityvote"})),
            (0, SOURCES[2], 3, json.dumps({"shared": "#cityvote"})),
            (1, SOURCES[3], 2, json.dumps({"shared": "passage"})),
            (1, SOURCES[4], 2, json.dumps({"shared": "passage"}))])
        corpus.finish_run(run, "ok", {})
    return path, {"ids": ids, "docs": docs}


XSS = [
    '<script>window.__xss = 1</script>',
    '<img src=x onerror="window.__xss = 2">',
    '<a href="javascript:window.__xss = 3">click me</a>',
    '"><svg onload="window.__xss = 4"></svg>',
    "</script><script>window.__xss = 5</script>",
    '<iframe srcdoc="<script>parent.__xss = 6</script>"></iframe>',
]


def build_xss_corpus(path: Path) -> tuple[Path, list[str]]:
    """Every displayed field carries a payload that sets ``window.__xss`` if it ever runs."""
    docs = []
    for i, payload in enumerate(XSS):
        text = f"Ordinary opening sentence {i}. {payload} And a closing line with {payload}."
        docs.append(Document.create(text, source=f"{payload} source{i}", title=payload,
                                    url=f"javascript:window.__xss={10 + i}", author=payload,
                                    published=datetime(2023, 5, 1 + i, tzinfo=UTC),
                                    file=f"{payload}.jsonl", record=payload))
    with open_corpus(path) as corpus:
        run = corpus.start_run("test")
        corpus.add_documents(docs, run)
        con = corpus.con
        _create_tables(con, RESULT_DDL)
        for i, d in enumerate(docs):
            p = XSS[i]
            s = d.text.index(p)
            _insert(con, "spans", [(d.doc_id, p, p, s, s + len(p), 0.9, p, p, run)])
            _insert(con, "references", [(d.doc_id, "embedded_post", p, p, s, s + len(p), p, p, p,
                                         p, False, p, run),
                                        (d.doc_id, "tracking_id", p, p, None, None, None, None,
                                         None, None, False, None, run)])
            _insert(con, "repetitions", [(d.doc_id, p, 2, [s, d.text.rindex(p)], 0.1, 1.0, p, run)])
            _insert(con, "doc_labels", [(d.doc_id, p, p, 0.5)])
        srcs = [d.source for d in docs]
        _insert(con, "coordination_edges", [(srcs[i], srcs[i + 1], XSS[i], 1.0, None, None,
                                             json.dumps([XSS[i]])) for i in range(len(srcs) - 1)])
        _insert(con, "communities", [(0, s, len(srcs), json.dumps({"why": XSS[0]})) for s in srcs])
        _insert(con, "reuse_clusters", [(7, d.doc_id, 0, 5, d.published, i == 0, 3600.0 * i)
                                        for i, d in enumerate(docs)])
        corpus.finish_run(run, "ok", {})
    return path, [d.doc_id for d in docs]


def build_bare_corpus(path: Path) -> Path:
    """Documents only: every analysis section must say "not computed"."""
    docs = [Document.create(f"Plain note number {i} about the weather.", source="notes",
                            published=datetime(2022, 1, 1 + i, tzinfo=UTC)) for i in range(3)]
    with open_corpus(path) as corpus:
        run = corpus.start_run("test")
        corpus.add_documents(docs, run)
    return path


# -- browser -------------------------------------------------------------------------------

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")


def make_driver(profile_dir: Path, width: int = 1280, height: int = 1000):
    """A headless Debian Chromium with a fresh profile and browser logging on."""
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        pytest.skip("Debian chromium + chromedriver not installed (make browser-deps)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = str(CHROMIUM)
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--disable-extensions",
                f"--user-data-dir={profile_dir}", f"--window-size={width},{height}"):
        opts.add_argument(arg)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(options=opts, service=Service(str(CHROMEDRIVER)))


def console_errors(driver) -> list[str]:
    """Console messages of level SEVERE since the last call (CSP violations included)."""
    return [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]


# -- a live server ----------------------------------------------------------------------------

class LiveServer:
    """uvicorn serving ``create_app(corpus)`` on a free localhost port, in a thread."""

    def __init__(self, corpus_path: Path) -> None:
        import socket
        import threading
        import time

        import uvicorn

        from propscope.present.webapp import create_app

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(create_app(corpus_path), host="127.0.0.1", port=self.port,
                                log_level="warning", access_log=False)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("server did not start")
            time.sleep(0.05)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def raw_get(port: int, path: str) -> int:
    """Status of a GET sent byte for byte (no client-side ``..`` normalisation)."""
    import socket

    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
        head = s.recv(64).decode("latin-1")
    return int(head.split()[1])
