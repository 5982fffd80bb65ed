"""A star's fans answering each of its posts within minutes are its audience, not a group;
a brigade answering many accounts' posts within seconds is (link/carried.py,
``CONDITION_ANSWERS``: replies measured against how often each account answers *that*
account, as reposts are against the account they re-share).

Through a real DuckDB corpus built from an X API v2 page (invented accounts and texts):
a star posts 14 times a day apart and ten fans answer each post within four minutes
(notifications on), thirty readers now and then hours later; five brigade accounts
answer one post each of ten different accounts within half a minute. Without the rule
the fans are a group (so the case tests something).
"""

from __future__ import annotations

import random
from datetime import UTC, datetime
from pathlib import Path

import pytest

from coord_fixtures import XPage, communities, in_turn, x_page_corpus
from propscope.link import carried

T0 = datetime(2024, 9, 1, tzinfo=UTC)
FANS = [f"fan_{i}" for i in range(10)]
BRIGADE = [f"brigade_{i}" for i in range(5)]
TARGETS = [f"target_{i}" for i in range(10)]
READERS = [f"reader_{i:02d}" for i in range(30)]


def _page() -> dict:
    page = XPage(random.Random(31), ["star", *FANS, *BRIGADE, *TARGETS, *READERS], T0,
                 first_id=70000)
    rnd = page.rnd
    for k in range(14):
        t = k * 86400.0 + rnd.uniform(0, 3600)
        top = page.post("star", t, f"Star shares {page.words(8)}")
        for fan in FANS:
            page.post(fan, t + rnd.uniform(10, 240), f"@star {page.words(4)}", top)
        for r in rnd.sample(READERS, 3):
            page.post(r, t + rnd.uniform(3 * 3600, 20 * 3600), f"@star {page.words(4)}", top)
    for k, target in enumerate(TARGETS):
        t = k * 100000.0 + 40000 + rnd.uniform(0, 3600)
        top = page.post(target, t, f"{target} writes {page.words(8)}")
        for b, at in in_turn(rnd, BRIGADE, t + 8, 4, 3):
            page.post(b, at, f"@{target} {page.words(5)}", top)
        for r in rnd.sample(READERS, 2):
            page.post(r, t + rnd.uniform(3 * 3600, 20 * 3600), f"@{target} {page.words(4)}", top)
    return page.page()


def _groups(tmp_path: Path) -> list[set[str]]:
    return communities(x_page_corpus(tmp_path, _page(), coordination_window_s=300.0))


def test_fans_answering_their_star_are_no_group_the_brigade_is(tmp_path: Path) -> None:
    assert _groups(tmp_path) == [set(BRIGADE)]


def test_without_the_rule_the_fans_are_a_group(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(carried, "CONDITION_ANSWERS", False)
    found = _groups(tmp_path)
    assert any(set(FANS) <= g for g in found)
    assert set(BRIGADE) in found
