"""A sparse group whose Leiden pieces were merged by density keeps its loose members.

Forty accounts, each pair tied with probability 0.15, every tie on three of the group's 24
items: Leiden (CPM) cuts the group, ``groups._merge_pieces`` merges the pieces back by edge
density, and the merged block is one piece to ``wholegroups.join_by_items``. Before
coordination 19 its members then had to be tied to a quarter of it; a member of the same
group joined by items needs a tenth (and two ties). A hostile review of coordination 18 lost
such a group on 3 of 8 seeds of a judge-5-like world; here 4 of 20 seeds lose it. The rule
(``wholegroups.RELAX_MERGED_PIECES``) is measured and off: docs/coordination.md section 28.
"""

from __future__ import annotations

import random

import pytest

from propscope.link import groups, wholegroups

SIZE = 40


def _sparse(seed: int) -> tuple[list[tuple[str, str, float]], wholegroups.PairItems]:
    rnd = random.Random(seed)
    names = [f"m{i:02d}" for i in range(SIZE)]
    edges: list[tuple[str, str, float]] = []
    items: wholegroups.PairItems = {}
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            if rnd.random() < 0.15:
                edges.append((a, b, 1.0))
                items[(a, b)] = {("url", f"push-{k}") for k in rnd.sample(range(24), 3)}
    return edges, items


def _largest(edges: list[tuple[str, str, float]], items: wholegroups.PairItems) -> int:
    return max((len(g["members"]) for g in groups.overlapping_groups(edges, items)), default=0)


def test_a_sparse_group_merged_by_density_is_kept_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(wholegroups, "RELAX_MERGED_PIECES", True)
    sizes = [_largest(*_sparse(seed)) for seed in range(20)]
    assert min(sizes) >= 30, sizes


def test_without_the_relaxation_some_seeds_lose_the_group() -> None:
    """The default (the relaxation is measured and off)."""
    sizes = [_largest(*_sparse(seed)) for seed in range(20)]
    assert sum(s < 20 for s in sizes) >= 3, sizes


def test_pieces_on_different_items_or_in_a_dense_block_are_not_relaxed(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Two groups merged by density but each pushing its own items: nobody is relaxed. Two
    cliques on the same items make a dense block (a tight core, not a sparse group): not
    relaxed either, unless the density bar is lifted."""
    a = [f"a{i}" for i in range(6)]
    b = [f"b{i}" for i in range(6)]
    edges = [(x, y, 1.0) for g in (a, b) for i, x in enumerate(g) for y in g[i + 1:]]
    edges += [(a[i], b[i], 1.0) for i in range(4)]
    items = {(x, y): {("url", f"{x[0]}{y[0]}-item-{k}") for k in range(4)} for x, y, _ in edges}
    merged = [set(a) | set(b)]
    assert wholegroups.pieces_pushing_together([set(a), set(b)], merged, edges, items) == set()
    same = {k: {("url", f"item-{n}") for n in range(4)} for k in items}
    assert wholegroups.pieces_pushing_together([set(a), set(b)], merged, edges, same) == set()
    monkeypatch.setattr(wholegroups, "SPARSE_DENSITY", 1.01)
    assert wholegroups.pieces_pushing_together([set(a), set(b)], merged, edges,
                                               same) == set(a) | set(b)


def test_a_piece_whose_items_few_members_carry_is_refused_at_once() -> None:
    """The carriers of all a block's items are counted once: when they are too few, no
    crossing is tried item by item (the cost guard), and the answer is the same."""
    big = [f"r{i}" for i in range(20)]
    small = [f"l{i}" for i in range(4)]
    edges = [(big[0], big[1], 1.0)] + [(x, y, 1.0) for i, x in enumerate(small)
                                       for y in small[i + 1:]]
    edges += [(big[0], small[0], 1.0), (big[1], small[1], 1.0)]
    push = {("url", f"push-{k}") for k in range(5000)}
    items = {(x, y): set(push) for x, y, _ in edges}
    blocks = [set(big), set(small)]
    assert wholegroups.join_by_items(blocks, edges, items) == blocks
