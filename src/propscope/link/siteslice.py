"""The part of a site's crowd that shares a group's own articles: the site crowd, sliced.

Why: the site rule of the crowd filter (:mod:`.crowd`, :mod:`.sites`) asks a group to be
at least half of the accounts that ever shared one of the site's links close to someone
else, so that an outlet's readers and the feed bots polling it do not own its articles.
But one site is often pushed by several unrelated operations, or by cells of one
operation that never act together (a network of made-up "news" domains serves many
campaigns; a Facebook page trio and a Reddit ring post different articles of the same
domain). Counted over the whole site, each cell is a few of the site's close sharers,
and every link group on a shared domain is lost.

So a group's site crowd may be **sliced**: counted over the links of the site the group
co-acts on only (the accounts that shared *those* links close to someone else, an account
counted once over all of them), but only when the group shares the site **together**: at
least ``OWN_SHARE`` of its members' shares of the site's links are on those links. A cell
pushing its own articles on a shared domain shares them together, and is most of their
close sharers whatever other cells do with the domain's other articles. What is not
sliced:

* an outlet's journalists re-share a third of its articles each: they meet on a few that
  no reader shared (a small slice), but most of their shares of the site are apart (one
  common cause, the outlet's publishing, not a joint action);
* an outlet's readers and the feed bots polling it meet on many articles, each with a few
  other close sharers (readers, journalists, the outlet): over the dozens of articles a
  feed posts those strangers add up to more than the group, so the slice is large anyway.

The slice is never larger than the site's crowd, so the rule only ever keeps evidence the
site rule dropped (switch: :data:`SITE_SLICE`).

Cost: one row per (item, close sharer) of the items in the evidence and one per (site,
account) of the link shares, both linear in shares.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..corpus import Corpus

#: Whether a group's site crowd is counted over the site's links it co-acts on (the
#: slice) when it shares the site together. Measured on generator 5's dev seed
#: (docs/coordination.md, section 4).
SITE_SLICE = True
#: Share of a group's shares of a site's links that must be on the links it co-acts on.
TOGETHER = 0.5


@dataclass
class Crowds:
    """Close sharers per item (``item_code``, ``who``) and, per site and account, how many
    of the site's links the account shared at all (``site``, ``who``, ``n``)."""

    items: pd.DataFrame
    shared: pd.DataFrame


def crowds(corpus: Corpus, co: pd.DataFrame, actors: list[str], wanted: np.ndarray,
           sites: np.ndarray) -> Crowds:
    """The close sharers of the evidence's items (``wanted`` item codes, from the swept
    co-actions ``co``) and every account's link shares per site (``sites``: site code per
    item code, :func:`.sites.site_bases`; read from ``_coord_coded``)."""
    names = np.asarray(actors, dtype=object)
    mask = (1 << 32) - 1
    if co.empty or not len(wanted):
        per_item = pd.DataFrame({"item_code": np.empty(0, np.int64), "who": np.empty(0, object)})
    else:
        item = co["item"].to_numpy(np.int64)
        inside = np.isin(item, np.unique(wanted))
        item = item[inside]
        who = np.r_[co["a"].to_numpy(np.int64)[inside], co["b"].to_numpy(np.int64)[inside]]
        key = np.unique(np.r_[item, item] * (1 << 32) + who)
        per_item = pd.DataFrame({"item_code": key >> 32, "who": names[key & mask]})
    got = corpus.con.execute("SELECT item_code, actor_code FROM _coord_coded "
                             "WHERE kind = 'url'").fetchnumpy()
    item = np.asarray(got["item_code"], dtype=np.int64)
    actor = np.asarray(got["actor_code"], dtype=np.int64)
    ok = item < len(sites)
    key, n = np.unique(sites[item[ok]] * (1 << 32) + actor[ok], return_counts=True)
    shared = pd.DataFrame({"site": key >> 32, "who": names[key & mask], "n": n})
    return Crowds(per_item, shared)


def sliced_crowd(rows: pd.DataFrame, keys: list[str], got: Crowds) -> pd.Series:
    """Per ``keys`` (a group or pair, then ``site``): the slice of the site's crowd, where
    the key's accounts share the site together (see the module docstring); absent where
    they do not (the whole site's crowd applies).

    ``rows``: the key's co-actions, with ``kind``, ``item_code``, ``source_a`` and
    ``source_b``.
    """
    links = rows[rows["kind"] == "url"]
    base = links[keys + ["item_code"]]
    long = pd.concat([base.assign(who=links["source_a"].to_numpy()),
                      base.assign(who=links["source_b"].to_numpy())]).drop_duplicates()
    together = long.groupby(keys + ["who"]).size().rename("together").reset_index()
    together = together.merge(got.shared, on=["site", "who"], how="left")
    ratio = together.groupby(keys)[["together", "n"]].sum()
    apart = ratio["together"] < TOGETHER * ratio["n"].clip(lower=1)
    pairs = links[keys + ["item_code"]].drop_duplicates()
    size = (pairs.merge(got.items, on="item_code")[keys + ["who"]].drop_duplicates()
            .groupby(keys).size().rename("slice"))
    return size[~apart.reindex(size.index).fillna(True).astype(bool)]
