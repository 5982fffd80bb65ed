"""A re-share of a partner's own link is a response, not a co-action (link/conversation.py),
through a real DuckDB corpus.

An outlet posts its own short link eight times; its journalist re-posts each within a
minute, and nobody else shares them: before the rule the pair was a "group" on eight
links nobody else shared. Three ring accounts push the same rare links within seconds:
every link has a third sharer, so every pair keeps its co-actions and the ring is found.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from propscope.link import conversation, crowd
from propscope.link.coordination import run_coordination
from propscope.settings import Settings
from test_coordination_hazards import DAY, background, corpus_of, groups, word

RING = ["ring-a", "ring-b", "ring-c"]
DESK = ["outlet-desk", "outlet-reporter"]


def _posts() -> list[tuple[str, str, float]]:
    rnd = random.Random(9)
    posts = background(rnd)
    for k in range(8):
        t = DAY * (1 + 2 * k) + rnd.uniform(0, 3600)
        link = f"https://bit.ly/Desk{k}x{rnd.randint(100, 999)}"
        posts.append((DESK[0], f"{word(rnd)} {word(rnd)} {word(rnd)} {link}", t))
        posts.append((DESK[1], f"{word(rnd)} {word(rnd)} {link}", t + rnd.uniform(10, 50)))
    for k in range(5):
        t = DAY * (2 + 3 * k) + rnd.uniform(0, 3600)
        posts += [(acc, f"{word(rnd)} {word(rnd)} https://ring-news.example/p/{k}",
                   t + 8 * i + rnd.uniform(0, 4)) for i, acc in enumerate(RING)]
    return posts


def test_a_reshared_own_link_ties_nobody_a_ring_is_found(tmp_path: Path) -> None:
    corpus = corpus_of(tmp_path, _posts())
    run_coordination(corpus, Settings(), "r1")
    assert groups(corpus) == [set(RING)]


def test_without_the_rule_the_outlet_and_its_reporter_are_a_group(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(conversation, "RESPONSES", False)
    # a group of two owning only links the two of them shared is also no group (crowd.py)
    monkeypatch.setattr(crowd, "PRIVATE_LINKS", False)
    corpus = corpus_of(tmp_path, _posts())
    run_coordination(corpus, Settings(), "r1")
    assert set(DESK) in groups(corpus)
