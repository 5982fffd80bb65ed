"""Re-shares of a closed audience in the spread family (link/spread.py, CLOSED_RESHARES): a
ring pushing hubs nobody else follows, each member within a quarter of an hour of the post,
is found; a star's fans, each retweeting some of its posts within minutes, are not a group.

Through an X API v2 page and a real DuckDB corpus."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from coord_fixtures import XPage, communities, x_page_corpus
from propscope.link import spread
from test_reuse_fixtures import T0

DAY = 86400.0
RING = [f"booster_{i:02d}" for i in range(12)]
HUBS = ["hub_a", "hub_b", "hub_c"]
FANS = [f"fan_{i:02d}" for i in range(30)]
READERS = [f"reader_{i:02d}" for i in range(30)]


def _page(seed: int, ring: list[str] = RING, per_push: int = 8) -> dict:
    rnd = random.Random(seed)
    page = XPage(rnd, ring + HUBS + FANS + READERS + ["star"], T0, 30_000)
    for day in range(14):
        # a hub posts; 8 of the 12 boosters retweet it, each within 15 minutes
        hub = HUBS[day % len(HUBS)]
        t = day * DAY + rnd.uniform(8, 20) * 3600
        post = page.post(hub, t, f"Hub news {page.words(8)}")
        start = t + rnd.uniform(60, 600)
        for b in rnd.sample(ring, per_push):
            page.post(b, start + rnd.uniform(0, 900), f"RT {page.words(3)}", retweet_of=post)
        # the star posts three times a day; each fan retweets a few of its posts within
        # minutes (notifications)
        for k in range(3):
            ts = day * DAY + 3600 * (7 + 5 * k) + rnd.uniform(0, 600)
            top = page.post("star", ts, f"Star {page.words(7)}")
            for fan in FANS:
                if rnd.random() < 0.2:
                    page.post(fan, ts + rnd.uniform(20, 900), f"RT {page.words(3)}",
                              retweet_of=top)
        for r in rnd.sample(READERS + ring + FANS, 25):  # everyone's own posts
            page.post(r, day * DAY + rnd.uniform(0, DAY), page.words(10))
    return page.page()


@pytest.mark.parametrize("on", [True, False])
def test_ring_on_closed_hubs_over_minutes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                          on: bool) -> None:
    monkeypatch.setattr(spread, "CLOSED_RESHARES", on)
    found = communities(x_page_corpus(tmp_path, _page(3)))
    assert all(g <= set(RING) for g in found)  # no fan, reader, hub or star, either way
    assert any(len(g) >= 10 for g in found) == on


@pytest.mark.parametrize("cap", [100, 30])
def test_a_large_ring_on_closed_hubs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                     cap: int) -> None:
    """45 boosters, 36 on each hub post: each post has more re-sharers than a rare item
    may (``RARE_CAP``), and is tested only with the closed hubs' own cap (``CLOSED_CAP``)."""
    ring = [f"booster_{i:02d}" for i in range(45)]
    monkeypatch.setattr(spread, "CLOSED_CAP", cap)
    found = communities(x_page_corpus(tmp_path, _page(3, ring, 36)))
    assert all(g <= set(ring) for g in found)
    assert any(len(g) >= 40 for g in found) == (cap == 100)


def test_a_closed_hub_reshared_by_thousands_is_skipped_whole() -> None:
    """Linear cost: 3,000 accounts re-sharing each of five posts of a closed hub, and 3,000
    answering one post, in bursts: no item is rare, no pair is built from them."""
    import time

    import numpy as np
    import pandas as pd

    rnd = np.random.default_rng(4)
    n = 3000
    actor = np.r_[np.tile(np.arange(n), 5), np.arange(n)]
    item = np.r_[np.repeat(np.arange(5), n), np.full(n, 5)]
    kind = ["retweet"] * (5 * n) + ["reply"] * n
    t = np.r_[np.concatenate([k * 86400 + np.sort(rnd.uniform(0, 600, n)) for k in range(5)]),
              np.sort(rnd.uniform(0, 600, n))]
    shares = pd.DataFrame({"actor": actor, "item": item, "kind": pd.Categorical(kind),
                           "t": t, "doc": np.arange(6 * n), "row": np.arange(6 * n),
                           "audience": np.zeros(6 * n, np.int64),
                           "answered": np.r_[np.full(5 * n, -1), np.zeros(n, np.int64)]})
    parent = np.full(6, np.nan)
    parent[5] = -60.0
    started = time.process_time()
    co, pairs = spread.spread_pairs(shares, answered_t=parent, closed=np.array([0]))
    assert co.empty and pairs.empty
    assert time.process_time() - started < 5.0
