"""The news ecosystem of the sixth world: innocent accounts that co-share links by design.

Outlets post their own articles; their staff share them minutes later; regional outlets
and sites republish agency (wire) copy word for word within minutes, each under its own
URL; RSS bots post every article of the feeds they follow within one polling interval;
digest bots post the day's most shared links at a fixed hour; breaking news sends dozens
of unrelated accounts to one link within minutes. Each of these is a tight, repeated,
fast co-share of the same items by the same accounts, and none is a campaign.
"""

from __future__ import annotations

import bisect
import random
from dataclasses import dataclass

from heldout6_text import EVERYDAY_TAG, pick_lang, sentence, slug, title
from heldout6_world import DAY, T0, Post, World, delay, diurnal, url_variant

TLDS = ["com", "org", "net", "news", "info", "es", "fr", "de", "com.tr", "ru", "ua", "in"]
STEMS = ["herald", "courier", "post", "times", "daily", "observer", "tribune", "express",
         "gazette", "chronicle", "journal", "mirror", "voice", "report", "wire", "today"]


@dataclass
class Article:
    t: float
    url: str
    title: str
    lang: str
    outlet: str
    weight: float
    post: Post


class Pool:
    """Accounts with activity weights; draws are proportional to the weights."""

    def __init__(self, rng: random.Random, names: list[str], spread: float = 1.0) -> None:
        self.names = names
        total, self.cum = 0.0, []
        for _ in names:
            total += rng.lognormvariate(0.0, spread)
            self.cum.append(total)
        self.total = total

    def draw(self, rng: random.Random, k: int) -> list[str]:
        """Up to ``k`` distinct accounts (duplicates of a draw dropped)."""
        if not self.names or k <= 0:
            return []
        picks = {self.names[bisect.bisect_left(self.cum, rng.random() * self.total)]
                 for _ in range(k)}
        return sorted(picks)


def outlets(w: World, rng: random.Random, f: float) -> tuple[list[Article], dict[str, str]]:
    """Outlet accounts on X posting their articles; returns articles and outlet domains."""
    articles: list[Article] = []
    domains: dict[str, str] = {}
    for i in range(max(6, int(40 * f))):
        lang = pick_lang(rng)
        stem = rng.choice(STEMS)
        name = w.account(rng, "outlet", "x", f"{rng.choice(['the', 'my', 'la', ''])}{stem}"
                         f"{rng.choice(['', 'news', '24', 'online'])}{i}")
        domain = f"www.{stem}{rng.randint(1, 99)}{rng.choice(['', 'news', 'today'])}." \
                 f"{rng.choice(TLDS)}"
        domains[name] = domain
        per_day = rng.uniform(2, 5)
        for _ in range(int(per_day * w.days)):
            t = diurnal(rng, w.days)
            url = f"https://{domain}/{rng.choice(['politics', 'local', 'sport', 'world'])}/" \
                  f"{slug(rng)}-{rng.randint(1000, 99999)}"
            head = title(rng, lang)
            post = w.add("x", name, t, head, lang, "outlet", links=[url])
            articles.append(Article(post.t, url, head, lang, name,
                                    rng.lognormvariate(0.0, 1.3), post))
    articles.sort(key=lambda a: a.t)
    return articles, domains


def staff(w: World, rng: random.Random, articles: list[Article], f: float) -> None:
    """Each outlet's journalists share a third of its articles, minutes after it posts."""
    by_outlet: dict[str, list[Article]] = {}
    for a in articles:
        by_outlet.setdefault(a.outlet, []).append(a)
    for own in by_outlet.values():
        for _ in range(rng.randint(2, 4)):
            name = w.account(rng, "outlet_staff", "x")
            share = rng.uniform(0.2, 0.45)
            for a in own:
                if rng.random() < share:
                    w.add("x", name, a.t + delay(rng, 480, 0.9), rng.choice(
                        ["", "Must read: ", "Our story: ", "New: "]) + a.title, a.lang,
                        "outlet_staff", links=[url_variant(rng, a.url)])


def wire(w: World, rng: random.Random, f: float) -> None:
    """Agency copy republished word for word by independent outlets and sites."""
    republishers = []
    for i in range(max(5, int(25 * f))):
        platform = "web" if i % 5 < 2 else "x"
        name = w.account(rng, "wire_republisher", platform,
                         f"{rng.choice(STEMS).title()} {rng.choice(['Online', 'Regional', 'Now'])} {i}"
                         if platform == "web" else None)
        domain = f"www.{rng.choice(STEMS)}-{i}.{rng.choice(TLDS)}"
        republishers.append((name, platform, domain, rng.uniform(0.25, 0.55)))
    for _ in range(int(5 * w.days)):
        t0 = diurnal(rng, w.days)
        lang = rng.choice(["en", "en", "es", "fr", "de"])
        copy = title(rng, lang) + ". " + sentence(rng, lang, 18, 30)
        for name, platform, domain, p in republishers:
            if rng.random() < p:
                url = f"https://{domain}/wire/{slug(rng)}"
                tag = rng.choice(["", " (AP)", " (Reuters)", " — agencies"])
                w.add(platform, name, t0 + rng.uniform(60, 1200), copy + tag, lang,
                      "wire_republisher", links=[url])


