"""A text posted with a hashtag is judged by the hashtag's crowd (link/tagsites.py) and, in
the spread family, by rates within the hashtag (link/spreadclass.py), through a real DuckDB
corpus.

A fandom holds a "streaming party" each day for three weeks: one fan posts a template with
the fandom's tag and a third of the others paste it with small edits over the next hour.
Two rings paste a slogan of their own within seconds, push after push: one with a campaign
tag of its own, one with a tag the background uses everywhere. Both rings are groups and no
fan is in any community. A fandom of 60 is kept out by the tag's crowd alone; one of 40 is
small enough that a random half of it is half of the tag's crowd, and only the rates within
the tag keep it out.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from propscope.link import spreadclass, tagsites
from propscope.link.coordination import run_coordination
from propscope.settings import Settings
from test_coordination_hazards import DAY, corpus_of, groups, word

OWN_RING = [f"own-{i}" for i in range(7)]
NEWS_RING = [f"news-{i}" for i in range(6)]


def _edited(rnd: random.Random, text: str) -> str:
    """Small edits a paster makes: case, final punctuation, spacing."""
    out = text.upper() if rnd.random() < 0.1 else text
    return out + rnd.choice(["", "!", " !!", "."])


def _posts(fans: list[str]) -> list[tuple[str, str, float]]:
    rnd = random.Random(15)
    posts = []
    for i in range(120):  # background chatter, a third of it with the tag everyone uses
        for _ in range(rnd.randint(4, 10)):
            tag = " #news" if rnd.random() < 0.3 else ""
            posts.append((f"user-{i:03d}", " ".join(word(rnd) for _ in range(8)) + tag,
                          rnd.uniform(0, 21 * DAY)))
    for day in range(21):
        admin = rnd.choice(fans)
        t0 = day * DAY + rnd.uniform(0, 12 * 3600)
        template = " ".join(word(rnd) for _ in range(12)) + " #StarArmy"
        posts.append((admin, template, t0))
        for fan in fans:
            if fan != admin and rnd.random() < 0.35:
                delay = math.exp(math.log(1200.0) + rnd.gauss(0, 1.0))
                posts.append((fan, _edited(rnd, template), t0 + delay))
    for ring, tag in ((OWN_RING, "#RingNow"), (NEWS_RING, "#news")):
        for k in range(12):
            t0 = DAY * (0.5 + k * 1.6) + rnd.uniform(0, 3600)
            slogan = " ".join(word(rnd) for _ in range(18)) + f" {tag}"
            for acc in ring:
                if rnd.random() < 0.85:
                    posts.append((acc, _edited(rnd, slogan), t0 + rnd.uniform(0, 20)))
    return posts


def _fans(n: int) -> list[str]:
    return [f"fan-{i:02d}" for i in range(n)]


@pytest.fixture
def classes_off() -> Iterator[None]:
    old = spreadclass.TAG_CLASSES
    spreadclass.TAG_CLASSES = False
    try:
        yield
    finally:
        spreadclass.TAG_CLASSES = old


@pytest.fixture
def rules_off(classes_off: None) -> Iterator[None]:
    old = tagsites.TAG_SITES
    tagsites.TAG_SITES = False
    try:
        yield
    finally:
        tagsites.TAG_SITES = old


def _found(tmp_path: Path, fans: list[str]) -> tuple[list[set[str]], set[str]]:
    corpus = corpus_of(tmp_path, _posts(fans))
    run_coordination(corpus, Settings(), "test")
    found = groups(corpus)
    return found, (set().union(*found) if found else set()) & set(fans)


def test_fans_pasting_the_fandom_template_are_no_group(tmp_path: Path) -> None:
    found, fans = _found(tmp_path, _fans(40))
    assert not fans
    for ring in (OWN_RING, NEWS_RING):  # each ring is one group, and nothing else
        assert any(g == set(ring) for g in found), (ring, found)


def test_a_small_fandom_needs_rates_within_the_tag(tmp_path: Path, classes_off: None) -> None:
    assert len(_found(tmp_path, _fans(40))[1]) >= 3


def test_a_larger_fandom_is_a_few_of_its_tag_crowd(tmp_path: Path, classes_off: None) -> None:
    assert not _found(tmp_path, _fans(60))[1]


def test_without_the_rules_fans_are_a_group(tmp_path: Path, rules_off: None) -> None:
    assert len(_found(tmp_path, _fans(60))[1]) >= 3


def test_class_excess_by_hand() -> None:
    """Items 0 and 1 carry one tag, item 2 none; account 0 shared all three, account 1 the
    two tagged ones, account 2 item 0. The tag has 5 share slots; account 1 has 2 of its
    texts; account 0's tagged texts have (3 - 1) + (2 - 1) = 3 other sharers. With account
    1's rate over the kind 0.001: class rate (2 + 1000 * 0.001) / (5 + 1000), and the
    excess over the kind's rate is (class rate - 0.001) * 3."""
    s = pd.DataFrame({"item": [0, 1, 2, 0, 1, 0], "actor": [0, 0, 0, 1, 1, 2],
                      "n": [3, 2, 1, 3, 2, 3]})
    met = pd.DataFrame({"a": [0], "b": [1], "c": [0]})  # the pair met on the tag's texts
    cells = spreadclass.tag_cells(s, np.array([0, 0, -1]), np.zeros(6, np.int64))
    got = spreadclass.class_excess(cells, np.array([0]), np.array([1]), np.array([0]),
                                   np.array([0.001]), met)
    assert got == pytest.approx([(3.0 / 1005.0 - 0.001) * 3.0])
    # a rate over the kind above the class's adds nothing
    none = spreadclass.class_excess(cells, np.array([0]), np.array([1]), np.array([0]),
                                    np.array([0.5]), met)
    assert none == pytest.approx([0.0])
    # a tag the pair never met in is not measured for it
    apart = spreadclass.class_excess(cells, np.array([0]), np.array([1]), np.array([0]),
                                     np.array([0.001]), met.iloc[:0])
    assert apart == pytest.approx([0.0])


