"""Assemble the sixth world: innocents first, then (planted world only) the groups.

Every part draws from its own random stream (``seed:part``), so the planted and the
control world hold the same innocent accounts and posts; the control lacks only the
groups' coordinated occasions (their members keep their ordinary posts, as ``ex_planted``).

Proportions at full size (about 2,600 accounts, 40-50k posts, 14 days): ordinary X users
1,100, Mastodon 350, forum 250, heavy users 30, outlets 40 with 2-4 staff each, wire
republishers 25, RSS bots 20, digest bots 6, celebrities 3 with 160 fans, friend circles
30 (4-7 each), contest hunters 25, scheduled businesses 50, Telegram channels 40, blogs 20,
clock-skewed forum accounts 30; 12 planted groups with 174 member accounts (3 shared).
``tiny`` is three days with about a tenth of the innocents and the same groups.
"""

from __future__ import annotations

import random

from heldout6_channels import telegram, web
from heldout6_news import Pool, breaking, digests, evergreen, outlets, rss_bots, shares, staff, wire
from heldout6_people import (
    celebrities,
    contests,
    friends,
    live_events,
    originals,
    people,
    pile_ons,
    replies,
    reposts,
    schedulers,
)
from heldout6_planted import act, cover, members
from heldout6_world import World

SIZES = {"tiny": (3, 0.1), "full": (14, 1.0)}


def build(seed: int, size: str = "full", planted: bool = True) -> World:
    """The world of ``seed`` at ``size``, with or without its planted groups."""
    days, f = SIZES[size]
    w = World(seed, days)

    def rng(part: str) -> random.Random:
        return random.Random(f"{seed}:{part}")

    groups = members(w, seed)
    arts, _domains = outlets(w, rng("outlets"), f)
    staff(w, rng("staff"), arts, f)
    wire(w, rng("wire"), f)
    r = rng("people")
    xs, x_lang = people(w, r, "ordinary", "x", int(1100 * f))
    ms, m_lang = people(w, r, "ordinary", "mastodon", int(350 * f))
    heavy = [w.account(r, "heavy_user", "x") for _ in range(max(3, int(25 * f)))]
    heavy_m = [w.account(r, "heavy_user", "mastodon") for _ in range(max(1, int(5 * f)))]
    tz = {name: r.choice([-5, 0, 1, 2, 3, 5.5]) for name in xs + ms}
    x_pool, m_pool = Pool(r, xs + heavy, 1.0), Pool(r, ms + heavy_m, 1.0)
    star_posts = celebrities(w, rng("celebrities"), f)
    own_x = originals(w, rng("originals"), xs, x_lang, "x", 0.2, tz)
    own_m = originals(w, rng("originals-m"), ms, m_lang, "mastodon", 0.3, tz)
    rh = rng("heavy")
    for name in heavy + heavy_m:
        platform = "x" if name in heavy else "mastodon"
        originals(w, rh, [name], {name: "en"}, platform, 1.5, {})
    shares(w, rng("shares"), arts, x_pool, heavy, m_pool)
    outlet_posts = [a.post for a in arts]
    rr = rng("reposts")
    reposts(w, rr, star_posts + outlet_posts[::3], x_pool, "x", 2.0, 3600)
    reposts(w, rr, own_m[::4], m_pool, "mastodon", 1.5, 5400)
    for name in heavy:
        reposts(w, rr, [p for p in star_posts if rr.random() < 0.5], Pool(rr, [name]), "x",
                1.0, 600)
    replies(w, rng("replies"), own_x, x_pool, "x", 0.1)
    replies(w, rng("replies-m"), own_m, m_pool, "mastodon", 0.1)
    friends(w, rng("friends"), f)
    hot = breaking(w, rng("breaking"), arts, x_pool, m_pool, f)
    live_events(w, rng("live"), x_pool, f)
    pile_ons(w, rng("pileons"), star_posts + outlet_posts, x_pool, f)
    contests(w, rng("contests"), x_pool, f)
    schedulers(w, rng("schedulers"), f)
    digests(w, rng("digests"), arts, f)
    rss_bots(w, rng("rss"), arts, f)
    telegram(w, rng("telegram"), f)
    popular = [f"https://www.youtube.com/watch?v=pop{i}" for i in range(12)]
    evergreen(w, rng("evergreen"), x_pool, f)
    web(w, rng("web"), f, popular)
    if not planted:
        for g in groups:
            for m in g.members:
                w.types[m] = "ex_planted"
    cover(w, rng("cover"), groups)
    if planted:
        w.groups = groups
        act(w, seed, groups, hot, star_posts, outlet_posts)
    w.posts.sort(key=lambda p: (p.t, p.platform, p.post_id))
    return w


def stats(w: World) -> dict[str, object]:
    """Counts for the report: posts, accounts, by platform, language, type and relation."""
    def count(values: list[str]) -> dict[str, int]:
        out: dict[str, int] = {}
        for v in values:
            out[v] = out.get(v, 0) + 1
        return dict(sorted(out.items(), key=lambda kv: -kv[1]))

    active = {p.account for p in w.posts}
    return {"posts": len(w.posts), "accounts": len(active),
            "platforms": count([p.platform for p in w.posts]),
            "languages": count([p.lang for p in w.posts]),
            "relations": count([p.relation for p in w.posts]),
            "account_types": count([w.types[a] for a in active]),
            "planted_posts": sum(p.origin.startswith("planted:") for p in w.posts),
            "groups": {g.name: {"kind": g.kind, "size": len(g.members),
                                "occasions": g.actions} for g in w.groups}}
