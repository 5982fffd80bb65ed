"""Two groups in one community (link/kindlayers.py): a link ring and a text group that share
accounts are reported as two groups, the shared accounts in both; a group acting on two
kinds at the same moments stays one."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from coord_fixtures import coordination_groups
from propscope.link import kindlayers
from propscope.link.kindlayers import split_by_kind
from test_coordination_hazards import DAY, background, word


def _rows(pairs: list[tuple[str, str]], kind: str) -> list[dict[str, str]]:
    return [{"source_a": min(a, b), "source_b": max(a, b), "kind": kind} for a, b in pairs]


def _clique(names: list[str]) -> list[tuple[str, str]]:
    return [(a, b) for i, a in enumerate(names) for b in names[i + 1:]]


def _group(names: list[str]) -> list[dict]:
    return [{"members": {n: (1.0, "core") for n in names}}]


LINKS = ["l1", "l2", "l3", "l4", "l5"]
TEXTS = ["t1", "t2", "t3", "t4"]
SHARED = ["s1", "s2", "s3"]


def test_two_kinds_two_groups_shared_members_in_both() -> None:
    edges = _rows(_clique(LINKS + SHARED), "url") + _rows(_clique(TEXTS + SHARED), "text")
    out = split_by_kind(_group(LINKS + SHARED + TEXTS), edges)
    found = sorted((set(g["members"]) for g in out), key=len, reverse=True)
    assert found == [set(LINKS + SHARED), set(TEXTS + SHARED)]
    # strengths are measured in the new group: every member is tied to all of it
    assert all(s == 1.0 for g in out for s, _ in g["members"].values())


def test_one_group_on_two_kinds_at_once_stays_whole() -> None:
    everyone = LINKS + TEXTS
    edges = _rows(_clique(everyone), "url") + _rows(_clique(everyone[:7]), "hashtag")
    assert split_by_kind(_group(everyone), edges) == _group(everyone)


def test_layers_whose_own_members_are_tied_stay_one() -> None:
    # the text-only and link-only members are tied to each other too: one group
    edges = (_rows(_clique(LINKS + SHARED), "url") + _rows(_clique(TEXTS + SHARED), "text")
             + _rows([(a, b) for a in LINKS for b in TEXTS], "hashtag"))
    assert len(split_by_kind(_group(LINKS + SHARED + TEXTS), edges)) == 1


def test_small_layer_is_no_group() -> None:
    # two text-only members: fewer than MIN_OWN of their own
    edges = _rows(_clique(LINKS + SHARED), "url") + _rows(_clique(["t1", "t2"] + SHARED), "text")
    out = split_by_kind(_group(LINKS + SHARED + ["t1", "t2"]), edges)
    assert len(out) == 1


def _two_campaigns(rnd: random.Random) -> list[tuple[str, str, float]]:
    """A link ring (rare links within seconds) and a copy-paste group (one slogan text
    within seconds), three accounts in both, on different days, among chatty accounts."""
    link_ring = [f"link-{i}" for i in range(5)] + [f"both-{i}" for i in range(3)]
    text_group = [f"text-{i}" for i in range(5)] + [f"both-{i}" for i in range(3)]
    posts = background(rnd)
    for k in range(6):
        t = DAY * (1 + 3 * k)
        for i, acc in enumerate(link_ring):
            posts.append((acc, f"{word(rnd)} {word(rnd)} https://ring-site.example/p/{k}",
                          t + 5 * i + rnd.uniform(0, 3)))
        slogan = " ".join(word(random.Random(100 + k)) for _ in range(14))
        for i, acc in enumerate(text_group):
            posts.append((acc, slogan + "!" * (i % 3), t + DAY + 7 * i + rnd.uniform(0, 3)))
    return posts


@pytest.mark.parametrize("enabled", [True, False])
def test_two_campaigns_sharing_accounts_through_a_corpus(tmp_path: Path, enabled: bool,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(kindlayers, "ENABLED", enabled)
    found = coordination_groups(tmp_path, _two_campaigns(random.Random(3)))
    link_ring = {f"link-{i}" for i in range(5)} | {f"both-{i}" for i in range(3)}
    text_group = {f"text-{i}" for i in range(5)} | {f"both-{i}" for i in range(3)}
    assert all(g <= link_ring | text_group for g in found)  # no background account
    if enabled:
        assert {frozenset(g) for g in found} == {frozenset(link_ring), frozenset(text_group)}
    else:  # what the rule mends: one community of both campaigns
        assert found == [link_ring | text_group]


def test_a_large_sparse_group_is_split_in_linear_time() -> None:
    """20,000 accounts on a chain of ties (the first 10,500 by links, the last 10,500 by
    text): one pass over the edges, two groups sharing the 1,000 accounts in the middle."""
    import time

    names = [f"a{i:05d}" for i in range(20_000)]
    edges = (_rows(list(zip(names[:10_499], names[1:10_500], strict=True)), "url")
             + _rows(list(zip(names[9_500:-1], names[9_501:], strict=True)), "text"))
    started = time.perf_counter()
    out = split_by_kind(_group(names), edges)
    assert time.perf_counter() - started < 10  # about 0.2 s; a quadratic pass takes minutes
    assert sorted(len(g["members"]) for g in out) == [10_500, 10_500]
