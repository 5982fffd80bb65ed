"""The recall side of the look-alike frontier: each guard relaxed, over every judge.

Why: issue 15 asks for planted-group F1 >= 0.95 **and** no background account placed. The
coordination stage keeps several rules switched off (or guards switched on) because each
finds planted groups that one judge or another misses *and* places accounts that one judge
or another writes as benign (docs/coordination.md says which, rule by rule, each measured
on the version of its day). This script measures them again, all on the same checkout and
the same judges, so that the trade each one makes is one table: how much group F1 each
relaxation buys and how many background accounts (and negative-control accounts) it costs.
``bench/lookalike_frontier.py`` is the other side (filters that remove communities).

Each switch is applied to a copy of this checkout's committed tree (``git archive HEAD``),
never to the working tree, by replacing one exact line of a module (the run fails if the
line is not found exactly once, so a renamed constant cannot pass unmeasured); the judges
then run from the copy with ``bench/coord_judges.py`` (development seeds unless ``--seeds``)::

    PYTHONPATH=src:bench python bench/switch_frontier.py run --out /tmp/frontier \
        --switches wide rare_apart
    PYTHONPATH=src:bench python bench/switch_frontier.py table /tmp/frontier \
        --base /tmp/judges-base

``--base`` is a ``coord_judges.py run`` folder of the unchanged checkout (same seeds).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tarfile
from io import BytesIO
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))

from coord_judges import summary  # noqa: E402

#: name -> (what it relaxes, [(module path, exact line now, line with the switch)]).
SWITCHES: dict[str, tuple[str, list[tuple[str, str, str]]]] = {
    "wide": ("second window of 40 minutes (coordination.py, section 3)", [(
        "src/propscope/link/coordination.py", "WIDE_WINDOW_S: float | None = None",
        "WIDE_WINDOW_S: float | None = 2400.0")]),
    "rare_apart": ("a tag few accounts use keeps its bursts apart (spread.py, section 20)", [(
        "src/propscope/link/spread.py", "RARE_BASES_APART = False", "RARE_BASES_APART = True")]),
    "rare_cap50": ("rare items up to 50 sharers, not 30 (spread.py, section 20)", [(
        "src/propscope/link/spread.py", "RARE_CAP = 30", "RARE_CAP = 50")]),
    "no_participation_bar": ("closed audiences without the participation bar "
                             "(hubrings.py, section 17)", [(
        "src/propscope/link/hubrings.py", "MIN_PARTICIPATION = 0.5", "MIN_PARTICIPATION = 0.0")]),
    "no_private_links": ("a pair owns links only it shares (crowd.py, section 9)", [(
        "src/propscope/link/crowd.py", "PRIVATE_LINKS = True", "PRIVATE_LINKS = False")]),
    "no_owned_sites": ("a site's owner does not publish its links (commoncause.py, section 13)", [(
        "src/propscope/link/commoncause.py", "OWNED_SITES = True", "OWNED_SITES = False")]),
    "meetings": ("spread co-shares count as meetings (meetings.py, section 25)", [(
        "src/propscope/link/meetings.py", "ENABLED = False", "ENABLED = True")]),
    **{f"shrink{n}": (f"a repost rate on one account's posts shrunk with {n} pseudo-slots, "
                      "not 1,000 (cochance_rates.py, section 3)", [(
        "src/propscope/link/cochance_rates.py", "REPOST_SHRINK = 1000.0",
        f"REPOST_SHRINK = {n}.0")]) for n in (300, 100)},
    "no_quick_floor": ("co-actions within 60 s can be explained by a common origin too "
                       "(commoncause.py, section 3)", [(
        "src/propscope/link/commoncause.py",
        "              jb: np.ndarray, orig: Origins, cap: int, quick_s: float = QUICK_S) "
        "-> np.ndarray:",
        "              jb: np.ndarray, orig: Origins, cap: int, quick_s: float = 0.0) "
        "-> np.ndarray:")]),
    "ring_extend": ("ring sets take in accounts outside the block (ringsets.py, section 11)", [(
        "src/propscope/link/ringsets.py", "EXTEND = False", "EXTEND = True")]),
}


def tree_with(switch: str, dest: Path) -> Path:
    """The committed tree in ``dest`` with ``switch`` applied (each line replaced once)."""
    blob = subprocess.run(["git", "-C", str(ROOT), "archive", "HEAD", "src", "bench"],
                          capture_output=True, check=True).stdout
    dest.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=BytesIO(blob)) as tar:
        tar.extractall(dest, filter="data")
    for rel, old, new in SWITCHES[switch][1]:
        path = dest / rel
        lines = path.read_text(encoding="utf-8").split("\n")
        at = [i for i, line in enumerate(lines) if line == old]
        if len(at) != 1:
            raise SystemExit(f"{switch}: {rel} has {len(at)} lines {old!r}, not one")
        lines[at[0]] = new
        path.write_text("\n".join(lines), encoding="utf-8")
    return dest


def run(args: argparse.Namespace) -> int:
    for switch in args.switches:
        tree = tree_with(switch, args.out / f"tree-{switch}")
        argv = [sys.executable, str(tree / "bench" / "coord_judges.py"), "run",
                "--out", str(args.out / switch), "--judges", *args.judges]
        if args.seeds:
            argv += ["--seeds", *args.seeds]
        print(f"== {switch}: {SWITCHES[switch][0]}", flush=True)
        subprocess.run(argv, check=True, cwd=tree)
    return 0


def _num(x: Any) -> float:
    return float(x) if isinstance(x, (int, float)) else 0.0


def rows(base: dict[str, tuple[Any, Any, Any]], new: dict[str, tuple[Any, Any, Any]]
         ) -> list[tuple[str, float, float, float, float, float, float]]:
    """Per scored world: (key, F1 before, F1 after, innocents before/after, placed before/after)."""
    out = []
    for key in sorted(set(base) & set(new)):
        (f0, i0, p0), (f1, i1, p1) = base[key], new[key]
        out.append((key, _num(f0), _num(f1), _num(i0), _num(i1), _num(p0), _num(p1)))
    return out


def is_control(key: str) -> bool:
    """A world with nothing planted (``campaign_realistic``'s third run is its negative)."""
    return "control" in key or "negative" in key or key.startswith("jrealistic:[2]")


def table(args: argparse.Namespace) -> int:
    base = summary(args.base)
    print("| switch | what it changes | planted worlds: mean group F1 | background accounts "
          "placed (planted worlds) | accounts placed in controls | worlds changed |")
    print("|---|---|---|---|---|---|")
    for folder in sorted(p for p in args.folder.iterdir() if p.is_dir()
                         and not p.name.startswith(("tree-", "work"))):
        if folder.name not in SWITCHES:
            continue
        rs = [r for r in rows(base, summary(folder)) if r[0].endswith("propscope")]
        planted = [r for r in rs if not is_control(r[0])]
        control = [r for r in rs if is_control(r[0])]
        f_before = sum(r[1] for r in planted) / max(1, len(planted))
        f_after = sum(r[2] for r in planted) / max(1, len(planted))
        changed = [r[0].split(":")[0] for r in rs
                   if r[1] != r[2] or r[3] != r[4] or r[5] != r[6]]
        print(f"| `{folder.name}` | {SWITCHES[folder.name][0]} | {f_before:.3f} -> "
              f"{f_after:.3f} | {sum(r[3] for r in planted):.0f} -> "
              f"{sum(r[4] for r in planted):.0f} | {sum(r[5] for r in control):.0f} -> "
              f"{sum(r[6] for r in control):.0f} | {', '.join(sorted(set(changed))) or 'none'} |")
    if args.detail:
        for folder in sorted(p for p in args.folder.iterdir() if p.name in SWITCHES):
            print(f"\n{folder.name}")
            for r in rows(base, summary(folder)):
                if r[1] != r[2] or r[3] != r[4] or r[5] != r[6]:
                    print(f"  {r[0]}: F1 {r[1]} -> {r[2]}, innocents {r[3]:.0f} -> {r[4]:.0f}, "
                          f"placed {r[5]:.0f} -> {r[6]:.0f}")
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run", help="run the judges once per switch")
    r.add_argument("--out", type=Path, required=True)
    r.add_argument("--switches", nargs="+", default=list(SWITCHES), choices=list(SWITCHES))
    r.add_argument("--judges", nargs="+", default=["3", "4", "5", "6", "7", "8", "9", "10",
                                                   "realistic"])
    r.add_argument("--seeds", nargs="*", default=[], help="JUDGE=SEED, as coord_judges.py")
    t = sub.add_parser("table", help="the frontier table against a base run")
    t.add_argument("folder", type=Path)
    t.add_argument("--base", type=Path, required=True)
    t.add_argument("--detail", action="store_true", help="every world that changed")
    args = ap.parse_args(argv)
    return run(args) if args.cmd == "run" else table(args)


if __name__ == "__main__":
    sys.exit(main())
