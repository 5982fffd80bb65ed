"""The crowd filter: co-actions that are a group's own, not a crowd's.

Why apart from :mod:`.coordination`: the pair test asks whether two accounts meet
more often than their rates predict; this asks, afterwards, whether the items they
met on belong to them or to everyone who shares in bursts (junkies, fandoms). It
reads the tested co-actions and the groups, and only ever removes evidence.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import numpy as np
import pandas as pd

from ..corpus import Corpus
from .groups import overlapping_groups
from .rescue import Rescue
from .siteslice import SITE_SLICE, Crowds, sliced_crowd
from .wholegroups import pair_items

#: A co-action is a group's own when the group's accounts are at least this share of
#: the item's close sharers (see :func:`own_items`).
OWN_SHARE = 0.5
#: Whether a group must also be at least ``OWN_SHARE`` of *everyone* who shared the
#: item's episode, close in time or not: two fans who happen to be quick, among dozens
#: who re-share a creator's posts hours apart, do not own those posts.
ALL_SHARERS = True
#: Whether a link (and its title text) must also be its group's by its site's close
#: sharers (link/sites.py). Measured: gen3 dev innocents 93 -> 49 (with the title rule);
#: costs split rings on gen2 seed 11 (see docs/coordination.md, section 4).
SITE_CROWD = True
#: Whether a group of two accounts (or a pair in no group) is kept from owning links that
#: only the two of them shared (when it has at least ``MIN_PRIVATE`` of them). Why: two
#: accounts that pass each other links nobody else shares, now one first, now the other,
#: are in contact (an outlet and its reporter posting the outlet's own short links, two
#: friends), not two accounts acting on a third party's item; the responses rule
#: (link/conversation.py) leaves out such links only when one account always introduces
#: them. **Off**: measured on generator 4's dev seed it removed 5 innocent accounts and the
#: whole negative control (6), but it split generator 3's dev 3-member link group into pairs
#: whose links only the pair shared (F1 0.8 -> 0.222); see docs/coordination.md section 9.
#: *Assumption* (when on): a two-account ring is not seen by links only it shares.
PRIVATE_LINKS = True
#: ... when the pair has at least this many such links (one link passed once says nothing;
#: the responses rule of link/conversation.py asks for as many).
MIN_PRIVATE = 2
#: Rounds of the crowd filter at most (it stops as soon as a round keeps everything).
MAX_CROWD_ROUNDS = 5


def item_bases(corpus: Corpus, n_items: int) -> np.ndarray:
    """Per item code: a code for the item with its episode dropped (``tag @3`` -> ``tag``)."""
    # numpy straight from DuckDB: every post's own text is an item, so at 10M posts a
    # Python tuple per item was gigabytes
    got = corpus.con.execute(r"""SELECT item_code, dense_rank() OVER (
                ORDER BY kind, regexp_replace(item, ' @[0-9]+$', '')) - 1 AS base
        FROM (SELECT DISTINCT item_code, kind, item FROM _coord_coded)""").fetchnumpy()
    code = np.asarray(got["item_code"], dtype=np.int64)
    base = np.arange(n_items, dtype=np.int64)
    inside = code < n_items
    base[code[inside]] = np.asarray(got["base"], dtype=np.int64)[inside]
    return base


def close_sharers(co: pd.DataFrame, n_items: int, base: np.ndarray | None = None) -> np.ndarray:
    """Per item code: how many accounts shared it within the window of someone else.

    With ``base`` (item code -> code of the item without its episode), the accounts are
    counted over every episode of the item: a hashtag a fandom uses in burst after burst
    belongs to the whole fandom, not to the two or three who met in one of its bursts.
    """
    if co.empty:
        return np.zeros(n_items, dtype=np.int64)
    item = co["item"].to_numpy(np.int64)
    key = base[item] if base is not None else item
    who = np.unique(np.r_[key * (1 << 32) + co["a"].to_numpy(np.int64),
                          key * (1 << 32) + co["b"].to_numpy(np.int64)])
    size = max(n_items, int(base.max()) + 1 if base is not None and len(base) else 0)
    counts = np.bincount(who >> 32, minlength=size).astype(np.int64)
    return counts[base] if base is not None else counts[:n_items]


def _private(rows: pd.DataFrame) -> np.ndarray:
    """Per evidence row (by ``index``): a ``url`` co-action on a link only its pair shared,
    of a pair with at least ``MIN_PRIVATE`` such links (see :data:`PRIVATE_LINKS`)."""
    one = ((rows["kind"] == "url") & (rows["crowd"] <= 2)).to_numpy()
    out = np.zeros(int(rows["index"].max()) + 1 if len(rows) else 0, dtype=bool)
    if not one.any():
        return out
    mine = rows[one]
    count = mine.groupby(["source_a", "source_b"])["item"].transform("nunique")
    out[mine["index"].to_numpy()[(count >= MIN_PRIVATE).to_numpy()]] = True
    return out


def _stars(groups: list[dict[str, Any]], weight: dict[tuple[str, str], float]) -> set[int]:
    """Indices of the groups of three or more whose edges all touch one member (one pass
    over the edges: a member's groups are few)."""
    gids_of: dict[str, set[int]] = defaultdict(set)
    for gid, grp in enumerate(groups):
        for m in grp["members"]:
            gids_of[m].add(gid)
    common: dict[int, set[str]] = {}  # per group: the members every edge so far touches
    for a, b in weight:
        for gid in gids_of.get(a, set()) & gids_of.get(b, set()):
            common[gid] = common.get(gid, {a, b}) & {a, b}
    return {gid for gid, hub in common.items() if hub and len(groups[gid]["members"]) >= 3}


def _present(inside: pd.DataFrame, key: list[str], extra: pd.DataFrame | None) -> pd.Series:
    """Distinct accounts per ``key``: both sides of the group's own rows, and the accounts
    :mod:`.rescue` attached to the group (``extra``), counted where they met it."""
    parts = [inside[key + [side]].rename(columns={side: "who"})
             for side in ("source_a", "source_b")]
    if extra is not None and len(extra):
        parts.append(extra[key + ["who"]])
    return pd.concat(parts).drop_duplicates().groupby(key).size()


def own_items(ev: pd.DataFrame, edge_rows: list[dict[str, Any]], min_items: int,
              crowds: Crowds | None = None, rescue: Rescue | None = None) -> pd.DataFrame:
    """The co-actions that are a group's own, not a crowd's: why burst junkies are not groups.

    Accounts that join many viral bursts meet each other in burst after burst more
    often than the popularity model expects, and pass the pair test. What they never
    have is an item that is *theirs*: in a burst, their group is a few of the dozens
    who shared it within minutes. A planted group is most of the close sharers of the
    items it pushes. So, with the groups found on all significant edges, a co-action
    counts only when the accounts of a group that co-acted on that item are at least
    ``OWN_SHARE`` of its close sharers (for a pair in no common group, the pair itself);
    a pair keeps its edge only with ``min_items`` such posts. Groups are then found again.

    ``crowds`` (:func:`.siteslice.crowds`, with an ``item_code`` column in ``ev``) lets a
    group that shares a site together count the site's crowd over its own links on it
    (:mod:`.siteslice`: several operations push one domain). ``rescue``
    (:func:`.rescue.rescuer`) names accounts attached to each group, counted as present
    where they met it (a group the pair test found only part of).
    """
    if ev.empty:
        return ev
    weight: dict[tuple[str, str], float] = defaultdict(float)
    for r in edge_rows:
        weight[(r["source_a"], r["source_b"])] += r["rarity"]
    # pieces of one sparse group that push the same items are judged as one group
    # (link/wholegroups.py)
    groups = overlapping_groups([(a, b, w) for (a, b), w in sorted(weight.items())],
                                pair_items(ev))
    member = pd.DataFrame([(g, m) for g, grp in enumerate(groups) for m in grp["members"]],
                          columns=["gid", "source"])
    rows = ev[["source_a", "source_b", "kind", "item", "item_close_sharers",
               "item_sharers"]].reset_index()
    # the crowd an item belongs to: its close sharers (over all its episodes) or, when
    # more, everyone who shared this episode of it (see ALL_SHARERS)
    rows["crowd"] = (np.maximum(rows["item_close_sharers"], rows["item_sharers"])
                     if ALL_SHARERS else rows["item_close_sharers"])

    inside = (rows.merge(member.rename(columns={"source": "source_a"}), on="source_a")
              .merge(member.rename(columns={"source": "source_b"}), on="source_b"))
    inside = inside[inside["gid_x"] == inside["gid_y"]].rename(columns={"gid_x": "gid"})
    extra = rescue(groups, ev) if rescue is not None else None
    # per (group, item): the group's accounts among the item's co-acting rows
    present = _present(inside, ["gid", "kind", "item"], extra).rename("present")
    inside = inside.merge(present.reset_index(), on=["gid", "kind", "item"])
    ok = inside["present"] >= OWN_SHARE * inside["crowd"]
    sliced = SITE_SLICE and crowds is not None and "item_code" in ev
    if SITE_CROWD and "site" in ev:
        # a link (and its title text) is also its site's: the group must be most of the
        # accounts that ever shared one of the site's links close to someone else
        # (link/sites.py)
        cols = ["site", "site_close_sharers", "has_site"] + (["item_code"] if sliced else [])
        inside = inside.merge(ev[cols], left_on="index", right_index=True)
        on_site = _present(inside, ["gid", "site"], extra).rename("on_site")
        inside = inside.merge(on_site.reset_index(), on=["gid", "site"])
        site_crowd = inside["site_close_sharers"]
        if sliced:  # a group sharing the site together: its own links' crowd (siteslice.py)
            cut = sliced_crowd(inside, ["gid", "site"], crowds)  # type: ignore[arg-type]
            inside = inside.merge(cut.reset_index(), on=["gid", "site"], how="left")
            site_crowd = np.fmin(inside["site_close_sharers"], inside["slice"])
        ok = (inside["present"] >= OWN_SHARE * inside["crowd"]) & (
            ~inside["has_site"].astype(bool)
            | (inside["on_site"] >= OWN_SHARE * site_crowd))
    private = _private(rows) if PRIVATE_LINKS else None
    if private is not None:
        # a group of two does not own links only the two of them shared (see PRIVATE_LINKS),
        # nor does a star: a group whose ties all run through one account (an outlet and
        # two of its reporters) is pairs that share one account
        size = member.groupby("gid").size()
        pairs_only = (inside["gid"].map(size) <= 2) | inside["gid"].isin(
            _stars(groups, weight))
        ok = ok & ~(private[inside["index"].to_numpy()] & pairs_only.to_numpy())
    owned = set(inside.loc[ok, "index"])
    alone = ~rows["index"].isin(inside["index"]) & (
        OWN_SHARE * rows["crowd"] <= 2)
    if private is not None:
        alone &= ~private[rows["index"].to_numpy()]
    if SITE_CROWD and "site" in ev:
        # a pair in no common group owns a link only if it is half its site's crowd too
        # (an outlet and one keen reader meet on the few articles nobody else shared)
        site_crowd = ev["site_close_sharers"].to_numpy(np.float64)
        if sliced:  # the pair's own links on the site (siteslice.py)
            keys = ["source_a", "source_b", "site"]
            cut = sliced_crowd(ev, keys, crowds)  # type: ignore[arg-type]
            site_crowd = np.fmin(site_crowd, cut.reindex(
                pd.MultiIndex.from_frame(ev[keys])).to_numpy(np.float64))
        site_ok = (~ev["has_site"].astype(bool)) | (OWN_SHARE * site_crowd <= 2)
        alone &= site_ok.loc[rows["index"]].to_numpy()
    owned |= set(rows.loc[alone, "index"])
    kept = ev.loc[sorted(owned)]
    moments = kept.groupby(["source_a", "source_b"])["doc_a"].nunique()
    good = moments[moments >= min_items].index
    kept = kept.set_index(["source_a", "source_b"])
    return kept.loc[kept.index.isin(good)].reset_index()
