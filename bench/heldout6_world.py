"""The data model of the sixth held-out world: accounts, posts, items, time and URLs.

A :class:`World` is a list of :class:`Post` (one per post as a platform would export it),
the type of every account (an innocent type or ``planted``) and the planted groups. Names
are the ones propscope gives sources at ingest: X ``username``, Mastodon ``acct``,
Telegram the channel's ``name``, and the ``source`` field of the plain ``docs.jsonl``.
Times are true UTC epoch seconds; ``skew`` is what a wrong clock or a missing zone adds
to the written timestamp (the baselines and propscope both see the written time).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

from heldout6_text import handle

T0 = 1772409600.0  # 2026-03-02T00:00:00Z, a Monday
DAY = 86400.0


@dataclass
class Post:
    """One post as exported; ``origin`` says who made it and why (truth, never written)."""

    platform: str  # x | mastodon | telegram | web
    account: str
    post_id: str
    t: float
    text: str
    lang: str
    origin: str  # innocent type, or "planted:G3"
    relation: str = "original"  # original | repost | reply | quote | forward
    parent: Post | None = None
    links: list[str] = field(default_factory=list)
    hashtags: list[str] = field(default_factory=list)
    skew: float = 0.0

    @property
    def written_t(self) -> float:
        return self.t + self.skew


@dataclass
class Group:
    """A planted group: members, the kind most of its co-actions are, platforms used."""

    name: str
    kind: str  # url | text | hashtag | retweet | reply | quote | forward
    members: list[str]
    platforms: tuple[str, ...]
    window_s: float
    participation: float
    actions: int = 0
    note: str = ""


@dataclass
class World:
    """Posts, the type of each account, and the planted groups (empty in the control)."""

    seed: int
    days: int
    posts: list[Post] = field(default_factory=list)
    types: dict[str, str] = field(default_factory=dict)  # account -> innocent type | planted
    groups: list[Group] = field(default_factory=list)
    platform_of: dict[str, set[str]] = field(default_factory=dict)
    taken: set[str] = field(default_factory=set)
    _ids: dict[str, int] = field(default_factory=dict)

    def account(self, rng: random.Random, kind: str, platform: str,
                name: str | None = None) -> str:
        """A new account of innocent type ``kind`` on ``platform``."""
        if name is None:
            name = handle(rng, self.taken)
        else:
            self.taken.add(name)
        self.types.setdefault(name, kind)
        self.platform_of.setdefault(name, set()).add(platform)
        return name

    def next_id(self, platform: str) -> str:
        """Post IDs shaped like the platform's (X snowflakes, Mastodon numbers)."""
        n = self._ids.get(platform, 0) + 1
        self._ids[platform] = n
        if platform == "x":
            return str(1765000000000000000 + n * 7919)
        if platform == "mastodon":
            return str(113000000000000000 + n * 131)
        return str(n)

    def add(self, platform: str, account: str, t: float, text: str, lang: str, origin: str,
            **kw: object) -> Post:
        """Append a post (inside the world's span) and return it."""
        t = min(max(t, T0 + 1.0), T0 + self.days * DAY - 1.0)
        post = Post(platform, account, self.next_id(platform), t, text, lang, origin, **kw)  # type: ignore[arg-type]
        self.posts.append(post)
        return post


def diurnal(rng: random.Random, days: int, tz_hours: float = 0.0) -> float:
    """A time of day weighted like human activity (quiet 1-6 h local, busy evenings)."""
    weights = [1, 0.5, 0.3, 0.2, 0.2, 0.4, 1, 2, 3, 3, 3, 3, 3.5, 3, 3, 3, 3, 3.5, 4, 4.5, 4.5,
               4, 3, 2]
    hour = rng.choices(range(24), weights=weights)[0]
    day = rng.randrange(days)
    return T0 + day * DAY + (hour - tz_hours) * 3600 + rng.random() * 3600


def delay(rng: random.Random, median_s: float, spread: float = 1.0) -> float:
    """A lognormal reaction delay (most fast, a long tail), in seconds."""
    return median_s * math.exp(rng.gauss(0.0, spread))


def zipf_pick(rng: random.Random, items: list, s: float = 1.1):  # type: ignore[type-arg]
    """An item by Zipf popularity (the first items are shared by everyone)."""
    n = len(items)
    r = rng.random() * _harmonic(n, s)
    acc = 0.0
    for i in range(n):
        acc += 1.0 / (i + 1) ** s
        if acc >= r:
            return items[i]
    return items[-1]


_H: dict[tuple[int, float], float] = {}


def _harmonic(n: int, s: float) -> float:
    key = (n, s)
    if key not in _H:
        _H[key] = sum(1.0 / (i + 1) ** s for i in range(n))
    return _H[key]


def url_variant(rng: random.Random, url: str, medium: str = "social") -> str:
    """The same article as one share writes it: tracking tags, mobile host, slash, anchor."""
    scheme, rest = url.split("://", 1)
    host, _, path = rest.partition("/")
    roll = rng.random()
    if roll < 0.12 and host.startswith("www."):
        host = "m." + host[4:]
    elif roll < 0.25 and host.startswith("www."):
        host = host[4:]
    path = "/" + path
    if rng.random() < 0.3:
        path = path + "/" if not path.endswith("/") else path[:-1]
    query = ""
    roll = rng.random()
    if roll < 0.3:
        query = f"?utm_source={rng.choice(['twitter', 'tw', 'mastodon', 'telegram'])}" \
                f"&utm_medium={medium}&utm_campaign={rng.choice(['share', 'a1', 'morning'])}"
    elif roll < 0.42:
        query = "?fbclid=IwAR" + "".join(rng.choice("abcdefXYZ0123456789") for _ in range(22))
    elif roll < 0.47:
        query = "?s=" + str(rng.randint(10, 99))
    anchor = "#comments" if rng.random() < 0.04 else ""
    return f"{scheme}://{host}{path}{query}{anchor}"
