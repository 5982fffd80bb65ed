"""Innocent look-alikes of coordination 9, through a real DuckDB corpus.

* Two weather bots post the same few lines ("Hamburg: 8°C, Regen #wetter") on the hour every
  three hours: 40 posts each, but fewer than 20 first shares (a line repeated within six
  hours is one share), so with the clock measured on first shares only they had no habit
  and were a group (link/schedules.py, ``ALL_POSTS``).
* An outlet and a feed bot post the outlet's headlines beside its links, minutes after a
  reader first shared the link, and an aggregator posts it behind a short link of its own:
  the headline is not a title by timing nor beside one link, stood alone with the three
  of them as its sharers, and they owned it (link/textsites.py).

A ring in the same corpus is found either way.
"""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from propscope.link import schedules, textsites
from propscope.link.coordination import run_coordination
from propscope.settings import Settings
from test_coordination_hazards import DAY, background, corpus_of, groups, word

BOTS = ["wetter-hh", "pogoda-bot"]
RING = ["ring-1", "ring-2", "ring-3", "ring-4"]
CITIES = ["Hamburg", "Berlin", "Moskau"]
SKIES = ["Regen", "bewölkt", "sonnig klar"]


def _ring(rnd: random.Random) -> list[tuple[str, str, float]]:
    posts = []
    for k in range(5):
        t = DAY * (1 + 2 * k) + rnd.uniform(120, 3000)
        slogan = " ".join(word(rnd) for _ in range(9))
        posts += [(acc, slogan, t + 5 * i + rnd.uniform(0, 3)) for i, acc in enumerate(RING)]
    return posts


def _weather(rnd: random.Random) -> list[tuple[str, str, float]]:
    """Every three hours on the hour for five days: one reading (a city and its sky, kept
    for two or three readings), posted by both bots within 20 s, each its own temperature
    (digits are dropped from texts: the lines are one near-identical item)."""
    posts: list[tuple[str, str, float]] = []
    city, sky, left = "", "", 0
    for slot in range(40):
        if left == 0:
            city, sky, left = rnd.choice(CITIES), rnd.choice(SKIES), rnd.randint(2, 3)
        left -= 1
        for bot in BOTS:
            line = f"Wetter {city}: {rnd.randint(-5, 15)}°C, {sky} #wetter #pogoda"
            posts.append((bot, line, 3 * 3600.0 * slot + rnd.uniform(0, 20)))
    return posts


def test_a_bots_clock_is_measured_on_all_its_posts(tmp_path: Path) -> None:
    rnd = random.Random(61)
    corpus = corpus_of(tmp_path, background(rnd) + _weather(rnd) + _ring(rnd))
    run_coordination(corpus, Settings(), "r1")
    assert groups(corpus) == [set(RING)]
    got = corpus.con.execute("""SELECT count(*) FROM coordination_evidence
        WHERE source_a IN ('wetter-hh', 'pogoda-bot') OR source_b IN ('wetter-hh', 'pogoda-bot')
        """).fetchone()
    assert got == (0,)


