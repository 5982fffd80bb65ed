"""Re-share rings tested as sets: accounts together on post after post of several authors.

Why: a pair of a co-boost ring meets on a handful of posts (30 accounts, each post boosted
by half of them: a pair shares a quarter of the posts). Its p-value is about 1e-3, but
Holm's bar over the ~47,000 pairs that co-act anywhere is about 1e-6, so no pair survives
(generator 5's dev seed, docs/coordination.md section 8). A *set* of k accounts that is
most of a post's boosters, post after post, is far rarer than any of its pairs, and the
sets worth testing are few: Bonferroni over them costs little.

**Candidates, on half of the items.** Re-share items (``RING_KINDS``) are split in two
halves by a hash of their code (independent of who shared them and when). Candidate sets
are chosen on the first half only: pairs that co-act (within the window, after the
exclusions of section 3) on at least ``SELECT_ITEMS`` first-half items form a graph, and
its dense blocks (Leiden CPM, per component) of at least ``MIN_SET`` accounts are the
candidates (at most ``MAX_SETS``, largest first). Each is then tested on the **second half
only**: under the null the second half is independent of the choice, so choosing sets
because they co-act does not inflate the test.

**The statistic.** For a set ``G`` of ``k`` accounts and a second-half item ``i`` with
``n_i`` sharers, ``c_i`` of them within the window of someone else, the null expects
``mu_i = n_i * sum over a in G of rate_a`` members among its sharers, where ``rate_a`` is
``a``'s share of the item's class of slots, as in the pair test: for a repost, among the
reposted account's posts, shrunk towards ``a``'s share over the kind with
``cochance_rates.REPOST_SHRINK`` pseudo-slots (fans of a star are expected on its posts).
The item **sees** ``G`` when at least ``m_i`` members are within the window of another
member, where ``m_i`` is the smallest count at least ``MIN_MEMBERS`` and half of ``c_i``
(the set is most of the item's close crowd, as the crowd filter asks) with
``P(Poisson(mu_i) >= m_i) <= ITEM_LEVEL``; ``u_i`` is that probability (0 when ``m_i``
exceeds ``k`` or ``c_i``: the item cannot see the set). Items are grouped by **author** (the reposted account; an item
with none is its own author): ``T`` is the number of authors with a post that sees ``G``,
and under the null ``T`` is a sum of independent indicators with means at most ``U_h =
min(1, sum of u_i over h's posts)``, so ``p = P(Poisson(sum of U_h) >= T)`` (an upper
bound for ``T >= sum + 1``: Hoeffding, Anderson-Samuels). ``G`` is a ring when ``T >=
MIN_AUTHORS`` and ``p * (number of candidates) <= alpha`` (Bonferroni over sets; a family
of tests of its own, beside the pairs' Holm family: by the union bound the chance of any
false group stays below twice alpha).

**Why authors, not posts.** A fandom is together on every post of its star: the star is a
common cause, and counting posts would count that cause again and again. Counted by
authors, one star's fans are seen once whatever their timing; a ring is seen on each hub
it pushes. Fans of one star, chat members forwarding one popular channel and the entrants
of one account's giveaways are thus never a ring by this test.

**Members.** A member enters with strength = its share of the set's seen items (both
halves); members below ``groups.MIN_STRENGTH`` are left out. With ``EXTEND`` (off), an
account outside the candidate block (Leiden may leave a ring member out) joins when it is
within the window of a member on ``MIN_STRENGTH`` of the seen items, on posts of at least
``MIN_AUTHORS`` authors. Each pair of members that
co-acts on the set's seen items becomes an edge (its p-value is the set's, adjusted by
Bonferroni over the sets), with those co-actions as its evidence; the crowd filter and the
groups then treat it like any other edge.

**Assumptions.** Apart from coordination, accounts choose re-shares independently, in
proportion to the popularity of each post among its author's posts (the pair test's
model); different authors' posts are independent, so a fandom of several related accounts
(a band and its members) that is their whole close crowd post after post looks like a ring.

Cost: one sweep over the re-share items (as the pair test's), one Leiden run on the
first-half pair graph, and per candidate set one pass over the second-half items
(``MAX_SETS x items``).
"""

from __future__ import annotations

from dataclasses import dataclass

import igraph as ig
import leidenalg
import numpy as np
import pandas as pd
from scipy.stats import poisson

from .cochance import sweep
from .cochance_rates import PSEUDO_ITEMS, REPOST_SHRINK
from .groups import MIN_STRENGTH, RESOLUTION

