"""Sparse members attached to their group by the group's own items (link/attached.py),
through a real DuckDB corpus.

Ten accounts push sixty rare links of one site, six of them within seconds each time.
Three more members each take part in four pushes only, chosen so that each meets every
core member exactly twice: no pair of theirs reaches the three items an edge needs, so
the pair test cannot place them; the group as a whole meets each of them four times on
links nobody else shares (600 bloggers share links of a hundred small sites, so that the
ring's links are a small share of the corpus). Readers share some of the same links hours
later, and a relay
of the site posts all of its links (the ring's and the site's other articles) within a
minute (tested on arrays): neither is attached.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from propscope.link import attached
from propscope.link.coordination import run_coordination
from propscope.present.report import write_report
from propscope.settings import Settings
from test_coordination_hazards import DAY, background, bloggers, corpus_of, word

CORE = [f"core-{i}" for i in range(10)]
SPARSE = [f"sparse-{i}" for i in range(3)]
READERS = [f"reader-{i}" for i in range(6)]


def _posts() -> list[tuple[str, str, float]]:
    rnd = random.Random(21)
    posts = background(rnd)
    posts += bloggers(rnd)  # readers of many small sites: the pushes are a small share
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


def _roles(tmp_path: Path, posts: list[tuple[str, str, float]],
           report: bool = False) -> dict[str, set[str]]:
    corpus = corpus_of(tmp_path, posts)
    run_coordination(corpus, Settings(), "test")
    comm = corpus.df("communities")
    if report:  # the report names the role and the evidence is readable
        html = write_report(corpus, tmp_path / "report.html").read_text()
        assert "attached: met the group on its own items" in html
        for _, row in comm[comm["role"] == attached.ROLE].iterrows():
            listed = json.loads(row["evidence"])
            assert len(listed) >= 3 and all(e["with"] in set(CORE) for e in listed)
            assert all(0 < e["p_group"] <= 0.05 for e in listed)
        edges = corpus.df("coordination_edges")
        assert edges.groupby(["source_a", "source_b", "kind"]).size().max() == 1
        mine = edges[edges["source_a"].isin(SPARSE) | edges["source_b"].isin(SPARSE)]
        assert len(mine) and (mine["p_adjusted"] <= 0.05).all()
    return {cid: set(g.source) for cid, g in comm.groupby("community_id")} | {
        "attached": set(comm.loc[comm["role"] == attached.ROLE, "source"])}


def test_sparse_members_are_attached_and_readers_are_not(tmp_path: Path) -> None:
    found = _roles(tmp_path, _posts(), report=True)
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


def _attach(shares: list[tuple[int, int, int, int]], co_pairs: list[tuple[int, int, int]],
            own: np.ndarray, sites: tuple[np.ndarray, np.ndarray] | None = None,
            alpha: float = 0.05, second: tuple[list[int], np.ndarray] | None = None,
            group: tuple[int, ...] = (0, 1)) -> list[attached.Attachment]:
    """The test on arrays: ``shares`` are (account, item, kind, post) rows, ``co_pairs``
    close co-actions (member, outsider or member, item); accounts 0 and 1 are the group,
    whose kept evidence is on the items ``own``; ``second`` is another group (its members,
    its kept evidence between its first two)."""
    sh = pd.DataFrame(shares, columns=["actor", "item", "kind", "doc"])
    sh = sh.assign(kind=sh["kind"].map({0: "url", 1: "hashtag"}), row=np.arange(len(sh)))
    at = {(a, i): r for r, (a, i) in enumerate(zip(sh["actor"], sh["item"], strict=True))}
    # as the sweep writes them: ``a < b``; ``ra`` is the row of ``first``'s share, which is
    # either account (here every other co-action starts with the higher code)
    rows = []
    for k, (x, y, i) in enumerate(co_pairs):
        a, b = min(x, y), max(x, y)
        first, then = (a, b) if k % 2 == 0 else (b, a)
        rows.append((a, b, i, first, at[(first, i)], at[(then, i)]))
    co = pd.DataFrame(rows, columns=["a", "b", "item", "first", "ra", "rb"]).assign(close=True)
    n_items = int(sh["item"].max()) + 1
    actors = [f"acc-{i}" for i in range(int(sh["actor"].max()) + 1)]
    ev = pd.DataFrame({"source_a": actors[0], "source_b": actors[1], "item_code": own})
    communities = [{"community_id": "C0001", "source": actors[i], "size": len(group)}
                   for i in group]
    if second is not None:
        team, items = second
        ev = pd.concat([ev, pd.DataFrame({"source_a": actors[team[0]],
                                          "source_b": actors[team[1]], "item_code": items})])
        communities += [{"community_id": "C0002", "source": actors[i], "size": len(team)}
                        for i in team]
    sites = sites or (np.zeros(n_items, np.int64), np.zeros(n_items, bool))
    return attached.attach(communities, ev, co, attached.slim(sh), actors, alpha, 3, sites)


def _post_ids() -> Iterator[int]:
    return iter(range(10**6))


def _group_and(outsider_posts: list[list[int]], extra: list[tuple[int, int, int, int]] = ()
               ) -> list[attached.Attachment]:
    """The group (0, 1) on 30 own links; account 10 posts ``outsider_posts`` (each a list of
    the own items one post carries, close to account 0); 400 links of 100 other accounts."""
    doc = _post_ids()
    shares = [(m, i, 0, next(doc)) for i in range(30) for m in (0, 1)]
    co_pairs = [(0, 1, i) for i in range(30)]
    for post in outsider_posts:
        d = next(doc)
        shares += [(10, i, 0, d) for i in post]
        co_pairs += [(0, 10, i) for i in post]
    shares += [(20 + k % 100, 100 + k, 0, next(doc)) for k in range(400)]
    shares += [(10, 100 + k, 0, next(doc)) for k in range(2)]
    return _attach(shares + list(extra), co_pairs, np.arange(30), alpha=1.0)


def test_one_post_carrying_four_items_is_one_moment() -> None:
    """A post with the group's link and three more of its items is one moment, as in the
    pair test: three posts are needed, not three items (the post is the outsider's own,
    whichever side of each co-action row it is on)."""
    assert _group_and([[0, 1, 2, 6]]) == []
    found = _group_and([[3], [4], [5]])
    assert [(a.actor, a.met) for a in found] == [(10, 3)]


def test_items_over_the_cap_do_not_shrink_the_expectation() -> None:
    """Two links shared by 5,000 accounts each are left out of the pair test (over the
    cap); they must not add share slots that make the account's rate look smaller."""
    doc = _post_ids()
    viral = [(1000 + k, 500 + v, 0, 10**5 + next(doc)) for v in range(2) for k in range(5000)]
    plain = _group_and([[3], [4], [5]])
    crowded = _group_and([[3], [4], [5]], viral)
    assert plain[0].expected == pytest.approx(crowded[0].expected)


