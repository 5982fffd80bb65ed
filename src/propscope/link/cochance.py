"""Co-actions and their chance test: pure numpy over first shares, linear in shares.

Why a separate module: this is the part whose cost and false-positive rate matter,
and both are easier to test on arrays than through a corpus.

**Input.** One row per first share of an item by an actor (``actor``, ``item``,
``kind``, ``t`` epoch seconds, ``doc``): later re-shares of the same item by the
same actor add nothing.

**Cap.** An item shared by more than ``cap`` actors (a hashtag everyone uses, the
link of the day) is left out of the test entirely (its co-shares cannot tell a
group from the crowd) and counted in the summary. Every other item costs at most
``cap`` comparisons per share, so the whole sweep is ``O(shares * cap)``, never
quadratic in the sharers of one item.

**Co-actions.** Shares are sorted by (item, time); a sweep compares each share with
the following ones of its item while they are within ``window_s``.

**Chance model.** For item ``i`` with ``n_i`` sharers, ``q_i`` is the fraction of
pairs of its sharers whose shares are within the window: what *random* pairs of
that item's sharers show, so a viral burst (everyone within minutes) has
``q_i`` near 1 and a link shared at random times by many has ``q_i`` near 0.
Actor ``b``, who shared ``d_b`` items of the kind, is taken to have picked them at
random among the kind's share slots (``S`` = sum of ``n_i``), so ``P(b shares i |
a shares i) = d_b (n_i - 1) / (S - d_a)``: a popular item is expected to be shared
in common, a rare one is not. (``stratify=True`` does this within popularity
classes ``n_i`` in [2,3], [4,7], ..., which keeps each account's taste for niche or
viral items, but in a small corpus a class can hold only a group's own items and
then explains the group away; it is off by default.) The expected number
of co-actions of ``a`` with ``b`` is ``lambda_ab = sum over a's items of
P(b shares i | a shares i) * q_i`` (the larger of the two directions), per kind,
and the observed count ``X`` (distinct items of that kind co-acted on) is compared
with ``Poisson(lambda_ab)``: ``p = P(X >= x)``. Kinds are combined by taking the
smallest p-value times the number of kinds (Bonferroni): one post carrying a link,
a hashtag and a text is one coincidence, not three independent ones. The p-values of all pairs that co-acted
at least once are corrected with Holm's step-down Bonferroni (family-wise: see
:func:`_holm`); an edge needs an adjusted ``p <= alpha`` *and* co-actions in at least ``min_items`` distinct posts (one post with a
link, a hashtag and a text is one moment, not three).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.stats import poisson


@dataclass
class CoResult:
    """What the sweep and the test produce, as frames an analyst (and a test) can read."""

    co: pd.DataFrame  # one row per co-action: ja, jb (share rows), a, b (actor codes), kind, item
    pairs: pd.DataFrame  # one row per tested pair: a, b, x, moments, expected, p, q (BH)
    items: pd.DataFrame  # per item: item, kind, n, close, q
    stats: dict[str, int | float] = field(default_factory=dict)


def sweep(item: np.ndarray, t: np.ndarray, window_s: float) -> tuple[np.ndarray, np.ndarray]:
    """Index pairs (j < k) of rows of the same ``item`` at most ``window_s`` apart.

    Rows must be sorted by (item, t). Offsets grow until no row has a partner that far
    ahead; each offset is one vectorised pass, so the cost is rows x (largest run of
    one item within a window), which the cap bounds.
    """
    n = len(item)
    out_a, out_b = [], []
    idx = np.arange(n)
    live = idx
    k = 1
    while len(live):
        live = live[live + k < n]
        ok = (item[live + k] == item[live]) & (t[live + k] - t[live] <= window_s)
        live = live[ok]
        if len(live):
            out_a.append(live)
            out_b.append(live + k)
        k += 1
    if not out_a:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    return np.concatenate(out_a), np.concatenate(out_b)


def _classes(n: np.ndarray, stratify: bool) -> np.ndarray:
    if not stratify:
        return np.zeros(len(n), dtype=np.int64)
    return np.floor(np.log2(np.maximum(n, 2))).astype(np.int64)


def test_pairs(shares: pd.DataFrame, window_s: float, cap: int = 200, min_items: int = 3,
               alpha: float = 0.05, stratify: bool = False) -> CoResult:
    """Co-actions, expected counts, p- and q-values for every pair that co-acted.

    ``shares`` has columns ``actor`` (int codes), ``item`` (int codes, unique across
    kinds), ``kind`` (str), ``t`` (float seconds) and ``doc`` (int codes).
    """
    stats: dict[str, int | float] = {"shares": len(shares), "cap": cap}
    empty_pairs = pd.DataFrame(columns=["a", "b", "x", "moments", "expected", "p", "q"])
    if shares.empty:
        return CoResult(pd.DataFrame(columns=["ja", "jb", "a", "b", "kind", "item"]),
                        empty_pairs, pd.DataFrame(columns=["item", "kind", "n", "close", "q"]),
                        stats)
    s = shares.sort_values(["item", "t", "actor"], kind="mergesort").reset_index(drop=True)
    item = s["item"].to_numpy(np.int64)
    n_of = np.bincount(item)
    n_row = n_of[item]
    capped = n_of > cap
    stats["items_capped"] = int(capped.sum())
    stats["shares_capped"] = int(n_of[capped].sum())
    keep = ~capped[item]
    s = s[keep].reset_index(drop=True)
    item, n_row = item[keep], n_row[keep]
    t = s["t"].to_numpy(np.float64)
    actor = s["actor"].to_numpy(np.int64)
    ja, jb = sweep(item, t, window_s)
    stats["co_actions"] = len(ja)
    close = np.bincount(item[ja], minlength=len(n_of)).astype(np.float64)
    q_item = np.where(n_of >= 2, close / np.maximum(n_of * (n_of - 1) / 2, 1), 0.0)
    kinds = s["kind"].astype("category")
    kind_code = kinds.cat.codes.to_numpy(np.int64)
    n_kinds = len(kinds.cat.categories)
    cls = _classes(n_row, stratify)
    n_cls = int(cls.max()) + 1 if len(cls) else 1
    n_actors = int(actor.max()) + 1 if len(actor) else 1
    # per (kind, class): share slots; per (actor, kind, class): items and sum (n_i - 1) q_i
    stratum = kind_code * n_cls + cls
    n_strata = n_kinds * n_cls
    slots = np.bincount(stratum, minlength=n_strata).astype(np.float64)
    d = np.zeros((n_actors, n_strata))
    np.add.at(d, (actor, stratum), 1.0)
    reach = np.zeros((n_actors, n_strata))
    np.add.at(reach, (actor, stratum), (n_row - 1) * q_item[item])
    lo, hi = np.minimum(actor[ja], actor[jb]), np.maximum(actor[ja], actor[jb])
    co = pd.DataFrame({"ja": ja, "jb": jb, "a": lo, "b": hi, "item": item[ja],
                       "kind": s["kind"].to_numpy()[ja], "first": actor[ja],
                       "ta": t[ja], "tb": t[jb]})
    if "row" in s:
        rows = s["row"].to_numpy(np.int64)
        co["ra"], co["rb"] = rows[ja], rows[jb]
    stats["pairs_co_acting"] = int(len(np.unique(lo * n_actors + hi))) if len(lo) else 0
    # moments: distinct posts of the pair's first actor among its co-actions
    doc = s["doc"].to_numpy(np.int64)
    doc_lo = np.where(actor[ja] == lo, doc[ja], doc[jb])
    g = pd.DataFrame({"a": lo, "b": hi, "item": item[ja], "doc": doc_lo})
    agg = g.groupby(["a", "b"], sort=True).agg(x=("item", "nunique"), moments=("doc", "nunique"))
    agg = agg.reset_index()
    cand = agg[agg["moments"] >= min_items].reset_index(drop=True)
    if cand.empty:
        return CoResult(co, empty_pairs, _item_frame(s, n_of, close, q_item), stats)
    a_, b_ = cand["a"].to_numpy(), cand["b"].to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        ab = np.where(slots - d[a_] > 0, d[b_] * reach[a_] / (slots - d[a_]), 0.0)
        ba = np.where(slots - d[b_] > 0, d[a_] * reach[b_] / (slots - d[b_]), 0.0)
    lam_s = np.maximum(np.nan_to_num(ab), np.nan_to_num(ba))  # pairs x strata
    lam_k = lam_s.reshape(len(cand), n_kinds, n_cls).sum(axis=2)  # pairs x kinds
    # observed distinct items per pair and kind
    gk = pd.DataFrame({"a": lo, "b": hi, "item": item[ja], "k": kind_code[ja]})
    xk = gk.drop_duplicates().groupby(["a", "b", "k"]).size().rename("x").reset_index()
    xk = xk.merge(cand[["a", "b"]].reset_index(), on=["a", "b"])
    x_k = np.zeros((len(cand), n_kinds), dtype=np.int64)
    x_k[xk["index"].to_numpy(), xk["k"].to_numpy()] = xk["x"].to_numpy()
    # one p-value per kind; the pair's is the smallest, times the number of kinds tested
    # (Bonferroni across kinds: one post with a link, a hashtag and a text is not three
    # independent coincidences, so kinds are not summed)
    p_k = np.where(x_k > 0, poisson.sf(x_k - 1, np.maximum(lam_k, 1e-300)), 1.0)
    best = p_k.argmin(axis=1)
    lam = lam_k[np.arange(len(cand)), best]
    p = np.minimum(1.0, p_k.min(axis=1) * n_kinds)
    # Tests counted: every pair that co-acted at least once, not only those that reached
    # min_items (that filter looks at the same data as the test; counting only the
    # survivors let viral-burst pairs through on dev seeds).
    m = int(max(stats["pairs_co_acting"], len(cand)))
    cand = cand.assign(expected=lam, p=p, q=_holm(p, m), kind=best)
    stats["pairs_tested"] = len(cand)
    stats["pairs_significant"] = int((cand["q"] <= alpha).sum())
    return CoResult(co, cand, _item_frame(s, n_of, close, q_item), stats)


def _item_frame(s: pd.DataFrame, n_of: np.ndarray, close: np.ndarray,
                q_item: np.ndarray) -> pd.DataFrame:
    u = s.drop_duplicates("item")[["item", "kind"]]
    i = u["item"].to_numpy(np.int64)
    return u.assign(n=n_of[i], close=close[i], q=q_item[i]).reset_index(drop=True)


def _holm(p: np.ndarray, m: int) -> np.ndarray:
    """Holm-adjusted p-values of ``p`` among ``m`` tests (the untested ones have p = 1).

    Family-wise, not false-discovery-rate control: with thousands of true edges, BH
    lets through a fixed share of chance edges, each of which puts an innocent
    account into a group; Holm keeps the chance of *any* such edge below alpha.
    """
    order = np.argsort(p, kind="stable")
    ranked = p[order] * (m - np.arange(len(p)))
    adj = np.minimum(np.maximum.accumulate(ranked), 1.0)
    out = np.empty_like(adj)
    out[order] = adj
    return out
