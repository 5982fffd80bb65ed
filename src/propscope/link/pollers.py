"""Subscribers of one feed: accounts that pick the same items but act on each at their own time.

Why: a news agency's story is republished, word for word, by every outlet that takes its
wire, each when its own poller next reads the feed (a few minutes after the story, spread
evenly over the poll interval). Two subscribers share story after story that almost nobody
else shares, and on a third of them they happen to post within the window: the chance test
(:mod:`.cochance`) takes their common choice of items as rare (each account is taken to
pick items by popularity) and ties them, and the crowd filter (:mod:`.crowd`) finds them the
whole crowd of each story. On generator 6's dev seed 20 republishers (7 web outlets and 13 X
accounts, each linking its own site) were one community on 83 such stories: each story's
close share ``q_i`` about 0.38, delays 0-250 s. A common source (the agency) chose the items
for all of them; the publisher is not in the data, so :mod:`.commoncause`'s delay profiles
have no origin to measure delays from.

What tells them from a group: **a group that picks its items together also acts on them
together.** A copy-paste ring posts each text within one window (its items' ``q_i`` near 1);
a feed's subscribers spread over several windows, and which two of them land close is
chance.

**Rule** (:func:`apart`). An item is *spread* when at most ``SPREAD_Q`` of its sharers'
pairs are within the window (its ``q_i``; kinds in ``KINDS``, at most ``cap`` sharers). On
spread items a pair's common choice is no evidence; only being closer than the item's own
crowd is. For a pair ``a``, ``b``: ``N`` spread items both shared (at any delay), ``X`` of
them within the window, ``S`` the sum of their ``q_i``. *Null hypothesis (independent
subscribers):* given an item's sharers and times, which pairs are close is chance, so ``X``
is a sum of Bernoulli(``q_i``), whose upper tail the ``Binomial(N, S / N)`` tail bounds.
When ``P(Binomial(N, S / N) >= X) > LEVEL`` the pair's co-actions on spread items are left
out of the test (as clock-bound ones are; the item's ``q_i`` still counts them). A ring that
pushes an item among a spread crowd is close on it when the crowd is not (``X`` far above
``S``) and keeps it; a ring that is an item's whole crowd and acts together makes the item
tight, and tight items are never judged here.

**Assumption.** A group acting on its items at independent times spread over several windows
(each member minutes after the push, in no order) is, by timing, a feed's subscribers and is
not seen by those items; its tight items, and its other kinds, still count. Nothing here names
an outlet or an agency: the rule reads sharers' times only.

**Measured and off** (see :data:`ENABLED`): it cannot tell a group that acts spread over
several windows from a feed's subscribers, and generator 4 has one; its limit the other way
is a window as long as the feed's poll interval, where every story is tight.

Cost: one sweep with the window and one with no window over the shares of the judged items
(at most ``cap`` sharers each: ``shares x cap`` comparisons), then bincounts per pair.
Switch: :data:`ENABLED`.
"""

from __future__ import annotations

import numpy as np
from scipy.stats import binom

#: Whether co-actions on spread items need the pair to be closer than the item's crowd.
#: **Off**: measured on generator 4's dev seed (window 600 s) it explained away a 25-member
#: text group whose members post each text spread over half an hour or more (its F1 0.81 ->
#: 0, group F1 0.529 -> 0.471): by timing that group is a feed's subscribers. On generator
#: 6's dev seed it removed the 20 wire republishers alone, as :mod:`.syndication` does.
ENABLED = False
#: An item is spread when at most this share of its sharers' pairs are within the window:
#: for sharers at independent times uniform over an interval ``P``, ``q = 2r - r^2`` with
#: ``r = window / P``, so 0.5 is ``P`` about 3.4 windows; a group acting together gives 1.
SPREAD_Q = 0.5
#: Level of the binomial test: above it, the pair is no closer than its items' crowds.
LEVEL = 0.01
#: Kinds judged (a repost's timing is its own hub's: :mod:`.commoncause`, :mod:`.hubrings`).
KINDS = ("text",)


def apart(item: np.ndarray, t: np.ndarray, actor: np.ndarray, ja: np.ndarray, jb: np.ndarray,
          window_s: float, judged: np.ndarray | None, cap: int) -> np.ndarray:
    """Which co-actions ``(ja, jb)`` are a feed's subscribers' chance meetings (see the module
    docstring).

    Shares are sorted by (item, t); ``ja``/``jb`` index them. ``judged`` is per item code
    (the kinds in ``KINDS``); ``window_s`` the narrow window; items shared by more than
    ``cap`` accounts are not judged.
    """
    out = np.zeros(len(ja), dtype=bool)
    if not ENABLED or judged is None or not len(ja) or not np.isfinite(window_s):
        return out
    from .cochance import sweep  # a cycle at import time otherwise

    n_of = np.bincount(item, minlength=len(judged))
    ok_item = np.zeros(len(n_of), dtype=bool)
    ok_item[:len(judged)] = judged[:len(n_of)]
    ok_item &= (n_of >= 3) & (n_of <= cap)
    rows = np.flatnonzero(ok_item[item])
    if not len(rows):
        return out
    # each judged item's close share, from all its sharers (as the chance test's q_i)
    na, _ = sweep(item[rows], t[rows], window_s)
    close = np.bincount(item[rows][na], minlength=len(n_of)).astype(np.float64)
    q = close / np.maximum(n_of * (n_of - 1) / 2.0, 1.0)
    spread = ok_item & (q <= SPREAD_Q)
    cand = spread[item[ja]] & (np.abs(t[jb] - t[ja]) <= window_s)
    if not cand.any():
        return out
    width = int(actor.max()) + 1
    ckey = np.minimum(actor[ja], actor[jb]) * width + np.maximum(actor[ja], actor[jb])
    pairs = np.unique(ckey[cand])
    # every co-share (any delay) of spread items by those pairs' accounts
    who = np.unique(np.r_[pairs // width, pairs % width])
    rows = np.flatnonzero(spread[item] & np.isin(actor, who))
    sa, sb = sweep(item[rows], t[rows], np.inf)
    sa, sb = rows[sa], rows[sb]
    skey = np.minimum(actor[sa], actor[sb]) * width + np.maximum(actor[sa], actor[sb])
    keep = np.isin(skey, pairs)
    sa, sb, at = sa[keep], sb[keep], np.searchsorted(pairs, skey[keep])
    n_ab = np.bincount(at, minlength=len(pairs)).astype(np.float64)
    s_ab = np.bincount(at, weights=q[item[sa]], minlength=len(pairs))
    x_ab = np.bincount(at[np.abs(t[sb] - t[sa]) <= window_s], minlength=len(pairs))
    rate = np.clip(s_ab / np.maximum(n_ab, 1.0), 1e-12, 1.0)
    p = binom.sf(x_ab - 1, np.maximum(n_ab, 1).astype(np.int64), rate)
    return cand & np.isin(ckey, pairs[p > LEVEL])
