"""Sparse members attached to their group by the group's own items (link/attached.py),
through a real DuckDB corpus.

Ten accounts push sixty rare links of one site, six of them within seconds each time.
Three more members each take part in four pushes only, chosen so that each meets every
core member exactly twice: no pair of theirs reaches the three items an edge needs, so
the pair test cannot place them; the group as a whole meets each of them four times on
links nobody else shares. Readers share some of the same links hours later, and a relay
of the site posts all of its links (the ring's and the site's other articles) within a
minute (tested on arrays): neither is attached.
"""

from __future__ import annotations

import random
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from propscope.link import attached
from propscope.link.coordination import run_coordination
from propscope.settings import Settings
from test_coordination_hazards import DAY, background, corpus_of, word

CORE = [f"core-{i}" for i in range(10)]
SPARSE = [f"sparse-{i}" for i in range(3)]
READERS = [f"reader-{i}" for i in range(6)]


def _posts() -> list[tuple[str, str, float]]:
    rnd = random.Random(21)
    posts = background(rnd)
    halves = [CORE[:5], CORE[5:]]
    for k in range(60):
        push = DAY * (0.3 + k / 3.0) + rnd.uniform(0, 3600)
        link = f"https://ring-site.example/p/{k}-{rnd.randint(1000, 9999)}"
        special = k % 5 == 0 and k < 60
        team = halves[(k // 5) % 2] if special else rnd.sample(CORE, 6)
        if special:  # sparse-i takes part in pushes 20i, 20i+5, 20i+10, 20i+15
            team = team + [SPARSE[k // 20]]
        for acc in team:
            posts.append((acc, f"{word(rnd)} {word(rnd)} {link}", push + rnd.uniform(0, 20)))
        for reader in rnd.sample(READERS, 2):
            posts.append((reader, f"{word(rnd)} {link}", push + rnd.uniform(4, 30) * 3600))
    return posts


def _roles(tmp_path: Path, posts: list[tuple[str, str, float]]) -> dict[str, set[str]]:
    corpus = corpus_of(tmp_path, posts)
    run_coordination(corpus, Settings(), "test")
    comm = corpus.df("communities")
    return {cid: set(g.source) for cid, g in comm.groupby("community_id")} | {
        "attached": set(comm.loc[comm["role"] == attached.ROLE, "source"])}


def test_sparse_members_are_attached_and_readers_are_not(tmp_path: Path) -> None:
    found = _roles(tmp_path, _posts())
    ring = [g for cid, g in found.items() if cid != "attached" and g & set(CORE)]
    assert len(ring) == 1 and ring[0] >= set(CORE) | set(SPARSE)
    assert found["attached"] == set(SPARSE)
    assert not any(g & set(READERS) for g in found.values())


def test_without_the_rule_the_sparse_members_are_in_no_group(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(attached, "ENABLED", False)
    found = _roles(tmp_path, _posts())
    assert any(g >= set(CORE) for g in found.values())
    assert not any(g & set(SPARSE) for g in found.values())


def _relay_case(other_site_links: bool) -> list[attached.Attachment]:
    """Two core members on 20 own links of site 0; an account close to them on each. With
    ``other_site_links`` it also posts the site's 60 other links (as a relay of the site
    does); 2,000 links of other sites make its rate over all links small."""
    own, other = np.arange(20), np.arange(20, 80)
    background = np.arange(80, 2080)
    co = pd.DataFrame({"a": np.r_[np.zeros(20), np.zeros(20)].astype(np.int64),
                       "b": np.r_[np.ones(20), np.full(20, 10)].astype(np.int64),
                       "item": np.r_[own, own], "close": True})
    item = [own, own, own]
    who = [np.zeros(20), np.ones(20), np.full(20, 10)]
    item += [other, background, background]
    who += [np.full(60, 11), 15 + background % 100, 115 + background % 100]
    if other_site_links:
        item.append(other)
        who.append(np.full(60, 10))
    s = attached.Slim(np.concatenate(item).astype(np.int64),
                      np.concatenate(who).astype(np.int64),
                      np.zeros(sum(len(x) for x in item), np.int16),
                      np.full(sum(len(x) for x in item), -1, np.int64))
    actors = [f"acc-{i}" for i in range(300)]
    ev = pd.DataFrame({"source_a": actors[0], "source_b": actors[1], "item_code": own})
    communities = [{"community_id": "C0001", "source": actors[i]} for i in (0, 1)]
    sites = (np.r_[np.zeros(80), np.ones(2000)].astype(np.int64), np.ones(2080, bool))
    return attached.attach(communities, ev, co, s, actors, 0.05, 3, np.empty(0, np.int64),
                           sites)


def test_a_relay_of_the_whole_site_is_not_attached(monkeypatch: pytest.MonkeyPatch) -> None:
    """The relay meets the group on all 20 of its links, but it posts every link of the
    site: its rate on the site's other links (the test measures it without the group's)
    expects it on the group's links too. The same account without the site's other links
    is attached; with the site's class left out (a rate over all links), so is the relay."""
    assert [a.actor for a in _relay_case(False)] == [10]
    assert _relay_case(True) == []
    monkeypatch.setattr(attached, "SITE_SHRINK", 1e12)
    assert [a.actor for a in _relay_case(True)] == [10]


def test_one_item_met_by_thousands_is_linear_and_attaches_nobody() -> None:
    """Worst case: 5,000 accounts each within the window of the group on one own item
    (and 200 own items met by one account each): no account meets the group on three
    items, nothing is attached, and the test stays well under a second per 10^4 rows."""
    core = np.arange(10)
    outsiders = np.arange(10, 5010)
    n_items = 201
    rows = [(int(core[0]), int(core[1]), i) for i in range(n_items)]
    rows += [(int(core[j % 10]), int(o), 0) for j, o in enumerate(outsiders)]
    rows += [(int(core[2]), 6000 + i, i) for i in range(1, n_items)]
    co = pd.DataFrame(rows, columns=["a", "b", "item"]).assign(close=True)
    actors = [f"acc-{i}" for i in range(7000)]
    ev = pd.DataFrame({"source_a": [actors[0]] * n_items, "source_b": [actors[1]] * n_items,
                       "item_code": np.arange(n_items)})
    communities = [{"community_id": "C0001", "source": actors[i]} for i in core]
    item = np.r_[co["item"], co["item"]]
    who = np.r_[co["a"], co["b"]]
    s = attached.Slim(item.astype(np.int64), who.astype(np.int64),
                      np.zeros(len(item), np.int16), np.full(len(item), -1, np.int64))
    sites = (np.zeros(n_items, np.int64), np.zeros(n_items, bool))
    started = time.process_time()
    out = attached.attach(communities, ev, co, s, actors, 0.05, 3,
                          np.empty(0, np.int64), sites)
    assert out == []
    assert time.process_time() - started < 5.0
