"""Held-out judge 8: the world's accounts, posts and links, and the ordinary background.

Why one neutral post model: every platform's export (X pages, Telegram chats, Reddit
dumps, ...) is written from the same list of ``Act`` records, so the truth (who did
what when) is known exactly and each writer only has to add its format's hazards.

Why the background is most of the world: real corpora are dominated by accounts that
post on their own rhythm (diurnal, in their own time zone), share popular links from
a long-tailed pool, use popular hashtags and repost popular accounts hours later. A
method that mistakes popularity for coordination fails here before any planted group
is looked at.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime

from heldout8_text import LANG_WEIGHTS, LANGS, sentence

START = datetime(2026, 3, 2, tzinfo=UTC).timestamp()
PLATFORMS = ("x", "mastodon", "reddit", "telegram", "youtube", "facebook", "web")
# local UTC offset (hours) of each language's posters, for the daily rhythm
UTC_OFFSET = {"en": -5.0, "es": 1.0, "de": 1.0, "fr": 1.0, "ru": 3.0, "uk": 2.0, "ar": 3.0,
              "hi": 5.5, "el": 2.0}
HOUR_WEIGHT = (1, 0.6, 0.4, 0.3, 0.3, 0.5, 1, 2, 3, 3.5, 3.5, 3.5, 4, 3.5, 3, 3, 3.2, 3.6,
               4, 4.4, 4.6, 4, 3, 2)
DOMAINS = ("dailyherald-news.com", "metro-times.co.uk", "el-diario24.es", "tagesblick.de",
           "lemonde-libre.fr", "novosti-dnya.ru", "pravda-tyzhnia.com.ua", "akhbar-alyawm.net",
           "samachar-today.in", "kathimerini-nea.gr", "techcrunchy.io", "medium.com",
           "substack.com", "wikipedia.org", "github.com", "nytimes.com", "bbc.co.uk",
           "reuters.com", "apnews.com", "theguardian.com", "spiegel.de", "elpais.com",
           "aljazeera.net", "ndtv.com", "rt.com", "rbc.ru", "pravda.com.ua", "lefigaro.fr",
           "ekathimerini.com", "cnn.com", "foxnews.com", "bloomberg.com", "ft.com",
           "weather-alerts.gov", "sportsdaily.net", "fanzone-live.com", "shopdeals.co",
           "marketingprofs-blog.com", "growthhacks.io", "recipes-home.net")
SYLL = ("ka", "lo", "mi", "ra", "ne", "to", "vi", "sa", "do", "re", "ja", "ku", "zo", "pe",
        "an", "el", "is", "or", "ul", "ba", "chi", "ri", "na", "mo", "te", "li", "fa", "go")
INSTANCES = ("mastodon.social", "mstdn.social", "chaos.social", "mastodon.online",
             "det.social", "mamot.fr", "masto.es", "fosstodon.org")


@dataclass
class Act:
    """One post as it happened (the truth; writers turn it into export records)."""

    platform: str
    pid: str
    author: str
    t: float
    text: str
    lang: str
    relation: str = "original"  # original, repost, reply, quote, forward
    parent: str | None = None
    parent_author: str | None = None
    links: list[tuple[str, str | None]] = field(default_factory=list)  # (as posted, expanded)
    hashtags: list[str] = field(default_factory=list)
    channel: str | None = None
    title: str | None = None
    stream: str = "background"  # which generator made it (planted acts: "planted")


@dataclass
class Account:
    handle: str
    platform: str
    lang: str
    role: str = "background"
    rate: float = 1.0  # posts per day


class World:
    """Accounts, acts and the link pool of one seed's world."""

    def __init__(self, seed: int, days: int, scale: float) -> None:
        self.seed, self.days, self.scale = seed, days, scale
        self.end = START + days * 86400
        self.accounts: dict[str, Account] = {}
        self.acts: list[Act] = []
        self.by_id: dict[str, Act] = {}
        self._counter = 0
        self._names: set[str] = set()
        self.groups: list[dict[str, object]] = []

    def rng(self, part: str) -> random.Random:
        """An independent random stream per component, so the control world (no planted
        groups) has exactly the same innocents and background."""
        return random.Random(f"{self.seed}:{part}")

    # --- accounts -------------------------------------------------------------------
    def handle(self, rng: random.Random, platform: str, style: str = "") -> str:
        while True:
            base = "".join(rng.choice(SYLL) for _ in range(rng.randint(2, 4)))
            if platform == "x":
                name = base + rng.choice(("", "_", "")) + (str(rng.randint(1, 9999))
                                                           if rng.random() < 0.5 else "")
            elif platform == "mastodon":
                name = base + ("@" + rng.choice(INSTANCES) if rng.random() < 0.8 else "")
            elif platform == "reddit":
                name = base.capitalize() + rng.choice(("_", "-", "")) + str(rng.randint(1, 999))
            elif platform == "telegram":
                name = base.capitalize() + " " + (style or rng.choice(("News", "Daily", "Info",
                                                                       "Live", "Today")))
            elif platform == "youtube":
                name = "@" + base.capitalize() + str(rng.randint(1, 99))
            elif platform == "facebook":
                name = base.capitalize() + rng.choice(("Page", "Official", "Community", "Hub"))
            else:  # web: a site's domain is its source
                name = base + rng.choice(("-news", "-post", "-times", "24", "-daily")) + \
                    rng.choice((".com", ".net", ".org", ".info"))
            if name.lower() not in self._names:
                self._names.add(name.lower())
                return name

    def add_account(self, rng: random.Random, platform: str, role: str = "background",
                    lang: str | None = None, handle: str | None = None,
                    rate: float | None = None) -> str:
        handle = handle or self.handle(rng, platform)
        self._names.add(handle.lower())
        lang = lang or rng.choices(LANGS, LANG_WEIGHTS)[0]
        rate = rate if rate is not None else min(30.0, rng.lognormvariate(-0.4, 1.0))
        self.accounts[handle] = Account(handle, platform, lang, role, rate)
        return handle

    def recruit(self, rng: random.Random, platform: str, n: int, role: str,
                lang: str | None = None) -> list[str]:
        """``n`` background accounts of ``platform`` (of ``lang`` when given) take ``role``;
        the pool is extended with new accounts when it runs short."""
        pool = [a.handle for a in self.accounts.values() if a.platform == platform
                and a.role == "background" and (lang is None or a.lang == lang)]
        rng.shuffle(pool)
        chosen = pool[:n]
        while len(chosen) < n:
            chosen.append(self.add_account(rng, platform, lang=lang))
        for h in chosen:
            self.accounts[h].role = role
        return chosen

    # --- posts ----------------------------------------------------------------------
    def post(self, platform: str, author: str, t: float, text: str, lang: str, *,
             stream: str, relation: str = "original", parent: str | None = None,
             links: list[tuple[str, str | None]] | None = None,
             hashtags: list[str] | None = None, channel: str | None = None,
             title: str | None = None) -> Act:
        self._counter += 1
        pid = f"{platform[:2]}{self._counter:07d}"
        parent_act = self.by_id.get(parent) if parent else None
        act = Act(platform, pid, author, t, text, lang, relation, parent,
                  parent_act.author if parent_act else None, links or [], hashtags or [],
                  channel, title, stream)
        self.acts.append(act)
        self.by_id[pid] = act
        return act

    def when(self, rng: random.Random, lang: str, day: int | None = None) -> float:
        """A posting time that follows the daily rhythm of ``lang``'s time zone."""
        day = rng.randrange(self.days) if day is None else day
        hour = rng.choices(range(24), HOUR_WEIGHT)[0]
        t = START + day * 86400 + (hour - UTC_OFFSET[lang]) * 3600 + rng.random() * 3600
        return min(max(t, START), self.end - 1)


