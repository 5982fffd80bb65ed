"""A co-boost ring tested as a set, and a star's fans (link/ringsets.py).

Through a real DuckDB corpus built from an X API v2 page (invented accounts and texts).
Fifteen authors post once each; six of twelve ring accounts retweet each post within a
minute, and nobody else does. A star posts 15 times; 200 fans retweet every post within
ten minutes. The fans are a whole fandom on one author (a common cause) and must never be a
group; the ring is together on many authors' posts and is found as one community.
"""

from __future__ import annotations

import json
import random
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from coord_fixtures import XPage, communities
from propscope import load_settings, open_corpus
from propscope.link import ringsets
from propscope.pipeline import run

T0 = datetime(2024, 10, 1, tzinfo=UTC)
RING = [f"ringer_{i:02d}" for i in range(12)]
AUTHORS = [f"writer_{i:02d}" for i in range(15)]
FANS = [f"fan_{i:03d}" for i in range(200)]


def _page() -> dict:
    page = XPage(random.Random(1510), ["star", *AUTHORS, *RING, *FANS], T0, first_id=80000)
    rnd = page.rnd
    for k in range(15):
        t = k * 30000.0 + rnd.uniform(0, 3600)
        top = page.post("star", t, f"Star news {page.words(9)}")
        for f in FANS:
            page.post(f, t + rnd.uniform(5, 600), f"RT @star: {top['text']}", retweet_of=top)
    for k, author in enumerate(AUTHORS):
        t = k * 29000.0 + 9000 + rnd.uniform(0, 3600)
        top = page.post(author, t, f"Own line {page.words(9)}")
        for m in rnd.sample(RING, 6):
            page.post(m, t + rnd.uniform(2, 55), f"RT @{author}: {top['text']}", retweet_of=top)
    return page.page()


def _members(tmp_path: Path) -> tuple[list[set[str]], int]:
    tmp_path.mkdir(exist_ok=True)
    src = tmp_path / "x-page.jsonl"
    src.write_text(json.dumps(_page()) + "\n", encoding="utf-8")
    corpus = tmp_path / "c.duckdb"
    run([str(src)], corpus, None, load_settings(analyzers=("references", "repetitions")))
    with open_corpus(corpus, read_only=True) as c:
        rows = c.con.execute("SELECT count(*) FROM coordination_edges WHERE kind = 'retweet' "
                             "AND source_a LIKE 'ringer%'").fetchone()
    return communities(corpus), int(rows[0]) if rows else 0


def test_the_ring_is_one_community_and_no_fan_is_in_any(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ringsets, "ENABLED", True)
    found, edges = _members(tmp_path / "on")
    rings = [g for g in found if g & set(RING)]
    assert len(rings) == 1 and len(rings[0] & set(RING)) >= 9
    assert not any(g & (set(FANS) | set(AUTHORS) | {"star"}) for g in found)
    monkeypatch.setattr(ringsets, "ENABLED", False)
    found_off, edges_off = _members(tmp_path / "off")
    # the set adds the member pairs the pair test left below Holm's bar (this small corpus
    # asks few questions, so some ring pairs pass on their own); no fan in either run
    assert edges > edges_off
    assert not any(g & set(FANS) for g in found_off)


def _shares(rows: list[tuple[int, int, str, float, int]]) -> pd.DataFrame:
    s = pd.DataFrame(rows, columns=["actor", "item", "kind", "t", "audience"])
    return s.sort_values(["item", "t", "actor"], kind="mergesort").reset_index(drop=True)


def _co(s: pd.DataFrame, window: float) -> pd.DataFrame:
    from propscope.link.cochance import sweep
    item, t, actor = (s[c].to_numpy() for c in ("item", "t", "actor"))
    ja, jb = sweep(item, t.astype(float), window)
    lo, hi = np.minimum(actor[ja], actor[jb]), np.maximum(actor[ja], actor[jb])
    return pd.DataFrame({"a": lo, "b": hi, "item": item[ja], "kind": s["kind"].to_numpy()[ja],
                         "close": np.ones(len(ja), bool)})


def test_one_post_boosted_by_thousands_costs_little_and_accuses_nobody() -> None:
    """3,000 accounts boost one post within minutes (over the item cap), beside a ring of
    eight that boosts twelve authors' posts: linear cost, the crowd is no ring."""
    rnd = random.Random(7)
    rows = [(1000 + a, 0, "retweet", rnd.uniform(0, 300), 0) for a in range(3000)]
    for k in range(12):
        for m in rnd.sample(range(8), 5):
            rows.append((m, 1 + k, "retweet", 10000.0 * k + rnd.uniform(0, 50), 1 + k))
    for a in range(3000):  # each crowd account also boosts something of its own
        rows.append((1000 + a, 100 + a, "retweet", 5e5 + a, 100 + a))
    s = _shares(rows)
    started = time.process_time()
    got = ringsets.ring_sets(s, _co(s, 60.0), 60.0, cap=200)
    assert time.process_time() - started < 5.0
    members = {a for r in got.sets for a in r["members"]}  # type: ignore[attr-defined]
    assert not members & set(range(1000, 4000))
    assert members <= set(range(8)) and len(members) >= 6


def test_a_fandom_on_one_author_is_never_a_ring() -> None:
    """Forty accounts boost all of one author's twenty posts within seconds, and nothing
    else of anyone's: whatever the timing, they are seen on one author only."""
    rnd = random.Random(11)
    rows = []
    for k in range(20):
        for a in range(40):
            rows.append((a, k, "retweet", 20000.0 * k + rnd.uniform(0, 30), 0))
    for a in range(40):  # and some ordinary boosts of their own
        for j in range(3):
            rows.append((a, 100 + 3 * a + j, "retweet", 9e5 + 100 * a + j, 1 + a))
    s = _shares(rows)
    assert ringsets.ring_sets(s, _co(s, 60.0), 60.0).sets == []
