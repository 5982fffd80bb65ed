"""Members too sparse for any pair test, attached to a group by the group's own items.

Why: a member that takes part in a third of its group's pushes meets each other member
on two or three items. No pair of it passes Holm's bar over the hundreds of thousands of
pairs that co-act somewhere, so it has no edge and is in no community, although it is
close to the group's burst on item after item that only the group shares (generator 4's
dev seed: 23 of a 35-account link group were found; the 8 left out each met 24-27 of
the 27 found members on 3-8 of the group's items, and no account outside a planted
group met a group on 3 of its own items).

**Test** (docs/coordination.md, section 21). A group's *own items* are the items of the
evidence the crowd filter left to it: co-actions of two of its members on items it owns
(section 4). An account outside the group *meets* it on an own item when one of its
co-actions within the window (after section 3's exclusions) is with a member. ``K`` is
the number of distinct own items it meets the group on. Under the null the account
picks its items as the pair test has it pick them (section 3): at random among its
kind's share slots, a repost among the reposted account's posts (shrunk towards its
rate over the kind with :data:`.cochance_rates.REPOST_SHRINK` pseudo-slots), at its
rate over the kind for a closed audience (section 17). The expected number of own items
it shares *at all* is ``E = sum over own items i of rate(class of i) * n_i``; ``K``,
which also needs closeness, is compared with ``Poisson(E)``: ``p = P(X >= K)``. Taking
closeness as certain overstates ``E``, so the test errs towards leaving an account out.
Bonferroni over every (group, account) pair where the account shared any own item of
the group; an account is attached when ``p * m <= alpha`` and ``K >= min_items``.

**Assumptions.** The crowd filter has already judged the group's items its own: an
account in the group's burst on a viral link meets it on no own item. A fan is expected
on its star's posts (the repost conditioning), so a re-share group's sparse members are
attached only when the group's hub is not a star they follow anyway. Nothing else
changes: the communities found by the pair test stay as they are, and an attached member
is listed with the role ``attached``, its strength the share of the group it met, and
its co-actions with the group as evidence; its edges carry the group test's p-value.

Cost: one pass over the co-actions and the shares, restricted to own items first (one
``isin`` each), then a loop over the groups on those rows: linear in co-actions and shares.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import poisson

from .cochance_rates import REPOST_SHRINK
from .coordination_rows import MAX_ITEMS, edge_rows_of

#: Whether sparse members are attached to the groups found (off: the pair test's groups).
ENABLED = True
#: Role of an attached member in ``communities``.
ROLE = "attached"


@dataclass
class Slim:
    """The shares the test needs after the pair test has dropped its frame: codes only."""

    item: np.ndarray
    actor: np.ndarray
    kind: np.ndarray  # small integer code per share
    audience: np.ndarray  # -1: no reposted account


def slim(shares: pd.DataFrame) -> Slim:
    """Compact copies of the share columns the attachment test reads."""
    kind = shares["kind"].astype("category").cat.codes.to_numpy(np.int16)
    audience = (shares["audience"].to_numpy(np.int64) if "audience" in shares.columns
                else np.full(len(shares), -1, np.int64))
    return Slim(shares["item"].to_numpy(np.int64), shares["actor"].to_numpy(np.int64),
                kind, audience)


@dataclass
class Attachment:
    """One account attached to one group, with its test."""

    community_id: str
    actor: int
    met: int  # K: own items met
    mates: int  # members met
    expected: float
    p: float
    q: float  # p * m, capped at 1
    rows: np.ndarray  # co-action rows (of ``co``) that are its evidence


#: Pseudo-slots shrinking a rate measured on one site's links towards the account's rate
#: over links (a site with few other links says little; see :func:`_expected`).
SITE_SHRINK = 100.0


@dataclass
class _Classes:
    """Per item code: kind, conditioning class (-1: none) and sharers; per class, slots."""

    kind: np.ndarray
    cls: np.ndarray
    shrink: np.ndarray  # per item: pseudo-slots of its class's rate
    n: np.ndarray
    kind_slots: np.ndarray
    cls_keys: np.ndarray
    cls_slots: np.ndarray


def _classes(s: Slim, sites: tuple[np.ndarray, np.ndarray], closed: np.ndarray) -> _Classes:
    """Each item's class: the reposted account's posts (as in the pair test), else a
    link's site (an aggregator of one site shares most of its links), else none."""
    n_kinds = int(s.kind.max()) + 1 if len(s.kind) else 1
    n = np.bincount(s.item).astype(np.float64)
    first = np.unique(s.item, return_index=True)[1]
    kind = np.zeros(len(n), np.int64)
    aud = np.full(len(n), -1, np.int64)
    kind[s.item[first]] = s.kind[first]
    aud[s.item[first]] = s.audience[first]
    site, has_site = sites
    codes = np.arange(len(n))
    in_sites = codes < len(site)
    site_of = np.where(in_sites, site[np.minimum(codes, max(len(site) - 1, 0))], -1)
    with_site = in_sites & has_site[np.minimum(codes, max(len(has_site) - 1, 0))]
    offset = (int(aud.max()) + 2) * n_kinds
    cls = np.where((aud >= 0) & ~np.isin(aud, closed), aud * n_kinds + kind,
                   np.where(with_site & (aud < 0), offset + site_of * n_kinds + kind, -1))
    shrink = np.where(aud >= 0, REPOST_SHRINK, SITE_SHRINK)
    row_cls = cls[s.item]
    keys, slots = np.unique(row_cls[row_cls >= 0], return_counts=True)
    return _Classes(kind, cls, shrink, n, np.bincount(s.kind, minlength=n_kinds)
                    .astype(np.float64), keys, slots.astype(np.float64))


