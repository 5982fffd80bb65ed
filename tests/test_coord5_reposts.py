"""Journalists retweeting their outlet's posts, each at its own pace, are not a group; a
ring retweeting its hub within seconds is (link/commoncause.py), through a real DuckDB
corpus built from an X API v2 page (invented accounts and texts).

The outlet posts 24 times; each of its three journalists retweets each post 3-30 minutes
later, independently. Four ring accounts retweet each of their hub's 10 posts within
seconds. Readers retweet the outlet now and then, hours later. With the 40-minute window
on, before the rule the journalists were a group (the case would test nothing otherwise).
"""

from __future__ import annotations

import random
from datetime import UTC, datetime
from pathlib import Path

import pytest

from coord_fixtures import XPage, communities, in_turn, x_page_corpus
from propscope.link import commoncause, coordination

T0 = datetime(2024, 7, 1, tzinfo=UTC)
JOURNALISTS = ["reporter_ann", "reporter_bo", "reporter_cy"]
RING = [f"ring_{i}" for i in range(4)]


def _page() -> dict:
    names = ["outlet", "hub", *JOURNALISTS, *RING] + [f"reader_{i:02d}" for i in range(20)]
    page = XPage(random.Random(23), names, T0, first_id=9000)
    rnd = page.rnd
    for k in range(24):
        t = k * 30000.0 + rnd.uniform(0, 3600)
        top = page.post("outlet", t, f"Outlet reports {page.words(8)}")
        for j in JOURNALISTS:
            page.post(j, t + rnd.uniform(180, 1800), f"RT @outlet: {top['text']}",
                      retweet_of=top)
        for r in rnd.sample(range(20), 2):
            page.post(f"reader_{r:02d}", t + rnd.uniform(4 * 3600, 20 * 3600),
                      f"RT @outlet: {top['text']}", retweet_of=top)
    for k in range(10):
        t = k * 70000.0 + 5000 + rnd.uniform(0, 3600)
        top = page.post("hub", t, f"Hub says {page.words(8)}")
        for m, at in in_turn(rnd, RING, t + 5, 4, 3):
            page.post(m, at, f"RT @hub: {top['text']}", retweet_of=top)
    return page.page()


def _members(tmp_path: Path) -> list[set[str]]:
    return communities(x_page_corpus(tmp_path, _page()))


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
