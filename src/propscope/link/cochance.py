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
Actor ``b`` is taken to pick its items of a kind at random among the kind's share
slots (an item with ``n_i`` sharers has ``n_i`` slots). Its rate is measured
*leaving the pair out*: ``b``'s items that it did not co-act on with ``a``, over the
slots of the items ``a`` did not share (``S - sum of n_i over a's items``), so that
neither the pair's own co-actions nor ``a``'s choices explain the pair away. Then
``P(b shares i | a shares i) = rate_b * (n_i - 1)``: a popular item is expected to be
shared in common, a rare one is not. The expected number of co-actions of ``a`` with
``b`` is ``lambda_ab = sum over a's items of P(b shares i | a shares i) * q_i`` (the
larger of the two directions), per kind, and the observed count ``X`` (distinct
items of that kind co-acted on) is compared with ``Poisson(lambda_ab)``:
``p = P(X >= x)``. Kinds are combined by taking the smallest p-value times the
number of kinds (Bonferroni): one post carrying a link, a hashtag and a text is one
coincidence, not three independent ones. The p-values of all pairs that co-acted
at least once are corrected with Holm's step-down Bonferroni (family-wise: see
:func:`_holm`); an edge needs an adjusted ``p <= alpha`` *and* co-actions in at
least ``min_items`` distinct posts (one post with a link, a hashtag and a text is
one moment, not three). Burst-prone accounts, which this model under-expects, are
handled after the test, by the crowd filter in :mod:`.coordination`.

**Reposts are conditioned on the reposted account.** When ``shares`` has an
``audience`` column (per share: a code of the account whose post a repost acts on, -1
for other actions), the rate of ``b`` for a repost item is measured among the posts of
*that* account only (shrunk towards its rate over the kind with ``shrink`` pseudo-slots):
fans who follow one celebrity with notifications on re-share its posts within seconds,
and are expected to meet on them. Other kinds keep one class.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.stats import poisson

from . import hubrings
from .cochance_rates import PSEUDO_ITEMS, REPOST_SHRINK, expected_counts  # noqa: F401 (named in docs)
from .commoncause import Origins, explained
from .conversation import Conversations, is_response
from .retest import LAM_PREFIX
from .retest import holm as _holm


@dataclass
class CoResult:
    """What the sweep and the test produce, as frames an analyst (and a test) can read."""

    co: pd.DataFrame  # one row per co-action: ja, jb (share rows), a, b (actor codes), kind, item
    pairs: pd.DataFrame  # one row per tested pair: a, b, x, moments, expected, p, q (BH)
    items: pd.DataFrame  # per item: item, kind, n, close, q
    stats: dict[str, int | float] = field(default_factory=dict)
    #: audience codes with a closed audience (:func:`.hubrings.closed_audiences`)
    closed: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))


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


#: Items shared by more accounts are not swept with the wide window (``test_pairs``):
#: a ring's own items are shared by its members and a few others; the cost of the wide
#: sweep stays ``shares x WIDE_CAP``.
WIDE_CAP = 100
#: Share of the level given to the narrow window when a wide one is tested too.
NARROW_WEIGHT = 0.8


def _classes(n: np.ndarray, q: np.ndarray, strata: str) -> np.ndarray:
    """Class of each item code: ``none`` one class, ``pop`` log2 popularity, ``pop_q``
    popularity x (close share of its sharers above one half: a burst)."""
    if strata == "none":
        return np.zeros(len(n), dtype=np.int64)
    if strata == "q":
        return (q > 0.5).astype(np.int64)
    pop = np.floor(np.log2(np.maximum(n, 2))).astype(np.int64) - 1
    if strata == "pop":
        return pop
    return pop * 2 + (q > 0.5)


def _pairs_seen(actor: np.ndarray, ja: np.ndarray, jb: np.ndarray) -> int:
    """How many distinct account pairs the co-actions ``ja``/``jb`` join."""
    if not len(ja):
        return 0
    lo, hi = np.minimum(actor[ja], actor[jb]), np.maximum(actor[ja], actor[jb])
    return int(len(np.unique(lo * (int(actor.max()) + 1) + hi)))


