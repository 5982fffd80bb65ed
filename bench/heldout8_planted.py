"""Held-out judge 8: planted coordinated groups (only in the planted world).

Why these shapes: operations seen in takedown reports differ in what they push
(links, copied text, hashtags, hub accounts' posts, reply pile-ons, quotes, channel
forwards), in how tightly they are timed (seconds for automation, minutes for a
chat-room "go", an hour for a shift of paid posters), and in discipline (members miss
10-40% of the actions). Most members are existing background accounts, so they keep
their ordinary posting around the campaign. One account serves two groups.
"""

from __future__ import annotations

import random
from typing import Any

from heldout8_text import near_duplicate, sentence, topic_words
from heldout8_world import World, canonical_url, url_variant

# the communities export's ``dominant_kind`` values that count as the group's kind
KIND_NAMES: dict[str, set[str]] = {"url": {"url"}, "text": {"text"}, "hashtag": {"hashtag"},
                                   "retweet": {"retweet"}, "reply": {"reply"},
                                   "quote": {"quote"}, "forward": {"forward"}}

# group, platform, kind, size, timing spread (s), actions, miss rate, language
SPECS: tuple[tuple[str, str, str, int, float, int, float, str], ...] = (
    ("g01_url_seconds", "x", "url", 12, 30, 10, 0.2, "en"),
    ("g02_text_minutes", "x+mastodon", "text", 25, 300, 8, 0.25, "ru"),
    ("g03_hashtag_hour", "x", "hashtag", 40, 3600, 6, 0.3, "hi"),
    ("g04_retweet_hubs", "x", "retweet", 30, 120, 15, 0.25, "en"),
    ("g05_reply_brigade", "x", "reply", 15, 600, 10, 0.3, "es"),
    ("g06_quote", "x", "quote", 8, 300, 8, 0.2, "de"),
    ("g07_tg_forward", "telegram", "forward", 6, 120, 20, 0.15, "uk"),
    ("g08_reddit_links", "reddit", "url", 10, 900, 8, 0.3, "en"),
    ("g09_youtube_comments", "youtube", "text", 20, 600, 8, 0.3, "ar"),
    ("g10_fb_pages", "facebook", "url", 7, 240, 10, 0.2, "fr"),
    ("g11_trio", "x", "text", 3, 10, 8, 0.1, "es"),
    ("g12_mixed_large", "x", "retweet", 50, 3600, 10, 0.4, "en"),
    ("g13_web_network", "web", "text", 5, 1800, 10, 0.1, "el"),
)