def _slots(c: _Classes, keys: np.ndarray) -> np.ndarray:
    at = np.minimum(np.searchsorted(c.cls_keys, keys), max(len(c.cls_keys) - 1, 0))
    return np.where(c.cls_keys[at] == keys, c.cls_slots[at], 0.0) if len(c.cls_keys) \
        else np.zeros(len(keys))


def _expected(c: _Classes, counts: tuple[pd.Series, pd.Series], actor: int,
              own: np.ndarray, shared_own: np.ndarray) -> float:
    """Own items the account is expected to share at all, its rates left without them.

    As the pair test leaves the pair's own items out of each rate, the group's own items
    are left out here (``shared_own``: those the account shared): its rate is what it
    does elsewhere. The rate of an item is the larger of the account's rate over the
    kind and its rate in the item's class (shrunk towards the former): an upper bound,
    so that the test errs towards leaving the account out.
    """
    by_kind, by_cls = counts
    k, cl, n = c.kind[own], c.cls[own], c.n[own]
    own_kind_slots = pd.Series(n).groupby(k).sum()
    mine_own_kind = pd.Series(1.0, index=c.kind[shared_own]).groupby(level=0).sum()
    kinds = np.unique(k)
    rate_k = {}
    for x in kinds:
        left = c.kind_slots[x] - own_kind_slots.get(x, 0.0)
        rate_k[int(x)] = max(by_kind.get((actor, int(x)), 0) - mine_own_kind.get(x, 0.0),
                             0.0) / max(left, 1.0)
    rate = np.array([rate_k[int(x)] for x in k])
    has = cl >= 0
    if has.any():
        own_cls_slots = pd.Series(n[has]).groupby(cl[has]).sum()
        sc = c.cls[shared_own]
        mine_own_cls = pd.Series(1.0, index=sc[sc >= 0]).groupby(level=0).sum()
        keys = cl[has]
        left = _slots(c, keys) - own_cls_slots.reindex(keys).to_numpy()
        mine = np.array([by_cls.get((actor, int(x)), 0) for x in keys], np.float64)
        mine = np.maximum(mine - mine_own_cls.reindex(keys).fillna(0.0).to_numpy(), 0.0)
        sh = c.shrink[own][has]
        cond = (mine + sh * rate[has]) / (np.maximum(left, 0.0) + sh)
        rate[has] = np.maximum(rate[has], cond)
    return float((rate * n).sum())


