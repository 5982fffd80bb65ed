"""The twelve planted groups of the sixth world, and their members' ordinary cover.

Each group repeats an action (a link, a near-copied text, a fresh campaign hashtag, a
retweet, a reply, a quote, a forward) on many occasions; on each occasion every member
takes part with the group's participation rate (50-80%: members miss actions), within
the group's window (20 s to 30 min) after the first move, with a few seconds of clock
noise. Members also post ordinary content. Designs (full size; tiny keeps the sizes):

======  =========  ===============  ====  ======  =====  ===================================
group   kind       platform(s)      size  window  part.  notes
======  =========  ===============  ====  ======  =====  ===================================
G1      url        x                12    60 s    0.70   a third of its links are breaking news
G2      url        x + mastodon     6     5 min   0.60   same handles on both platforms
G3      text       x                20    2 min   0.65   Spanish near-copies
G4      text       web (sites)      8     20 min  0.70   Russian near-copies, own URLs
G5      hashtag    x                30    30 min  0.60   Arabic; a fresh tag per occasion
G6      retweet    x                50    3 min   0.50   40% of targets are a celebrity's
G7      reply      x                10    5 min   0.70   Turkish replies to politicians
G8      quote      x                5     15 min  0.80   Hindi comments on outlets' posts
G9      forward    telegram         7     10 min  0.70   Ukrainian channels, one source
G10     url        mastodon         15    30 min  0.60   also hashtags and boosts
G11     url        x                3     30 s    0.80   the smallest group
G12     text       x                8     3 min   0.65   German; 3 members also in G1
======  =========  ===============  ====  ======  =====  ===================================
"""

from __future__ import annotations

import random

from heldout6_channels import channel_name
from heldout6_news import Article
from heldout6_text import handle, near_copy, sentence, slug, title
from heldout6_world import Group, Post, World, delay, diurnal, url_variant

# name, kind, platforms, size, lang, window s, participation, occasions over 14 days
SPECS = [
    ("G1", "url", ("x",), 12, "en", 60, 0.70, 24),
    ("G2", "url", ("x", "mastodon"), 6, "fr", 300, 0.60, 20),
    ("G3", "text", ("x",), 20, "es", 120, 0.65, 18),
    ("G4", "text", ("web",), 8, "ru", 1200, 0.70, 16),
    ("G5", "hashtag", ("x",), 30, "ar", 1800, 0.60, 18),
    ("G6", "retweet", ("x",), 50, "hi", 180, 0.50, 28),
    ("G7", "reply", ("x",), 10, "tr", 300, 0.70, 20),
    ("G8", "quote", ("x",), 5, "hi", 900, 0.80, 15),
    ("G9", "forward", ("telegram",), 7, "uk", 600, 0.70, 20),
    ("G10", "url", ("mastodon",), 15, "fr", 1800, 0.60, 24),
    ("G11", "url", ("x",), 3, "en", 30, 0.80, 12),
    ("G12", "text", ("x",), 8, "de", 180, 0.65, 16),
]


def members(w: World, seed: int) -> list[Group]:
    """The groups' accounts, created the same way in the planted and the control world."""
    rng = random.Random(f"{seed}:members")
    groups = []
    for name, kind, platforms, size, _lang, window, part, _n in SPECS:
        if platforms == ("telegram",):
            people = [channel_name(rng, w) for _ in range(size)]
        elif platforms == ("web",):
            people = [f"{handle(rng, w.taken).replace('_', '-').replace('.', '-')}.info"
                      for _ in range(size)]
        else:
            people = [handle(rng, w.taken) for _ in range(size)]
        if name == "G12":  # three members of G1 also act in G12
            people[:3] = groups[0].members[:3]
        for person in people:
            w.types[person] = "planted"
            w.taken.add(person)
            for p in platforms:
                w.platform_of.setdefault(person, set()).add(p)
        groups.append(Group(name, kind, people, platforms, float(window), part))
    return groups


