"""Held-out judge 8: run propscope as a user would, read its communities, score them.

Why only the exports: a user sees ``communities.parquet``, so that is what is scored,
and the baselines' communities go through the same function. The semantics are judge
7's (``heldout7_score.py``): each planted group is matched to the community with the
highest Jaccard overlap and scored by member F1 (a missed group scores 0; the judge's
figure is the mean over groups); innocents are placed accounts that are not planted
members, counted by role. The operation's own hub and source accounts (roles
``planted_hub*``, ``planted_source``) are neither members nor innocents.
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

from heldout7_score import Community, _f1, read_communities  # judge 7's scoring, shared
from heldout8_planted import KIND_NAMES

__all__ = ["Community", "read_communities", "run_propscope", "score"]
CHECKOUT = Path(__file__).resolve().parents[1]


def propscope_cmd() -> list[str]:
    """``propscope`` of the interpreter running the bench (its console script)."""
    here = Path(sys.executable).parent / "propscope"
    return [str(here)] if here.exists() else [sys.executable, "-m", "propscope"]


def _child_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_propscope(folder: Path) -> dict[str, Any]:
    """``propscope run input --corpus corpus.duckdb --out exports --techniques off`` with
    this checkout's ``src`` first on PYTHONPATH (the venv may point at another checkout).
    Techniques are off: they do not feed coordination and cost most of the CPU."""
    corpus, exports = folder / "corpus.duckdb", folder / "exports"
    for stale in (corpus, folder / "corpus.duckdb.wal"):
        stale.unlink(missing_ok=True)
    cmd = propscope_cmd() + ["run", str(folder / "input"), "--corpus", str(corpus), "--out",
                             str(exports), "--techniques", "off", "--quiet"]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [str(CHECKOUT / "src"), os.environ.get("PYTHONPATH", "")]))
    cpu0, wall0 = _child_cpu(), time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"propscope run failed ({done.returncode}): {done.stderr[-2000:]}")
    return {"exports": exports, "cpu_s": round(_child_cpu() - cpu0, 1),
            "wall_s": round(time.perf_counter() - wall0, 1), "command": " ".join(cmd)}


def score(truth: dict[str, Any], communities: list[Community]) -> dict[str, Any]:
    """Group F1 (mean over planted groups), per-group figures, innocents by role."""
    roles: dict[str, str] = truth["roles"]
    planted = {m for g in truth["groups"] for m in g["members"]}
    assets = {h for h, r in roles.items() if r.startswith("planted_")}
    groups = []
    for g in truth["groups"]:
        members = set(g["members"])
        best: Community | None = None
        best_j = 0.0
        for comm in communities:
            j = len(members & comm[0]) / len(members | comm[0])
            if j > best_j:
                best, best_j = comm, j
        p, r, f = _f1(members, best[0]) if best else (0.0, 0.0, 0.0)
        kind = best[1] if best else ""
        groups.append({"group": g["group"], "kind": g["kind"], "size": len(members),
                       "f1": round(f, 3), "precision": round(p, 3), "recall": round(r, 3),
                       "jaccard": round(best_j, 3),
                       "community_size": len(best[0]) if best else 0, "reported_kind": kind,
                       "kind_match": bool(best) and kind in KIND_NAMES[g["kind"]]})
    placed: set[str] = set().union(*(c[0] for c in communities)) if communities else set()
    innocent = sorted(placed - planted - assets)
    by_role = Counter(roles.get(a, "unknown") for a in innocent)
    n = len(groups)
    return {"group_f1": round(sum(x["f1"] for x in groups) / n, 3) if n else None,
            "groups": groups, "communities": len(communities),
            "accounts_in_communities": len(placed), "innocents": len(innocent),
            "innocents_by_role": dict(sorted(by_role.items())),
            "innocent_accounts": innocent[:60],
            "kind_matches": sum(x["kind_match"] for x in groups)}
