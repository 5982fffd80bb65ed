"""What the spread family (link/spread.py) leaves out, through real DuckDB corpora.

Four friends who never answer each other but all answer the same two friends' posts pass on
the same six videos within the hour of each other: friends in one circle, not a group
(``spread.CONTACT``). Forty viewers of a live show (ten regulars watching all six shows,
thirty watching a third of them) post its hashtag within the hour of the shows they watch:
one habit, one item, not six (``spread.BY_BASE``), and the whole audience is the tag's
crowd (the crowd filter counts a tag's sharers over all its episodes); five regulars at every
show are no group only with ``BY_BASE``. Without the contact rule the friends are a group.
Four accounts pushing a tag nobody else uses, in burst after burst, are a group only with
``spread.RARE_BASES_APART`` (off by default: it also placed an open campaign's partners on
generator 9's dev seed), which keeps apart the bursts of a tag few accounts ever used.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime
from pathlib import Path

import pytest

from coord_fixtures import XPage, communities, x_page_corpus
from propscope.link import spread
from propscope.link.coordination import run_coordination
from propscope.settings import Settings
from test_coordination_hazards import DAY, background, corpus_of, groups, word

T0 = datetime(2024, 5, 1, tzinfo=UTC)
FRIENDS = [f"friend_{i}" for i in range(4)]
HOSTS = ["host_a", "host_b"]
VIEWERS = [f"viewer_{i:02d}" for i in range(40)]
PUSHERS = [f"pusher_{i}" for i in range(4)]
REGULARS = [f"regular_{i}" for i in range(5)]


def _circle() -> dict:
    names = FRIENDS + HOSTS + [f"reader_{i:02d}" for i in range(30)]
    page = XPage(random.Random(21), names, T0, first_id=9001)
    rnd = page.rnd
    popular = [f"https://daily-{i}.example/story/{i}" for i in range(6)]
    for i in range(30):  # readers share popular links at random hours
        for _ in range(6):
            page.post(f"reader_{i:02d}", rnd.uniform(0, 14 * DAY),
                      f"{page.words(6)} {rnd.choice(popular)}")
    for k in range(8):  # the hosts post; every friend answers, the hosts never answer back
        host = HOSTS[k % 2]
        t = k * DAY + rnd.uniform(0, 3600)
        top = page.post(host, t, f"{host} says {page.words(7)}")
        for f in FRIENDS:
            page.post(f, t + rnd.uniform(600, 7200), f"@{host} {page.words(5)}", top)
    for k in range(6):  # each video passed on by every friend within the hour
        t = DAY * (0.5 + 2 * k) + rnd.uniform(0, 3600)
        video = f"https://videos.example/watch/v{k}x{rnd.randint(1000, 9999)}"
        for f in FRIENDS:
            page.post(f, t + rnd.uniform(0, 3600), f"{page.words(4)} {video}")
    return page.page()


def _members(tmp_path: Path) -> set[str]:
    found = communities(x_page_corpus(tmp_path, _circle()))
    return set().union(*found) if found else set()


def test_friends_of_one_circle_are_not_a_group(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(spread, "ENABLED", True)
    assert not _members(tmp_path) & set(FRIENDS)


def test_without_the_contact_rule_the_friends_are_a_group(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(spread, "ENABLED", True)
    monkeypatch.setattr(spread, "CONTACT", False)
    assert set(FRIENDS) <= _members(tmp_path)


def _shows() -> list[tuple[str, str, float]]:
    rnd = random.Random(8)
    posts = background(rnd)
    for k in range(6):  # a show every other evening; a viewer watching posts its tag once
        show = DAY * (1 + 2 * k) + 20 * 3600  # within the hour
        posts += [(v, f"{word(rnd)} {word(rnd)} {word(rnd)} #matchnight",
                   show + rnd.uniform(0, 3600)) for i, v in enumerate(VIEWERS)
                  if i < 10 or rnd.random() < 1 / 3]
    return posts


def _pushes() -> list[tuple[str, str, float]]:
    rnd = random.Random(9)
    posts = background(rnd)
    for k in range(8):  # a tag only they use, pushed at a random hour, each within the hour
        t = DAY * (0.5 + 1.5 * k) + rnd.uniform(0, 6 * 3600)
        posts += [(p, f"{word(rnd)} {word(rnd)} {word(rnd)} #truthnow",
                   t + rnd.uniform(0, 3600)) for p in PUSHERS if rnd.random() < 0.9]
    return posts


@pytest.mark.parametrize("apart", [True, False])
def test_a_tag_only_a_few_use_is_a_group_burst_after_burst(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, apart: bool) -> None:
    monkeypatch.setattr(spread, "RARE_BASES_APART", apart)
    corpus = corpus_of(tmp_path, _pushes())
    run_coordination(corpus, Settings(), "r1")
    assert any(len(g & set(PUSHERS)) >= 3 for g in groups(corpus)) == apart
    assert all(g <= set(PUSHERS) for g in groups(corpus))


def test_one_hashtag_in_show_after_show_is_one_item(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(spread, "ENABLED", True)
    corpus = corpus_of(tmp_path, _shows())
    run_coordination(corpus, Settings(), "r1")
    assert not any(g & set(VIEWERS) for g in groups(corpus))


def _small_show() -> list[tuple[str, str, float]]:
    rnd = random.Random(8)
    posts = background(rnd)
    for k in range(6):  # five regulars post the show's tag within the hour of every show
        show = DAY * (1 + 2 * k) + 20 * 3600
        posts += [(v, f"{word(rnd)} {word(rnd)} {word(rnd)} #matchnight",
                   show + rnd.uniform(0, 3600)) for v in REGULARS]
    return posts


@pytest.mark.parametrize("by_base", [True, False])
def test_a_small_audience_habit_is_one_item(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            by_base: bool) -> None:
    """Five regulars at every show: with their episodes joined (``BY_BASE``) one habit, no
    group; counted per show, a group (the shape of a hashtag group: the price of the rule,
    docs/coordination.md, sections 12 and 20)."""
    monkeypatch.setattr(spread, "BY_BASE", by_base)
    corpus = corpus_of(tmp_path, _small_show())
    run_coordination(corpus, Settings(), "r1")
    assert any(len(g & set(REGULARS)) >= 4 for g in groups(corpus)) != by_base
