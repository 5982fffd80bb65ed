"""Hostile review of coordination 11 (owned sites, article pages, identities, private links
of stars, the coverage row), through real DuckDB corpora."""

from __future__ import annotations

import json
import random
from pathlib import Path

import numpy as np
import pytest

from coord_fixtures import page_corpus
from propscope.document import Document
from propscope.link import syndication
from propscope.link.coordination import run_coordination
from propscope.present.html import environment
from propscope.settings import Settings
from test_coordination_hazards import DAY, background, corpus_of, groups, word
from test_reuse_fixtures import T0, make_corpus

RING = ["ring-a", "ring-b", "ring-c"]


def _corpus(folder: Path, rows: list[tuple[str | None, str, float | None, str | None]]):
    """Documents (source, text, seconds after T0 or None, url or None) with references."""
    return page_corpus(folder, rows)


def _ring(rnd: random.Random, accounts: list[str], n: int = 12) -> list:
    out = []
    for k in range(n):
        t = rnd.uniform(0, 20 * DAY)
        out += [(acc, f"{word(rnd)} https://campaign.example/p/{k}", t + rnd.uniform(0, 20), None)
                for acc in accounts]
    return out


def test_hostile_pages_and_handles_do_not_break_the_run(tmp_path: Path) -> None:
    """Web pages whose address canonicalises to nothing or is malformed, one address
    published by two sources, pages without a date, and handles with SQL, regex and HTML
    metacharacters or 100,000 characters: the run finishes and still finds the ring."""
    rnd = random.Random(5)
    rows = [(acc, text, t, None) for acc, text, t in background(rnd)]
    hostile = ["o'brien\"; DROP TABLE documents; --", "(.*)+page", "<b>evil</b>",
               "x" * 100_000, "%_\\", "news", "news@x.social"]
    for k in range(40):
        t = rnd.uniform(0, 20 * DAY)
        for url in ["https://", "http://[bad/x", f"https://www.site.example/a/{k}"]:
            rows.append((hostile[k % len(hostile)], " ".join(word(rnd) for _ in range(30)),
                         t if k % 5 else None, url))
        rows.append(("site-web", " ".join(word(rnd) for _ in range(30)), t,
                     f"https://www.site.example/a/{k}"))
        rows += [(h, f"{word(rnd)} https://site.example/a/{k}", t + rnd.uniform(0, 300), None)
                 for h in rnd.sample(hostile, 3)]
    rows += _ring(rnd, RING)
    corpus = _corpus(tmp_path, rows)
    run_coordination(corpus, Settings(), "r1")
    assert set(RING) in groups(corpus)
    cov = json.loads(corpus.con.execute(
        "SELECT value FROM coordination_state WHERE key = 'coverage'").fetchone()[0])
    assert 0 <= cov["co_actions_left_out"] <= cov["co_actions"]
    assert cov["pairs_significant"] <= cov["pairs_tested"]


def _macro(net: dict) -> str:
    tpl = environment().from_string(
        '{% import "_macros.html" as m %}{{ m.network_section(net, none, false) }}')
    return tpl.render(net=net)


def test_coverage_table_is_escaped_and_shown_only_when_present() -> None:
    net = {"nodes": [], "edges": [], "total_edges": 0}
    assert "coordination-coverage" not in _macro({**net, "coverage": None})
    cov = {"actions": "<script>alert(1)</script>", "window_s": 60.0, "window_estimated": True,
           "item_cap": "<i>200</i>", "items_capped": 1, "shares_capped": 2, "co_actions": 3,
           "co_actions_left_out": 1, "pairs_tested": 2, "pairs_significant": 1}
    html = _macro({**net, "coverage": cov})
    assert "coordination-coverage" in html
    assert "<script>alert" not in html and "<i>200" not in html
    assert "&lt;script&gt;" in html


