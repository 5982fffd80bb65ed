"""Closed audiences: an account whose every re-share comes in a tight burst has no audience.

Why: reposts are conditioned on the reposted account (:mod:`.cochance`, ``audience``):
``b``'s rate for a repost of ``H``'s post is measured among ``H``'s posts, because fans
who follow ``H`` with notifications on re-share its posts within seconds of each other,
post after post, and are expected to meet there. That measure assumes ``H`` has an
audience: followers who see each post and choose it, each at its own pace. A ring that
amplifies a hub nobody else follows *is* the hub's whole audience, so its rate among the
hub's posts is the ring's own participation, and the ring explains itself away (the limit
named in docs/coordination.md, section 3; generator 5's dev seed: a 30-account co-boost
ring, each post of six hubs boosted by 12-19 members within two minutes and by nobody
else, had two significant pairs of 435).

**The rule.** A reposted account ``H`` has a *closed audience* when its posts were
re-shared at least ``MIN_POSTS`` times by at least ``MIN_SHARERS`` accounts each, and at
least ``CLOSED_SHARE`` of all its re-shares have another re-share of the same post within
the window. A real account's audience re-shares over hours (generator 5's two stars:
28% of re-shares within two minutes of the first); a hub pushed by a ring is re-shared
in bursts only. For a closed audience's posts the conditioning is not applied: each
account's rate is its rate over every repost of the kind, measured leaving the pair out
(the conditioning's shrinkage target), as for any other item.

**Which re-shares, and whose** (coordination 12). Forwards and retweets (:data:`KINDS`), when
the re-sharers take part in most pushes (:data:`MIN_PARTICIPATION`): a creator's fans retweet
each post within minutes of each other (notifications), so their re-shares are in bursts too,
but each fan re-shares a few of the posts (on generator 3's dev seed, 40 fans were placed
without the bar).

**Assumptions.** An organic audience includes accounts that re-share later than the
window (followers reading hours later); a small account with a handful of friends who
always re-share within the window, post after post, looks like a closed audience (friends
who also reply to each other are covered by :mod:`.conversation` only for replies).

Cost: one ``bincount`` per share and per co-action (linear).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: Whether closed audiences lose the repost conditioning (``False``: every reposted
#: account conditions its reposts, the coordination-8 behaviour). On since coordination 12,
#: with :data:`MIN_PARTICIPATION`: without that bar, on generator 3's dev seed it placed 40
#: innocent accounts (fans) and made a negative-control community of 41, while finding more
#: of generator 4's co-retweet rings (docs/coordination.md, 8).
ENABLED = True
#: Whether a closed audience's posts are kept out of the common-cause test
#: (:mod:`.commoncause`): their re-sharers have no pace of their own to explain them.
#: On since coordination 12 (without the participation bar it placed one more outlet on
#: generator 4's dev seed; with it, none).
KEEP_TIMING = True
#: Re-share kinds whose accounts can have a closed audience (coordination 12): forwards and
#: retweets, with :data:`MIN_PARTICIPATION`. A Telegram channel or an account re-shared by
#: one set of accounts, always in a burst, and by nobody else has no readers re-sharing at
#: their own pace (judges 6, 7, 8 and 4, dev seeds: forward rings G9 0 -> 0.727 and
#: g07_tg_forward 0 -> 0.667, hub rings G11 0 -> 0.649 and G09 0.5 -> 0.8). Measured in
#: docs/coordination.md, section 17.
KINDS = ("retweet", "forward")
#: Least mean share of an account's re-sharers on each of its re-shared posts for its
#: audience to be closed (``0``: no bar). Why: a creator's fans retweet within minutes,
#: post after post, so their re-shares are in bursts too (generator 3's dev seed: with
#: retweets in and no bar, 40 fans placed and a negative-control community of 41); but each
#: fan re-shares a few of the posts, while a ring's members take part in most of its pushes
#: (a ring missing two pushes in five is at 0.6). With the bar, generator 3's fans are no
#: closed audience and none is placed. (With KINDS forwards only and no bar, the forward
#: rings above were found and no innocent placed on any dev seed.)
MIN_PARTICIPATION = 0.5
#: Share of a reposted account's re-shares that must have a partner within the window.
CLOSED_SHARE = 0.9
#: Posts of the account re-shared by at least ``MIN_SHARERS`` accounts each.
MIN_POSTS = 3
MIN_SHARERS = 3


def of_kinds(audience: np.ndarray, kind: pd.Series) -> np.ndarray:
    """``audience`` with ``-1`` for shares whose kind is not one of :data:`KINDS`."""
    kinds = kind.astype("category")
    on = np.isin(np.asarray(kinds.cat.categories.astype(str)), KINDS)
    return np.where(on[kinds.cat.codes.to_numpy()], audience, -1)


def closed_audiences(audience: np.ndarray, item: np.ndarray, ja: np.ndarray,
                     jb: np.ndarray, actor: np.ndarray | None = None) -> np.ndarray:
    """Audience codes (``>= 0``) whose re-shares are closed (see the module docstring).

    ``audience``, ``item`` and ``actor`` are per share (``audience`` ``-1``: not a repost;
    sorted by item); ``ja``/``jb`` index the shares of every co-action within the window
    (before any exclusion: the item's own timing). With ``actor``, an audience must also
    reach :data:`MIN_PARTICIPATION`.
    """
    if not (ENABLED or KEEP_TIMING) or not len(audience) or audience.max() < 0:
        return np.empty(0, np.int64)
    rep = audience >= 0
    n_aud = int(audience.max()) + 1
    close = np.zeros(len(audience), dtype=bool)
    close[ja] = True
    close[jb] = True
    shares = np.bincount(audience[rep], minlength=n_aud)
    closed = np.bincount(audience[rep & close], minlength=n_aud)
    n_of = np.bincount(item[rep])
    heads = np.flatnonzero(rep & np.r_[True, item[1:] != item[:-1]])
    big = heads[n_of[item[heads]] >= MIN_SHARERS]
    posts = np.bincount(audience[big], minlength=n_aud)
    ok = (posts >= MIN_POSTS) & (closed >= CLOSED_SHARE * np.maximum(shares, 1))
    if actor is not None and MIN_PARTICIPATION > 0:
        # shares / (posts re-shared x distinct re-sharers): each re-sharer's mean share
        # of the account's re-shared posts
        reposted = np.bincount(audience[rep & np.r_[True, item[1:] != item[:-1]]],
                               minlength=n_aud)
        width = int(actor.max()) + 1
        # distinct (audience, re-sharer) pairs, hashed: a sort of every re-share was the
        # step's cost at millions of shares
        who = pd.unique(audience[rep].astype(np.int64) * width + actor[rep])
        sharers = np.bincount(who // width, minlength=n_aud)
        ok &= shares >= MIN_PARTICIPATION * reposted * sharers
    return np.flatnonzero(ok)
