"""Cells of different operations pushing one made-up domain, through a real DuckDB corpus.

Three trios each post their own articles of ``news-pool.example`` within seconds, days
apart, never each other's. Counted over the whole domain, each trio is a third of the
domain's close sharers and loses every link (the site rule). The slice (link/siteslice.py)
counts the crowd of each trio's own articles. An outlet's journalists, who re-share a
third of its articles each, apart, stay out: they do not share the site together.
"""

from __future__ import annotations

import random
from pathlib import Path

import pandas as pd
import pytest

from propscope.link import siteslice
from propscope.link.coordination import run_coordination
from propscope.settings import Settings
from test_coordination_hazards import DAY, background, corpus_of, groups, word

CELLS = [[f"cell{c}-{i}" for i in range(3)] for c in range(3)]


def _cells(rnd: random.Random) -> list[tuple[str, str, float]]:
    posts = []
    for c, cell in enumerate(CELLS):
        for k in range(6):
            t = DAY * (1 + 3 * k) + 3600 * (5 * c + 1)
            url = f"https://news-pool.example/2026/03/c{c}-story-{k}?utm_source=tg"
            posts += [(acc, f"{word(rnd)} {word(rnd)} {word(rnd)} {url}", t + 9 * i)
                      for i, acc in enumerate(cell)]
    return posts


def test_cells_on_one_shared_domain_are_each_found(tmp_path: Path) -> None:
    rnd = random.Random(51)
    corpus = corpus_of(tmp_path, background(rnd) + _cells(rnd))
    run_coordination(corpus, Settings(), "r1")
    assert sorted(groups(corpus), key=sorted) == [set(c) for c in CELLS]


def test_without_the_slice_the_shared_domain_hides_every_cell(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(siteslice, "SITE_SLICE", False)
    import propscope.link.crowd as crowd
    monkeypatch.setattr(crowd, "SITE_SLICE", False)
    rnd = random.Random(51)
    corpus = corpus_of(tmp_path, background(rnd) + _cells(rnd))
    run_coordination(corpus, Settings(), "r1")
    assert groups(corpus) == []


def test_an_outlets_journalists_are_not_sliced_into_a_group(tmp_path: Path) -> None:
    """The outlet posts 60 articles; 3 journalists re-share a random third of them each,
    minutes later; 30 readers share a few each, minutes later too. Journalists meet on
    articles no reader shared close to them, but most of their shares are apart. A guard
    (it passes without the "together" condition too, at this size); the condition itself is
    checked by the next test and was measured on generator 5 (outlet_staff 6 -> 0)."""
    rnd = random.Random(52)
    staff = ["journo-a", "journo-b", "journo-c"]
    posts = background(rnd)
    for k in range(60):
        t = DAY * 0.3 * k
        url = f"https://outlet-daily.example/news/{k}"
        posts.append(("outlet-daily", f"{word(rnd)} {word(rnd)} {url}", t))
        posts += [(j, f"{word(rnd)} {word(rnd)} {url}", t + rnd.uniform(30, 500))
                  for j in staff if rnd.random() < 1 / 3]
        posts += [(f"reader-{rnd.randrange(30):02d}", f"{word(rnd)} {url}",
                   t + rnd.uniform(30, 900)) for _ in range(2)]
    corpus = corpus_of(tmp_path, posts)
    run_coordination(corpus, Settings(), "r1")
    placed = set().union(*groups(corpus)) if groups(corpus) else set()
    assert not placed & (set(staff) | {"outlet-daily"})


def test_sliced_crowd_only_where_the_group_shares_the_site_together() -> None:
    rows = pd.DataFrame({"gid": [0, 0, 1, 1], "site": [7, 7, 7, 7], "kind": ["url"] * 4,
                         "item_code": [1, 2, 3, 4], "source_a": ["a", "a", "x", "x"],
                         "source_b": ["b", "b", "y", "y"]})
    items = pd.DataFrame({"item_code": [1, 1, 2, 2, 3, 3, 4, 4],
                          "who": ["a", "b", "a", "b", "x", "y", "x", "y"]})
    # a and b shared 2 links of the site, both together; x and y shared 20 each
    shared = pd.DataFrame({"site": [7] * 4, "who": ["a", "b", "x", "y"], "n": [2, 2, 20, 20]})
    got = siteslice.sliced_crowd(rows, ["gid", "site"], siteslice.Crowds(items, shared))
    assert got.to_dict() == {(0, 7): 2}