def test_without_all_posts_the_weather_bots_are_a_group(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(schedules, "ALL_POSTS", False)
    rnd = random.Random(61)
    corpus = corpus_of(tmp_path, background(rnd) + _weather(rnd) + _ring(rnd))
    run_coordination(corpus, Settings(), "r1")
    assert set(BOTS) in groups(corpus)
    assert set(RING) in groups(corpus)


def test_post_phases_count_every_post_not_only_first_shares() -> None:
    # 30 posts of one line on the hour (one first share) and nothing else: a clock by its
    # posts; by its shares (one row) no habit
    phases = np.zeros((1, 60), dtype=np.int64)
    phases[0, 0] = 30
    shares = pd.DataFrame({"actor": [0], "t": [7200.0 + 4.0], "doc": [0]})
    assert schedules.clock_bound(shares, phases).tolist() == [True]
    assert schedules.clock_bound(shares).tolist() == [False]
    phases[0, 1:31] = 10  # 300 posts at other minutes too: the hour's first minute is 1/11
    assert schedules.clock_bound(shares, phases).tolist() == [False]


SITE = "https://www.rive-gauche-express.example/politique/2026/03/{k}/article-{k}.html"


def _outlet_and_feed(rnd: random.Random) -> list[tuple[str, str, float]]:
    """60 articles, one every 7 hours. Two or three of 30 readers share each link (their own
    words) within minutes of its publication; the feed bot posts the headline beside the
    link (``utm_source=rss``) at its next poll; an aggregator posts it behind its own
    ``dlvr.it`` link; the outlet posts it behind its own ``trib.al`` link, from 4 minutes
    before to 9 minutes after the address first appears. No one link is beside half of the
    headline's posts, and its first post is often minutes from the link's first post."""
    posts: list[tuple[str, str, float]] = []
    for k in range(60):
        t = 3600.0 * (7 * k + 1) + rnd.uniform(0, 600)
        url = SITE.format(k=k)
        headline = " ".join(word(rnd) for _ in range(rnd.randint(6, 9))).capitalize()
        for r in rnd.sample(range(30), rnd.randint(2, 3)):
            posts.append((f"reader-{r:02d}", f"{word(rnd)} {word(rnd)} {url}",
                          t + rnd.uniform(0, 240)))
        posts.append(("feed-bot", f"{headline} {url}?utm_source=rss&utm_medium=feed",
                      t + rnd.uniform(60, 420)))
        posts.append(("aggregator", f"{headline} https://dlvr.it/{word(rnd)}{k}",
                      t + rnd.uniform(30, 480)))
        posts.append(("rive-gauche", f"{headline} https://trib.al/{word(rnd)}{k}",
                      t + rnd.uniform(-240, 540)))
    return posts


def _placed(tmp_path: Path) -> set[str]:
    rnd = random.Random(62)
    corpus = corpus_of(tmp_path, background(rnd) + _outlet_and_feed(rnd) + _ring(rnd))
    run_coordination(corpus, Settings(coordination_window_s=600), "r1")
    found = groups(corpus)
    assert set(RING) in found
    return set().union(*found)


def test_an_outlet_and_its_feed_bot_do_not_own_its_headlines(tmp_path: Path) -> None:
    assert not _placed(tmp_path) & {"feed-bot", "aggregator", "rive-gauche"}


def test_without_text_sites_the_outlet_and_its_feed_are_a_group(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(textsites, "TEXT_SITES", False)
    assert {"feed-bot", "aggregator", "rive-gauche"} <= _placed(tmp_path)


def _events(tmp_path: Path, rows: list[tuple[str, str, str, float, str]]):
    """A corpus whose ``_coord_events`` (actor, kind, item, t, doc_id) are ``rows``."""
    from propscope.corpus import open_corpus

    corpus = open_corpus(tmp_path / "events.duckdb")
    corpus.con.execute("""CREATE TEMP TABLE _coord_events (actor VARCHAR, kind VARCHAR,
        item VARCHAR, t TIMESTAMPTZ, doc_id VARCHAR, raw VARCHAR)""")
    corpus.con.executemany(
        "INSERT INTO _coord_events VALUES (?, ?, ?, to_timestamp(?), ?, NULL)",
        [(a, k, i, t, d) for a, k, i, t, d in rows])
    return corpus


def test_a_headline_behind_many_wrappers_gets_its_articles_site(tmp_path: Path) -> None:
    """5,000 accounts post one headline, each behind its own short link, one beside the
    article's address; a slogan beside links of two sites, and one whose first post is an
    hour from its link's, get none. One statement: no pair of accounts is built."""
    rows = []
    for i in range(5000):
        rows += [(f"feed-{i}", "text", "near:head", 1000.0 + i, f"d{i}"),
                 (f"feed-{i}", "url", f"short:dlvr.it/{i}", 1000.0 + i, f"d{i}")]
    rows.append(("outlet", "url", "outlet.example/a", 900.0, "d4999"))
    for j, site in enumerate(["one.example/x", "two.example/y"]):
        rows += [(f"ring-{j}", "text", "near:mixed", 50.0, f"m{j}"),
                 (f"ring-{j}", "url", site, 50.0, f"m{j}")]
    rows += [("late-1", "url", "three.example/z", 0.0, "z0")]
    rows += [(f"late-{j}", "text", "near:late", 3600.0 * 2, f"l{j}") for j in range(2)]
    rows += [(f"late-{j}", "url", "three.example/z", 3600.0 * 2, f"l{j}") for j in range(2)]
    corpus = _events(tmp_path, rows)
    assert textsites.text_sites(corpus) == 1
    got = corpus.con.execute("SELECT * FROM _coord_title_sites").fetchall()
    assert got == [("near:head", "outlet.example/a")]
