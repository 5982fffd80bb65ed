"""Corpora for the report, web app and browser tests (imported by those test modules).

Every corpus is built by the real pipeline (:func:`conftest.build_corpus`: ingest, the
analyzers, reuse, coordination) from input files written here, so its tables have exactly the
schemas the stages write. The one stand-in is the technique model: tests need spans at known
places, so :func:`fixture_technique_model` swaps the shipped ONNX model for rules while
keeping the real analyzer's name, version, tables and taxonomy (the writer, the schemas and
everything downstream are the real ones). Texts are our own, from varied viewpoints; the real
sample article is only read from ../shared at test time.
"""

from __future__ import annotations

import contextlib
import dataclasses
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from conftest import build_corpus, write_jsonl
from propscope.document import Document

SAMPLE = Path(__file__).resolve().parents[2] / "shared" / "samples" / "advocacy-article-2020-10-28.txt"
SAMPLE_ALT = Path("/work/shared/samples/advocacy-article-2020-10-28.txt")
STUFFED = "(PMOI / MEK Iran)"
FAST = ("language", "references", "repetitions")  # every analyzer but the technique model


def sample_path() -> Path:
    """The shared sample article (a test that needs it skips without ../shared; CI fails)."""
    path = SAMPLE if SAMPLE.exists() else SAMPLE_ALT
    if not path.exists():
        pytest.skip("shared sample article not available")
    return path


def build_sample_corpus(path: Path, **settings: Any) -> tuple[Path, str]:
    """The sample article through the real pipeline, every analyzer included (added to the
    corpus at ``path`` if there is one). Returns (corpus path, the article's doc_id)."""
    src = sample_path()
    build_corpus(path, [src], **settings)
    text = re.sub(r"^\s*date \d{4}-\d{2}-\d{2} ", "", src.read_text(encoding="utf-8"))
    return path, Document.create(text).doc_id


# -- the technique model's stand-in --------------------------------------------------------------

Rule = tuple[str, str]  # (technique, the text it marks: a regex; its first match is the span)


@contextlib.contextmanager
def fixture_technique_model(rules: dict[str, list[Rule]]) -> Iterator[None]:
    """While open, the ``techniques`` analyzer marks, in each document, the first match of each
    rule of the rules listed for a word the document contains (``rules`` keyed by such words).
    Name, version, tables, families and explanations are the real analyzer's."""
    from propscope.analyze import registry
    from propscope.analyze.techniques import analyzer, taxonomy

    families = {t.label: t.family for t in taxonomy.techniques_2023()}

    def analyze(doc: Document) -> dict[str, list[dict[str, Any]]]:
        spans = []
        for word, marks in rules.items():
            if word not in doc.text:
                continue
            for technique, pattern in marks:
                m = re.search(pattern, doc.text)
                if m:
                    spans.append({"doc_id": doc.doc_id, "technique": technique,
                                  "family": families[technique], "start": m.start(),
                                  "end": m.end(), "confidence": 0.7, "model": "fixture-model@1",
                                  "snippet": m.group(),
                                  "explanation": taxonomy.explain(technique, m.group())})
        labels = [{"doc_id": doc.doc_id, "task": "genre", "label": "reporting", "score": 0.9,
                   "model": "fixture-model@1"}]
        return {"spans": spans, "doc_labels": labels}

    real = registry.get_analyzer("techniques")
    # configure=None: the real one would bind (and so bring back) the real model for a taxonomy
    registry.register(dataclasses.replace(real, fn=analyze, batch_fn=None, configure=None))
    try:
        yield
    finally:
        registry.register(analyzer.ANALYZER)


# -- thirty documents over five sources -----------------------------------------------------------

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
TRACKING_ID = "UA-445566-1"
PAIR_LINKS = 8
# Spans at known places: Loaded_Language on the headline of every even document, and
# Appeal_to_Fear-Prejudice on the sentence after it in every fifth (marked by its words).
EVEN, FIFTH = "Edition: even.", "Edition: fifth."
MULTI_RULES: dict[str, list[Rule]] = {
    EVEN: [("Loaded_Language", r"^[^.]+")],
    FIFTH: [("Appeal_to_Fear-Prejudice", r"(?<=\.\n\n)[^.;]{17}")],
}


STUFFING = (" Our answer: (Save Our Rivers) we say (Save Our Rivers), today (Save Our Rivers) "
            "and tomorrow (Save Our Rivers).")


