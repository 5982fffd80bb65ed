"""The world of the fifth held-out coordination generator: accounts, posts, planted groups.

Behaviour only; file formats are in ``heldout5_formats.py``, words in ``heldout5_text.py``.
Two random streams: the background (every innocent behaviour and every account, planted
members included, with their ordinary camouflage activity) and the plant (the planted
campaigns). The control world is the same background without the plant stream, so the two
worlds differ only by the planted actions. See ``coordination_heldout5.py`` for why each
hazard is here.
"""

from __future__ import annotations

import bisect
import math
import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from heldout5_text import (
    GOAL,
    LEXICON,
    SHORTENERS,
    near_copy,
    sentence,
    slug,
    split_words,
    token,
    url_variant,
    words,
)

START = 1_772_409_600  # 2026-03-02 00:00:00 UTC
DAY = 86_400
PLATFORMS = ("mastodon", "reddit", "facebook", "telegram")


@dataclass(eq=False)
class Post:
    """One post as the platform holds it (before any export format)."""

    platform: str
    author: str  # the name propscope takes as source (a Telegram channel: the chat's name)
    ts: float  # true UTC epoch seconds
    text: str
    lang: str
    links: list[str] = field(default_factory=list)  # as written in this share
    hashtags: list[str] = field(default_factory=list)  # as written (case kept)
    relation: str = "original"  # original / repost / reply / forward
    parent: Post | None = None
    chat: str | None = None  # Telegram chat or subreddit
    short: dict[str, str] = field(default_factory=dict)  # short link -> expansion (CT)
    title: str | None = None  # Reddit submission title
    group: str | None = None  # the planted group this post acts for
    post_id: str = ""  # given by ``finalize``


@dataclass
class Account:
    """An account: its source name, platform, innocent type (or planted) and habits."""

    handle: str
    platform: str
    kind: str
    lang: str
    tz: int  # hours from UTC of the person's day
    rate: float  # ordinary posts per day
    audience: float  # how often others boost / reply to it
    chat: str | None = None  # Telegram supergroup members: the group's chat name
    groups: list[str] = field(default_factory=list)
    habit: str = ""  # employer, star, friend circle or bot schedule


@dataclass
class Group:
    """A planted coordinated group and what it plants."""

    name: str
    kind: str  # the co-action kind it is built on (propscope's kind names)
    timing: str  # seconds / minutes / hour
    members: list[str]
    platforms: tuple[str, ...]
    lang: str
    items: int
    participation: float


@dataclass
class Article:
    """An outlet's article: the link everyone shares in some form."""

    outlet: str
    url: str
    ts: float
    lang: str
    headline: str
    weight: float


@dataclass
class World:
    """Everything generated: accounts by handle, posts, planted groups, event counts."""

    accounts: dict[str, Account]
    posts: list[Post]
    groups: list[Group]
    days: int
    events: dict[str, int]


SIZES: dict[str, dict[str, float]] = {
    "tiny": {"days": 2, "scale": 0.06, "group_scale": 0.25},
    "small": {"days": 5, "scale": 0.3, "group_scale": 0.6},
    "full": {"days": 14, "scale": 1.0, "group_scale": 1.0},
}
OUTLETS = [  # domain, language, platform of its official account
    ("www.dailyherald-news.com", "en", "facebook"), ("www.tagesblick.de", "de", "mastodon"),
    ("www.novosti-dnya.ru", "ru", "telegram"), ("www.elcorreo-sur.es", "es", "facebook"),
    ("www.alwasat-news.net", "ar", "facebook"), ("www.lemonde-express.fr", "fr", "mastodon"),
    ("www.jornal-hoje.com.br", "pt", "facebook"), ("www.gazeta24.pl", "pl", "mastodon"),
    ("www.vesti-kyiv.ua", "uk", "telegram"), ("www.metro-times.co.uk", "en", "mastodon"),
    ("www.nordkurier-online.de", "de", "telegram"), ("www.cityledger.com", "en", "reddit"),
]
EVERGREEN = ["https://www.youtube.com/watch?v=dQw4w9WgXcQ", "https://petitions.example.org/p/12045",
             "https://en.wikipedia.org/wiki/Inflation", "https://www.gov.example/benefits/apply",
             "https://open.spotify.com/track/4uLU6hMCjMI75M1A2tKUQC",
             "https://www.youtube.com/watch?v=9bZkp7q19f8"]
SUBREDDITS = ["worldnews", "europe", "news", "politics_talk", "de", "france", "brasil",
              "futbol", "localcity", "energy", "askeurope"]
SERVERS = ["mastodon.social", "chaos.social", "mstdn.jp", "fosstodon.org", "mastodon.online",
           "troet.cafe", "piaille.fr", "botsin.space"]
LANG_TZ = {"en": 0, "de": 1, "fr": 1, "es": 1, "pt": -3, "ru": 3, "uk": 2, "ar": 3, "pl": 1}
NAME_PARTS = split_words(
    "sun moon river stone fox wolf red blue green north south old new true free quiet wild small "
    "big lucky happy grey iron silver gold maple cedar")
CYR_TITLES = split_words(
    "Новости Утро Правда Взгляд Город Край Эхо Вести Сводка Голос Мир Факты Канал Події Новини "
    "Київ Район Огляд")


