"""Actions another action carries (link/carried.py) and reposts conditioned on the reposted
account (cochance ``audience``), through a real DuckDB corpus and on arrays.

Each test asserts what went wrong on realistic data without the rule: a celebrity tied by
``text`` to the fans who pasted ``RT @celebrity:``, an outlet tied to its share-button
readers by its own headline, and a fandom that re-shares within seconds made a group.
"""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pandas as pd

from propscope.link.cochance import test_pairs as pair_test
from propscope.link.coordination import run_coordination
from propscope.settings import Settings
from test_coordination_hazards import DAY, background, corpus_of, groups, word


def _sentence(rnd: random.Random, n: int = 12) -> str:
    return " ".join(word(rnd) for _ in range(n))


def test_manual_reposts_do_not_tie_the_original_author(tmp_path: Path) -> None:
    """Scraped fans paste ``RT @star: <text>`` seconds after each post: without the rule
    the star shares a near-identical text with every fan, post after post."""
    rnd = random.Random(21)
    fans = [f"fan-{i}" for i in range(5)]
    posts = background(rnd)
    for k in range(8):
        t = DAY * (1 + 2 * k)
        text = _sentence(rnd)
        posts.append(("star", text, t))
        posts += [(f, f"RT @star: {text}", t + 5 + 7 * i) for i, f in enumerate(fans)]
    corpus = corpus_of(tmp_path, posts)
    run_coordination(corpus, Settings(), "r1")
    ev = corpus.df("coordination_evidence")
    assert not ((ev["source_a"] == "star") | (ev["source_b"] == "star")).any()
    assert "text" not in set(ev["kind"])
    assert all("star" not in g for g in groups(corpus))


def test_a_links_title_is_not_a_second_item(tmp_path: Path) -> None:
    """An outlet posts each headline with its link; readers press the share button
    (``<headline> via @outlet <link>``). The headline is the link share itself; a ring
    that pastes its own slogan beside the same links keeps its text evidence."""
    rnd = random.Random(22)
    readers = [f"reader-{i}" for i in range(4)]
    ring = ["ring-1", "ring-2", "ring-3"]
    posts = background(rnd)
    for k in range(8):
        t = DAY * (1 + 2 * k)
        head, url = _sentence(rnd, 9), f"https://news.example/world/story-{k}"
        posts.append(("outlet", f"{head} {url}", t))
        posts += [(r, f"{head} via @outlet {url}?utm_source=share", t + 20 + 9 * i)
                  for i, r in enumerate(readers)]
        slogan = _sentence(rnd, 14)
        posts += [(m, f"{slogan} {url}", t + 3600 + 4 * i) for i, m in enumerate(ring)]
    corpus = corpus_of(tmp_path, posts)
    run_coordination(corpus, Settings(), "r1")
    ev = corpus.df("coordination_evidence")
    text = ev[ev["kind"] == "text"]
    assert set(text["source_a"]) | set(text["source_b"]) == set(ring)


def _fandom(rnd: random.Random) -> pd.DataFrame:
    """40 fans re-share a third of a star's 80 posts, a third of those within seconds
    (notifications); 300 others re-share other accounts' posts at any time."""
    rows, item = [], 0
    for _k in range(80):
        t0 = rnd.uniform(0, 30 * DAY)
        for f in range(40):
            if rnd.random() < 0.35:
                quick = rnd.random() < 0.35
                rows.append((f, item, t0 + (rnd.uniform(3, 45) if quick
                                            else rnd.uniform(600, 20000)), 0))
        item += 1
    for _k in range(1500):  # everyone else's re-shares of 300 other accounts, at any time
        t0 = rnd.uniform(0, 30 * DAY)
        who, author = rnd.sample(range(200, 500), rnd.randint(2, 6)), 1 + rnd.randrange(300)
        rows += [(a, item, t0 + rnd.uniform(0, 40000), author) for a in who]
        item += 1
    df = pd.DataFrame(rows, columns=["actor", "item", "t", "audience"])
    df["kind"] = "retweet"
    df["doc"] = np.arange(len(df))
    return df.sort_values(["item", "t", "actor"]).reset_index(drop=True)


