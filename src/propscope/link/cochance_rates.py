"""Expected co-actions of a pair: each account's rate per share slot, left without the pair.

Why apart from :mod:`.cochance`: the rate model (leave-pair-out rates, the repost
conditioning and its shrinkage target, closed audiences) is the part of the chance test
that decides what "expected" means; the sweep, the families of tests and Holm's
correction stay in :mod:`.cochance`. See docs/coordination.md, section 3.
"""

from __future__ import annotations

import numpy as np

#: Pseudo-slots shrinking a repost rate measured on one reposted account's posts towards
#: the account's rate over all reposts: an account re-shared in few slots (a ring's hub)
#: says little about its followers' own rates, a celebrity re-shared in thousands does.
REPOST_SHRINK = 1000.0
#: Pseudo-count added to an account's items left after leaving the pair out.
PSEUDO_ITEMS = 0.1
#: Whether the shrinkage target of a conditioned (repost) rate is measured leaving the
#: pair out, as the rate itself is (see :func:`expected_counts`).
PRIOR_LEAVE_PAIR_OUT = False


def lookup(keys: np.ndarray, values: np.ndarray, want: np.ndarray) -> np.ndarray:
    """``values`` at ``want`` among sorted unique ``keys`` (0 where absent)."""
    if not len(keys):
        return np.zeros(len(want))
    at = np.minimum(np.searchsorted(keys, want), len(keys) - 1)
    return np.where(keys[at] == want, values[at], 0.0)


def expected_counts(a_: np.ndarray, b_: np.ndarray, lo: np.ndarray, hi: np.ndarray,
              co_item: np.ndarray, item: np.ndarray, actor: np.ndarray,
              stratum_item: np.ndarray, n_row: np.ndarray, q_item: np.ndarray,
              n_cls: int, n_kinds: int, shrink: float, own_class: bool = False,
              direct: np.ndarray | None = None) -> np.ndarray:
    """Expected co-actions per candidate pair and kind (pairs x kinds).

    ``direct`` (per class, with ``own_class``): classes whose rate is the account's rate
    over the kind (the shrinkage target) instead: closed audiences (:mod:`.hubrings`).
    """
    n_strata = n_kinds * n_cls
    stratum = stratum_item[item]
    slots = np.bincount(stratum, minlength=n_strata).astype(np.float64)
    ukey, inv = np.unique(actor * n_strata + stratum, return_inverse=True)
    d_k = np.bincount(inv).astype(np.float64)
    reach_k = np.bincount(inv, weights=(n_row - 1) * q_item[item])
    occ_k = np.bincount(inv, weights=n_row.astype(np.float64))
    k_of = ukey % n_strata // n_cls  # kind of each (actor, stratum)
    # per (actor, kind): items, for the shrinkage target d / slots of the kind
    kslots = np.bincount(np.arange(n_strata) // n_cls, weights=slots, minlength=n_kinds)
    akey, ainv = np.unique(ukey // n_strata * n_kinds + k_of, return_inverse=True)
    d_ak = np.bincount(ainv, weights=d_k)
    occ_ak = np.bincount(ainv, weights=occ_k)
    # co-acted distinct items per (pair, stratum), from the co-actions (lo, hi, co_item)
    n_pairs = len(a_)
    width = int(actor.max()) + 1
    pkey = a_ * width + b_  # sorted: cand comes from a sorted groupby
    cokey = lo * width + hi
    pos = np.minimum(np.searchsorted(pkey, cokey), n_pairs - 1)
    hit = pkey[pos] == cokey
    pit = np.unique(np.stack([pos[hit], co_item[hit]], axis=1), axis=0)
    x_keys, x_cnt = np.unique(pit[:, 0] * n_strata + stratum_item[pit[:, 1]], return_counts=True)
    # co-acted items per (pair, kind), for the shrinkage target left without the pair
    xk_keys, xk_cnt = np.unique(pit[:, 0] * n_kinds + stratum_item[pit[:, 1]] // n_cls,
                                return_counts=True)
    lam = np.zeros((n_pairs, n_kinds))
    for src, dst in ((a_, b_), (b_, a_)):
        # rows: every (pair, stratum) where src has items
        first = np.searchsorted(ukey, src * n_strata)
        last = np.searchsorted(ukey, (src + 1) * n_strata)
        cnt = last - first
        p_idx = np.repeat(np.arange(n_pairs), cnt)
        ent = np.concatenate([np.arange(f, e) for f, e in zip(first, last, strict=True)]) \
            if n_pairs else np.empty(0, np.int64)
        st = ukey[ent] % n_strata
        kk = st // n_cls
        x = lookup(x_keys, x_cnt.astype(np.float64), p_idx * n_strata + st)
        d_dst = lookup(ukey, d_k, dst[p_idx] * n_strata + st)
        free = np.maximum(d_dst - x, 0.0)
        d_kind = lookup(akey, d_ak, dst[p_idx] * n_kinds + kk)
        if PRIOR_LEAVE_PAIR_OUT:
            # the target too is measured without the pair: dst's other items of the kind
            # over the kind's slots src did not take (section 3 of docs/coordination.md)
            x_kind = lookup(xk_keys, xk_cnt.astype(np.float64), p_idx * n_kinds + kk)
            prior = (np.maximum(d_kind - x_kind, 0.0) + PSEUDO_ITEMS) / np.maximum(
                kslots[kk] - lookup(akey, occ_ak, src[p_idx] * n_kinds + kk), 1.0)
        else:
            prior = d_kind / np.maximum(kslots[kk], 1.0)
        room = slots[st] - occ_k[ent]
        # a tenth of an item of pseudo-count: an account seen with no other item of the
        # kind has a small rate, not none (a zero rate makes any co-action infinitely
        # rare); 0.5 cost 3 points of F1 on dev seed 3, 0.1 one and a half

        k_s = np.where(st % n_cls > 0, REPOST_SHRINK, 0.0) if own_class else (
            shrink if n_cls > 1 else 0.0)
        rate = (free + PSEUDO_ITEMS + k_s * prior) / np.maximum(room + k_s, 1.0)
        if direct is not None:
            rate = np.where(direct[st % n_cls], prior, rate)
        contrib = rate * reach_k[ent]
        part = np.zeros((n_pairs, n_kinds))
        np.add.at(part, (p_idx, kk), contrib)
        lam = np.maximum(lam, part)
    return lam
