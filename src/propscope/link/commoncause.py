"""Common cause: accounts that re-post a publisher's items, each at its own pace, are not tied.

Why: journalists of an outlet, the feed aggregators that poll it and the followers of an
account re-share what it publishes, each some minutes after publication. Two of them meet
within 10 or 40 minutes on article after article because both react to the same
publication, not to each other. The chance test (:mod:`.cochance`) conditions each item's
timing on its own sharers (``q_i``) and each account's choice on popularity; it does not
see a common origin. Measured on generator 4's dev seed with the 40-minute window on:
34 journalists were placed in communities, mostly through co-retweets of their own
outlet's posts.

**Origins.** An item is *published* by an account ``O`` when

* it is a ``retweet``/``forward`` of ``O``'s post (the reposted account; publication time
  the parent post's time when the platform export holds it and it is less than
  ``MAX_ORIGIN_GAP_S`` before the first repost, else the first repost), or
* it is a ``url`` item (or a link's title text, :mod:`.sites`) of a *site* whose items
  ``O`` posted first at least ``PUBLISHER_SHARE`` of the time (with at least
  ``PUBLISHER_MIN_ITEMS`` items), and ``O`` posted this one first (publication time:
  ``O``'s post).

Replies and quotes are not published items in the window tests: answering a post is the
action a reply brigade takes (the spread family times its replies from the answered post,
:func:`explained_by_parent`). A ring whose first poster rotates among its members has no
publisher.

**The test.** For a pair ``a``, ``b`` (neither is the item's publisher), let ``N`` be the
published items both shared (at any delay; items at most ``cap`` accounts shared) and
``X`` those within the window ``w``. Each account's *delay profile* ``F_a`` is the
distribution of its delays from publication over every published item it shared (a
histogram on doubling bins, ``BINS``). Null hypothesis (common cause): given that both
shared an item, their delays are independent draws from ``F_a`` and ``F_b``, so
``X ~ Binomial(N, pi_ab)`` with ``pi_ab = P(|L_a - L_b| <= w)``. When
``P(X' >= X) > LEVEL`` the pair's co-actions on published items in that window are what
two independent followers show, and are left out of that window's test (as clock-bound
co-actions are); otherwise (the pair is closer than both habits allow: a ring answering
a push together) they are tested as before.

**Assumptions.** The publication time is observed (the publisher's own post, or the
reposted post); an account's delays after publication do not depend on another
account's; co-shares of different items are independent. *Limit:* a ring whose members
post at independent, spread delays after a push by one of them that always goes first
(a seed account), or that amplifies one hub's posts with spread timing, is by timing the
same as that account's audience and is not seen by those co-actions. Tight rings (seconds)
keep their evidence when their delays are closer than their profiles allow.

**An unobserved common source** (coordination 10). With no publisher in the data (a news
agency whose stories outlets republish), :func:`explained` also leaves out co-actions between
publications of syndicated copy on the accounts' own sites (:mod:`.syndication`) and, when
switched on, chance meetings on items whose crowd acted apart (:mod:`.pollers`); those still
count in the items' crowds (:func:`crowd_coactions`).

Cost: one sweep, with no window, of the published items' shares by the accounts of the
pairs in question (at most ``shares x cap`` comparisons, as the wide sweep), bincounts, and
a ``bins x bins x bins`` product per pair.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.stats import binom

from ..corpus import Corpus
from . import pollers, syndication

#: Whether the common-cause test is applied (``False``: the old behaviour).
ENABLED = True
#: Whether a site's usual first poster publishes its links (``False``: only reposts are
#: published items). Off: on generator 3's dev seed 1729 (wide window on) it explained
#: away a 6-member link ring whose seed account posts the ring site's links first (F1 1.0
#: -> 0) and cost a 39-member one 0.946 -> 0.781, and on generator 4's dev seed no
#: outlet posts its own links first half of the time (aggregators are often faster).
SITES = False
#: Whether a site's *owner* (:func:`.syndication.site_owners`: an account that made most of
#: the site's link shares, leads them 3:1, or publishes its pages) publishes the site's
#: links and their titles when it shared them too (publication time: the link's first
#: share, the owner's or a feed bot's that picked the article up faster). Unlike
#: :data:`SITES`, a ring's seed account that posts the ring site's links first is no owner:
#: the ring's other members share the same links as often.
OWNED_SITES = True
#: Share of a site's items an account must have posted first to be its publisher.
PUBLISHER_SHARE = 0.5
#: A site needs this many items (posted by anyone first) to have a publisher.
PUBLISHER_MIN_ITEMS = 5
#: A reposted post older than this before its first repost is not the repost's origin (a
#: later episode): the first repost is.
MAX_ORIGIN_GAP_S = 6 * 3600.0
#: Co-actions at most this far apart are never explained by delay profiles: seconds apart
#: is how a ring re-sharing a hub's posts acts, and what the window's floor (60 s) keeps.
QUICK_S = 60.0
#: A co-share is *close for the pair* when its delay is among the closest ``U0`` of what
#: two independent delays from the accounts' profiles give.
U0 = 0.25
#: Level of the binomial test: above it, the pair's closeness is what its habits give.
LEVEL = 0.01
#: Delay bins (seconds): 0-1, then doubling up to about 12 days.
BINS = np.r_[0.0, 2.0 ** np.arange(0, 21)]
REPOST_KINDS = ("retweet", "forward")
SITE_KINDS = ("url", "text")


@dataclass
class Origins:
    """Per item code: its publisher (actor code, ``-2`` for a reposted account outside
    the shares' actors, ``-1`` none) and its publication time (epoch seconds); ``judged``
    (per item code) and ``window_s`` for :mod:`.pollers`, ``syndicated`` (share keys,
    :func:`.syndication.syndicated_shares`): an unobserved common source; ``left_out``: the
    co-actions those rules left out of the test (``item``, ``a``, ``b``), which still
    count in the items' crowds (:func:`crowd_coactions`); ``owned`` (per item code): the
    publisher is the item's site's owner (:data:`OWNED_SITES`), whose own share is the
    publication and meets none of its sharers; ``identity`` (per actor code,
    :func:`.identity.identities`): handles of one person meet no one of themselves."""

    publisher: np.ndarray
    t0: np.ndarray
    window_s: float = float("nan")
    judged: np.ndarray | None = None
    syndicated: np.ndarray | None = None
    left_out: list[pd.DataFrame] = field(default_factory=list)
    owned: np.ndarray | None = None
    identity: np.ndarray | None = None


def crowd_coactions(co: pd.DataFrame, orig: Origins) -> pd.DataFrame:
    """The co-actions an item's crowd is counted from (``item``, ``a``, ``b``): the tested
    ones and those :mod:`.pollers` left out. Why: two subscribers of a feed landing close on
    a story are no tie, but they are close sharers of it; leaving them out of the test must
    not shrink the crowd another pair is judged against (an outlet's feed bots would own its
    headlines once the other subscribers' meetings on them were gone)."""
    cols = ["item", "a", "b"]
    if not orig.left_out:
        return co[cols]
    return pd.concat([co[cols]] + [f[cols] for f in orig.left_out], ignore_index=True)


def parent_times(corpus: Corpus, n_items: int,
                 kinds: tuple[str, ...] = ("retweet", "forward")) -> np.ndarray:
    """Per item code: the reposted (or, with ``kinds``, answered) post's time for items of
    ``kinds`` whose parent post the platform export holds (``nan`` otherwise)."""
    out = np.full(n_items, np.nan)
    if not corpus.has_table("posts"):
        return out
    got = corpus.con.execute(r"""
        WITH r AS (SELECT DISTINCT item_code,
                          regexp_extract(item, '^[a-z_]+:([^:]+):', 1) AS platform,
                          regexp_replace(regexp_replace(item, '^[a-z_]+:[^:]+:', ''),
                                         ' @[0-9]+$', '') AS post_id
                   FROM _coord_coded WHERE kind IN (SELECT unnest(?)))
        SELECT r.item_code, min(epoch(p.published)) AS t0
        FROM r JOIN posts p ON p.platform = r.platform AND p.post_id = r.post_id
        GROUP BY r.item_code""", [list(kinds)]).fetchnumpy()
    code = np.asarray(got["item_code"], dtype=np.int64)
    inside = code < n_items
    out[code[inside]] = np.asarray(got["t0"], dtype=np.float64)[inside]
    return out


def origins(item: np.ndarray, t: np.ndarray, actor: np.ndarray, kind: pd.Series,
            site: np.ndarray, has_site: np.ndarray, parent_t: np.ndarray,
            window_s: float = float("nan"), syndicated: np.ndarray | None = None,
            owner: np.ndarray | None = None,
            pages: tuple[np.ndarray, np.ndarray] | None = None) -> Origins:
    """Publishers and publication times per item code, from shares sorted by (item, t).

    ``kind`` is each share's kind (a categorical series); ``site``/``has_site`` per item code
    (:func:`.sites.site_bases`); ``parent_t`` from :func:`parent_times`; ``window_s`` the
    narrow window, for :mod:`.pollers` (``nan``: that rule is not applied); ``syndicated``
    from :func:`.syndication.syndicated_shares`; ``owner`` per item code from
    :func:`.syndication.site_owners` (:data:`OWNED_SITES`); ``pages`` (owner and page time
    per item code) from :func:`.syndication.page_publications`.
    """
    n_items = len(site)
    publisher = np.full(n_items, -1, dtype=np.int64)
    t0 = np.full(n_items, np.nan)
    if not len(item):
        return Origins(publisher, t0, window_s, None, syndicated)
    head = np.flatnonzero(np.r_[True, item[1:] != item[:-1]])
    it, first_a, first_t = item[head], actor[head], t[head]
    # kinds by their category codes: not a Python string per share (10M shares)
    names = [str(c) for c in kind.cat.categories]
    code = kind.cat.codes.to_numpy()[head]
    judged = np.zeros(n_items, dtype=bool)  # the kinds pollers.py judges
    judged[it] = np.isin(code, [i for i, c in enumerate(names) if c in pollers.KINDS])
    if not ENABLED:
        return Origins(publisher, t0, window_s, judged, syndicated)
    rep = np.isin(code, [i for i, c in enumerate(names) if c in REPOST_KINDS])
    # reposts: published by the reposted account
    pt = parent_t[it[rep]]
    ok = np.isfinite(pt) & (first_t[rep] - pt <= MAX_ORIGIN_GAP_S) & (pt <= first_t[rep])
    publisher[it[rep]] = -2
    t0[it[rep]] = np.where(ok, pt, first_t[rep])
    # links and their titles: published by the site's usual first poster
    on_site = (np.isin(code, [i for i, c in enumerate(names) if c in SITE_KINDS])
               & has_site[it] & SITES)
    sid, fa = site[it[on_site]], first_a[on_site]
    if len(sid):
        site_items = np.bincount(sid)
        key = sid * (int(actor.max()) + 1) + fa
        ukey, cnt = np.unique(key, return_counts=True)
        u_site = ukey // (int(actor.max()) + 1)
        best = np.zeros(len(site_items), dtype=np.int64)
        np.maximum.at(best, u_site, cnt)
        is_pub = ((cnt >= PUBLISHER_SHARE * site_items[u_site]) & (cnt == best[u_site])
                  & (site_items[u_site] >= PUBLISHER_MIN_ITEMS))
        pub_of_site = np.full(len(site_items), -1, dtype=np.int64)
        pub_of_site[u_site[is_pub]] = ukey[is_pub] % (int(actor.max()) + 1)
        mine = pub_of_site[sid] == fa
        at = it[on_site][mine]
        publisher[at], t0[at] = fa[mine], first_t[on_site][mine]
    owned = None
    if OWNED_SITES and pages is not None and len(pages[0]):
        owned = _paged(pages, it, first_t, publisher, t0)
    if OWNED_SITES and owner is not None and len(owner):
        named = _owned(item, actor, owner, site, has_site, np.isin(code, [
            i for i, c in enumerate(names) if c in SITE_KINDS]), it, first_t, publisher, t0)
        owned = named if owned is None else owned | named
    return Origins(publisher, t0, window_s, judged, syndicated, owned=owned)


def _owned(item: np.ndarray, actor: np.ndarray, owner: np.ndarray, site: np.ndarray,
           has_site: np.ndarray, site_kind: np.ndarray, it: np.ndarray, first_t: np.ndarray,
           publisher: np.ndarray, t0: np.ndarray) -> np.ndarray:
    """Name the owner of each owned site the publisher of its links and titles it shared
    too (in place; ``it``/``first_t``/``site_kind`` per item head, see :func:`origins`);
    returns which item codes it named."""
    n_sites = int(site.max()) + 1
    site_owner = np.full(n_sites, -1, dtype=np.int64)
    known = owner >= 0
    site_owner[site[known]] = owner[known]
    of_item = np.where(has_site, site_owner[site], -1)
    shared = np.zeros(len(site), dtype=bool)  # the owner is one of the item's sharers
    mine = of_item[item] == actor
    shared[item[mine]] = True
    at = site_kind & shared[it] & (publisher[it] == -1)
    publisher[it[at]], t0[it[at]] = of_item[it[at]], first_t[at]
    owned = np.zeros(len(site), dtype=bool)
    owned[it[at]] = True
    return owned


def _paged(pages: tuple[np.ndarray, np.ndarray], it: np.ndarray, first_t: np.ndarray,
           publisher: np.ndarray, t0: np.ndarray) -> np.ndarray:
    """Name the owner of an article page the publisher of the page's address as an item,
    published at the page's time when that is at most ``MAX_ORIGIN_GAP_S`` before the item's
    first share (later episodes of an old article have no observed publication) and not
    after it beyond ``QUICK_S`` (clocks differ); in place, returns which item codes."""
    owner, t_page = pages
    pt = t_page[it]
    ok = ((owner[it] >= 0) & np.isfinite(pt) & (first_t - pt <= MAX_ORIGIN_GAP_S)
          & (pt - first_t <= QUICK_S) & (publisher[it] == -1))
    at = it[ok]
    publisher[at], t0[at] = owner[at], np.minimum(pt[ok], first_t[ok])
    owned = np.zeros(len(owner), dtype=bool)
    owned[at] = True
    return owned


def _kernels() -> np.ndarray:
    """``K[d, i, j] = P(|X - Y| <= BINS[d + 1])`` for X, Y spread (on a log scale) within
    delay bins ``i`` and ``j``: the chance of two independent delays that close."""
    sub = 16
    grid = np.stack([np.linspace(lo, hi, sub) if lo == 0 else np.geomspace(lo, hi, sub)
                     for lo, hi in zip(BINS[:-1], BINS[1:], strict=True)])  # bins x sub
    gap = np.abs(grid[:, None, :, None] - grid[None, :, None, :])
    return np.stack([(gap <= d).mean(axis=(2, 3)) for d in BINS[1:]])


def explained(item: np.ndarray, t: np.ndarray, actor: np.ndarray, ja: np.ndarray,
              jb: np.ndarray, orig: Origins, cap: int, quick_s: float = QUICK_S) -> np.ndarray:
    """Which co-actions ``(ja, jb)`` are explained by a common origin.

    Shares are sorted by (item, t); ``ja``/``jb`` index them. A co-action can be explained
    only when its item is published and the two shares are more than ``quick_s`` apart
    (see the module docstring for the test), or, with no observed publisher, when its item's
    sharers acted apart and the pair is no closer than they are (:mod:`.pollers`).
    """
    if not len(ja):
        return np.zeros(0, dtype=bool)
    apart = pollers.apart(item, t, actor, ja, jb, orig.window_s, orig.judged, cap)
    apart |= syndication.between_publications(item, actor, ja, jb, orig.syndicated)
    if orig.identity is not None:  # one person's handles on several platforms (identity.py)
        apart |= orig.identity[actor[ja]] == orig.identity[actor[jb]]
    if orig.owned is not None:  # an owner's own post of its article is the publication
        own = orig.owned[item[ja]]
        pub = orig.publisher[item[ja]]
        apart |= own & ((actor[ja] == pub) | (actor[jb] == pub))
    if apart.any():  # still close sharers of their items (crowd_coactions)
        orig.left_out.append(pd.DataFrame({"item": item[ja[apart]], "a": actor[ja[apart]],
                                           "b": actor[jb[apart]]}))
    return _published(item, t, actor, ja, jb, orig, cap, quick_s) | apart


def explained_by_parent(item: np.ndarray, t: np.ndarray, actor: np.ndarray, ja: np.ndarray,
                        jb: np.ndarray, parent_t: np.ndarray, cap: int) -> np.ndarray:
    """Which co-actions ``(ja, jb)`` on answered posts (``parent_t``: per item code, the
    answered post's time, ``nan`` unknown) the two accounts' delay profiles after the post
    explain, at any delay (no ``QUICK_S`` floor).

    Why (the spread family's replies, :mod:`.spread`): a forum's bot and its moderators
    answer every new thread, each at its own delay after the thread opens, and meet in
    thread after thread; a brigade answers posts of any age together, closer to each other
    than their delays after the posts allow. The test is :func:`_published`'s: a pair with
    three co-replies is always explained (``Binomial(3, U0) >= 3`` has chance 0.016, above
    ``LEVEL``), and with :data:`ENABLED` off nothing is.
    """
    if not len(ja) or not len(item) or not np.isfinite(parent_t).any():
        return np.zeros(len(ja), dtype=bool)
    # one entry per item code (codes past the array have no known post)
    times = np.full(max(len(parent_t), int(item.max()) + 1), np.nan)
    times[:len(parent_t)] = parent_t
    known = np.isfinite(times)
    orig = Origins(np.where(known, -2, -1).astype(np.int64), times)
    return _published(item, t, actor, ja, jb, orig, cap, 0.0)


def _published(item: np.ndarray, t: np.ndarray, actor: np.ndarray, ja: np.ndarray,
               jb: np.ndarray, orig: Origins, cap: int, quick_s: float = QUICK_S
               ) -> np.ndarray:
    """Co-actions on published items explained by the two accounts' delay profiles."""
    out = np.zeros(len(ja), dtype=bool)
    if not ENABLED or not len(ja):
        return out
    pub = orig.publisher[item]
    is_pub_item = pub != -1
    cand = is_pub_item[ja] & (np.abs(t[jb] - t[ja]) > quick_s)
    if not cand.any():
        return out
    from .cochance import sweep  # a cycle at import time otherwise

    width = int(actor.max()) + 1
    lo, hi = np.minimum(actor[ja], actor[jb]), np.maximum(actor[ja], actor[jb])
    ckey = lo * width + hi
    pairs = np.unique(ckey[cand])
    # every co-share (any delay) of published items by those pairs: only the shares of
    # their accounts are swept (at 10M posts, every repost of every post would be millions
    # of pairs nobody asks about)
    who = np.unique(np.r_[pairs // width, pairs % width])
    n_of = np.bincount(item)
    rows = np.flatnonzero(is_pub_item & (n_of[item] <= cap) & np.isin(actor, who))
    sa, sb = sweep(item[rows], t[rows], np.inf)
    sa, sb = rows[sa], rows[sb]
    skey = np.minimum(actor[sa], actor[sb]) * width + np.maximum(actor[sa], actor[sb])
    keep = np.isin(skey, pairs)
    sa, sb, skey = sa[keep], sb[keep], skey[keep]
    at = np.searchsorted(pairs, skey)
    n_ab = np.bincount(at, minlength=len(pairs))
    # delay profiles (histograms) of the accounts in those pairs
    lag_rows = rows
    lag = np.maximum(t[lag_rows] - orig.t0[item[lag_rows]], 0.0)
    hist = np.zeros((len(who), len(BINS) - 1))
    np.add.at(hist, (np.searchsorted(who, actor[lag_rows]), _bin(lag)), 1.0)
    hist /= np.maximum(hist.sum(axis=1, keepdims=True), 1.0)
    ha, hb = hist[np.searchsorted(who, pairs // width)], hist[np.searchsorted(who, pairs % width)]
    # per pair and delay bin: P(|L_a - L_b| <= the bin's upper edge) under independence
    cdf = np.einsum("pi,dij,pj->pd", ha, _kernels(), hb)
    u = cdf[at, _bin(np.abs(t[sb] - t[sa]))]
    close = np.bincount(at[u <= U0], minlength=len(pairs))
    p = np.where(n_ab > 0, binom.sf(close - 1, np.maximum(n_ab, 1), U0), 1.0)
    return cand & np.isin(ckey, pairs[p > LEVEL])


def _bin(delay: np.ndarray) -> np.ndarray:
    return np.clip(np.searchsorted(BINS, delay, side="right") - 1, 0, len(BINS) - 2)
