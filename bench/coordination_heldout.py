"""An independent held-out check of coordination, run as a new user would.

Written by someone other than the author of the coordination method, and not to be
used for tuning it: the method is chosen on ``bench/campaign*.py``; this script only
scores what ``propscope run posts.jsonl`` finds. Its hazards are those of real
platform data, drawn with their own random choices:

* ordinary accounts posting at random (day-night cycle) popular links from a Zipf
  pool, with one hashtag nearly everyone uses and a long tail of others;
* viral bursts: dozens of unrelated accounts share a breaking link (or a
  slogan, near-identically) within minutes of each other;
* organic niche audiences: small sets of ordinary accounts that all follow one
  blog and share its rare posts hours apart (shared interest, not coordination);
* URL variants on every share (scheme, ``www.``/``m.`` hosts, tracking
  parameters, fragments, trailing slashes);
* planted groups of 3-50 accounts acting within seconds to minutes on niche links,
  near-identical texts (punctuation, case, emoji, numbers changed) or niche
  hashtags, with members missing actions, two accounts in two groups each, and
  members who otherwise behave like everyone else;
* timestamps in several notations, some with offsets, some rounded to the minute.

Scores: for each planted group the best-matching community (group F1), pairwise F1
over "same community", the ordinary accounts placed in any community (the count
that must be 0), and a negative control (the same world with no planted group)
that must yield no community.

    python bench/coordination_heldout.py [--seed 2027] [--keep DIR] [--write-docs]
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import platform
import random
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import duckdb

BENCHMARKS = Path(__file__).resolve().parents[1] / "docs" / "benchmarks.md"
SECTION = "## Coordination, independent held-out check"
T0 = datetime(2025, 3, 1, tzinfo=UTC)
DAYS = 21
DAY = 86400.0

# Invented, topic-neutral vocabularies in four scripts.
_VOCABULARY = {
    "en": "city council weather market school river bridge season report people local "
          "water price road festival museum team train budget plan night morning park "
          "library harbour music garden street hospital bakery election vote transport",
    "es": "ciudad consejo tiempo mercado escuela río puente temporada informe gente "
          "agua precio camino fiesta museo equipo tren plan noche mañana parque",
    "ru": "город совет погода рынок школа река мост сезон отчёт люди вода цена дорога "
          "праздник музей команда поезд бюджет план ночь утро парк",
    "ar": "مدينة مجلس طقس سوق مدرسة نهر جسر موسم تقرير ناس ماء سعر طريق مهرجان متحف "
          "فريق قطار ميزانية خطة ليل صباح حديقة",
}
WORDS = {lang: words.split() for lang, words in _VOCABULARY.items()}
TRACKING = ["utm_source=tw", "utm_medium=social&utm_campaign=x{n}", "fbclid=IwAR{n}x",
            "gclid=Cj{n}", "ref=share", "igshid={n}abc", "s=20", "si=Ab{n}"]


@dataclass
class Post:
    account: str
    when: float
    text: str


@dataclass
class World:
    posts: list[Post] = field(default_factory=list)
    groups: list[list[str]] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    ordinary: list[str] = field(default_factory=list)


def _sentence(rnd: random.Random, lang: str, n: int | None = None) -> str:
    words = WORDS[lang]
    return " ".join(rnd.choice(words) for _ in range(n or rnd.randint(5, 14)))


def _variant(rnd: random.Random, url: str) -> str:
    """The same link as people and apps write it."""
    scheme, rest = url.split("://", 1)
    host, _, path = rest.partition("/")
    r = rnd.random()
    if r < 0.25:
        host = "www." + host
    elif r < 0.35:
        host = "m." + host
    if rnd.random() < 0.3:
        scheme = "http"
    if rnd.random() < 0.2:
        host = host.upper()
    path = "/" + path
    if rnd.random() < 0.3:
        path = path.rstrip("/") + "/"
    if rnd.random() < 0.5:
        path += "?" + rnd.choice(TRACKING).format(n=rnd.randint(1, 99999))
    if rnd.random() < 0.15:
        path += "#" + rnd.choice(["comments", "top", "section-2"])
    return f"{scheme}://{host}{path}"


def _diurnal(rnd: random.Random) -> float:
    """A time in the period, denser in the day than at night."""
    while True:
        t = rnd.uniform(0, DAYS * DAY)
        hour = (t % DAY) / 3600
        if rnd.random() < 0.35 + 0.65 * max(0.0, math.sin(math.pi * (hour - 6) / 16)):
            return t


def _near_identical(rnd: random.Random, message: str) -> str:
    """Copy-paste with small edits: punctuation, case, an emoji, a number."""
    text = message
    if rnd.random() < 0.4:
        text = text.rstrip(".!") + rnd.choice(["!", "!!", ".", "", " ..."])
    if rnd.random() < 0.3:
        text = text.upper() if rnd.random() < 0.3 else text.capitalize()
    if rnd.random() < 0.3:
        text += " " + rnd.choice(["🔥", "👉", "‼️", "🙏"])
    if rnd.random() < 0.2:
        text = text.replace("2025", "25")
    return text


def build(seed: int, planted: bool = True) -> World:
    rnd = random.Random(seed)
    world = World()
    langs = list(WORDS)

    def post(account: str, when: float, text: str) -> None:
        world.posts.append(Post(account, max(0.0, when), text))

    # ordinary accounts and what everyone shares
    domains = [f"news{i:02d}.example" for i in range(40)]
    popular = [f"https://{rnd.choice(domains)}/story/{i}-{rnd.randint(100, 999)}"
               for i in range(3000)]
    weights = [1 / (i + 1) ** 1.05 for i in range(len(popular))]
    tags = [f"#topic{i}" for i in range(200)]
    tag_w = [1 / (i + 1) for i in range(len(tags))]
    ordinary = [f"user_{i:04d}" for i in range(900)]
    world.ordinary = ordinary
    home = {a: rnd.choice(langs) if rnd.random() < 0.4 else "en" for a in ordinary}

    def ordinary_post(account: str, when: float) -> None:
        lang = home.get(account, "en")
        parts = [_sentence(rnd, lang)]
        if rnd.random() < 0.6:
            parts.append(_variant(rnd, rnd.choices(popular, weights)[0]))
        if rnd.random() < 0.5:
            parts.append("#news")  # the hashtag everyone uses
        if rnd.random() < 0.3:
            parts.append(rnd.choices(tags, tag_w)[0])
        post(account, when, " ".join(parts))

    for a in ordinary:
        for _ in range(max(1, int(rnd.expovariate(1 / 22)))):
            ordinary_post(a, _diurnal(rnd))

    # viral bursts: breaking links and slogans shared by dozens within minutes
    for b in range(30):
        start = _diurnal(rnd)
        sharers = rnd.sample(ordinary, rnd.randint(20, 120))
        if b % 3 == 2:
            slogan = f"Breaking: {_sentence(rnd, 'en', 8)}."
            for a in sharers:
                post(a, start + rnd.expovariate(1 / 240), _near_identical(rnd, slogan))
        else:
            url = f"https://{rnd.choice(domains)}/live/breaking-{b}"
            for a in sharers:
                post(a, start + rnd.expovariate(1 / 300),
                     f"{_sentence(rnd, home[a], 6)} {_variant(rnd, url)}")

    # organic niche audiences: rare items, shared hours apart
    for n in range(40):
        audience = rnd.sample(ordinary, rnd.randint(4, 10))
        for k in range(rnd.randint(6, 14)):
            published = _diurnal(rnd)
            url = f"https://niche-blog-{n}.example/{k}/post"
            for a in audience:
                if rnd.random() < 0.5:
                    post(a, published + rnd.expovariate(1 / (6 * 3600)),
                         f"{_sentence(rnd, home[a], 7)} {_variant(rnd, url)}")

    if planted:
        sizes = [3, 4, 5, 6, 8, 10, 12, 20, 30, 50]
        kinds = ["link", "text", "hashtag", "link", "text", "mixed", "link", "hashtag",
                 "text", "link"]
        for g, (size, kind) in enumerate(zip(sizes, kinds, strict=True)):
            members = [f"acct_{g}_{i:02d}" for i in range(size)]
            world.groups.append(members)
            world.kinds.append(kind)
        # two accounts act in two groups each
        for g1, g2 in ((1, 4), (6, 9)):
            world.groups[g2].append(world.groups[g1][0])
        for g, (members, kind) in enumerate(zip(world.groups, world.kinds, strict=True)):
            lang = langs[g % len(langs)]
            spread = 90.0 if len(members) < 20 else 300.0  # big groups run on schedulers
            for a in members:  # members otherwise behave like everyone else
                home.setdefault(a, lang)
                for _ in range(rnd.randint(3, 20)):
                    ordinary_post(a, _diurnal(rnd))
            for k in range(rnd.randint(12, 20)):
                t = _diurnal(rnd)
                action = kind if kind != "mixed" else rnd.choice(["link", "text", "hashtag"])
                message = f"{_sentence(rnd, lang, 12)} 2025."
                url = f"https://outlet-{g}-{rnd.randint(10, 99)}.example/a/{k}"
                tag = f"#cause{g}x{k % 4}"
                for a in members:
                    if rnd.random() > 0.8:  # members miss some actions
                        continue
                    when = t + rnd.uniform(1, spread)
                    if action == "link":
                        text = f"{_sentence(rnd, lang, 6)} {_variant(rnd, url)}"
                    elif action == "text":
                        text = _near_identical(rnd, message)
                    else:
                        text = f"{_sentence(rnd, lang, 8)} {tag} #news"
                    post(a, when, text)
    return world


def _stamp(rnd: random.Random, when: float) -> str | int:
    """Timestamps in the notations exports use: ISO with Z or offset, epoch, minutes only."""
    moment = T0 + timedelta(seconds=when)
    r = rnd.random()
    if r < 0.2:
        return int(moment.timestamp())
    if r < 0.35:
        return moment.astimezone(timezone(timedelta(hours=2))).isoformat()
    if r < 0.45:
        return moment.strftime("%Y-%m-%dT%H:%M:00Z")
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def write(world: World, path: Path, seed: int) -> None:
    rnd = random.Random(seed + 1)
    posts = list(world.posts)
    rnd.shuffle(posts)  # file order says nothing about time
    with path.open("w", encoding="utf-8") as fh:
        for i, p in enumerate(posts):
            fh.write(json.dumps({"id": f"p{i}", "account": p.account,
                                 "date": _stamp(rnd, p.when), "text": p.text},
                                ensure_ascii=False) + "\n")


def run_propscope(posts: Path, work: Path) -> tuple[Path, float]:
    config = work / "settings.toml"
    config.write_text('analyzers = ["references", "repetitions"]\n')  # techniques: not scored
    corpus = work / "corpus.duckdb"
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import sys; from propscope.cli import main; sys.exit(main())", "run", str(posts), "--corpus",
                    str(corpus), "--config", str(config), "--quiet"], check=True)
    return corpus, time.perf_counter() - started


def communities_of(corpus: Path) -> dict[str, set[str]]:
    """community id -> member accounts, from the corpus as an analyst would read it."""
    con = duckdb.connect(str(corpus), read_only=True)
    try:
        rows = con.execute("SELECT CAST(community_id AS VARCHAR), source FROM communities").fetchall()
    finally:
        con.close()
    found: dict[str, set[str]] = {}
    for cid, source in rows:
        found.setdefault(cid, set()).add(source)
    return found


def score(world: World, found: dict[str, set[str]]) -> dict[str, Any]:
    per_group = []
    for members, kind in zip(world.groups, world.kinds, strict=True):
        g = set(members)
        best = 0.0
        for com in found.values():
            inter = len(g & com)
            if inter:
                p, r = inter / len(com), inter / len(g)
                best = max(best, 2 * p * r / (p + r))
        per_group.append({"size": len(g), "kind": kind, "f1": round(best, 3)})
    truth = {frozenset(p) for g in world.groups for p in itertools.combinations(sorted(g), 2)}
    pred = {frozenset(p) for com in found.values() for p in itertools.combinations(sorted(com), 2)}
    tp = len(truth & pred)
    precision = tp / len(pred) if pred else (1.0 if not truth else 0.0)
    recall = tp / len(truth) if truth else 1.0
    in_coms = set().union(*found.values()) if found else set()
    return {
        "communities": len(found),
        "group_f1_mean": round(sum(x["f1"] for x in per_group) / len(per_group), 3)
        if per_group else None,
        "pair_precision": round(precision, 3), "pair_recall": round(recall, 3),
        "pair_f1": round(2 * precision * recall / (precision + recall), 3)
        if precision + recall else 0.0,
        "ordinary_in_communities": len(in_coms & set(world.ordinary)),
        "per_group": per_group,
    }


def evaluate(seed: int, planted: bool, keep: Path | None) -> dict[str, Any]:
    world = build(seed, planted)
    with tempfile.TemporaryDirectory() as tmp:
        work = keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        posts = work / "posts.jsonl"
        write(world, posts, seed)
        corpus, seconds = run_propscope(posts, work)
        result = score(world, communities_of(corpus))
    result.update(posts=len(world.posts), seconds=round(seconds, 1),
                  accounts=len({p.account for p in world.posts}))
    return result


def render(seed: int, main: dict[str, Any], control: dict[str, Any]) -> str:
    rows = "\n".join(f"| {i} | {g['kind']} | {g['size']} | {g['f1']:.3f} |"
                     for i, g in enumerate(main["per_group"]))
    return f"""{SECTION}

