"""The site a link belongs to, for the crowd filter: an outlet's readers are one crowd.

Why: junkies who follow an outlet and the feed bots that poll it share its articles
within minutes, article after article. Per article they may be most of its close sharers,
so a burst-junkie group "owns" the article; but they are a few of the many accounts that
share that *site's* links close to someone else. The crowd filter (:mod:`.crowd`) takes an
item's crowd as the larger of its own close sharers and its site's (an account counted
once per site). A ring pushing its own site is most of that site's close sharers and keeps
its items; a ring on a hosting platform (a video site) keeps them too, since strangers
rarely share the same video within the window, so the platform's close sharers are few.
Short links (``short:``) have no known site: each is its own. A link's title text
(:mod:`.carried`) belongs to its link's site.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..corpus import Corpus
from .carried import title_sites_exist
from .tagsites import tag_sites_exist


def site_bases(corpus: Corpus, n_items: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per item code: a code for its site (the canonical host of a ``url`` item or of the
    link a title text travels with, or ``#tag`` for a text posted with a hashtag; episode
    dropped; every other item, and a short link, is its own), whether it has a site (the
    crowd filter's site rule applies), and whether that site is a hashtag (the spread
    family's class of a tagged text, :mod:`.spreadclass`)."""
    titles = title_sites_exist(corpus.con)
    tags = tag_sites_exist(corpus)
    # a link's title text (link/carried.py) belongs to the link's site too, and a text
    # posted with a hashtag to the tag's (link/tagsites.py): its "site" is '#tag'
    link = "c.item"
    join = ""
    if tags:
        link = "coalesce('#' || tg.tag, c.item)"
        join = ("LEFT JOIN _coord_tag_sites tg ON c.kind = 'text' "
                "AND tg.t_item = regexp_replace(c.item, ' @[0-9]+$', '') ")
    if titles:
        link = f"coalesce(ts.u_item, {link})"
        join += ("LEFT JOIN _coord_title_sites ts ON c.kind = 'text' "
                 "AND ts.t_item = regexp_replace(c.item, ' @[0-9]+$', '')")
    got = corpus.con.execute(rf"""SELECT item_code, base_code AS base, is_site, is_tag
        FROM (SELECT item_code, dense_rank() OVER (ORDER BY base) - 1 AS base_code,
                     base LIKE 'site:%' AS is_site, base LIKE 'site:#%' AS is_tag
              FROM (SELECT DISTINCT c.item_code,
                       CASE WHEN (c.kind = 'url' OR {link} <> c.item)
                                 AND {link} NOT LIKE 'short:%'
                            THEN 'site:' || split_part(regexp_replace({link}, ' @[0-9]+$', ''),
                                                       '/', 1)
                            ELSE c.kind || ':' || c.item END AS base
                    FROM _coord_coded c {join}))""").fetchnumpy()
    code = np.asarray(got["item_code"], dtype=np.int64)
    # items with no site get codes of their own past every site code
    base = np.asarray(got["base"], dtype=np.int64)
    out = np.arange(n_items, dtype=np.int64) + (int(base.max()) + 1 if len(base) else 0)
    inside = code < n_items
    out[code[inside]] = base[inside]
    has = np.zeros(n_items, dtype=bool)
    has[code[inside]] = np.asarray(got["is_site"], dtype=bool)[inside]
    tag = np.zeros(n_items, dtype=bool)
    tag[code[inside]] = np.asarray(got["is_tag"], dtype=bool)[inside]
    return out, has, tag


def introduced(s: pd.DataFrame, site: np.ndarray, has_site: np.ndarray, share: float,
               least: int) -> np.ndarray:
    """Per share of ``s`` (sorted by item, time): whether its item was introduced by its
    site's usual introducer (first sharer of at least ``share`` of the site's rare
    items, and of at least ``least`` of them): an outlet posts its articles first and its
    readers follow within the hour (the spread family's ``INTRODUCED_OUT``)."""
    item = s["item"].to_numpy(np.int64)
    actor = s["actor"].to_numpy(np.int64)
    first = np.r_[True, item[1:] != item[:-1]]
    ok = item < len(site)
    code = np.where(ok, site[np.minimum(item, len(site) - 1)], -1)
    on_site = ok & has_site[np.minimum(item, len(has_site) - 1)].astype(bool)
    f = first & on_site
    if not f.any():
        return np.zeros(len(s), dtype=bool)
    per = pd.DataFrame({"site": code[f], "who": actor[f]})
    total = per.groupby("site").size()
    top = per.groupby(["site", "who"]).size().rename("n").reset_index()
    top = top[(top["n"] >= least)
              & (top["n"] >= share * total.reindex(top["site"]).to_numpy())]
    if top.empty:
        return np.zeros(len(s), dtype=bool)
    intro = dict(zip(top["site"].tolist(), top["who"].tolist(), strict=True))
    lead = np.maximum.accumulate(np.where(first, np.arange(len(s)), 0))
    by_first = actor[lead]  # the item's first sharer, on every share of the item
    want = np.array([intro.get(c, -2) for c in code.tolist()], dtype=np.int64)
    return on_site & (by_first == want)
