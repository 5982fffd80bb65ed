"""Held-out judge 7: the world's shared furniture (links, hashtags, IDs) and its background.

Why engagement is drawn from the post's side (each post gets a random number of
reposts, replies and quotes from random accounts, mostly within hours): that is how
real popular posts collect engagement, so unrelated accounts co-repost and co-reply
the same popular posts all the time, at random moments, which is exactly the noise a
coordination detector must not mistake for a group.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import math
import random
from dataclasses import dataclass, field

from heldout7_people import DAY, START, Account, Act, Population, Scale, local_time, uid_of
from heldout7_text import LANGS, article, sentence

NOT_PEOPLE = frozenset({"outlet", "aggregator_bot", "scheduled_bot", "celebrity", "brand"})
TRENDING = "heatwave"  # the one hashtag everyone uses
SHORTENERS = ("https://bit.ly/", "https://tinyurl.com/", "https://ow.ly/")
MISC_SITES = ["tubeclips.example", "shopdeal.example", "wikiwise.example", "blogspace.example",
              "petition.example", "recipes.example", "gamezone.example", "photohub.example"]


def poisson(rng: random.Random, lam: float) -> int:
    """A Poisson draw (Knuth for small means, a rounded normal for large ones)."""
    if lam <= 0:
        return 0
    if lam > 30:
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


@functools.cache
def zipf_cum(n: int) -> list[float]:
    """Cumulative Zipf weights (rank r has weight 1/r): the top item takes about a sixth."""
    return list(itertools.accumulate(1 / (r + 1) for r in range(n)))


@dataclass
class Links:
    """Every canonical link, its short code, and how links are varied when shared."""

    short: dict[str, str] = field(default_factory=dict)  # short URL -> canonical
    code: dict[str, str] = field(default_factory=dict)  # canonical -> short URL
    evergreen: list[str] = field(default_factory=list)
    articles: list[tuple[float, str]] = field(default_factory=list)  # (time, canonical)

    def shortlink(self, canonical: str) -> str:
        """The one short URL of ``canonical`` (made on first use)."""
        if canonical not in self.code:
            h = uid_of("short", canonical)
            url = SHORTENERS[int(h[:2], 16) % 3] + h[:7]
            self.code[canonical], self.short[url] = url, canonical
        return self.code[canonical]

    def variant(self, rng: random.Random, canonical: str, medium: str = "social") -> str:
        """``canonical`` as one share writes it: tracking tags, host and slash forms, short
        links (their expansion is nowhere in the file, as on most platforms)."""
        r = rng.random()
        if r < 0.5:
            return canonical
        if r < 0.65:
            sep = "&" if "?" in canonical else "?"
            return f"{canonical}{sep}utm_source={medium}&utm_medium=share&utm_campaign=" \
                   f"{rng.choice(['daily', 'post', 'app', 'sf' + str(rng.randint(1, 99))])}"
        if r < 0.77:
            scheme, rest = canonical.split("://", 1)
            host, _, path = rest.partition("/")
            host = host.removeprefix("www.")
            host = rng.choice([f"www.{host}", f"m.{host}"])
            return f"{scheme}://{host}/{path}"
        if r < 0.88:
            return canonical[:-1] if canonical.endswith("/") else canonical + "/"
        return self.shortlink(canonical)

    def recent_article(self, rng: random.Random, t: float, within: float = 2 * DAY) -> str | None:
        """An article published in the ``within`` before ``t`` (newer ones more likely)."""
        hi = bisect.bisect_right(self.articles, (t, "\uffff"))
        lo = bisect.bisect_left(self.articles, (t - within, ""))
        if hi <= lo:
            return None
        i = hi - 1 - min(int(rng.expovariate(1 / max(1.0, (hi - lo) / 4))), hi - lo - 1)
        return self.articles[i][1]

    def popular(self, rng: random.Random) -> str:
        """An evergreen link, Zipf-popular (a few are shared by everyone, any day)."""
        return rng.choices(self.evergreen, cum_weights=zipf_cum(len(self.evergreen)))[0]


@dataclass
class World:
    """Everything generated for one seed: accounts, acts, links, ground truth."""

    seed: int
    scale: Scale
    planted: bool
    pop: Population
    links: Links
    tags: list[str]
    acts: list[Act] = field(default_factory=list)
    groups: list[dict[str, object]] = field(default_factory=list)
    counter: itertools.count[int] = field(default_factory=itertools.count)

    @property
    def end(self) -> float:
        return START + self.scale.days * DAY

    def pid(self, platform: str, acc: Account, kind: str, stream: str = "bg") -> str:
        """A platform-native post ID, stable per seed and stream."""
        h = uid_of(self.seed, stream, next(self.counter))
        if platform == "bluesky":
            coll = "repost" if kind == "repost" else "post"
            return f"at://{acc.uid}/app.bsky.feed.{coll}/3m{h[:11]}"
        if platform == "youtube":
            return h[:11] if kind == "video" else "Ugz" + h[:19]
        if platform in ("tiktok", "facebook", "forum"):
            return str(int(h[:15], 16))
        return h

    def tag(self, rng: random.Random) -> str:
        """A hashtag from the long-tailed pool."""
        return rng.choices(self.tags, cum_weights=zipf_cum(len(self.tags)))[0]

    def add(self, act: Act) -> Act:
        if START <= act.t < self.end:
            self.acts.append(act)
        return act


def new_world(seed: int, scale: Scale, planted: bool, pop: Population,
              rng: random.Random) -> World:
    """The furniture: evergreen links and the hashtag pool."""
    links = Links()
    for i in range(260):
        site = rng.choice(MISC_SITES)
        links.evergreen.append(f"https://{site}/p/{uid_of('ever', i)[:8]}")
    tags = [f"{w}{rng.randint(1, 99)}" if rng.random() < 0.3 else w
            for lang in LANGS for w in rng.sample(LANGS[lang][1], 25) if len(w) > 1]
    return World(seed, scale, planted, pop, links, tags)


def publish_articles(world: World, rng: random.Random) -> None:
    """Each outlet's own articles (the wire copies are added with the look-alikes)."""
    for site in world.pop.by_platform["web"]:
        for n in range(poisson(rng, site.rate * world.scale.days)):
            t = local_time(rng, site, world.scale.days)
            url = f"https://{site.handle}/{2026}/03/{uid_of(site.handle, n)[:10]}"
            world.add(Act(url, "web", site.handle, t, "article", article(rng, site.lang),
                          site.lang, title=sentence(rng, site.lang, 5, 10), origin="article"))
            world.links.articles.append((t, url))
    world.links.articles.sort()


