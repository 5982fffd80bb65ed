"""An outlet's journalists re-posting its articles at their own pace are not a group; a
ring on its own site is (link/commoncause.py), through a real DuckDB corpus. The repost
case (the default path: retweets of the outlet's posts) is in ``test_coord5_reposts.py``.

An outlet posts 30 articles of its site over a month; each of its three journalists
re-posts each article 3-30 minutes later, at its own pace, and nobody else shares them:
with the 40-minute window, every pair of them meets on every article, and before the rule
they were a group. Four ring accounts push their own site's links 2-25 minutes after a
push nobody sees, whoever goes first: no account publishes that site, so the ring keeps
its evidence and is found.
"""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest

from coord_fixtures import Post, coordination_groups
from propscope.link import commoncause, coordination
from test_coordination_hazards import DAY, background, word

OUTLET = "daily-desk"
JOURNALISTS = ["reporter-ann", "reporter-bo", "reporter-cy"]
RING = ["ring-w", "ring-x", "ring-y", "ring-z"]


def _posts() -> list[Post]:
    rnd = random.Random(11)
    posts = background(rnd)
    for k in range(30):
        t = DAY * k + rnd.uniform(0, 40000)
        link = f"https://daily-news.example/story/{k}"
        posts.append((OUTLET, f"{word(rnd)} {word(rnd)} {word(rnd)} {link}", t))
        posts += [(j, f"{word(rnd)} {word(rnd)} {link}", t + rnd.uniform(180, 1800))
                  for j in JOURNALISTS]
    for k in range(8):
        t = DAY * (1 + 3 * k) + rnd.uniform(0, 40000)
        posts += [(acc, f"{word(rnd)} {word(rnd)} https://ring-site.example/p/{k}",
                   t + rnd.uniform(120, 1500)) for acc in RING]
    return posts


@pytest.fixture
def wide(monkeypatch: pytest.MonkeyPatch) -> None:
    """The 40-minute window on, and sites' usual first posters as publishers (off by
    default: see ``commoncause.SITES``)."""
    monkeypatch.setattr(coordination, "WIDE_WINDOW_S", coordination.WIDE_WINDOW_OPT_IN_S)
    monkeypatch.setattr(commoncause, "SITES", True)


@pytest.mark.usefixtures("wide")
def test_journalists_of_an_outlet_are_no_group_a_ring_is(tmp_path: Path) -> None:
    assert coordination_groups(tmp_path, _posts()) == [set(RING)]


@pytest.mark.usefixtures("wide")
def test_without_the_rule_the_journalists_are_a_group(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(commoncause, "ENABLED", False)
    found = coordination_groups(tmp_path, _posts())
    assert set(RING) in found
    assert any(set(JOURNALISTS) <= g for g in found)


def test_a_pair_closer_than_its_habits_is_not_explained() -> None:
    """Two accounts whose delays after publication are each broad (0-30 min) but who post
    within seconds of each other every time are tied: the binomial test keeps them."""
    rnd = np.random.default_rng(3)
    item, t, actor = [], [], []
    for i in range(20):
        t0 = i * 100000.0
        lag = rnd.uniform(0, 1800)
        for a, dt in ((0, 0.0), (1, lag), (2, lag + rnd.uniform(61, 90)),
                      (3, rnd.uniform(0, 1800)), (4, rnd.uniform(0, 1800))):
            item.append(i)
            t.append(t0 + dt)
            actor.append(a)
    item_a, t_a, actor_a = np.array(item), np.array(t), np.array(actor)
    order = np.lexsort((actor_a, t_a, item_a))
    item_a, t_a, actor_a = item_a[order], t_a[order], actor_a[order]
    orig = commoncause.Origins(publisher=np.zeros(20, np.int64),
                               t0=np.arange(20) * 100000.0)
    from propscope.link.cochance import sweep
    ja, jb = sweep(item_a, t_a, 2400.0)
    drop = commoncause.explained(item_a, t_a, actor_a, ja, jb, orig, 100)
    pair = {(min(a, b), max(a, b)) for a, b in zip(actor_a[ja[drop]], actor_a[jb[drop]],
                                                   strict=True)}
    assert (3, 4) in pair  # independent broad delays: explained
    assert (1, 2) not in pair  # always about a minute apart: closer than habits allow