def _handle(rng: random.Random, used: set[str], platform: str) -> str:
    """A fresh, platform-styled account name (unique in the world)."""
    while True:
        a, b = rng.choice(NAME_PARTS), rng.choice(NAME_PARTS)
        n = rng.randint(1, 9999)
        if platform == "reddit":
            name = f"{a.capitalize()}_{b.capitalize()}{n}"
        elif platform == "facebook":
            name = f"{a.capitalize()}{b.capitalize()}Page{n % 100}"
        elif platform == "telegram":
            name = f"{a}{b}{n}"
        else:
            name = f"{a}_{b}{n % 1000}"
            if rng.random() < 0.45:
                name += "@" + rng.choice(SERVERS)
        if name not in used:
            used.add(name)
            return name


def _channel_title(rng: random.Random, used: set[str]) -> str:
    """A Telegram channel title (its source name): Cyrillic words and a number."""
    while True:
        name = f"{rng.choice(CYR_TITLES)} {rng.choice(CYR_TITLES)} {rng.randint(1, 99)}"
        if name not in used:
            used.add(name)
            return name


def _diurnal_ts(rng: random.Random, days: int, tz: int) -> float:
    """A time in the person's waking day (07:00-24:00 local, evening heavier), as UTC."""
    day = rng.randrange(days)
    hour = min(23.99, 7 + 17 * math.sqrt(rng.random()))
    return START + day * DAY + (hour - tz) * 3600 + rng.random() * 60


