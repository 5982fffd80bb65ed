"""The sixth held-out coordination judge: generator, files, scorer and recipe baseline.

Fast (size ``tiny``, the DEV seed only): the held-out seed is never run here.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import duckdb
import pytest

from coordination_heldout6 import DEV_SEED, HELDOUT_SEED, ROOT
from heldout6_baselines import coornet
from heldout6_build import build
from heldout6_files import write
from heldout6_score import Community, control, read_propscope, score
from heldout6_world import T0, Group, Post


def _signature(posts: list[Post]) -> list[tuple[str, str, float, str]]:
    return [(p.account, p.post_id, round(p.t, 3), p.text) for p in posts]


def test_seeds_are_distinct_five_digit_numbers() -> None:
    assert DEV_SEED != HELDOUT_SEED
    assert all(10000 <= s <= 99999 for s in (DEV_SEED, HELDOUT_SEED))


def test_the_world_is_determined_by_its_seed() -> None:
    one, two = build(DEV_SEED, "tiny"), build(DEV_SEED, "tiny")
    assert _signature(one.posts) == _signature(two.posts)
    assert one.types == two.types
    other = build(DEV_SEED + 1, "tiny")
    assert _signature(other.posts) != _signature(one.posts)


def test_the_world_has_its_groups_languages_and_scripts() -> None:
    w = build(DEV_SEED, "tiny")
    assert len(w.groups) == 12
    sizes = sorted(len(g.members) for g in w.groups)
    assert sizes[0] == 3 and sizes[-1] == 50
    assert {g.kind for g in w.groups} == {"url", "text", "hashtag", "retweet", "reply",
                                          "quote", "forward"}
    g1, g12 = (g for g in w.groups if g.name in ("G1", "G12"))
    assert len(set(g1.members) & set(g12.members)) == 3
    langs = {p.lang for p in w.posts}
    assert len(langs) >= 6
    scripts = {"latin" if p.text[:1].isascii() else p.lang for p in w.posts
               if p.relation == "original"}
    assert {"ru", "ar", "hi"} <= scripts
    for g in w.groups:  # every group acts on at least 6 occasions, with its members only
        acts = [p for p in w.posts if p.origin == f"planted:{g.name}"]
        assert len(acts) >= 6 and {p.account for p in acts} <= set(g.members)


def test_the_control_is_the_same_world_without_planted_posts() -> None:
    planted, ctrl = build(DEV_SEED, "tiny"), build(DEV_SEED, "tiny", planted=False)
    assert ctrl.groups == []
    assert not any(p.origin.startswith("planted:") for p in ctrl.posts)
    assert any(p.origin.startswith("planted:") for p in planted.posts)

    def innocent(w: object) -> Counter[tuple[str, float, str]]:
        return Counter((p.account, round(p.t, 3), p.text) for p in w.posts  # type: ignore[attr-defined]
                       if not p.origin.startswith("planted") and p.origin != "ex_planted"
                       and p.origin not in ("beneficiary", "politician"))

    assert innocent(planted) == innocent(ctrl)


def _groups() -> list[Group]:
    return [Group("A", "url", ["a1", "a2", "a3", "a4"], ("x",), 60, 1.0),
            Group("B", "text", ["b1", "b2", "b3"], ("x",), 60, 1.0)]


def test_scorer_perfect_innocent_and_split(tmp_path: Path) -> None:
    types = {"a1": "planted", "a2": "planted", "a3": "planted", "a4": "planted",
             "b1": "planted", "b2": "planted", "b3": "planted", "fan1": "fan"}
    # communities through a real DuckDB file, read as the bench reads propscope's
    corpus = tmp_path / "c.duckdb"
    con = duckdb.connect(str(corpus))
    con.execute("CREATE TABLE communities (community_id INTEGER, source VARCHAR, size INTEGER,"
                " strength DOUBLE, role VARCHAR, dominant_kind VARCHAR)")
    rows = [(1, m, 4, 1.0, "core", "url") for m in ("a1", "a2", "a3", "a4")] + \
           [(2, m, 3, 1.0, "core", "text") for m in ("b1", "b2", "b3")]
    con.executemany("INSERT INTO communities VALUES (?, ?, ?, ?, ?, ?)", rows)
    con.close()
    perfect = score(_groups(), types, read_propscope(corpus))
    assert perfect["group_f1"] == 1.0 and perfect["kinds_found"] == 2
    assert perfect["innocent_accounts"] == 0

    one_more = [Community("1", frozenset({"a1", "a2", "a3", "a4", "fan1"}), "url"),
                Community("2", frozenset({"b1", "b2", "b3"}), "retweet")]
    got = score(_groups(), types, one_more)
    assert got["innocent_by_type"] == {"fan": 1}
    assert got["kinds_found"] == 1
    assert got["group_f1"] == round((2 * 4 / 9 + 1.0) / 2, 3)

    split = [Community("1", frozenset({"a1", "a2"}), "url"),
             Community("2", frozenset({"a3", "a4"}), "url")]
    got = score(_groups(), types, split)
    rows_a = got["per_group"][0]  # type: ignore[index]
    assert rows_a["f1"] == round(2 * 2 / 6, 3) and rows_a["recall"] == 0.5
    assert got["per_group"][1]["f1"] == 0.0  # type: ignore[index]
    assert control(split) == {"communities": 2, "accounts": 4}


def _post(account: str, t: float, link: str) -> Post:
    return Post("x", account, f"{account}{t}", T0 + t, "some words here now", "en", "x",
                links=[link])


def test_recipe_needs_three_items_within_the_window() -> None:
    three = [_post(a, i * 1000 + k * 20, f"https://e.org/{i}")
             for i in range(3) for k, a in enumerate(["p", "q", "r"])]
    found = coornet(three)
    assert [c.members for c in found] == [frozenset({"p", "q", "r"})]
    assert found[0].kind in ("url", "text")
    slow = [_post(a, i * 1000 + k * 90, f"https://e.org/{i}")
            for i in range(3) for k, a in enumerate(["p", "q", "r"])]
    assert coornet(slow) == []


def test_files_ingest_with_their_expected_counts(tmp_path: Path) -> None:
    w = build(DEV_SEED, "tiny", planted=False)
    written = write(w, tmp_path / "files")
    exe = Path(sys.executable).with_name("propscope")
    if not exe.exists():
        pytest.skip("the propscope command is not installed next to this Python")
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    corpus = tmp_path / "c.duckdb"
    subprocess.run([str(exe), "ingest", str(tmp_path / "files"), "--corpus", str(corpus),
                    "--quiet"], check=True, env=env, capture_output=True)
    con = duckdb.connect(str(corpus), read_only=True)
    posts = dict(con.execute("SELECT platform, count(*) FROM posts GROUP BY 1").fetchall())
    web = con.execute("SELECT count(*) FROM document_sources WHERE file LIKE '%docs.jsonl'"
                      ).fetchone()
    cut = con.execute("SELECT count(*) FROM quarantine").fetchone()
    con.close()
    assert posts == {k: v for k, v in written.counts.items() if k != "web"}
    assert web is not None and web[0] == written.counts["web"]
    assert cut is not None and cut[0] >= 3  # the three files cut short
    assert len(written.kept) == sum(written.counts.values())
