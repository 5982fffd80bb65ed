"""Both analyzers on the real sample article, exactly (issue 3, "What it must show").

The article is read from ../shared/samples at test time (never copied here); the
Document is built directly so this test does not depend on the ingest stage.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from propscope.analyze.references import analyze_references
from propscope.analyze.repetition import analyze_repetitions
from propscope.document import Document

SAMPLE = Path(__file__).resolve().parents[2] / "shared" / "samples" / "advocacy-article-2020-10-28.txt"
HEADER = " date 2020-10-28 "


@pytest.fixture(scope="module")
def doc() -> Document:
    if not SAMPLE.exists():
        pytest.skip("../shared/samples is not beside the checkout")
    raw = SAMPLE.read_text(encoding="utf-8")
    assert raw.startswith(HEADER)
    return Document.create(raw[len(HEADER):])


@pytest.fixture(scope="module")
def refs(doc) -> list[dict]:
    rows = analyze_references(doc)["doc_references"]
    for r in rows:
        assert doc.text[r["start"]:r["end"]] == r["value"], r
    return rows


def of(rows: list[dict], kind: str) -> list[dict]:
    return [r for r in rows if r["kind"] == kind]


def test_hashtags(refs, doc):
    tags = of(refs, "hashtag")
    assert Counter(t["normalized"] for t in tags) == {
        "iran": 3, "mek": 2, "iranian": 1, "ncri": 1, "expelirandiplomatterrorists": 1}
    assert len(tags) == 8
    glued = [t for t in tags if doc.text[t["start"] - 1] == "."]
    assert [t["value"] for t in glued] == ["#Iran"]  # "nation.#Iran"


def test_links(refs):
    urls = of(refs, "url")
    assert [u["value"] for u in urls] == [
        "https://t.co/WHNW4emuiN", "pic.twitter.com/kAbmCAqLMT", "https://t.co/fDw1tKXyUQ",
        "https://t.co/Vihck8lA6j", "pic.twitter.com/Us5O1adofF"]
    assert [u["domain"] for u in urls] == ["t.co", "pic.twitter.com", "t.co", "t.co",
                                           "pic.twitter.com"]
    assert [u["is_shortener"] for u in urls] == [True, False, True, True, False]
    assert urls[1]["normalized"] == "https://pic.twitter.com/kAbmCAqLMT"
    assert not any(u["value"].lower() in ("twitter", "youtube", "facebook") for u in urls)


def test_embedded_posts(refs, doc):
    posts = of(refs, "embedded_post")
    assert [(p["author"], p["handle"], p["posted"]) for p in posts] == [
        ("MEK Iran (Mujahedin-e Khalq)", "MEK_Iran", date(2020, 9, 5)),
        ("MEK Iran (Mujahedin-e Khalq)", "MEK_Iran", date(2020, 10, 10)),
        ("Maryam Rajavi", "Maryam_Rajavi", date(2020, 7, 14)),
    ]
    starts = ["“Owing to the sacrifices", "https://t.co/fDw1tKXyUQ: On June 30",
              "The Iranian regime’s extensive two-year efforts"]
    ends = ["(@MEK_Iran) September 5, 2020", "(@MEK_Iran) October 10, 2020",
            "(@Maryam_Rajavi) July 14, 2020"]
    for p, head, tail in zip(posts, starts, ends, strict=True):
        assert p["value"].startswith(head) and p["value"].endswith(tail)
        # each post starts a paragraph
        assert p["start"] == 0 or doc.text[p["start"] - 2:p["start"]] == "\n\n"
    children = Counter((p["start"], r["kind"]) for p in posts for r in refs
                       if r["parent_start"] == p["start"])
    assert [children[(p["start"], "url")] for p in posts] == [2, 2, 1]
    assert [children[(p["start"], "hashtag")] for p in posts] == [3, 3, 2]
    # every hashtag and link of this article is inside a post
    assert all(r["parent_start"] is not None for r in refs if r["kind"] in ("url", "hashtag"))
    # the attribution handles are the posts' authors, not mentions
    assert of(refs, "mention") == []


def test_nothing_else(refs):
    assert Counter(r["kind"] for r in refs) == {"hashtag": 8, "url": 5, "embedded_post": 3}


def test_stuffed_phrase(doc):
    rows = analyze_repetitions(doc)["repetitions"]
    assert len(rows) == 1, rows
    (row,) = rows
    phrase = "(PMOI / MEK Iran)"
    assert (row["kind"], row["phrase"], row["count"]) == ("stuffing", phrase, 9)
    expected = [i for i in range(len(doc.text)) if doc.text.startswith(phrase, i)]
    assert row["starts"] == expected and len(expected) == 9
    assert row["entity"] == "Resistance" and row["entity_count"] == 7
    assert "9 times" in row["reason"] and "'Resistance' 7 of 9" in row["reason"]
