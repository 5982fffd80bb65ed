"""Outlets republishing a news agency's wire are not a group; a copy-paste ring is
(link/syndication.py, on; link/pollers.py, measured and off), through a real DuckDB corpus.

Twelve outlets take one agency's wire: each story is republished word for word by nine of
them, each beside a link to its own site, when its poller next reads the feed (0-5 minutes
after the story, spread evenly). Nobody else posts those words; pairs of outlets share story
after story and land within the window on about a third of them. Five ring accounts paste
their own slogans within 40 seconds of each other. Readers share breaking links within a
minute or two, which sets the estimated window (about a minute: shorter than the wire's
spread, as on generator 6's dev seed, where it was 253 s against delays of 0-250 s and
more). Before the rules the outlets were one group.
"""

from __future__ import annotations

import random
import resource
import time
from pathlib import Path

import numpy as np
import pytest

from coord_fixtures import page_corpus
from propscope.link import pollers, syndication
from propscope.link.coordination import run_coordination
from propscope.settings import Settings
from test_coordination_hazards import DAY, background, corpus_of, groups, word

OUTLETS = [f"outlet-{i:02d}" for i in range(12)]
RING = [f"paste-{i}" for i in range(5)]


def _posts(seed: int = 23, quick_links: bool = True, campaign: bool = False,
           read: int = 0) -> list[tuple[str, str, float]]:
    """The corpus; without ``quick_links`` no link is shared quickly, and the estimated
    window is the longest allowed (600 s): the wire's five minutes are within it. With
    ``campaign`` the ring pastes each slogan beside a link to its one campaign site."""
    rnd = random.Random(seed)
    posts = background(rnd)
    readers = [f"reader-{i:03d}" for i in range(120)]
    for b in range(30 if quick_links else 0):  # breaking links, 12 readers in a minute or two
        t = rnd.uniform(0, 20 * DAY)
        posts += [(acc, f"{word(rnd)} {word(rnd)} https://breaking.example/live-{b}",
                   t + rnd.expovariate(1 / 30.0)) for acc in rnd.sample(readers, 12)]
    for k in range(40):  # the wire: 40 stories, each taken by 9 of the 12 outlets
        t = DAY * k / 2 + rnd.uniform(0, 40000)
        story = " ".join(word(rnd) for _ in range(18))
        for acc in rnd.sample(OUTLETS, 9):
            posts.append((acc, f"{story} https://{acc}.example/wire/{k}",
                          t + rnd.uniform(0, 300)))
            for reader in rnd.sample(readers, read):  # readers pass the article on, hours later
                posts.append((reader, f"{word(rnd)} {word(rnd)} https://{acc}.example/wire/{k}",
                              t + rnd.uniform(3600, 30000)))
    for k in range(10):  # the ring: its own slogans, all five within 40 s
        t = DAY * (k + 0.5) * 1.5 + rnd.uniform(0, 20000)
        slogan = " ".join(word(rnd) for _ in range(12))
        link = f" https://campaign.example/p/{k}" if campaign else ""
        posts += [(acc, slogan + link, t + rnd.uniform(0, 40)) for acc in RING]
    return posts


def test_wire_republishers_are_no_group_a_ring_is(tmp_path: Path) -> None:
    corpus = corpus_of(tmp_path, _posts())
    run_coordination(corpus, Settings(), "r1")
    assert groups(corpus) == [set(RING)]


def test_a_ring_beside_its_campaign_site_keeps_its_texts(tmp_path: Path) -> None:
    """Five accounts sharing one campaign site own none of it (a fifth of its shares each):
    their slogans are no publications, and their text co-actions are tested as before."""
    corpus = corpus_of(tmp_path, _posts(campaign=True))
    run_coordination(corpus, Settings(), "r1")
    assert groups(corpus) == [set(RING)]
    kinds = {r[0] for r in corpus.con.execute(
        "SELECT DISTINCT kind FROM coordination_evidence").fetchall()}
    assert "text" in kinds