def rss_bots(w: World, rng: random.Random, articles: list[Article], f: float) -> None:
    """Feed bots: every article of two to four outlets, within a polling interval."""
    outlet_names = sorted({a.outlet for a in articles})
    for i in range(max(3, int(20 * f))):
        platform = "x" if i % 5 < 3 else "mastodon"
        name = w.account(rng, "rss_bot", platform)
        feeds = set(rng.sample(outlet_names, rng.randint(2, 3)))
        poll = rng.choice([300, 600, 900])
        phase = rng.uniform(0, poll)
        for a in articles:
            if a.outlet in feeds:
                t = a.t + (phase - (a.t - T0) % poll) % poll + rng.uniform(2, 40)
                w.add(platform, name, t, a.title, a.lang, "rss_bot",
                      links=[url_variant(rng, a.url, "rss")])


def digests(w: World, rng: random.Random, articles: list[Article], f: float) -> None:
    """Daily digest bots: the day's most shared links at one fixed local hour."""
    bots = [(w.account(rng, "digest_bot", "x"), rng.choice([6, 7, 7, 8]))
            for _ in range(max(2, int(6 * f)))]
    for day in range(w.days):
        lo = bisect.bisect_left([a.t for a in articles], T0 + (day - 1) * DAY)
        hi = bisect.bisect_left([a.t for a in articles], T0 + day * DAY)
        top = sorted(articles[lo:hi], key=lambda a: -a.weight)[:3]
        if not top:
            continue
        for name, hour in bots:
            w.add("x", name, T0 + day * DAY + hour * 3600 + rng.uniform(0, 20),
                  "Top stories of the day", "en", "digest_bot",
                  links=[url_variant(rng, a.url, "digest") for a in top])


def shares(w: World, rng: random.Random, articles: list[Article], pool: Pool,
           heavy: list[str], mastodon: Pool) -> None:
    """Ordinary people share articles hours later; heavy users share the popular ones fast."""
    for a in articles:
        n = int(a.weight * 1.0)
        for name in pool.draw(rng, n):
            w.add("x", name, a.t + delay(rng, 5400, 1.2), sentence(rng, a.lang, 3, 9),
                  a.lang, w.types[name], links=[url_variant(rng, a.url)])
        for name in mastodon.draw(rng, int(a.weight * 0.4)):
            w.add("mastodon", name, a.t + delay(rng, 7200, 1.2), sentence(rng, a.lang, 3, 9),
                  a.lang, w.types[name], links=[url_variant(rng, a.url, "mastodon")])
        if a.weight > 1.5:
            for name in heavy:
                if rng.random() < 0.12:
                    w.add("x", name, a.t + delay(rng, 900, 1.0), a.title, a.lang, "heavy_user",
                          links=[url_variant(rng, a.url)])


def evergreen(w: World, rng: random.Random, pool: Pool, f: float) -> None:
    """Popular links (a video, a petition, a wiki page) shared at random times by anyone."""
    for i in range(max(10, int(50 * f))):
        url = f"https://{rng.choice(['www.youtube.com/watch?v=', 'en.wikipedia.org/wiki/'])}" \
              f"{slug(rng)}{i}"
        for name in pool.draw(rng, int(rng.lognormvariate(2.0, 0.9) * f) + 2):
            lang = rng.choice(["en", "es", "de"])
            w.add("x", name, diurnal(rng, w.days), sentence(rng, lang, 2, 8), lang,
                  w.types[name], links=[url])


def breaking(w: World, rng: random.Random, articles: list[Article], pool: Pool,
             mastodon: Pool, f: float) -> list[Article]:
    """Breaking news: dozens of unrelated accounts post one link within minutes."""
    firsts: list[Article] = []
    for a in rng.sample(articles, min(len(articles), max(3, int(10 * w.days / 14)))):
        tag = rng.choice(["breaking", "earthquake", "explosion", "live", "eilmeldung"])
        firsts.append(a)
        for name in pool.draw(rng, int(rng.uniform(50, 150) * max(f, 0.3))):
            w.add("x", name, a.t + delay(rng, 240, 0.8), sentence(rng, a.lang, 2, 6),
                  a.lang, w.types[name], links=[url_variant(rng, a.url)],
                  hashtags=[tag, EVERYDAY_TAG[a.lang]])
        for name in mastodon.draw(rng, int(20 * max(f, 0.3))):
            w.add("mastodon", name, a.t + delay(rng, 420, 0.8), sentence(rng, a.lang, 2, 6),
                  a.lang, w.types[name], links=[url_variant(rng, a.url, "mastodon")],
                  hashtags=[tag])
    return firsts