def _counts(s: Slim, c: _Classes, who: np.ndarray) -> tuple[pd.Series, pd.Series]:
    """Shares per (account, kind) and per (account, class), for the accounts ``who``."""
    mine = np.isin(s.actor, who)
    a, k = s.actor[mine], s.kind[mine].astype(np.int64)
    cl = c.cls[s.item[mine]]
    by_kind = pd.Series(1, index=pd.MultiIndex.from_arrays([a, k])).groupby(level=[0, 1]).size()
    by_cls = pd.Series(1, index=pd.MultiIndex.from_arrays([a[cl >= 0], cl[cl >= 0]])
                       ).groupby(level=[0, 1]).size()
    return by_kind, by_cls


def attach(communities: list[dict[str, Any]], ev: pd.DataFrame, co: pd.DataFrame,
           s: Slim, actors: list[str], alpha: float, min_items: int,
           closed: np.ndarray, sites: tuple[np.ndarray, np.ndarray]) -> list[Attachment]:
    """Accounts outside each group that meet it on more of its own items than chance."""
    if not communities or not len(ev) or "item_code" not in ev.columns or not len(co):
        return []
    code = {a: i for i, a in enumerate(actors)}
    groups: dict[str, np.ndarray] = {}
    for r in communities:
        groups.setdefault(r["community_id"], np.empty(0, np.int64))
        groups[r["community_id"]] = np.append(groups[r["community_id"]], code[r["source"]])
    ea = np.array([code[x] for x in ev["source_a"]], np.int64)
    eb = np.array([code[x] for x in ev["source_b"]], np.int64)
    e_item = ev["item_code"].to_numpy(np.int64)
    owned = {cid: np.unique(e_item[np.isin(ea, g) & np.isin(eb, g)])
             for cid, g in groups.items()}
    every = np.unique(np.concatenate(list(owned.values())))
    close = np.flatnonzero(co["close"].to_numpy(bool)
                           & np.isin(co["item"].to_numpy(np.int64), every))
    ca, cb = co["a"].to_numpy(np.int64)[close], co["b"].to_numpy(np.int64)[close]
    ci = co["item"].to_numpy(np.int64)[close]
    on = np.isin(s.item, every)
    sh_item, sh_actor = s.item[on], s.actor[on]
    found: list[tuple[str, int, int, int, np.ndarray]] = []
    m = 0
    for cid, g in groups.items():
        own = owned[cid]
        sharers = np.unique(sh_actor[np.isin(sh_item, own)])
        m += int((~np.isin(sharers, g)).sum())
        here = np.isin(ci, own)
        ina, inb = np.isin(ca, g), np.isin(cb, g)
        cross = np.flatnonzero(here & (ina ^ inb))
        other = np.where(ina[cross], cb[cross], ca[cross])
        mate = np.where(ina[cross], ca[cross], cb[cross])
        if not len(cross):
            continue
        frame = pd.DataFrame({"o": other, "item": ci[cross], "mate": mate, "row": close[cross]})
        per = frame.groupby("o").agg(met=("item", "nunique"), mates=("mate", "nunique"))
        per = per[per["met"] >= min_items]
        rows_of = frame[frame["o"].isin(per.index)].groupby("o")["row"]
        for o, r in per.iterrows():
            found.append((cid, int(o), int(r["met"]), int(r["mates"]),
                          rows_of.get_group(o).to_numpy(np.int64)))
    if not found:
        return []
    classes = _classes(s, sites, closed)
    counts = _counts(s, classes, np.unique([f[1] for f in found]))
    out = []
    for cid, o, met, mates, rows in found:
        own = owned[cid]
        e = _expected(classes, counts, o, own, np.unique(sh_item[(sh_actor == o)
                                                                 & np.isin(sh_item, own)]))
        p = float(poisson.sf(met - 1, e))
        if p * m <= alpha:
            out.append(Attachment(cid, o, met, mates, e, p, min(1.0, p * m), rows))
    return out


