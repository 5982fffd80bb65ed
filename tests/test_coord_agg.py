"""A headline beside an unexpanded short link is that link's title (link/carried.py
``drop_wrapped_titles``), through a real DuckDB corpus.

What went wrong without the rule (generator 4's dev seed, negative control): an outlet
posts each story's headline with the article's address; feed aggregators repost the same
headline minutes later, each behind its own ``dlvr.it``/``buff.ly`` wrapper that the data
does not expand. The aggregators and the outlet met on the headline alone, story after
story, and made communities of innocent accounts.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from propscope.link import carried
from propscope.link.coordination import run_coordination
from propscope.settings import Settings
from test_coordination_hazards import DAY, background, corpus_of, groups, word

SHORTENERS = ["dlvr.it", "buff.ly", "ow.ly"]


def _sentence(rnd: random.Random, n: int) -> str:
    return " ".join(word(rnd) for _ in range(n))


def _world(rnd: random.Random) -> tuple[list[tuple[str, str, float]], list[str], list[str]]:
    """Background, an outlet and three aggregators (headline + own wrapper, 1-8 minutes
    after the outlet), and a copy-paste ring pasting one sentence (no link) within a
    minute, ten times."""
    aggregators = ["agg-1", "agg-2", "agg-3"]
    ring = ["ring-1", "ring-2", "ring-3", "ring-4"]
    posts = background(rnd)
    for k in range(12):
        t = DAY * (1 + 1.5 * k)
        head = _sentence(rnd, 9)
        posts.append(("outlet", f"{head} https://metro.example/local/story-{k}", t))
        for i, a in enumerate(aggregators):
            code = "".join(rnd.choice("abcdefghjkmnpqrstuvwxyz") for _ in range(7))
            posts.append((a, f"{head} https://{SHORTENERS[i]}/{code}",
                          t + rnd.uniform(60, 480)))
    for k in range(10):
        t = DAY * (2 + 1.7 * k) + 3600
        slogan = _sentence(rnd, 12)
        posts += [(r, slogan, t + rnd.uniform(0, 60)) for r in ring]
    return posts, aggregators, ring


def test_wrapped_headlines_do_not_tie_aggregators_but_a_pasted_sentence_does(
        tmp_path: Path) -> None:
    posts, aggregators, ring = _world(random.Random(41))
    corpus = corpus_of(tmp_path, posts)
    run_coordination(corpus, Settings(), "r1")
    found = groups(corpus)
    ev = corpus.df("coordination_evidence")
    innocent = {"outlet", *aggregators}
    # no aggregator nor the outlet is tied, by any kind
    assert not (ev["source_a"].isin(innocent) | ev["source_b"].isin(innocent)).any()
    assert all(not (g & innocent) for g in found)
    # the copy-paste ring (same sentence, no link) is still one group, by text
    assert set(ring) in found
    assert set(ev.loc[ev["source_a"].isin(ring), "kind"]) == {"text"}


def test_without_the_rule_the_aggregators_are_tied(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """The switch off gives the old behaviour: the headline ties the aggregators (this is
    what the test above guards against)."""
    monkeypatch.setattr(carried, "WRAPPED_TITLES", False)
    posts, aggregators, _ = _world(random.Random(41))
    corpus = corpus_of(tmp_path, posts)
    run_coordination(corpus, Settings(), "r1")
    assert any(len(g & {"outlet", *aggregators}) >= 2 for g in groups(corpus))


def test_a_slogan_older_than_the_article_is_kept(tmp_path: Path) -> None:
    """A ring that pastes its slogan behind short links, and an article that quotes it a
    day later: the slogan did not come with the article, so the ring keeps its text."""
    rnd = random.Random(43)
    ring = ["ring-1", "ring-2", "ring-3"]
    posts = background(rnd)
    for k in range(10):
        t = DAY * (1 + 1.5 * k)
        slogan = _sentence(rnd, 12)
        for i, r in enumerate(ring):
            code = "".join(rnd.choice("abcdefghjkmnpqrstuvwxyz") for _ in range(7))
            posts.append((r, f"{slogan} https://bit.ly/{code}", t + 20 * i))
        posts.append(("outlet", f"{slogan} https://metro.example/quote-{k}", t + DAY / 2))
    corpus = corpus_of(tmp_path, posts)
    run_coordination(corpus, Settings(), "r1")
    assert set(ring) in groups(corpus)


def test_a_group_with_one_campaign_short_link_keeps_its_text(tmp_path: Path) -> None:
    """A group pastes its sentence beside its campaign page, most members through the one
    ``bit.ly`` link, one with the page's address, within two minutes: one wrapper only,
    so the sentence is not taken for a headline behind feeds' wrappers."""
    rnd = random.Random(44)
    ring = [f"ring-{i}" for i in range(5)]
    posts = background(rnd)
    for k in range(10):
        t = DAY * (1 + 1.5 * k)
        slogan, code = _sentence(rnd, 12), f"camp{k}x"
        posts.append((ring[0], f"{slogan} https://campaign.example/p/{k}", t))
        posts += [(r, f"{slogan} https://bit.ly/{code}", t + rnd.uniform(5, 100))
                  for r in ring[1:]]
    corpus = corpus_of(tmp_path, posts)
    run_coordination(corpus, Settings(), "r1")
    assert set(ring) in groups(corpus)
    ev = corpus.df("coordination_evidence")
    assert "text" in set(ev.loc[ev["source_a"].isin(ring), "kind"])
