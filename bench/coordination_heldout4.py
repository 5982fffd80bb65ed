"""Coordination generator 4: an independent world, scorer and baselines for propscope.

Why: a method tuned on its own generator scores itself. This script builds a social-media
collection as an analyst would hold it (an X/Twitter API v2 search saved by twarc2, an
overlapping twarc2 ``flatten`` file, and a scraped forum in generic JSON Lines and CSV),
plants coordinated groups in it, keeps the truth in a separate folder, runs propscope on the
files as a new user would (``propscope run FILES --corpus ... --out ...``) and scores the
communities it exports, beside two baselines, on the same data with the same scorer.

The world (about 3,000 accounts, ~130k records over 28 days, 15 languages in 8 scripts) was
designed from how real operations and real crowds behave, before any score was seen:

* innocent crowds: ordinary users posting in their own time zone; ~45 breaking links that
  30-400 unrelated accounts share within minutes (link, retweet or quote, each link in its own
  form: utm/fbclid/ref parameters, ``www.``/``m.``/``amp.`` hosts, http, trailing slash,
  fragment, upper-case host, the outlet's short link whose expansion is in the data only
  sometimes); popular articles shared at random times; one hashtag nearly everyone uses
  (#Elections2025, in three spellings); RSS aggregators polling the same feeds; outlets and
  their journalists sharing the same articles; fans retweeting celebrities within seconds;
  scheduled bots (hourly price bots posting the same line at the same second, daily weather
  bots); friend circles that reply to each other and pass links around; a weekly TV show
  live-posted by hundreds of viewers with near-identical exclamations; duplicate records
  from overlapping collections; deleted tweets reported in ``errors``; forum timestamps
  rounded to the minute and written in local time zones; a malformed line; media-only
  records without text.
* planted groups (14, sizes 3-50): dominant kinds link, near-identical text, retweet,
  hashtag and reply, most groups acting on several kinds at once; timing tight (seconds to
  three minutes), spread (minutes to an hour) or slow (hours); each member takes part in
  each action with its own probability (some rarely); some accounts are in two groups; one
  group posts on both platforms; members also post ordinary background content.

Scores (the same scorer for every method):

* planted-group F1: for each planted group G, the best F1 over all reported communities C,
  ``F1 = 2|G & C| / (|G| + |C|)`` (0 if no community meets G); the mean over planted groups.
  Communities may overlap and one community may be the best match of two groups.
* innocent accounts placed: accounts of no planted group that are in any community, by
  their innocent type (aggregator, outlet, journalist, fan, friend, tv_live, ...).
* dominant kind found: the best-matching community has F1 >= 0.5 and its ``dominant_kind``
  is the group's dominant kind (the baselines only see links, so they can find ``url`` only).
* findable ceiling: a member is findable when, in the records as written, it acted on at
  least 3 of its group's actions that another member of the group also acted on. The
  ceiling F1 of a group is ``2f / (f + |G|)`` with f findable members (a method that
  returns exactly the findable members).
* negative control: the same world (same seed, same background streams) without the
  planted groups' actions; every community reported there is a false one.

Baselines: the CooRnet/CooRTweet recipe (our own implementation: links as the data gives
them, X's expanded/unwound URL, reposts left out, a fixed 60 s window, pairs that co-shared
at least 3 distinct links, connected components) and QUT's ``coordination-network-toolkit``
(``compute_co_link_network``, 60 s window, ``min_edge_weight`` 3, then connected
components of its edges).

Seeds: DEV seed 4104 (used once end to end to check that the script works).
HELD OUT seed 90417: never run propscope on it while developing; the lead runs it once:
``nice -n 10 /work/main/.venv/bin/python bench/coordination_heldout4.py --seed 90417
--out /tmp/h4-heldout --json``.

Usage: ``python bench/coordination_heldout4.py --seed N --out DIR [--generate-only]
[--json] [--propscope PATH]``.
"""

from __future__ import annotations

import argparse
import bisect
import csv
import hashlib
import json
import math
import random
import resource
import shutil
import sqlite3
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

DEV_SEED = 4104
HELDOUT_SEED = 90417  # HELD OUT: never run propscope on it during development.

START = datetime(2025, 2, 3, tzinfo=UTC).timestamp()
DAYS = 28
END = START + DAYS * 86400
SNOWFLAKE_EPOCH_MS = 1288834974657

# --------------------------------------------------------------------------- vocabulary

_VOCAB_SRC = {
    "en": "the government new plan people city vote today market prices tax election party "
    "leader report says truth media lies support our country must stop corruption now watch "
    "read share future freedom jobs school water",
    "es": "el gobierno nuevo plan gente ciudad voto hoy mercado precios impuesto elección "
    "partido líder informe dice verdad medios mentiras apoyo nuestro país debe parar "
    "corrupción ahora mira lee comparte futuro libertad",
    "pt": "o governo novo plano povo cidade voto hoje mercado preços imposto eleição partido "
    "líder relatório diz verdade mídia mentiras apoio nosso país deve parar corrupção agora "
    "veja leia compartilhe futuro",
    "fr": "le gouvernement nouveau plan peuple ville vote aujourd'hui marché prix impôt "
    "élection parti chef rapport dit vérité médias mensonges soutien notre pays doit "
    "arrêter corruption maintenant regardez lisez partagez avenir",
    "de": "die Regierung neuer Plan Menschen Stadt Wahl heute Markt Preise Steuer Partei Chef "
    "Bericht sagt Wahrheit Medien Lügen Unterstützung unser Land muss stoppen Korruption "
    "jetzt schaut lest teilt Zukunft Freiheit",
    "ru": "правительство новый план люди город голос сегодня рынок цены налог выборы партия "
    "лидер доклад говорит правда СМИ ложь поддержка наша страна должна остановить коррупция "
    "сейчас смотрите читайте делитесь будущее свобода",
    "uk": "уряд новий план люди місто голос сьогодні ринок ціни податок вибори партія лідер "
    "звіт каже правда медіа брехня підтримка наша країна має зупинити корупція зараз "
    "дивіться читайте поширюйте майбутнє",
    "ar": "الحكومة خطة جديدة الناس المدينة التصويت اليوم السوق الأسعار الضرائب الانتخابات "
    "الحزب القائد تقرير يقول الحقيقة الإعلام الأكاذيب دعم بلدنا يجب وقف الفساد الآن شاهد "
    "اقرأ شارك المستقبل الحرية",
    "fa": "دولت طرح جدید مردم شهر رای امروز بازار قیمت مالیات انتخابات حزب رهبر گزارش "
    "می‌گوید حقیقت رسانه دروغ حمایت کشور ما باید متوقف فساد اکنون ببینید بخوانید آینده آزادی",
    "hi": "सरकार नई योजना लोग शहर वोट आज बाजार कीमतें कर चुनाव पार्टी नेता रिपोर्ट कहती सच "
    "मीडिया झूठ समर्थन हमारा देश रोकना भ्रष्टाचार अभी देखो पढ़ो शेयर भविष्य आज़ादी",
    "tr": "hükümet yeni plan halk şehir oy bugün piyasa fiyatlar vergi seçim parti lider rapor "
    "diyor gerçek medya yalanlar destek ülkemiz durdurmalı yolsuzluk şimdi izleyin okuyun "
    "paylaşın gelecek özgürlük",
    "id": "pemerintah rencana baru rakyat kota suara hari ini pasar harga pajak pemilu partai "
    "pemimpin laporan mengatakan kebenaran media kebohongan dukungan negara kita harus "
    "hentikan korupsi sekarang tonton baca bagikan",
    "zh": "政府 新 计划 人民 城市 投票 今天 市场 价格 税收 选举 政党 领导 报告 说 真相 媒体 "
    "谎言 支持 我们的 国家 必须 停止 腐败 现在 观看 阅读 分享 未来 自由",
    "ja": "政府 新しい 計画 人々 都市 投票 今日 市場 価格 税金 選挙 政党 指導者 報告 真実 "
    "メディア 嘘 支持 私たちの 国 止める 汚職 今 見て 読んで 共有 未来 自由",
    "sw": "serikali mpango mpya watu mji kura leo soko bei kodi uchaguzi chama kiongozi ripoti "
    "inasema ukweli vyombo uongo msaada nchi yetu lazima kusimamisha rushwa sasa tazama soma "
    "shiriki baadaye uhuru",
}
VOCAB = {lang: words.split() for lang, words in _VOCAB_SRC.items()}
NO_SPACE = {"zh", "ja"}
LANG_WEIGHTS = {
    "en": 30,
    "es": 12,
    "pt": 8,
    "fr": 6,
    "de": 5,
    "ru": 7,
    "uk": 3,
    "ar": 7,
    "fa": 3,
    "hi": 5,
    "tr": 4,
    "id": 4,
    "zh": 3,
    "ja": 2,
    "sw": 1,
}
LANG_TZ = {
    "en": [-8, -5, 0, 1, 5.5, 10],
    "es": [-6, -5, -3, 1],
    "pt": [-3, 0],
    "fr": [1, 0],
    "de": [1],
    "ru": [3, 5, 7],
    "uk": [2],
    "ar": [2, 3, 4],
    "fa": [3.5],
    "hi": [5.5],
    "tr": [3],
    "id": [7, 8],
    "zh": [8],
    "ja": [9],
    "sw": [3],
}
EMOJI = ["🔥", "👇", "‼️", "😡", "🙏", "💯", "👀", "✅", "❗", "😂", "😍", "🇺🇳", "📢"]
NATIVE_TAGS = {
    "ru": "выборы",
    "uk": "вибори",
    "ar": "الانتخابات",
    "fa": "انتخابات",
    "hi": "चुनाव",
    "zh": "选举",
    "ja": "選挙",
    "tr": "seçim",
    "es": "elecciones",
    "pt": "eleições",
}
UNIVERSAL_TAG_FORMS = ["Elections2025", "elections2025", "ELECTIONS2025"]
# hourly bots in local hours: weights of posting per local hour (people sleep)
DIURNAL = [
    1,
    0.5,
    0.3,
    0.2,
    0.2,
    0.4,
    1,
    2,
    3,
    3.5,
    3.5,
    3.5,
    4,
    3.5,
    3.5,
    3.5,
    3.5,
    4,
    4.5,
    5,
    5,
    4.5,
    3.5,
    2,
]
SHOW_MOMENTS = {
    "en": ["GOAL!!!", "what a performance", "no way!!", "that ending", "robbed!!"],
    "es": ["GOOOOL!!!", "qué actuación", "no puede ser", "increíble final"],
    "pt": ["GOOOL!!!", "que apresentação", "não acredito"],
    "fr": ["BUT !!!", "quelle prestation"],
    "de": ["TOR!!!", "was für ein Auftritt"],
    "ru": ["ГОЛ!!!", "вот это выступление"],
    "ar": ["هدف!!!", "يا له من أداء"],
    "tr": ["GOL!!!", "ne performans"],
}


