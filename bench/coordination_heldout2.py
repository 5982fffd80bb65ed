"""A second independent held-out check of coordination, run as a new user would.

Written by someone who has not read the coordination method's code and never used to
tune it: it builds a small two-platform world from a seed, writes it as the files a
researcher would have (a generic JSON Lines post export and a ``twarc2 flatten`` X
collection), runs ``propscope run`` on them through the command line, and scores the
``communities`` table against the planted groups.

The world (its own model, unlike ``bench/campaign_realistic.py`` and
``bench/coordination_heldout.py``):

* accounts live in time zones (UTC-8 to UTC+9) and post on a two-peak local day
  (morning, evening) with quieter weekends; activity per account is Pareto
  distributed, and the most active 4 % are news "junkies" who join breaking stories
  within a minute or two;
* outlets publish articles all day; people share recent articles (popularity is
  log-normal and decays over three days) and evergreen links at any time;
* breaking stories: the outlet tweets, then dozens of unrelated accounts share or
  retweet within minutes (junkies first, the rest on a power-law, Omori-like decay),
  often pasting the headline with small edits;
* organic fan communities (15-60 fans of one creator) retweet or share nearly every
  creator post, use the fandom hashtag and chant near-identical catchphrases, but
  hours apart, each fan at its own pace;
* a few hashtags everyone uses and daily trending hashtags;
* every share writes its link its own way (scheme, ``www.``/``m.``, trailing slash,
  ``utm_*``/``fbclid``/``ref``/``s``/``si`` parameters, fragments) and some use a
  ``bit.ly`` short link whose expansion appears only in the X collection's
  ``entities.urls`` (``expanded_url`` = the short link, ``unwound_url`` = the article);
* texts in 16 languages and 8 scripts (Latin, Cyrillic, Arabic, Devanagari, Han,
  Kana, Hangul, Thai);
* JSON Lines timestamps in the account's local offset, epoch seconds or minute-rounded
  UTC, with per-device clock skew; X times exact to the millisecond;
* planted groups of 3-50 accounts that work in their operator's office hours on
  weekdays and act on links (with their own network of sites), near-identical texts,
  repeated bursts of the same hashtags, retweets of a popular leader, or all of these;
  with per-member miss rates, two accounts in two groups, one mostly quiet group
  (four actions), and three timing styles (bot: seconds; scheduler: fixed slots per
  member; chat: people following a call, minutes). Members otherwise post like
  everyone else.

``--negative`` builds the same background (same random streams) with no planted group.

Scores (the scorer of ``bench/coordination_heldout.py``, so figures compare): per
planted group the best-matching community's F1 (mean over groups), pairwise F1 over
"same community", background accounts placed in any community, per-group recall (of
the best match, and members in any community), and whether the best match's
``dominant_kind`` is the planted kind.

Seeds: dev seed 11 (anyone may look); held-out seed 4242 (the lead runs it once, at
the end, after the method is final).

    python bench/coordination_heldout2.py --seed 11 [--negative] [--scale 2.0] [--keep DIR]
"""

from __future__ import annotations

import argparse
import bisect
import itertools
import json
import math
import os
import platform
import random
import shutil
import string
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

DEV_SEED = 11
HELD_OUT_SEED = 4242  # the lead runs it once, at the end; never tune on it
T0 = datetime(2026, 2, 2, tzinfo=UTC)  # a Monday
DAYS = 21
DAY = 86400.0
HOUR = 3600.0
X_EPOCH_MS = 1288834974657  # X's snowflake epoch

# Small invented vocabularies, topic-neutral, in many scripts. Languages written
# without spaces are joined without them.
_VOCAB = {
    "en": "morning town rain market bus school game river bridge music coffee news people price "
          "street night train garden team story weekend",
    "es": "mañana ciudad lluvia mercado autobús escuela partido río puente música café gente "
          "precio calle noche tren jardín equipo historia",
    "pt": "manhã cidade chuva mercado ônibus escola jogo rio ponte música café gente preço rua "
          "noite trem jardim time história",
    "fr": "matin ville pluie marché bus école match rivière pont musique café gens prix rue nuit "
          "train jardin équipe histoire",
    "de": "Morgen Stadt Regen Markt Bus Schule Spiel Fluss Brücke Musik Kaffee Leute Preis "
          "Straße Nacht Zug Garten Mannschaft Geschichte",
    "tr": "sabah şehir yağmur pazar otobüs okul maç nehir köprü müzik kahve insanlar fiyat "
          "sokak gece tren bahçe takım hikaye",
    "id": "pagi kota hujan pasar bus sekolah pertandingan sungai jembatan musik kopi orang "
          "harga jalan malam kereta taman tim cerita",
    "ru": "утро город дождь рынок автобус школа матч река мост музыка кофе люди цена улица "
          "ночь поезд сад команда история",
    "uk": "ранок місто дощ ринок автобус школа матч річка міст музика кава люди ціна вулиця "
          "ніч потяг сад команда історія",
    "ar": "صباح مدينة مطر سوق حافلة مدرسة مباراة نهر جسر موسيقى قهوة ناس سعر شارع ليل قطار "
          "حديقة فريق قصة",
    "fa": "صبح شهر باران بازار اتوبوس مدرسه مسابقه رود پل موسیقی قهوه مردم قیمت خیابان شب "
          "قطار باغ تیم داستان",
    "hi": "सुबह शहर बारिश बाज़ार बस स्कूल मैच नदी पुल संगीत कॉफ़ी लोग कीमत सड़क रात ट्रेन "
          "बगीचा टीम कहानी",
    "zh": "早上 城市 下雨 市场 公交 学校 比赛 河 桥 音乐 咖啡 人们 价格 街道 晚上 火车 花园 队伍 故事",
    "ja": "朝 街 雨 市場 バス 学校 試合 川 橋 音楽 コーヒー 人々 値段 通り 夜 電車 庭 チーム 物語",
    "ko": "아침 도시 비 시장 버스 학교 경기 강 다리 음악 커피 사람들 가격 거리 밤 기차 정원 팀 이야기",
    "th": "เช้า เมือง ฝน ตลาด รถเมล์ โรงเรียน แข่ง แม่น้ำ สะพาน ดนตรี กาแฟ ผู้คน ราคา ถนน "
          "กลางคืน รถไฟ สวน ทีม เรื่อง",
}
WORDS = {lang: words.split() for lang, words in _VOCAB.items()}
NO_SPACE = {"zh", "ja", "th"}
LANG_WEIGHTS = {"en": 30, "es": 10, "pt": 7, "fr": 5, "de": 4, "tr": 4, "id": 4, "ru": 7,
                "uk": 3, "ar": 6, "fa": 3, "hi": 5, "zh": 4, "ja": 4, "ko": 2, "th": 2}
