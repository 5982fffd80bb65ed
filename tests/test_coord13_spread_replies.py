"""Replies in the spread family (link/spread.py): a brigade answering the same older posts of
many authors, each member at its own moment within the hour, is found; a forum's bots and
moderator answering every new post at their own delays, and fans answering one star's every
post within hours, are not a group."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from coord_fixtures import XPage, communities, x_page_corpus
from propscope.link import spread
from test_reuse_fixtures import T0

DAY = 86400.0
BRIGADE = [f"brigadier_{i}" for i in range(6)]
FANS = [f"fan_{i:02d}" for i in range(10)]
AUTHORS = [f"author_{i:02d}" for i in range(30)]
DESK = ["welcome_bot", "moderator_1", "moderator_2"]


def _page(seed: int, with_brigade: bool, with_desk: bool = True) -> dict:
    rnd = random.Random(seed)
    page = XPage(rnd, BRIGADE + FANS + AUTHORS + DESK + ["star"], T0, 20_000)
    older: list[dict] = []
    for day in range(12):
        # the star posts twice a day; its fans answer most of its posts within hours
        for k in range(2):
            t = day * DAY + 3600 * (8 + 6 * k) + rnd.uniform(0, 600)
            top = page.post("star", t, f"Star says {page.words(6)}")
            for fan in rnd.sample(FANS, 7):
                page.post(fan, t + rnd.uniform(300, 4 * 3600), page.words(4), top)
        # authors post; the desk answers them: a bot every new post within seconds, two
        # moderators half of them within hours (each at its own delay after the post)
        for _ in range(6):
            author = rnd.choice(AUTHORS)
            t = day * DAY + rnd.uniform(0, DAY - 3600)
            post = page.post(author, t, page.words(9))
            older.append(post)
            if not with_desk:
                continue
            page.post("welcome_bot", t + rnd.uniform(1, 8), "Welcome! Please read the rules.",
                      post)
            for mod in DESK[1:]:
                if rnd.random() < 0.5:
                    page.post(mod, t + rnd.uniform(600, 9000), page.words(6), post)
        if with_brigade and day >= 2:
            # the brigade answers a post from days before (its author is a different
            # account each time), each member at its own moment in the hour after the
            # first (too spread for the narrow window), 5 of 6 each time
            target = older[(day * 5) % (len(older) - 12)]
            t = day * DAY + 40_000 + rnd.uniform(0, 3600)
            for m in rnd.sample(BRIGADE, 5):
                page.post(m, t + rnd.uniform(0, 3000), f"wrong {page.words(5)}", target)
    return page.page()


def test_reply_brigade_over_an_hour_is_found(tmp_path: Path) -> None:
    found = communities(x_page_corpus(tmp_path, _page(5, True, with_desk=False)))
    assert any(g >= set(BRIGADE[:4]) and g <= set(BRIGADE) for g in found)
    assert all(g <= set(BRIGADE) for g in found)  # no fan or author


def test_brigade_needs_replies_in_the_family(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(spread, "KINDS", tuple(k for k in spread.KINDS if k != "reply"))
    found = communities(x_page_corpus(tmp_path, _page(5, True, with_desk=False)))
    assert not any(g >= set(BRIGADE[:4]) for g in found)


def test_forum_desk_and_fans_are_no_group(tmp_path: Path) -> None:
    assert communities(x_page_corpus(tmp_path, _page(6, False))) == []


def test_desk_is_a_group_without_its_delays(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """The delay rule is what keeps the desk out: without it the bots and moderator, who
    meet in thread after thread of many authors, are a group."""
    monkeypatch.setattr(spread, "REPLIES_TIMED", False)
    found = communities(x_page_corpus(tmp_path, _page(6, False)))
    assert any(g & set(DESK) for g in found)


def test_replies_to_an_unknown_account_are_left_out() -> None:
    """A reply whose answered account is unknown (the parent post is not in the export) has
    no fandom guard: it is not in the family. Eight fans, five on each of twelve posts of one
    channel within hours, are no pair; with the account known, none either (one account)."""
    import numpy as np
    import pandas as pd

    rnd = np.random.default_rng(5)
    rows = [(f, k, k * 86400.0 + rnd.uniform(0, 3 * 3600)) for k in range(12)
            for f in rnd.choice(8, 5, replace=False)]
    rows.sort(key=lambda r: (r[1], r[2]))
    actor, item, t = (np.array(c) for c in zip(*rows, strict=True))
    base = {"actor": actor.astype(np.int64), "item": item.astype(np.int64),
            "kind": pd.Categorical(["reply"] * len(rows)), "t": t.astype(float),
            "doc": np.arange(len(rows)), "row": np.arange(len(rows))}
    for who in (-1, 7):
        shares = pd.DataFrame({**base, "answered": np.full(len(rows), who, np.int64)})
        co, pairs = spread.spread_pairs(shares)
        assert pairs.empty


def test_answered_post_times_of_any_length() -> None:
    """``explained_by_parent`` with no known time, a short array or item codes past it."""
    import numpy as np

    from propscope.link.commoncause import explained_by_parent

    item, t, actor = np.array([0, 0, 1, 1]), np.array([0.0, 30, 0, 30]), np.array([0, 1, 0, 1])
    ja, jb = np.array([0, 2]), np.array([1, 3])
    for parent in (np.empty(0), np.array([np.nan]), np.array([-100.0])):
        assert explained_by_parent(item, t, actor, ja, jb, parent, 30).shape == (2,)
