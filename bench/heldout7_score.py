"""Held-out judge 7: run propscope as a new user would, read its communities, score them.

Why the scorer reads only the exports: a judge that looked inside propscope's tables
or code would be judging what propscope *means* to say; a user sees the
``communities`` export, so that is what is scored. The same scoring function scores
the baselines, so every figure in the table is measured the same way.

Planted-group F1: each planted group is matched to the community with the highest
Jaccard overlap; its member F1 is computed against that community; the judge's figure
is the mean over planted groups (a missed group scores 0). Innocents: accounts whose
ground-truth role is not ``planted`` found in any community, counted by role.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from heldout7_planted import KIND_NAMES

Community = tuple[frozenset[str], str]  # members, reported kind


def propscope_bin() -> str:
    """The ``propscope`` command of the interpreter running the bench."""
    here = Path(sys.executable).parent / "propscope"
    return str(here) if here.exists() else "propscope"


def _child_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_propscope(folder: Path) -> dict[str, Any]:
    """``propscope run input --corpus corpus.duckdb --out exports --techniques off``.

    Techniques are off because they do not feed coordination and cost most of the CPU.
    Returns the exports folder and the command's CPU and wall seconds.
    """
    corpus, exports = folder / "corpus.duckdb", folder / "exports"
    for stale in (corpus, folder / "corpus.duckdb.wal"):
        stale.unlink(missing_ok=True)
    cmd = [propscope_bin(), "run", str(folder / "input"), "--corpus", str(corpus), "--out",
           str(exports), "--techniques", "off", "--quiet"]
    cpu0, wall0 = _child_cpu(), time.perf_counter()
    # this checkout's code, whatever the working folder: the venv's editable install may
    # point at another checkout, and a relative PYTHONPATH depends on where it is run from
    src = Path(__file__).resolve().parents[1] / "src"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(src), os.environ.get("PYTHONPATH", "")]))
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"propscope run failed ({done.returncode}): {done.stderr[-2000:]}")
    return {"exports": exports, "cpu_s": round(_child_cpu() - cpu0, 1),
            "wall_s": round(time.perf_counter() - wall0, 1), "command": " ".join(cmd)}


def read_communities(exports: Path) -> list[Community]:
    """Members and dominant kind of each community in ``exports/communities.parquet``
    (no file: propscope found none)."""
    import duckdb

    path = exports / "communities.parquet"
    if not path.exists():
        return []
    rows = duckdb.execute(f"select community_id, source, dominant_kind from read_parquet("
                          f"'{path.as_posix()}')").fetchall()
    members: dict[Any, set[str]] = {}
    kinds: dict[Any, str] = {}
    for cid, source, kind in rows:
        members.setdefault(cid, set()).add(str(source))
        kinds[cid] = str(kind or "")
    return [(frozenset(members[c]), kinds[c]) for c in sorted(members, key=str)]


def _f1(truth: set[str], found: frozenset[str]) -> tuple[float, float, float]:
    hit = len(truth & found)
    if not hit:
        return 0.0, 0.0, 0.0
    p, r = hit / len(found), hit / len(truth)
    return p, r, 2 * p * r / (p + r)


def best_community(members: set[str], communities: list[Community]
                   ) -> tuple[Community | None, float]:
    """The community with the highest Jaccard overlap with ``members`` (``None``: none
    shares a member), and that overlap."""
    best: Community | None = None
    best_j = 0.0
    for comm in communities:
        j = len(members & comm[0]) / len(members | comm[0])
        if j > best_j:
            best, best_j = comm, j
    return best, best_j


def score(truth: dict[str, Any], communities: list[Community]) -> dict[str, Any]:
    """Planted-group F1 (mean over groups), per-group figures, innocents by role."""
    return score_groups(truth, communities, KIND_NAMES)


def score_groups(truth: dict[str, Any], communities: list[Community],
                 kind_names: dict[str, Any], exempt: set[str] | frozenset[str] = frozenset(),
                 fields: tuple[str, ...] = (), listed: int = 50) -> dict[str, Any]:
    """Judge 7's scoring, shared by judges 8 and 9 (each with its own kind names): each
    planted group against its best community by Jaccard, member F1 (0 when missed), the
    mean; innocents are placed accounts neither planted nor ``exempt`` (accounts a planted
    group uses: hubs, assets), by role. ``fields``: more of each group's truth entries to
    carry into its row; ``listed``: how many innocent accounts to name."""
    roles: dict[str, str] = truth["roles"]
    planted = {m for g in truth["groups"] for m in g["members"]}
    groups = []
    for g in truth["groups"]:
        members = set(g["members"])
        best, best_j = best_community(members, communities)
        p, r, f = _f1(members, best[0]) if best else (0.0, 0.0, 0.0)
        kind = best[1] if best else ""
        groups.append({"group": g["group"], "kind": g["kind"]} | {k: g[k] for k in fields}
                      | {"size": len(members), "f1": round(f, 3), "precision": round(p, 3),
                         "recall": round(r, 3), "jaccard": round(best_j, 3),
                         "community_size": len(best[0]) if best else 0,
                         "reported_kind": kind,
                         "kind_match": bool(best) and kind in kind_names[g["kind"]]})
    placed: set[str] = set().union(*(c[0] for c in communities)) if communities else set()
    innocent = sorted(placed - planted - set(exempt))
    by_role = Counter(roles.get(a, "unknown") for a in innocent)
    n = len(groups)
    return {
        "group_f1": round(sum(x["f1"] for x in groups) / n, 3) if n else None,
        "groups": groups, "communities": len(communities),
        "accounts_in_communities": len(placed), "innocents": len(innocent),
        "innocents_by_role": dict(sorted(by_role.items())),
        "innocent_accounts": innocent[:listed],
        "kind_matches": sum(x["kind_match"] for x in groups)}