TZ_BY_LANG = {"en": [-8, -5, 0, 10], "es": [-6, -3, 1], "pt": [-3, 0], "fr": [1], "de": [1],
              "tr": [3], "id": [7], "ru": [3], "uk": [2], "ar": [2, 3], "fa": [3.5],
              "hi": [5.5], "zh": [8], "ja": [9], "ko": [9], "th": [7]}
# Share of a local day's posts per hour: a morning and an evening peak.
HOUR_PROFILE = [2, 1, 0.6, 0.4, 0.4, 0.8, 2, 4, 6, 6, 5, 5, 5, 5, 4.5, 4.5, 5, 5.5, 6, 7,
                7.5, 7, 5, 3.5]
EVERYONE_TAGS = ["news", "breaking", "viral"]
TRACKING = ["utm_source=twitter&utm_medium=social", "utm_source=facebook", "fbclid=IwAR{n}",
            "utm_campaign=share{n}&utm_medium=app", "ref=share", "s=20", "si={n}xY", "igshid={n}"]
EMOJI = ["🔥", "👇", "‼️", "😡", "🙏", "💯", "👀", "✅"]


@dataclass
class Post:
    """One post as the world made it (before any export format)."""

    platform: str  # "forum" (generic JSON Lines) or "x"
    account: str
    when: float  # true seconds after T0
    text: str
    lang: str
    links: list[tuple[str, str | None]] = field(default_factory=list)  # (as written, expansion)
    tags: list[str] = field(default_factory=list)
    retweet_of: int | None = None  # index of the retweeted post
    uid: int = 0


@dataclass
class Account:
    name: str
    platform: str
    lang: str
    tz: float
    activity: int
    skew: float = 0.0
    rounds: bool = False  # its client records minutes only


@dataclass
class World:
    posts: list[Post] = field(default_factory=list)
    accounts: dict[str, Account] = field(default_factory=dict)
    groups: list[list[str]] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    group_platform: list[str] = field(default_factory=list)
    actions: list[int] = field(default_factory=list)  # planned actions per group
    roles: dict[str, str] = field(default_factory=dict)  # background account -> its part
    background: list[str] = field(default_factory=list)
    hazards: dict[str, int] = field(default_factory=dict)


# ---------------------------------------------------------------------------- helpers


def _handle(rnd: random.Random, taken: set[str]) -> str:
    """A handle as people pick them: syllables, maybe an underscore and digits."""
    syll = ["ka", "lo", "mi", "ra", "te", "no", "sa", "vi", "do", "re", "an", "el", "ju",
            "ma", "ri", "os", "ta", "be", "ni", "co", "zu", "ly", "ph", "qu"]
    while True:
        name = "".join(rnd.choice(syll) for _ in range(rnd.randint(2, 4)))
        if rnd.random() < 0.4:
            name += rnd.choice(["_", ""]) + str(rnd.randint(1, 9999))
        if rnd.random() < 0.2:
            name = rnd.choice(["the", "real", "its", "mr", "ms"]) + "_" + name
        if name not in taken:
            taken.add(name)
            return name


def _sentence(rnd: random.Random, lang: str, n: int | None = None) -> str:
    words = [rnd.choice(WORDS[lang]) for _ in range(n or rnd.randint(4, 12))]
    return ("" if lang in NO_SPACE else " ").join(words)


def _local_time(rnd: random.Random, tz: float, day: int | None = None,
                hours: tuple[int, int] = (0, 24), weekdays_only: bool = False) -> float:
    """A time (seconds after T0, UTC) on a local day, by the two-peak hour profile."""
    while True:
        d = rnd.randrange(DAYS) if day is None else day
        weekday = (T0 + timedelta(days=d)).weekday()
        if weekdays_only and weekday >= 5:
            if day is not None:
                return -1.0
            continue
        if weekday >= 5 and rnd.random() < 0.25:
            continue
        hrs = list(range(hours[0], hours[1]))
        h = rnd.choices(hrs, [HOUR_PROFILE[x] for x in hrs])[0]
        local = d * DAY + h * HOUR + rnd.uniform(0, HOUR)
        t = local - tz * HOUR
        if 0 <= t < DAYS * DAY:
            return t