def test_owner_and_page_lookups_on_a_corpus_without_posts_or_references(tmp_path: Path) -> None:
    """No ``posts`` table and no ``doc_references``: the owned-site SQL still runs."""
    corpus = make_corpus(tmp_path, [Document.create("a page", source="w", url="https://s.example/a",
                                                    published=T0)])
    corpus.con.execute("DROP TABLE IF EXISTS posts")
    corpus.con.execute("DROP TABLE IF EXISTS doc_references")
    corpus.con.execute("""CREATE TEMP TABLE _coord_coded AS SELECT 'w' AS actor, 0 AS actor_code,
        doc_id, 'url' AS kind, 's.example/a' AS item, 0 AS item_code FROM documents""")
    assert syndication.site_owners(corpus, 1).tolist() == [-1]
    owner, t_page = syndication.page_publications(corpus, 1)
    assert owner.tolist() == [-1] and np.isnan(t_page).all()


@pytest.mark.parametrize("headlines", [False, True])
def test_a_ring_pushing_a_crawled_site_is_still_a_group(tmp_path: Path, headlines: bool) -> None:
    """The campaign site's own pages are in the corpus (a web source publishes them, so the
    site has an owner and each link, and with ``headlines`` its title, a publication): the
    ring that pushes each page within 20 seconds of the others, minutes after it appears, is
    still found; the web source and the site's casual readers are not in it."""
    rnd = random.Random(8)
    rows = [(acc, text, t, None) for acc, text, t in background(rnd)]
    readers = [f"reader-{i}" for i in range(6)]
    for k in range(30):
        t = rnd.uniform(0, 20 * DAY)
        head = " ".join(word(rnd) for _ in range(9))
        rows.append(("campaign-web", head + " " + " ".join(word(rnd) for _ in range(40)), t,
                     f"https://www.campaign.example/p/{k}"))
        link = f"https://campaign.example/p/{k}"

        def say(head: str = head) -> str:
            return head if headlines else f"{word(rnd)} {word(rnd)}"

        if k % 2:
            start = t + rnd.uniform(60, 600)
            rows += [(acc, f"{say()} {link}", start + rnd.uniform(0, 20), None) for acc in RING]
        rows += [(r, f"{say()} {link}", t + rnd.uniform(600, 6 * 3600), None)
                 for r in rnd.sample(readers, 2)]
    corpus = _corpus(tmp_path, rows)
    run_coordination(corpus, Settings(), "r1")
    assert groups(corpus) == [set(RING)]


def _headline_newsrooms(folder: Path, seed: int = 43):
    """Section 13's newsrooms (tests/test_coord11_owned.py) as feeds post them: every post of
    an article carries its headline beside the link (the outlet's X account, three feed bots,
    two of four staff), and the web page opens with it; a ring pushing a campaign site."""
    rnd = random.Random(seed)
    rows = [(acc, text, t, None) for acc, text, t in background(rnd)]
    for o in range(3):
        staff = [f"staff{o}-{i}" for i in range(4)]
        for k in range(60):
            t = rnd.uniform(0, 20 * DAY)
            head = " ".join(word(rnd) for _ in range(9))
            rows.append((f"news{o}-web", head + " " + " ".join(word(rnd) for _ in range(40)), t,
                         f"https://www.news{o}.example/2026/{k:03d}"))
            link = f"https://news{o}.example/2026/{k:03d}?utm_source=x"
            rows.append((f"news{o}", f"{head} {link}", t + rnd.uniform(0, 600), None))
            rows += [(f"feed{o}-{b}", f"{head} {link}", t + rnd.uniform(0, 900), None)
                     for b in range(3)]
            rows += [(s, f"{head} {link}", t + rnd.uniform(300, 3600), None)
                     for s in (rnd.sample(staff, 2) if k % 2 else [])]
    rows += _ring(rnd, RING)
    return _corpus(folder, rows)


def test_newsrooms_posting_headlines_beside_their_links_are_no_group(tmp_path: Path) -> None:
    """An article page publishes its address *and the headline posted beside it* (the link's
    title text, ``_coord_title_sites``): before the fix each newsroom was a group on its
    headlines (text edges of 48-57 items a pair), although its links were explained."""
    corpus = _headline_newsrooms(tmp_path)
    run_coordination(corpus, Settings(coordination_window_s=600.0), "r1")
    assert groups(corpus) == [set(RING)]