#: Whether re-share rings are tested as sets (``False``: pairs only, coordination 9).
ENABLED = True
#: Kinds whose items are re-shares of an author's posts.
RING_KINDS = ("retweet", "forward")
#: Pairs co-acting on at least this many first-half items join the candidate graph.
SELECT_ITEMS = 2
#: Smallest candidate set, and most candidate sets tested (largest first).
MIN_SET = 4
MAX_SETS = 200
#: Fewest members close together on an item for the item to see the set.
MIN_MEMBERS = 3
#: Share of the item's close sharers the set's close members must be (the crowd filter's).
OWN_SHARE = 0.5
#: Chance, under the null, that an item sees the set: the bar ``m_i`` is set to keep it so.
ITEM_LEVEL = 0.001
#: Fewest authors on whose posts the set is seen.
MIN_AUTHORS = 2
#: Whether an account outside the candidate block joins a significant set (close to its
#: members on MIN_STRENGTH of its seen items, of MIN_AUTHORS authors). Off: on generator 5's
#: dev seed it completed the co-boost ring (0.966 -> 1.0) but one more account shared with
#: another planted group re-partitioned that group's sparse pieces (0.765 -> 0.125).
EXTEND = False


@dataclass
class RingResult:
    """Significant sets and the pair rows and co-action rows they add."""

    sets: list[dict[str, object]]
    pairs: pd.DataFrame  # a, b, x, moments, expected, p, q, wide
    co_rows: np.ndarray  # rows of the co-action frame that are ring evidence


def _half(item: np.ndarray) -> np.ndarray:
    """1 for the test half, 0 for the selection half: a fixed hash of the item code."""
    return ((item.astype(np.uint64) * np.uint64(0x9E3779B1)) % np.uint64(1 << 32)
            >> np.uint64(31)).astype(np.int64)


def _blocks(a: np.ndarray, b: np.ndarray) -> list[np.ndarray]:
    """Dense blocks (CPM, per component) of the graph of account pairs ``a``-``b``."""
    if not len(a):
        return []
    names, inv = np.unique(np.r_[a, b], return_inverse=True)
    g = ig.Graph(n=len(names), edges=list(zip(inv[:len(a)].tolist(), inv[len(a):].tolist(),
                                              strict=True)))
    out = []
    for comp in g.connected_components():
        if len(comp) < MIN_SET:
            continue
        sub = g.induced_subgraph(comp)
        part = leidenalg.find_partition(sub, leidenalg.CPMVertexPartition,
                                        resolution_parameter=RESOLUTION, seed=42)
        out += [names[np.asarray(comp)[list(m)]] for m in part if len(m) >= MIN_SET]
    return out


