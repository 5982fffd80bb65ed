"""Held-out judge 9: score propscope's (or a baseline's) communities against the truth.

Why judge 7's rules: figures stay comparable across judges. Each planted group is
matched to the community with the highest Jaccard overlap and scored by member F1 (a
missed group scores 0); the group F1 is the mean. Innocents are accounts in any
community that are neither planted members nor the hubs a planted group amplifies,
counted by role. In the control world (no planted groups) every placed account is an
innocent. Kinds: judge 9 adds ``forward`` (Telegram), matched by ``forward`` or
``repost``.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from heldout7_score import Community, _f1
from heldout9_planted import KIND_NAMES


def _best(members: set[str], communities: list[Community]) -> tuple[Community | None, float]:
    best: Community | None = None
    best_j = 0.0
    for comm in communities:
        j = len(members & comm[0]) / len(members | comm[0])
        if j > best_j:
            best, best_j = comm, j
    return best, best_j


def score(truth: dict[str, Any], communities: list[Community]) -> dict[str, Any]:
    roles: dict[str, str] = truth["roles"]
    planted = {m for g in truth["groups"] for m in g["members"]} | set(truth.get("hubs", []))
    groups = []
    for g in truth["groups"]:
        members = set(g["members"])
        best, best_j = _best(members, communities)
        p, r, f = _f1(members, best[0]) if best else (0.0, 0.0, 0.0)
        kind = best[1] if best else ""
        groups.append({"group": g["group"], "kind": g["kind"], "platform": g["platform"],
                       "timing": g["timing"], "size": len(members), "f1": round(f, 3),
                       "precision": round(p, 3), "recall": round(r, 3),
                       "jaccard": round(best_j, 3),
                       "community_size": len(best[0]) if best else 0, "reported_kind": kind,
                       "kind_match": bool(best) and kind in KIND_NAMES[g["kind"]]})
    placed = set().union(*(c[0] for c in communities)) if communities else set()
    innocent = sorted(placed - planted)
    by_role = Counter(roles.get(a, "unknown") for a in innocent)
    n = len(groups)
    return {"group_f1": round(sum(x["f1"] for x in groups) / n, 3) if n else None,
            "groups": groups, "communities": len(communities),
            "accounts_in_communities": len(placed), "innocents": len(innocent),
            "innocents_by_role": dict(sorted(by_role.items())),
            "innocent_accounts": innocent[:50],
            "kind_matches": sum(x["kind_match"] for x in groups)}