def planted(w: World) -> None:
    """Add every planted group's actions and members to ``w`` (and ``w.groups``)."""
    rng = w.rng("planted")
    members: dict[str, list[str]] = {}
    for name, platform, _kind, size, _spread, n_act, _miss, lang in SPECS:
        size = max(3, round(size * min(1.0, w.scale * 2))) if w.scale < 0.5 else size
        n_act = n_act if w.scale >= 0.5 else max(4, n_act // 2)
        plats = platform.split("+")
        own = []
        for i in range(size):
            p = plats[i % len(plats)]
            fresh = rng.random() < 0.3 or p in ("telegram", "web")
            own.append(w.add_account(rng, p, "planted", lang) if fresh
                       else w.recruit(rng, p, 1, "planted")[0])
        members[name] = own
    # one account in two groups: a g01 member also works in g12, a g04 one in g05
    for into, frm, k in (("g12_mixed_large", "g01_url_seconds", 1),
                         ("g05_reply_brigade", "g04_retweet_hubs", 2)):
        w.accounts[members[into][0]].role = "background"
        members[into][0] = members[frm][k]
    for name, platform, kind, _size, spread, n_act, miss, lang in SPECS:
        n_act = n_act if w.scale >= 0.5 else max(4, n_act // 2)
        act = _ACTIONS[name]
        group = members[name]
        for a in range(n_act):
            t0 = w.when(rng, lang)
            act(w, rng, group, t0, spread, miss, lang, a)
        w.groups.append({"group": name, "kind": kind, "platform": platform,
                         "members": sorted(group), "spread_s": spread, "actions": n_act,
                         "miss_rate": miss, "lang": lang})


def _doers(rng: random.Random, group: list[str], miss: float) -> list[str]:
    got = [m for m in group if rng.random() > miss]
    return got if len(got) >= 2 else group[:2]


def _at(rng: random.Random, t0: float, spread: float) -> float:
    return t0 + rng.uniform(0, spread)


def _url_seconds(w: World, rng: random.Random, g: list[str], t0: float, spread: float,
                 miss: float, lang: str, i: int) -> None:
    url = canonical_url(rng)
    for m in _doers(rng, g, miss):
        w.post("x", m, _at(rng, t0, spread), sentence(rng, lang, (5, 12)), lang,
               stream="planted", links=[url_variant(rng, url, 0.7)])


def _text(w: World, rng: random.Random, g: list[str], t0: float, spread: float,
          miss: float, lang: str, i: int) -> None:
    base = sentence(rng, lang, (12, 25), topic=topic_words(rng, lang))
    for m in _doers(rng, g, miss):
        p = w.accounts[m].platform
        w.post(p, m, _at(rng, t0, spread), near_duplicate(rng, base, lang), lang,
               stream="planted", relation="reply" if p == "youtube" else "original",
               parent=f"vidop{i}" if p == "youtube" else None,
               title=sentence(rng, lang, (5, 9)) if p == "web" else None)


def _hashtag(w: World, rng: random.Random, g: list[str], t0: float, spread: float,
             miss: float, lang: str, i: int) -> None:
    tag = "Bharat" + topic_words(rng, "en", 1)[0]
    for m in _doers(rng, g, miss):
        w.post("x", m, _at(rng, t0, spread), sentence(rng, lang) + f" #{tag}", lang,
               stream="planted", hashtags=[tag])


def _retweet_hubs(w: World, rng: random.Random, g: list[str], t0: float, spread: float,
                  miss: float, lang: str, i: int) -> None:
    hubs = _hubs(w, rng, "planted_hub")
    post = w.post("x", hubs[i % 2], t0, sentence(rng, lang), lang, stream="planted")
    for m in _doers(rng, g, miss):
        w.post("x", m, _at(rng, t0 + 20, spread), "", lang, stream="planted",
               relation="repost", parent=post.pid)


def _hubs(w: World, rng: random.Random, role: str) -> list[str]:
    """The hub accounts a group amplifies (made on first use)."""
    found = [a.handle for a in w.accounts.values() if a.role == role]
    return found or [w.add_account(rng, "x", role, "en", rate=0) for _ in range(2)]


def _reply_brigade(w: World, rng: random.Random, g: list[str], t0: float, spread: float,
                   miss: float, lang: str, i: int) -> None:
    target = rng.choice([a.handle for a in w.accounts.values() if a.platform == "x"
                         and a.role == "background"][:400])
    post = w.post("x", target, t0, sentence(rng, lang), lang, stream="planted_target")
    for m in _doers(rng, g, miss):
        w.post("x", m, _at(rng, t0 + 60, spread), sentence(rng, lang, (4, 10)), lang,
               stream="planted", relation="reply", parent=post.pid)


def _quote(w: World, rng: random.Random, g: list[str], t0: float, spread: float,
           miss: float, lang: str, i: int) -> None:
    target = rng.choice([a.handle for a in w.accounts.values() if a.platform == "x"][:400])
    post = w.post("x", target, t0, sentence(rng, lang), lang, stream="planted_target")
    for m in _doers(rng, g, miss):
        w.post("x", m, _at(rng, t0 + 60, spread), sentence(rng, lang, (4, 10)), lang,
               stream="planted", relation="quote", parent=post.pid)


def _forward(w: World, rng: random.Random, g: list[str], t0: float, spread: float,
             miss: float, lang: str, i: int) -> None:
    src = [a.handle for a in w.accounts.values() if a.role == "planted_source"]
    src = src or [w.add_account(rng, "telegram", "planted_source", lang, rate=0)]
    post = w.post("telegram", src[0], t0, sentence(rng, lang), lang, stream="planted")
    for m in _doers(rng, g, miss):
        w.post("telegram", m, _at(rng, t0 + 5, spread), post.text, lang, stream="planted",
               relation="forward", parent=post.pid)


def _reddit_links(w: World, rng: random.Random, g: list[str], t0: float, spread: float,
                  miss: float, lang: str, i: int) -> None:
    """The same link submitted to several subreddits, then comments in each other's
    threads (link and reply co-actions at once)."""
    url = canonical_url(rng)
    threads = []
    doers = _doers(rng, g, miss)
    for m in doers:
        threads.append(w.post("reddit", m, _at(rng, t0, spread), sentence(rng, lang),
                              lang, stream="planted", links=[url_variant(rng, url, 0.5)],
                              channel=rng.choice(("news", "politics", "worldnews")),
                              title=sentence(rng, lang, (5, 9))))
    first = threads[0]
    for m in doers[1:]:
        if rng.random() < 0.6:
            w.post("reddit", m, first.t + rng.uniform(60, spread), sentence(rng, lang, (4, 9)),
                   lang, stream="planted", relation="reply", parent=first.pid,
                   channel=first.channel)


def _fb_pages(w: World, rng: random.Random, g: list[str], t0: float, spread: float,
              miss: float, lang: str, i: int) -> None:
    url = canonical_url(rng)
    for m in _doers(rng, g, miss):
        w.post("facebook", m, _at(rng, t0, spread), sentence(rng, lang), lang,
               stream="planted", links=[url_variant(rng, url, 0.8)])


def _mixed(w: World, rng: random.Random, g: list[str], t0: float, spread: float,
           miss: float, lang: str, i: int) -> None:
    """A shift of paid posters: retweet the hub, push the hashtag, share the link, all
    within the hour."""
    hub = _hubs(w, rng, "planted_hub_b")[0]
    post = w.post("x", hub, t0, sentence(rng, lang), lang, stream="planted")
    tag, url = "Stand" + topic_words(rng, "en", 1)[0], canonical_url(rng)
    for m in _doers(rng, g, miss):
        w.post("x", m, _at(rng, t0, spread), "", lang, stream="planted", relation="repost",
               parent=post.pid)
        if rng.random() < 0.6:
            w.post("x", m, _at(rng, t0, spread), sentence(rng, lang) + f" #{tag}", lang,
                   stream="planted", hashtags=[tag], links=[url_variant(rng, url, 0.6)])


_ACTIONS: dict[str, Any] = {
    "g01_url_seconds": _url_seconds, "g02_text_minutes": _text, "g03_hashtag_hour": _hashtag,
    "g04_retweet_hubs": _retweet_hubs, "g05_reply_brigade": _reply_brigade,
    "g06_quote": _quote, "g07_tg_forward": _forward, "g08_reddit_links": _reddit_links,
    "g09_youtube_comments": _text, "g10_fb_pages": _fb_pages, "g11_trio": _text,
    "g12_mixed_large": _mixed, "g13_web_network": _text}
