"""Score communities against the sixth world's truth; one scorer for every method.

Rules:

* A community is a set of account names (propscope's ``communities.source``, every
  role) with one kind (propscope's ``dominant_kind``; for the baselines, the kind with
  the most co-shares or edge weight inside the component).
* For each planted group, the best community is the one with the highest member F1,
  ``2 |G ∩ C| / (|G| + |C|)`` (ties: the first community read); the group's F1 is that
  value, 0 when no community shares a member. **Group F1** is the mean over the planted
  groups, each weighing the same whatever its size.
* The group's **kind is found** when its best community (with F1 > 0) has the group's kind.
* **Innocent accounts**: the distinct accounts in any community that belong to no
  planted group, counted by their innocent type (``ordinary``, ``fan``, ``rss_bot``, ...).
* **Control**: on the world without planted groups, the number of communities and of
  distinct accounts in them (the target is 0 and 0).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from heldout6_world import Group


@dataclass
class Community:
    cid: str
    members: frozenset[str]
    kind: str


def read_propscope(corpus: Path) -> list[Community]:
    """The ``communities`` table of a propscope corpus, as :class:`Community` objects."""
    import duckdb

    con = duckdb.connect(str(corpus), read_only=True)
    try:
        rows = con.execute("SELECT CAST(community_id AS VARCHAR), source, "
                           "coalesce(dominant_kind, '') FROM communities "
                           "ORDER BY 1, 2").fetchall()
    finally:
        con.close()
    members: dict[str, set[str]] = {}
    kinds: dict[str, str] = {}
    for cid, source, kind in rows:
        members.setdefault(cid, set()).add(source)
        kinds[cid] = kind
    return [Community(cid, frozenset(m), kinds[cid]) for cid, m in members.items()]


def f1(group: set[str], community: frozenset[str]) -> float:
    both = len(group & community)
    return 2 * both / (len(group) + len(community)) if both else 0.0


def score(groups: list[Group], types: dict[str, str],
          communities: list[Community]) -> dict[str, object]:
    """Group F1, kinds found, innocents by type, and a row per planted group."""
    per_group, raw = [], []
    for g in groups:
        want = set(g.members)
        best, best_f1 = None, 0.0
        for c in communities:
            value = f1(want, c.members)
            if value > best_f1:
                best, best_f1 = c, value
        hit = len(want & best.members) if best else 0
        raw.append(best_f1)
        per_group.append({
            "group": g.name, "kind": g.kind, "size": len(want), "f1": round(best_f1, 3),
            "recall": round(hit / len(want), 3),
            "precision": round(hit / len(best.members), 3) if best else 0.0,
            "community_size": len(best.members) if best else 0,
            "found_kind": best.kind if best else "", "kind_found": bool(best and
                                                                        best.kind == g.kind)})
    planted = {m for g in groups for m in g.members}
    innocent = sorted({m for c in communities for m in c.members} - planted)
    by_type: dict[str, int] = {}
    for name in innocent:
        t = types.get(name, "unknown")
        by_type[t] = by_type.get(t, 0) + 1
    return {
        "group_f1": round(sum(raw) / len(raw), 3) if raw else 0.0,
        "kinds_found": sum(bool(r["kind_found"]) for r in per_group),
        "groups": len(per_group), "communities": len(communities),
        "innocent_accounts": len(innocent),
        "innocent_by_type": dict(sorted(by_type.items(), key=lambda kv: (-kv[1], kv[0]))),
        "per_group": per_group}


def control(communities: list[Community]) -> dict[str, int]:
    """What the negative control yields: communities and distinct accounts in them."""
    return {"communities": len(communities),
            "accounts": len({m for c in communities for m in c.members})}
