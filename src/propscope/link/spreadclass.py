"""Tagged texts in the spread family: a fandom's members choose within the fandom.

Why: the spread family (:mod:`.spread`) asks whether two accounts come back on the same
rare items more often than if each drew its rare items by popularity among *all* the
kind's rare share slots. A fandom's "streaming party" breaks that null: once a day a fan
posts a template with the fandom's hashtag and a third of the fandom pastes it within the
hour. Two fans who pasted four of the same ten templates are, against every rare text in
the corpus, a 1-in-10^8 coincidence; against the fandom's own templates they are what a
third of the fandom pasting at random gives (judge 3's seed 70425: a community of 26 of a
fandom of 45, on 10 templates, in its negative control; with the spread family off, none).

**Rule.** For a text posted with a hashtag (its ``#tag`` site, :mod:`.tagsites`), an account's
rate is also measured within the hashtag's rare texts, as a repost's is within the
reposted account's posts (docs/coordination.md section 3): ``(d_c + K r) / (S_c + K)``,
where ``d_c`` is the account's rare texts with the tag, ``S_c`` the tag's rare share slots
(one per share within the span) and ``r`` its rate over the kind, shrunk with ``K`` =
:data:`.cochance_rates.REPOST_SHRINK` pseudo-slots, and the larger of the two rates is
taken. Unlike the kind's rate, the class rate does **not** leave the pair out: within a
fandom, two fans' overlap is what their own numbers of pastes give, and leaving their
common pastes out would leave nothing to measure. The class rate is in the slot model of
the window test (one slot per share); the spread family's kind rate divides by the sum of
``n_i`` over the slots instead (section 12, "As built"), so for a tagged text the rule also
restores the slot model: a tag that says nothing raises the expected count about tenfold.

**Assumption and its price** (``bench/tagged_rings.py``). A ring that posts every slogan
with a tag of its own is tested here within that tag, like a fandom: at high participation
it is found (8 members at 0.85), at half participation or less it is not (12 at 0.5, 20 at
0.45: found without a tag); with the rule off, 35 of 40 fans beside it are placed instead.

Only the tags of the texts a pair co-shared are measured for it (:func:`met_classes`).
Cost: one pass over the rare shares and one row per (pair, tag it met in), at most one per
co-share: linear in the co-shares.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .cochance_rates import REPOST_SHRINK

#: Whether a tagged text's rate is also measured within its tag (``False``: as before it).
TAG_CLASSES = True


def _class_of(tag: np.ndarray, item: np.ndarray) -> np.ndarray:
    """Per item code of ``item``: its tag class (-1: none, or past the end of ``tag``)."""
    if not len(tag):
        return np.full(len(item), -1, dtype=np.int64)
    return np.where(item < len(tag), tag[np.minimum(item, len(tag) - 1)], -1)


def met_classes(tag: np.ndarray, lo: np.ndarray, hi: np.ndarray, item: np.ndarray
                ) -> pd.DataFrame:
    """``(a, b, c)``: the tags of the texts each pair co-shared (``lo``, ``hi``, ``item`` per
    co-share of the spread family). Only these tags are measured for the pair: a tag in
    which the two never met adds little to their expected count, and reading every tag an
    account ever used, for every pair it is in, grows with the product of the two."""
    cls = _class_of(tag, item)
    on = cls >= 0
    return pd.DataFrame({"a": lo[on], "b": hi[on], "c": cls[on]}).drop_duplicates()


@dataclass
class TagCells:
    """Per (tag, kind, account) of the rare tagged shares: texts ``d_c`` and their other
    sharers ``o1_c`` (keys ``ukey``, sorted), and per (tag, kind) the share slots: built once
    for both directions of every pair (:func:`tag_cells`)."""

    ukey: np.ndarray
    d_c: np.ndarray
    o1_c: np.ndarray
    slots: np.ndarray
    n_k: int
    width: int


def tag_cells(s: pd.DataFrame, tag: np.ndarray, kcode: np.ndarray) -> TagCells | None:
    """The cells of ``s`` (the spread family's rare shares: ``item``, ``actor``, ``n``;
    ``kcode`` per share; ``tag`` per item code, -1: none), or ``None`` with no tagged share
    (or the rule off)."""
    cls = _class_of(tag, s["item"].to_numpy(np.int64))
    on = cls >= 0
    if not TAG_CLASSES or not on.any():
        return None
    actor = s["actor"].to_numpy(np.int64)[on]
    n = s["n"].to_numpy(np.float64)[on]
    n_k = int(kcode.max()) + 1
    cell = cls[on] * n_k + kcode[on]  # (tag, kind): a tag is a text's, but keyed safely
    width = int(s["actor"].max()) + 1
    ukey, inv = np.unique(cell * width + actor, return_inverse=True)
    # S_c: the tag's share slots, one per rare share within the span (section 3's slot
    # model; the spread family's kind rate divides by the sum of n_i over them instead)
    return TagCells(ukey, np.bincount(inv).astype(np.float64),
                    np.bincount(inv, weights=n - 1.0), np.bincount(cell).astype(np.float64),
                    n_k, width)


def class_excess(cells: TagCells | None, a: np.ndarray, b: np.ndarray, k: np.ndarray,
                 rate_b: np.ndarray, met: pd.DataFrame) -> np.ndarray:
    """Per (pair, kind) row: what the tag classes add to the expected count of direction
    ``a -> b`` (``b``'s rate ``rate_b`` over the kind, left without the pair): the sum over
    the tags the pair met in (``met``, :func:`met_classes`, pairs as ``a < b``) of
    ``(max(rate_b, class rate of b) - rate_b) * (n_i - 1)`` over ``a``'s rare texts with
    the tag (``cells``: :func:`tag_cells`)."""
    out = np.zeros(len(a))
    if cells is None or not len(a) or met.empty:
        return out
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    rows = pd.DataFrame({"row": np.arange(len(a)), "a": lo, "b": hi}).merge(met, on=["a", "b"])
    if rows.empty:
        return out
    r_idx = rows["row"].to_numpy(np.int64)
    want_cell = rows["c"].to_numpy(np.int64) * cells.n_k + k[r_idx]

    def at(who: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        want = want_cell * cells.width + who
        pos = np.minimum(np.searchsorted(cells.ukey, want), len(cells.ukey) - 1)
        return pos, cells.ukey[pos] == want

    pos_u, has_u = at(a[r_idx])
    pos_v, has_v = at(b[r_idx])
    d_b = np.where(has_v, cells.d_c[pos_v], 0.0)
    base = rate_b[r_idx]
    slots = cells.slots
    s_c = np.where(want_cell < len(slots), slots[np.minimum(want_cell, len(slots) - 1)], 0.0)
    rate_c = (d_b + REPOST_SHRINK * base) / (s_c + REPOST_SHRINK)
    gain = np.where(has_u, np.maximum(rate_c - base, 0.0) * cells.o1_c[pos_u], 0.0)
    np.add.at(out, r_idx, gain)
    return out