def test_an_account_with_nothing_elsewhere_has_a_rate_above_zero() -> None:
    """An account whose only shares are the group's items has an expectation and a p-value
    above zero: its own shares of the group's items count in its rate (and a tenth of an
    item of pseudo-count, as in the pair test, in every rate)."""
    doc = _post_ids()
    shares = [(m, i, 0, next(doc)) for i in range(30) for m in (0, 1)]
    shares += [(10, i, 0, next(doc)) for i in range(3)]
    shares += [(20 + k % 100, 100 + k, 0, next(doc)) for k in range(400)]
    found = _attach(shares, [(0, 1, i) for i in range(30)] + [(0, 10, i) for i in range(3)],
                    np.arange(30), alpha=1.0)
    assert found and found[0].expected > 0 and found[0].p > 0


def test_a_member_of_a_group_sharing_accounts_is_not_attached_through_them() -> None:
    """Two groups share account 1 (a link team 0-1 and a text team 1-3-4). Text-team
    member 3 meets the link group on four of its items, always through account 1: those
    are its own group's co-actions, not a tie to the link group. Account 5, in no group,
    meeting the link group the same way through account 1, is attached."""
    doc = _post_ids()
    shares = [(m, i, 0, next(doc)) for i in range(30) for m in (0, 1)]
    shares += [(m, 40 + i, 1, next(doc)) for i in range(10) for m in (1, 3, 4)]
    shares += [(who, i, 0, next(doc)) for who in (3, 5) for i in range(4)]
    shares += [(20 + k % 100, 100 + k, 0, next(doc)) for k in range(400)]
    co_pairs = [(0, 1, i) for i in range(30)] + [(1, 3, 40 + i) for i in range(10)]
    co_pairs += [(1, who, i) for who in (3, 5) for i in range(4)]
    found = _attach(shares, co_pairs, np.arange(30),
                    second=([1, 3, 4], np.arange(40, 50)))
    assert [(a.community_id, a.actor) for a in found] == [("C0001", 5)]


