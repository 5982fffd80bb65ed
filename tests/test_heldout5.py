"""The fifth held-out coordination generator at tiny size: worlds, exports, scorer, baseline.

No propscope run here (the benchmark does that); this checks that the generator plants
what it says, that the control differs only by the plant, that every export is readable
as its format, and that the scorer tells a perfect answer from a wrong one.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

from coordination_heldout5 import (
    DEV_SEED,
    HELD_OUT_SEED,
    components,
    coornet,
    score,
    truth_of,
)
from heldout5_formats import write_world
from heldout5_world import build_world


def test_planted_world_and_control_share_the_background() -> None:
    planted = build_world(DEV_SEED, "tiny", planted=True)
    control = build_world(DEV_SEED, "tiny", planted=False)
    assert DEV_SEED != HELD_OUT_SEED
    assert len(planted.groups) == 12 and not control.groups
    assert all(3 <= len(g.members) <= 50 for g in planted.groups)
    assert {g.kind for g in planted.groups} >= {"url", "text", "hashtag", "retweet", "forward",
                                                "reply"}
    members = [m for g in planted.groups for m in g.members]
    assert len(members) > len(set(members)), "some accounts act in two groups"
    assert set(planted.accounts) == set(control.accounts)
    assert not any(p.group for p in control.posts)
    acted = {p.group for p in planted.posts if p.group}
    assert acted == {g.name for g in planted.groups}
    # the background is the same: every control post is in the planted world
    key = {(p.author, round(p.ts, 3), p.text) for p in planted.posts}
    assert all((p.author, round(p.ts, 3), p.text) in key for p in control.posts)
    assert {p.platform for p in planted.posts} == {"mastodon", "reddit", "facebook", "telegram"}
    assert len({p.lang for p in planted.posts}) >= 7


def test_exports_are_each_platforms_format(tmp_path: Path) -> None:
    world = build_world(DEV_SEED, "tiny")
    files, rows = write_world(world, tmp_path, DEV_SEED)
    names = {f.name for f in files}
    assert {"federated_timeline.jsonl", "timeline_pages.json", "RS_2026-03.ndjson",
            "ct_list_news_pages_EST.csv", "result.json"} <= names
    chat = json.loads(next(f for f in files if f.name == "result.json").read_text("utf-8"))
    assert chat["type"] in ("public_channel", "public_supergroup") and chat["messages"]
    with open(tmp_path / "crowdtangle" / "ct_list_community_pages_CET.csv",
              encoding="utf-8") as f:
        first = next(csv.DictReader(f))
    assert first["Post Created"].endswith((" CET", "#VALUE!"))
    bad = sum(1 for line in (tmp_path / "reddit" / "RC_2026-03_a.ndjson").read_text(
        "utf-8").splitlines() if not line.endswith("}"))
    assert bad == 1
    assert len(rows) >= len(world.posts)
    found = coornet(rows)
    assert all(len(m) >= 2 for m in found.values())


def test_scorer_tells_perfect_from_wrong() -> None:
    world = build_world(DEV_SEED, "tiny")
    truth, kinds, types = truth_of(world)
    perfect = {f"c{i}": set(m) for i, m in enumerate(truth.values())}
    dominant = {f"c{i}": kinds[name] for i, name in enumerate(truth)}
    good = score(truth, kinds, perfect, dominant, types)
    assert good["group_f1"] == 1.0 and good["innocent_accounts"] == 0
    assert good["kinds_found"] == len(truth)
    innocents = sorted(h for h, a in world.accounts.items() if a.kind == "aggregator_bot")[:2]
    merged = {"all": set().union(*truth.values()) | set(innocents)}
    bad = score(truth, kinds, merged, {"all": "url"}, types)
    assert bad["group_f1"] < 0.5
    assert bad["innocent_accounts"] == 2 and bad["innocent_by_type"] == {"aggregator_bot": 2}
    assert bad["kinds_found"] < len(truth)
    empty = score(truth, kinds, {}, {}, types)
    assert empty["group_f1"] == 0.0 and empty["communities"] == 0


def test_components_join_chains_only() -> None:
    found = components([("a", "b"), ("b", "c"), ("x", "y")])
    assert sorted(sorted(m) for m in found.values()) == [["a", "b", "c"], ["x", "y"]]
