"""A group's crowd counted with the sparse members the attachment test finds (crowd filter).

Why: the crowd filter (:mod:`.crowd`) keeps an item for a group only when the group is at
least half of the item's close sharers. A large group whose members each join a few of
its pushes has many pairs that meet on two items, not three: the pair test finds a part
of it (15 of judge 3's 28-member hashtag group, 18 of its 50-member link group), and the
rest of the crowd of every one of its items is the group's own unfound members. The part
is under half, and the whole group was dropped. Here, before the filter judges a group's
items, the attachment test (:mod:`.attached`, section 21 of docs/coordination.md) is run
on the group as the pair test left it, and the accounts it attaches count as present on
the items where they met the group. The test is the one that places sparse members after
the filter: an account is counted only when it meets the group on more of its items than
its own rates (within a star's posts or a site's links) predict, so a fandom's other fans
or an outlet's other readers, who share those items at their own rate, are not.

Price (docs/coordination.md, section 24; ``bench/rescue_worst_case.py``): accounts that
are most of every burst they join, and share nothing else, are placed a little sooner.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from ..settings import Settings
from . import attached

#: Whether the crowd filter counts accounts attached to a group before it judges the
#: group's items (see the module docstring).
ENABLED = True
#: Kinds the test before the filter leaves out, as items to meet on and as items to count
#: on: an account's replies are its audience's (fans answering a star post after post; see
#: docs/coordination.md, section 24).
LEFT_OUT_KINDS: tuple[str, ...] = ("reply",)

#: The site of an account met through spread co-shares only: matches no site (crowd.py).
NO_SITE = -2

Rescue = Callable[[list[dict[str, Any]], pd.DataFrame], pd.DataFrame]


def rescuer(co: pd.DataFrame, s: attached.Slim | None, actors: list[str], settings: Settings,
            sites: tuple[np.ndarray, np.ndarray], rounds: int) -> Rescue | None:
    """A function of (groups, evidence) giving ``gid``, ``item``, ``kind``, ``site`` and
    ``who``: the accounts the attachment test attaches to each group and the evidence items
    (by code: one name can be two kinds' items) where they met it. ``None`` when off, or
    when the attachment test kept no shares.

    Each of the crowd filter's ``rounds`` is a family of tests: each runs at ``alpha /
    rounds``, so that all of them together stay within ``alpha``.
    """
    if not ENABLED or s is None:
        return None
    alpha, min_items = settings.coordination_alpha / rounds, settings.coordination_min_items
    cap = settings.coordination_item_cap
    items = attached.classes(s, sites, cap)  # the same in every round

    def present(groups: list[dict[str, Any]], ev: pd.DataFrame) -> pd.DataFrame:
        cols = ["gid", "item", "kind", "site", "who"]
        empty = pd.DataFrame({c: pd.Series([], dtype=np.int64 if c == "gid" else object)
                              for c in cols})
        if not groups or not len(ev) or "item_code" not in ev.columns:
            return empty
        ev = ev[~ev["kind"].isin(LEFT_OUT_KINDS)]
        rows = [{"community_id": str(gid), "source": m}
                for gid, grp in enumerate(groups) for m in grp["members"]]
        found = attached.attach(rows, ev, co, s, actors, alpha, min_items, sites, cap, items)
        if not found:
            return empty
        gid = np.concatenate([np.full(len(a.rows), int(a.community_id)) for a in found])
        who = np.concatenate([np.full(len(a.rows), a.actor) for a in found])
        at = np.concatenate([a.rows for a in found])
        span = co["span"].to_numpy(bool)[at] if "span" in co.columns else np.zeros(len(at), bool)
        named = (ev.assign(site=ev["site"] if "site" in ev.columns else -1)
                 [["item_code", "item", "kind", "site"]].drop_duplicates("item_code"))
        # one row per (group, item, account); met there through spread co-shares only: not
        # one of the site's close sharers, so not counted on the site (meetings.py)
        out = (pd.DataFrame({"gid": gid, "item_code": co["item"].to_numpy(np.int64)[at],
                             "who": who, "span": span})
               .groupby(["gid", "item_code", "who"])["span"].all().reset_index())
        out["who"] = [actors[int(w)] for w in out["who"]]
        out = out.merge(named, on="item_code")
        out["site"] = np.where(out["span"].to_numpy(bool), NO_SITE, out["site"].to_numpy())
        return out[cols].reset_index(drop=True)

    return present
