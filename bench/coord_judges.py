"""Run every coordination judge on one checkout and summarise; compare two such runs.

Why: a change to the coordination stage is kept only when the judges it was not tuned on
agree, and the lead compares versions side by side from their own checkouts (each with its
own ``src``). This script is the one way those runs are made, so that a figure in
docs/benchmarks.md names a command anyone can repeat:

    PYTHONPATH=src:bench python bench/coord_judges.py run --out /tmp/judges-new
    PYTHONPATH=src:bench python bench/coord_judges.py run --out /tmp/judges-G \
        --seeds 4=66566 5=31856 --judges 4 5
    python bench/coord_judges.py compare /tmp/judges-old /tmp/judges-new

Without ``--seeds`` each judge runs its development seed (in-sample figures). A held-out set
is a set of seeds drawn with ``secrets.SystemRandom`` after the change was written and
checked absent from docs/benchmarks.md (``--draw`` does both); spent seeds are listed there.
Judges 3-9 run without their baselines (they are side by side in their own sections; judge 10
scores its cheap CooRnet recipe each time);
``campaign_realistic`` runs its development seeds 1 and 3 and its negative control.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
DOCS = BENCH.parent / "docs" / "benchmarks.md"
JUDGES = ("3", "4", "5", "6", "7", "8", "9", "10", "realistic")
#: Keys a judge uses for background accounts placed in a community.
INNOCENT_KEYS = ("innocents", "innocent_accounts", "innocents_in_communities", "innocent_placed",
                 "innocents_placed", "background_in_communities")


def command(judge: str, seed: int | None, out: Path) -> list[list[str]]:
    """The judge's command lines (one per world it scores)."""
    py = [sys.executable]
    if judge == "realistic":
        return [py + [str(BENCH / "campaign_realistic.py"), "--seed", s] for s in ("1", "3")] + [
            py + [str(BENCH / "campaign_realistic.py"), "--negative"]]
    script = str(BENCH / f"coordination_heldout{judge}.py")
    if judge == "10":  # planted and control worlds, development seed 7
        work = str(out / "work10")
        return [py + [script, "all", "--seed", str(seed or 7), "--out", f"{work}/{world}", "--json"]
                + (["--control"] if world == "control" else []) for world in ("planted", "control")]
    seeded = ["--seed", str(seed)] if seed is not None else []
    if judge == "3":
        return [py + [script, "--split", "heldout" if seed is not None else "dev", "--json"]
                + seeded]
    return [py + [script, "--out", str(out / f"work{judge}"), "--json", "--no-baselines"]
            + seeded]


def run_judge(judge: str, seed: int | None, out: Path) -> dict[str, Any]:
    """Run one judge and keep its JSON (and its stderr tail when it fails)."""
    results: list[Any] = []
    t0 = time.time()
    # this checkout's code, wherever a judge runs propscope from (an editable install in the
    # shared venv may point at another checkout)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(BENCH.parent / "src"), str(BENCH)]))
    for argv in command(judge, seed, out):
        done = subprocess.run(argv, capture_output=True, text=True, check=False, env=env)
        text = done.stdout[done.stdout.find("{"):] if "{" in done.stdout else ""
        try:
            results.append(json.loads(text))
        except json.JSONDecodeError:
            results.append({"error": done.returncode, "stderr": done.stderr[-2000:]})
    return {"judge": judge, "seed": seed, "wall_s": round(time.time() - t0, 1),
            "results": results}


def scores(node: Any, path: str = "") -> list[tuple[str, Any, Any, Any]]:
    """Every scored method in a judge's JSON: (path, group F1, innocents, control accounts)."""
    found: list[tuple[str, Any, Any, Any]] = []
    if isinstance(node, dict):
        if "group_f1" in node or "f1" in node and "background_in_communities" in node:
            innocent = next((node[k] for k in INNOCENT_KEYS if k in node), None)
            found.append((path, node.get("group_f1", node.get("f1")), innocent,
                          node.get("accounts_in_communities", node.get("accounts_placed"))))
        for key, value in node.items():
            if key not in ("groups", "per_group"):
                found += scores(value, f"{path}/{key}" if path else str(key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found += scores(value, f"{path}[{i}]")
    return found


def summary(folder: Path) -> dict[str, tuple[Any, Any, Any]]:
    """``judge:path`` -> (F1, innocents, accounts in communities) for one run folder."""
    out: dict[str, tuple[Any, Any, Any]] = {}
    for file in sorted(folder.glob("judge-*.json")):
        data = json.loads(file.read_text(encoding="utf-8"))
        label = f"j{data['judge']}" + (f"@{data['seed']}" if data["seed"] is not None else "")
        for path, f1, innocent, placed in scores(data["results"]):
            out[f"{label}:{path}"] = (f1, innocent, placed)
    return out


def draw(judges: list[str]) -> dict[str, int]:
    """Fresh seeds, none of them named in docs/benchmarks.md (the spent ones)."""
    spent = set(re.findall(r"\b\d{5}\b", DOCS.read_text(encoding="utf-8")))
    rng = secrets.SystemRandom()
    seeds: dict[str, int] = {}
    for judge in judges:
        if judge == "realistic":
            continue
        seed = rng.randrange(10_000, 100_000)
        while str(seed) in spent:
            seed = rng.randrange(10_000, 100_000)
        seeds[judge] = seed
    return seeds


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    run = sub.add_parser("run", help="run the judges on this checkout")
    run.add_argument("--out", type=Path, required=True)
    run.add_argument("--judges", nargs="+", default=list(JUDGES), choices=JUDGES)
    run.add_argument("--seeds", nargs="*", default=[], help="JUDGE=SEED (held-out runs)")
    run.add_argument("--draw", action="store_true", help="draw fresh seeds for the judges")
    cmp = sub.add_parser("compare", help="two run folders side by side")
    cmp.add_argument("old", type=Path)
    cmp.add_argument("new", type=Path)
    args = ap.parse_args(argv)
    if args.cmd == "compare":
        old, new = summary(args.old), summary(args.new)
        for key in sorted(set(old) | set(new)):
            a, b = old.get(key), new.get(key)
            mark = "" if a == b else "   <-- changed"
            print(f"{key:70} {a} -> {b}{mark}")
        return 0
    seeds = {k: int(v) for k, v in (s.split("=", 1) for s in args.seeds)}
    if args.draw:
        seeds = draw(args.judges)
        print("drawn:", json.dumps(seeds), flush=True)
    args.out.mkdir(parents=True, exist_ok=True)
    for judge in args.judges:
        seed = seeds.get(judge)
        if args.draw and judge == "realistic":
            continue
        result = run_judge(judge, seed, args.out)
        (args.out / f"judge-{judge}.json").write_text(json.dumps(result, indent=1),
                                                      encoding="utf-8")
        for path, f1, innocent, placed in scores(result["results"]):
            print(f"judge {judge} seed {seed} {path}: F1 {f1} innocents {innocent} "
                  f"placed {placed} ({result['wall_s']} s)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
