"""Held-out judge 9: covert coordinated groups planted in the world, and their truth.

Why these shapes: covert groups in real takedown data differ in size (a handful to
dozens), in what they do together (push one article through many URL forms and
shorteners, paste one text with small edits, push a hashtag, repost hub accounts, brigade
replies, quote, forward from a channel), in how tight their timing is (seconds to more
than an hour), in discipline (members skip 10-40% of actions), and in tradecraft (the
first poster rotates; one account serves two groups; several kinds at once).
"""

from __future__ import annotations

import random
import zlib
from dataclasses import dataclass

from heldout9_text import SHORTENERS, link_variant, near_duplicate, sentence, short_link
from heldout9_world import DAY, START, Account, Post, World, article

KIND_NAMES = {"url": {"url"}, "text": {"text"}, "hashtag": {"hashtag"},
              "repost": {"retweet", "repost"}, "reply": {"reply"},
              "quote": {"quote", "embedded_post"}, "forward": {"forward", "repost"},
              "url+hashtag": {"url", "hashtag"}}
SPREAD = {"seconds": 30.0, "minutes": 600.0, "hour": 5400.0}


def _h(text: str) -> int:
    """A hash that is the same in every process (``hash`` is salted)."""
    return zlib.crc32(text.encode())


@dataclass(frozen=True)
class Spec:
    name: str
    kind: str
    platform: str
    size: int
    timing: str
    miss: float
    actions: int
    lang: str | None = None
    style: str = ""  # shorteners, rotate


SPECS = (
    Spec("A-url-variants", "url", "bluesky", 12, "seconds", 0.3, 14),
    Spec("B-shorteners", "url", "mastodon", 8, "minutes", 0.2, 12, style="shorteners"),
    Spec("C-copypasta-ru", "text", "telegram", 15, "minutes", 0.25, 12, lang="ru"),
    Spec("D-hashtag", "hashtag", "tiktok", 20, "hour", 0.3, 10),
    Spec("E-hub-reposts", "repost", "bluesky", 30, "minutes", 0.35, 16),
    Spec("F-reply-brigade", "reply", "reddit", 10, "minutes", 0.2, 12),
    Spec("G-quote", "quote", "bluesky", 8, "minutes", 0.15, 10),
    Spec("H-forward-ar", "forward", "telegram", 6, "seconds", 0.1, 14, lang="ar"),
    Spec("I-url-and-tag", "url+hashtag", "mastodon", 14, "minutes", 0.3, 12),
    Spec("J-rotating-first", "text", "4cat", 5, "minutes", 0.2, 12, style="rotate"),
    Spec("K-slow-large", "url", "bluesky", 50, "hour", 0.4, 12),
    Spec("L-small-tag", "hashtag", "tiktok", 3, "minutes", 0.1, 10),
    Spec("M-copypasta-he", "text", "reddit", 9, "hour", 0.3, 10, lang="he"),
)
TELEGRAM_LANG_CHAT = {"ru": ("ru", "uk"), "ar": ("ar", "fa")}


def _members(world: World, rng: random.Random, spec: Spec) -> list[Account]:
    size = spec.size if world.size == "full" else max(3, round(spec.size * 0.4))
    free = [a for a in world.background(spec.platform)
            if spec.lang is None or a.lang in TELEGRAM_LANG_CHAT.get(spec.lang, (spec.lang,))]
    out = rng.sample(free, min(size, len(free)))
    for a in out:
        a.role = "planted"
    return out


def _act(world: World, rng: random.Random, spec: Spec, members: list[Account], k: int,
         t0: float, make) -> None:  # type: ignore[no-untyped-def]
    """Members act on one item: who acts, in which order, how late."""
    acting = [m for m in members if rng.random() >= spec.miss]
    if spec.style == "rotate":  # the first poster rotates: one member leads each item
        leader = members[k % len(members)]
        acting = [leader] + [m for m in acting if m is not leader]
    for i, m in enumerate(acting):
        delay = 0.0 if (spec.style == "rotate" and i == 0) else rng.random() * SPREAD[
            spec.timing] + (30 if spec.style == "rotate" else 0)
        world.add(make(m, t0 + delay))