def multi_records(sources: list[str] = SOURCES) -> list[dict[str, Any]]:
    """The thirty input records, about one a day. Documents 2j and 2j+1 (two sources) are posted
    30 seconds apart around midnight, either one first, and share links no one else posts: coordination links the
    five sources in a ring (each pair of neighbours co-acts three times, on PAIR_LINKS links
    each time, far more than chance among five accounts). Same-topic documents share their
    headline and first sentence (reuse); document 0 stuffs a set-off phrase (repetitions)."""
    base = datetime(2024, 3, 1, tzinfo=UTC)
    records = []
    for i in range(30):
        title, body = TOPICS[i % len(TOPICS)]
        extra = " #CityVote" if i % 3 == 0 else ""
        if i % 10 == 7:
            extra += " The zebra crossing referendum is unusual."
        if i % 4 == 0:
            extra += f" Site analytics {TRACKING_ID}."
        if i == 0:
            extra += STUFFING
        links = " ".join(f"https://links.example/{i // 2}/{k}" for k in range(PAIR_LINKS))
        marks = (f" {EVEN}" if i % 2 == 0 else "") + (f" {FIFTH}" if i % 5 == 0 else "")
        src = sources[i % len(sources)]
        # The two documents of pair j are 30 s apart; which of the two sources goes first
        # alternates with j, so no source is only ever the second on its links (coordination
        # 5 reads a link only two accounts share, always posted first by the same one, as a
        # response, not a co-action: see link/conversation.py).
        at = base + timedelta(days=i, seconds=86370 if i % 2 == 0 else 0)
        if (i // 2) % 2 == 1 and i % 2 == 1:
            at -= timedelta(seconds=60)
        records.append({
            "text": f"{title}.\n\n{body} Report number {i}.{extra} Sources: {links}.{marks}",
            "title": title, "source": src, "url": f"https://{src}/a/{i}",
            "published": at.isoformat()})
    return records


def build_multi_corpus(path: Path, sources: list[str] = SOURCES) -> tuple[Path, dict[str, Any]]:
    """30 documents over 5 sources and 30 days, with every kind of finding, through the real
    pipeline. Returns (corpus path, {"ids": doc_ids in record order, "docs": Documents})."""
    records = multi_records(sources)
    src = write_jsonl(path.parent / f"{path.stem}-multi.jsonl", records)
    with fixture_technique_model(MULTI_RULES):
        build_corpus(path, [src], reuse_min_words=12)
    docs = [Document.create(r["text"]) for r in records]
    return path, {"ids": [d.doc_id for d in docs], "docs": docs}


# -- hostile fields --------------------------------------------------------------------------------

XSS = [
    '<script>window.__xss = 1</script>',
    '<img src=x onerror="window.__xss = 2">',
    '<a href="javascript:window.__xss = 3">click me</a>',
    '"><svg onload="window.__xss = 4"></svg>',
    "</script><script>window.__xss = 5</script>",
    '<iframe srcdoc="<script>parent.__xss = 6</script>"></iframe>',
]


def build_xss_corpus(path: Path) -> tuple[Path, list[str]]:
    """Every input field that is displayed carries a payload that sets ``window.__xss`` if it
    ever runs: text (twice, so it is also a repeated phrase), source, title, URL and author,
    plus a hashtag and a link every document shares (coordination evidence)."""
    records = []
    for i, payload in enumerate(XSS):
        text = (f"Ordinary opening sentence {i}. {payload} And a closing line with {payload}. "
                f"#Shared https://x.example/?q={payload}")
        records.append({"text": text, "source": f"{payload} source{i}", "title": payload,
                        "url": f"javascript:window.__xss={10 + i}", "author": payload,
                        "published": datetime(2023, 5, 1, 9, i, tzinfo=UTC).isoformat()})
    src = write_jsonl(path.parent / f"{path.stem}-xss.jsonl", records)
    with fixture_technique_model({"Ordinary": [("Loaded_Language", r"<[^>]+>")]}):
        build_corpus(path, [src], coordination_min_items=1)
    return path, [Document.create(r["text"]).doc_id for r in records]


def build_bare_corpus(path: Path) -> Path:
    """Documents only (ingested, nothing analyzed): every analysis section says "not computed"."""
    from propscope import load_settings, pipeline

    records = [{"text": f"Plain note number {i} about the weather.", "source": "notes",
                "published": datetime(2022, 1, 1 + i, tzinfo=UTC).isoformat()} for i in range(3)]
    src = write_jsonl(path.parent / f"{path.stem}-bare.jsonl", records)
    pipeline.ingest([src], path, load_settings())
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
