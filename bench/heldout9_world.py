"""Held-out judge 9: the world's accounts and posts, before any file format.

Why an abstract world first: the same posts are written in six export formats, and the
truth (who is planted, who is an innocent look-alike and why) must not depend on how a
format spells an author or a time. Every component draws from its own random stream
(seed + component name), so the control world is the planted world minus the planted
groups, post for post.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from heldout9_text import LANGS, link_variant, sentence

START = 1772409600  # 2026-03-02T00:00:00Z
DAY = 86400
PLATFORMS = ("bluesky", "mastodon", "telegram", "tiktok", "reddit", "4cat")
# accounts per platform at full size; tiny divides by 10
SHARE = {"bluesky": 900, "mastodon": 500, "telegram": 450, "tiktok": 350, "reddit": 300,
         "4cat": 200}
PLATFORM_LANGS = {"bluesky": ("en", "ja", "pt", "de"), "mastodon": ("de", "en", "ko", "es"),
                  "telegram": ("ru", "uk", "ar", "fa", "es"), "tiktok": ("es", "hi", "en", "pt"),
                  "reddit": ("en", "es", "he"), "4cat": ("en", "zh", "ar")}
TELEGRAM_CHATS = {"ru": "Городской форум", "uk": "Городской форум", "ar": "منتدى المدينة",
                  "fa": "منتدى المدينة", "es": "Foro de la ciudad"}
OUTLETS = [f"https://www.{d}/" for d in (
    "dailyherald-news.com", "el-observador.es", "rundschau-aktuell.de", "gazeta-segodnya.ru",
    "akhbar-alyawm.net", "asahi-like.jp", "folha-da-manha.com.br", "newsdesk-global.org")]


@dataclass
class Account:
    name: str
    platform: str
    lang: str
    role: str = "background"


@dataclass
class Post:
    platform: str
    author: str
    t: float
    relation: str = "original"  # original, repost, reply, quote, forward
    text: str = ""
    links: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    parent: int | None = None  # index of the post reposted/replied/quoted
    forwarded_from: str | None = None  # Telegram channel a forward came from
    expansion: dict[str, str] = field(default_factory=dict)  # short -> article
    lang: str = "en"


@dataclass
class World:
    seed: int
    size: str
    days: int
    accounts: dict[str, Account] = field(default_factory=dict)
    posts: list[Post] = field(default_factory=list)
    groups: list[dict[str, object]] = field(default_factory=list)
    hubs: set[str] = field(default_factory=set)

    @property
    def scale(self) -> float:
        return 1.0 if self.size == "full" else 0.1

    def rng(self, part: str) -> random.Random:
        return random.Random(f"{self.seed}:{self.size}:{part}")

    def add_account(self, rng: random.Random, platform: str, role: str = "background",
                    lang: str | None = None, name: str | None = None) -> Account:
        lang = lang or rng.choice(PLATFORM_LANGS[platform])
        base = name or f"{rng.choice(_SYLL)}{rng.choice(_SYLL)}{rng.randint(1, 9999)}"
        handle = {"bluesky": f"{base}.bsky.social", "mastodon": f"{base}@"
                  f"{rng.choice(['mastodon.social', 'chaos.social', 'mstdn.jp'])}"}.get(
                      platform, base)
        if base.startswith("did:"):  # known only by its DID (firehose, repository records)
            handle = base
        while handle in self.accounts:
            handle = handle.replace(base, base + "x", 1)
        acc = Account(handle, platform, lang, role)
        self.accounts[handle] = acc
        return acc

    def add(self, post: Post) -> int:
        self.posts.append(post)
        return len(self.posts) - 1

    def label(self, name: str, role: str) -> None:
        """The first non-background role an account is given is its role."""
        if self.accounts[name].role == "background":
            self.accounts[name].role = role

    def background(self, platform: str) -> list[Account]:
        return [a for a in self.accounts.values()
                if a.platform == platform and a.role == "background"]


_SYLL = ("ka", "mi", "ro", "lu", "sa", "ten", "vor", "nik", "el", "jo", "ari", "bel", "dan",
         "zu", "pe", "qi", "ha", "lin", "mar", "os")


def diurnal(rng: random.Random, day: int) -> float:
    """A time on ``day`` weighted to waking hours."""
    hour = rng.choices(range(24), weights=[1, 1, 1, 1, 1, 2, 3, 5, 6, 6, 6, 6, 6, 6, 6, 6, 6,
                                           7, 8, 8, 7, 5, 3, 2])[0]
    return START + day * DAY + hour * 3600 + rng.random() * 3600


def article(rng: random.Random, outlet: str | None = None) -> str:
    base = outlet or rng.choice(OUTLETS)
    return f"{base}{rng.choice(['news', 'politik', 'mundo', 'world', 'local'])}/" \
           f"{rng.randint(2026, 2026)}/{rng.getrandbits(30):x}-{rng.randint(1, 999)}"


def populate(world: World) -> None:
    """Accounts and their ordinary posts: texts, popular links at random times, common
    hashtags, replies and reposts of random earlier posts."""
    rng = world.rng("background")
    for platform, n in SHARE.items():
        for _ in range(max(6, round(n * world.scale))):
            world.add_account(rng, platform)
    popular = [article(rng) for _ in range(max(30, round(400 * world.scale)))]
    common_tags = ["news", "breaking", "photo", "music", "football", "food", "travel",
                   "ai", "weather", "art", "bitcoin", "cats"]
    by_platform: dict[str, list[int]] = {p: [] for p in PLATFORMS}
    events = []
    for acc in list(world.accounts.values()):
        activity = rng.lognormvariate(2.4, 0.9)  # posts over the period, heavy-tailed
        for _ in range(min(200, int(activity * world.days / 14) + 1)):
            events.append((diurnal(rng, rng.randrange(world.days)), acc))
    events.sort(key=lambda e: e[0])
    for t, acc in events:
        pool = by_platform[acc.platform]
        post = Post(acc.platform, acc.name, t, text=sentence(rng, acc.lang), lang=acc.lang)
        roll = rng.random()
        can_relate = pool and acc.platform in ("bluesky", "mastodon", "reddit", "telegram",
                                               "4cat")
        if can_relate and roll < 0.15 and acc.platform in ("bluesky", "mastodon"):
            post.relation, post.parent = "repost", rng.choice(pool[-300:])
        elif can_relate and roll < 0.30:
            post.relation, post.parent = "reply", rng.choice(pool[-300:])
        if post.relation != "repost":
            if rng.random() < 0.25:
                link = popular[min(int(rng.paretovariate(1.1)) - 1, len(popular) - 1)]
                post.links = [link_variant(link, rng)]
            if rng.random() < 0.2 or acc.platform == "tiktok":
                post.tags = rng.sample(common_tags, rng.randint(1, 3))
        index = world.add(post)
        if post.relation == "original":
            pool.append(index)


def build(seed: int, size: str, planted: bool) -> World:
    """The whole world: background, innocent look-alikes, then (optionally) planted groups."""
    from heldout9_innocents import add_innocents
    from heldout9_planted import add_planted

    world = World(seed, size, days=14 if size == "full" else 4)
    populate(world)
    add_innocents(world)
    if planted:
        add_planted(world)
    return world


__all__ = ["LANGS", "Account", "Post", "World", "build"]
