"""The crowd filter counts the accounts the attachment test finds for a group (link/rescue.py),
through a real DuckDB corpus.

An operation of 46 accounts pushes 6 links of its own site, each member at its own moment
within half an hour of the push: 6 core accounts take part in nearly every push, 40 sparse
ones in 35-55 % of them. The pair test finds the core and a few others; every push's crowd
is the core and about 18 sparse members, so the part found is under half of it, and the
crowd filter used to drop the whole operation (it still does with the rule off). Beside
it, an outlet publishes 60 articles that 8 feed bots post within seconds and 40 readers
share, 6 an article, minutes to hours later: nobody of theirs is placed either way.
"""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from propscope.link import attached, rescue
from propscope.link.coordination import run_coordination
from propscope.settings import Settings
from test_coordination_hazards import DAY, background, bloggers, corpus_of, word

CORE = [f"core-{i}" for i in range(6)]
SPARSE = [f"sparse-{i:02d}" for i in range(40)]
BOTS = [f"feedbot-{i}" for i in range(8)]
READERS = [f"reader-{i:02d}" for i in range(40)]
PUSHES = 6


def _posts() -> list[tuple[str, str, float]]:
    rnd = random.Random(16)
    posts = background(rnd)
    posts += bloggers(rnd)  # readers of many small sites: the pushes are a small share
    # every member joins a push with its own participation, at its own pace over half
    # an hour: pairs meet on few pushes within any one window
    part = {acc: 0.95 if acc in CORE else rnd.uniform(0.35, 0.55) for acc in CORE + SPARSE}
    for k in range(PUSHES):
        push = DAY * (0.4 + k * 1.2) + rnd.uniform(0, 3600)
        link = f"https://op-site.example/a/{k}-{rnd.randint(1000, 9999)}"
        for acc in CORE + SPARSE:
            if rnd.random() < part[acc]:
                posts.append((acc, f"{word(rnd)} {word(rnd)} {link}",
                              push + rnd.uniform(0, 1800)))
    for k in range(60):  # an outlet, its feed bots and its readers
        out = DAY * (0.2 + k / 3.0) + rnd.uniform(0, 3600)
        link = f"https://outlet.example/news/{k}-{rnd.randint(1000, 9999)}"
        for bot in BOTS:
            posts.append((bot, f"{word(rnd)} {link}", out + rnd.uniform(0, 25)))
        for reader in rnd.sample(READERS, 6):
            posts.append((reader, f"{word(rnd)} {word(rnd)} {link}",
                          out + rnd.lognormvariate(6.5, 1.0)))
    return posts


def _groups(tmp_path: Path) -> list[set[str]]:
    corpus = corpus_of(tmp_path, _posts())
    run_coordination(corpus, Settings(), "test")
    comm = corpus.df("communities")
    return [set(g.source) for _, g in comm.groupby("community_id")]


def test_a_group_found_in_part_keeps_its_items(tmp_path: Path) -> None:
    found = _groups(tmp_path)
    op = [g for g in found if g & set(CORE)]
    assert len(op) == 1 and op[0] >= set(CORE)
    # the sparse members the attachment test places (a member in two pushes cannot be)
    assert len(op[0] & set(SPARSE)) >= 20
    assert op[0] <= set(CORE) | set(SPARSE)
    assert not any(g & (set(READERS) | set(BOTS)) for g in found)


def test_without_the_rule_the_operation_is_lost(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rescue, "ENABLED", False)
    found = _groups(tmp_path)
    assert not any(g & (set(CORE) | set(SPARSE)) for g in found)
    assert not any(g & (set(READERS) | set(BOTS)) for g in found)


