"""Two friends who answer the same friend's threads, and are answered by that friend, are
a conversation even if they never reply to each other (link/conversation.py, circles).

Through a real DuckDB corpus built from an X API v2 page (invented accounts and texts):
``pal_a`` and ``pal_b`` answer each of ``host``'s twelve posts within minutes and ``host``
answers their own posts, but they never reply to each other (the pair rule alone does
not see them); four brigade accounts answer a politician within seconds, and the
politician answers nobody. Only the brigade may be a group; without the circle rule the
two pals are one too.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime
from pathlib import Path

import pytest

from coord_fixtures import XPage, brigade_threads, in_turn, members_and_replies, x_page_corpus
from propscope.link import conversation

T0 = datetime(2024, 6, 1, tzinfo=UTC)
PALS = ["pal_a", "pal_b"]
BRIGADE = [f"brigade_{i}" for i in range(4)]


def _page() -> dict:
    names = ["host", *PALS, *BRIGADE, "politician"] + [f"reader_{i:02d}" for i in range(30)]
    page = XPage(random.Random(17), names, T0, first_id=7000)
    rnd = page.rnd
    for k in range(12):
        t = k * 43200.0 + rnd.uniform(0, 3600)
        top = page.post("host", t, f"host asks {page.words(7)}")
        for p, at in in_turn(rnd, PALS, t + 60, 50, 20):  # both answer the host within minutes
            page.post(p, at, f"@host {page.words(4)}", top)
        own = page.post(PALS[k % 2], t + 20000, f"{PALS[k % 2]} says {page.words(7)}")
        page.post("host", t + 20000 + rnd.uniform(300, 3000), f"@{PALS[k % 2]} {page.words(4)}",
                  own)
    brigade_threads(page, BRIGADE, readers=30)  # the brigade answers a politician in seconds
    return page.page()


def _members(tmp_path: Path) -> tuple[set[str], set[tuple[str, str]]]:
    return members_and_replies(x_page_corpus(tmp_path, _page(), coordination_window_s=300.0))


def test_pals_in_a_friends_threads_are_not_a_group_the_brigade_is(tmp_path: Path) -> None:
    members, direct = _members(tmp_path)
    assert ("pal_a", "pal_b") not in direct and ("pal_b", "pal_a") not in direct
    assert ("host", "pal_a") in direct and ("host", "pal_b") in direct
    assert members == set(BRIGADE)


def test_without_the_circle_rule_the_pals_are_a_group(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(conversation, "CIRCLES", False)
    members, _ = _members(tmp_path)
    assert set(PALS) <= members