def _coded(corpus):
    """The run's coded shares, as run_coordination builds them (``_coord_coded``)."""
    from propscope.link.coactions import build_events, load_shares

    build_events(corpus, True)
    shares, actors, _ = load_shares(corpus)
    items = dict(corpus.con.execute(
        "SELECT DISTINCT item, item_code FROM _coord_coded WHERE kind = 'url'").fetchall())
    return int(shares["item"].max()) + 1, actors, items


def test_pages_of_two_sources_and_undated_pages_publish_nothing(tmp_path: Path) -> None:
    """One address published by two web sources has no owner; an undated page no time;
    a host whose pages two sources share equally has no owner (``site_owners``)."""
    rnd = random.Random(3)
    rows = []
    for k in range(8):
        t = rnd.uniform(0, 5 * DAY)
        text = " ".join(word(rnd) for _ in range(30))
        rows.append(("one-web", text, t, f"https://one.example/a/{k}"))
        rows.append(("two-web", text + " copy", t + 5, f"https://one.example/a/{k}")
                    if k % 2 else ("two-web", text + " own", t, f"https://one.example/b/{k}"))
        rows.append(("solo-web", text + " solo", None if k == 0 else t, f"https://solo.example/a/{k}"))
        for acc in ("reader-1", "reader-2", "reader-3"):
            rows += [(acc, f"{word(rnd)} https://one.example/a/{k}", t + 60, None),
                     (acc, f"{word(rnd)} https://solo.example/a/{k}", t + 60, None)]
    corpus = _corpus(tmp_path, rows)
    n, actors, items = _coded(corpus)
    owner, t_page = syndication.page_publications(corpus, n)
    code = actors.index
    assert owner[items["one.example/a/1"]] == -1  # two sources' page
    assert owner[items["one.example/a/2"]] == code("one-web")
    assert owner[items["solo.example/a/3"]] == code("solo-web") and np.isfinite(
        t_page[items["solo.example/a/3"]])
    assert owner[items["solo.example/a/0"]] == -1 and np.isnan(t_page[items["solo.example/a/0"]])
    site = syndication.site_owners(corpus, n)
    assert site[items["solo.example/a/3"]] == code("solo-web")
    assert site[items["one.example/a/2"]] == -1  # one-web and two-web: half the pages each


def test_an_empty_corpus_and_one_without_shares_write_a_coverage_row(tmp_path: Path) -> None:
    for name, rows in [("zero", []), ("one", [("a", "hello there world", 0.0, None)])]:
        (tmp_path / name).mkdir()
        corpus = _corpus(tmp_path / name, rows)
        run_coordination(corpus, Settings(), "r1")
        cov = json.loads(corpus.con.execute(
            "SELECT value FROM coordination_state WHERE key = 'coverage'").fetchone()[0])
        assert cov["co_actions"] == cov["pairs_tested"] == 0
        assert cov["actions"] == len(rows)


def test_coverage_counts_the_pairs_every_family_found(tmp_path: Path) -> None:
    """Every edge's pair was found significant by some family (window, ring sets, spread):
    the coverage row's "significant" cannot be fewer than the pairs the network shows (it
    counted the window families only: 7 significant beside 28 pairs with edges)."""
    from test_coord10_hour import _posts as hour_posts

    corpus = corpus_of(tmp_path, hour_posts())
    run_coordination(corpus, Settings(), "r1")
    cov = json.loads(corpus.con.execute(
        "SELECT value FROM coordination_state WHERE key = 'coverage'").fetchone()[0])
    pairs = corpus.con.execute(
        "SELECT count(DISTINCT (source_a, source_b)) FROM coordination_edges").fetchone()[0]
    assert pairs > 0
    assert cov["pairs_tested"] >= cov["pairs_significant"] >= pairs