def test_pairs(shares: pd.DataFrame, window_s: float, cap: int = 200, min_items: int = 3,
               alpha: float = 0.05, strata: str = "none", shrink: float = 200.0,
               wide_s: float | None = None, wide_cap: int = WIDE_CAP,
               conversing: Conversations | None = None,
               origins: Origins | None = None) -> CoResult:
    """Co-actions, expected counts, p- and q-values for every pair that co-acted.

    ``shares`` has columns ``actor`` (int codes), ``item`` (int codes, unique across
    kinds), ``kind`` (str), ``t`` (float seconds) and ``doc`` (int codes). ``strata``
    (``none``, ``pop``, ``q``, ``pop_q``: see :func:`_classes`) conditions each account's
    rate on a class of items, shrunk towards its rate over the kind with ``shrink``
    pseudo-slots; measured on the dev seeds, every class split explained real groups
    away, so the default is one class.

    ``wide_s`` (longer than ``window_s``) is a second window, for groups whose members act
    minutes apart: items shared by at most ``wide_cap`` accounts are swept with it too,
    with their own ``q`` for it, and each pair is tested in both windows (the smaller
    p-value, doubled). Co-actions carry ``close`` (within ``window_s``); a pair's
    ``wide`` says which window its p-value came from.

    A ``scheduled`` column (:mod:`.schedules`), ``conversing`` (:mod:`.conversation`) and
    ``origins`` (:mod:`.commoncause`) name co-actions that are no evidence of a tie; they
    are left out.
    """
    stats: dict[str, int | float] = {"shares": len(shares), "cap": cap}
    empty_pairs = pd.DataFrame(columns=["a", "b", "x", "moments", "expected", "p", "q"])
    if shares.empty:
        return CoResult(pd.DataFrame(columns=["ja", "jb", "a", "b", "kind", "item"]),
                        empty_pairs, pd.DataFrame(columns=["item", "kind", "n", "close", "q"]),
                        stats)
    s = shares if _sorted(shares) else shares.sort_values(
        ["item", "t", "actor"], kind="mergesort").reset_index(drop=True)
    item = s["item"].to_numpy(np.int64)
    n_of = np.bincount(item)
    n_row = n_of[item]
    capped = n_of > cap
    stats["items_capped"] = int(capped.sum())
    stats["shares_capped"] = int(n_of[capped].sum())
    keep = ~capped[item]
    if not keep.all():
        s = s[keep].reset_index(drop=True)
        item, n_row = item[keep], n_row[keep]
    stats["n_items"] = len(n_of)
    t = s["t"].to_numpy(np.float64)
    actor = s["actor"].to_numpy(np.int64)
    ja, jb = sweep(item, t, window_s)
    # reposted accounts re-shared in tight bursts only (link/hubrings.py), from the item's
    # own timing before any exclusion
    hub_audience = (hubrings.of_kinds(s["audience"].to_numpy(np.int64), s["kind"])
                    if "audience" in s.columns and (hubrings.ENABLED or hubrings.KEEP_TIMING)
                    else None)
    closed = (hubrings.closed_audiences(hub_audience, item, ja, jb, actor)
              if hub_audience is not None else np.empty(0, np.int64))
    close = np.bincount(item[ja], minlength=len(n_of)).astype(np.float64)
    q_item = np.where(n_of >= 2, close / np.maximum(n_of * (n_of - 1) / 2, 1), 0.0)
    q_wide = q_item
    if wide_s is not None and wide_s > window_s:
        # the wide sweep, on the items few enough accounts share: a ring's own items; its
        # co-actions replace the narrow ones of those items (they include them)
        sub = np.flatnonzero(n_row <= wide_cap)
        wa, wb = sweep(item[sub], t[sub], wide_s)
        wa, wb = sub[wa], sub[wb]
        near_w = np.bincount(item[wa], minlength=len(n_of)).astype(np.float64)
        small = n_of <= wide_cap
        q_wide = np.where(small, np.where(n_of >= 2, near_w / np.maximum(
            n_of * (n_of - 1) / 2, 1), 0.0), q_item)
        big = ~small[item[ja]]
        ja, jb = np.r_[ja[big], wa], np.r_[jb[big], wb]
        order = np.lexsort((jb, ja))
        ja, jb = ja[order], jb[order]
        stats["co_actions_wide"] = int(len(wa))
    within = t[jb] - t[ja] <= window_s
    stats["co_actions"] = int(within.sum())
    # the families of tests are every pair that co-acted before the exclusions below (in
    # each window): leaving co-actions out must not make the correction milder for the
    # pairs that remain
    n_looked, n_looked_narrow = _pairs_seen(actor, ja, jb), _pairs_seen(actor, ja[within],
                                                                        jb[within])
    if "scheduled" in s or conversing is not None:
        # co-actions that are no evidence of a tie, left out of the test (the item's
        # timing q_i keeps them): both shares on their accounts' habitual minute of the
        # hour (link/schedules.py); replies of a pair that talks to itself
        # (link/conversation.py) and re-shares of a link only the pair shared (responses)
        ok = np.ones(len(ja), dtype=bool)
        if "scheduled" in s:
            sched = s["scheduled"].to_numpy(bool)
            ok &= ~(sched[ja] & sched[jb])
        if conversing is not None:
            # kind names of the co-actions only (not a string per share: hot at 10M shares)
            kind_cat = s["kind"].astype("category")
            co_kind = np.asarray(kind_cat.cat.categories.astype(str), dtype=object)[
                kind_cat.cat.codes.to_numpy()[ja]]
            lo_, hi_ = np.minimum(actor[ja], actor[jb]), np.maximum(actor[ja], actor[jb])
            ok &= ~conversing.mask(lo_, hi_, co_kind, item[ja])
            # a link only the pair shared: the second re-shared the first's link
            ok &= ~is_response(np.r_[True, item[1:] != item[:-1]][ja], n_of[item[ja]], co_kind,
                               lo_ * (int(actor.max(initial=0)) + 1) + hi_, actor[ja])
        stats["co_actions_left_out"] = int((~ok & within).sum())
        ja, jb, within = ja[ok], jb[ok], within[ok]
    if origins is not None:  # link/commoncause.py: a publisher's audience, each at its pace
        ok = ~explained(item, t, actor, ja, jb, origins, wide_cap)
        if hubrings.KEEP_TIMING and hub_audience is not None and len(closed):  # link/hubrings.py
            ok |= np.isin(hub_audience[ja], closed)
        stats["co_actions_common_cause"] = int((~ok).sum())
        stats["co_actions_left_out"] = (stats.get("co_actions_left_out", 0)
                                        + int((~ok & within).sum()))
        ja, jb, within = ja[ok], jb[ok], within[ok]
    kinds = s["kind"].astype("category")
    kind_code = kinds.cat.codes.to_numpy(np.int64)
    n_kinds = len(kinds.cat.categories)
    n_actors = int(actor.max()) + 1 if len(actor) else 1
    lo, hi = np.minimum(actor[ja], actor[jb]), np.maximum(actor[ja], actor[jb])
    co = pd.DataFrame({"ja": ja, "jb": jb, "a": lo, "b": hi, "item": item[ja],
                       "kind": pd.Categorical.from_codes(kind_code[ja], kinds.cat.categories),
                       "first": actor[ja],
                       "ta": t[ja], "tb": t[jb], "close": within})
    if "row" in s:
        rows = s["row"].to_numpy(np.int64)
        co["ra"], co["rb"] = rows[ja], rows[jb]
    stats["pairs_co_acting"] = int(len(np.unique(lo * n_actors + hi))) if len(lo) else 0
    stats["pairs_co_acting_narrow"] = (int(len(np.unique(lo[within] * n_actors + hi[within])))
                                       if within.any() else 0)
    # moments: distinct posts of the pair's first actor among its co-actions
    doc = s["doc"].to_numpy(np.int64)
    doc_lo = np.where(actor[ja] == lo, doc[ja], doc[jb])
    g = pd.DataFrame({"a": lo, "b": hi, "item": item[ja], "doc": doc_lo})
    agg = g.groupby(["a", "b"], sort=True).agg(x=("item", "nunique"), moments=("doc", "nunique"))
    agg = agg.reset_index()
    cand = agg[agg["moments"] >= min_items].reset_index(drop=True)
    if cand.empty:
        return CoResult(co, empty_pairs, _item_frame(s, n_of, close, q_item), stats, closed)
    a_, b_ = cand["a"].to_numpy(), cand["b"].to_numpy()
    own_class = "audience" in s.columns
    if own_class:
        # reposts conditioned on the reposted account (see the module docstring): class
        # 0 is every item without one, so other kinds' rates are unchanged
        cls_item = np.zeros(len(n_of), dtype=np.int64)
        cls_item[item] = s["audience"].to_numpy(np.int64) + 1
        direct = np.zeros(int(cls_item.max()) + 1, dtype=bool)
        if hubrings.ENABLED:
            direct[closed + 1] = True
    else:
        cls_item = _classes(n_of, q_item, strata)
        direct = None
    n_cls = int(cls_item.max()) + 1
    kind_item = np.zeros(len(n_of), dtype=np.int64)
    kind_item[item] = kind_code
    windows = [(within, q_item)] + ([(np.ones(len(ja), bool), q_wide)]
                                    if q_wide is not q_item else [])
    p_w, lam_w = [], []
    for rows_in, q_w in windows:
        lam_k = expected_counts(a_, b_, lo[rows_in], hi[rows_in], item[ja][rows_in], item, actor,
                          kind_item * n_cls + cls_item, n_row, q_w, n_cls, n_kinds, shrink,
                          own_class, direct)
        # observed distinct items per pair and kind
        gk = pd.DataFrame({"a": lo[rows_in], "b": hi[rows_in], "item": item[ja][rows_in],
                           "k": kind_code[ja][rows_in]})
        xk = gk.drop_duplicates().groupby(["a", "b", "k"]).size().rename("x").reset_index()
        xk = xk.merge(cand[["a", "b"]].reset_index(), on=["a", "b"])
        x_k = np.zeros((len(cand), n_kinds), dtype=np.int64)
        x_k[xk["index"].to_numpy(), xk["k"].to_numpy()] = xk["x"].to_numpy()
        # one p-value per kind; the pair's is the smallest, times the number of kinds
        # tested (Bonferroni across kinds: one post with a link, a hashtag and a text is
        # not three independent coincidences, so kinds are not summed)
        p_w.append(np.where(x_k > 0, poisson.sf(x_k - 1, np.maximum(lam_k, 1e-300)), 1.0))
        lam_w.append(lam_k)
    # Two families of tests, one per window, split the level (NARROW_WEIGHT and the
    # rest; a union bound keeps the family-wise error at alpha): the narrow family is
    # Holm over the pairs that co-acted within the narrow window, as without the wide
    # one, so a group found in seconds pays only the weight for the second look; the
    # wide family is Holm over every pair that co-acted within the wide window. Within a
    # family, kinds are combined by Bonferroni (the smallest p times the kinds).
    m = int(max(stats["pairs_co_acting"], len(cand), n_looked))
    weight = [NARROW_WEIGHT, 1.0 - NARROW_WEIGHT] if len(p_w) > 1 else [1.0]
    m_w = ([int(max(stats["pairs_co_acting_narrow"], len(cand), n_looked_narrow)), m]
           if len(p_w) > 1 else [int(max(m, n_looked_narrow))])
    p_fam = [np.minimum(1.0, pw.min(axis=1) * n_kinds) for pw in p_w]
    q_fam = np.stack([np.minimum(1.0, _holm(pf, mm) / w)
                      for pf, mm, w in zip(p_fam, m_w, weight, strict=True)], axis=1)
    fam = q_fam.argmin(axis=1)
    rows_c = np.arange(len(cand))
    best_k = np.stack([pw.argmin(axis=1) for pw in p_w], axis=1)[rows_c, fam]
    lam = np.stack([lw[rows_c, best_k] for lw in lam_w], axis=1)[rows_c, fam]
    p = np.stack(p_fam, axis=1)[rows_c, fam]
    cand = cand.assign(expected=lam, p=p, q=q_fam[rows_c, fam], kind=best_k, wide=fam > 0)
    # each kind's expected count (of the window that decided), kept so the pair can be
    # tested again on the evidence the crowd filter leaves it (:func:`retest`)
    lam_dec = np.where((fam > 0)[:, None], lam_w[-1], lam_w[0])
    for k, name in enumerate(kinds.cat.categories):
        cand[LAM_PREFIX + str(name)] = lam_dec[:, k]
    stats["tests"] = m
    stats["pairs_tested"] = len(cand)
    stats["pairs_significant"] = int((cand["q"] <= alpha).sum())
    return CoResult(co, cand, _item_frame(s, n_of, close, q_item), stats, closed)


def _item_frame(s: pd.DataFrame, n_of: np.ndarray, close: np.ndarray,
                q_item: np.ndarray) -> pd.DataFrame:
    """Items that can co-act (at least two sharers, under the cap): only those are ever
    looked up, and at 10M posts every post's own text is an item of one sharer."""
    item = s["item"].to_numpy(np.int64)
    first = np.r_[True, item[1:] != item[:-1]] if len(item) else np.empty(0, bool)
    first &= n_of[item] >= 2
    i = item[first]
    return pd.DataFrame({"item": i, "kind": s["kind"].to_numpy()[first],
                         "n": n_of[i], "close": close[i], "q": q_item[i]})


def _sorted(s: pd.DataFrame) -> bool:
    """Whether shares are already in (item, t, actor) order (as the stage loads them)."""
    if len(s) < 2:
        return True
    item, t, actor = (s[c].to_numpy() for c in ("item", "t", "actor"))
    di, dt, da = np.diff(item), np.diff(t), np.diff(actor)
    return bool(np.all((di > 0) | ((di == 0) & ((dt > 0) | ((dt == 0) & (da >= 0))))))