def _rescued(kinds: list[str], outsider: list[int]) -> pd.DataFrame:
    """The rescue on arrays: accounts 0 and 1 are the group (30 own items, item ``i`` of
    kind ``kinds[i]``), account 10 posts the items ``outsider`` close to account 0, 100
    others post 400 other items."""
    rows = [(m, i) for i in range(30) for m in (0, 1)] + [(10, i) for i in outsider]
    rows += [(20 + k % 100, 100 + k) for k in range(400)]
    sh = pd.DataFrame(rows, columns=["actor", "item"])
    sh = sh.assign(kind=[kinds[i] if i < 30 else "url" for i in sh["item"]],
                   row=np.arange(len(rows)), doc=np.arange(len(rows)))
    at = {(a, i): r for r, (a, i) in enumerate(rows)}
    co = pd.DataFrame([(min(x, y), max(x, y), i, x, at[(x, i)], at[(y, i)])
                       for x, y, i in [(0, 1, i) for i in range(30)]
                       + [(0, 10, i) for i in outsider]],
                      columns=["a", "b", "item", "first", "ra", "rb"]).assign(close=True)
    actors = [f"acc-{i}" for i in range(120)]
    ev = pd.DataFrame({"source_a": "acc-0", "source_b": "acc-1", "item_code": range(30),
                       "item": [f"{kinds[i]}:{i}" for i in range(30)], "kind": kinds,
                       "site": -1})
    present = rescue.rescuer(co, attached.slim(sh), actors, Settings(),
                             (np.zeros(500, np.int64), np.zeros(500, bool)), rounds=1)
    assert present is not None
    return present([{"members": ["acc-0", "acc-1"]}], ev)


def test_an_attached_account_counts_where_it_met_the_group_but_not_on_replies() -> None:
    links = _rescued(["url"] * 30, list(range(5)))
    assert set(links["who"]) == {"acc-10"} and sorted(links["item"]) == [
        f"url:{i}" for i in range(5)]
    assert set(links["kind"]) == {"url"} and set(links["gid"]) == {0}
    # a star's answerers are its audience: replies are never counted (LEFT_OUT_KINDS) ...
    assert _rescued(["reply"] * 30, list(range(5))).empty
    # ... nor do they attach an account that is then counted on links: six replies and
    # two links are two moments on what the test may read, under the three it needs
    mixed = ["reply"] * 20 + ["url"] * 10
    assert _rescued(mixed, [0, 1, 2, 3, 4, 5, 20, 21]).empty
    assert set(_rescued(mixed, [0, 1, 20, 21, 22])["item"]) == {"url:20", "url:21", "url:22"}


@pytest.mark.parametrize("order", [[0, 1, 2], [2, 1, 0], [1, 0, 2]])
def test_a_reposts_class_does_not_depend_on_which_share_knows_its_author(order: list[int]) -> None:
    """Shares of one repost can know its author or not (a parent outside the export): the
    item takes the author's class whichever share comes first or last."""
    audience = np.array([-1, 7, -1])[order]
    s = attached.Slim(item=np.array([0, 0, 0, 1], np.int32), actor=np.arange(4, dtype=np.int32),
                      kind=np.zeros(4, np.int16), audience=np.r_[audience, -1].astype(np.int32),
                      doc_of_row=np.arange(4))
    cls = attached.classes(s, (np.zeros(2, np.int64), np.zeros(2, bool)), 200)["cls"]
    assert cls.iloc[0] == 7 * 1 + 0 and cls.iloc[1] == -1


def test_shares_of_one_item_take_one_account() -> None:
    """A repost's shares that disagree on its author (or know none) take the largest code
    any of them knows, whatever their order; an item no share knows stays -1."""
    from propscope.link.coactions import one_per_item

    item = np.array([0, 0, 0, 1, 1, 2])
    got = one_per_item(item, np.array([-1, 7, -1, 3, 5, -1]))
    assert got.tolist() == [7, 7, 7, 5, 5, -1]
    assert one_per_item(item[::-1], np.array([-1, 5, 3, -1, 7, -1])).tolist() == [
        -1, 5, 5, 7, 7, 7]