def test_a_fandom_is_expected_to_meet_on_its_stars_posts() -> None:
    """Measured against every re-share (popularity only), fans who re-share the same star
    meet far more than chance; measured against the star's own posts they do not."""
    shares = _fandom(random.Random(23))
    plain = pair_test(shares.drop(columns=["audience"]), 60.0)
    assert (plain.pairs["q"] <= 0.05).sum() > 0  # the hazard: fans become edges
    res = pair_test(shares, 60.0)
    assert (res.pairs["q"] <= 0.05).sum() == 0


def test_an_outlets_readers_do_not_own_its_articles(tmp_path: Path) -> None:
    """30 readers follow one outlet; each article is shared within two minutes by a few
    of them, the five keenest nearly always. Per article the keen five are most of its
    close sharers, but a few of the site's; a ring on its own site is all of its site's."""
    rnd = random.Random(24)
    readers = [f"reader-{i:02d}" for i in range(30)]
    ring = ["ring-1", "ring-2", "ring-3", "ring-4"]
    posts = background(rnd)
    for k in range(60):
        t = rnd.uniform(0, 20 * DAY)
        url = f"https://daily-news.example/politics/story-{k}"
        keen = [r for r in readers[:5] if rnd.random() < 0.8]
        others = rnd.sample(readers[5:], 2)
        posts += [(r, f"{_sentence(rnd, 6)} {url}", t + rnd.uniform(0, 120))
                  for r in keen + others]
    for k in range(6):
        t = DAY * (1 + 3 * k)
        posts += [(m, f"{_sentence(rnd, 5)} https://ring-site.example/p/{k}", t + 9 * i)
                  for i, m in enumerate(ring)]
    corpus = corpus_of(tmp_path, posts)
    run_coordination(corpus, Settings(), "r1")
    assert groups(corpus) == [set(ring)]


def test_feed_bots_headlines_belong_to_the_outlets_crowd(tmp_path: Path) -> None:
    """An outlet posts each headline with its link and three RSS bots repost the same
    headline and link a minute later, article after article; thirty readers share the
    articles in their own words, and one scraped reader's minute-rounded post comes
    *before* the outlet's. The headline travels with the link, so it belongs to the
    outlet's site crowd (readers included) even when the link's first post did not carry
    it: without that, the outlet and its bots were a group by their headlines alone."""
    rnd = random.Random(25)
    bots, readers = ["bot-1", "bot-2", "bot-3"], [f"reader-{i:02d}" for i in range(30)]
    ring = ["ring-1", "ring-2", "ring-3", "ring-4"]
    posts = background(rnd)
    for k in range(40):
        t = DAY * 0.5 * (1 + k) + rnd.uniform(0, 3600)
        head, url = _sentence(rnd, 9), f"https://daily-news.example/world/story-{k}"
        early = t - 60 + (t % 60)  # a scraped time rounded down to its minute
        posts.append((rnd.choice(readers), f"{_sentence(rnd, 7)} {url}", early - 1))
        posts.append(("outlet", f"{head} {url}", t))
        posts += [(b, f"{head} {url}?utm_source=rss", t + 40 + 5 * i + rnd.uniform(0, 4))
                  for i, b in enumerate(bots)]
        posts += [(r, f"{_sentence(rnd, 6)} {url}", t + rnd.uniform(0, 300))
                  for r in rnd.sample(readers, 4)]
    for k in range(6):
        t = DAY * (1 + 3 * k) + 1800
        posts += [(m, f"{_sentence(rnd, 5)} https://ring-site.example/p/{k}", t + 9 * i)
                  for i, m in enumerate(ring)]
    corpus = corpus_of(tmp_path, posts)
    run_coordination(corpus, Settings(), "r1")
    assert groups(corpus) == [set(ring)]