def _relay_case(other_site_links: bool) -> list[attached.Attachment]:
    """Two core members on 20 own links of site 0; an account close to them on each. With
    ``other_site_links`` it also posts the site's 60 other links (as a relay of the site
    does); 2,000 links of other sites make its rate over all links small."""
    doc = _post_ids()
    own, other = range(20), range(20, 80)
    shares = [(m, i, 0, next(doc)) for i in own for m in (0, 1, 10)]
    shares += [(11, i, 0, next(doc)) for i in other]
    shares += [(15 + k % 100, 80 + k, 0, next(doc)) for k in range(2000)]
    shares += [(115 + k % 100, 80 + k, 0, next(doc)) for k in range(2000)]
    if other_site_links:
        shares += [(10, i, 0, next(doc)) for i in other]
    co_pairs = [(0, 1, i) for i in own] + [(0, 10, i) for i in own]
    sites = (np.r_[np.zeros(80), np.ones(2000)].astype(np.int64), np.ones(2080, bool))
    return _attach(shares, co_pairs, np.arange(20), sites)


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
    """Worst case: 5,000 accounts each within the window of the group on one own item, and
    200 own items met by one account each: nobody meets the group in three posts, nothing
    is attached, in well under the time of the stage around it."""
    doc = _post_ids()
    shares = [(m, i, 0, next(doc)) for i in range(201) for m in (0, 1)]
    shares += [(10 + o, 0, 0, next(doc)) for o in range(5000)]
    shares += [(6000 + i, i, 0, next(doc)) for i in range(1, 201)]
    co_pairs = [(0, 1, i) for i in range(201)] + [(o % 2, 10 + o, 0) for o in range(5000)]
    co_pairs += [(1, 6000 + i, i) for i in range(1, 201)]
    started = time.process_time()
    assert _attach(shares, co_pairs, np.arange(201)) == []
    assert time.process_time() - started < 5.0


def test_many_candidates_over_many_sites_stay_linear() -> None:
    """Worst case for the expectation: a group's 2,000 own links each on a site of its own,
    and 2,000 accounts each meeting the group in three posts and sharing two other links of
    those sites. The expectation is a term per kind plus one per class an account has shares
    of, not one per (account, site of the group): the test stays within seconds."""
    doc = _post_ids()
    n_own = 2000
    shares = [(m, i, 0, next(doc)) for i in range(n_own) for m in (0, 1)]
    co_pairs = [(0, 1, i) for i in range(n_own)]
    for c in range(2000):
        who = 10 + c
        for i in ((3 * c) % n_own, (3 * c + 1) % n_own, (3 * c + 2) % n_own):
            shares.append((who, i, 0, next(doc)))
            co_pairs.append((0, who, i))
        shares += [(who, n_own + (2 * c + k) % n_own, 0, next(doc)) for k in range(2)]
    shares += [(5000 + k % 500, 2 * n_own + k, 0, next(doc)) for k in range(20000)]
    n_items = 2 * n_own + 20000
    site = np.r_[np.arange(n_own), np.arange(n_own), np.full(20000, n_own)].astype(np.int64)
    started = time.process_time()
    _attach(shares, co_pairs, np.arange(n_own), (site, np.ones(n_items, bool)))
    assert time.process_time() - started < 10.0


def test_an_account_meeting_less_than_half_the_group_is_not_attached() -> None:
    """A group of four on 30 own links; account 10 meets only account 0 (a quarter of the
    group), account 11 meets accounts 0 and 1 (half), each in three posts. Joining a group
    takes ties to half of it, as for a member of two groups: 11 is attached, 10 is not."""
    doc = _post_ids()
    shares = [(m, i, 0, next(doc)) for i in range(30) for m in (0, 1, 2, 3)]
    co_pairs = [(a, b, i) for i in range(30) for a, b in ((0, 1), (2, 3), (0, 2))]
    for who, mates in ((10, (0, 0, 0)), (11, (0, 1, 0))):
        for k, mate in enumerate(mates):
            shares.append((who, k + (who - 10) * 3, 0, next(doc)))
            co_pairs.append((mate, who, k + (who - 10) * 3))
    shares += [(20 + k % 100, 100 + k, 0, next(doc)) for k in range(400)]
    found = _attach(shares, co_pairs, np.arange(30), group=(0, 1, 2, 3), alpha=1.0)
    assert [a.actor for a in found] == [11]
