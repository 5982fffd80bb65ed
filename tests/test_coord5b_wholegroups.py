"""A sparse group judged whole by the crowd filter, through a real DuckDB corpus.

Twenty accounts each share a third of thirty rare links, within 90 s of each other (three
strangers share each link hours later):
each pair meets on few links, so the significant edges are sparse and Leiden (CPM) cuts
the group into pieces, none of which is half of a link's close sharers. The pieces push
the same links, so they are joined (link/wholegroups.py) and the group is judged, and
reported, as one. Strangers who share viral links within minutes of each other stay out.
"""

from __future__ import annotations

import random
from pathlib import Path

import pandas as pd
import pytest

from propscope.link import wholegroups
from propscope.link.coordination import run_coordination
from propscope.link.groups import overlapping_groups
from propscope.settings import Settings
from test_coordination_hazards import DAY, background, corpus_of, groups, word

GROUP = [f"sparse-{i:02d}" for i in range(20)]
LINKS = 30
SPREAD_S = 90.0


def _sparse_group(rnd: random.Random) -> list[tuple[str, str, float]]:
    posts = []
    for k in range(LINKS):
        t = DAY * (0.5 + 0.6 * k) + rnd.uniform(0, 3600)
        url = f"https://rare-{k}.example/p/{k}"
        takers = [a for a in GROUP if rnd.random() < 1 / 3]
        posts += [(a, f"{word(rnd)} {word(rnd)} {url}", t + rnd.uniform(0, SPREAD_S))
                  for a in takers]
        # strangers share the link hours later: the item's own timing is not all close
        posts += [(f"user-{i:03d}", f"{word(rnd)} {url}", t + rnd.uniform(2, 20) * 3600)
                  for i in rnd.sample(range(60), 3)]
    return posts


def _viral(rnd: random.Random) -> list[tuple[str, str, float]]:
    """Ten breaking links, each shared by 25 of 60 strangers within minutes."""
    posts = []
    for k in range(10):
        t = DAY * (1.3 + 1.7 * k)
        url = f"https://breaking-{k}.example/live/{k}"
        posts += [(f"user-{i:03d}", f"{word(rnd)} {url}", t + rnd.uniform(0, 300))
                  for i in rnd.sample(range(60), 25)]
    return posts


def _run(tmp_path: Path) -> list[set[str]]:
    rnd = random.Random(55)
    corpus = corpus_of(tmp_path, background(rnd) + _viral(rnd) + _sparse_group(rnd))
    run_coordination(corpus, Settings(), "r1")
    return groups(corpus)


def test_a_sparse_group_is_one_community_and_strangers_stay_out(tmp_path: Path) -> None:
    found = _run(tmp_path)
    placed = set().union(*found) if found else set()
    assert not {p for p in placed if p.startswith("user-")}
    assert len(found) == 1
    assert len(found[0] & set(GROUP)) >= 12


def test_without_joining_the_sparse_group_is_lost_or_split(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(wholegroups, "WHOLE_GROUPS", False)
    import propscope.link.groups as grp
    monkeypatch.setattr(grp, "WHOLE_GROUPS", False)
    # the spread family (link/spread.py) finds this group whole by its rare links alone;
    # this test measures the joining of Leiden's pieces by itself
    import propscope.link.spread as spread
    monkeypatch.setattr(spread, "ENABLED", False)
    found = _run(tmp_path)
    assert max((len(g & set(GROUP)) for g in found), default=0) < 12


def test_two_groups_sharing_an_account_are_not_joined() -> None:
    """Two cliques tied by one shared account, each on its own items: kept apart."""
    a = [f"a{i}" for i in range(5)]
    b = [f"b{i}" for i in range(5)]
    edges = [(x, y, 1.0) for g in (a, b) for i, x in enumerate(g) for y in g[i + 1:]]
    edges += [("a0", y, 1.0) for y in b[:3]]
    items = {(x, y): {("url", f"{y[0]}-item-{k}") for k in range(4)} for x, y, _ in edges}
    got = overlapping_groups(edges, items)
    cores = [{m for m, (_, role) in g["members"].items() if role == "core"} for g in got]
    assert sorted(cores, key=sorted) == [set(a), set(b)]
    # the same pieces on the same items are joined
    same = {k: {("url", f"x-item-{n}") for n in range(4)} for k in items}
    assert wholegroups.join_by_items([set(a), set(b)], edges, same) == [set(a) | set(b)]


def test_re_shares_of_one_account_do_not_join_pieces() -> None:
    """Pieces of a fandom re-share their creator's posts: not items a group chose."""
    ev = pd.DataFrame({"source_a": ["a", "a"], "source_b": ["b", "b"],
                       "kind": ["retweet", "url"], "item": ["retweet:x:1", "site.example/a"]})
    assert wholegroups.pair_items(ev) == {("a", "b"): {("url", "site.example/a")}}


def test_two_groups_sharing_several_accounts_are_not_joined_by_their_items() -> None:
    """A re-share ring and a link group share three accounts (judge 5's co-boost ring and
    its link group share five). Inside the ring's piece, only the shared accounts co-act on
    the link group's items: a few of the piece, not half of it, so the two stay apart."""
    ring = [f"r{i}" for i in range(10)]
    shared = ["s0", "s1", "s2"]
    links = [f"l{i}" for i in range(8)]
    side_a, side_b = ring + shared, links
    edges = [(x, y, 1.0) for g in (side_a, side_b) for i, x in enumerate(g) for y in g[i + 1:]]
    edges += [(s, y, 1.0) for s in shared for y in links[:5]]
    theirs = {("url", f"push-{k}") for k in range(6)}
    items = {(x, y): set(theirs) for x, y, _ in edges
             if (x in shared or x in links) and (y in shared or y in links)}
    blocks = [set(side_a), set(side_b)]
    assert wholegroups.join_by_items(blocks, edges, items) == blocks
    # without the carriers' bar the items alone would join them
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(wholegroups, "CARRIER_SHARE", 0.0)
        assert wholegroups.join_by_items(blocks, edges, items) == [set(side_a) | set(side_b)]
    # pieces of one group, each pushing the group's items with most of its members, join
    half_a, half_b = links[:4], links[4:]
    piece_edges = [(x, y, 1.0) for g in (half_a, half_b) for i, x in enumerate(g) for y in g[i + 1:]]
    piece_edges += [(half_a[0], half_b[0], 1.0)]
    piece_items = {(x, y): set(theirs) for x, y, _ in piece_edges}
    assert wholegroups.join_by_items([set(half_a), set(half_b)], piece_edges,
                                     piece_items) == [set(links)]
