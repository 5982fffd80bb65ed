"""Pieces of one sparse group joined again by the items they push: a group judged whole.

Why: a large group whose members each take part in only a third of its actions has a
sparse significant-edge graph (each pair meets on a few items). Leiden (CPM, which
:mod:`.groups` needs so that two groups sharing one account stay apart) cuts it into
pieces of a dozen or fewer, and :func:`.groups._merge_pieces` joins two pieces only when
8% of the pairs across them are edges, which a group at participation 0.35 does not
reach. The crowd filter (:mod:`.crowd`) then asks each piece to be half of an item's close
sharers; with ~19 close sharers per item and pieces of 13, 4, 4, 3 and 2, no piece is,
every item is dropped and the whole group vanishes (generator 5's 50-account Mastodon
group, dev seed).

So two pieces are joined when significant edges cross them **and** they co-act on the
same items: at least ``SHARED_ITEMS`` distinct items are co-acted on inside each piece
(by two of its own members), by at least ``CARRIER_SHARE`` of each piece's members.
Pieces of one group push the group's items; two groups that share an account are tied by
that account's edges, but each co-acts on its own items, so they stay apart. Two groups
that share several accounts each see the shared accounts co-act on the other's items;
those are a few members of the piece, not half of it, so they stay apart too. The crowd filter then judges the joined group as a whole (its
accounts present on an item against the item's crowd), and the communities reported are
the joined groups, with the usual strengths (share of the group's other members tied to).
A member of a joined group stays when it is tied to ``groups.MIN_STRENGTH`` of its group
or of its own piece, or to at least two members and ``groups.JOINED_MIN_STRENGTH`` (0.1)
of the joined group: a sparse group is sparse as a whole. The 0.1 floor is what keeps an
outlet's whole audience out: on generator 4's dev control, readers' and aggregators'
pieces joined on the outlet's links into one 77-account group whose loosest members (tied
to 1-8% of it) then owned the outlet's titles (one more innocent account without it).
Only items a group chooses count (``JOIN_KINDS``): re-shares of one account's posts
(retweet, quote, reply, forward) are what a fandom's pieces have in common.

What is not joined: pieces with no edge across them (two groups pushing the same link
from different corners of the graph), and pieces that meet on fewer than ``SHARED_ITEMS``
items. A crowd is not made bigger by this than its significant edges allow: an account
with no significant edge never enters, and the joined group must still be half of each
item's crowd (and of its site's) to keep the item.

Cost: one set of items per piece and one intersection per pair of pieces joined by an
edge: linear in the evidence. Switch: :data:`WHOLE_GROUPS`.
"""

from __future__ import annotations

from collections import defaultdict

import pandas as pd

#: Whether Leiden's pieces that share items are joined before the crowd filter and in the
#: communities reported. Measured on generator 5's dev seed (docs/coordination.md, section 4).
WHOLE_GROUPS = True
#: Distinct items two pieces must each co-act on (inside the piece) to be joined.
SHARED_ITEMS = 3
#: ... and at least this share of the items of the piece with fewer items.
SHARED_SHARE = 0.5
#: ... and, in each piece, the members that co-act (inside it) on the common items are at
#: least this share of the piece. Why: two groups that share *several* accounts (judge 5's
#: 30-account co-boost ring and its 45-account link group share 5) each hold the shared
#: accounts' co-actions on the other's items, so the items alone would join them. Pieces
#: of one group all push its items; the other group's items are carried only by the
#: shared accounts, which ``groups.JOIN_SHARE`` then weighs as members of two groups.
CARRIER_SHARE = 0.5

#: Whether members of Leiden pieces that push the same items inside one density-merged block
#: are judged by the joined bar (:func:`pieces_pushing_together`). Measured and off
#: (docs/coordination.md section 28): F1 up on judges 5 and 8 with no innocent changed on
#: 23 judge runs, but two organic adopters of a quick ring's tags placed on a hazard seed
#: (tests/test_coord17_meetings.py) and a weaker defence against fandoms.
RELAX_MERGED_PIECES = False
#: ... and only in a merged block whose own edge density is under this (CPM's resolution,
#: ``groups.RESOLUTION``): a sparse group's members are alike in their looseness; a tight
#: ring with loosely tied adopters merged to it is dense, and its fringe keeps the strict bar.
SPARSE_DENSITY = 0.3

#: Kinds whose items join pieces: what a group chooses to push. Not re-shares of an
#: account's posts (retweet, quote, reply, forward): pieces of a fandom all re-share their
#: creator's posts, and joined they would be the creator's whole audience.
JOIN_KINDS = frozenset({"url", "hashtag", "embedded_post", "text"})

