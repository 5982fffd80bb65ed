"""Planted coordination in data with the hazards of real platforms, scored against propscope and a baseline.

Why a second generator: ``bench/campaign.py`` plants groups that post the same
niche links within 30 s among accounts that never meet; any method passes it.
Real data has (each is generated here):

* viral bursts: dozens of unrelated accounts share a breaking link within
  minutes, often pasting its headline;
* popular links shared at random times by everyone, and one hashtag everyone uses;
* a URL written differently per share (scheme, ``www.``/``m.``, tracking
  parameters, trailing slash, fragment);
* near-identical texts (a changed word, emoji, digits, punctuation);
* members that miss some actions; accounts in two groups; groups acting on links,
  hashtags and texts at once; groups of 3 to 50; timestamps with noise; many
  background accounts.

Links and hashtags are found by propscope's own reference finder on the post text
(as in ``propscope run``), not handed over.

Seeds: ``DEV_SEEDS`` are for tuning; ``HELD_OUT_SEED`` is run once, at the end,
with ``--held-out`` (never tune on it). ``--negative`` builds the same corpus with
no planted groups: any community there is a false accusation.

The same scorer is applied to propscope and to the CooRnet/CooRTweet recipe
(fixed window, co-share count threshold, connected components), written here.

    python bench/campaign_realistic.py --seed 1
    python bench/campaign_realistic.py --held-out
    python bench/campaign_realistic.py --negative --seed 1
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import random
import string
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa

from propscope.analyze.references import REFERENCES_SCHEMA, find_references
from propscope.corpus import open_corpus
from propscope.document import Document
from propscope.link.coordination import run_coordination
from propscope.settings import Settings

DEV_SEEDS = (1, 2, 3)
HELD_OUT_SEED = 20261203  # never tune on this one
T0 = datetime(2024, 3, 1, tzinfo=UTC)
DAY = 86400.0
EMOJI = ["🔥", "👉", "‼️", "😡", "🙏", "✅"]


@dataclass
class World:
    docs: list[Document] = field(default_factory=list)
    refs: list[dict[str, Any]] = field(default_factory=list)
    groups: list[list[str]] = field(default_factory=list)
    group_kind: list[str] = field(default_factory=list)
    background: list[str] = field(default_factory=list)


def _word(rnd: random.Random) -> str:
    return "".join(rnd.choice(string.ascii_lowercase) for _ in range(rnd.randint(3, 9)))


def _variant(url: str, rnd: random.Random) -> str:
    """The same link as a person or a share button might write it."""
    scheme, rest = url.split("://", 1)
    host, _, path = rest.partition("/")
    if rnd.random() < 0.3:
        host = rnd.choice(["www.", "m.", "mobile."]) + host
    if rnd.random() < 0.2:
        host = host.upper()
    scheme = rnd.choice(["https", "http", "https"])
    out = f"{scheme}://{host}/{path}"
    if rnd.random() < 0.3:
        out += "/"
    params = []
    if rnd.random() < 0.4:
        params.append(f"utm_source={rnd.choice(['twitter', 'fb', 'tg'])}&utm_medium=social")
    if rnd.random() < 0.2:
        params.append("fbclid=" + "".join(rnd.choice(string.ascii_letters) for _ in range(20)))
    if rnd.random() < 0.1:
        params.append("igshid=" + _word(rnd))
    if params:
        out += "?" + "&".join(params)
    if rnd.random() < 0.1:
        out += "#" + _word(rnd)
    return out


def _edit(text: str, rnd: random.Random) -> str:
    """A near-identical copy: a changed word, digits, emoji, punctuation, case."""
    words = text.split()
    r = rnd.random()
    if r < 0.3 and len(words) > 6:
        words[rnd.randrange(1, len(words))] = _word(rnd)
    elif r < 0.5:
        words.insert(rnd.randrange(len(words) + 1), str(rnd.randint(1, 99)))
    out = " ".join(words)
    if rnd.random() < 0.5:
        out += rnd.choice(["!", "!!", ".", " ...", "?!"])
    if rnd.random() < 0.4:
        out = rnd.choice(EMOJI) + " " + out
    if rnd.random() < 0.2:
        out = out.upper()
    return out


def generate(seed: int, negative: bool = False, n_background: int = 1500,
             n_groups: int = 8, junkies: int = 0) -> World:
    """The corpus; ``junkies > 0`` draws every burst's sharers from only that many
    accounts (a news-junkie subpopulation: the stress case of the chance model)."""
    rnd = random.Random(seed)
    w = World()
    counter = itertools.count()
    vocab = [_word(rnd) for _ in range(3000)]

    def sentence(k: int) -> str:
        return " ".join(rnd.choice(vocab) for _ in range(k))

    def post(account: str, when: float, text: str) -> None:
        noisy = when + rnd.gauss(0, 2.0)  # clocks and collectors disagree by seconds
        d = Document.create(text, source=account, published=T0 + timedelta(seconds=noisy),
                            file=f"posts/{account}.jsonl", record=str(next(counter)))
        w.docs.append(d)
        w.refs.extend(find_references(d.doc_id, d.text, {}))

    popular = [f"https://news-{i % 23}.example/{_word(rnd)}/{i}" for i in range(300)]
    pop_w = [1.0 / (i + 1) ** 0.9 for i in range(len(popular))]
    topics = [f"topic{_word(rnd)}" for i in range(60)]
    top_w = [1.0 / (i + 1) for i in range(len(topics))]
    span = 30 * DAY
    w.background = [f"user-{i:05d}" for i in range(n_background)]

    def ordinary(account: str, when: float) -> None:
        parts = [sentence(rnd.randint(6, 18))]
        if rnd.random() < 0.5:
            parts.append(_variant(rnd.choices(popular, pop_w)[0], rnd))
        if rnd.random() < 0.5:
            parts.append("#news")  # the hashtag everyone uses
        if rnd.random() < 0.4:
            parts.append("#" + rnd.choices(topics, top_w)[0])
        post(account, when, " ".join(parts))

    for acc in w.background:
        for _ in range(rnd.randint(3, 30)):
            ordinary(acc, rnd.uniform(0, span))
    # viral bursts: unrelated accounts share a breaking link within minutes, pasting its headline
    for b in range(60):
        url = f"https://breaking-{b % 7}.example/live/{_word(rnd)}-{b}"
        headline = sentence(rnd.randint(8, 14))
        t = rnd.uniform(0, span)
        pool = w.background[:junkies] if junkies else w.background
        for acc in rnd.sample(pool, min(len(pool), rnd.randint(20, 80))):
            text = _edit(headline, rnd) if rnd.random() < 0.6 else sentence(8)
            post(acc, t + rnd.expovariate(1 / 180.0), f"{text} {_variant(url, rnd)}")
    if negative:
        return w
    sizes = [3, 4, 6, 10, 15, 25, 35, 50]
    kinds = ["url", "hashtag", "text", "mixed"]
    members_pool = [f"op-{i:04d}" for i in range(sum(sizes))]
    rnd.shuffle(members_pool)
    start = 0
    for g in range(n_groups):
        size = sizes[g % len(sizes)]
        members = members_pool[start:start + size]
        start += size
        w.groups.append(members)
        w.group_kind.append(kinds[g % len(kinds)])
    # two accounts act in two groups each
    w.groups[3].append(w.groups[2][0])
    w.groups[5].append(w.groups[4][0])
    for g, members in enumerate(w.groups):
        kind = w.group_kind[g]
        domain = f"outlet-{_word(rnd)}.example"
        for k in range(rnd.randint(6, 12)):
            t = rnd.uniform(0, span)
            url = f"https://{domain}/{_word(rnd)}/{k}"
            tag = f"#{_word(rnd)}{k}"
            message = sentence(rnd.randint(10, 18))
            for m in members:
                if rnd.random() < 0.2:  # members miss some actions
                    continue
                when = t + rnd.expovariate(1 / 20.0)
                if kind == "url":
                    text = f"{sentence(rnd.randint(5, 12))} {_variant(url, rnd)}"
                elif kind == "hashtag":
                    text = f"{sentence(rnd.randint(5, 12))} {tag} #news"
                elif kind == "text":
                    text = _edit(message, rnd)
                else:
                    text = f"{_edit(message, rnd)} {_variant(url, rnd)} {tag}"
                post(m, when, text)
        for m in members:  # members also post like everyone else
            for _ in range(rnd.randint(3, 15)):
                ordinary(m, rnd.uniform(0, span))
    return w


def load(w: World, path: Path) -> None:
    docs = list(w.docs)
    random.Random(0).shuffle(docs)
    with open_corpus(path) as corpus:
        run_id = corpus.start_run("bench-campaign-realistic")
        for i in range(0, len(docs), 5000):
            corpus.add_documents(docs[i:i + 5000], run_id)
        refs = pa.Table.from_pylist(w.refs, schema=REFERENCES_SCHEMA)
        corpus.write_stage("references", "bench", run_id, [d.doc_id for d in docs],
                           {"doc_references": refs})


def coornet(path: Path, window_s: float, min_shares: int = 3) -> list[set[str]]:
    """The CooRnet/CooRTweet recipe: links (as normalised on ingest) shared by two
    accounts within ``window_s``, edges with at least ``min_shares`` co-shares,
    groups = connected components."""
    with open_corpus(path) as corpus:
        rows = corpus.con.execute("""
            SELECT coalesce(d.source, d.author), r.normalized, epoch(d.published)
            FROM doc_references r JOIN documents d USING (doc_id) WHERE r.kind = 'url'
            ORDER BY 2, 3""").fetchall()
    by_item: dict[str, list[tuple[float, str]]] = defaultdict(list)
    for actor, item, t in rows:
        by_item[item].append((t, actor))
    weight: Counter[tuple[str, str]] = Counter()
    for shares in by_item.values():
        seen: set[tuple[str, str]] = set()
        for i, (t, a) in enumerate(shares):
            for t2, b in shares[i + 1:]:
                if t2 - t > window_s:
                    break
                if a != b:
                    seen.add((min(a, b), max(a, b)))
        weight.update(seen)
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for (a, b), n in weight.items():
        if n >= min_shares:
            parent[find(a)] = find(b)
    comps: dict[str, set[str]] = defaultdict(set)
    for x in parent:
        comps[find(x)].add(x)
    return [c for c in comps.values() if len(c) >= 2]


def qut_toolkit(path: Path, window_s: float, min_shares: int = 3) -> list[set[str]] | None:
    """QUT's coordination-network-toolkit (``pip install coordination-network-toolkit``)
    through its documented Python API: messages in, ``co_link`` network (links shared
    within ``window_s``, at least ``min_shares`` times), groups = connected components.
    ``None`` when the toolkit is not installed (it is not a propscope dependency)."""
    try:
        import networkx as nx
        from coordination_network_toolkit.compute_networks import compute_co_link_network
        from coordination_network_toolkit.database import initialise_db
        from coordination_network_toolkit.graph import get_edge_rows
        from coordination_network_toolkit.preprocess import preprocess_data
    except ImportError:
        return None
    with open_corpus(path) as corpus:
        rows = corpus.con.execute("""
            SELECT d.doc_id, coalesce(d.source, d.author) AS actor, d.text, epoch(d.published),
                   list(r.value) FILTER (WHERE r.kind = 'url')
            FROM documents d LEFT JOIN doc_references r USING (doc_id)
            GROUP BY ALL""").fetchall()
    db = str(path.with_suffix(".qut.sqlite"))
    Path(db).unlink(missing_ok=True)
    with contextlib.redirect_stdout(sys.stderr):  # it prints progress; stdout is our JSON
        initialise_db(db)
        preprocess_data(db, ([doc, actor, actor, None, None, text, ts, urls or []]
                             for doc, actor, text, ts, urls in rows))
        compute_co_link_network(db, window_s, n_threads=1, min_edge_weight=min_shares)
    g = nx.Graph()
    g.add_edges_from((r[0], r[1]) for r in get_edge_rows(db, "co_link"))
    return [set(c) for c in nx.connected_components(g) if len(c) >= 2]


def score(w: World, found: list[set[str]], kinds: list[str | None] | None = None) -> dict[str, Any]:
    """Pairwise F1 over 'in a group together' (overlaps allowed), outsiders, dominant kinds."""
    truth = {frozenset(p) for g in w.groups for p in itertools.combinations(sorted(set(g)), 2)}
    pred = {frozenset(p) for g in found for p in itertools.combinations(sorted(g), 2)}
    tp = len(truth & pred)
    prec = tp / len(pred) if pred else (1.0 if not truth else 0.0)
    rec = tp / len(truth) if truth else 1.0
    planted = {m for g in w.groups for m in g}
    outsiders = sorted({m for g in found for m in g} - planted)
    kind_ok = 0
    for g, members in enumerate(w.groups):
        best = max(range(len(found)), key=lambda i: len(found[i] & set(members)), default=None)
        if best is None or not found[best] & set(members):
            continue
        want = w.group_kind[g]
        got = kinds[best] if kinds else None
        if got == want or (want == "mixed" and got is not None):
            kind_ok += 1
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return {"communities": len(found), "precision": round(prec, 4), "recall": round(rec, 4),
            "f1": round(f1, 4), "background_in_communities": len(outsiders),
            "dominant_kind_found": f"{kind_ok}/{len(w.groups)}" if kinds else "n/a"}


def run(seed: int, negative: bool, junkies: int = 0) -> dict[str, Any]:
    t = time.perf_counter()
    w = generate(seed, negative=negative, junkies=junkies)
    path = Path(tempfile.mkdtemp()) / "realistic.duckdb"
    load(w, path)
    t_gen = time.perf_counter() - t
    with open_corpus(path) as corpus:
        t = time.perf_counter()
        summary = run_coordination(corpus, Settings(), "bench")
        t_coord = time.perf_counter() - t
        comm = corpus.df("communities")
    found, kinds = [], []
    for _, grp in comm.groupby("community_id"):
        found.append(set(grp.source))
        kinds.append(grp.dominant_kind.iloc[0])
    baseline = coornet(path, summary["window_s"])
    qut = qut_toolkit(path, summary["window_s"])
    return {"seed": seed, "negative": negative, "posts": len(w.docs),
            "accounts": len(w.background) + sum(len(g) for g in w.groups),
            "groups": [len(g) for g in w.groups], "group_kinds": w.group_kind,
            "window_s": round(summary["window_s"], 1), "edges": summary["edges"],
            "items_capped": summary["items_capped"],
            "propscope": score(w, found, kinds), "coornet_recipe": score(w, baseline),
            "qut_toolkit_co_link": score(w, qut) if qut is not None else "not installed",
            "generate_load_s": round(t_gen, 1), "coordination_s": round(t_coord, 1)}


def _row(name: str, r: dict[str, Any], key: str) -> str:
    m = r[key]
    if not isinstance(m, dict):
        return f"| {name} | {key} | {m} | | | | |"
    return (f"| {name} | {key} | {m['f1']} ({m['precision']} / {m['recall']}) | "
            f"{m['communities']} | {m['background_in_communities']} | {m['dominant_kind_found']} |"
            f" {r['coordination_s'] if key == 'propscope' else ''} |")


def report() -> None:
    """Every dev seed, the negative control, then the held-out seed once; one table."""
    from benchdoc import cpu_model, replace_section

    runs = [(f"dev seed {s}", run(s, False)) for s in DEV_SEEDS]
    runs.append((f"negative control (seed {DEV_SEEDS[0]}, no groups)", run(DEV_SEEDS[0], True)))
    runs.append((f"burst junkies (seed {DEV_SEEDS[0]}, no groups, bursts from 150 accounts)",
                 run(DEV_SEEDS[0], True, junkies=150)))
    runs.append((f"HELD-OUT seed {HELD_OUT_SEED}", run(HELD_OUT_SEED, False)))
    lines = ["| Corpus | Method | Pairwise F1 (P / R) | Groups found | Background accounts in "
             "groups | Dominant kind found | Coordination s |", "|---|---|---|---|---|---|---|"]
    for name, r in runs:
        for key in ("propscope", "coornet_recipe", "qut_toolkit_co_link"):
            lines.append(_row(name, r, key))
    first = runs[0][1]
    body = f"""## Coordination (realistic campaign)