@dataclass(slots=True)
class Account:
    """One account: its handle, platform, language, time zone and roles."""

    handle: str
    platform: str  # "x" or "web"
    lang: str
    tz: float
    kind: str  # innocent type, or "planted"
    uid: str = ""
    groups: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Post:
    """One post as it happened (before the collection writes it down)."""

    acc: str
    t: float
    text: str
    links: list[tuple[str, str | None]] = field(default_factory=list)  # (as pasted, unwound)
    tags: list[str] = field(default_factory=list)
    rel: str = "original"
    parent: Post | None = None
    truth: tuple[str, int] | None = None  # (group, action) for planted co-actions
    pid: str = ""
    lang: str = "en"


@dataclass(slots=True)
class Article:
    """A web page that can be shared: canonical host and path, short links, title."""

    host: str
    path: str
    t: float
    title: str
    shorts: list[str]
    weight: float
    post: Post | None = None  # the outlet's own tweet of it


# --------------------------------------------------------------------------- helpers

_SYL = [
    "ka",
    "lo",
    "mi",
    "re",
    "tu",
    "sa",
    "no",
    "vi",
    "da",
    "el",
    "ar",
    "on",
    "is",
    "be",
    "zo",
    "qu",
    "ni",
    "ta",
    "ro",
    "xi",
    "fe",
    "gu",
    "ha",
    "jo",
    "ly",
    "pe",
    "wa",
    "yo",
]


def make_handle(rng: random.Random, used: set[str]) -> str:
    """A unique, plausible handle (syllables, maybe an underscore and digits)."""
    while True:
        h = "".join(rng.choice(_SYL) for _ in range(rng.randint(2, 4)))
        if rng.random() < 0.4:
            h += "_" + rng.choice(_SYL)
        if rng.random() < 0.5:
            h += str(rng.randint(1, 9999))
        if rng.random() < 0.15:
            h = h.capitalize()
        if h.lower() not in used:
            used.add(h.lower())
            return h


def sentence(rng: random.Random, lang: str, lo: int = 6, hi: int = 14) -> str:
    """A random sentence in LANG (words from its vocabulary, its own script)."""
    words = rng.choices(VOCAB[lang], k=rng.randint(lo, hi))
    joiner = "" if lang in NO_SPACE else " "
    s = joiner.join(words)
    return s[:1].upper() + s[1:] + ("。" if lang in NO_SPACE else rng.choice([".", "!", "", "?"]))


def mutate(rng: random.Random, text: str, lang: str) -> str:
    """A near-identical copy: punctuation, case, emoji, one word edited, spacing."""
    out = text
    for _ in range(rng.randint(1, 3)):
        r = rng.random()
        if r < 0.25:
            out = out.rstrip(".!?。…") + rng.choice(["", ".", "!", "!!", "…", " !", "?!"])
        elif r < 0.4:
            out = rng.choice([out.lower(), out.upper(), out[:1].upper() + out[1:]])
        elif r < 0.6:
            out = (
                (out + " " + rng.choice(EMOJI))
                if rng.random() < 0.7
                else (rng.choice(EMOJI) + " " + out)
            )
        elif r < 0.8 and lang not in NO_SPACE:
            words = out.split(" ")
            i = rng.randrange(len(words))
            if rng.random() < 0.5 and len(words) > 4:
                del words[i]
            else:
                words.insert(i, rng.choice(VOCAB[lang]))
            out = " ".join(words)
        elif r < 0.9:
            out = out.replace(" ", "  ", 1) if rng.random() < 0.5 else "👉 " + out
        else:
            out = out + " " + rng.choice(["RT", "pls share", "via web", "⬇️", "#breaking"])
    return out


def url_variant(rng: random.Random, art: Article, p_short: float = 0.12) -> tuple[str, str | None]:
    """One share's form of an article's URL, and the unwound URL the platform gave (if any)."""
    full = _long_variant(rng, art)
    if art.shorts and rng.random() < p_short:
        short = rng.choice(art.shorts)
        return short, (full if rng.random() < 0.4 else None)
    return full, None


def _long_variant(rng: random.Random, art: Article) -> str:
    scheme = "https" if rng.random() < 0.85 else "http"
    r = rng.random()
    host = art.host
    if r < 0.45:
        host = "www." + host
    elif r < 0.55:
        host = "m." + host
    elif r < 0.6:
        host = "amp." + host
    elif r < 0.64:
        host = "WWW." + host.upper()
    path = art.path + ("/" if rng.random() < 0.3 else "")
    q = []
    r = rng.random()
    if r < 0.22:
        q.append(
            f"utm_source={rng.choice(['twitter', 'facebook', 'telegram', 'newsletter'])}"
            f"&utm_medium=social&utm_campaign={rng.choice(['share', 'am', 'pm', 'feb25'])}"
        )
    elif r < 0.27:
        q.append("fbclid=IwAR" + "".join(rng.choices("abcdefghijkLMNOPQ0123456789", k=24)))
    elif r < 0.31:
        q.append("s=" + str(rng.randint(10, 21)))
    elif r < 0.34:
        q.append("ref=" + rng.choice(["home", "tw", "rss"]))
    url = f"{scheme}://{host}{path}" + ("?" + "&".join(q) if q else "")
    if rng.random() < 0.03:
        url += "#" + rng.choice(["comments", "top", "section-2"])
    return url


def short_code(rng: random.Random, host: str) -> str:
    return f"https://{host}/" + "".join(
        rng.choices("abcdefghijkmnpqrstuvwxyzABCDEFGH23456789", k=7)
    )


def local_time(rng: random.Random, tz: float, day: int | None = None) -> float:
    """A UTC time whose local hour follows the diurnal curve."""
    d = rng.randrange(DAYS) if day is None else day
    h = rng.choices(range(24), weights=DIURNAL)[0]
    return START + d * 86400 + (h - tz) * 3600 + rng.random() * 3600


# --------------------------------------------------------------------------- world

