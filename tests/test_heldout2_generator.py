"""The second held-out coordination generator is deterministic and has the hazards it claims.

It never runs propscope (that is ``bench/coordination_heldout2.py``'s job); it checks the
world and the files at a tiny scale, so that a change to the generator that silently drops
a hazard (no short links, no bursts, no overlap) fails here.
"""

from __future__ import annotations

import json
import re
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

import coordination_heldout2 as gen  # noqa: E402

SCALE = 0.15


def _files(tmp: Path, seed: int, scale: float = SCALE) -> tuple[gen.World, bytes, bytes]:
    world = gen.build(seed, True, scale)
    tmp.mkdir(parents=True, exist_ok=True)
    forum, x = gen.write(world, tmp, seed)
    return world, forum.read_bytes(), x.read_bytes()


def _base(url: str) -> str:
    """A crude link key for the test only: host without www./m., path without slash."""
    rest = url.split("://", 1)[-1].split("#")[0]
    host, _, path = rest.partition("/")
    host = re.sub(r"^(www\.|m\.)", "", host.lower())
    path, _, query = path.partition("?")
    keep = [q for q in query.split("&") if q.startswith("v=")]
    return host + "/" + path.rstrip("/") + ("?" + keep[0] if keep else "")


def test_same_seed_same_files_other_seed_other_files(tmp_path: Path) -> None:
    _, f1, x1 = _files(tmp_path / "a", 11, 0.05)
    _, f2, x2 = _files(tmp_path / "b", 11, 0.05)
    _, f3, x3 = _files(tmp_path / "c", 12, 0.05)
    assert f1 == f2 and x1 == x2
    assert f1 != f3 and x1 != x3


def test_hazards_present(tmp_path: Path) -> None:
    world, forum_bytes, x_bytes = _files(tmp_path, 11)
    h = world.hazards
    assert h["url_variants"] > 100 and h["short_links"] > 5 and h["short_link_expansions"] > 0
    assert h["breaking_bursts"] >= 5 and h["fan_communities"] >= 2 and h["junkies"] >= 2
    assert h["retweets"] > 50 and h["near_identical_pastes"] > 50
    assert h["minute_rounded_accounts"] > 0 and h["skewed_accounts"] > 0

    # groups: 3 to 50 members, two accounts in two groups, one mostly quiet group
    sizes = sorted(len(g) for g in world.groups)
    assert sizes[0] == 3 and sizes[-1] >= 50 and len(world.groups) == 11
    assert h["accounts_in_two_groups"] == 2
    assert min(world.actions) <= 4
    assert set(world.kinds) >= {"link", "text", "hashtag", "retweet", "mixed"}
    members = {a for g in world.groups for a in g}
    assert not members & set(world.background)

    # viral bursts: some link shared by 20+ distinct accounts within ten minutes
    shares: dict[str, list[tuple[float, str]]] = defaultdict(list)
    for p in world.posts:
        for raw, expansion in p.links:
            shares[_base(expansion or raw)].append((p.when, p.account))

    def widest(times: list[tuple[float, str]]) -> int:
        times.sort()
        best = 0
        for i, (t, _) in enumerate(times):
            best = max(best, len({a for u, a in times[i:] if u - t <= 600}))
        return best
    assert max(widest(v) for v in shares.values() if len(v) >= 20) >= 20
    # the same link written in several forms
    forms: dict[str, set[str]] = defaultdict(set)
    for p in world.posts:
        for raw, _ in p.links:
            forms[_base(raw)].add(raw)
    assert max(len(v) for v in forms.values()) >= 5

    # files: forum timestamps in several notations; X links as t.co with expansions
    forum = [json.loads(line) for line in forum_bytes.decode().splitlines()]
    stamps = [r["timestamp"] for r in forum]
    assert any(isinstance(s, int) for s in stamps)
    assert any(isinstance(s, str) and re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", s) for s in stamps)
    assert any(isinstance(s, str) and re.search(r"[+-]\d\d:\d\d$", s) for s in stamps)
    tweets = [json.loads(line) for line in x_bytes.decode().splitlines()]
    assert any(t.get("referenced_tweets", [{}])[0].get("type") == "retweeted" for t in tweets)
    unwound = [u for t in tweets for u in t.get("entities", {}).get("urls", [])
               if "bit.ly" in u["expanded_url"] and "unwound_url" in u]
    assert unwound and all("t.co/" in t["text"] for t in tweets if t.get("entities", {}).get("urls"))
    assert any("bit.ly/" in r["text"] for r in forum)

    # many scripts
    text = " ".join(p.text for p in world.posts)
    for script in (r"[\u0400-\u04ff]", r"[\u0600-\u06ff]", r"[\u0900-\u097f]", r"[\u4e00-\u9fff]",
                   r"[\uac00-\ud7af]", r"[\u0e00-\u0e7f]", r"[\u30a0-\u30ff]"):
        assert re.search(script, text), script


def test_negative_control_same_background_no_groups() -> None:
    planted = gen.build(11, True, SCALE)
    control = gen.build(11, False, SCALE)
    assert control.groups == [] and control.kinds == []
    members = {a for g in planted.groups for a in g}
    background = [(p.account, p.when, p.text) for p in planted.posts if p.account not in members]
    leaders = {planted.posts[p.retweet_of].account for p in planted.posts
               if p.retweet_of is not None and p.account in members}
    # the control's posts are exactly the planted world's background posts, minus the
    # leaders' posts written only for the groups to retweet
    ours = {(p.account, p.when, p.text) for p in control.posts}
    extra = [b for b in background if b not in ours]
    assert all(account in leaders for account, _, _ in extra)
    assert ours <= set(background)