class _Builder:
    """Builds one world; one method per behaviour, each linear in what it makes."""

    def __init__(self, seed: int, size: str) -> None:
        spec = SIZES[size]
        self.days = int(spec["days"])
        self.scale = spec["scale"]
        self.group_scale = spec["group_scale"]
        self.rng = random.Random(seed)
        self.used: set[str] = set()
        self.accounts: dict[str, Account] = {}
        self.posts: list[Post] = []
        self.articles: list[Article] = []
        self.article_ts: list[float] = []
        self.events: dict[str, int] = {}
        self.end = START + self.days * DAY

    # ---- accounts ---------------------------------------------------------------------
    def n(self, full: int, low: int = 1) -> int:
        return max(low, round(full * self.scale))

    def account(self, platform: str, kind: str, lang: str | None = None, *,
                rate: float | None = None, handle: str | None = None,
                chat: str | None = None) -> Account:
        rng = self.rng
        lang = lang or rng.choice(list(LEXICON))
        name = handle or (_channel_title(rng, self.used) if platform == "telegram" and chat is None
                          else _handle(rng, self.used, platform))
        acc = Account(name, platform, kind, lang, LANG_TZ[lang] + rng.choice([0, 0, 0, -1, 1]),
                      rate if rate is not None else rng.lognormvariate(-1.1, 0.8),
                      rng.paretovariate(1.6), chat)
        self.accounts[name] = acc
        return acc

    def of_kind(self, *kinds: str, platform: str | None = None) -> list[Account]:
        return [a for a in self.accounts.values()
                if a.kind in kinds and (platform is None or a.platform == platform)]

    # ---- posts ------------------------------------------------------------------------
    def post(self, acc: Account, ts: float, text: str, **kw: Any) -> Post | None:
        if not START <= ts < self.end:
            return None
        chat = kw.pop("chat", None) or acc.chat
        p = Post(acc.platform, acc.handle, ts, text, acc.lang, chat=chat, **kw)
        self.posts.append(p)
        return p

    def share_link(self, acc: Account, ts: float, url: str, text: str, *,
                   hashtags: list[str] | None = None, group: str | None = None,
                   p_short: float = 0.08) -> Post | None:
        """A post sharing ``url`` in the form this platform and person would write it."""
        rng = self.rng
        written = url_variant(rng, url)
        short: dict[str, str] = {}
        if rng.random() < p_short:
            code = f"https://{rng.choice(SHORTENERS)}/{token(rng, 7)}"
            if acc.platform == "facebook":
                short[code] = written  # CrowdTangle's Final Link gives the expansion
            written = code
        tags = hashtags or []
        body = text + " " + written + "".join(f" #{t}" for t in tags)
        if acc.platform == "reddit" and rng.random() < 0.5:
            return self.post(acc, ts, text, links=[written], hashtags=tags, short=short,
                             title=text, group=group, chat=rng.choice(SUBREDDITS))
        return self.post(acc, ts, body, links=[written], hashtags=tags, short=short,
                         group=group, chat=rng.choice(SUBREDDITS) if acc.platform == "reddit"
                         else None)

    # ---- the background ---------------------------------------------------------------
    def build_accounts(self) -> None:
        rng = self.rng
        for platform, full in (("mastodon", 800), ("reddit", 600), ("facebook", 300)):
            for _ in range(self.n(full, 8)):
                self.account(platform, "ordinary")
        self.supergroup = "Народный чат Города"
        self.used.add(self.supergroup)
        for _ in range(self.n(150, 6)):
            self.account("telegram", "chat_member", rng.choice(["ru", "uk", "ru"]),
                         chat=self.supergroup)
        for _ in range(self.n(40, 3)):
            self.account("telegram", "news_channel", rng.choice(["ru", "uk"]), rate=3.0)
        for _ in range(max(2, self.n(3))):
            self.account("telegram", "big_channel", "ru", rate=14.0)
        for domain, lang, platform in OUTLETS:
            name = domain.removeprefix("www.").split(".")[0]
            outlet = self.account(platform, "outlet", lang, rate=0.0,
                                  handle=name if platform != "telegram" else name.upper())
            for _ in range(rng.randint(2, 4) if self.scale > 0.2 else 1):
                staff = self.account("mastodon", "outlet_staff", lang)
                staff.habit = outlet.handle  # remembers the employer
        for i in range(self.n(8, 3)):
            self.account(("mastodon", "telegram", "reddit")[i % 3], "aggregator_bot",
                         rng.choice(["en", "de", "ru", "es"]), rate=0.0)
        for _ in range(2):
            star = self.account("mastodon", "star", rng.choice(["en", "es"]), rate=4.0)
            star.audience = 50.0
            for _ in range(self.n(60, 5)):
                self.account("mastodon", "fan", star.lang).habit = star.handle
        for c in range(self.n(12, 2)):
            platform = "mastodon" if c % 2 else "reddit"
            lang = rng.choice(["en", "de", "fr", "es"])
            for _ in range(5):
                self.account(platform, "friend_circle", lang).habit = f"circle{c}"
        for bot_kind, platform, lang in (("scheduled_bot_crypto", "mastodon", "en"),
                                         ("scheduled_bot_crypto", "telegram", "ru"),
                                         ("scheduled_bot_crypto", "mastodon", "en"),
                                         ("scheduled_bot_weather", "telegram", "ru"),
                                         ("scheduled_bot_weather", "mastodon", "de"),
                                         ("scheduled_bot_prayer", "facebook", "ar")):
            self.account(platform, bot_kind.rsplit("_", 1)[0], lang, rate=0.0).habit = bot_kind
        for _ in range(self.n(250, 10)):
            self.account("reddit", "live_commenter", rng.choice(["es", "pt", "en"]), rate=0.3)
        for _ in range(self.n(6, 2)):
            self.account("mastodon", "amplified_target", rng.choice(["en", "de"]), rate=1.5)
        for _ in range(self.n(4, 2)):
            self.account("reddit", "harassed_critic", "en", rate=1.5)
        self.twins: list[Account] = []  # the same handle as a Reddit user and a Facebook page
        for acc in self.of_kind("ordinary", platform="reddit")[:3]:
            twin = Account(acc.handle, "facebook", "ordinary", acc.lang, acc.tz, acc.rate,
                           acc.audience)
            self.twins.append(twin)

    def build_articles(self) -> None:
        rng = self.rng
        for domain, lang, _ in OUTLETS:
            per_day = rng.randint(4, 12)
            for _ in range(int(per_day * self.days)):
                ts = START + rng.random() * self.days * DAY
                self.articles.append(self.article(domain, lang, ts))
        self.articles.sort(key=lambda a: a.ts)
        self.article_ts = [a.ts for a in self.articles]

    def article(self, domain: str, lang: str, ts: float, weight: float | None = None) -> Article:
        rng = self.rng
        day = (int(ts) - START) // DAY + 2
        section = rng.choice(["politik", "world", "economy", "local", "sport", "opinion"])
        number = rng.randint(10**5, 10**6)
        url = f"https://{domain}/{section}/2026/03/{day:02d}/{slug(rng)}-{number}.html"
        return Article(domain, url, ts, lang, sentence(self.rng, lang, 6, 12).rstrip(".!?… "),
                       weight if weight is not None else rng.paretovariate(1.3))

    def recent_article(self, ts: float, lang: str | None = None) -> Article | None:
        """A popular article published in the 36 hours before ``ts`` (any language, or
        the person's own two times in three)."""
        rng = self.rng
        hi = bisect.bisect_left(self.article_ts, ts)
        lo = bisect.bisect_left(self.article_ts, ts - 36 * 3600)
        if hi <= lo:
            return None
        cands = [self.articles[rng.randrange(lo, hi)] for _ in range(12)]
        if lang and rng.random() < 0.66:
            cands = [a for a in cands if a.lang == lang] or cands
        weights = [a.weight * math.exp(-(ts - a.ts) / 28_800) for a in cands]
        return rng.choices(cands, weights)[0]

    def hashtags_for(self, lang: str, ts: float) -> list[str]:
        """0-2 topical hashtags, the day's trending one (case varies) a quarter of the time."""
        rng = self.rng
        tags = []
        if rng.random() < 0.25:
            day = (int(ts) - START) // DAY
            tag = self.trending[lang][day % len(self.trending[lang])]
            tags.append(tag if rng.random() < 0.7 else tag.lower())
        while rng.random() < 0.3 and len(tags) < 3:
            tags.append(rng.choice(self.tag_pool[lang][:10] if rng.random() < 0.6
                                   else self.tag_pool[lang]))
        return tags

    def build_tags(self) -> None:
        rng = self.rng
        self.tag_pool = {lang: [w.capitalize() + rng.choice(["", "", "2026", "Now", "Watch"])
                                for w in rng.sample(lex, 20)] for lang, lex in LEXICON.items()}
        self.trending = {lang: [rng.choice(lex).capitalize() +
                                rng.choice(["Gate", "Crisis", "2026"]) for _ in range(self.days)]
                         for lang, lex in LEXICON.items()}

    def ordinary_activity(self) -> None:
        """Every account's everyday posts: opinions, article shares, evergreen links,
        hashtags; Telegram channels their own items; replies and boosts come later."""
        rng = self.rng
        for acc in list(self.accounts.values()) + self.twins:
            if acc.rate <= 0 or acc.kind in ("big_channel", "news_channel", "live_commenter"):
                continue
            for _ in range(_poisson(rng, acc.rate * self.days)):
                ts = _diurnal_ts(rng, self.days, acc.tz)
                self.everyday_post(acc, ts)
        for acc in self.of_kind("news_channel", "big_channel"):
            for _ in range(_poisson(rng, acc.rate * self.days)):
                ts = _diurnal_ts(rng, self.days, acc.tz)
                art = self.recent_article(ts, acc.lang)
                if art and rng.random() < 0.5:
                    self.share_link(acc, ts, art.url, art.headline)
                else:
                    self.post(acc, ts, sentence(rng, acc.lang, 12, 40))

    def everyday_post(self, acc: Account, ts: float) -> None:
        rng = self.rng
        roll = rng.random()
        tags = self.hashtags_for(acc.lang, ts)
        if roll < 0.35:
            art = self.recent_article(ts, acc.lang)
            if art:
                text = sentence(rng, acc.lang, 3, 14) if rng.random() < 0.7 else art.headline
                self.share_link(acc, ts + rng.expovariate(1 / 600), art.url, text, hashtags=tags)
                return
        if roll < 0.43:
            self.share_link(acc, ts, rng.choice(EVERGREEN), sentence(rng, acc.lang, 2, 10),
                            hashtags=tags)
            return
        text = sentence(rng, acc.lang) + "".join(f" #{t}" for t in tags)
        self.post(acc, ts, text, hashtags=tags,
                  title=text[:80] if acc.platform == "reddit" else None,
                  chat=rng.choice(SUBREDDITS) if acc.platform == "reddit" else None)

    def interactions(self) -> None:
        """Replies and boosts of ordinary people, to popular authors more often."""
        rng = self.rng
        for platform, share in (("mastodon", 0.35), ("reddit", 0.8), ("telegram", 0.15)):
            originals = [p for p in self.posts if p.platform == platform and p.relation ==
                         "original" and (platform != "telegram" or p.chat == self.supergroup)]
            if not originals:
                continue
            cum = list(_cumulative(self.accounts[p.author].audience for p in originals))
            people = [a for a in self.accounts.values() if a.platform == platform and a.kind in
                      ("ordinary", "chat_member", "outlet_staff", "friend_circle")
                      and (platform != "telegram" or a.chat == self.supergroup)]
            total = int(len(originals) * share)
            for parent in rng.choices(originals, cum_weights=cum, k=total):
                acc = rng.choice(people)
                if acc.handle == parent.author:
                    continue
                ts = parent.ts + rng.lognormvariate(math.log(1800), 1.5)
                if platform == "mastodon" and rng.random() < 0.5:
                    self.repost(acc, parent, ts)
                else:
                    self.post(acc, ts, sentence(rng, acc.lang, 3, 20), relation="reply",
                              parent=parent, chat=parent.chat)

    def repost(self, acc: Account, parent: Post, ts: float, group: str | None = None) -> None:
        self.post(acc, ts, parent.text, relation="repost", parent=parent, links=parent.links,
                  hashtags=parent.hashtags, group=group)

    def forward(self, acc: Account, parent: Post, ts: float, group: str | None = None) -> None:
        self.post(acc, ts, parent.text, relation="forward", parent=parent, links=parent.links,
                  hashtags=parent.hashtags, group=group)

    def telegram_forwards(self) -> None:
        """News channels forward the big channels' posts, a viral one by many within an hour."""
        rng = self.rng
        news = self.of_kind("news_channel")
        for parent in [p for p in self.posts if self.accounts[p.author].kind == "big_channel"]:
            virality = rng.paretovariate(1.2) * 0.04
            for acc in news:
                if rng.random() < min(0.7, virality):
                    self.forward(acc, parent, parent.ts + rng.lognormvariate(math.log(1500), 1.2))

    def outlets_and_staff(self) -> None:
        """Each outlet posts most of its articles minutes after publication; its staff
        re-share many of them with their own words."""
        rng = self.rng
        by_domain = {}
        for domain, _, _ in OUTLETS:
            by_domain[domain.removeprefix("www.").split(".")[0]] = domain
        outlets = {a.handle.lower(): a for a in self.of_kind("outlet")}
        staff = self.of_kind("outlet_staff")
        for art in self.articles:
            key = art.outlet.removeprefix("www.").split(".")[0]
            outlet = outlets[key]
            if rng.random() < 0.7:
                self.share_link(outlet, art.ts + rng.uniform(30, 600), art.url, art.headline,
                                p_short=0.3)
            for person in staff:
                if person.habit == outlet.handle and rng.random() < 0.35:
                    self.share_link(person, art.ts + rng.lognormvariate(math.log(1500), 1.0),
                                    art.url, sentence(rng, art.lang, 3, 12))

    def aggregators(self) -> None:
        """RSS bots: each polls a few outlets every 5-30 minutes and posts every new item
        (the headline and the link, sometimes with ``utm_source=rss``) seconds apart."""
        rng = self.rng
        domains = [d for d, _, _ in OUTLETS]
        for bot in self.of_kind("aggregator_bot"):
            followed = set(rng.sample(domains[:4], 2) + rng.sample(domains, rng.randint(0, 2)))
            period = rng.choice([300, 600, 900, 1800])
            phase = rng.uniform(0, period)
            tag = rng.random() < 0.5
            for art in self.articles:
                if art.outlet not in followed:
                    continue
                poll = phase + math.ceil((art.ts - START - phase) / period) * period + START
                ts = poll + rng.uniform(1, 25)
                url = art.url + ("?utm_source=rss&utm_medium=feed" if tag else "")
                body = f"{art.headline} {url}"
                self.post(bot, ts, body, links=[url],
                          chat="newsfeed_bot" if bot.platform == "reddit" else None,
                          title=art.headline if bot.platform == "reddit" else None)
        self.events["aggregator_bots"] = len(self.of_kind("aggregator_bot"))

    def breaking_bursts(self) -> None:
        """Breaking news: dozens to hundreds of strangers share one new link within
        minutes, many pasting the headline (small edits) and the breaking hashtag."""
        rng = self.rng
        crowd = [a for a in self.accounts.values() if a.kind in ("ordinary", "chat_member")
                 or a.kind.startswith("planted")]
        n_events = max(2, round(8 * self.days / 14))
        for _ in range(n_events):
            domain, lang, _ = rng.choice(OUTLETS)
            ts0 = START + rng.uniform(0.05, 0.95) * self.days * DAY
            art = self.article(domain, lang, ts0, weight=30.0)
            self.articles.append(art)
            size = min(len(crowd), rng.randint(40, 300) if self.scale > 0.5 else
                       rng.randint(10, 40))
            tag = rng.choice(["BREAKING", "Eilmeldung", "СРОЧНО", "ÚltimaHora", "عاجل"])
            for acc in rng.sample(crowd, size):
                delay = rng.expovariate(1 / 90) if rng.random() < 0.5 else rng.expovariate(1 / 900)
                text = near_copy(rng, art.headline, art.lang) if rng.random() < 0.5 else \
                    sentence(rng, acc.lang, 2, 8)
                tags = [tag] + self.hashtags_for(acc.lang, ts0)
                if acc.platform == "telegram" and acc.chat is None:
                    continue
                self.share_link(acc, ts0 + 20 + delay, art.url, text, hashtags=tags)
        self.articles.sort(key=lambda a: a.ts)
        self.article_ts = [a.ts for a in self.articles]
        self.events["breaking_bursts"] = n_events

    def stars_and_fans(self) -> None:
        """Fans boost (and sometimes answer) nearly every post of their star, some
        within seconds (notifications on), most within the hour."""
        rng = self.rng
        for star in self.of_kind("star"):
            fans = [a for a in self.of_kind("fan") if a.habit == star.handle]
            eagerness = {f.handle: 0.05 + 0.8 * rng.betavariate(1, 3) for f in fans}
            for parent in [p for p in self.posts if p.author == star.handle]:
                for fan in fans:
                    if rng.random() < eagerness[fan.handle]:
                        fast = rng.random() < 0.3
                        ts = parent.ts + (rng.uniform(4, 90) if fast else
                                          rng.lognormvariate(math.log(900), 1.0))
                        if rng.random() < 0.8:
                            self.repost(fan, parent, ts)
                        else:
                            self.post(fan, ts, rng.choice(["❤️", "😍 love it", "🔥🔥", "te amo",
                                                           "best ever"]) + " " +
                                      words(rng, fan.lang, 0, 4), relation="reply", parent=parent)

    def friends(self) -> None:
        """Circles of friends answer each other's posts within minutes, and each other."""
        rng = self.rng
        circles: dict[str, list[Account]] = {}
        for a in self.of_kind("friend_circle"):
            circles.setdefault(a.habit, []).append(a)
        by_author: dict[str, list[Post]] = {}
        for p in self.posts:
            if p.relation == "original":
                by_author.setdefault(p.author, []).append(p)
        for members in circles.values():
            for acc in members:
                for parent in by_author.get(acc.handle, []):
                    last = parent
                    for friend in members:
                        if friend is acc or rng.random() > 0.55:
                            continue
                        ts = parent.ts + rng.lognormvariate(math.log(300), 1.0)
                        reply_to = last if rng.random() < 0.3 else parent
                        made = self.post(friend, ts, sentence(rng, friend.lang, 2, 12),
                                         relation="reply", parent=reply_to, chat=parent.chat)
                        last = made or last

    def scheduled_bots(self) -> None:
        """Bots posting on the hour (price, weather) or at fixed times (prayer), with
        templated text and the same hashtags as other bots of their kind."""
        rng = self.rng
        for bot in [a for a in self.accounts.values() if a.kind == "scheduled_bot"]:
            templ = bot.habit
            price = 60_000.0
            for hour in range(self.days * 24):
                base = START + hour * 3600
                if templ.endswith("crypto"):
                    price *= math.exp(rng.gauss(0, 0.01))
                    text = rng.choice(["BTC {p:,.0f} USD ({c:+.1f}%) #BTC #crypto",
                                       "Bitcoin: ${p:,.2f} | 1h {c:+.2f}% #bitcoin #BTC #crypto",
                                       "₿ {p:.0f}$ {c:+.1f}% #BTC #crypto #курс"])
                    text = text.format(p=price, c=rng.gauss(0, 0.8))
                    tags = [t.lstrip("#") for t in text.split() if t.startswith("#")]
                    self.post(bot, base + rng.uniform(0, 8), text, hashtags=tags)
                elif templ.endswith("weather") and hour % 3 == 0:
                    city = rng.choice(["Berlin", "Москва", "Hamburg"])
                    sky = rng.choice(["bewölkt", "ясно", "Regen"])
                    text = f"{city}: {rng.randint(-5, 14)}°C, {sky} #wetter #погода"
                    self.post(bot, base + rng.uniform(0, 20), text, hashtags=["wetter", "погода"])
                elif templ.endswith("prayer") and hour % 24 in (3, 10, 13, 16, 18):
                    self.post(bot, base + rng.uniform(0, 60),
                              f"حان الآن موعد الصلاة حسب التوقيت المحلي {hour % 24}:00 #الصلاة",
                              hashtags=["الصلاة"])
        self.events["scheduled_bots"] = len(self.of_kind("scheduled_bot"))

    def live_events(self) -> None:
        """Football match threads: a crowd comments for two hours under the thread, at
        each goal dozens post nearly the same cry within a minute; regulars come back."""
        rng = self.rng
        commenters = self.of_kind("live_commenter")
        regulars = set(a.handle for a in rng.sample(commenters, len(commenters) // 4))
        mod = self.account("reddit", "live_thread_mod", "es", rate=0.0)
        n_matches = max(1, round(4 * self.days / 14))
        for m in range(n_matches):
            kickoff = START + (m + 0.5) * self.days * DAY / n_matches + 19 * 3600 % DAY
            thread = self.post(mod, kickoff - 1800, f"Match Thread: Club {m} vs Club {m + 7}",
                               title=f"Match Thread: Club {m} vs Club {m + 7}", chat="futbol")
            if thread is None:
                continue
            present = [a for a in commenters if rng.random() < (0.7 if a.handle in regulars
                                                                else 0.25)]
            comments: list[Post] = [thread]
            for acc in present:
                for _ in range(rng.randint(1, 6)):
                    parent = thread if rng.random() < 0.75 else rng.choice(comments)
                    made = self.post(acc, kickoff + rng.uniform(-600, 7200),
                                     sentence(rng, acc.lang, 2, 10), relation="reply",
                                     parent=parent, chat="futbol")
                    if made:
                        comments.append(made)
            for _ in range(rng.randint(1, 4)):
                goal = kickoff + rng.uniform(0, 6300)
                for acc in present:
                    if rng.random() < 0.35:
                        cry = GOAL.get(acc.lang, "GOAL") + "!" * rng.randint(1, 6)
                        self.post(acc, goal + rng.expovariate(1 / 25), cry, relation="reply",
                                  parent=thread, chat="futbol")
        self.events["match_threads"] = n_matches


def _poisson(rng: random.Random, lam: float) -> int:
    """A Poisson draw (normal approximation above 50: exact enough for post counts)."""
    if lam > 50:
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    limit, k, prod = math.exp(-lam), 0, rng.random()
    while prod > limit:
        k += 1
        prod *= rng.random()
    return k


def _cumulative(values: Iterable[float]) -> list[float]:
    out, total = [], 0.0
    for v in values:
        total += v
        out.append(total)
    return out


# ---- the plant -----------------------------------------------------------------------
# name, kind, timing, size, platforms, lang, items, participation. Participation p and items n
# give a pair of members about p*p*n shared items (4-10 here): members miss many actions,
# yet every pair has repeated evidence, as in the campaigns this is modelled on.
GROUP_SPECS = [
    ("fb_link_seconds", "url", "seconds", 8, ("facebook",), "es", 14, 0.7),
    ("masto_text_de", "text", "minutes", 12, ("mastodon",), "de", 14, 0.55),
    ("masto_hashtag_sets", "hashtag", "minutes", 20, ("mastodon",), "fr", 16, 0.5),
    ("masto_coboost", "retweet", "boost", 30, ("mastodon",), "en", 18, 0.5),
    ("tg_forward_ring", "forward", "forward", 7, ("telegram",), "ru", 15, 0.8),
    ("reddit_coreply", "reply", "reply", 5, ("reddit",), "en", 12, 0.8),
    ("reddit_links_hour", "url", "hour", 15, ("reddit",), "en", 12, 0.6),
    ("masto_big_mixed", "url", "minutes", 45, ("mastodon",), "en", 32, 0.35),
    ("fb_trio", "url", "seconds", 3, ("facebook",), "pt", 10, 1.0),
    ("cross_reddit_fb", "url", "minutes", 10, ("reddit", "facebook"), "en", 14, 0.6),
    ("tg_chat_text_ru", "text", "seconds", 9, ("telegram",), "ru", 12, 0.6),
    ("fb_text_ar_hour", "text", "hour", 7, ("facebook",), "ar", 12, 0.7),
]
OVERLAPS = [("masto_coboost", "masto_big_mixed", 5), ("masto_text_de", "masto_hashtag_sets", 3)]
CAMPAIGN_DOMAINS = ["patriot-voice24.info", "truthwire-daily.net", "la-verdad-hoy.site",
                    "realnews-now.click", "noticias-do-povo.online", "freedom-report.xyz"]


class _Plant:
    """The planted campaigns, drawn from their own random stream over the background."""

    def __init__(self, b: _Builder, seed: int) -> None:
        self.b = b
        self.rng = random.Random(seed * 7919 + 1)
        self.groups: list[Group] = []

    def delay(self, timing: str) -> float:
        rng = self.rng
        return {"seconds": lambda: rng.uniform(3, 60),
                "minutes": lambda: min(900.0, rng.expovariate(1 / 240)),
                "hour": lambda: rng.uniform(0, 3600),
                "boost": lambda: rng.uniform(20, 120),
                "forward": lambda: rng.uniform(30, 180),
                "reply": lambda: rng.uniform(120, 900)}[timing]()

    def pool(self, platform: str, name: str) -> list[Account]:
        b = self.b
        if name == "tg_forward_ring":
            return b.of_kind("news_channel")
        if name == "tg_chat_text_ru":
            return b.of_kind("chat_member")
        return b.of_kind("ordinary", platform=platform)

    def choose_members(self) -> None:
        rng, b = self.rng, self.b
        taken: set[str] = {t.handle for t in b.twins}
        by_name: dict[str, list[str]] = {}
        for name, kind, timing, size, platforms, lang, items, part in GROUP_SPECS:
            size = max(3, round(size * b.group_scale))
            members: list[str] = []
            if name == "cross_reddit_fb":
                members += [t.handle for t in b.twins]
            while len(members) < size:
                platform = platforms[len(members) % len(platforms)]
                free = [a for a in self.pool(platform, name) if a.handle not in taken]
                if not free:
                    break
                acc = rng.choice(free)
                taken.add(acc.handle)
                members.append(acc.handle)
            by_name[name] = members
            n_items = max(4, round(items * min(1.0, 0.3 + b.days / 20)))
            self.groups.append(Group(name, kind, timing, members, platforms, lang, n_items, part))
        for a, c, k in OVERLAPS:  # accounts acting in two groups
            shared = by_name[a][:min(k, len(by_name[a]) - 2)]
            target = next(g for g in self.groups if g.name == c)
            target.members.extend(h for h in shared if h not in target.members)
        for g in self.groups:
            for h in g.members:
                b.accounts[h].groups.append(g.name)
                b.accounts[h].kind = "planted"

    def actor(self, handle: str, platforms: tuple[str, ...]) -> Account:
        """The account acting: a twin handle acts on Facebook half the time."""
        b = self.b
        twin = next((t for t in b.twins if t.handle == handle), None)
        if twin is not None and "facebook" in platforms and self.rng.random() < 0.5:
            return twin
        return b.accounts[handle]

    def run(self) -> None:
        self.choose_members()
        for g in self.groups:
            getattr(self, "plant_" + g.kind)(g)

    def item_times(self, g: Group) -> list[float]:
        b = self.b
        return sorted(_diurnal_ts(self.rng, b.days, LANG_TZ[g.lang]) for _ in range(g.items))

    def cast(self, g: Group) -> list[str]:
        """Who acts on one item: each member with the group's participation, at least 2."""
        rng = self.rng
        who = [m for m in g.members if rng.random() < g.participation]
        while len(who) < 2:
            extra = rng.choice(g.members)
            if extra not in who:
                who.append(extra)
        rng.shuffle(who)
        return who

    def campaign_url(self, g: Group) -> str:
        rng = self.rng
        first = sum(map(ord, g.name)) % 3  # each group its own three sites (stable)
        domain = CAMPAIGN_DOMAINS[first + rng.randrange(3)]
        return f"https://{domain}/2026/03/{slug(rng, 4)}-{rng.randint(1000, 99999)}"

    def plant_url(self, g: Group) -> None:
        rng, b = self.rng, self.b
        tags = [w.capitalize() + "Now" for w in rng.sample(LEXICON[g.lang], 3)]
        for t0 in self.item_times(g):
            url = self.campaign_url(g)
            for i, handle in enumerate(self.cast(g)):
                acc = self.actor(handle, g.platforms)
                ts = t0 + (self.delay(g.timing) if i else 0.0)
                item_tags = [rng.choice(tags)] + ([rng.choice(tags)] if rng.random() < 0.5
                                                  else []) if g.name == "masto_big_mixed" else []
                b.share_link(acc, ts, url, sentence(rng, g.lang, 3, 14), hashtags=item_tags,
                             group=g.name, p_short=0.25 if acc.platform == "facebook" else 0.04)
            if rng.random() < 0.2:  # an outsider finds the link hours later
                acc = rng.choice(b.of_kind("ordinary"))
                b.share_link(acc, t0 + rng.uniform(3600, 40_000), url,
                             sentence(rng, acc.lang, 3, 10))

    def plant_text(self, g: Group) -> None:
        rng, b = self.rng, self.b
        for t0 in self.item_times(g):
            base = sentence(rng, g.lang, 14, 30)
            for i, handle in enumerate(self.cast(g)):
                acc = self.actor(handle, g.platforms)
                ts = t0 + (self.delay(g.timing) if i else 0.0)
                b.post(acc, ts, near_copy(rng, base, g.lang), group=g.name)

    def plant_hashtag(self, g: Group) -> None:
        rng, b = self.rng, self.b
        for t0 in self.item_times(g):
            tags = [w.capitalize() + rng.choice(["", "Stop", "Non", str(rng.randint(1, 99))])
                    for w in rng.sample(LEXICON[g.lang], 3)]
            for i, handle in enumerate(self.cast(g)):
                acc = self.actor(handle, g.platforms)
                ts = t0 + (self.delay(g.timing) if i else 0.0)
                mine = rng.sample(tags, len(tags))
                mine = [t.lower() if rng.random() < 0.2 else t for t in mine]
                if rng.random() < 0.3:
                    day = (int(ts) - START) // DAY
                    mine.append(b.trending[g.lang][day % len(b.trending[g.lang])])
                text = sentence(rng, g.lang, 5, 20) + "".join(f" #{t}" for t in mine)
                b.post(acc, ts, text, hashtags=mine, group=g.name)

    def plant_retweet(self, g: Group) -> None:
        rng, b = self.rng, self.b
        targets = {a.handle for a in b.of_kind("amplified_target")}
        candidates = [p for p in b.posts if p.author in targets and p.relation == "original"]
        for parent in rng.sample(candidates, min(g.items, len(candidates))):
            t0 = parent.ts + rng.uniform(30, 600)
            for i, handle in enumerate(self.cast(g)):
                b.repost(b.accounts[handle], parent, t0 + (self.delay(g.timing) if i else 0.0),
                         group=g.name)

    def plant_forward(self, g: Group) -> None:
        rng, b = self.rng, self.b
        hub = b.accounts[g.members[0]]
        ring = g.members[1:]
        for t0 in self.item_times(g):
            parent = b.share_link(hub, t0, self.campaign_url(g), sentence(rng, g.lang, 10, 25),
                                  group=g.name) if rng.random() < 0.6 else \
                b.post(hub, t0, sentence(rng, g.lang, 12, 30), group=g.name)
            if parent is None:
                continue
            sub = Group(g.name, g.kind, g.timing, ring, g.platforms, g.lang, 0, g.participation)
            for handle in self.cast(sub):
                b.forward(b.accounts[handle], parent, t0 + self.delay(g.timing), group=g.name)

    def plant_reply(self, g: Group) -> None:
        rng, b = self.rng, self.b
        critics = {a.handle for a in b.of_kind("harassed_critic")}
        candidates = [p for p in b.posts if p.author in critics]
        for parent in rng.sample(candidates, min(g.items, len(candidates))):
            for handle in self.cast(g):
                acc = b.accounts[handle]
                b.post(acc, parent.ts + self.delay(g.timing), sentence(rng, g.lang, 4, 16),
                       relation="reply", parent=parent, chat=parent.chat, group=g.name)


def build_world(seed: int, size: str = "full", planted: bool = True) -> World:
    """One world: the background of ``seed``, and its planted groups unless ``planted`` is
    false (the negative control: the same accounts and innocent behaviour, no campaign)."""
    b = _Builder(seed, size)
    b.build_tags()
    b.build_accounts()
    b.build_articles()
    b.ordinary_activity()
    b.breaking_bursts()
    b.outlets_and_staff()
    b.aggregators()
    b.stars_and_fans()
    b.friends()
    b.interactions()
    b.telegram_forwards()
    b.scheduled_bots()
    b.live_events()
    groups: list[Group] = []
    if planted:
        plant = _Plant(b, seed)
        plant.run()
        groups = plant.groups
    posts = sorted(b.posts, key=lambda p: p.ts)
    finalize(posts, random.Random(seed + 17))
    accounts = dict(b.accounts)
    return World(accounts, posts, groups, b.days, dict(b.events))


def finalize(posts: list[Post], rng: random.Random) -> None:
    """Post IDs as each platform makes them, in time order (parents always earlier)."""
    counters = {"reddit": 36 ** 6 + rng.randrange(36 ** 5), "facebook": 10 ** 15}
    for p in posts:
        if p.platform == "mastodon":
            p.post_id = str((int(p.ts * 1000) << 16) + rng.randrange(65536))
        elif p.platform == "reddit":
            counters["reddit"] += rng.randint(1, 40)
            p.post_id = _base36(counters["reddit"])
        elif p.platform == "facebook":
            counters["facebook"] += rng.randint(1, 10 ** 6)
            p.post_id = str(counters["facebook"])
        else:
            p.post_id = ""  # Telegram: per-chat message numbers, given by the writer


def _base36(n: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while n:
        n, r = divmod(n, 36)
        out = digits[r] + out
    return out or "0"
