"""A co-boost ring that is its hub's whole audience, and a star's fans (link/hubrings.py).

Through a real DuckDB corpus built from an X API v2 page (invented accounts and texts).
A hub nobody else follows posts 16 times; five of eight ring accounts retweet each post
5-150 s after it, and nobody else ever does: the repost conditioning measures the ring against
its own participation, and the common-cause test explains the co-retweets more than a
minute apart. A star posts 30 times; 30 fans retweet each post now and then, minutes to
hours later, and four quick fans within a minute: a real audience, never closed.
"""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from coord_fixtures import communities
from propscope import load_settings, open_corpus
from propscope.link import hubrings
from propscope.pipeline import run

T0 = datetime(2024, 9, 1, tzinfo=UTC)
RING = [f"booster_{i}" for i in range(8)]
HUB_POSTS, PER_POST = 16, 5
QUICK = [f"quickfan_{i}" for i in range(4)]
FANS = [f"fan_{i:02d}" for i in range(30)]


def _page() -> dict:
    rnd = random.Random(61)
    names = ["hub", "star", *RING, *QUICK, *FANS]
    users = [{"id": str(500 + i), "username": n, "name": n} for i, n in enumerate(names)]
    uid = {u["username"]: u["id"] for u in users}
    data: list[dict] = []

    def post(who: str, t: float, text: str, rt: dict | None = None) -> dict:
        tweet = {"id": str(70000 + len(data)), "author_id": uid[who], "text": text,
                 "created_at": (T0 + timedelta(seconds=t)).strftime("%Y-%m-%dT%H:%M:%S.000Z")}
        if rt is not None:
            tweet["referenced_tweets"] = [{"type": "retweeted", "id": rt["id"]}]
        data.append(tweet)
        return tweet

    def words(k: int = 9) -> str:
        return " ".join("".join(rnd.choice("abcdefghijklmnopqrstuvwxyz")
                                for _ in range(rnd.randint(3, 8))) for _ in range(k))

    for k in range(30):
        t = k * 20000.0 + rnd.uniform(0, 3600)
        top = post("star", t, f"Star news {words()}")
        for f in QUICK:
            post(f, t + rnd.uniform(3, 50), f"RT @star: {top['text']}", top)
        for f in rnd.sample(FANS, 10):
            post(f, t + rnd.uniform(300, 8 * 3600), f"RT @star: {top['text']}", top)
    for k in range(HUB_POSTS):
        t = k * 45000.0 + 7000 + rnd.uniform(0, 3600)
        top = post("hub", t, f"Hub line {words()}")
        for m in rnd.sample(RING, PER_POST):
            post(m, t + rnd.uniform(5, 150), f"RT @hub: {top['text']}", top)
    return {"data": data, "includes": {"users": users}, "meta": {"result_count": len(data)}}


def _slow_ring_evidence(tmp_path: Path) -> int:
    """Ring co-retweets more than a minute apart in ``coordination_evidence``."""
    tmp_path.mkdir()
    src = tmp_path / "x-page.jsonl"
    src.write_text(json.dumps(_page()) + "\n", encoding="utf-8")
    corpus = tmp_path / "c.duckdb"
    run([str(src)], corpus, None, load_settings(analyzers=("references", "repetitions")))
    with open_corpus(corpus, read_only=True) as c:
        got = c.con.execute("SELECT count(*) FROM coordination_evidence WHERE kind = 'retweet' "
                            "AND delay_s > 60 AND source_a LIKE 'booster%' "
                            "AND source_b LIKE 'booster%'").fetchone()
    return int(got[0]) if got else 0


def _members(tmp_path: Path) -> list[set[str]]:
    src = tmp_path / "x-page.jsonl"
    src.write_text(json.dumps(_page()) + "\n", encoding="utf-8")
    corpus = tmp_path / "c.duckdb"
    run([str(src)], corpus, None, load_settings(analyzers=("references", "repetitions")))
    return communities(corpus)


def test_the_hub_ring_is_found_with_the_rule_and_no_fan_is(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(hubrings, "ENABLED", True)
    monkeypatch.setattr(hubrings, "KEEP_TIMING", True)
    found = _members(tmp_path)
    assert any(len(g & set(RING)) >= 5 for g in found)
    assert not any(g & (set(QUICK) | set(FANS) | {"star", "hub"}) for g in found)


def test_without_the_rule_the_slow_co_retweets_are_a_common_cause(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The ring is still found here (a small corpus asks few questions), but its
    co-retweets more than a minute apart are explained as the hub's audience, each at its
    own pace; with the rule they are the ring's evidence."""
    monkeypatch.setattr(hubrings, "ENABLED", False)
    monkeypatch.setattr(hubrings, "KEEP_TIMING", False)
    assert _slow_ring_evidence(tmp_path / "off") == 0
    monkeypatch.setattr(hubrings, "KEEP_TIMING", True)
    assert _slow_ring_evidence(tmp_path / "on") >= 3


def test_a_closed_audience_is_every_reshare_in_a_burst(monkeypatch: pytest.MonkeyPatch) -> None:
    """Audience 0 (three posts, each re-shared by three accounts within the window) is
    closed; audience 1 (re-shares hours apart) is not; ``-1`` rows are not reposts."""
    monkeypatch.setattr(hubrings, "ENABLED", True)
    audience = np.array([0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, -1, -1])
    item = np.array([0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4])
    ja = np.array([0, 1, 3, 4, 6, 7, 12])  # co-actions within the window (sorted shares)
    jb = np.array([1, 2, 4, 5, 7, 8, 13])
    assert hubrings.closed_audiences(audience, item, ja, jb).tolist() == [0]
    monkeypatch.setattr(hubrings, "ENABLED", False)
    monkeypatch.setattr(hubrings, "KEEP_TIMING", False)
    assert hubrings.closed_audiences(audience, item, ja, jb).tolist() == []
