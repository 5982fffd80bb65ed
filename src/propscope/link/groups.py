"""Overlapping groups on the significant-edge graph, each membership with a strength.

Why overlapping: an account run by one operator can post for two campaigns; a
partition forces it into one and hides half of what it did. Leiden (modularity,
CPM at ``RESOLUTION``, fixed seed: reproducible) gives each account its main group; an account then also
joins any other group to which it has significant ties with at least
``JOIN_SHARE`` of the members (and at least two of them). Strength is the share of
the group's other members the account is tied to (1.0: tied to all of them).
A group needs at least two members whose ties hold it together; members tied to
fewer than ``MIN_STRENGTH`` of their group are dropped rather than guessed.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import igraph as ig
import leidenalg

from . import wholegroups
from .wholegroups import WHOLE_GROUPS, PairItems, join_by_items, pieces_pushing_together

RESOLUTION = 0.3
MERGE_DENSITY = 0.08  # pieces of one group: at least this share of cross pairs are edges
JOIN_SHARE = 0.5
MIN_STRENGTH = 0.25
#: In pieces joined by their items (link/wholegroups.py): a member tied to at least two
#: of the joined group and this share of it stays (a sparse group is sparse as a whole).
JOINED_MIN_STRENGTH = 0.1
#: Whether Leiden runs on each connected component of the edge graph on its own. Why: with
#: one run over the whole graph, its random order (fixed seed) covers every account, so
#: removing an unrelated pair elsewhere (an outlet and its feed bot) re-partitioned a
#: 25-member text group on generator 4's dev seed and, through the crowd filter's rounds,
#: cost it members (17 -> 15 found). CPM's quality is a sum over components, so the best
#: partition is the same; only the search is no longer disturbed by the rest of the graph.
PER_COMPONENT = True


def _merge_pieces(blocks: list[set[str]], edges: list[tuple[str, str, float]]) -> list[set[str]]:
    """Join blocks CPM cut out of one sparse group (members that missed actions).

    Two blocks merge when at least ``MERGE_DENSITY`` of the pairs across them are edges,
    at least 3 edges, touching at least 2 accounts on each side: an account shared by
    two groups ties one account on its side to all of the other, and stays a bridge
    (it is added to the second group as ``also`` below). Only blocks merge, so no
    account without edges can enter a group here.
    """
    blocks = [set(b) for b in blocks]
    while True:
        where = {n: i for i, b in enumerate(blocks) for n in b}
        cross: dict[tuple[int, int], list[tuple[str, str]]] = defaultdict(list)
        for a, b, _ in edges:
            i, j = where[a], where[b]
            if i != j:
                cross[(min(i, j), max(i, j))].append((a, b) if i < j else (b, a))
        best, best_density = None, MERGE_DENSITY
        for (i, j), pairs in cross.items():
            density = len(pairs) / (len(blocks[i]) * len(blocks[j]))
            if (len(pairs) >= 3 and density >= best_density
                    and len({a for a, _ in pairs}) >= 2 and len({b for _, b in pairs}) >= 2):
                best, best_density = (i, j), density
        if best is None:
            return blocks
        i, j = best
        blocks[i] |= blocks[j]
        del blocks[j]


def _leiden(g: ig.Graph, names: list[str]) -> list[set[str]]:
    """CPM blocks, found in each connected component on its own (:data:`PER_COMPONENT`)."""
    if not PER_COMPONENT:
        part = leidenalg.find_partition(g, leidenalg.CPMVertexPartition,
                                        resolution_parameter=RESOLUTION, seed=42)
        return [{names[v] for v in members} for members in part]
    blocks: list[set[str]] = []
    for comp in g.connected_components():
        if len(comp) == 1:
            blocks.append({names[comp[0]]})
            continue
        sub = g.induced_subgraph(comp)
        part = leidenalg.find_partition(sub, leidenalg.CPMVertexPartition,
                                        resolution_parameter=RESOLUTION, seed=42)
        blocks += [{names[comp[v]] for v in members} for members in part]
    return blocks


def overlapping_groups(edges: list[tuple[str, str, float]],
                       items: PairItems | None = None) -> list[dict[str, Any]]:
    """``[{"members": {source: (strength, role)}, ...}]``, largest group first.

    ``edges`` are ``(a, b, weight)`` of significant pairs (one per pair). With ``items``
    (each pair's co-acted items, :func:`.wholegroups.pair_items`), pieces of one sparse
    group that push the same items are joined (:mod:`.wholegroups`).
    """
    if not edges:
        return []
    names = sorted({n for a, b, _ in edges for n in (a, b)})
    index = {n: i for i, n in enumerate(names)}
    nbrs: dict[str, set[str]] = defaultdict(set)
    for a, b, _ in edges:
        nbrs[a].add(b)
        nbrs[b].add(a)
    g = ig.Graph(n=len(names), edges=[(index[a], index[b]) for a, b, _ in edges])
    # CPM (constant Potts), not modularity: modularity merges small groups joined by one
    # shared account (its resolution limit); CPM asks each group for an edge density
    # above RESOLUTION whatever the size of the rest of the graph.
    leiden = _leiden(g, names)
    cores = _merge_pieces(leiden, edges)
    # a member of a joined group is kept when tied to MIN_STRENGTH of its group or of its
    # own piece: a sparse group is sparse as a whole (link/wholegroups.py)
    piece = {n: core for core in cores for n in core}
    whole: set[str] = set()
    if items is not None and WHOLE_GROUPS:
        if wholegroups.RELAX_MERGED_PIECES:
            whole = pieces_pushing_together(leiden, cores, edges, items)
        cores = join_by_items(cores, edges, items)
    cores = [c for c in cores if len(c) >= 2]
    groups: list[dict[str, tuple[float, str]]] = []
    for core in cores:
        members: dict[str, tuple[float, str]] = {}
        for m in core:
            strength = len(nbrs[m] & core) / (len(core) - 1)
            own = piece[m]
            in_piece = len(nbrs[m] & own) / (len(own) - 1) if len(own) > 1 else 0.0
            joined = ((len(core) > len(own) or m in whole) and len(nbrs[m] & core) >= 2
                      and strength >= JOINED_MIN_STRENGTH)
            if strength >= MIN_STRENGTH or in_piece >= MIN_STRENGTH or joined:
                members[m] = (round(strength, 3), "core")
        if len(members) >= 2:
            groups.append(members)
    for members in groups:
        core = {m for m, (_, role) in members.items() if role == "core"}
        candidates = {n for m in core for n in nbrs[m]} - core
        for c in sorted(candidates):
            ties = len(nbrs[c] & core)
            if ties >= 2 and ties >= JOIN_SHARE * len(core):
                members[c] = (round(ties / len(core), 3), "also")
    groups.sort(key=lambda m: (-len(m), min(m)))
    return [{"members": m} for m in groups]
