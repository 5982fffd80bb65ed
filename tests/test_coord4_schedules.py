"""Scheduled bots that post on the hour are not a group; a ring at random minutes is
(link/schedules.py), through a real DuckDB corpus.

Three price bots post the same line ("ETH price: ...") within seconds after every full
hour for three days: they share each line within the window, line after line, and only
they post it. Four ring accounts paste the same slogan within seconds, at random minutes,
five times. Without the rule the bots are a group too (the case would test nothing).
"""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from coord_fixtures import Post, coordination_groups, in_turn
from propscope.link import schedules
from test_coordination_hazards import DAY, background, word

BOTS = ["pricebot-a", "pricebot-b", "pricebot-c"]
RING = ["ring-1", "ring-2", "ring-3", "ring-4"]


def _posts() -> list[Post]:
    rnd = random.Random(5)
    posts = background(rnd)
    for h in range(72):
        line = f"ETH price: ${3000 + rnd.randint(0, 999)}.{rnd.randint(0, 9)} #crypto"
        for bot in BOTS:  # T0 is on a full hour: 3600 * h is the top of an hour
            posts.append((bot, line, 3600.0 * h + rnd.uniform(0, 9)))
    for k in range(5):
        t = DAY * (1 + 3 * k) + rnd.uniform(120, 3000)
        slogan = " ".join(word(rnd) for _ in range(9))
        posts += [(acc, slogan, at) for acc, at in in_turn(rnd, RING, t, 5, 3)]
    return posts


def test_clock_bound_shares_are_the_habit_minutes_only() -> None:
    t = np.r_[3600.0 * np.arange(30) + 4.0, 1234.0, 3600.0 * np.arange(30) + 1800.0 + 77.0]
    actor = np.r_[np.zeros(31, np.int64), np.ones(30, np.int64)]
    shares = pd.DataFrame({"actor": actor, "t": t, "doc": np.arange(len(t))})
    got = schedules.clock_bound(shares)
    assert got[:30].all() and not got[30]  # the bot's one post at 20:34 is not on its clock
    assert got[31:].all()  # :31:17 every hour is a habit too (any minute, not only :00)
    few = shares[shares["actor"] == 0].head(schedules.MIN_POSTS - 1)
    assert not schedules.clock_bound(few).any()  # too few posts to tell a clock


def test_hourly_bots_are_not_a_group_a_ring_is(tmp_path: Path) -> None:
    assert coordination_groups(tmp_path, _posts()) == [set(RING)]


def test_without_the_rule_the_bots_are_a_group(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(schedules, "ENABLED", False)
    assert set(BOTS) in coordination_groups(tmp_path, _posts())
