"""Groups whose members act 10-40 minutes apart (the second, wider window), and the
readers who share an outlet's articles over the same minutes, through a real DuckDB corpus.

Each test asserts what goes wrong without the rule: a 60 s window cannot see a group that
posts over half an hour, and a wide window must not tie readers who share every article of
an outlet within the hour (each item's own chance of a pair that close is high).
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

import propscope.link.coordination as coordination
from propscope.link.coordination import run_coordination
from propscope.settings import Settings
from test_coordination_hazards import DAY, background, corpus_of, groups, word


def _sentence(rnd: random.Random, n: int) -> str:
    return " ".join(word(rnd) for _ in range(n))


def _world(rnd: random.Random) -> tuple[list[tuple[str, str, float]], list[str]]:
    """Six members post their own site's links 10-40 minutes after each push (8 pushes,
    each member misses one in five); 25 readers share an outlet's 60 articles 1-40 minutes
    after publication, a few readers per article, the keenest nearly always."""
    ring = [f"ring-{i}" for i in range(6)]
    readers = [f"reader-{i:02d}" for i in range(25)]
    posts = background(rnd)
    for k in range(8):
        t = DAY * (1 + 2 * k) + rnd.uniform(0, 3600)
        url = f"https://ring-site.example/p/{k}"
        posts += [(m, f"{_sentence(rnd, 6)} {url}", t + rnd.uniform(600, 2400))
                  for m in ring if rnd.random() < 0.8]
    for k in range(60):
        t = rnd.uniform(0, 20 * DAY)
        url = f"https://daily-news.example/politics/story-{k}"
        keen = [r for r in readers[:4] if rnd.random() < 0.8]
        posts.append(("outlet", f"{_sentence(rnd, 8)} {url}", t))
        posts += [(r, f"{_sentence(rnd, 6)} {url}", t + rnd.uniform(60, 2400))
                  for r in keen + rnd.sample(readers[4:], 3)]
    return posts, ring


def test_a_group_acting_minutes_apart_is_found(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """With the wide window switched on (off by default: see WIDE_WINDOW_S), the group is found."""
    monkeypatch.setattr(coordination, "WIDE_WINDOW_S", coordination.WIDE_WINDOW_OPT_IN_S)
    posts, ring = _world(random.Random(31))
    corpus = corpus_of(tmp_path, posts)
    run_coordination(corpus, Settings(coordination_window_s=60), "r1")
    assert groups(corpus) == [set(ring)]
    edges = corpus.df("coordination_edges")
    assert (edges["window_s"] == coordination.WIDE_WINDOW_S).all()


def test_without_the_wide_window_the_group_is_missed(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """The hazard itself: with the 60 s window alone, the same group is not seen."""
    monkeypatch.setattr(coordination, "WIDE_WINDOW_S", None)
    # the spread family (link/spread.py) sees this ring by its rare links alone
    import propscope.link.spread as spread
    monkeypatch.setattr(spread, "ENABLED", False)
    posts, ring = _world(random.Random(31))
    corpus = corpus_of(tmp_path, posts)
    run_coordination(corpus, Settings(coordination_window_s=60), "r1")
    assert set(ring) not in groups(corpus)


def test_an_outlet_and_one_keen_reader_are_not_a_pair(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """One reader shares nearly every article of an outlet within minutes; 20 other readers
    share a few articles each. On the articles nobody else shared, the outlet and the keen
    reader are the whole crowd of the item, but a few of the site's: they are no pair, with
    the wide window switched on too."""
    monkeypatch.setattr(coordination, "WIDE_WINDOW_S", coordination.WIDE_WINDOW_OPT_IN_S)
    rnd = random.Random(32)
    readers = [f"reader-{i:02d}" for i in range(20)]
    posts = background(rnd)
    for k in range(50):
        t = DAY * 0.4 * (1 + k) + rnd.uniform(0, 3600)
        url = f"https://daily-news.example/world/story-{k}"
        posts.append(("outlet", f"{_sentence(rnd, 8)} {url}", t))
        posts.append(("keen", f"{_sentence(rnd, 6)} {url}", t + rnd.uniform(20, 300)))
        if k % 4:
            posts += [(r, f"{_sentence(rnd, 6)} {url}", t + rnd.uniform(30, 1800))
                      for r in rnd.sample(readers, 3)]
    corpus = corpus_of(tmp_path, posts)
    run_coordination(corpus, Settings(), "r1")
    assert groups(corpus) == []
