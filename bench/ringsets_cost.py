"""Cost of the re-share ring set test (link/ringsets.py) as the re-shares grow.

Why: the set test makes one pass over the second-half items per candidate set; with the
candidates capped (``ringsets.MAX_SETS``) its cost must stay linear in the re-shares. The
worst case for the candidates is many small tight fandoms (each a candidate block, none a
ring): 300 of them are planted beside Zipf-popular random re-shares, so ``MAX_SETS`` sets are
tested at every size. Prints CPU seconds of ``ring_sets`` alone per size.

Usage: ``PYTHONPATH=src python bench/ringsets_cost.py [sizes...]``
"""

from __future__ import annotations

import sys
import time

import numpy as np
import pandas as pd

from propscope.link import ringsets
from propscope.link.cochance import sweep

FANDOMS, FAN_POSTS, FANS = 300, 8, 6


def corpus(n: int, rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``n`` random re-shares of Zipf-popular posts plus the fandoms; shares and co-actions."""
    n_act, n_auth, n_posts = n // 20, n // 200, n // 4
    author = rng.integers(0, n_auth, n_posts)
    w = 1.0 / (1 + np.arange(n_posts)) ** 0.9
    item = rng.choice(n_posts, n, p=w / w.sum())
    actor = rng.integers(0, n_act, n)
    t = rng.uniform(0, 14 * 86400, n)
    g = np.repeat(np.arange(FANDOMS), FAN_POSTS * FANS)
    post = n_posts + np.repeat(np.arange(FANDOMS * FAN_POSTS), FANS)
    start = rng.uniform(0, 14 * 86400, FANDOMS * FAN_POSTS)
    fan = n_act + g * FANS + np.tile(np.arange(FANS), FANDOMS * FAN_POSTS)
    actor = np.r_[actor, fan]
    item = np.r_[item, post]
    t = np.r_[t, start[post - n_posts] + rng.uniform(0, 30, len(post))]
    author = np.r_[author, n_auth + np.repeat(np.arange(FANDOMS), FAN_POSTS)]
    s = pd.DataFrame({"actor": actor, "item": item, "kind": "retweet", "t": t,
                      "audience": author[item]})
    s = (s.drop_duplicates(["actor", "item"])
         .sort_values(["item", "t", "actor"], kind="mergesort").reset_index(drop=True))
    it, tt, ac = (s[c].to_numpy() for c in ("item", "t", "actor"))
    ja, jb = sweep(it, tt, 60.0)
    ok = np.bincount(it)[it[ja]] <= 200
    ja, jb = ja[ok], jb[ok]
    co = pd.DataFrame({"a": np.minimum(ac[ja], ac[jb]), "b": np.maximum(ac[ja], ac[jb]),
                       "item": it[ja], "kind": "retweet", "close": True})
    return s, co


def main(argv: list[str]) -> int:
    rng = np.random.default_rng(5)
    for n in [int(a) for a in argv] or [100_000, 400_000, 1_600_000]:
        s, co = corpus(n, rng)
        started = time.process_time()
        got = ringsets.ring_sets(s, co, 60.0)
        print(f"{n} re-shares: {len(s)} first shares, {len(co)} co-actions, "
              f"{len(got.sets)} rings, {time.process_time() - started:.2f} CPU s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
