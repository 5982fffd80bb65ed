"""Journalists retweeting their outlet's posts, each at its own pace, are not a group; a
ring retweeting its hub within seconds is (link/commoncause.py), through a real DuckDB
corpus built from an X API v2 page (invented accounts and texts).

The outlet posts 24 times; each of its three journalists retweets each post 3-30 minutes
later, independently. Four ring accounts retweet each of their hub's 10 posts within
seconds. Readers retweet the outlet now and then, hours later. With the 40-minute window
on, before the rule the journalists were a group (the case would test nothing otherwise).
"""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from propscope import load_settings, open_corpus
from propscope.link import commoncause, coordination
from propscope.pipeline import run

T0 = datetime(2024, 7, 1, tzinfo=UTC)
JOURNALISTS = ["reporter_ann", "reporter_bo", "reporter_cy"]
RING = [f"ring_{i}" for i in range(4)]


def _page() -> dict:
    rnd = random.Random(23)
    names = ["outlet", "hub", *JOURNALISTS, *RING] + [f"reader_{i:02d}" for i in range(20)]
    users = [{"id": str(100 + i), "username": n, "name": n} for i, n in enumerate(names)]
    uid = {u["username"]: u["id"] for u in users}
    data: list[dict] = []

    def post(who: str, t: float, text: str, rt: dict | None = None) -> dict:
        tweet = {"id": str(9000 + len(data)), "author_id": uid[who], "text": text,
                 "created_at": (T0 + timedelta(seconds=t)).strftime("%Y-%m-%dT%H:%M:%S.000Z")}
        if rt is not None:
            tweet["referenced_tweets"] = [{"type": "retweeted", "id": rt["id"]}]
        data.append(tweet)
        return tweet

    def words(k: int = 8) -> str:
        return " ".join("".join(rnd.choice("abcdefghijklmnopqrstuvwxyz")
                                for _ in range(rnd.randint(3, 8))) for _ in range(k))

    for k in range(24):
        t = k * 30000.0 + rnd.uniform(0, 3600)
        top = post("outlet", t, f"Outlet reports {words()}")
        for j in JOURNALISTS:
            post(j, t + rnd.uniform(180, 1800), f"RT @outlet: {top['text']}", top)
        for r in rnd.sample(range(20), 2):
            post(f"reader_{r:02d}", t + rnd.uniform(4 * 3600, 20 * 3600),
                 f"RT @outlet: {top['text']}", top)
    for k in range(10):
        t = k * 70000.0 + 5000 + rnd.uniform(0, 3600)
        top = post("hub", t, f"Hub says {words()}")
        for i, m in enumerate(RING):
            post(m, t + 5 + 4 * i + rnd.uniform(0, 3), f"RT @hub: {top['text']}", top)
    return {"data": data, "includes": {"users": users}, "meta": {"result_count": len(data)}}


def _members(tmp_path: Path) -> list[set[str]]:
    src = tmp_path / "x-page.jsonl"
    src.write_text(json.dumps(_page()) + "\n", encoding="utf-8")
    corpus = tmp_path / "c.duckdb"
    run([str(src)], corpus, None, load_settings(analyzers=("references", "repetitions")))
    with open_corpus(corpus, read_only=True) as c:
        rows = c.con.execute("SELECT community_id, source FROM communities").fetchall()
    found: dict[str, set[str]] = {}
    for cid, source in rows:
        found.setdefault(cid, set()).add(source)
    return list(found.values())


@pytest.fixture(autouse=True)
def _wide(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(coordination, "WIDE_WINDOW_S", coordination.WIDE_WINDOW_OPT_IN_S)


def test_journalists_retweeting_their_outlet_are_no_group_the_ring_is(tmp_path: Path) -> None:
    assert _members(tmp_path) == [set(RING)]


def test_without_the_rule_the_journalists_are_a_group(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(commoncause, "ENABLED", False)
    found = _members(tmp_path)
    assert set(RING) in found
    assert any(set(JOURNALISTS) <= g for g in found)