def apply(attached: list[Attachment], communities: list[dict[str, Any]], ev: pd.DataFrame,
          edge_rows: list[dict[str, Any]], co: pd.DataFrame, actors: list[str],
          window: float, evidence: Callable[[pd.DataFrame], pd.DataFrame]
          ) -> tuple[list[dict[str, Any]], pd.DataFrame, list[dict[str, Any]]]:
    """Communities, evidence and edges with the attached members and their co-actions.

    ``evidence`` turns co-action rows into evidence rows (the stage's own, with names,
    documents and times). A pair that is already an edge keeps its own test.
    """
    if not attached:
        return communities, ev, edge_rows
    have = {(r["source_a"], r["source_b"]) for r in edge_rows}
    rows = co.iloc[np.unique(np.concatenate([a.rows for a in attached]))]
    new = evidence(rows.reset_index(drop=True))
    pair = list(zip(new["source_a"], new["source_b"], strict=True))
    new = new[[p not in have for p in pair]].reset_index(drop=True)
    by_pair: dict[tuple[str, str], Attachment] = {}
    first: dict[str, Attachment] = {}
    for a in attached:
        first.setdefault(actors[a.actor], a)
    for sa, sb in zip(new["source_a"], new["source_b"], strict=True):
        hit = first.get(sa) or first.get(sb)
        if hit is not None:
            by_pair.setdefault((sa, sb), hit)
    new = new[[p in by_pair for p in zip(new["source_a"], new["source_b"], strict=True)]]
    if not len(new):
        return communities, ev, edge_rows
    moments = new.groupby(["source_a", "source_b"])["doc_a"].nunique()
    pairs = pd.DataFrame({
        "expected": [by_pair[k].expected for k in moments.index],
        "p": [by_pair[k].p for k in moments.index],
        "q": [by_pair[k].q for k in moments.index],
        "moments": moments.to_numpy(), "window": window}, index=moments.index)
    edge_rows = edge_rows + edge_rows_of(new, pairs, window)
    ev = pd.concat([ev, new], ignore_index=True)
    return _members(attached, communities, new, actors), ev, edge_rows


def _members(attached: list[Attachment], communities: list[dict[str, Any]],
             new: pd.DataFrame, actors: list[str]) -> list[dict[str, Any]]:
    """The community rows with one row per attached member (sizes updated)."""
    size: dict[str, int] = {}
    dominant: dict[str, Any] = {}
    members: dict[str, set[str]] = {}
    for r in communities:
        members.setdefault(r["community_id"], set()).add(r["source"])
        dominant[r["community_id"]] = r["dominant_kind"]
    added = []
    for a in attached:
        name = actors[a.actor]
        if name in members[a.community_id]:
            continue
        g = members[a.community_id]
        mine = new[((new["source_a"] == name) & new["source_b"].isin(g))
                   | ((new["source_b"] == name) & new["source_a"].isin(g))]
        listed = [{"kind": k, "item": i, "time": (ta if sa == name else tb).isoformat(),
                   "with": sb if sa == name else sa,
                   "with_time": (tb if sa == name else ta).isoformat(),
                   "p_group": a.p}
                  for sa, sb, k, i, ta, tb in mine[["source_a", "source_b", "kind", "item",
                                                    "time_a", "time_b"]].itertuples(index=False)]
        listed.sort(key=lambda e: (e["time"], e["item"], e["with"]))
        added.append({"community_id": a.community_id, "source": name,
                      "evidence": json.dumps(listed[:MAX_ITEMS], ensure_ascii=False),
                      "strength": round(a.mates / max(len(g), 1), 3), "role": ROLE,
                      "dominant_kind": dominant[a.community_id]})
        g.add(name)
    for cid, g in members.items():
        size[cid] = len(g)
    out = [dict(r, size=size[r["community_id"]]) for r in communities + added]
    return sorted(out, key=lambda r: (r["community_id"], r["source"]))