Command: `python bench/campaign_realistic.py --report` ({datetime.now(UTC):%Y-%m-%d},
2 cores, {cpu_model()}). Each corpus: about {first['posts']:,} posts by {first['accounts']:,}
accounts over 30 days: background accounts posting chatter, popular links (Zipf) in varied
written forms, `#news` on half of all posts and topic hashtags; 60 viral bursts (20-80
unrelated accounts sharing a breaking link within minutes, most pasting its headline with
edits); 8 planted groups of {', '.join(map(str, first['groups']))} accounts acting on links,
hashtags, near-identical texts or all three (kinds {', '.join(first['group_kinds'])}),
6-12 actions each, members missing 20% of them, delays ~20 s, clocks off by ~2 s, two
accounts in two groups. Links and hashtags are found by propscope's reference finder.
Seeds {', '.join(map(str, DEV_SEEDS))} were used for tuning; seed {HELD_OUT_SEED} was run twice in the
previous session (0.9365, then 0.9454) and once more for this table, after the changes of
this session (leave-pair-out rates, the crowd filter, episodes), all chosen on the dev seeds
and the junkie control; see docs/coordination.md. The burst-junkie control draws every
burst's sharers from only 150 accounts (`--negative --junkies 150`). The CooRnet/CooRTweet recipe: links as normalised on ingest, co-shared within the same
window, at least 3 co-shares, connected components. QUT's coordination-network-toolkit
1.5.2 (`compute_co_link_network`, same window, `min_edge_weight=3`, raw links as posted:
it resolves variants only by following links over the network, which this benchmark does
not do), connected components. Pairwise F1 over "in a group together"
(overlapping groups count every pair they contain).

{chr(10).join(lines)}

Targets (issue 15) on the held-out seed: F1 >= 0.95, no background account in a group, each
group's dominant kind found (a group acting on all kinds counts if any kind is reported);
negative and burst-junkie controls: no group.
"""
    print(body)
    replace_section("## Coordination (realistic campaign)", body)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, default=DEV_SEEDS[0])
    ap.add_argument("--held-out", action="store_true", help=f"the held-out seed {HELD_OUT_SEED}")
    ap.add_argument("--negative", action="store_true", help="no planted groups")
    ap.add_argument("--junkies", type=int, default=0,
                    help="bursts drawn from only this many accounts (stress case)")
    ap.add_argument("--report", action="store_true",
                    help="dev seeds, the negative control and the held-out seed (run this once, "
                         "at the end), written to docs/benchmarks.md")
    args = ap.parse_args()
    if args.report:
        report()
        return
    seed = HELD_OUT_SEED if args.held_out else args.seed
    if not args.held_out and seed == HELD_OUT_SEED:
        sys.exit("that is the held-out seed: use --held-out, once")
    print(json.dumps(run(seed, args.negative, args.junkies), indent=2, default=str))


if __name__ == "__main__":
    main()
