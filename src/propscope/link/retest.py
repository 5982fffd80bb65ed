"""Holm's correction, a pair's test run again on the evidence it keeps, and an exact
Poisson tail.

Why a module of its own: :mod:`.cochance` runs the first test over every pair that
co-acted; the crowd filter in :mod:`.coordination` may then take co-actions away, and
:func:`retest` judges what is left with the same family size. Both need :func:`holm`.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy.stats import poisson

#: Column prefix of a pair's expected count of one kind in ``CoResult.pairs``.
LAM_PREFIX = "lam:"


def retest(pairs: pd.DataFrame, kept: pd.DataFrame, m: int) -> pd.DataFrame:
    """The pairs tested again on the co-actions they keep: expected, p and Holm q.

    Why: a pair's p-value is computed on all its co-actions, and the crowd filter then
    removes those that were a crowd's (an RSS bot and its outlet meet on every article of
    a feed; the site's readers own those links). What is left (three headlines) must be
    significant by itself: otherwise the edge stands on evidence it no longer shows.
    ``pairs`` has ``expected``/``p`` columns and one ``lam:<kind>`` column per kind (from
    :func:`test_pairs`), indexed like ``kept``'s ``(a, b)`` keys; ``kept`` has one row
    per (pair, kind) with ``x``, the distinct items kept. ``m`` is the number of tests of
    the first pass (every pair that co-acted): the family is unchanged, only the
    evidence shrank, so Holm runs over the same ``m``.
    """
    lam_cols = [c for c in pairs.columns if str(c).startswith(LAM_PREFIX)]
    names = [c[len(LAM_PREFIX):] for c in lam_cols]
    x = np.zeros((len(pairs), len(names)), dtype=np.int64)
    if len(kept):
        row = pairs.index.get_indexer(pd.MultiIndex.from_arrays([kept["a"], kept["b"]]))
        col = pd.Index(names).get_indexer(kept["kind"].astype(str))
        ok = (row >= 0) & (col >= 0)
        x[row[ok], col[ok]] = kept["x"].to_numpy(np.int64)[ok]
    lam = pairs[lam_cols].to_numpy(np.float64) if lam_cols else np.zeros((len(pairs), 0))
    p_k = np.where(x > 0, poisson.sf(x - 1, np.maximum(lam, 1e-300)), 1.0)
    if not len(names):
        return pairs.assign(p=1.0, q=1.0)
    best = p_k.argmin(axis=1)
    p = np.minimum(1.0, p_k.min(axis=1) * len(names))
    return pairs.assign(expected=lam[np.arange(len(pairs)), best], p=p, q=holm(p, m))


def holm(p: np.ndarray, m: int) -> np.ndarray:
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



def poisson_sf(x: int, lam: float) -> float:
    """P(X >= x) for X ~ Poisson(lam), accurate in the far tail (no 1 - sum cancellation)."""
    if x <= 0:
        return 1.0
    if lam <= 0:
        return 0.0
    if lam >= x:
        below = sum(math.exp(-lam + k * math.log(lam) - math.lgamma(k + 1)) for k in range(x))
        return max(0.0, 1.0 - below)
    total = 0.0
    for k in range(x, x + 400):
        term = math.exp(-lam + k * math.log(lam) - math.lgamma(k + 1))
        total += term
        if term < total * 1e-16:
            break
    return min(1.0, total)