`python bench/coordination_heldout.py --seed {seed} --write-docs` — machine: {platform.machine()},
{platform.python_version()}, date {datetime.now(UTC):%Y-%m-%d}. Written apart from the
coordination method and never used to tune it: {main['posts']:,} posts of
{main['accounts']:,} accounts through `propscope run posts.jsonl` (techniques off), with
viral bursts, niche audiences sharing rare links hours apart, URL variants, near-identical
texts, overlapping and partial groups, and mixed timestamp notations.

| figure | value | target |
|---|---|---|
| planted-group F1 (mean of best match) | {main['group_f1_mean']} | ≥ 0.95 |
| pairwise F1 (P / R) | {main['pair_f1']} ({main['pair_precision']} / {main['pair_recall']}) | |
| ordinary accounts in any community | {main['ordinary_in_communities']} | 0 |
| communities | {main['communities']} | 10 planted |
| negative control: communities / ordinary accounts in them | {control['communities']} / {control['ordinary_in_communities']} | 0 / 0 |
| run time (posts) | {main['seconds']} s | |

| group | dominant kind | size | F1 |
|---|---|---|---|
{rows}
"""


def write_docs(text: str) -> None:
    doc = BENCHMARKS.read_text(encoding="utf-8") if BENCHMARKS.exists() else "# Benchmarks\n"
    start = doc.find(SECTION)
    if start < 0:
        doc = doc.rstrip("\n") + "\n\n" + text
    else:
        nxt = doc.find("\n## ", start + len(SECTION))
        doc = doc[:start] + text + (doc[nxt + 1:] if nxt >= 0 else "")
    BENCHMARKS.write_text(doc, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=2027)
    parser.add_argument("--keep", type=Path, help="keep posts and corpora in this folder")
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args()
    main_result = evaluate(args.seed, True, args.keep / "planted" if args.keep else None)
    control = evaluate(args.seed, False, args.keep / "control" if args.keep else None)
    print(json.dumps({"planted": main_result, "negative_control": control}, indent=1))
    if args.write_docs:
        write_docs(render(args.seed, main_result, control))


if __name__ == "__main__":
    main()
