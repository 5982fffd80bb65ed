"""The fourth coordination generator's scorer and baseline on hand-made cases.

Why: the bench judges propscope; a wrong F1, a miscounted innocent or a baseline that joins
what it should not would mislead the judgement, so each is checked on a case small enough to
count by hand.
"""

from __future__ import annotations

import importlib.util
import random
import sys
from pathlib import Path

_PATH = Path(__file__).resolve().parents[1] / "bench" / "coordination_heldout4.py"
_SPEC = importlib.util.spec_from_file_location("coordination_heldout4", _PATH)
assert _SPEC is not None and _SPEC.loader is not None
h4 = importlib.util.module_from_spec(_SPEC)
sys.modules["coordination_heldout4"] = h4
_SPEC.loader.exec_module(h4)


def _truth() -> dict:
    return {
        "groups": {
            "G1": {
                "members": ["a", "b", "c", "d"],
                "findable": ["a", "b", "c"],
                "dominant_kind": "url",
                "timing": "tight",
            },
            "G2": {
                "members": ["e", "f", "g"],
                "findable": ["e", "f", "g"],
                "dominant_kind": "text",
                "timing": "spread",
            },
        },
        "account_kind": {
            "a": "planted",
            "b": "planted",
            "c": "planted",
            "d": "planted",
            "e": "planted",
            "f": "planted",
            "g": "planted",
            "x": "aggregator",
            "y": "fan",
            "z": "fan",
        },
    }


def test_score_best_match_f1_and_innocents_by_type() -> None:
    comms = [({"a", "b", "c", "x"}, "url"), ({"e", "y", "z"}, "retweet")]
    r = h4.score(comms, _truth())
    g1, g2 = r["per_group"]["G1"], r["per_group"]["G2"]
    assert g1["f1"] == 0.75  # 2*3 / (4 + 4)
    assert g1["kind_found"] is True
    assert round(g2["f1"], 3) == 0.333  # 2*1 / (3 + 3)
    assert g2["kind_found"] is False
    assert r["group_f1"] == round((0.75 + 0.333) / 2, 3)
    assert r["innocent_placed"] == 3
    assert r["innocent_by_type"] == {"aggregator": 1, "fan": 2}
    assert g1["ceiling_f1"] == round(2 * 3 / 7, 3)


def test_score_without_communities_is_zero() -> None:
    r = h4.score([], _truth())
    assert r["group_f1"] == 0.0 and r["innocent_placed"] == 0 and r["communities"] == 0


def test_coornet_needs_three_links_within_the_window() -> None:
    rows = []
    for i, url in enumerate(["u1", "u2", "u3"]):
        t = 1000.0 * i
        rows += [
            (f"a{i}", "a", "", t, [url]),
            (f"b{i}", "b", "", t + 30, [url]),
            (f"c{i}", "c", "", t + 500, [url]),
        ]
    comms = h4.coornet(rows)
    assert [sorted(c) for c, _ in comms] == [["a", "b"]]
    # two links only, or a repost, is not enough
    assert h4.coornet(rows[:6]) == []
    reposts = [(p, a, "r" if a == "b" else "", t, u) for p, a, _r, t, u in rows]
    assert h4.coornet(reposts) == []


def test_url_variants_differ_but_keep_the_article() -> None:
    rng = random.Random(1)
    art = h4.Article("news.example.com", "/p/123", 0.0, "t", ["https://bit.ly/abc"], 1.0)
    forms = {h4.url_variant(rng, art, 0.2)[0] for _ in range(200)}
    assert len(forms) > 20
    assert all("news.example.com/p/123" in f.lower() or f == "https://bit.ly/abc" for f in forms)
