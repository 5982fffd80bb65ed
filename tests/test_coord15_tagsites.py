"""A text posted with a hashtag is judged by the hashtag's crowd (link/tagsites.py), through
a real DuckDB corpus.

A fandom of 60 accounts holds a "streaming party" each day for three weeks: one fan posts
a template with the fandom's tag and a third of the others paste it with small edits over
the next hour. Two rings paste a slogan of their own within seconds, push after push: one
with a campaign tag of its own, one with a tag the background uses everywhere. Both rings
are groups; no fan is in any community, and fans are one without the rule.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from pathlib import Path

import pytest

from propscope.link import tagsites
from propscope.link.coordination import run_coordination
from propscope.settings import Settings
from test_coordination_hazards import DAY, corpus_of, groups, word

FANS = [f"fan-{i:02d}" for i in range(60)]
OWN_RING = [f"own-{i}" for i in range(7)]
NEWS_RING = [f"news-{i}" for i in range(6)]


def _edited(rnd: random.Random, text: str) -> str:
    """Small edits a paster makes: case, final punctuation, spacing."""
    out = text.upper() if rnd.random() < 0.1 else text
    return out + rnd.choice(["", "!", " !!", "."])


def _posts() -> list[tuple[str, str, float]]:
    rnd = random.Random(15)
    posts = []
    for i in range(120):  # background chatter, a third of it with the tag everyone uses
        for _ in range(rnd.randint(4, 10)):
            tag = " #news" if rnd.random() < 0.3 else ""
            posts.append((f"user-{i:03d}", " ".join(word(rnd) for _ in range(8)) + tag,
                          rnd.uniform(0, 21 * DAY)))
    for day in range(21):
        admin = rnd.choice(FANS)
        t0 = day * DAY + rnd.uniform(0, 12 * 3600)
        template = " ".join(word(rnd) for _ in range(12)) + " #StarArmy"
        posts.append((admin, template, t0))
        for fan in FANS:
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


@pytest.fixture
def rule_off() -> Iterator[None]:
    old = tagsites.TAG_SITES
    tagsites.TAG_SITES = False
    try:
        yield
    finally:
        tagsites.TAG_SITES = old


def _found(tmp_path: Path) -> list[set[str]]:
    corpus = corpus_of(tmp_path, _posts())
    run_coordination(corpus, Settings(), "test")
    return groups(corpus)


def test_fans_pasting_the_fandom_template_are_no_group(tmp_path: Path) -> None:
    found = _found(tmp_path)
    placed = set().union(*found) if found else set()
    assert not placed & set(FANS)
    for ring in (OWN_RING, NEWS_RING):  # each ring is one group, and nothing else
        assert any(g == set(ring) for g in found), (ring, found)


def test_without_the_rule_fans_are_a_group(tmp_path: Path, rule_off: None) -> None:
    found = _found(tmp_path)
    placed = set().union(*found) if found else set()
    assert len(placed & set(FANS)) >= 3
