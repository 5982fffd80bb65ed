"""Held-out judge 7: the accounts of the generated world and the acts they make.

Why every account carries a role: the scorer must say *who* propscope wrongly placed in a
community (a wire outlet, a fan, a bot), not only how many, because a wrong accusation
is the worst error and its kind tells what look-alike fooled the detector.

An account's ``handle`` is exactly the ``source`` string propscope will see for it
(Bluesky handle, Facebook username, YouTube display name, TikTok username, forum
name, web site), so ground truth and communities are compared without any mapping.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field

from heldout7_text import handle_stem, pick_lang

START = 1772409600.0  # 2026-03-02 00:00:00 UTC
DAY = 86400.0
TZ_BY_LANG = {"en": [-5, 0, -8, 1], "es": [1, -6, -3], "pt": [0, -3], "de": [1], "id": [7],
              "ru": [3], "ar": [3, 2, 4], "hi": [5], "zh": [8], "ja": [9]}
# local hour weights 0..23: quiet nights, busy evenings
DIURNAL = [2, 1, 1, 1, 1, 2, 4, 7, 9, 9, 8, 8, 9, 8, 7, 7, 8, 9, 10, 11, 11, 10, 7, 4]


@dataclass(frozen=True)
class Scale:
    """How big the world is (``full`` is the judge; ``tiny`` is for tests)."""

    days: int
    bluesky: int
    facebook: int
    youtube: int  # commenters
    channels: int
    tiktok: int
    forum: int
    outlets: int
    episodes: float  # planted episodes, as a share of the full count
    member_share: float  # planted group sizes, as a share of the full size


SCALES = {
    "full": Scale(14, 1300, 520, 380, 30, 300, 150, 40, 1.0, 1.0),
    "tiny": Scale(2, 170, 50, 35, 6, 30, 20, 8, 0.35, 0.3),
}


@dataclass
class Account:
    """One account: the source string, where it lives and how it behaves."""

    handle: str
    platform: str  # bluesky | facebook | youtube | tiktok | forum | web
    lang: str
    role: str
    tz: int
    rate: float  # own posts per day
    uid: str  # platform ID (DID, channel ID, numeric ID)
    skew_s: float = 0.0  # the account's device clock error (client-stamped times)
    groups: list[str] = field(default_factory=list)


@dataclass
class Act:
    """One post as it happened (true time); writers turn it into platform records."""

    pid: str
    platform: str
    author: str
    t: float
    kind: str  # post | repost | reply | quote | article | video | comment
    text: str
    lang: str
    links: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    parent: str | None = None
    root: str | None = None
    title: str = ""
    origin: str = "bg"  # what produced it: bg, viral, fandom, G03, ...


def uid_of(*parts: object) -> str:
    """A stable opaque ID from ``parts`` (the same seed gives the same IDs)."""
    return hashlib.blake2b("|".join(map(str, parts)).encode(), digest_size=10).hexdigest()


def local_time(rng: random.Random, acc: Account, days: int, day: int | None = None) -> float:
    """A moment ``acc`` is plausibly awake, on ``day`` or any day of the span."""
    d = rng.randrange(days) if day is None else day
    hour = rng.choices(range(24), weights=DIURNAL)[0]
    t = START + d * DAY + (hour - acc.tz) * 3600 + rng.random() * 3600
    return START + (t - START) % (days * DAY)  # wrap, never pile up at the edges


def _handle(rng: random.Random, platform: str, taken: set[str]) -> str:
    while True:
        stem = handle_stem(rng)
        num = rng.randint(1, 9999)
        handle = {
            "bluesky": f"{stem}{rng.choice(['', str(num)])}.bsky.social",
            "facebook": f"{stem}.{handle_stem(rng)}.{num}",
            "youtube": f"@{stem}-{handle_stem(rng)}{num % 100}",
            "tiktok": f"{stem}_{num}",
            "forum": f"{stem}{num % 1000}",
            "web": f"{stem}{rng.choice(['news', 'times', 'post', 'daily', 'herald'])}.example",
        }[platform]
        if handle not in taken:
            taken.add(handle)
            return handle


def make_account(rng: random.Random, platform: str, role: str, taken: set[str],
                 rate: float | None = None, lang: str | None = None) -> Account:
    """A new account with a unique handle, a language, a time zone and an activity rate."""
    lang = lang or pick_lang(rng)
    handle = _handle(rng, platform, taken)
    skew = 0.0
    if platform == "bluesky":  # Bluesky's createdAt is the client's clock
        r = rng.random()
        skew = rng.uniform(-240, 240) if r < 0.1 else (rng.choice([-3600, 3600]) if r < 0.11
                                                          else 0.0)
    return Account(handle, platform, lang, role, rng.choice(TZ_BY_LANG[lang]),
                   rate if rate is not None else min(rng.lognormvariate(0.0, 0.9), 12.0),
                   "did:plc:" + uid_of(platform, handle)[:24] if platform == "bluesky"
                   else uid_of(platform, handle), skew)


@dataclass
class Population:
    """Every account by platform, and the handles in use (new accounts must not reuse one)."""

    by_platform: dict[str, list[Account]]
    taken: set[str]

    def add(self, rng: random.Random, platform: str, role: str, rate: float | None = None,
            lang: str | None = None) -> Account:
        """A new account of ``role`` on ``platform``, registered in the population."""
        acc = make_account(rng, platform, role, self.taken, rate, lang)
        self.by_platform.setdefault(platform, []).append(acc)
        return acc

    def all(self) -> list[Account]:
        """Every account, platform by platform."""
        return [a for accs in self.by_platform.values() for a in accs]


def build_population(rng: random.Random, scale: Scale) -> Population:
    """The background population per platform (look-alike roles are added later)."""
    pop = Population({}, set())
    for platform, n in (("bluesky", scale.bluesky), ("facebook", scale.facebook),
                        ("youtube", scale.youtube), ("tiktok", scale.tiktok),
                        ("forum", scale.forum)):
        for _ in range(n):
            pop.add(rng, platform, "background")
    for _ in range(scale.outlets):
        pop.add(rng, "web", "outlet", rate=3.0)
    return pop