def _plant(world: World, rng: random.Random, spec: Spec, members: list[Account]) -> None:
    campaign_tag = {"D-hashtag": "StopTheLies2026", "I-url-and-tag": "WahrheitJetzt",
                    "L-small-tag": "JusticiaYa"}.get(spec.name, "")
    hubs: list[Account] = []
    if spec.kind == "repost":
        hubs = [world.add_account(rng, spec.platform, "planted_hub", "en") for _ in range(3)]
        world.hubs |= {h.name for h in hubs}
    site = f"https://www.{rng.choice(['patriot', 'truth', 'real', 'free'])}-" \
           f"{rng.choice(['voice', 'report', 'daily', 'wire'])}{rng.randint(1, 99)}.net/"
    for k in range(spec.actions):
        t0 = START + rng.random() * (world.days - 0.2) * DAY
        url = article(rng, site)
        template = sentence(rng, spec.lang or "en", 16)
        parent: int | None = None
        if spec.kind == "repost":
            hub = rng.choice(hubs)
            parent = world.add(Post(spec.platform, hub.name, t0 - rng.uniform(30, 600),
                                    text=sentence(rng, "en"), links=[url], lang="en"))
        elif spec.kind in ("reply", "quote"):
            pool = [i for i, p in enumerate(world.posts) if p.platform == spec.platform
                    and p.relation == "original" and t0 - 2 * DAY < p.t < t0 and p.author
                    not in {m.name for m in members}]
            parent = rng.choice(pool) if pool else world.add(Post(
                spec.platform, rng.choice(world.background(spec.platform)).name,
                t0 - 900, text=sentence(rng, "en")))

        def make(m: Account, t: float, k: int = k, url: str = url, template: str = template,
                 parent: int | None = parent) -> Post:
            lang = m.lang
            p = Post(spec.platform, m.name, t, text=sentence(rng, lang), lang=lang)
            if spec.kind in ("url", "url+hashtag"):
                if spec.style == "shorteners":
                    short = short_link(rng, SHORTENERS[_h(f'{m.name}:{k}') % len(SHORTENERS)])
                    p.links = [short]
                    if rng.random() < 0.5:
                        p.expansion = {short: link_variant(url, rng)}
                else:
                    p.links = [link_variant(url, rng)]
                p.text += " " + p.links[0]
            if spec.kind == "url+hashtag" or campaign_tag:
                p.tags = [campaign_tag] + ([rng.choice(["news", "politik"])]
                                           if rng.random() < 0.5 else [])
                p.text += " " + " ".join("#" + x for x in p.tags)
            if spec.kind == "text":
                p.text = near_duplicate(template, rng)
                p.lang = spec.lang or "en"
                if spec.style == "rotate":
                    p.links = [link_variant(url, rng)]
                    p.text += " " + p.links[0]
            if spec.kind == "repost":
                p.relation, p.parent, p.text = "repost", parent, ""
            if spec.kind == "reply":
                p.relation, p.parent = "reply", parent
                p.text = near_duplicate(template, rng) if rng.random() < 0.5 else p.text
            if spec.kind == "quote":
                p.relation, p.parent = "quote", parent
            if spec.kind == "forward":
                p.relation, p.forwarded_from = "forward", "قناة الحقيقة"
                p.text = template
            return p

        _act(world, rng, spec, members, k, t0, make)


def add_planted(world: World) -> None:
    rng = world.rng("planted")
    made: dict[str, list[Account]] = {}
    for spec in SPECS:
        members = _members(world, rng, spec)
        if spec.name == "G-quote":  # one account serves two groups
            members[-1].role = "background"
            members = members[:-1] + [made["A-url-variants"][0]]
        made[spec.name] = members
        _plant(world, rng, spec, members)
        world.groups.append({"group": spec.name, "kind": spec.kind, "platform": spec.platform,
                             "timing": spec.timing, "miss": spec.miss, "style": spec.style,
                             "members": sorted(m.name for m in members)})
