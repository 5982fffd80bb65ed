"""The held-out generator 3 is reproducible and its scorer means what it says.

Why: a held-out split is only held out if the same seed always gives the same world, and
the figures it reports are only comparable if a perfect answer scores 1 and an empty one 0.
Fast: a tiny world, no propscope run.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

import coordination_heldout3 as h3  # noqa: E402


def _digest(folder: Path) -> str:
    return hashlib.sha256(b"".join(p.read_bytes() for p in sorted(folder.iterdir()))).hexdigest()


def test_same_seed_same_files_other_seed_other_files(tmp_path: Path) -> None:
    a = h3.generate_world(5, scale=0.05)
    b = h3.generate_world(5, scale=0.05)
    c = h3.generate_world(6, scale=0.05)
    h3.write_inputs(a, tmp_path / "a")
    h3.write_inputs(b, tmp_path / "b")
    h3.write_inputs(c, tmp_path / "c")
    assert _digest(tmp_path / "a") == _digest(tmp_path / "b")
    assert _digest(tmp_path / "a") != _digest(tmp_path / "c")
    assert [g.members for g in a.groups] == [g.members for g in b.groups]
    assert len(a.groups) >= 5 and all(g.actions >= 4 for g in a.groups)


def test_negative_control_is_the_same_background_without_groups() -> None:
    planted = h3.generate_world(5, scale=0.05)
    negative = h3.generate_world(5, scale=0.05, planted=False)
    key = {(x.handle, x.t, x.text) for x in planted.posts}
    assert all((x.handle, x.t, x.text) in key for x in negative.posts)
    assert len(planted.posts) > len(negative.posts)
    truth, _, innocents, _ = h3.truth_of(negative)
    assert truth == {} and len(innocents) == len(negative.accounts) - len(negative.beneficiaries)
    assert len({x.pid for x in planted.posts}) == len(planted.posts)


def test_scorer_perfect_prediction_scores_one() -> None:
    planted = {"G1": {"a", "b", "c"}, "G2": {"c", "d", "e", "f"}}
    dominant = {"G1": "url", "G2": "text"}
    comms = {"x": {"a", "b", "c"}, "y": {"c", "d", "e", "f"}}
    kinds = {"x": {"url"}, "y": {"text", "url"}}
    s = h3.score(planted, dominant, comms, kinds, innocents={"z1", "z2"})
    assert s["group_f1"] == 1.0 and s["account_f1"] == 1.0
    assert s["innocents_in_communities"] == 0 and s["kinds_found"] == 2


def test_scorer_empty_prediction_scores_zero() -> None:
    planted = {"G1": {"a", "b", "c"}}
    s = h3.score(planted, {"G1": "url"}, {}, {}, innocents={"z"})
    assert s["group_f1"] == 0.0 and s["account_f1"] == 0.0 and s["kinds_found"] == 0


def test_scorer_counts_innocents_and_partial_matches() -> None:
    planted = {"G1": {"a", "b", "c", "d"}}
    s = h3.score(planted, {"G1": "retweet"}, {"x": {"a", "b", "z"}}, {"x": {"text"}},
                 innocents={"z"}, roles={"z": "fan"})
    assert s["groups"]["G1"]["precision"] == round(2 / 3, 3)
    assert s["groups"]["G1"]["recall"] == 0.5
    assert s["innocents_in_communities"] == 1 and s["innocents_by_role"] == {"fan": 1}
    assert s["groups"]["G1"]["kind_found"] is False


def test_coornet_recipe_needs_two_items_within_the_window() -> None:
    events = [("a", 0.0, "url:1"), ("b", 30.0, "url:1"), ("a", 500.0, "rt:2"), ("b", 520.0, "rt:2"),
              ("c", 0.0, "url:3"), ("d", 10.0, "url:3"), ("c", 900.0, "url:4"), ("d", 990.0, "url:4")]
    assert h3.coornet(events) == [({"a", "b"}, {"url", "retweet"})]


def test_write_docs_replaces_only_its_own_section(tmp_path: Path) -> None:
    planted = {"G1": {"a", "b", "c"}}
    perfect = h3.score(planted, {"G1": "url"}, {"x": {"a", "b", "c"}}, {"x": {"url"}}, set())
    world = {"posts": 10, "accounts": 5, "groups": [
        {"gid": "G1", "size": 3, "kinds": ["link"], "delay": "seconds", "actions": 5,
         "detectable": 3}], "ceiling_group_f1": 1.0}
    perfect["group_f1_findable"] = 1.0
    results = {"dev": {"seed": 1, "planted": True, "world": world, "propscope": perfect,
                       "coornet": perfect, "propscope_s": 1.0}}
    doc = tmp_path / "benchmarks.md"
    doc.write_text("# Benchmarks\n\n## Other\n\nkeep me\n", encoding="utf-8")
    h3.write_docs(results, "python bench/coordination_heldout3.py --split dev", 3.0, doc)
    h3.write_docs(results, "python bench/coordination_heldout3.py --split dev", 3.0, doc)
    text = doc.read_text(encoding="utf-8")
    assert text.count("## Independent held-out generator 3") == 1
    assert "keep me" in text and "| propscope | 1.0 | 1.0 | 1.0 | 0 | 1/1 | 1 |" in text
    assert "| G1 | 3 | 3 | link | seconds | 5 | 1.0 (1.0 / 1.0) | yes | 1.0 |" in text


def test_beneficiaries_are_neither_right_nor_wrong() -> None:
    planted = {"G1": {"a", "b"}}
    s = h3.score(planted, {"G1": "retweet"}, {"x": {"a", "b", "hub"}}, {"x": {"retweet"}},
                 innocents={"z"}, ignore={"hub"})
    assert s["group_f1"] == 1.0 and s["innocents_in_communities"] == 0
    world = h3.generate_world(5, scale=0.05)
    hubs = {g.hub for g in world.groups if g.hub}
    assert hubs and world.beneficiaries == hubs
    assert h3.generate_world(5, scale=0.05, planted=False).beneficiaries == set()


def test_detectable_members_share_three_actions_with_another() -> None:
    g = h3.Group("G1", ["link"], ["a", "b", "c", "d"], "seconds", "link", "en", 4,
                 log=[["a", "b", "c"], ["a", "b"], ["a", "b", "d"], ["c", "d"]])
    assert g.detectable() == {"a", "b"}
