"""Coordination 9 (innoc): groups of two and Leiden per component, through a real DuckDB
corpus and on the group finder.

* An outlet and its reporter both post the outlet's own short links, now one first, now the
  other: each link is shared by the two of them only. They are in contact, not acting on a
  third party's item; the responses rule (one-way only) keeps them, ``crowd.PRIVATE_LINKS``
  (on since coordination 11) does not let a group of two own such links, nor a star (an
  outlet and two reporters, each passing links with the outlet only). A three-account ring
  on its own links is found.
* Leiden runs on each connected component alone (``groups.PER_COMPONENT``): a group's
  members do not depend on unrelated accounts elsewhere in the graph.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from propscope.link import crowd, groups
from propscope.link.coordination import run_coordination
from propscope.settings import Settings
from test_coordination_hazards import DAY, background, corpus_of, word
from test_coordination_hazards import groups as found

RING = ["ring-a", "ring-b", "ring-c"]


def _posts(rnd: random.Random, reporters: tuple[str, ...] = ("reporter-jm",)
           ) -> list[tuple[str, str, float]]:
    posts = background(rnd)
    for reporter in reporters:
        for k in range(12):
            t = DAY * (1 + 1.5 * k) + rnd.uniform(0, 3600)
            link = f"https://bit.ly/{word(rnd)}{k}{reporter[-2:]}"
            first, second = ("la-voix", reporter) if k % 2 else (reporter, "la-voix")
            posts.append((first, f"{word(rnd)} {word(rnd)} {word(rnd)} {link}", t))
            posts.append((second, f"{word(rnd)} {word(rnd)} {link}", t + rnd.uniform(20, 200)))
    for k in range(5):
        t = DAY * (2 + 3 * k) + rnd.uniform(0, 3600)
        url = f"https://ring-site.example/post/{k}"
        posts += [(m, f"{word(rnd)} {word(rnd)} {url}", t + 6 * i) for i, m in enumerate(RING)]
    return posts


def test_a_pair_passing_links_both_ways_is_not_a_group(tmp_path: Path) -> None:
    """With the switch on (the default since coordination 11)."""
    assert crowd.PRIVATE_LINKS
    corpus = corpus_of(tmp_path, _posts(random.Random(71)))
    run_coordination(corpus, Settings(), "r1")
    assert found(corpus) == [set(RING)]


def test_an_outlet_and_two_reporters_are_no_group(tmp_path: Path) -> None:
    """Two reporters, each passing the outlet's short links with it (never with each
    other): a star, pairs that share the outlet."""
    corpus = corpus_of(tmp_path, _posts(random.Random(71), ("reporter-jm", "reporter-zk")))
    run_coordination(corpus, Settings(), "r1")
    assert found(corpus) == [set(RING)]


def test_without_the_rule_the_outlet_and_reporters_are_a_group(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(crowd, "PRIVATE_LINKS", False)
    (tmp_path / "one").mkdir()
    corpus = corpus_of(tmp_path / "one", _posts(random.Random(71)))
    run_coordination(corpus, Settings(), "r1")
    assert {"la-voix", "reporter-jm"} in found(corpus)
    (tmp_path / "two").mkdir()
    corpus = corpus_of(tmp_path / "two",
                       _posts(random.Random(71), ("reporter-jm", "reporter-zk")))
    run_coordination(corpus, Settings(), "r1")
    assert any({"la-voix", "reporter-jm", "reporter-zk"} <= g for g in found(corpus))


def _random_graph(rnd: random.Random, prefix: str, n: int, p: float
                  ) -> list[tuple[str, str, float]]:
    names = [f"{prefix}{i:02d}" for i in range(n)]
    return [(a, b, 1.0) for i, a in enumerate(names) for b in names[i + 1:]
            if rnd.random() < p]


def _stable() -> bool:
    """Whether a sparse graph's groups are the same alone and beside five others."""
    a = _random_graph(random.Random(60), "a", 40, 0.12)
    mine = [g["members"] for g in groups.overlapping_groups(sorted(a))]
    for seed in range(5):
        other = _random_graph(random.Random(seed), "z", 30 + seed, 0.3)
        both = groups.overlapping_groups(sorted(a + other))
        if [g["members"] for g in both
                if any(m.startswith("a") for m in g["members"])] != mine:
            return False
    return True


def test_a_groups_members_do_not_depend_on_other_components() -> None:
    assert _stable()


def test_one_leiden_run_over_the_whole_graph_moves_them(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(groups, "PER_COMPONENT", False)
    assert not _stable()
