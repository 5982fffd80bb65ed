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

#: Kinds on which an attached account is not counted: an account's replies are its
#: audience's (fans answering a star post after post; see docs/coordination.md, section 24).
LEFT_OUT_KINDS: tuple[str, ...] = ("reply",)

Rescue = Callable[[list[dict[str, Any]], pd.DataFrame], pd.DataFrame]


def rescuer(co: pd.DataFrame, s: attached.Slim | None, actors: list[str], settings: Settings,
            sites: tuple[np.ndarray, np.ndarray]) -> Rescue | None:
    """A function of (groups, evidence) giving ``gid``, ``item``, ``who``: the accounts the
    attachment test attaches to each group and the evidence items where they met it
    (``None`` when off, or when the attachment test kept no shares)."""
    if not ENABLED or s is None:
        return None
    alpha, min_items = settings.coordination_alpha, settings.coordination_min_items
    cap = settings.coordination_item_cap

    def present(groups: list[dict[str, Any]], ev: pd.DataFrame) -> pd.DataFrame:
        empty = pd.DataFrame({"gid": pd.Series([], dtype=np.int64),
                              "item": pd.Series([], dtype=object),
                              "who": pd.Series([], dtype=object)})
        if not groups or not len(ev) or "item_code" not in ev.columns:
            return empty
        rows = [{"community_id": str(gid), "source": m}
                for gid, grp in enumerate(groups) for m in grp["members"]]
        found = attached.attach(rows, ev, co, s, actors, alpha, min_items, sites, cap)
        if not found:
            return empty
        gid = np.concatenate([np.full(len(a.rows), int(a.community_id)) for a in found])
        who = np.concatenate([np.full(len(a.rows), a.actor) for a in found])
        code = co["item"].to_numpy(np.int64)[np.concatenate([a.rows for a in found])]
        names = ev[["item_code", "item"]].drop_duplicates("item_code").set_index("item_code")
        out = pd.DataFrame({"gid": gid, "item_code": code,
                            "who": [actors[int(w)] for w in who]})
        out = out.merge(names, left_on="item_code", right_index=True)
        kinds = ev[["item", "kind"]].drop_duplicates("item")
        out = out.merge(kinds[~kinds["kind"].isin(LEFT_OUT_KINDS)], on="item")
        return out[["gid", "item", "who"]].drop_duplicates().reset_index(drop=True)

    return present