def _variant(rnd: random.Random, url: str) -> str:
    """The same link as apps and people write it."""
    scheme, rest = url.split("://", 1)
    host, _, path = rest.partition("/")
    r = rnd.random()
    if r < 0.3:
        host = "www." + host
    elif r < 0.42:
        host = "m." + host
    if rnd.random() < 0.15:
        scheme = "http"
    path, _, query = ("/" + path).partition("?")
    if rnd.random() < 0.35:
        path = path.rstrip("/") + "/"
    params = [query] if query else []
    if rnd.random() < 0.45:
        params.append(rnd.choice(TRACKING).format(n=rnd.randint(10, 99999)))
    if params:
        path += "?" + "&".join(params)
    if rnd.random() < 0.08:
        path += "#" + rnd.choice(["comments", "top", "p2"])
    return f"{scheme}://{host}{path}"


def _edit(rnd: random.Random, text: str) -> str:
    """Copy-paste with small edits: punctuation, case, an emoji, spacing, a prefix."""
    out = text
    if rnd.random() < 0.5:
        out = out.rstrip(".!?") + rnd.choice(["!", "!!", ".", "", "...", " !", "?!"])
    if rnd.random() < 0.25:
        out = out.upper() if rnd.random() < 0.3 else out.lower()
    if rnd.random() < 0.35:
        e = rnd.choice(EMOJI)
        out = f"{e} {out}" if rnd.random() < 0.5 else f"{out} {e}{e if rnd.random() < 0.3 else ''}"
    if rnd.random() < 0.15:
        out = out.replace(" ", "  ", 1)
    if rnd.random() < 0.15:
        out = rnd.choice(["RT ", "Read: ", ">> ", "Repost: "]) + out
    return out


def _omori(rnd: random.Random, c: float = 60.0, p: float = 1.6, cap: float = 8 * HOUR) -> float:
    """A delay from a power-law (Omori) decay: most early, a long tail."""
    u = rnd.random()
    return min(cap, c * ((1 - u) ** (-1 / (p - 1)) - 1))


# ---------------------------------------------------------------------------- the world


