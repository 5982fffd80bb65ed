"""Groups spread over an hour (link/spread.py), through a real DuckDB corpus.

Eight accounts share the same twelve rare links, each member at its own moment within
the hour after each push: no two members are reliably within a minute of each other, so
the window tests do not see them; the spread family does (the same accounts on the same
rare links, link after link). Forty readers of a popular site each share three of its
articles within hours of their publication: the articles are rare too, but no set of
readers comes back on article after article, and nobody is tied.
"""

from __future__ import annotations

import random
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from propscope.link import spread
from propscope.link.coordination import run_coordination
from propscope.settings import Settings
from test_coordination_hazards import DAY, background, corpus_of, groups, word

RING = [f"hour-{i}" for i in range(8)]
READERS = [f"reader-{i:02d}" for i in range(40)]


def _posts() -> list[tuple[str, str, float]]:
    rnd = random.Random(15)
    posts = background(rnd)
    for k in range(12):  # the ring: every member shares each link within the hour
        push = DAY * (1 + 1.5 * k) + rnd.uniform(0, 3600)
        link = f"https://hour-news.example/2026/{k}/story-{rnd.randint(1000, 9999)}"
        posts += [(acc, f"{word(rnd)} {word(rnd)} {word(rnd)} {link}",
                   push + rnd.uniform(0, 3600)) for acc in RING]
    articles = [(DAY * rnd.uniform(0.5, 19.5), f"https://big-daily.example/a/{k}")
                for k in range(30)]
    for acc in READERS:  # readers: three articles each, within hours of publication
        for when, link in rnd.sample(articles, 3):
            posts.append((acc, f"{word(rnd)} {word(rnd)} {link}", when + rnd.uniform(0, 7200)))
    return posts


def test_an_hour_spread_ring_is_found_readers_are_not(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(spread, "ENABLED", True)
    corpus = corpus_of(tmp_path, _posts())
    run_coordination(corpus, Settings(), "r1")
    found = groups(corpus)
    assert set(RING) in found
    assert not any(g & set(READERS) for g in found)
    edges = corpus.df("coordination_edges")
    ring_edges = edges[edges.source_a.isin(RING) & edges.source_b.isin(RING)]
    # pairs that met within the window keep their window; the others came from the span
    assert (ring_edges["window_s"] == spread.SPAN_S).sum() >= len(ring_edges) // 2


def test_without_the_family_the_ring_is_missed(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(spread, "ENABLED", False)
    corpus = corpus_of(tmp_path, _posts())
    run_coordination(corpus, Settings(), "r1")
    assert set(RING) not in groups(corpus)


def test_one_link_shared_by_thousands_is_skipped_whole() -> None:
    """Linear cost: an item shared by 3,000 accounts is not rare; no pair is built from it."""
    rnd = np.random.default_rng(3)
    n = 3000
    shares = pd.DataFrame({"actor": np.arange(n), "item": np.zeros(n, np.int64),
                           "kind": pd.Categorical(["url"] * n),
                           "t": np.sort(rnd.uniform(0, 3600, n)), "doc": np.arange(n),
                           "row": np.arange(n)})
    started = time.process_time()
    co, pairs = spread.spread_pairs(shares)
    assert co.empty and pairs.empty
    assert time.process_time() - started < 5.0