PairItems = dict[tuple[str, str], set[tuple[str, str]]]


def pair_items(ev: pd.DataFrame) -> PairItems:
    """Per pair ``(source_a, source_b)``: the ``(kind, item)`` it co-acted on (evidence rows)."""
    out: PairItems = defaultdict(set)
    if ev.empty:
        return out
    for a, b, kind, item in zip(ev["source_a"].tolist(), ev["source_b"].tolist(),
                                ev["kind"].tolist(), ev["item"].tolist(), strict=True):
        if kind in JOIN_KINDS:
            out[(a, b)].add((kind, item))
    return out


def join_by_items(blocks: list[set[str]], edges: list[tuple[str, str, float]],
                  items: PairItems) -> list[set[str]]:
    """Blocks joined (transitively) when an edge crosses them and they co-act on at least
    ``SHARED_ITEMS`` common items, each inside itself (see the module docstring)."""
    where = {n: i for i, b in enumerate(blocks) for n in b}
    # per block: its items, each with the members that co-acted on it inside the block
    own: list[dict[tuple[str, str], set[str]]] = [defaultdict(set) for _ in blocks]
    crossed: set[tuple[int, int]] = set()
    for a, b, _ in edges:
        i, j = where[a], where[b]
        if i == j:
            for item in items.get((a, b), set()) | items.get((b, a), set()):
                own[i][item] |= {a, b}
        else:
            crossed.add((min(i, j), max(i, j)))
    parent = list(range(len(blocks)))

    def root(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    everyone: dict[int, int] = {}  # per block: its members that co-act on any item

    def carried(k: int, common: set[tuple[str, str]]) -> bool:
        """Whether enough of block ``k`` co-acts on the common items (CARRIER_SHARE).
        Stops as soon as enough are seen, and at once when the block's carriers of all its
        items are too few (counted once per block): at most the block's evidence per
        crossing, as the intersection of items above."""
        need, who = CARRIER_SHARE * len(blocks[k]), set()
        if k not in everyone:
            everyone[k] = len(set().union(*own[k].values())) if own[k] else 0
        if everyone[k] < need:
            return False
        for item in common:
            who |= own[k][item]
            if len(who) >= need:
                return True
        return len(who) >= need

    for i, j in sorted(crossed):
        common = own[i].keys() & own[j].keys()
        shared = len(common)
        if (shared >= SHARED_ITEMS and shared >= SHARED_SHARE * min(len(own[i]), len(own[j]))
                and carried(i, common) and carried(j, common)):
            ri, rj = root(i), root(j)
            if ri != rj:
                parent[max(ri, rj)] = min(ri, rj)
    joined: dict[int, set[str]] = defaultdict(set)
    for i, block in enumerate(blocks):
        joined[root(i)] |= block
    return [joined[r] for r in sorted(joined)]


def pieces_pushing_together(leiden: list[set[str]], merged: list[set[str]],
                            edges: list[tuple[str, str, float]], items: PairItems) -> set[str]:
    """Members of Leiden pieces that :func:`join_by_items` joins to another piece of the
    same merged block (``groups._merge_pieces``), on the edges inside that block.

    Why: a sparse group's pieces may be merged by edge density before they are joined by
    items; the merged block is then one piece to :func:`join_by_items`, and its loosest
    members (tied to 10-25% of it) met the strict ``groups.MIN_STRENGTH`` where the same
    group, joined by items, would have met ``groups.JOINED_MIN_STRENGTH``. A hostile review
    of coordination 18 lost a 40-account link group this way on 3 of 8 seeds of a
    judge-5-like world. Only pieces that pass the items-and-carriers test among themselves
    are relaxed: relaxing every merged block doubled the innocents of judge 4's control.
    Cost: each edge and piece in one block, one :func:`join_by_items` per block.
    """
    block_of = {n: i for i, block in enumerate(merged) for n in block}
    inside: dict[int, list[tuple[str, str, float]]] = defaultdict(list)
    for a, b, w in edges:
        if block_of[a] == block_of[b]:
            inside[block_of[a]].append((a, b, w))
    parts: dict[int, list[set[str]]] = defaultdict(list)
    for piece in leiden:
        parts[block_of[next(iter(piece))]].append(piece)
    out: set[str] = set()
    for k, pieces in parts.items():
        size = len(merged[k])
        if len(pieces) < 2 or len(inside[k]) >= SPARSE_DENSITY * size * (size - 1) / 2:
            continue  # a dense block (a tight core with a fringe): its fringe stays strict
        alone = {frozenset(p) for p in pieces}
        for union in join_by_items(pieces, inside[k], items):
            if frozenset(union) not in alone:
                out |= union
    return out