class _Builder:
    """Builds a world; the background and the groups draw from separate random streams,
    so ``--negative`` gives exactly the same background."""

    def __init__(self, seed: int, scale: float) -> None:
        self.rnd = random.Random(seed)
        self.scale = scale
        self.world = World()
        self.taken: set[str] = set()
        self.articles: list[tuple[float, str, str, float, str | None]] = []  # when, url, lang, pop, short
        self.article_day: list[list[int]] = [[] for _ in range(DAYS)]
        self.evergreen: list[tuple[str, str | None]] = []
        self.evergreen_w: list[float] = []
        self.celeb_posts: list[tuple[float, int]] = []  # (when, post index) of popular X accounts
        self.trends: list[tuple[float, float, str]] = []
        self.hazards = {"url_variants": 0, "short_links": 0, "short_link_expansions": 0,
                        "breaking_bursts": 0, "burst_shares": 0, "fan_communities": 0,
                        "fan_shares": 0, "minute_rounded_accounts": 0, "skewed_accounts": 0,
                        "retweets": 0, "near_identical_pastes": 0, "junkies": 0}

    # ----- accounts and posts
    def account(self, platform_: str, rnd: random.Random, lang: str | None = None,
                activity: int | None = None) -> Account:
        lang = lang or rnd.choices(list(LANG_WEIGHTS), list(LANG_WEIGHTS.values()))[0]
        tz = rnd.choice(TZ_BY_LANG[lang])
        if activity is None:
            activity = min(500, int(3 * rnd.paretovariate(1.25)))
        acc = Account(_handle(rnd, self.taken), platform_, lang, tz, activity)
        if platform_ == "forum":
            if rnd.random() < 0.3:
                acc.skew = rnd.gauss(0, 25)
                self.hazards["skewed_accounts"] += 1
            if rnd.random() < 0.2:
                acc.rounds = True
                self.hazards["minute_rounded_accounts"] += 1
        self.world.accounts[acc.name] = acc
        return acc

    def post(self, acc: Account, when: float, text: str, links: list[tuple[str, str | None]]
             | None = None, tags: list[str] | None = None, retweet_of: int | None = None,
             lang: str | None = None) -> int:
        tags = list(tags or [])
        if tags:
            text = text + " " + " ".join("#" + t for t in tags)
        if links:
            text = text + " " + " ".join(raw for raw, _ in links)
        self.world.posts.append(Post(acc.platform, acc.name, max(1.0, when), text,
                                     lang or acc.lang, list(links or []), tags, retweet_of))
        return len(self.world.posts) - 1

    def link(self, rnd: random.Random, url: str, short: str | None, acc: Account,
             p_short: float = 0.15) -> tuple[str, str | None]:
        """(as written, expansion): the forum writes the short link bare; X carries its
        expansion in entities.urls."""
        if short and rnd.random() < p_short:
            self.hazards["short_links"] += 1
            if acc.platform == "x":
                self.hazards["short_link_expansions"] += 1
                return short, url
            return short, None
        raw = _variant(rnd, url)
        if raw != url:
            self.hazards["url_variants"] += 1
        return raw, None

    def retweet(self, acc: Account, when: float, original: int) -> int:
        src = self.world.posts[original]
        self.hazards["retweets"] += 1
        text = f"RT @{src.account}: {src.text}"
        self.world.posts.append(Post("x", acc.name, max(src.when + 1.0, when), text, src.lang,
                                     list(src.links), list(src.tags), original))
        return len(self.world.posts) - 1

    # ----- background
    def background(self) -> None:
        rnd, s = self.rnd, self.scale
        n_forum, n_x = int(900 * s), int(600 * s)
        people = [self.account("forum", rnd) for _ in range(n_forum)]
        people += [self.account("x", rnd) for _ in range(n_x)]
        by_activity = sorted(people, key=lambda a: -a.activity)
        junkies = by_activity[: max(2, len(people) // 25)]
        self.hazards["junkies"] = len(junkies)
        outlets_x = [self.account("x", rnd, activity=0) for _ in range(max(4, int(12 * s)))]
        celebs = [self.account("x", rnd, activity=0) for _ in range(max(3, int(15 * s)))]
        self.celebs = celebs
        self.world.background = [a.name for a in people + outlets_x + celebs]
        self.world.roles.update({a.name: "ordinary" for a in people})
        self.world.roles.update({a.name: "junkie" for a in junkies})
        self.world.roles.update({a.name: "outlet" for a in outlets_x})
        self.world.roles.update({a.name: "celebrity" for a in celebs})

        # outlets and their articles
        domains = [f"{w}{rnd.choice(['news', 'times', 'post', 'daily', '24', 'info'])}."
                   f"{rnd.choice(['com', 'net', 'org', 'co.uk', 'com.br', 'ru', 'in', 'jp'])}"
                   for w in rnd.sample(["metro", "globe", "herald", "voz", "gazeta", "echo",
                                        "tribune", "novosti", "akhbar", "khabar", "shimbun",
                                        "ilbo", "harian", "jornal", "kurier", "haber",
                                        "pravda", "sabah", "dainik", "matichon"], 20)]
        for d in range(DAYS):
            for _ in range(int(40 * s) + 5):
                when = d * DAY + rnd.uniform(0, DAY)
                dom = rnd.choice(domains)
                slug = "-".join(rnd.choice(WORDS["en"]) for _ in range(3))
                url = f"https://{dom}/{d:02d}/{slug}-{rnd.randint(10000, 99999)}"
                short = f"https://bit.ly/{''.join(rnd.choices(string.ascii_letters + string.digits, k=7))}" \
                    if rnd.random() < 0.3 else None
                lang = rnd.choices(list(LANG_WEIGHTS), list(LANG_WEIGHTS.values()))[0]
                self.articles.append((when, url, lang, rnd.lognormvariate(0, 1.2), short))
                self.article_day[d].append(len(self.articles) - 1)
        for i in range(int(250 * s) + 20):
            kind = rnd.random()
            if kind < 0.4:
                url = f"https://youtube.com/watch?v={''.join(rnd.choices(string.ascii_letters, k=11))}"
            elif kind < 0.6:
                url = f"https://en.wikipedia.org/wiki/{rnd.choice(WORDS['en']).title()}_{i}"
            else:
                url = f"https://{rnd.choice(domains)}/guides/{i}-{rnd.choice(WORDS['en'])}"
            self.evergreen.append((url, None))
            self.evergreen_w.append(1 / (i + 1) ** 0.9)

        # trending hashtags: a few per day, for some hours
        for d in range(DAYS):
            for _ in range(3):
                start = d * DAY + rnd.uniform(0, DAY)
                tag = rnd.choice(WORDS["en"]) + rnd.choice(WORDS["en"]).title() + str(rnd.randint(1, 99))
                self.trends.append((start, start + rnd.uniform(3, 10) * HOUR, tag))
        self.trends.sort()

        # celebrities on X post all along (their posts are retweeted organically)
        for c in celebs:
            for d in range(DAYS):
                for _ in range(rnd.randint(1, 4)):
                    when = _local_time(rnd, c.tz, day=d)
                    i = self.post(c, when, _sentence(rnd, c.lang, rnd.randint(6, 14)),
                                  tags=[rnd.choice(EVERYONE_TAGS)] if rnd.random() < 0.2 else [])
                    self.celeb_posts.append((self.world.posts[i].when, i))
        self.celeb_posts.sort()

        for acc in people:
            for _ in range(acc.activity):
                self.ordinary_post(rnd, acc, _local_time(rnd, acc.tz))

        self.breaking(rnd, people, junkies, outlets_x)
        self.fans(rnd, people)

    def ordinary_post(self, rnd: random.Random, acc: Account, when: float) -> None:
        tags = []
        if rnd.random() < 0.3:
            tags.append(rnd.choice(EVERYONE_TAGS))
        for start, end, tag in self.trends[max(0, bisect.bisect_left(self.trends, (when - 10 * HOUR,)) ):]:
            if start > when:
                break
            if start <= when <= end and rnd.random() < 0.2:
                tags.append(tag)
        r = rnd.random()
        if acc.platform == "x" and r < 0.18 and self.celeb_posts:
            j = bisect.bisect_left(self.celeb_posts, (when,))
            lo = bisect.bisect_left(self.celeb_posts, (when - DAY,))
            if j > lo:
                k = j - 1 - min(j - 1 - lo, int(rnd.expovariate(1 / 3)))
                self.retweet(acc, when, self.celeb_posts[k][1])
                return
        if r < 0.55:  # a recent article
            d = int(when // DAY)
            day = max(0, d - min(d, int(rnd.expovariate(1.2))))
            pool = [i for i in self.article_day[day] if self.articles[i][0] < when] or self.article_day[day]
            i = rnd.choices(pool, [self.articles[x][3] for x in pool])[0]
            _, url, _, _, short = self.articles[i]
            self.post(acc, when, _sentence(rnd, acc.lang, rnd.randint(2, 9)),
                      [self.link(rnd, url, short, acc)], tags)
        elif r < 0.68:
            url, short = rnd.choices(self.evergreen, self.evergreen_w)[0]
            self.post(acc, when, _sentence(rnd, acc.lang), [self.link(rnd, url, short, acc)], tags)
        else:
            self.post(acc, when, _sentence(rnd, acc.lang), None, tags)

    def breaking(self, rnd: random.Random, people: list[Account], junkies: list[Account],
                 outlets: list[Account]) -> None:
        """Breaking stories: outlet tweet, then junkies within a minute or two, then the
        crowd on a power-law decay; many paste the headline."""
        n = int(45 * self.scale) + 4
        # each junkie has its own appetite and speed, and sleeps in its own time zone
        appetite = {a.name: rnd.uniform(0.15, 0.7) for a in junkies}
        speed = {a.name: rnd.lognormvariate(math.log(90), 0.5) for a in junkies}
        for _ in range(n):
            d = rnd.randrange(DAYS)
            when, url, lang, _, short = self.articles[rnd.choice(self.article_day[d])]
            headline = _sentence(rnd, lang, rnd.randint(7, 12)) + "."
            outlet = rnd.choice(outlets)
            tweet = self.post(outlet, when + rnd.uniform(0, 90), headline,
                              [self.link(rnd, url, short, outlet, p_short=0.5)],
                              ["breaking"] if rnd.random() < 0.5 else [], lang=lang)
            awake = [a for a in junkies if ((when / HOUR + a.tz) % 24) >= 7]
            sharers = [a for a in awake if rnd.random() < appetite[a.name]]
            sharers += rnd.sample(people, min(len(people), int(rnd.lognormvariate(math.log(35), 0.6))))
            seen: set[str] = set()
            self.hazards["breaking_bursts"] += 1
            for acc in sharers:
                if acc.name in seen:
                    continue
                seen.add(acc.name)
                if acc.name in speed:
                    delay = rnd.lognormvariate(math.log(speed[acc.name]), 0.8)
                else:
                    delay = _omori(rnd)
                t = when + 30 + delay
                self.hazards["burst_shares"] += 1
                if acc.platform == "x" and rnd.random() < 0.5:
                    self.retweet(acc, t, tweet)
                    continue
                if rnd.random() < 0.5:
                    self.hazards["near_identical_pastes"] += 1
                    text = _edit(rnd, headline)
                else:
                    text = _sentence(rnd, acc.lang, rnd.randint(2, 7))
                self.post(acc, t, text, [self.link(rnd, url, short, acc)],
                          ["breaking"] if rnd.random() < 0.3 else [])

    def fans(self, rnd: random.Random, people: list[Account]) -> None:
        """Organic fan communities: share nearly everything the creator posts, chant the
        same catchphrases, use the fandom tag, but hours apart at each fan's own pace."""
        for _ in range(int(12 * self.scale) + 2):
            platform_ = rnd.choice(["forum", "x"])
            pool = [a for a in people if a.platform == platform_]
            creator = self.account(platform_, rnd, activity=0)
            self.world.background.append(creator.name)
            fans = rnd.sample(pool, min(len(pool), rnd.randint(15, 60)))
            self.world.roles[creator.name] = "creator"
            for f in fans:
                if self.world.roles.get(f.name) == "ordinary":
                    self.world.roles[f.name] = "fan"
            engagement = {f.name: rnd.betavariate(2, 2) for f in fans}
            pace = {f.name: rnd.lognormvariate(math.log(2 * HOUR), 0.8) for f in fans}
            tag = "".join(rnd.choice(string.ascii_lowercase) for _ in range(5)) + "army"
            chants = [_sentence(rnd, creator.lang, 5) + "!" for _ in range(4)]
            video_ids = []
            self.hazards["fan_communities"] += 1
            for d in range(DAYS):
                for _ in range(rnd.randint(0, 2)):
                    when = _local_time(rnd, creator.tz, day=d)
                    vid = "".join(rnd.choices(string.ascii_letters + string.digits, k=11))
                    video_ids.append(vid)
                    url = f"https://youtube.com/watch?v={vid}"
                    orig = self.post(creator, when, _sentence(rnd, creator.lang, 8),
                                     [self.link(rnd, url, None, creator)], [tag])
                    for f in fans:
                        if rnd.random() > engagement[f.name]:
                            continue
                        t = when + rnd.expovariate(1 / pace[f.name])
                        self.hazards["fan_shares"] += 1
                        if f.platform == "x" and rnd.random() < 0.6:
                            self.retweet(f, t, orig)
                        elif rnd.random() < 0.4:
                            self.hazards["near_identical_pastes"] += 1
                            self.post(f, t, _edit(rnd, rnd.choice(chants)),
                                      [self.link(rnd, url, None, f)], [tag], lang=creator.lang)
                        else:
                            self.post(f, t, _sentence(rnd, f.lang, 5),
                                      [self.link(rnd, url, None, f)], [tag])

    # ----- planted groups
    def planted(self, seed: int) -> None:
        rnd = random.Random(seed * 7919 + 17)
        specs = [  # size, platform, kind, timing, actions, miss
            (3, "forum", "link", "bot", (10, 16), 0.15),
            (4, "forum", "text", "chat", (10, 16), 0.2),
            (5, "x", "hashtag", "scheduler", (12, 18), 0.2),
            (6, "forum", "link", "bot", (4, 4), 0.1),  # mostly quiet
            (7, "x", "retweet", "chat", (12, 20), 0.25),
            (9, "forum", "mixed", "scheduler", (14, 22), 0.25),
            (12, "x", "link", "chat", (12, 18), 0.3),
            (16, "x", "text", "bot", (10, 16), 0.25),
            (24, "x", "retweet", "scheduler", (12, 18), 0.3),
            (35, "forum", "link", "chat", (12, 18), 0.45),
            (50, "forum", "hashtag", "scheduler", (10, 16), 0.3),
        ]
        for size, platform_, kind, timing, (lo, hi), miss in specs:
            lang = rnd.choices(list(LANG_WEIGHTS), list(LANG_WEIGHTS.values()))[0]
            members = []
            for _ in range(size):
                acc = self.account(platform_, rnd, lang=lang,
                                   activity=min(120, int(2 * rnd.paretovariate(1.4))))
                members.append(acc)
                for _ in range(acc.activity):  # they otherwise post like everyone else
                    self.ordinary_post(rnd, acc, _local_time(rnd, acc.tz))
            self.world.groups.append([m.name for m in members])
            self.world.kinds.append(kind)
            self.world.group_platform.append(platform_)
            self._plan = getattr(self, "_plan", [])
            self._plan.append((members, kind, timing, rnd.randint(lo, hi), miss, lang))
        # two accounts act in two groups (same platform)
        for g1, g2 in ((1, 5), (6, 8)):
            extra = self._plan[g1][0][-1]
            self._plan[g2][0].append(extra)
            self.world.groups[g2].append(extra.name)
        self.world.actions = [plan[3] for plan in self._plan]
        for g, (members, kind, timing, actions, miss, lang) in enumerate(self._plan):
            self.act(rnd, g, members, kind, timing, actions, miss, lang)

    def act(self, rnd: random.Random, g: int, members: list[Account], kind: str, timing: str,
            actions: int, miss: float, lang: str) -> None:
        op_tz = rnd.choice([3, 2, 8, -5, 5.5, 1])
        sites = [f"{rnd.choice(WORDS['en'])}-{rnd.choice(['today', 'truth', 'now', 'watch', 'report'])}"
                 f"{rnd.randint(1, 99)}.{rnd.choice(['com', 'info', 'net', 'org', 'news'])}"
                 for _ in range(rnd.randint(2, 5))]
        campaign_tags = ["".join(rnd.choice(string.ascii_lowercase) for _ in range(rnd.randint(5, 9)))
                         for _ in range(3)]
        leader = rnd.choice(self.celebs)
        # a scheduler drips the members out one after another, each in its own slot
        slots, at = {}, 0.0
        for m in rnd.sample(members, len(members)):
            slots[m.name] = at
            at += rnd.uniform(5, 30)
        member_miss = {m.name: min(0.9, max(0.0, rnd.gauss(miss, 0.1))) for m in members}
        done = 0
        while done < actions:
            t = _local_time(rnd, op_tz, hours=(9, 19), weekdays_only=True)
            done += 1
            this = kind if kind != "mixed" else rnd.choice(["link", "text", "hashtag"])
            url = f"https://{rnd.choice(sites)}/{rnd.choice(WORDS['en'])}-{rnd.randint(1000, 99999)}"
            short = f"https://bit.ly/{''.join(rnd.choices(string.ascii_letters + string.digits, k=7))}"
            message = _sentence(rnd, lang, rnd.randint(10, 16)) + "."
            tags = rnd.sample(campaign_tags, rnd.randint(1, 2))
            original = None
            if this == "retweet":
                original = self.post(leader, t, _sentence(rnd, leader.lang, 10))
            for m in members:
                if rnd.random() < member_miss[m.name]:
                    continue
                if timing == "bot":
                    delay = rnd.uniform(0, 40)
                elif timing == "scheduler":
                    delay = slots[m.name] + rnd.uniform(0, 15)
                else:
                    delay = rnd.lognormvariate(math.log(180), 0.8)
                when = t + 5 + delay
                if this == "link":
                    text = _sentence(rnd, lang, rnd.randint(2, 8)) if rnd.random() < 0.6 else _edit(rnd, message)
                    self.post(m, when, text, [self.link(rnd, url, short, m, p_short=0.25)],
                              [rnd.choice(EVERYONE_TAGS)] if rnd.random() < 0.3 else [])
                elif this == "text":
                    self.post(m, when, _edit(rnd, message), None,
                              [rnd.choice(EVERYONE_TAGS)] if rnd.random() < 0.3 else [])
                elif this == "hashtag":
                    self.post(m, when, _sentence(rnd, lang, rnd.randint(4, 10)), None,
                              tags + ([rnd.choice(EVERYONE_TAGS)] if rnd.random() < 0.4 else []))
                else:
                    assert original is not None
                    self.retweet(m, when, original)


def build(seed: int, planted: bool = True, scale: float = 2.0) -> World:
    """The world for ``seed``: background always, planted groups unless ``planted`` is false."""
    b = _Builder(seed, scale)
    b.background()
    if planted:
        b.planted(seed)
    world = b.world
    # every background account that posted at all, and never a group member
    posted = {p.account for p in world.posts}
    members = {a for g in world.groups for a in g}
    world.background = sorted(a for a in world.background if a in posted and a not in members)
    b.hazards["posts"] = len(world.posts)
    b.hazards["groups"] = len(world.groups)
    b.hazards["accounts_in_two_groups"] = sum(
        1 for a in members if sum(a in g for g in world.groups) > 1)
    world.hazards = b.hazards
    return world


# ---------------------------------------------------------------------------- writing


def _forum_stamp(rnd: random.Random, acc: Account, when: float) -> str | int:
    """What a forum export holds: local offset, epoch, or minute-rounded UTC; skewed clocks."""
    moment = T0 + timedelta(seconds=when + acc.skew)
    if acc.rounds:
        return moment.strftime("%Y-%m-%d %H:%M")
    r = rnd.random()
    if r < 0.25:
        return int(moment.timestamp())
    if r < 0.7:
        tz = timezone(timedelta(hours=acc.tz))
        return moment.astimezone(tz).isoformat(timespec="seconds")
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _x_id(when: float, uid: int) -> str:
    ms = int((T0.timestamp() + when) * 1000)
    return str(((ms - X_EPOCH_MS) << 22) + (uid % 4_000_000))


def _x_time(when: float) -> str:
    moment = T0 + timedelta(seconds=when)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _tco(uid: int, k: int) -> str:
    """The t.co wrapper X gives each link of each tweet."""
    rnd = random.Random(uid * 131 + k)
    return "https://t.co/" + "".join(rnd.choices(string.ascii_letters + string.digits, k=10))


def _x_text(post: Post) -> tuple[str, list[dict[str, Any]]]:
    """The tweet text as X stores it (links as t.co) and its ``entities.urls``."""
    text, urls = post.text, []
    for k, (raw, expansion) in enumerate(post.links):
        tco = _tco(post.uid, k)
        text = text.replace(raw, tco, 1)
        entry = {"url": tco, "expanded_url": raw, "display_url": raw.split("://", 1)[1][:26]}
        if expansion:
            entry["unwound_url"] = expansion
        urls.append(entry)
    return text, urls


def _x_entities(text: str, urls: list[dict[str, Any]], tags: list[str],
                mention: str | None = None) -> dict[str, Any]:
    ents: dict[str, Any] = {}
    spans = []
    for entry in urls:
        start = text.find(entry["url"])
        if start >= 0:
            spans.append({"start": start, "end": start + len(entry["url"]), **entry})
    if spans:
        ents["urls"] = spans
    found = []
    for tag in tags:
        start = text.find("#" + tag)
        if start >= 0:
            found.append({"start": start, "end": start + len(tag) + 1, "tag": tag})
    if found:
        ents["hashtags"] = found
    if mention:
        ents["mentions"] = [{"start": 3, "end": 4 + len(mention), "username": mention}]
    return ents


def write(world: World, folder: Path, seed: int) -> list[Path]:
    """The files a researcher would hold: ``forum_posts.jsonl`` and ``x_tweets.jsonl``."""
    rnd = random.Random(seed + 99)
    for i, p in enumerate(world.posts):
        p.uid = i
    ids = {i: _x_id(p.when, i) for i, p in enumerate(world.posts) if p.platform == "x"}
    user_ids = {name: str(10_000_000 + k) for k, name in enumerate(sorted(world.accounts))}
    forum = [p for p in world.posts if p.platform == "forum"]
    x = [p for p in world.posts if p.platform == "x"]
    rnd.shuffle(forum)  # file order says nothing about time
    x.sort(key=lambda p: -p.when)  # twarc2 search returns newest first
    forum_path, x_path = folder / "forum_posts.jsonl", folder / "x_tweets.jsonl"
    with forum_path.open("w", encoding="utf-8") as fh:
        for p in forum:
            acc = world.accounts[p.account]
            fh.write(json.dumps({
                "id": f"fp{p.uid}", "account": p.account, "timestamp": _forum_stamp(rnd, acc, p.when),
                "text": p.text, "urls": [raw for raw, _ in p.links], "hashtags": p.tags,
                "lang": p.lang}, ensure_ascii=False) + "\n")

    def user(name: str) -> dict[str, Any]:
        return {"id": user_ids[name], "username": name, "name": name.replace("_", " ").title()}

    def tweet(p: Post) -> dict[str, Any]:
        tid = ids[p.uid]
        mention = None
        if p.retweet_of is not None:
            src = world.posts[p.retweet_of]
            src_text, urls = _x_text(src)
            text, mention = f"RT @{src.account}: {src_text}", src.account
        else:
            text, urls = _x_text(p)
        obj: dict[str, Any] = {
            "id": tid, "text": text, "created_at": _x_time(p.when), "lang": p.lang,
            "author_id": user_ids[p.account], "author": user(p.account),
            "conversation_id": tid, "entities": _x_entities(text, urls, p.tags, mention),
            "public_metrics": {"retweet_count": 0, "reply_count": 0,
                               "like_count": (p.uid * 7919) % 50, "quote_count": 0}}
        if not obj["entities"]:
            del obj["entities"]
        if p.retweet_of is not None:
            src = world.posts[p.retweet_of]
            obj["referenced_tweets"] = [{"type": "retweeted", **tweet(src)}]
        return obj

    with x_path.open("w", encoding="utf-8") as fh:
        for p in x:
            obj = tweet(p)
            obj["__twarc"] = {"url": "https://api.twitter.com/2/tweets/search/all",
                              "version": "2.14.0", "retrieved_at": "2026-02-24T10:00:00+00:00"}
            fh.write(json.dumps(obj, ensure_ascii=False) + "\n")
    return [forum_path, x_path]


# ---------------------------------------------------------------------------- running and scoring


def _propscope_command() -> list[str]:
    exe = Path(sys.executable).parent / "propscope"
    if exe.exists():
        return [str(exe)]
    found = shutil.which("propscope")
    if found:
        return [found]
    return [sys.executable, "-c", "import sys; from propscope.cli import main; sys.exit(main())"]


def run_propscope(files: list[Path], work: Path) -> tuple[Path, float]:
    config = work / "settings.toml"
    config.write_text('analyzers = ["references", "repetitions"]\n')  # techniques: not scored
    corpus = work / "corpus.duckdb"
    env = dict(os.environ)
    if env.get("PYTHONPATH"):  # the same code as this process, whatever the working folder
        env["PYTHONPATH"] = os.pathsep.join(str(Path(x).resolve()) for x in env["PYTHONPATH"].split(os.pathsep))
    started = time.perf_counter()
    subprocess.run([*_propscope_command(), "run", *map(str, files), "--corpus", str(corpus),
                    "--config", str(config), "--quiet"], check=True, env=env)
    return corpus, time.perf_counter() - started


def communities_of(corpus: Path) -> tuple[dict[str, set[str]], dict[str, str]]:
    """community id -> member sources, and community id -> dominant kind, from the corpus."""
    import duckdb

    con = duckdb.connect(str(corpus), read_only=True)
    try:
        rows = con.execute("SELECT CAST(community_id AS VARCHAR), source, CAST(dominant_kind AS VARCHAR) "
                           "FROM communities").fetchall()
    finally:
        con.close()
    found: dict[str, set[str]] = {}
    kinds: dict[str, str] = {}
    for cid, source, kind in rows:
        found.setdefault(cid, set()).add(_account_of(source))
        kinds[cid] = kind or ""
    return found, kinds


def _account_of(source: str) -> str:
    """The account behind a community member's source name (X sources may carry a prefix)."""
    s = str(source).strip()
    for sep in ("@", ":", "/"):
        if sep in s:
            s = s.rsplit(sep, 1)[1]
    return s


_KIND_WORDS = {"link": ("link", "url"), "text": ("text", "near"), "hashtag": ("hashtag", "tag"),
               "retweet": ("repost", "retweet", "share", "forward")}


def _kind_matches(planted: str, found: str) -> bool | None:
    if planted == "mixed":
        return None  # any kind is right
    return any(w in found.lower() for w in _KIND_WORDS[planted])


def score(world: World, found: dict[str, set[str]], kinds: dict[str, str] | None = None) -> dict[str, Any]:
    """The scorer of bench/coordination_heldout.py, plus recall and dominant kind per group."""
    kinds = kinds or {}
    in_coms = set().union(*found.values()) if found else set()
    per_group = []
    for members, kind in zip(world.groups, world.kinds, strict=True):
        g = set(members)
        best, best_rec, best_kind = 0.0, 0.0, ""
        for cid, com in found.items():
            inter = len(g & com)
            if inter:
                p, r = inter / len(com), inter / len(g)
                f1 = 2 * p * r / (p + r)
                if f1 > best:
                    best, best_rec, best_kind = f1, r, kinds.get(cid, "")
        per_group.append({"size": len(g), "kind": kind, "f1": round(best, 3),
                          "recall": round(best_rec, 3),
                          "in_any_community": round(len(g & in_coms) / len(g), 3),
                          "found_kind": best_kind,
                          "kind_found": _kind_matches(kind, best_kind) if best_kind else False})
    truth = {frozenset(p) for g in world.groups for p in itertools.combinations(sorted(g), 2)}
    pred = {frozenset(p) for com in found.values() for p in itertools.combinations(sorted(com), 2)}
    tp = len(truth & pred)
    precision = tp / len(pred) if pred else (1.0 if not truth else 0.0)
    recall = tp / len(truth) if truth else 1.0
    members = {a for g in world.groups for a in g}
    return {
        "communities": len(found),
        "group_f1_mean": round(sum(x["f1"] for x in per_group) / len(per_group), 3)
        if per_group else None,
        "pair_precision": round(precision, 3), "pair_recall": round(recall, 3),
        "pair_f1": round(2 * precision * recall / (precision + recall), 3)
        if precision + recall else 0.0,
        "background_in_communities": len(in_coms & set(world.background)),
        "background_in_communities_by_role": dict(sorted(Counter(
            world.roles.get(a, "?") for a in in_coms & set(world.background)).items())),
        "unknown_in_communities": len(in_coms - set(world.background) - members),
        "dominant_kind_found": sum(1 for x in per_group if x["kind_found"] is True),
        "dominant_kind_scored": sum(1 for x in per_group if x["kind_found"] is not None),
        "per_group": per_group,
    }


def evaluate(seed: int, planted: bool, scale: float, keep: Path | None) -> dict[str, Any]:
    world = build(seed, planted, scale)
    with tempfile.TemporaryDirectory() as tmp:
        work = keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        files = write(world, work, seed)
        corpus, seconds = run_propscope(files, work)
        found, kinds = communities_of(corpus)
        result = score(world, found, kinds)
    result.update(seed=seed, planted=planted, scale=scale, posts=len(world.posts),
                  accounts=len({p.account for p in world.posts}), seconds=round(seconds, 1),
                  hazards=world.hazards)
    return result


def _code_version() -> str:
    """Which propscope was measured: its folder and, in a checkout, the commit."""
    import propscope

    where = Path(propscope.__file__).resolve().parent
    try:
        commit = subprocess.run(["git", "-C", str(where), "rev-parse", "--short", "HEAD"],
                                capture_output=True, text=True, check=False).stdout.strip()
    except OSError:
        commit = ""
    return f"{where} {commit}".strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--seed", type=int, default=DEV_SEED,
                        help=f"world seed (dev: {DEV_SEED}; held-out: {HELD_OUT_SEED}, run once at the end)")
    parser.add_argument("--negative", action="store_true", help="the same world with no planted group")
    parser.add_argument("--scale", type=float, default=2.0,
                        help="background size factor (default 2.0: about 59,000 posts)")
    parser.add_argument("--keep", type=Path, help="keep the input files and the corpus in this folder")
    args = parser.parse_args()
    started = time.perf_counter()
    result = evaluate(args.seed, not args.negative, args.scale, args.keep)
    result["total_seconds"] = round(time.perf_counter() - started, 1)
    result["machine"] = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    result["date"] = f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
    result["propscope"] = _code_version()
    print(json.dumps(result, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
