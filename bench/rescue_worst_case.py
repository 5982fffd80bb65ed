"""The crowd filter's rescue (link/rescue.py): its cost with many groups on popular items,
and its price, burst-sharers who are most of every burst.

Cost: 40 items shared by 150 accounts each, all within the window (447,000 co-actions),
and G two-account groups found on them before the crowd filter; the rescue's attachment test
runs on all of them. Time and traced peak memory at G and 4G (a join of the co-actions by
item alone multiplied them by the groups owning each item).

Price: 10 accounts join 90 % and 40 join 40 % of 30 bursts (3 links on each of 10 news
sites, each account at its own exponential delay, mean 5 minutes), beside P public accounts
that each join 1-3 bursts later (mean 15 minutes) and post one blog link, and 600 bloggers; the whole coordination stage on a real
DuckDB corpus, with the rescue on and off: accounts placed.

    PYTHONPATH=src:tests python bench/rescue_worst_case.py
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd

from propscope.link import attached, rescue
from propscope.link.coordination import run_coordination
from propscope.settings import Settings
from test_coordination_hazards import DAY, background, bloggers, corpus_of, groups, word


def cost_case(n_groups: int, n_items: int = 40, n_share: int = 150) -> tuple[float, float, int]:
    """Seconds, traced peak MB and co-actions of one rescue round on ``n_groups`` groups."""
    rng = np.random.default_rng(0)
    n_act = 2000
    sharers = [np.sort(rng.choice(n_act, n_share, replace=False)) for _ in range(n_items)]
    act = np.r_[np.concatenate(sharers), rng.integers(0, n_act, 200_000)]
    item = np.r_[np.repeat(np.arange(n_items), n_share),
                 rng.integers(n_items, n_items + 50_000, 200_000)]
    sh = pd.DataFrame({"actor": act, "item": item, "kind": "url"})
    sh = sh.drop_duplicates(["actor", "item"]).reset_index(drop=True)
    sh = sh.assign(row=np.arange(len(sh)), doc=np.arange(len(sh)))
    row_of = {(int(a), int(i)): r for r, (a, i) in enumerate(zip(sh["actor"], sh["item"],
                                                               strict=True)) if i < n_items}
    parts = []
    for i, s in enumerate(sharers):
        x, y = np.triu_indices(len(s), 1)
        rows = np.array([row_of[(int(v), i)] for v in s])
        parts.append(pd.DataFrame({"a": s[x], "b": s[y], "item": i, "ra": rows[x],
                                   "rb": rows[y]}))
    co = pd.concat(parts, ignore_index=True)
    co = co.assign(first=co["a"], close=True)
    actors = [f"acc-{i:05d}" for i in range(n_act)]
    found, ev = [], []
    for g in range(n_groups):
        i0 = g % n_items
        a, b = sorted(rng.choice(sharers[i0], 2, replace=False))
        found.append({"members": [actors[a], actors[b]]})
        ev += [(actors[a], actors[b], i, f"u{i}", "url", -1) for i in range(n_items)
               if a in sharers[i] and b in sharers[i]]
    evidence = pd.DataFrame(ev, columns=["source_a", "source_b", "item_code", "item", "kind",
                                         "site"])
    n = int(sh["item"].max()) + 1
    present = rescue.rescuer(co, attached.slim(sh), actors, Settings(),
                             (np.zeros(n, np.int64), np.zeros(n, bool)), rounds=1)
    assert present is not None
    tracemalloc.start()
    started = time.perf_counter()
    present(found, evidence)
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    return seconds, peak, len(co)


def burst_posts(seed: int, n_public: int) -> list[tuple[str, str, float]]:
    """The price's world (module docstring)."""
    rnd = random.Random(seed)
    keen = [f"keen-{i:02d}" for i in range(10)]
    casual = [f"casual-{i:02d}" for i in range(40)]
    posts = background(rnd, 60)
    bursts = [(rnd.uniform(0, 20 * DAY), f"https://news-{b % 10}.example/live-{b}")
              for b in range(30)]
    for t, link in bursts:
        for accounts, share in ((keen, 0.9), (casual, 0.4)):
            posts += [(acc, f"wow {word(rnd)} {link}", t + rnd.expovariate(1 / 300))
                      for acc in accounts if rnd.random() < share]
    for i in range(n_public):
        for _ in range(rnd.randint(1, 3)):
            t, link = rnd.choice(bursts)
            posts.append((f"public-{i:04d}", f"{word(rnd)} {link}", t + rnd.expovariate(1 / 900)))
        posts.append((f"public-{i:04d}", f"{word(rnd)} https://blog-{rnd.randint(0, 300)}"
                      f".example/{rnd.randint(0, 999)}", rnd.uniform(0, 20 * DAY)))
    posts += bloggers(rnd)  # readers of many small sites: the pushes are a small share
    return posts


def placed(posts: list[tuple[str, str, float]], on: bool) -> int:
    rescue.ENABLED = on
    try:
        with tempfile.TemporaryDirectory() as folder:
            corpus = corpus_of(Path(folder), posts)
            run_coordination(corpus, Settings(), "bench")
            return len(set().union(*groups(corpus)))
    finally:
        rescue.ENABLED = True


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--groups", type=int, default=80)
    ap.add_argument("--public", type=int, nargs="+", default=[100, 150, 200, 300])
    ap.add_argument("--seeds", type=int, nargs="+", default=[7, 9, 10])
    args = ap.parse_args()
    print("| groups | co-actions | s | peak MB |\n|---|---|---|---|")
    for g in (args.groups, 4 * args.groups):
        seconds, peak, n_co = cost_case(g)
        print(f"| {g} | {n_co:,} | {seconds:.2f} | {peak:.0f} |", flush=True)
    print("\n| public accounts | seed | placed, rescue off | placed, rescue on |\n|---|---|---|---|")
    for n_public in args.public:
        for seed in args.seeds:
            posts = burst_posts(seed, n_public)
            print(f"| {n_public} | {seed} | {placed(posts, False)} | {placed(posts, True)} |",
                  flush=True)


if __name__ == "__main__":
    main()
