"""Held-out judge 7: the planted coordinated groups and their ground truth.

Why members are ordinary accounts with their own everyday posting: operators run
accounts that look lived-in, so a group's members post, repost and reply like anyone
else between episodes; only the episodes (the same item, within seconds to half an
hour, many times) tie them together. Members miss some episodes, two accounts serve
two groups, one group spans Bluesky and Facebook, and one acts on links and hashtags
at once, as real operations do.

The planted acts come from their own random stream, after everything else, so the
control world (the same seed without them) is the planted world minus exactly them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from heldout7_people import DAY, START, Account, Act, uid_of
from heldout7_text import EMOJI, near_variant, sentence
from heldout7_world import TRENDING, World


@dataclass(frozen=True)
class Spec:
    """One planted group: what it does, where, how many, how often, how tightly."""

    gid: str
    kind: str  # url | text | hashtag | repost | reply | quote | url+hashtag
    platforms: tuple[str, ...]
    size: int
    episodes: int
    spread_s: float  # members act within this many seconds of the episode's start
    miss: float  # chance a member skips an episode


SPECS = (
    Spec("G01", "url", ("bluesky",), 12, 14, 90, 0.2),
    Spec("G02", "text", ("bluesky", "facebook"), 10, 12, 600, 0.2),
    Spec("G03", "hashtag", ("tiktok",), 15, 14, 1200, 0.25),
    Spec("G04", "repost", ("bluesky",), 20, 16, 240, 0.2),
    Spec("G05", "reply", ("youtube",), 8, 14, 600, 0.2),
    Spec("G06", "quote", ("bluesky",), 6, 12, 300, 0.15),
    Spec("G07", "url", ("facebook",), 25, 12, 1800, 0.3),
    Spec("G08", "repost", ("facebook",), 5, 14, 20, 0.1),
    Spec("G09", "url+hashtag", ("bluesky",), 9, 12, 420, 0.2),
    Spec("G10", "url", ("forum",), 3, 10, 60, 0.1),
    Spec("G11", "repost", ("bluesky",), 50, 14, 1200, 0.35),
    Spec("G12", "reply", ("bluesky",), 4, 12, 120, 0.15),
)
# the kinds propscope's communities may report for each planted kind
KIND_NAMES = {"url": {"url"}, "text": {"text"}, "hashtag": {"hashtag"},
              "repost": {"retweet", "repost"}, "reply": {"reply"},
              "quote": {"quote", "embedded_post"}, "url+hashtag": {"url", "hashtag"}}


def _members(world: World, rng: random.Random, spec: Spec) -> list[Account]:
    share = world.scale.member_share
    size = max(3, round(spec.size * share))
    out: list[Account] = []
    for i, platform in enumerate(spec.platforms):
        n = size - len(out) if i == len(spec.platforms) - 1 else size * 3 // 5
        free = [a for a in world.pop.by_platform[platform] if a.role == "background"]
        out += rng.sample(free, min(n, len(free)))
    for acc in out:
        acc.role = "planted"
        acc.groups.append(spec.gid)
    return out


def _targets(world: World, platform: str) -> list[Act]:
    """Popular posts a group can answer or quote (stars, outlets, popular videos)."""
    if platform == "youtube":
        return [a for a in world.acts if a.kind == "video"]
    return [a for a in world.acts if a.platform == platform and a.kind == "post"
            and a.origin in ("celebrity", "outlet", "bg")]


def _episode(world: World, rng: random.Random, spec: Spec, members: list[Account],
             t0: float, n: int, tags: list[str], target: Act | None = None) -> None:
    gid = spec.gid
    present = [m for m in members if rng.random() >= spec.miss] or members[:2]
    when = {m.handle: t0 + spec.spread_s * rng.random() ** 1.5 for m in present}
    lang = members[0].lang
    if spec.kind in ("url", "url+hashtag"):
        site = f"{gid.lower()}{uid_of(world.seed, gid)[:4]}-report.example"
        canonical = (world.links.recent_article(rng, t0) if rng.random() < 0.25 else None) \
            or f"https://{site}/{uid_of(gid, n)[:9]}"
        ep_tags = rng.sample(tags, 2) if spec.kind == "url+hashtag" else []
        for m in present:
            link = world.links.variant(rng, canonical, m.platform)
            text = f"{sentence(rng, m.lang, 3, 12)} {link}"
            if ep_tags:
                text += " " + " ".join(f"#{x}" for x in ep_tags)
            world.add(Act(world.pid(m.platform, m, "post", gid), m.platform, m.handle,
                          when[m.handle], "post", text, m.lang, [link], ep_tags, origin=gid))
    elif spec.kind == "text":
        template = sentence(rng, lang, 16, 26)
        for m in present:
            world.add(Act(world.pid(m.platform, m, "post", gid), m.platform, m.handle,
                          when[m.handle], "post", near_variant(rng, template, lang, 2), lang,
                          origin=gid))
    elif spec.kind == "hashtag":
        ep_tags = rng.sample(tags, 3)
        for m in present:
            mine = ep_tags + (["fyp"] if rng.random() < 0.6 else []) + (
                [TRENDING] if rng.random() < 0.3 else [])
            text = f"{sentence(rng, m.lang, 3, 10)} " + " ".join(f"#{x}" for x in mine)
            world.add(Act(world.pid("tiktok", m, "video", gid), "tiktok", m.handle,
                          when[m.handle], "video", text, m.lang, [], sorted(set(mine)),
                          origin=gid))
    elif spec.kind == "repost":
        leaders = members[:3] if spec.size >= 40 else members
        seed = leaders[n % len(leaders)]
        post = world.add(Act(world.pid(seed.platform, seed, "post", gid), seed.platform,
                             seed.handle, t0 - rng.uniform(5, 60), "post",
                             sentence(rng, seed.lang, 8, 20), seed.lang, origin=gid))
        for m in present:
            if m is not seed:
                world.add(Act(world.pid(m.platform, m, "repost", gid), m.platform, m.handle,
                              when[m.handle], "repost", post.text, post.lang, parent=post.pid,
                              root=post.pid, origin=gid))
    elif target is not None:  # reply | quote
        kind = "comment" if spec.platforms[0] == "youtube" else spec.kind
        for m in present:
            text = f"{sentence(rng, m.lang, 4, 14)} {rng.choice(EMOJI)}"
            world.add(Act(world.pid(m.platform, m, kind, gid), m.platform, m.handle,
                          when[m.handle], kind, text, m.lang,
                          parent=target.pid, root=target.root or target.pid, origin=gid))


def plant(world: World, rng: random.Random) -> None:
    """Every planted group's episodes, and its ground truth in ``world.groups``."""
    members_of: dict[str, list[Account]] = {}
    for spec in SPECS:
        members_of[spec.gid] = _members(world, rng, spec)
    for a, b in (("G01", "G04"), ("G07", "G02")):  # two accounts serve two groups
        shared = next(m for m in members_of[a] if m.platform in
                      {x.platform for x in members_of[b]})
        members_of[b].append(shared)
        shared.groups.append(b)
    for spec in SPECS:
        members = members_of[spec.gid]
        tags = [f"{sentence(rng, 'en', 1, 1).lower()}{uid_of(spec.gid, i)[:3]}"
                for i in range(6)]
        episodes = max(4, round(spec.episodes * world.scale.episodes))
        span = world.scale.days * DAY
        pool = _targets(world, spec.platforms[0]) if spec.kind in ("reply", "quote") else []
        for n in range(episodes):
            t0 = START + (n + rng.uniform(0.1, 0.9)) * span / episodes
            target = None
            if spec.kind in ("reply", "quote"):
                near = [x for x in pool if t0 - 6 * 3600 < x.t < t0] or pool
                target = rng.choice(near)
                t0 = target.t + rng.uniform(60, 1800)
            _episode(world, rng, spec, members, t0, n, tags, target)
        world.groups.append({
            "group": spec.gid, "kind": spec.kind, "platforms": list(spec.platforms),
            "members": sorted({m.handle for m in members}), "episodes": episodes,
            "spread_s": spec.spread_s, "miss": spec.miss})