def ring_sets(shares: pd.DataFrame, co: pd.DataFrame, window_s: float,
              alpha: float = 0.05, cap: int = 200) -> RingResult:
    """Re-share rings, tested as sets (see the module docstring).

    ``shares``: the pair test's first shares (``actor``, ``item``, ``kind``, ``audience``;
    ``audience`` -1 when none), sorted by (item, time); ``co``: its co-actions after the
    exclusions (``a``, ``b``, ``item``, ``kind``, ``close``).
    """
    empty = RingResult([], pd.DataFrame(columns=["a", "b", "x", "moments", "expected", "p",
                                                 "q", "wide"]), np.empty(0, np.int64))
    if not ENABLED or shares.empty or co.empty:
        return empty
    if len(shares) > 1 and not _by_item_time(shares):
        shares = shares.sort_values(["item", "t", "actor"], kind="mergesort")
    kind = shares["kind"].astype(str).to_numpy()
    on = np.isin(kind, RING_KINDS)
    item = shares["item"].to_numpy(np.int64)
    n_of = np.bincount(item)
    on &= n_of[item] <= cap
    if not on.any():
        return empty
    actor = shares["actor"].to_numpy(np.int64)[on]
    item, kind = item[on], kind[on]
    # each item's close sharers (within the window of someone else), before any exclusion:
    # the item's own timing
    ja, jb = sweep(item, shares["t"].to_numpy(np.float64)[on], window_s)
    who_close = np.unique(np.r_[item[ja] * (1 << 32) + actor[ja], item[jb] * (1 << 32) + actor[jb]])
    close_of = np.bincount(who_close >> 32, minlength=len(n_of))
    aud = (shares["audience"].to_numpy(np.int64)[on] if "audience" in shares
           else np.full(len(item), -1))
    # strata: (kind, audience); a share with no audience is its kind's own stratum
    kinds_u, kind_i = np.unique(kind, return_inverse=True)
    skey = kind_i * (int(aud.max()) + 2) + (aud + 1)
    st_u, st = np.unique(skey, return_inverse=True)
    has_aud = (st_u % (int(aud.max()) + 2)) > 0
    slots = np.bincount(st).astype(np.float64)  # one slot per share
    kslots = np.bincount(kind_i).astype(np.float64)
    # per (actor, stratum) and (actor, kind): items shared
    n_act = int(actor.max()) + 1
    d_st = pd.Series(1.0, index=pd.MultiIndex.from_arrays([actor, st])).groupby(level=[0, 1]).sum()
    d_kind = np.zeros((n_act, len(kinds_u)))
    np.add.at(d_kind, (actor, kind_i), 1.0)
    k_s = np.where(has_aud, REPOST_SHRINK, 0.0)
    sk = kind_i[np.unique(skey, return_index=True)[1]]  # kind of each stratum
    item_st = np.zeros(len(n_of), np.int64)
    item_st[item] = st
    items_u = np.unique(item)
    # second-half items on which the event can happen at all: MIN_MEMBERS close sharers (most
    # re-shared posts have one or two sharers; leaving them out changes no probability)
    test = items_u[(_half(items_u) == 1) & (close_of[items_u] >= MIN_MEMBERS)]
    # authors: an item's audience, else the item itself
    item_aud = np.full(len(n_of), -1, np.int64)
    item_aud[item] = aud
    hub = np.where(item_aud >= 0, item_aud, -1 - np.arange(len(n_of)))
    # co-actions of re-share items, within the window
    ck = co["kind"].astype(str).to_numpy()
    sel = np.isin(ck, RING_KINDS) & co["close"].to_numpy(bool)
    crow = np.flatnonzero(sel)
    ca, cb = co["a"].to_numpy(np.int64)[crow], co["b"].to_numpy(np.int64)[crow]
    ci = co["item"].to_numpy(np.int64)[crow]
    first = _half(ci) == 0
    # candidates: pairs on at least SELECT_ITEMS first-half items, dense blocks
    pk = pd.DataFrame({"a": ca[first], "b": cb[first], "i": ci[first]}).drop_duplicates()
    cnt = pk.groupby(["a", "b"]).size()
    cnt = cnt[cnt >= SELECT_ITEMS]
    blocks = _blocks(cnt.index.get_level_values(0).to_numpy(),
                     cnt.index.get_level_values(1).to_numpy())
    blocks = sorted(blocks, key=lambda x: (-len(x), int(x.min())))[:MAX_SETS]
    if not blocks:
        return empty
    n_sets = len(blocks)
    sets, pair_rows, ev_rows = [], [], []
    d_st_a = d_st.index.get_level_values(0).to_numpy()
    d_st_s = d_st.index.get_level_values(1).to_numpy()
    d_st_v = d_st.to_numpy()
    for members in blocks:
        k = len(members)
        inset = np.zeros(n_act, bool)
        inset[members] = True
        # the set's rate per stratum: sum over members of (d + pseudo + K prior) / (S + K)
        prior = d_kind[members].sum(axis=0) / np.maximum(kslots, 1.0)  # summed over G
        mine = inset[d_st_a]
        d_g = np.bincount(d_st_s[mine], weights=d_st_v[mine], minlength=len(st_u))
        rate_g = (d_g + k * PSEUDO_ITEMS + k_s * prior[sk]) / np.maximum(slots + k_s, 1.0)
        mu = n_of[test] * rate_g[item_st[test]]
        m0 = np.maximum(MIN_MEMBERS, np.ceil(OWN_SHARE * close_of[test])).astype(np.int64)
        m_q = poisson.isf(ITEM_LEVEL, mu).astype(np.int64) + 1
        m_i = np.maximum(m0, m_q)
        feasible = m_i <= np.minimum(k, close_of[test])
        u = np.where(feasible, poisson.sf(m_i - 1, mu), 0.0)
        u_hub = pd.Series(u).groupby(hub[test]).sum().clip(upper=1.0)
        lam = float(u_hub.sum())
        # observed: members within the window of another member, per item
        both = inset[ca] & inset[cb]
        seen_rows = np.flatnonzero(both)
        who = pd.DataFrame({"i": np.r_[ci[seen_rows], ci[seen_rows]],
                            "m": np.r_[ca[seen_rows], cb[seen_rows]]}).drop_duplicates()
        present = who.groupby("i").size()
        bar = pd.Series(m_i[feasible], index=test[feasible])
        hit_test = present.index[present.index.isin(bar.index)]
        hit_test = hit_test[present.loc[hit_test].to_numpy() >= bar.loc[hit_test].to_numpy()]
        t_obs = len(np.unique(hub[hit_test.to_numpy(np.int64)]))
        p = float(poisson.sf(t_obs - 1, lam)) if t_obs >= lam + 1 else 1.0
        if t_obs < MIN_AUTHORS or p * n_sets > alpha:
            continue
        # the set's seen items in both halves, for strengths and evidence (description:
        # the first half uses the same bar rule with its own mu)
        seen = set(hit_test.tolist())
        other = present.index[_half(present.index.to_numpy(np.int64)) == 0]
        mu1 = n_of[other] * rate_g[item_st[other]]
        m1 = np.maximum(np.maximum(MIN_MEMBERS, np.ceil(OWN_SHARE * close_of[other])),
                        poisson.isf(ITEM_LEVEL, mu1) + 1)
        seen |= set(other[present.loc[other].to_numpy() >= m1].tolist())
        seen_arr = np.asarray(sorted(seen), np.int64)
        keep_m, rows = _members(inset, ca, cb, ci, hub, seen_arr)
        q = min(1.0, p * n_sets)
        sets.append({"members": {int(a): round(float(v), 3) for a, v in keep_m.items()},
                     "authors": t_obs, "expected_authors": lam, "p": p, "q": q,
                     "items": len(seen_arr)})
        ev_rows.append(crow[rows])
        pr = pd.DataFrame({"a": ca[rows], "b": cb[rows], "i": ci[rows]})
        g = pr.drop_duplicates().groupby(["a", "b"]).size().rename("x").reset_index()
        pair_rows.append(g.assign(moments=g["x"], expected=lam, p=p, q=q, wide=False))
    if not sets:
        return empty
    pairs = (pd.concat(pair_rows, ignore_index=True).sort_values("p")
             .drop_duplicates(["a", "b"]).sort_values(["a", "b"]).reset_index(drop=True))
    return RingResult(sets, pairs, np.unique(np.concatenate(ev_rows)))


