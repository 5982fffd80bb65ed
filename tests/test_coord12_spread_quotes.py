"""Quotes in the spread family (link/spread.py): a group quoting the same rare posts of many
authors, each member at its own moment within the hour, is found; fans quoting one star's
every post within hours, and readers quoting a viral post, are not a group."""

from __future__ import annotations

import random
from pathlib import Path

from coord_fixtures import XPage, communities, x_page_corpus
from test_reuse_fixtures import T0

DAY = 86400.0
GROUP = [f"quoter_{i}" for i in range(6)]
FANS = [f"fan_{i:02d}" for i in range(10)]
READERS = [f"reader_{i:02d}" for i in range(40)]
AUTHORS = [f"author_{i}" for i in range(8)]


def _page(seed: int, with_group: bool) -> dict:
    rnd = random.Random(seed)
    page = XPage(rnd, GROUP + FANS + READERS + AUTHORS + ["star"], T0, 10_000)
    for day in range(10):
        # the star posts twice a day; its fans quote most of its posts within hours
        for k in range(2):
            t = day * DAY + 3600 * (8 + 6 * k) + rnd.uniform(0, 600)
            top = page.post("star", t, f"Star says {page.words(6)}")
            for fan in rnd.sample(FANS, 7):
                page.post(fan, t + rnd.uniform(300, 4 * 3600), f"yes {page.words(4)}",
                          quote_of=top)
        # a viral post of an author, quoted by dozens of readers within the hour
        viral = page.post(AUTHORS[day % len(AUTHORS)], day * DAY + 50_000, page.words(8))
        for r in rnd.sample(READERS, 32):
            page.post(r, day * DAY + 50_000 + rnd.uniform(60, 3600), page.words(4),
                      quote_of=viral)
        # readers' own chatter
        for r in rnd.sample(READERS, 15):
            page.post(r, day * DAY + rnd.uniform(0, DAY), page.words(9))
        if with_group:
            # the group quotes an ordinary author's post, each member at its own moment in
            # the hour after the first (too spread for the narrow window), 5 of 6 each time
            t = day * DAY + 20_000 + rnd.uniform(0, 3600)
            target = page.post(AUTHORS[(day + 3) % len(AUTHORS)], t - 1800, page.words(7))
            for m in rnd.sample(GROUP, 5):
                page.post(m, t + rnd.uniform(0, 3000), f"look {page.words(5)}",
                          quote_of=target)
    return page.page()


def test_quote_group_over_an_hour_is_found(tmp_path: Path) -> None:
    found = communities(x_page_corpus(tmp_path, _page(5, True)))
    assert set(GROUP) in found or any(g >= set(GROUP[:4]) and g <= set(GROUP) for g in found)
    assert all(g <= set(GROUP) for g in found)  # no fan, reader or author


def test_fans_and_viral_quoters_are_no_group(tmp_path: Path) -> None:
    assert communities(x_page_corpus(tmp_path, _page(6, False))) == []