def cover(w: World, rng: random.Random, groups: list[Group]) -> None:
    """Members' ordinary posts: the groups are not accounts that do nothing else."""
    for g, spec in zip(groups, SPECS, strict=True):
        for person in g.members:
            for _ in range(int(rng.uniform(0.3, 1.0) * w.days)):
                platform = rng.choice(g.platforms)
                w.add(platform, person, diurnal(rng, w.days), sentence(rng, spec[4]), spec[4],
                      w.types[person])


def _when(rng: random.Random, t0: float, window: float) -> float:
    return t0 + rng.uniform(0, window) + rng.gauss(0, 2.0)


def act(w: World, seed: int, groups: list[Group], breaking: list[Article],
        celebrity: list[Post], outlet_posts: list[Post]) -> None:
    """Every group's coordinated occasions (only in the planted world)."""
    rng = random.Random(f"{seed}:planted")
    scale = w.days / 14
    for g, spec in zip(groups, SPECS, strict=True):
        lang, origin = spec[4], f"planted:{g.name}"
        g.actions = max(6, int(spec[7] * scale))
        site = f"https://www.{slug(rng)[:8]}-{g.name.lower()}.net"
        slogan = f"{rng.choice(['وطننا', 'الحق', 'صوت'])}{g.name[1:]}"
        boss: str | None = None
        if g.kind in ("retweet", "reply", "forward") or g.name == "G10":
            platform = "telegram" if g.kind == "forward" else g.platforms[0]
            boss = w.account(rng, "politician" if g.kind == "reply" else "beneficiary",
                             platform, channel_name(rng, w) if g.kind == "forward" else None)
        for i in range(g.actions):
            t0 = diurnal(rng, w.days)
            kind = g.kind
            if g.name == "G10":
                kind = ["url", "url", "hashtag", "retweet"][i % 4]
            platform = rng.choice(g.platforms)
            who = [m for m in g.members if rng.random() < g.participation]
            if kind == "url":
                if g.name == "G1" and i % 3 == 0 and breaking:
                    a = rng.choice(breaking)  # hide in a breaking-news burst
                    url, t0 = a.url, a.t + rng.uniform(30, 300)
                else:
                    url = f"{site}/{slug(rng)}"
                for m in who:
                    w.add(platform, m, _when(rng, t0, g.window_s), sentence(rng, lang, 3, 10),
                          lang, origin, links=[url_variant(rng, url)])
            elif kind == "text":
                base = sentence(rng, lang, 14, 26)
                for m in who:
                    links = [f"https://{m}/{slug(rng)}"] if platform == "web" else []
                    w.add(platform, m, _when(rng, t0, g.window_s), near_copy(rng, base, lang),
                          lang, origin, links=links)
            elif kind == "hashtag":
                fresh = title(rng, "en").split()[1].lower() + str(i)
                for m in who:
                    w.add(platform, m, _when(rng, t0, g.window_s), sentence(rng, lang, 4, 12),
                          lang, origin, hashtags=[slogan, fresh])
            elif kind in ("retweet", "reply", "quote", "forward"):
                assert boss is not None or kind == "quote"
                if kind == "retweet" and g.name == "G6" and i % 5 < 2 and celebrity:
                    target = rng.choice(celebrity)  # hide among the fans
                    t0 = target.t + rng.uniform(5, 60)
                elif kind == "quote":
                    target = rng.choice(outlet_posts)
                    t0 = target.t + delay(rng, 600)
                else:
                    assert boss is not None
                    target = w.add(platform, boss, t0, sentence(rng, lang, 8, 20), lang,
                                   w.types[boss])
                    t0 += rng.uniform(10, 120)
                relation = "repost" if kind == "retweet" else kind
                for m in who:
                    text = target.text if kind in ("retweet", "forward") else \
                        sentence(rng, lang, 3, 12)
                    w.add(platform, m, _when(rng, t0, g.window_s), text, lang, origin,
                          relation=relation, parent=target)
