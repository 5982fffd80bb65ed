"""Two groups in one community: split a group whose members are tied by different kinds.

Why: two campaigns that share accounts (one operator's accounts posting links for one and
copy-paste text for the other) are one connected piece of the edge graph, and when the
shared accounts are several, CPM keeps the piece whole: on generator 6's dev seed a
12-member link group and an 8-member text group with three members in common were one
community of 17, so neither group was reported as it acted (F1 0.83 and 0.64) and the text
group's kind was shown as links. Inside the piece each kind's ties draw one group: the link
ties cover the link group, the text ties the text group.

**Rule.** A kind's *layer* is the set of the group's members tied to another member by a
co-action of that kind. Layers of fewer than ``MIN_LAYER`` members are left aside. Two
layers are one when they share at least ``SAME_SHARE`` of the smaller (a group acting on
links and hashtags at the same moments ties most of its pairs by both), or when their own
members (those of each not in the other) are fewer than ``MIN_OWN`` or tied to each other
at a density of at least :data:`.groups.MERGE_DENSITY` (the density at which
:mod:`.groups` joins two pieces into one group). When two or more layers remain, each is
reported as a group of its own; a member in two layers is in both (an overlapping member,
as :mod:`.groups` allows), and a member in no remaining layer joins the one it has most
ties in. Nothing is added: every member of the split groups was a member of the group.

**Assumptions.** A group acts on its kinds together: a mixed group whose sub-teams take
one kind each, never meeting on another, is reported as its teams (each still a group).

Cost: per group, one pass over its edges and a comparison of its (few) layers.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from .groups import MERGE_DENSITY

#: Whether groups tied by different kinds are split (``False``: coordination 11).
ENABLED = True
#: Fewest members a kind's layer needs to stand as a group.
MIN_LAYER = 3
#: Layers sharing this share of the smaller one are one group.
SAME_SHARE = 0.5
#: Fewest members of its own (not in the other layer) each of two layers needs.
MIN_OWN = 3

Members = dict[str, tuple[float, str]]


Ties = dict[str, dict[str, set[str]]]  # member -> tied member -> kinds of their ties


def _layers(members: Members, ties: Ties) -> dict[str, set[str]]:
    """Per kind, the members tied to another member by that kind."""
    layer: dict[str, set[str]] = defaultdict(set)
    for a in sorted(members):
        for b, kinds in ties.get(a, {}).items():
            if b in members:
                for k in kinds:
                    layer[k].add(a)
    return {k: v for k, v in layer.items() if len(v) >= MIN_LAYER}


def _one(x: set[str], y: set[str], ties: Ties) -> bool:
    """Whether layers ``x`` and ``y`` are one group (see the module docstring)."""
    if len(x & y) >= SAME_SHARE * min(len(x), len(y)):
        return True
    own_x, own_y = x - y, y - x
    if len(own_x) < MIN_OWN or len(own_y) < MIN_OWN:
        return True
    cross = sum(1 for a in own_x for b in ties.get(a, {}) if b in own_y)  # over edges
    return cross >= MERGE_DENSITY * len(own_x) * len(own_y)


def _parts(layers: Iterable[set[str]], ties: Ties) -> list[set[str]]:
    """Layers joined until every two left are distinct groups."""
    parts = sorted((set(x) for x in layers), key=lambda s: (-len(s), min(s)))
    merged = True
    while merged and len(parts) > 1:
        merged = False
        for i in range(len(parts)):
            for j in range(i + 1, len(parts)):
                if _one(parts[i], parts[j], ties):
                    parts[i] |= parts.pop(j)
                    merged = True
                    break
            if merged:
                break
    return parts


def split_by_kind(groups: list[dict[str, Any]], edge_rows: list[dict[str, Any]]
                  ) -> list[dict[str, Any]]:
    """``groups`` (as :func:`.groups.overlapping_groups` returns them) with each group
    whose kinds' layers are distinct groups split into them (see the module docstring);
    ``edge_rows``: one row per pair and kind (``source_a``, ``source_b``, ``kind``)."""
    if not ENABLED or not groups:
        return groups
    ties: Ties = defaultdict(lambda: defaultdict(set))
    for r in edge_rows:
        a, b, kind = r["source_a"], r["source_b"], str(r["kind"])
        if a != b:
            ties[a][b].add(kind)
            ties[b][a].add(kind)
    out: list[dict[str, Any]] = []
    for group in groups:
        members: Members = group["members"]
        parts = _parts(_layers(members, ties).values(), ties)
        if len(parts) < 2:
            out.append(group)
            continue
        for m in sorted(set(members) - set().union(*parts)):
            tied = [len(ties.get(m, {}).keys() & p) for p in parts]
            parts[max(range(len(parts)), key=lambda i: (tied[i], -i))].add(m)
        for part in parts:
            sub: Members = {}
            for m in sorted(part):
                n_tied = len((ties.get(m, {}).keys() & part) - {m})
                sub[m] = (round(n_tied / (len(part) - 1), 3), members[m][1])
            out.append({"members": sub})
    out.sort(key=lambda g: (-len(g["members"]), min(g["members"])))
    return out
