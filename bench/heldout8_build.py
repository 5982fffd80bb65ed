"""Held-out judge 8: build one world (planted or control) and write its files and truth.

Why the control world shares everything but the planted groups: each component draws
from its own random stream (``World.rng``), so removing the planted groups leaves the
background and every innocent look-alike exactly as they were; whatever propscope
reports on the control world is a false alarm.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from heldout8_files import skewed_sources, write_all
from heldout8_innocents import innocents
from heldout8_planted import planted
from heldout8_world import World, background

SIZES: dict[str, dict[str, Any]] = {
    # ~2,500 accounts, two weeks
    "full": {"days": 14, "scale": 0.5, "accounts": {"x": 800, "mastodon": 200, "reddit": 260,
                                                    "telegram": 60, "youtube": 220,
                                                    "facebook": 120, "web": 40}},
    "tiny": {"days": 3, "scale": 0.12, "accounts": {"x": 120, "mastodon": 30, "reddit": 40,
                                                    "telegram": 8, "youtube": 30,
                                                    "facebook": 15, "web": 6}},
}


def build(seed: int, size: str, with_planted: bool) -> World:
    spec = SIZES[size]
    w = World(seed, spec["days"], spec["scale"])
    background(w, spec["accounts"])
    innocents(w)
    if with_planted:
        planted(w)
    return w


def write_world(seed: int, size: str, with_planted: bool, folder: Path) -> dict[str, Any]:
    """Files under ``folder/input`` and ``folder/truth.json``; returns the truth."""
    w = build(seed, size, with_planted)
    counts = write_all(w, folder / "input")
    roles = {h: a.role for h, a in w.accounts.items()}
    active = {a.author for a in w.acts}
    truth = {"seed": seed, "size": size, "world": "planted" if with_planted else "control",
             "groups": w.groups, "roles": {h: r for h, r in roles.items() if h in active},
             "posts": len(w.acts), "posts_by_platform": counts,
             "accounts": len(active), "languages": sorted({a.lang for a in w.acts}),
             "role_counts": dict(sorted(Counter(roles[h] for h in active).items())),
             "clock_skewed_sources": skewed_sources(w)}
    (folder / "truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1),
                                       encoding="utf-8")
    return truth