def test_class_excess_keys_tags_by_kind_and_skips_unknown_tags() -> None:
    """A tag class is keyed by (tag, kind, account): the same tag code on items of two kinds
    gives each kind its own row; a tag the rare shares do not hold adds nothing."""
    s = pd.DataFrame({"item": [0, 1, 0, 1], "actor": [0, 0, 1, 1], "n": [2, 2, 2, 2]})
    kcode = np.array([0, 1, 0, 1])  # item 0 is of kind 0, item 1 of kind 1, one tag
    met = pd.DataFrame({"a": [0], "b": [1], "c": [0]})
    cells = spreadclass.tag_cells(s, np.array([0, 0]), kcode)
    got = spreadclass.class_excess(cells, np.array([0, 0]), np.array([1, 1]), np.array([0, 1]),
                                   np.array([0.0, 0.0]), met)
    # per kind: 2 slots, account 1 has 1 item, account 0's item has 1 other sharer
    assert got == pytest.approx([1.0 / 1002.0, 1.0 / 1002.0])
    unknown = pd.DataFrame({"a": [0], "b": [1], "c": [7]})
    assert spreadclass.class_excess(cells, np.array([0]), np.array([1]), np.array([0]),
                                    np.array([0.0]), unknown) == pytest.approx([0.0])


def test_a_corpus_of_one_text_pasted_by_hundreds_is_no_group_and_no_crash(
        tmp_path: Path) -> None:
    """Every share is of one item over the cap (the pair test leaves such items out): the
    response rule read the largest account code of an empty array and raised (found by
    bench/tag_worst_case.py)."""
    posts = [(f"acc-{i:03d}", "the same words pasted by everyone #OneTag", 60.0 + i * 10.0)
             for i in range(300)]
    corpus = corpus_of(tmp_path, posts)
    run_coordination(corpus, Settings(), "test")
    assert groups(corpus) == []