def canonical_url(rng: random.Random, domain: str | None = None) -> str:
    domain = domain or rng.choice(DOMAINS)
    section = rng.choice(("news", "world", "politics", "sport", "tech", "opinion", "2026/03"))
    slug = "-".join(rng.choice(SYLL) + rng.choice(SYLL) for _ in range(rng.randint(2, 5)))
    return f"https://www.{domain}/{section}/{slug}-{rng.randint(10000, 99999)}"


def url_variant(rng: random.Random, url: str, p: float = 0.5) -> tuple[str, str | None]:
    """``url`` as someone actually posts it: tracking parameters, mobile or bare host,
    trailing slash, http, or a short link (expanded by the platform, or not)."""
    if rng.random() > p:
        return url, url
    edit = rng.randrange(8)
    if edit == 0:
        posted = url + f"?utm_source={rng.choice(('twitter', 'facebook', 'tg'))}&utm_medium=social"
    elif edit == 1:
        posted = url + "?fbclid=IwAR" + "".join(rng.choice("abcdefXYZ0123456789")
                                                for _ in range(20))
    elif edit == 2:
        posted = url.replace("://www.", "://m.")
    elif edit == 3:
        posted = url.replace("://www.", "://")
    elif edit == 4:
        posted = url + "/"
    elif edit == 5:
        posted = url.replace("https://", "http://")
    else:  # a short link; a third of them are never expanded by the export
        short = "https://bit.ly/" + "".join(rng.choice("abcdefghijkLMNOPQ0123456789")
                                            for _ in range(7))
        return short, (None if rng.random() < 0.33 else url)
    return posted, posted


