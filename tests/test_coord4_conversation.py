"""Friends who reply to each other are a conversation, not a reply brigade (link/conversation.py).

Through a real DuckDB corpus built from an X API v2 page (invented accounts and texts):
four friends reply within minutes in each other's threads (and so reply to each other);
four brigade accounts reply within seconds to a politician's posts and never to each
other; three of thirty readers reply to each of the politician's posts at random hours. Only the brigade may be a
group. Without the rule the friends are one too (the case would not test anything).
"""

from __future__ import annotations

import random
from datetime import UTC, datetime
from pathlib import Path

import pytest

from coord_fixtures import XPage, brigade_threads, in_turn, members_and_replies, x_page_corpus
from propscope.link import carried, conversation

T0 = datetime(2024, 5, 1, tzinfo=UTC)
FRIENDS = [f"friend_{i}" for i in range(4)]
BRIGADE = [f"brigade_{i}" for i in range(4)]


def _page() -> dict:
    names = FRIENDS + BRIGADE + ["politician"] + [f"reader_{i:02d}" for i in range(30)]
    page = XPage(random.Random(7), names, T0, first_id=5001)
    rnd = page.rnd
    for k in range(12):  # each friend's threads: the other three answer within minutes
        host = FRIENDS[k % 4]
        t = k * 43200.0 + rnd.uniform(0, 3600)
        top = page.post(host, t, f"{host} asks {page.words(7)}")
        for f, at in in_turn(rnd, [f for f in FRIENDS if f != host], t + 60, 40, 20):
            page.post(f, at, f"@{host} {page.words(4)}", top)
    brigade_threads(page, BRIGADE, readers=30)  # the brigade answers a politician in seconds
    return page.page()


def _members(tmp_path: Path) -> tuple[set[str], set[tuple[str, str]]]:
    return members_and_replies(x_page_corpus(tmp_path, _page(), coordination_window_s=300.0))


def test_friends_in_conversation_are_not_a_group_the_brigade_is(tmp_path: Path) -> None:
    members, direct = _members(tmp_path)
    assert ("friend_1", "friend_0") in direct  # the friends do reply to each other
    assert not any(a.startswith("brigade") and b.startswith("brigade") for a, b in direct)
    assert members == set(BRIGADE)


def test_without_the_rule_the_friends_are_a_group(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(conversation, "ENABLED", False)
    # replies conditioned on the answered account explain the friends too (each answers
    # the other three's threads); off, so that this rule alone is what is tested
    monkeypatch.setattr(carried, "CONDITION_ANSWERS", False)
    members, _ = _members(tmp_path)
    assert set(FRIENDS) <= members