def _members(inset: np.ndarray, ca: np.ndarray, cb: np.ndarray, ci: np.ndarray,
             hub: np.ndarray, seen: np.ndarray) -> tuple[pd.Series, np.ndarray]:
    """A significant set's members (strength = share of its seen items) and the co-action
    rows (positions in ``ca``/``cb``/``ci``) that are their evidence.

    With :data:`EXTEND`, an account close to a member on the seen items joins too (Leiden may
    leave a ring member out of the candidate block) when it is on ``MIN_STRENGTH`` of them
    and on posts of ``MIN_AUTHORS`` authors: a fan of one of the ring's authors is on one
    author's posts.
    """
    on = np.isin(ci, seen) & (inset[ca] | inset[cb])
    rows = np.flatnonzero(on)
    who = pd.DataFrame({"i": np.r_[ci[rows], ci[rows]], "m": np.r_[ca[rows], cb[rows]]}
                       ).drop_duplicates()
    who["h"] = hub[who["i"].to_numpy()]
    share = who.groupby("m").size() / len(seen)
    authors = who.groupby("m")["h"].nunique()
    outside_ok = (authors >= MIN_AUTHORS) if EXTEND else False
    ok = (share >= MIN_STRENGTH) & (inset[share.index.to_numpy()] | outside_ok)
    keep = share[ok]
    mine = np.isin(ca[rows], keep.index) & np.isin(cb[rows], keep.index)
    return keep, rows[mine]


def _by_item_time(s: pd.DataFrame) -> bool:
    """Whether shares are in (item, time) order (as the stage loads them)."""
    di, dt = np.diff(s["item"].to_numpy()), np.diff(s["t"].to_numpy())
    return bool(np.all((di > 0) | ((di == 0) & (dt >= 0))))


def with_rings(sig: pd.DataFrame, rings: RingResult) -> pd.DataFrame:
    """The significant pairs, and each ring's member pairs that are not already among them
    (``ring`` True: their evidence is the ring's co-actions only, :func:`ring_keep`)."""
    sig = sig.assign(ring=False)
    if not len(rings.pairs):
        return sig
    have = pd.MultiIndex.from_frame(sig[["a", "b"]])
    extra = rings.pairs[~pd.MultiIndex.from_frame(rings.pairs[["a", "b"]]).isin(have)]
    return pd.concat([sig, extra.assign(ring=True)], ignore_index=True)


def ring_keep(co: pd.DataFrame, sig: pd.DataFrame) -> pd.DataFrame:
    """Co-actions of the significant pairs; a pair that is an edge only as a ring member
    keeps the ring's co-actions (``co.ring_row``: re-shares of the set's seen items, marked
    from :attr:`RingResult.co_rows`), not its others."""
    keep = co.merge(sig[["a", "b", "wide", "ring"]], on=["a", "b"])
    ok = ~keep["ring"].to_numpy(bool) | keep["ring_row"].to_numpy(bool)
    return keep[ok].drop(columns=["ring_row", "ring"]).reset_index(drop=True)