def background(world: World, n_accounts: dict[str, int]) -> None:
    """Ordinary accounts posting on their own: texts, popular links, hashtags, reposts
    and replies to whatever is popular, hours later."""
    rng = world.rng("background")
    for platform, n in n_accounts.items():
        for _ in range(n):
            world.add_account(rng, platform)
    links = [canonical_url(rng) for _ in range(int(2500 * world.scale) + 200)]
    tags = {lang: [f"{lang}{w}" for w in ("news", "politics", "today", "life", "sport",
                                          "music", "food", "travel", "tech", "weekend")]
            for lang in LANGS}
    subreddits = ["worldnews", "europe", "de", "france", "spain", "india", "greece", "ukraine",
                  "AskReddit", "technology", "soccer", "news"]
    videos = [f"vid{rng.randrange(10**9):09d}" for _ in range(int(300 * world.scale) + 20)]
    for acc in list(world.accounts.values()):
        for _ in range(_poisson(rng, acc.rate * world.days)):
            _background_post(world, rng, acc, links, tags, subreddits, videos)


def _poisson(rng: random.Random, lam: float) -> int:
    if lam > 50:
        return max(0, int(rng.gauss(lam, math.sqrt(lam))))
    k, p, limit = 0, 1.0, math.exp(-lam)
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def _zipf(rng: random.Random, items: list[str], s: float = 1.1) -> str:
    i = min(len(items) - 1, int(rng.paretovariate(s)) - 1)
    return items[i]


def _background_post(world: World, rng: random.Random, acc: Account, links: list[str],
                     tags: dict[str, list[str]], subreddits: list[str],
                     videos: list[str]) -> None:
    t = world.when(rng, acc.lang)
    text = sentence(rng, acc.lang)
    hashtags = []
    if rng.random() < 0.2 and acc.platform in ("x", "mastodon", "telegram", "facebook"):
        hashtags = [_zipf(rng, tags[acc.lang])]
        text += " #" + hashtags[0]
    posted = [url_variant(rng, _zipf(rng, links, 0.7))] if rng.random() < 0.25 else []
    earlier = [a for a in world.acts[-400:] if a.platform == acc.platform and a.t < t
               and a.relation == "original" and a.author != acc.handle]
    if acc.platform == "youtube":
        world.post("youtube", acc.handle, t, text, acc.lang, stream="background",
                   relation="reply", parent=rng.choice(videos), channel=None)
        return
    if acc.platform == "reddit":
        if earlier and rng.random() < 0.6:
            par = rng.choice(earlier)
            world.post("reddit", acc.handle, t, text, acc.lang, stream="background",
                       relation="reply", parent=par.pid, channel=par.channel)
        else:
            world.post("reddit", acc.handle, t, text, acc.lang, stream="background",
                       links=posted, channel=rng.choice(subreddits),
                       title=sentence(rng, acc.lang, (4, 9)))
        return
    roll = rng.random()
    if acc.platform in ("x", "mastodon") and earlier and roll < 0.2:
        world.post(acc.platform, acc.handle, t, "", acc.lang, stream="background",
                   relation="repost", parent=rng.choice(earlier).pid)
    elif acc.platform in ("x", "mastodon") and earlier and roll < 0.33:
        world.post(acc.platform, acc.handle, t, text, acc.lang, stream="background",
                   relation="reply", parent=rng.choice(earlier).pid)
    else:
        title = sentence(rng, acc.lang, (5, 10)) if acc.platform == "web" else None
        world.post(acc.platform, acc.handle, t, text, acc.lang, stream="background",
                   links=posted if acc.platform != "web" else [], hashtags=hashtags,
                   title=title)