GROUP_SPECS: list[tuple[str, int, list[str], str, int, tuple[float, float], str, str]] = [
    # name, size, kinds (dominant first), timing, actions, participation range, platform, lang
    ("G01", 50, ["retweet", "hashtag"], "tight", 30, (0.25, 0.8), "x", "en"),
    ("G02", 35, ["url", "text"], "tight", 24, (0.3, 0.9), "x", "es"),
    ("G03", 25, ["text"], "spread", 22, (0.3, 0.85), "x", "ru"),
    ("G04", 20, ["hashtag", "url"], "tight", 20, (0.3, 0.9), "x", "ar"),
    ("G05", 15, ["reply", "text"], "spread", 20, (0.35, 0.85), "x", "hi"),
    ("G06", 12, ["url"], "slow", 20, (0.4, 0.9), "web", "pt"),
    ("G07", 10, ["text", "url"], "tight", 18, (0.4, 0.9), "web", "fa"),
    ("G08", 8, ["url"], "spread", 18, (0.4, 0.9), "mixed", "fr"),
    ("G09", 6, ["retweet"], "tight", 25, (0.5, 0.95), "x", "tr"),
    ("G10", 5, ["url", "hashtag", "text"], "tight", 16, (0.5, 0.95), "x", "zh"),
    ("G11", 4, ["hashtag"], "slow", 14, (0.5, 0.95), "web", "de"),
    ("G12", 3, ["url"], "tight", 12, (0.6, 0.95), "x", "id"),
    ("G13", 3, ["text"], "spread", 12, (0.6, 0.95), "web", "uk"),
    ("G14", 30, ["url", "retweet", "reply"], "spread", 26, (0.2, 0.8), "x", "en"),
]
DOUBLE_MEMBERS = 10  # accounts that act in two groups


