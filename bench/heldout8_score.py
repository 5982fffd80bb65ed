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
from pathlib import Path
from typing import Any

from heldout7_score import Community, read_communities, score_groups  # judge 7's scoring
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
    """Group F1 (mean over planted groups), per-group figures, innocents by role (judge 7's
    scoring; the accounts a planted group uses, ``planted_*`` roles, are no innocents)."""
    assets = {h for h, r in truth["roles"].items() if r.startswith("planted_")}
    return score_groups(truth, communities, KIND_NAMES, exempt=assets, listed=60)
