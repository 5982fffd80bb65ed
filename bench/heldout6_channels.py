"""Telegram channels and the web (sites and a forum) of the sixth world.

Telegram: official channels post; news channels forward some of their messages within
minutes; aggregator channels forward everything from two or three officials almost at
once (innocent, and the forward-kind look-alike). Two channels come from an old export
without ``date_unixtime``: their ``date`` is local time, so their clock looks skewed.
The web: forum users posting links and opinions, and sites whose scraped timestamps carry
no zone (written in local time, read as UTC: hours of skew).
"""

from __future__ import annotations

import random

from heldout6_news import Pool
from heldout6_text import EVERYDAY_TAG, WORDS, pick_lang, sentence, slug
from heldout6_world import Post, World, delay, diurnal

CHANNEL_WORDS = ["Новости", "Вести", "Новини", "Daily", "Info", "Live", "Пульс", "Hub",
                 "Watch", "Today", "Монитор", "Реальність"]


def channel_name(rng: random.Random, w: World) -> str:
    """A display name of a channel (spaces, Cyrillic and Latin mixed as they are)."""
    while True:
        name = f"{rng.choice(CHANNEL_WORDS)} {rng.choice(CHANNEL_WORDS)} {rng.randint(1, 99)}"
        if name not in w.taken:
            return name


def telegram(w: World, rng: random.Random, f: float) -> list[Post]:
    """Official, news, aggregator and ordinary channels; returns the officials' posts."""
    officials = [w.account(rng, "tg_official", "telegram", channel_name(rng, w))
                 for _ in range(3)]
    official_posts: list[Post] = []
    for name in officials:
        lang = rng.choice(["ru", "uk"])
        for _ in range(int(5 * w.days)):
            links = [f"https://gov-{slug(rng)[:6]}.example.org/{slug(rng)}"] \
                if rng.random() < 0.3 else []
            official_posts.append(w.add("telegram", name, diurnal(rng, w.days, 2.0),
                                        sentence(rng, lang, 10, 25), lang, "tg_official",
                                        links=links))
    news = [w.account(rng, "tg_news", "telegram", channel_name(rng, w))
            for _ in range(max(4, int(15 * f)))]
    aggregators = [w.account(rng, "tg_aggregator", "telegram", channel_name(rng, w))
                   for _ in range(max(2, int(5 * f)))]
    others = [w.account(rng, "tg_channel", "telegram", channel_name(rng, w))
              for _ in range(max(4, int(17 * f)))]
    follows = {name: set(rng.sample(officials, 2)) for name in news + aggregators}
    for p in official_posts:
        for name in news:
            if p.account in follows[name] and rng.random() < 0.35:
                w.add("telegram", name, p.t + delay(rng, 600, 1.0), p.text, p.lang,
                      "tg_news", relation="forward", parent=p)
        for name in aggregators:
            if p.account in follows[name]:
                w.add("telegram", name, p.t + rng.uniform(20, 240), p.text, p.lang,
                      "tg_aggregator", relation="forward", parent=p)
    for name in news + others:
        lang = rng.choice(["ru", "uk", "ru", "en", "ar"])
        for _ in range(int(rng.uniform(1, 4) * w.days)):
            tags = [EVERYDAY_TAG[lang]] if rng.random() < 0.3 else []
            w.add("telegram", name, diurnal(rng, w.days, 2.0), sentence(rng, lang, 8, 20),
                  lang, w.types[name], hashtags=tags)
    for name in rng.sample(others, 2):  # old export: local time without zone
        for p in w.posts:
            if p.account == name:
                p.skew = 3 * 3600.0
        w.types[name] = "tg_clock_skewed"
    return official_posts


def web(w: World, rng: random.Random, f: float, popular: list[str]) -> None:
    """Forum users (links and opinions) and blogs, some with zone-less local timestamps."""
    users = [w.account(rng, "forum_user", "web") for _ in range(max(20, int(250 * f)))]
    lang = {name: pick_lang(rng) for name in users}
    pool = Pool(rng, users, 1.0)
    for name in users:
        for _ in range(int(rng.lognormvariate(0.0, 0.9) * 0.5 * w.days) + 1):
            la = lang[name]
            links = [rng.choice(popular)] if popular and rng.random() < 0.25 else []
            w.add("web", name, diurnal(rng, w.days), sentence(rng, la, 8, 30), la,
                  "forum_user", links=links)
    for name in pool.draw(rng, max(4, int(30 * f))):
        w.types[name] = "clock_skewed"
        offset = rng.choice([-5, -4, 1, 2, 3, 5.5, 8]) * 3600.0
        for p in w.posts:
            if p.account == name:
                p.skew = offset
    for i in range(max(3, int(20 * f))):
        blog = w.account(rng, "blog", "web", f"{rng.choice(WORDS['en'])}-{i}.blog")
        la = pick_lang(rng)
        for _ in range(int(rng.uniform(0.3, 1.0) * w.days)):
            w.add("web", blog, diurnal(rng, w.days), sentence(rng, la, 30, 60), la, "blog",
                  links=[f"https://{blog}/{slug(rng)}"])