@pytest.mark.parametrize("quick_links", [True, False])
def test_without_the_rules_the_outlets_are_a_group(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, quick_links: bool) -> None:
    monkeypatch.setattr(pollers, "ENABLED", False)
    monkeypatch.setattr(syndication, "SYNDICATION", False)
    corpus = corpus_of(tmp_path, _posts(quick_links=quick_links))
    run_coordination(corpus, Settings(), "r1")
    found = groups(corpus)
    assert set(RING) in found
    assert any(len(g & set(OUTLETS)) >= 4 for g in found)


@pytest.mark.parametrize("spread, sites", [(True, False), (False, True), (True, True)])
def test_each_rule_alone_with_a_short_window(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, spread: bool, sites: bool) -> None:
    """With a window shorter than the wire's spread, either rule alone unties the outlets
    (``pollers.ENABLED`` is off by default: see its comment)."""
    monkeypatch.setattr(pollers, "ENABLED", spread)
    monkeypatch.setattr(syndication, "SYNDICATION", sites)
    corpus = corpus_of(tmp_path, _posts())
    summary = run_coordination(corpus, Settings(), "r1")
    assert summary["window_s"] < 120
    assert groups(corpus) == [set(RING)]


def test_a_window_as_long_as_the_feed_needs_the_sites(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With the window at 600 s every story is tight (its five minutes are within it): the
    pollers rule cannot see the spread, and only the outlets' own sites untie them."""
    monkeypatch.setattr(pollers, "ENABLED", True)
    corpus = corpus_of(tmp_path, _posts(quick_links=False))
    summary = run_coordination(corpus, Settings(), "r1")
    assert summary["window_s"] == 600.0
    assert groups(corpus) == [set(RING)]
    monkeypatch.setattr(syndication, "SYNDICATION", False)
    (tmp_path / "off").mkdir()
    corpus = corpus_of(tmp_path / "off", _posts(quick_links=False))
    run_coordination(corpus, Settings(), "r1")
    assert any(len(g & set(OUTLETS)) >= 4 for g in groups(corpus))


def test_a_ring_inside_a_spread_crowd_is_closer_than_the_crowd(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Three accounts post each of six texts within 10 s of each other, among twelve
    strangers spread over an hour: the items are spread (q well under one half), but the
    ring is close on every one while its crowd is not, so its co-actions are kept; two
    strangers meeting by chance on the same items are left out."""
    rnd = np.random.default_rng(5)
    item, t, actor = [], [], []
    for k in range(6):
        t0 = k * 86400.0
        for a in range(3):  # the ring
            item.append(k), t.append(t0 + 600 + rnd.uniform(0, 10)), actor.append(a)
        for a in range(3, 15):  # strangers, spread over the hour
            item.append(k), t.append(t0 + rnd.uniform(0, 3600)), actor.append(a)
    it, tt, ac = np.array(item), np.array(t), np.array(actor)
    order = np.lexsort((ac, tt, it))
    it, tt, ac = it[order], tt[order], ac[order]
    from propscope.link.cochance import sweep

    ja, jb = sweep(it, tt, 60.0)
    monkeypatch.setattr(pollers, "ENABLED", True)
    out = pollers.apart(it, tt, ac, ja, jb, 60.0, np.ones(6, dtype=bool), 100)
    ring = (ac[ja] < 3) & (ac[jb] < 3)
    assert ring.sum() == 18 and not out[ring].any()
    # strangers who met on one or two of the six items, as their crowds' timing gives
    strangers = (ac[ja] >= 3) & (ac[jb] >= 3)
    key = np.minimum(ac[ja], ac[jb]) * 100 + np.maximum(ac[ja], ac[jb])
    met = np.unique(key[strangers], return_counts=True)
    rare = np.isin(key, met[0][met[1] <= 2]) & strangers
    assert rare.sum() >= 10 and out[rare].all()


def test_one_text_shared_by_thousands_is_linear(tmp_path: Path) -> None:
    """3,000 accounts post one text within a day, and 300 texts are each shared by ten of
    them minutes apart: the big text is over the item cap, the small ones cost ten sharers'
    pairs each; nobody is tied."""
    rnd = random.Random(8)
    posts = [(f"acct-{i:04d}", "the same words posted by everyone all day long here",
              rnd.uniform(0, DAY)) for i in range(3000)]
    for _ in range(300):
        text = " ".join(word(rnd) for _ in range(10))
        t = rnd.uniform(0, 20 * DAY)
        posts += [(f"acct-{rnd.randrange(3000):04d}", text, t + rnd.uniform(0, 600))
                  for _ in range(10)]
    corpus = corpus_of(tmp_path, posts)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    summary = run_coordination(corpus, Settings(), "r1")
    elapsed = time.perf_counter() - started
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert elapsed < 30 and grown_mb < 500
    assert summary["items_capped"] >= 1 and summary["shares_capped"] >= 3000
    assert corpus.count("communities") == 0


def test_outlets_whose_readers_share_them_more_are_still_syndicated(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each outlet link passed on by three readers: an outlet makes a quarter of its site's
    shares (below ``OWN_SHARE``) but leads its sharers and is all of its own links
    (``OWN_BY_LEAD``). Without that clause the outlets are one group again."""
    posts = _posts(read=3)
    (tmp_path / "lead").mkdir()
    (tmp_path / "share").mkdir()
    corpus = corpus_of(tmp_path / "lead", posts)
    run_coordination(corpus, Settings(), "r1")
    assert groups(corpus) == [set(RING)]
    monkeypatch.setattr(syndication, "OWN_BY_LEAD", False)
    corpus = corpus_of(tmp_path / "share", posts)
    run_coordination(corpus, Settings(), "r1")
    assert any(set(OUTLETS) & g for g in groups(corpus))


def _web_corpus(folder: Path, seed: int = 29):
    """The wire as web pages, polled every minute: each outlet's copy is an article on its
    own site (the page's address in ``url``, no link in its text); the ring as before."""
    rnd = random.Random(seed)
    rows: list[tuple[str | None, str, float | None, str | None]] = [
        (acc, text, t, None) for acc, text, t in background(rnd)]
    readers = [f"reader-{i:03d}" for i in range(120)]
    for b in range(30):
        t = rnd.uniform(0, 20 * DAY)
        rows += [(acc, f"{word(rnd)} {word(rnd)} https://breaking.example/live-{b}",
                  t + rnd.expovariate(1 / 30.0), None) for acc in rnd.sample(readers, 12)]
    for k in range(40):
        t = DAY * k / 2 + rnd.uniform(0, 40000)
        story = " ".join(word(rnd) for _ in range(18))
        for acc in rnd.sample(OUTLETS, 9):
            rows.append((acc, f"{story} ({acc[-2:]})", t + rnd.uniform(0, 60),
                         f"https://www.{acc}.example/wire/{k}"))
    for k in range(10):
        t = DAY * (k + 0.5) * 1.5 + rnd.uniform(0, 20000)
        slogan = " ".join(word(rnd) for _ in range(12))
        rows += [(acc, slogan, t + rnd.uniform(0, 40), None) for acc in RING]
    return page_corpus(folder, rows)


def test_outlets_publishing_wire_copy_as_web_pages_are_no_group(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An article page is a publication on its site (``OWN_PAGES``); without it the outlets'
    pages are plain texts and the outlets one group again."""
    (tmp_path / "pages").mkdir()
    (tmp_path / "off").mkdir()
    corpus = _web_corpus(tmp_path / "pages")
    run_coordination(corpus, Settings(), "r1")
    assert groups(corpus) == [set(RING)]
    monkeypatch.setattr(syndication, "OWN_PAGES", False)
    corpus = _web_corpus(tmp_path / "off")
    run_coordination(corpus, Settings(), "r1")
    assert any(set(OUTLETS) & g for g in groups(corpus))