class World:
    """The generated world: accounts, posts, planted truth."""

    def __init__(self, seed: int, planted: bool = True) -> None:
        self.seed = seed
        self.planted = planted
        self.accounts: dict[str, Account] = {}
        self.posts: list[Post] = []
        self.articles: list[Article] = []
        self.groups: dict[str, dict[str, Any]] = {}
        self._used: set[str] = set()
        self._n = 0
        self.build()

    def rng(self, stream: int) -> random.Random:
        """An independent random stream, so removing planted groups leaves the rest as is."""
        return random.Random(self.seed * 1009 + stream)

    # accounts -----------------------------------------------------------------------
    def add_account(
        self, rng: random.Random, kind: str, platform: str, lang: str | None = None
    ) -> Account:
        lang = lang or rng.choices(list(LANG_WEIGHTS), weights=list(LANG_WEIGHTS.values()))[0]
        acc = Account(make_handle(rng, self._used), platform, lang, rng.choice(LANG_TZ[lang]), kind)
        acc.uid = str(rng.randint(10**9, 10**18))
        self.accounts[acc.handle] = acc
        return acc

    def post(self, acc: Account, t: float, text: str, **kw: Any) -> Post:
        """Make a post; only posts inside the collection's time range are collected."""
        p = Post(acc.handle, t, text, lang=acc.lang, **kw)
        self._n += 1
        p.pid = str(((int(t * 1000) - SNOWFLAKE_EPOCH_MS) << 22) | (self._n & 0x3FFFFF))
        if START <= t < END:
            self.posts.append(p)
        return p

    def build(self) -> None:
        rng = self.rng(1)
        self.ordinary = [
            self.add_account(rng, "ordinary", "x" if rng.random() < 0.72 else "web")
            for _ in range(2450)
        ]
        self.outlets = [self.add_account(rng, "outlet", "x") for _ in range(15)]
        self.journalists = {
            o.handle: [
                self.add_account(rng, "journalist", "x", o.lang) for _ in range(rng.randint(2, 5))
            ]
            for o in self.outlets
        }
        self.aggregators = [
            self.add_account(rng, "aggregator", "x" if i < 24 else "web") for i in range(30)
        ]
        self.celebs = [self.add_account(rng, "celebrity", "x") for _ in range(6)]
        self.politicians = [self.add_account(rng, "politician", "x") for _ in range(10)]
        self.fans = [self.add_account(rng, "fan", "x") for _ in range(220)]
        self.bots = [
            self.add_account(rng, "scheduled_bot", "x" if i < 10 else "web", "en")
            for i in range(14)
        ]
        # planted pool: made even for the negative control, so both worlds hold the same accounts
        grng = self.rng(2)
        self.members: dict[str, list[Account]] = {}
        pool: list[Account] = []
        for name, size, _k, _tm, _n, _p, plat, lang in GROUP_SPECS:
            accs = []
            for i in range(size):
                platform = plat if plat != "mixed" else ("x" if i % 2 == 0 else "web")
                a = self.add_account(
                    grng, "planted", platform, lang if grng.random() < 0.85 else None
                )
                accs.append(a)
            self.members[name] = accs
            pool.extend(accs)
        # accounts in two groups: a member of one group also acts in another group of the
        # same platform
        names = [s[0] for s in GROUP_SPECS]
        for _ in range(DOUBLE_MEMBERS):
            a, b = grng.sample(names, 2)
            cand = [
                m
                for m in self.members[a]
                if not m.groups
                and (
                    self.members[b][0].platform == m.platform
                    or GROUP_SPECS[names.index(b)][6] == "mixed"
                )
            ]
            if cand:
                m = grng.choice(cand)
                m.groups.append(b)
                self.members[b].append(m)
        for name, accs in self.members.items():
            for a in accs:
                if name not in a.groups:
                    a.groups.insert(0, name)
        self.planted_pool = pool
        self._by_author: dict[str, list[Post]] = defaultdict(list)
        self._articles()
        self._journalists(self.rng(6))
        self._fans(self.rng(7))
        self._politicians(self.rng(11))
        for posts in self._by_author.values():
            posts.sort(key=lambda p: p.t)
        self._times = {h: [p.t for p in ps] for h, ps in self._by_author.items()}
        self._background(self.rng(3))
        self._viral(self.rng(4))
        self._aggregators(self.rng(5))
        self._bots(self.rng(8))
        self._friends(self.rng(9))
        self._tv(self.rng(10))
        if self.planted:
            self._plant(self.rng(12))

    # innocent behaviour ---------------------------------------------------------------
    def _articles(self) -> None:
        rng = self.rng(20)
        self.outlet_hosts = {}
        for o in self.outlets:
            host = (
                f"{rng.choice(['daily', 'the', 'news', 'metro', 'global', 'info'])}"
                f"{rng.choice(['herald', 'post', 'times', 'courier', 'press', 'wire'])}{rng.randint(1, 99)}."
                f"{rng.choice(['com', 'net', 'org', 'co.uk', 'de', 'es', 'com.br', 'ru', 'in'])}"
            )
            short_host = rng.choice(["bit.ly", "trib.al", "ow.ly", "buff.ly"])
            self.outlet_hosts[o.handle] = host
            for d in range(DAYS):
                for _ in range(rng.randint(5, 11)):
                    t = local_time(rng, o.tz, d)
                    slug = "-".join(
                        rng.choices(
                            [
                                "plan",
                                "vote",
                                "tax",
                                "city",
                                "court",
                                "fire",
                                "deal",
                                "poll",
                                "strike",
                                "storm",
                                "bank",
                                "school",
                            ],
                            k=3,
                        )
                    )
                    art = Article(
                        host,
                        f"/{rng.choice(['politics', 'world', 'business', 'local'])}/"
                        f"{slug}-{rng.randint(10000, 99999)}",
                        t,
                        sentence(rng, o.lang, 6, 11),
                        [short_code(rng, short_host)],
                        rng.lognormvariate(0, 1.3),
                    )
                    art.post = self.post(
                        o, t + rng.uniform(5, 120), art.title, links=[url_variant(rng, art, 0.5)]
                    )
                    art.post.truth = None
                    self.articles.append(art)
        self.articles.sort(key=lambda a: a.t)
        self.art_weights = [a.weight for a in self.articles]

    def _share_text(self, rng: random.Random, acc: Account, art: Article) -> str:
        r = rng.random()
        if r < 0.35:
            return art.title
        if r < 0.5:
            return mutate(rng, art.title, acc.lang)
        return sentence(rng, acc.lang, 3, 10)

    def _background(self, rng: random.Random) -> None:
        """Ordinary posting, including planted members' cover activity."""
        popular = self.celebs + self.politicians + self.outlets
        tags = [
            f"{rng.choice(['Metro', 'Local', 'Vote', 'Daily', 'Live', 'Crypto', 'Music', 'Food'])}"
            f"{rng.choice(['News', 'Talk', 'Life', 'Now', 'Hub', 'Fans', 'Watch'])}{i % 7 or ''}"
            for i in range(250)
        ]
        tag_w = [1 / (i + 1) for i in range(len(tags))]
        self.recent_x: list[Post] = []
        for acc in self.ordinary + self.planted_pool:
            n = max(1, int(rng.lognormvariate(3.0, 0.9)))
            if acc.kind == "planted":
                n = max(3, n // 2)
            for _ in range(n):
                t = local_time(rng, acc.tz)
                r = rng.random()
                if acc.platform == "x" and r < 0.18:
                    src = rng.choice(popular)
                    cand = self._before(src.handle, t)
                    if cand:
                        parent = rng.choice(cand[-20:])
                        self.post(acc, t, "", rel="retweet", parent=parent)
                        continue
                if acc.platform == "x" and r < 0.26:
                    src = rng.choice(popular)
                    cand = self._before(src.handle, t)
                    if cand:
                        parent = cand[-1]
                        self.post(
                            acc,
                            parent.t + rng.lognormvariate(7, 1.5),
                            sentence(rng, acc.lang, 3, 9),
                            rel="reply",
                            parent=parent,
                        )
                        continue
                text = sentence(rng, acc.lang)
                links, ptags = [], []
                if rng.random() < 0.18:
                    art = rng.choices(self.articles, weights=self.art_weights)[0]
                    t = art.t + rng.lognormvariate(9.5, 1.4)
                    links.append(url_variant(rng, art))
                    text = self._share_text(rng, acc, art)
                if rng.random() < 0.3:
                    ptags.append(rng.choice(UNIVERSAL_TAG_FORMS))
                if rng.random() < 0.25:
                    ptags.append(rng.choices(tags, weights=tag_w)[0])
                if acc.lang in NATIVE_TAGS and rng.random() < 0.2:
                    ptags.append(NATIVE_TAGS[acc.lang])
                if t < END:
                    self.post(acc, t, text, links=links, tags=ptags)

    def _recent_of(self, handle: str) -> list[Post]:
        return self._by_author[handle]

    def _before(self, handle: str, t: float) -> list[Post]:
        """The account's posts made before T (its own feed as a follower sees it)."""
        return self._by_author[handle][: bisect.bisect_left(self._times.get(handle, []), t)]

    def _politicians(self, rng: random.Random) -> None:
        """Politicians post; random people reply within minutes to hours."""
        xs = [a for a in self.ordinary if a.platform == "x"]
        for pol in self.politicians:
            for d in range(DAYS):
                for _ in range(rng.randint(1, 4)):
                    p = self.post(
                        pol,
                        local_time(rng, pol.tz, d),
                        sentence(rng, pol.lang),
                        tags=[UNIVERSAL_TAG_FORMS[0]] if rng.random() < 0.5 else [],
                    )
                    self._recent_of(pol.handle).append(p)
                    for a in rng.sample(xs, rng.randint(2, 40)):
                        self.post(
                            a,
                            p.t + rng.lognormvariate(6.5, 1.3),
                            sentence(rng, a.lang, 3, 9),
                            rel="reply",
                            parent=p,
                        )
                    for a in rng.sample(xs, rng.randint(0, 30)):
                        self.post(a, p.t + rng.lognormvariate(7, 1.5), "", rel="retweet", parent=p)

    def _viral(self, rng: random.Random) -> None:
        """Breaking links: dozens to hundreds of unrelated accounts within minutes."""
        people = self.ordinary + self.planted_pool + self.fans
        for art in rng.sample(self.articles, 45):
            n = int(math.exp(rng.uniform(math.log(30), math.log(400))))
            for a in rng.sample(people, n):
                delay = (
                    rng.expovariate(1 / 240) if rng.random() < 0.8 else rng.expovariate(1 / 2400)
                )
                t = art.t + 60 + delay
                r = rng.random()
                if a.platform == "x" and art.post is not None and r < 0.35:
                    self.post(a, t, "", rel="retweet", parent=art.post)
                elif a.platform == "x" and art.post is not None and r < 0.45:
                    self.post(
                        a,
                        t,
                        mutate(rng, sentence(rng, a.lang, 2, 6), a.lang),
                        rel="quote",
                        parent=art.post,
                    )
                else:
                    text = ("BREAKING: " if rng.random() < 0.2 else "") + self._share_text(
                        rng, a, art
                    )
                    self.post(
                        a,
                        t,
                        text,
                        links=[url_variant(rng, art, 0.25)],
                        tags=[UNIVERSAL_TAG_FORMS[0]] if rng.random() < 0.3 else [],
                    )
        # a few ordinary tweets go viral by retweets
        xs = [a for a in self.ordinary if a.platform == "x"]
        for _ in range(30):
            src = rng.choice(xs)
            p = self.post(src, local_time(rng, src.tz), sentence(rng, src.lang))
            for a in rng.sample(xs, int(math.exp(rng.uniform(math.log(50), math.log(500))))):
                self.post(a, p.t + rng.expovariate(1 / 900), "", rel="retweet", parent=p)

    def _aggregators(self, rng: random.Random) -> None:
        """RSS bots: each polls a few outlet feeds every few minutes and posts every item."""
        by_outlet: dict[str, list[Article]] = defaultdict(list)
        for art in self.articles:
            by_outlet[art.host].append(art)
        hosts = list(by_outlet)
        for ag in self.aggregators:
            feeds = rng.sample(hosts, rng.randint(2, 6))
            period = rng.choice([300, 600, 900, 1800, 3600])
            phase = rng.uniform(0, period)
            utm = rng.random() < 0.5
            own_short = rng.random() < 0.3
            tag = rng.random() < 0.4
            for h in feeds:
                for art in by_outlet[h]:
                    t = math.ceil((art.t - phase) / period) * period + phase + rng.uniform(1, 25)
                    if own_short:
                        link = (
                            short_code(rng, "dlvr.it"),
                            _long_variant(rng, art) if rng.random() < 0.3 else None,
                        )
                    else:
                        link = (
                            f"https://{art.host}{art.path}"
                            + ("?utm_source=rss&utm_medium=feed" if utm else ""),
                            None,
                        )
                    self.post(
                        ag, t, art.title, links=[link], tags=[UNIVERSAL_TAG_FORMS[0]] if tag else []
                    )

    def _journalists(self, rng: random.Random) -> None:
        """Outlets' journalists share their outlet's articles (retweet or link) minutes to hours later."""
        for o in self.outlets:
            host = self.outlet_hosts[o.handle]
            for j in self.journalists[o.handle]:
                p_share = rng.uniform(0.25, 0.7)
                for art in self.articles:
                    if art.host != host or rng.random() > p_share:
                        continue
                    t = art.t + rng.lognormvariate(6.5, 1.4)
                    if rng.random() < 0.5 and art.post is not None:
                        self.post(j, t, "", rel="retweet", parent=art.post)
                    else:
                        self.post(
                            j,
                            t,
                            mutate(rng, art.title, j.lang)
                            if rng.random() < 0.5
                            else sentence(rng, j.lang, 3, 8),
                            links=[url_variant(rng, art, 0.3)],
                        )
            for art in self.articles:
                if art.host == host and art.post is not None:
                    self._recent_of(o.handle).append(art.post)

    def _fans(self, rng: random.Random) -> None:
        """Celebrities post; fans retweet within seconds to minutes."""
        fan_of = {f.handle: rng.sample(self.celebs, rng.randint(1, 2)) for f in self.fans}
        p_fan = {f.handle: rng.uniform(0.2, 0.85) for f in self.fans}
        for c in self.celebs:
            for d in range(DAYS):
                for _ in range(rng.randint(1, 3)):
                    p = self.post(
                        c,
                        local_time(rng, c.tz, d),
                        mutate(rng, sentence(rng, c.lang), c.lang),
                        tags=["NewMusic"] if rng.random() < 0.3 else [],
                    )
                    self._recent_of(c.handle).append(p)
                    for f in self.fans:
                        if c in fan_of[f.handle] and rng.random() < p_fan[f.handle]:
                            self.post(
                                f, p.t + rng.lognormvariate(4.0, 1.2), "", rel="retweet", parent=p
                            )
        for f in self.fans:
            for _ in range(rng.randint(5, 25)):
                self.post(
                    f,
                    local_time(rng, f.tz),
                    sentence(rng, f.lang, 3, 10),
                    tags=["NewMusic"] if rng.random() < 0.3 else [],
                )

    def _bots(self, rng: random.Random) -> None:
        """Scheduled bots: price bots on the hour (same line, same second), daily weather bots."""
        price_bots, weather_bots = self.bots[:8], self.bots[8:]
        for h in range(DAYS * 24):
            t = START + h * 3600
            price = 60000 + 5000 * math.sin(h / 40) + rng.uniform(-300, 300)
            line = f"BTC price: ${price:,.0f} ({rng.uniform(-3, 3):+.2f}% 1h)"
            for b in price_bots[:4]:
                self.post(b, t + rng.uniform(0, 4), line, tags=["Bitcoin", "BTC"])
            eth = f"ETH price: ${price / 20:,.1f}"
            for b in price_bots[4:]:
                if rng.random() < 0.9:
                    self.post(b, t + rng.uniform(0, 10), eth, tags=["Ethereum", "crypto"])
        for b in weather_bots:
            city = rng.choice(["Lagos", "Lima", "Oslo", "Pune", "Quito", "Perth", "Leeds"])
            for d in range(DAYS):
                t = START + d * 86400 + (6 - b.tz) * 3600 + rng.uniform(0, 30)
                self.post(
                    b,
                    t,
                    f"Weather in {city} today: {rng.randint(-5, 35)}°C, "
                    f"{rng.choice(['sunny', 'rain', 'cloudy', 'windy'])}.",
                    links=[(f"https://weather.example.org/{city.lower()}/{d}", None)],
                    tags=["weather"],
                )

    def _friends(self, rng: random.Random) -> None:
        """Friend circles: reply to each other within minutes, pass links and memes around."""
        self.friend_circles = []
        xs = [a for a in self.ordinary if a.platform == "x"]
        for _ in range(45):
            circle = rng.sample(xs, rng.randint(3, 8))
            self.friend_circles.append(circle)
            for a in circle:
                if a.kind == "ordinary":
                    a.kind = "friend"
            for d in range(DAYS):
                if rng.random() < 0.35:
                    starter = rng.choice(circle)
                    p = self.post(
                        starter, local_time(rng, starter.tz, d), sentence(rng, starter.lang)
                    )
                    for f in circle:
                        if f is not starter and rng.random() < 0.6:
                            self.post(
                                f,
                                p.t + rng.lognormvariate(5, 1),
                                mutate(
                                    rng,
                                    rng.choice(
                                        ["haha", "lol", "so true", "😂😂", "no way", "same"]
                                    ),
                                    "en",
                                ),
                                rel="reply",
                                parent=p,
                            )
                if rng.random() < 0.12:
                    vid = "".join(rng.choices("abcdefghijkLMNOPQRSTUVWXyz0123456789_-", k=11))
                    t0 = local_time(rng, circle[0].tz, d)
                    for f in rng.sample(circle, rng.randint(2, len(circle))):
                        link = rng.choice(
                            [
                                f"https://www.youtube.com/watch?v={vid}",
                                f"https://youtu.be/{vid}",
                                f"https://m.youtube.com/watch?v={vid}&feature=share",
                            ]
                        )
                        self.post(
                            f,
                            t0 + rng.uniform(0, 3600),
                            mutate(rng, "look at this", "en"),
                            links=[(link, None)],
                        )

    def _tv(self, rng: random.Random) -> None:
        """A weekly show live-posted by hundreds: same hashtag, same exclamations, same minute."""
        viewers = rng.sample([a for a in self.ordinary if a.kind == "ordinary"], 320)
        for a in viewers:
            a.kind = "tv_live"
        for week in range(4):
            t_show = START + (5 + 7 * week) * 86400 + 19 * 3600
            moments = sorted(t_show + rng.uniform(0, 3 * 3600) for _ in range(12))
            for a in viewers:
                if rng.random() > 0.6:
                    continue
                for _ in range(rng.randint(2, 10)):
                    m = rng.choice(moments)
                    base = rng.choice(SHOW_MOMENTS.get(a.lang, SHOW_MOMENTS["en"]))
                    tags = ["GrandShow"] + (
                        ["Team" + rng.choice(["Aya", "Bo", "Cruz"])] if rng.random() < 0.3 else []
                    )
                    self.post(
                        a,
                        m + rng.expovariate(1 / 50),
                        mutate(rng, base, a.lang) if rng.random() < 0.6 else base,
                        tags=tags,
                    )

    # planted groups -------------------------------------------------------------------
    def _plant(self, rng: random.Random) -> None:
        targets = [
            p
            for p in self.posts
            if p.rel == "original"
            and p.acc
            in {
                a.handle
                for a in self.politicians + list(j for js in self.journalists.values() for j in js)
            }
        ]
        people = [a for a in self.ordinary if a.platform == "x"]
        for gi, (name, _size, kinds, timing, n_actions, (plo, phi), _plat, lang) in enumerate(
            GROUP_SPECS
        ):
            members = self.members[name]
            part = {m.handle: rng.uniform(plo, phi) for m in members}
            for m in rng.sample(members, max(1, len(members) // 6)):
                part[m.handle] = rng.uniform(0.12, 0.25)  # members that miss most actions
            seeds = members[: max(1, min(3, len(members) // 4))]
            host = (
                f"{rng.choice(['truth', 'real', 'free', 'patriot', 'voice'])}-"
                f"{rng.choice(['news', 'daily', 'report', 'today'])}{gi}.{rng.choice(['info', 'net', 'online', 'site'])}"
            )
            op_tz = rng.choice(LANG_TZ[lang])
            tags_used: list[str] = []
            self.groups[name] = {
                "kinds": kinds,
                "timing": timing,
                "lang": lang,
                "members": sorted(m.handle for m in members),
                "actions": n_actions,
            }
            for ai in range(n_actions):
                day = rng.randrange(DAYS)
                t0 = START + day * 86400 + (rng.uniform(9, 18) - op_tz) * 3600
                akinds = [kinds[0]] + [k for k in kinds[1:] if rng.random() < 0.5]
                art = None
                if "url" in akinds:
                    art = Article(
                        host,
                        f"/{rng.choice(['p', 'article', '2025/02'])}/{rng.randint(1000, 99999)}",
                        t0,
                        sentence(rng, lang, 6, 10),
                        [short_code(rng, "bit.ly")],
                        1.0,
                    )
                template = sentence(rng, lang, 10, 18) if "text" in akinds else None
                tag = None
                if "hashtag" in akinds:
                    if tags_used and rng.random() < 0.4:
                        tag = rng.choice(tags_used)
                    else:
                        tag = (
                            rng.choice(["Stop", "Save", "Free", "No", "Justice"])
                            + rng.choice(["Kavora", "Metrolis", "Dunbar", "Velia", "Orun"])
                            + str(rng.randint(1, 99))
                        )
                        tags_used.append(tag)
                # url, hashtag and copied text go in the member's own post (text goes in the
                # reply instead when the action is a reply)
                content = [
                    k
                    for k in akinds
                    if k in ("url", "hashtag") or (k == "text" and "reply" not in akinds)
                ]
                seed_post = None
                if "retweet" in akinds:
                    s = rng.choice(seeds)
                    seed_post = self.post(
                        s,
                        t0,
                        template or sentence(rng, lang),
                        links=[url_variant(rng, art)] if art else [],
                        truth=(name, ai),
                    )
                target = None
                if "reply" in akinds:
                    near = [p for p in targets if t0 - 86400 < p.t < t0]
                    target = rng.choice(near) if near else rng.choice(targets)
                    t0 = max(t0, target.t + rng.uniform(60, 1800))
                for m in members:
                    if rng.random() > part[m.handle]:
                        continue
                    if timing == "tight":
                        delay = rng.uniform(0, 90) + rng.expovariate(1 / 20)
                    elif timing == "spread":
                        delay = min(3600.0, rng.uniform(0, 300) + rng.expovariate(1 / 900))
                    else:
                        delay = rng.uniform(0, 6 * 3600)
                    t = t0 + delay
                    if seed_post is not None and m.platform == "x" and m.handle != seed_post.acc:
                        self.post(m, t, "", rel="retweet", parent=seed_post, truth=(name, ai))
                    if target is not None and m.platform == "x":
                        text = (
                            mutate(rng, template, lang) if template else sentence(rng, lang, 4, 10)
                        )
                        self.post(
                            m,
                            t + rng.uniform(0, 120),
                            text,
                            rel="reply",
                            parent=target,
                            truth=(name, ai),
                        )
                    if content:
                        # the same action's own post: its link, its hashtag, its copied text
                        if template and "text" in content:
                            text = mutate(rng, template, lang)
                        elif art and rng.random() < 0.5:
                            text = mutate(rng, art.title, lang)
                        else:
                            text = sentence(rng, lang, 4, 10)
                        links = [url_variant(rng, art, 0.35)] if art and "url" in content else []
                        ptags = [tag] if tag and "hashtag" in content else []
                        if rng.random() < 0.3:
                            ptags.append(UNIVERSAL_TAG_FORMS[0])
                        self.post(
                            m,
                            t + rng.uniform(0, 30),
                            text,
                            links=links,
                            tags=ptags,
                            truth=(name, ai),
                        )
                # innocent pick-up of the operation's items
                if art and rng.random() < 0.3:
                    for a in rng.sample(people, rng.randint(1, 5)):
                        self.post(
                            a,
                            t0 + rng.uniform(3600, 48 * 3600),
                            sentence(rng, a.lang, 3, 8),
                            links=[url_variant(rng, art)],
                        )
                if tag and rng.random() < 0.5:
                    for a in rng.sample(people, rng.randint(0, 8)):
                        self.post(
                            a,
                            t0 + rng.uniform(600, 12 * 3600),
                            sentence(rng, a.lang, 3, 8),
                            tags=[tag],
                        )


# --------------------------------------------------------------------------- collection


def _iso_z(t: float) -> str:
    return (
        datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%dT%H:%M:%S.")
        + f"{int((t % 1) * 1000):03d}Z"
    )


def _local_iso(t: float, tz: float, minute: bool = True) -> str:
    off = timezone(timedelta(hours=tz))
    dt = datetime.fromtimestamp(t, off)
    if minute:
        dt = dt.replace(second=0, microsecond=0)  # scrapers show minutes only
    return dt.isoformat()


def _tweet(p: Post, world: World, rng: random.Random, tco: dict[str, str]) -> dict[str, Any]:
    """Post -> X API v2 tweet object (entities with t.co links, referenced tweets)."""
    acc = world.accounts[p.acc]
    if p.rel == "retweet" and p.parent is not None:
        par = p.parent
        ptext = _text_with_entities(par, tco)[0]
        text = f"RT @{par.acc}: {ptext}"
        if len(text) > 140:
            text = text[:139] + "…"
        ents = _entities(text, par, tco, offset=0)
    else:
        links = p.links
        body, _ = _text_with_entities(p, tco)
        if p.rel == "reply" and p.parent is not None:
            body = f"@{p.parent.acc} {body}"
        if p.rel == "quote" and p.parent is not None:
            q = f"https://twitter.com/{p.parent.acc}/status/{p.parent.pid}"
            short = tco.setdefault(q, _tco(q))
            body = f"{body} {short}"
            links = p.links + [(q, None)]
        text = body
        ents = _entities(text, p, tco, offset=0, links=links)
    tw: dict[str, Any] = {
        "id": p.pid,
        "text": text,
        "created_at": _iso_z(p.t),
        "author_id": acc.uid,
        "lang": p.lang if p.rel != "retweet" else (p.parent.lang if p.parent else "und"),
        "conversation_id": p.pid,
        "edit_history_tweet_ids": [p.pid],
        "public_metrics": {
            "retweet_count": rng.randint(0, 50),
            "reply_count": rng.randint(0, 9),
            "like_count": rng.randint(0, 300),
            "quote_count": 0,
        },
        "possibly_sensitive": False,
    }
    if ents:
        tw["entities"] = ents
    if p.parent is not None:
        kind = {"retweet": "retweeted", "reply": "replied_to", "quote": "quoted"}[p.rel]
        tw["referenced_tweets"] = [{"type": kind, "id": p.parent.pid}]
        if p.rel == "reply":
            tw["in_reply_to_user_id"] = world.accounts[p.parent.acc].uid
            tw["conversation_id"] = p.parent.pid
    if rng.random() < 0.01:
        tw["edit_history_tweet_ids"] = [str(int(p.pid) - 4096), p.pid]
    return tw


def _text_with_entities(p: Post, tco: dict[str, str]) -> tuple[str, list[str]]:
    parts = [p.text] if p.text else []
    shorts = []
    for raw, _unw in p.links:
        s = tco.setdefault(raw, _tco(raw))
        shorts.append(s)
        if not raw.startswith("https://twitter.com/"):
            parts.append(s)
    parts.extend("#" + t for t in p.tags)
    return " ".join(parts), shorts


def _tco(raw: str) -> str:
    """X's t.co wrapper of a URL (stable per URL)."""
    return "https://t.co/" + hashlib.blake2b(raw.encode(), digest_size=8).hexdigest()[:10]


def _entities(
    text: str,
    p: Post,
    tco: dict[str, str],
    offset: int,
    links: list[tuple[str, str | None]] | None = None,
) -> dict[str, Any]:
    ents: dict[str, Any] = {}
    urls = []
    for raw, unw in p.links if links is None else links:
        s = tco[raw]
        i = text.find(s)
        if i < 0:
            continue
        e = {
            "start": i,
            "end": i + len(s),
            "url": s,
            "expanded_url": raw,
            "display_url": raw.split("://", 1)[-1][:26],
        }
        if unw:
            e["unwound_url"] = unw
        urls.append(e)
    if urls:
        ents["urls"] = urls
    tags = []
    for tg in p.tags:
        i = text.find("#" + tg)
        if i >= 0:
            tags.append({"start": i, "end": i + len(tg) + 1, "tag": tg})
    if tags:
        ents["hashtags"] = tags
    if p.rel == "reply" and p.parent is not None:
        ents["mentions"] = [{"start": 0, "end": len(p.parent.acc) + 1, "username": p.parent.acc}]
    return ents


def write_corpus(world: World, out: Path, seed: int) -> dict[str, Any]:
    """Write the collection as an analyst would hold it; return what was written, per post."""
    rng = random.Random(seed * 7919 + 1)
    out.mkdir(parents=True, exist_ok=True)
    posts = sorted(world.posts, key=lambda p: p.t)
    tco: dict[str, str] = {}
    x_posts = [p for p in posts if world.accounts[p.acc].platform == "x"]
    web_posts = [p for p in posts if world.accounts[p.acc].platform == "web"]
    in_a = {id(p) for p in x_posts if rng.random() < 0.85}
    in_b = {id(p) for p in x_posts if rng.random() < 0.35}
    emitted: list[Post] = []
    seen = set()
    # X search (twarc2 raw pages, newest first, 100 tweets a page)
    page_posts = [p for p in reversed(x_posts) if id(p) in in_a]
    with open(out / "x_search_elections.jsonl", "w", encoding="utf-8") as f:
        for k in range(0, len(page_posts), 100):
            chunk = page_posts[k : k + 100]
            data, users, inc = [], {}, {}
            for p in chunk:
                tw = _tweet(p, world, rng, tco)
                data.append(tw)
                for a in [p.acc] + ([p.parent.acc] if p.parent else []):
                    acc = world.accounts[a]
                    users[acc.uid] = {
                        "id": acc.uid,
                        "username": acc.handle,
                        "name": acc.handle.replace("_", " ").title(),
                    }
                if p.parent is not None and p.parent.pid not in inc:
                    inc[p.parent.pid] = _tweet(p.parent, world, rng, tco)
            page: dict[str, Any] = {
                "data": data,
                "includes": {"users": list(users.values()), "tweets": list(inc.values())},
                "meta": {
                    "result_count": len(data),
                    "newest_id": data[0]["id"],
                    "oldest_id": data[-1]["id"],
                },
            }
            if rng.random() < 0.15:
                page["errors"] = [
                    {
                        "resource_id": str(rng.randint(10**17, 10**18)),
                        "title": "Not Found Error",
                        "detail": "Could not find tweet.",
                        "type": "https://api.twitter.com/2/problems/resource-not-found",
                    }
                ]
            f.write(json.dumps(page, ensure_ascii=False) + "\n")
            for p in chunk:
                if id(p) not in seen:
                    seen.add(id(p))
                    emitted.append(p)
    # an overlapping keyword search, flattened by twarc2 (one tweet a line, author inline)
    with open(out / "x_keyword_flat.jsonl", "w", encoding="utf-8") as f:
        for p in x_posts:
            if id(p) not in in_b:
                continue
            tw = _tweet(p, world, rng, tco)
            acc = world.accounts[p.acc]
            tw["author"] = {"id": acc.uid, "username": acc.handle, "name": acc.handle.title()}
            if p.parent is not None:
                ref = _tweet(p.parent, world, rng, tco)
                pa = world.accounts[p.parent.acc]
                ref["author"] = {"id": pa.uid, "username": pa.handle, "name": pa.handle.title()}
                tw["referenced_tweets"] = [dict(tw["referenced_tweets"][0], **ref)]
            tw["__twarc"] = {
                "url": "https://api.twitter.com/2/tweets/search/all",
                "version": "2.14.0",
                "retrieved_at": "2025-03-04T10:00:00+00:00",
            }
            f.write(json.dumps(tw, ensure_ascii=False) + "\n")
            if id(p) not in seen:
                seen.add(id(p))
                emitted.append(p)
    # the forum: a scraper's JSON Lines and an older CSV export that overlap
    in_j = {id(p) for p in web_posts if rng.random() < 0.85}
    in_c = {id(p) for p in web_posts if id(p) not in in_j or rng.random() < 0.15}
    n_json = 0
    with open(out / "forum_scrape.jsonl", "w", encoding="utf-8") as f:
        for n, p in enumerate(web_posts):
            if id(p) not in in_j:
                continue
            acc = world.accounts[p.acc]
            rec = {
                "id": f"fp{p.pid}",
                "author": acc.handle,
                "text": _web_text(p),
                "created_at": _local_iso(p.t, acc.tz),
                "url": f"https://forum.example.net/t/{p.pid[-12:]}",
                "likes": rng.randint(0, 40),
            }
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")
            if n % 5000 == 17:
                f.write(
                    json.dumps(
                        {
                            "id": f"fm{n}",
                            "author": acc.handle,
                            "text": "",
                            "media": "img.jpg",
                            "created_at": _local_iso(p.t, acc.tz),
                        }
                    )
                    + "\n"
                )
            n_json += 1
            if n_json == 1000:
                f.write('{"id": "broken", "author": "x", "text": "unterminated\n')
            emitted.append(p)
            seen.add(id(p))
    with open(out / "forum_export_old.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "account", "text", "date", "url"])
        for p in web_posts:
            if id(p) not in in_c:
                continue
            acc = world.accounts[p.acc]
            w.writerow(
                [
                    f"fp{p.pid}",
                    acc.handle,
                    _web_text(p),
                    _local_iso(p.t, acc.tz),
                    f"https://forum.example.net/t/{p.pid[-12:]}",
                ]
            )
            if id(p) not in seen:
                seen.add(id(p))
                emitted.append(p)
    return {
        "emitted": emitted,
        "files": sorted(str(x) for x in out.iterdir()),
        "x_records": len(in_a) + len(in_b),
        "web_records": len(in_j) + len(in_c),
    }


def _web_text(p: Post) -> str:
    parts = [p.text] if p.text else []
    parts += [raw for raw, _ in p.links]
    parts += ["#" + t for t in p.tags]
    return " ".join(parts) or "."


# --------------------------------------------------------------------------- truth


def truth_of(world: World, emitted: list[Post]) -> dict[str, Any]:
    """Planted groups with their findable members (from the records as written)."""
    acts: dict[tuple[str, int], set[str]] = defaultdict(set)
    for p in emitted:
        if p.truth is not None:
            acts[p.truth].add(p.acc)
    groups = {}
    for name, g in world.groups.items():
        count: dict[str, int] = defaultdict(int)
        for (gname, _ai), accs in acts.items():
            if gname == name and len(accs) >= 2:
                for a in accs:
                    count[a] += 1
        members = set(g["members"])
        findable = sorted(a.lower() for a in members if count.get(a, 0) >= 3)
        groups[name] = dict(
            g,
            members=sorted(m.lower() for m in members),
            findable=findable,
            size=len(members),
            dominant_kind=g["kinds"][0],
        )
    kinds = {h.lower(): a.kind for h, a in world.accounts.items()}
    return {"groups": groups, "account_kind": kinds}


# --------------------------------------------------------------------------- scoring


def _f1(a: set[str], b: set[str]) -> float:
    inter = len(a & b)
    return 2 * inter / (len(a) + len(b)) if inter else 0.0


def score(
    communities: list[tuple[set[str], str]],
    truth: dict[str, Any],
    kinds_seen: set[str] | None = None,
) -> dict[str, Any]:
    """Score communities [(members, dominant_kind)] against the planted truth (see module doc)."""
    planted = {m for g in truth["groups"].values() for m in g["members"]}
    per_group = {}
    for name, g in truth["groups"].items():
        members = set(g["members"])
        best, best_kind = 0.0, ""
        for comm, kind in communities:
            f = _f1(members, comm)
            if f > best:
                best, best_kind = f, kind
        fcount = len(g["findable"])
        per_group[name] = {
            "size": len(members),
            "dominant_kind": g["dominant_kind"],
            "timing": g["timing"],
            "f1": round(best, 3),
            "found_kind": best_kind,
            "kind_found": bool(
                best >= 0.5
                and best_kind == g["dominant_kind"]
                and (kinds_seen is None or g["dominant_kind"] in kinds_seen)
            ),
            "findable": fcount,
            "ceiling_f1": round(2 * fcount / (fcount + len(members)), 3) if fcount else 0.0,
        }
    placed = set().union(*[c for c, _ in communities]) if communities else set()
    innocent = placed - planted
    by_type: dict[str, int] = defaultdict(int)
    for a in innocent:
        by_type[truth["account_kind"].get(a, "unknown")] += 1
    n = max(1, len(per_group))
    return {
        "group_f1": round(sum(g["f1"] for g in per_group.values()) / n, 3),
        "ceiling_f1": round(sum(g["ceiling_f1"] for g in per_group.values()) / n, 3),
        "kinds_found": sum(g["kind_found"] for g in per_group.values()),
        "groups": len(per_group),
        "communities": len(communities),
        "accounts_in_communities": len(placed),
        "innocent_placed": len(innocent),
        "innocent_by_type": dict(sorted(by_type.items())),
        "planted_placed": len(placed & planted),
        "per_group": per_group,
    }


# --------------------------------------------------------------------------- methods


def run_propscope(
    files: list[str], work: Path, exe: str
) -> tuple[list[tuple[set[str], str]], dict[str, Any]]:
    """Run propscope as a new user would and read its communities export."""
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    cmd = [
        "nice",
        "-n",
        "10",
        exe,
        "run",
        *files,
        "--corpus",
        str(work / "corpus.duckdb"),
        "--out",
        str(work / "out"),
        "--techniques",
        "off",
        "--quiet",
    ]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.time()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    info = {
        "cmd": " ".join(cmd),
        "rc": proc.returncode,
        "wall_s": round(time.time() - t0, 1),
        "cpu_s": round((after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime), 1),
        "stderr_tail": proc.stderr[-2000:],
    }
    comms: list[tuple[set[str], str]] = []
    path = work / "out" / "communities.parquet"
    if proc.returncode == 0 and path.exists():
        import duckdb

        rows = duckdb.sql(
            f"select community_id, source, dominant_kind from read_parquet('{path}')"
        ).fetchall()
        by: dict[Any, set[str]] = defaultdict(set)
        kind: dict[Any, str] = {}
        for cid, src, dk in rows:
            by[cid].add(_norm_source(src))
            kind[cid] = dk or ""
        comms = [(m, kind[c]) for c, m in by.items()]
    return comms, info


def _norm_source(src: str) -> str:
    """A community member's name -> the account handle (lower case, no '@' or platform prefix)."""
    s = (src or "").strip().lower()
    for sep in (":", "/"):
        if sep in s:
            s = s.rsplit(sep, 1)[-1]
    return s.lstrip("@")


def shares_as_collected(
    emitted: list[Post], world: World
) -> list[tuple[str, str, str, float, list[str]]]:
    """(post id, account, repost id, time, links) as a baseline reads the files: the expanded
    URL X gives (unwound when present), the links written in a forum post's text; forum
    times rounded to the minute as written."""
    rows = []
    for p in emitted:
        acc = world.accounts[p.acc]
        t = p.t if acc.platform == "x" else math.floor(p.t / 60) * 60
        if acc.platform == "x":
            links = [
                unw or raw
                for raw, unw in (p.parent.links if p.rel == "retweet" and p.parent else p.links)
            ]
        else:
            links = [raw for raw, _ in p.links]
        repost = p.parent.pid if (p.rel == "retweet" and p.parent) else ""
        rows.append((p.pid, p.acc.lower(), repost, t, links))
    return rows


def _components(edges: Iterable[tuple[str, str]]) -> list[set[str]]:
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in edges:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[ra] = rb
    comps: dict[str, set[str]] = defaultdict(set)
    for x in list(parent):
        comps[find(x)].add(x)
    return [c for c in comps.values() if len(c) >= 2]


def coornet(
    rows: list[tuple[str, str, str, float, list[str]]], window: float = 60, min_shares: int = 3
) -> list[tuple[set[str], str]]:
    """CooRnet/CooRTweet recipe: fixed window, co-share count >= min_shares distinct links, components."""
    by_url: dict[str, list[tuple[float, str]]] = defaultdict(list)
    for _pid, acc, repost, t, links in rows:
        if repost:
            continue
        for u in set(links):
            by_url[u].append((t, acc))
    pair_urls: dict[tuple[str, str], set[str]] = defaultdict(set)
    for u, shares in by_url.items():
        shares.sort()
        j0 = 0
        for i, (t, a) in enumerate(shares):
            while shares[j0][0] < t - window:
                j0 += 1
            for j in range(j0, i):
                b = shares[j][1]
                if b != a:
                    pair_urls[(a, b) if a < b else (b, a)].add(u)
    edges = [p for p, us in pair_urls.items() if len(us) >= min_shares]
    return [(c, "url") for c in _components(edges)]


def qut(
    rows: list[tuple[str, str, str, float, list[str]]],
    work: Path,
    window: int = 60,
    min_weight: int = 3,
) -> list[tuple[set[str], str]]:
    """QUT coordination-network-toolkit co-link network, then connected components."""
    from coordination_network_toolkit.compute_networks import compute_co_link_network
    from coordination_network_toolkit.preprocess import preprocess_data

    db = work / "qut.db"
    for suffix in ("", "-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    work.mkdir(parents=True, exist_ok=True)
    msgs = ((pid, acc, acc, repost, "", "", t, links) for pid, acc, repost, t, links in rows)
    import contextlib
    import io

    with contextlib.redirect_stdout(io.StringIO()):
        preprocess_data(str(db), msgs)
        compute_co_link_network(str(db), window, n_threads=1, min_edge_weight=min_weight)
    con = sqlite3.connect(str(db))
    edges = [
        (a, b)
        for a, b in con.execute("select user_1, user_2 from co_link_network where user_1 != user_2")
    ]
    con.close()
    return [(c, "url") for c in _components(edges)]


# --------------------------------------------------------------------------- main


def world_stats(world: World, written: dict[str, Any]) -> dict[str, Any]:
    kinds: dict[str, int] = defaultdict(int)
    for a in world.accounts.values():
        kinds[a.kind] += 1
    rels: dict[str, int] = defaultdict(int)
    for p in written["emitted"]:
        rels[p.rel] += 1
    langs = {a.lang for a in world.accounts.values()}
    return {
        "accounts": len(world.accounts),
        "account_kinds": dict(sorted(kinds.items())),
        "posts_generated": len(world.posts),
        "posts_written": len(written["emitted"]),
        "records_written": written["x_records"] + written["web_records"],
        "relations": dict(sorted(rels.items())),
        "languages": len(langs),
        "planted_groups": len(world.groups),
        "planted_accounts": len({m for g in world.groups.values() for m in g["members"]}),
        "planted_posts": sum(1 for p in written["emitted"] if p.truth),
    }


def build(seed: int, out: Path, planted: bool) -> tuple[World, dict[str, Any], dict[str, Any]]:
    world = World(seed, planted=planted)
    written = write_corpus(world, out / "corpus", seed)
    truth = truth_of(world, written["emitted"])
    (out / "truth").mkdir(parents=True, exist_ok=True)
    (out / "truth" / "truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1))
    return world, written, truth


def evaluate(
    world: World,
    written: dict[str, Any],
    truth: dict[str, Any],
    work: Path,
    exe: str,
    with_propscope: bool,
    with_baselines: bool = True,
) -> dict[str, Any]:
    files = [f for f in written["files"]]
    res: dict[str, Any] = {}
    if not with_baselines:  # --no-baselines: propscope only (development runs)
        if with_propscope:
            comms, info = run_propscope(files, work / "propscope", exe)
            res["propscope"] = score(comms, truth)
            res["propscope"]["run"] = info
        return res
    rows = shares_as_collected(written["emitted"], world)
    t0 = time.process_time()
    res["coornet"] = score(coornet(rows), truth, {"url"})
    res["coornet"]["cpu_s"] = round(time.process_time() - t0, 1)
    t0 = time.process_time()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    res["qut"] = score(qut(rows, work / "qut"), truth, {"url"})
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    res["qut"]["cpu_s"] = round(
        time.process_time()
        - t0
        + after.ru_utime
        - before.ru_utime
        + after.ru_stime
        - before.ru_stime,
        1,
    )
    if with_propscope:
        comms, info = run_propscope(files, work / "propscope", exe)
        res["propscope"] = score(comms, truth)
        res["propscope"]["run"] = info
    return res


def _summary(result: dict[str, Any]) -> str:
    lines = [
        f"generator 4, seed {result['seed']}: {result['world']['accounts']} accounts, "
        f"{result['world']['records_written']} records ({result['world']['posts_written']} distinct posts), "
        f"{result['world']['planted_groups']} planted groups / {result['world']['planted_accounts']} accounts; "
        f"generation {result['generation_cpu_s']} CPU s"
    ]
    for method in ("propscope", "coornet", "qut"):
        r = result["planted"].get(method)
        if not r:
            continue
        neg = result["control"].get(method, {})
        lines.append(
            f"  {method:9s} group F1 {r['group_f1']:.3f} (ceiling {r['ceiling_f1']:.3f}); "
            f"innocent in communities {r['innocent_placed']} {r['innocent_by_type']}; "
            f"dominant kind found {r['kinds_found']}/{r['groups']}; "
            f"negative control: {neg.get('communities', '-')} communities, "
            f"{neg.get('accounts_in_communities', '-')} accounts"
        )
    r = result["planted"].get("propscope")
    if r:
        lines.append(
            "  per group (propscope): "
            + ", ".join(
                f"{k} n={g['size']} {g['dominant_kind']}/{g['timing']} F1 {g['f1']:.2f} (ceil {g['ceiling_f1']:.2f}, kind {g['found_kind'] or '-'})"
                for k, g in r["per_group"].items()
            )
        )
        lines.append(
            f"  propscope run: {r['run']['wall_s']} s wall, {r['run']['cpu_s']} CPU s; control "
            f"{result['control'].get('propscope', {}).get('run', {}).get('cpu_s', '-')} CPU s; whole script "
            f"{result['cpu_s_total']} CPU s"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, default=DEV_SEED)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument(
        "--generate-only",
        action="store_true",
        help="write the corpus and truth, print world statistics",
    )
    ap.add_argument("--no-propscope", action="store_true", help="score the baselines only")
    ap.add_argument("--propscope", default=str(Path(sys.executable).with_name("propscope")))
    ap.add_argument("--json", action="store_true")
    ap.add_argument(
        "--no-baselines", action="store_true", help="run propscope only (development runs)"
    )
    ap.add_argument(
        "--only",
        choices=("planted", "control"),
        help="evaluate one world only (e.g. the negative control)",
    )
    args = ap.parse_args(argv)
    t0 = time.process_time()
    world, written, truth = build(args.seed, args.out / "planted", planted=True)
    cworld, cwritten, ctruth = build(args.seed, args.out / "control", planted=False)
    result: dict[str, Any] = {
        "seed": args.seed,
        "held_out": args.seed == HELDOUT_SEED,
        "generation_cpu_s": round(time.process_time() - t0, 1),
        "world": world_stats(world, written),
        "control_world": world_stats(cworld, cwritten),
    }
    result["findable"] = {
        k: f"{len(g['findable'])}/{g['size']}" for k, g in truth["groups"].items()
    }
    if not args.generate_only:
        use_ps = not args.no_propscope
        base = not args.no_baselines
        result["planted"] = (
            evaluate(
                world, written, truth, args.out / "planted" / "work", args.propscope, use_ps, base
            )
            if args.only != "control"
            else {}
        )
        # the control's truth still names the (now silent) planted accounts, so "innocent"
        # counts exclude them; every community there is a false one
        result["control"] = (
            evaluate(
                cworld,
                cwritten,
                ctruth,
                args.out / "control" / "work",
                args.propscope,
                use_ps,
                base,
            )
            if args.only != "planted"
            else {}
        )
        for m in result["control"].values():
            m.pop("per_group", None)
    ru_self = resource.getrusage(resource.RUSAGE_SELF)
    ru_kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    result["cpu_s_total"] = round(
        ru_self.ru_utime + ru_self.ru_stime + ru_kids.ru_utime + ru_kids.ru_stime, 1
    )
    (args.out / "result.json").write_text(
        json.dumps(result, ensure_ascii=False, indent=1, default=str)
    )
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=1, default=str))
    else:
        print(json.dumps(result["world"], ensure_ascii=False))
        if "planted" in result:
            print(_summary(result))
        else:
            print("findable members:", result["findable"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
