"""Held-out judge 7: build one world (planted or control) and write it with its truth.

Why separate random streams per stage: the control world must be the planted world
minus the planted groups, draw for draw. Each stage draws from its own stream named by
the seed, so planting (which runs last, from its own stream) cannot shift anything
drawn before it.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

from heldout7_files import write_world
from heldout7_innocents import innocents, wire
from heldout7_people import SCALES, build_population
from heldout7_planted import plant
from heldout7_text import LANGS
from heldout7_video import tiktok, youtube
from heldout7_world import World, background, new_world, publish_articles


def stream(seed: int, name: str) -> random.Random:
    """The seed's random stream for one stage."""
    return random.Random(f"heldout7:{seed}:{name}")


def build_world(seed: int, size: str, planted: bool) -> World:
    """The whole world of ``seed`` at ``size``, with or without the planted groups."""
    scale = SCALES[size]
    pop = build_population(stream(seed, "people"), scale)
    world = new_world(seed, scale, planted, pop, stream(seed, "furniture"))
    publish_articles(world, stream(seed, "articles"))
    wire(world, stream(seed, "wire"))
    background(world, stream(seed, "background"))
    youtube(world, stream(seed, "youtube"))
    tiktok(world, stream(seed, "tiktok"))
    innocents(world, stream(seed, "innocents"))
    if planted:
        plant(world, stream(seed, "planted"))
    world.acts.sort(key=lambda a: (a.t, a.pid))
    return world


def roles_of(world: World) -> dict[str, str]:
    """source -> role, for every account that posts (``Anonymous`` is the forum's label
    for unnamed posters: many people, one source string)."""
    roles = {a.handle: a.role for a in world.pop.all()}
    roles["Anonymous"] = "anonymous_label"
    return roles


def summary(world: World) -> dict[str, Any]:
    """What the world holds: accounts, posts, languages and scripts."""
    posting = {a.author for a in world.acts if a.author}
    langs = sorted({a.lang for a in world.acts})
    return {"accounts_posting": len(posting), "acts": len(world.acts), "languages": langs,
            "scripts": sorted({LANGS[x][0] for x in langs}), "days": world.scale.days}


def write(seed: int, size: str, which: str, out: Path) -> dict[str, Path]:
    """Write the chosen worlds under ``out/<world>/input`` with ``out/<world>/truth.json``."""
    folders: dict[str, Path] = {}
    for name in (["planted", "control"] if which == "both" else [which]):
        world = build_world(seed, size, name == "planted")
        folder = out / name
        info = write_world(world, folder / "input", stream(seed, "files"))
        truth = {"judge": "heldout7", "seed": seed, "size": size, "world": name,
                 "groups": world.groups, "roles": roles_of(world), "input": info,
                 "summary": summary(world)}
        (folder / "truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1),
                                           encoding="utf-8")
        folders[name] = folder
    return folders