def post_text(world: World, rng: random.Random, acc: Account, t: float,
              link_p: float, tag_p: float) -> tuple[str, list[str], list[str]]:
    """An ordinary post's text, links and hashtags."""
    text, links, tags = sentence(rng, acc.lang), [], []
    if rng.random() < link_p:
        r = rng.random()
        canonical = (world.links.recent_article(rng, t) if r < 0.45 else None) or (
            world.links.popular(rng) if r < 0.85
            else f"https://{acc.handle.split('.')[0]}.blogspace.example/{uid_of(t)[:6]}")
        links.append(world.links.variant(rng, canonical))
    if rng.random() < tag_p:
        tags.append(TRENDING if rng.random() < 0.35 else world.tag(rng))
        if rng.random() < 0.3:
            tags.append(world.tag(rng))
    return text, links, tags


def _engage(world: World, rng: random.Random, parent: Act, pool: list[Account],
            cum: list[float], pop: float, kinds: tuple[tuple[str, float], ...]) -> None:
    """Reposts, replies and quotes of ``parent`` by random accounts, mostly within hours."""
    for kind, share in kinds:
        for _ in range(poisson(rng, pop * share)):
            acc = rng.choices(pool, cum_weights=cum)[0]
            if acc.handle == parent.author:
                continue
            t = parent.t + rng.lognormvariate(math.log(2400), 1.4)
            text = parent.text if kind == "repost" else sentence(rng, acc.lang, 3, 14)
            world.add(Act(world.pid(parent.platform, acc, kind), parent.platform, acc.handle,
                          t, kind, text, parent.lang if kind == "repost" else acc.lang,
                          list(parent.links) if kind == "repost" else [],
                          list(parent.tags) if kind == "repost" else [],
                          parent=parent.pid, root=parent.root or parent.pid))


def background(world: World, rng: random.Random) -> None:
    """Ordinary activity on every platform."""
    days = world.scale.days
    for platform, link_p, tag_p, kinds in (
            ("bluesky", 0.3, 0.22, (("repost", 1.0), ("reply", 0.45), ("quote", 0.1))),
            ("facebook", 0.5, 0.05, (("repost", 0.8),))):
        pool = world.pop.by_platform[platform]
        cum = list(itertools.accumulate(a.rate for a in pool))
        for acc in list(pool):
            if acc.role in NOT_PEOPLE:
                continue
            fame = rng.lognormvariate(-1.5, 1.4)
            for _ in range(poisson(rng, acc.rate * days * 0.38)):
                t = local_time(rng, acc, days)
                text, links, tags = post_text(world, rng, acc, t, link_p, tag_p)
                act = world.add(Act(world.pid(platform, acc, "post"), platform, acc.handle, t,
                                    "post", text, acc.lang, links, tags))
                _engage(world, rng, act, pool, cum, min(fame, 60.0), kinds)
    _forum(world, rng)


def _forum(world: World, rng: random.Random) -> None:
    """A discussion forum collected with 4CAT: threads and replies, some anonymous."""
    users = world.pop.by_platform["forum"]
    threads: list[Act] = []
    acts = sorted(((local_time(rng, u, world.scale.days), u) for u in users
                   for _ in range(poisson(rng, u.rate * world.scale.days))),
                  key=lambda p: p[0])
    for t, user in acts:
        text, links, _ = post_text(world, rng, user, t, 0.2, 0.0)
        if links:
            text = f"{text} {links[0]}"
        author = "Anonymous" if rng.random() < 0.12 else user.handle
        live = [th for th in threads[-40:] if th.t > t - 3 * DAY]
        if live and rng.random() < 0.8:
            th = rng.choice(live)
            world.add(Act(world.pid("forum", user, "reply"), "forum", author, t, "reply", text,
                          user.lang, links, parent=th.pid, root=th.pid))
        else:
            th = world.add(Act(world.pid("forum", user, "post"), "forum", author, t, "post",
                               text, user.lang, links, title=sentence(rng, user.lang, 3, 8)))
            threads.append(th)
