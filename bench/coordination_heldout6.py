"""Independent held-out judge 6 for coordination detection (issue 15).

Written without reading propscope's coordination method: the world is modelled on what
real platform data looks like, and propscope is run as a user runs it (the ``propscope
run`` command, ``--techniques off``), its ``communities`` table read afterwards.

Seeds: DEV **40617** (development; its figures are in-sample for this judge only in the
sense that the harness was checked end to end on it) and HELD-OUT **83952**, to be run
ONCE by the lead at the end of the session::

    PATH=/work/qutenv/bin:$PATH nice -n 10 python bench/coordination_heldout6.py \\
        --seed 83952 --size full --doc

World model (:mod:`heldout6_build`, proportions there): 14 days, four platforms in four
file formats (:mod:`heldout6_files`: X twarc2 pages, Mastodon statuses, Telegram Desktop
exports, a plain ``docs.jsonl`` of sites and a forum), nine languages in four scripts
(:mod:`heldout6_text`). Innocent look-alikes (:mod:`heldout6_news`,
:mod:`heldout6_people`, :mod:`heldout6_channels`): breaking-news bursts, wire copy
republished word for word, RSS bots, outlets with their staff, digest bots at a fixed
hour, celebrity fans retweeting within seconds, live-event reply threads, quote pile-ons,
giveaway entrants and contest hunters, scheduled posting on the hour with the weekday's
hashtag, friend circles replying to each other, evergreen popular links, one everyday
hashtag per language, heavy users, Telegram aggregators forwarding officials, clock-skewed
sources (zone-less local times). Planted groups: twelve (:mod:`heldout6_planted`), sizes
3-50, kinds url, text, hashtag, retweet, reply, quote, forward, windows 30 s to 30 min,
participation 50-80%, two groups sharing three members, one group on two platforms with
the same handles, two groups hiding in breaking bursts and among fans. The negative
control is the same world without the groups' coordinated occasions.

Scorer: :mod:`heldout6_score` (rules in its docstring). Baselines on the same posts:
:mod:`heldout6_baselines` (CooRnet/CooRTweet recipe; QUT coordination-network-toolkit).
Targets (issue 15): group F1 >= 0.95, no innocent account in any community, every
group's dominant kind found, the control without any community.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from heldout6_baselines import coornet, qut
from heldout6_build import build, stats
from heldout6_files import write
from heldout6_score import Community, control, read_propscope, score

DEV_SEED, HELDOUT_SEED = 40617, 83952
ROOT = Path(__file__).resolve().parents[1]
HEADING = "## Coordination, independent held-out generator 6"
METHODS = ("propscope", "coornet", "qut")


def _child_cpu() -> float:
    use = resource.getrusage(resource.RUSAGE_CHILDREN)
    return use.ru_utime + use.ru_stime


def run_propscope(files: Path, work: Path) -> list[Community]:
    """``propscope run FILES --corpus C --out OUT --techniques off`` as a subprocess."""
    exe = Path(sys.executable).with_name("propscope")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-c",
                                           "from propscope.cli import main; main()"]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [str(ROOT / "src")] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep)
                               if p]))
    corpus = work / "corpus.duckdb"
    subprocess.run(cmd + ["run", str(files), "--corpus", str(corpus), "--out",
                          str(work / "out"), "--techniques", "off", "--quiet"],
                   check=True, env=env, capture_output=True)
    return read_propscope(corpus)


def qut_exe() -> str | None:
    found = shutil.which("compute_networks")
    if found:
        return found
    fallback = Path("/work/qutenv/bin/compute_networks")
    return str(fallback) if fallback.exists() else None


def judge(seed: int, size: str, worlds: list[str], out: Path, methods: list[str]
          ) -> dict[str, object]:
    """Build, write and judge each world with each method; figures and CPU seconds."""
    result: dict[str, object] = {"seed": seed, "size": size, "worlds": {}}
    for name in worlds:
        w = build(seed, size, planted=(name == "planted"))
        written = write(w, out / name / "files")
        entry: dict[str, object] = {"stats": stats(w), "ingested": written.counts}
        for method in methods:
            work = out / name / method
            work.mkdir(parents=True, exist_ok=True)
            cpu0, kid0, wall0 = time.process_time(), _child_cpu(), time.perf_counter()
            if method == "propscope":
                found = run_propscope(out / name / "files", work)
            elif method == "coornet":
                found = coornet(written.kept)
            else:
                exe = qut_exe()
                if exe is None:
                    entry[method] = {"skipped": "compute_networks not found"}
                    continue
                found = qut(written.kept, work, exe)
            cpu = time.process_time() - cpu0 + _child_cpu() - kid0
            figures = score(w.groups, w.types, found) if name == "planted" else control(found)
            figures["cpu_s"] = round(cpu, 1)
            figures["wall_s"] = round(time.perf_counter() - wall0, 1)
            entry[method] = figures
        result["worlds"][name] = entry  # type: ignore[index]
    return result


def _commit() -> str:
    try:
        return subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                              capture_output=True, text=True).stdout.strip() or "unknown"
    except OSError:
        return "unknown"


def markdown(result: dict[str, object], command: str) -> str:
    """The benchmarks.md section: one table of methods, one of planted groups."""
    worlds: dict = result["worlds"]  # type: ignore[assignment]
    planted, ctrl = worlds.get("planted", {}), worlds.get("control", {})
    seed = result["seed"]
    which = "HELD-OUT (run once)" if seed == HELDOUT_SEED else \
        "DEV (development seed: the harness was checked on it)" if seed == DEV_SEED else "other"
    lines = [HEADING, "",
             f"Command: `{command}`. Machine: AMD EPYC, 2 shared cores. "
             f"Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC. Commit: {_commit()}. "
             f"Seed {seed} ({which}), size {result['size']}. Written without reading "
             "propscope's coordination method; propscope run through its CLI with "
             "`--techniques off`. Scoring rules: `bench/heldout6_score.py`; QUT's toolkit "
             "has no quote, forward or hashtag network, so it cannot name those kinds. "
             "CPU s: process time including child processes.", ""]
    if planted:
        s = planted["stats"]
        lines += [f"World: {s['posts']} posts, {s['accounts']} accounts, platforms "
                  f"{s['platforms']}, {len(s['languages'])} languages, "
                  f"{s['planted_posts']} planted posts in {len(s['groups'])} groups.", ""]
    lines += ["| method | group F1 | kinds found | innocent accounts (by type) | "
              "control communities / accounts | CPU s (planted + control) |",
              "|---|---|---|---|---|---|"]
    for m in METHODS:
        p, c = planted.get(m), ctrl.get(m)
        if not p and not c:
            continue
        f1 = p.get("group_f1", "-") if p else "-"
        kinds = f"{p['kinds_found']}/{p['groups']}" if p and "groups" in p else "-"
        inn = (f"{p['innocent_accounts']} " + json.dumps(p["innocent_by_type"],
                                                        ensure_ascii=False)) \
            if p and "innocent_accounts" in p else "-"
        cc = f"{c['communities']} / {c['accounts']}" if c and "communities" in c else "-"
        cpu = sum(x.get("cpu_s", 0.0) for x in (p or {}, c or {}))
        lines.append(f"| {m} | {f1} | {kinds} | {inn} | {cc} | {cpu:.1f} |")
    if planted:
        lines += ["", "| group | kind | size | " + " | ".join(
            f"{m} F1 (kind)" for m in METHODS if m in planted) + " |",
            "|---|---|---|" + "---|" * sum(m in planted for m in METHODS)]
        rows = {m: {r["group"]: r for r in planted[m]["per_group"]} for m in METHODS
                if m in planted and "per_group" in planted[m]}
        for g, info in planted["stats"]["groups"].items():
            cells = [f"{rows[m][g]['f1']} ({rows[m][g]['found_kind'] or '-'})" for m in rows]
            lines.append(f"| {g} | {info['kind']} | {info['size']} | " + " | ".join(cells)
                         + " |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=f"Held-out judge 6 for coordination. Seeds: DEV {DEV_SEED}; HELD-OUT "
                    f"{HELDOUT_SEED} (run once, by the lead, at the end).")
    ap.add_argument("--seed", type=int, default=DEV_SEED,
                    help=f"world seed (DEV {DEV_SEED}, HELD-OUT {HELDOUT_SEED})")
    ap.add_argument("--size", choices=["tiny", "full"], default="full")
    ap.add_argument("--world", choices=["planted", "control", "both"], default="both")
    ap.add_argument("--out", type=Path, default=None, help="work folder (default: a temp one)")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    ap.add_argument("--no-baselines", action="store_true")
    ap.add_argument("--no-propscope", action="store_true")
    ap.add_argument("--doc", action="store_true",
                    help=f"write the section '{HEADING[3:]}' of docs/benchmarks.md")
    args = ap.parse_args(argv)
    worlds = ["planted", "control"] if args.world == "both" else [args.world]
    methods = [m for m in METHODS if not (m == "propscope" and args.no_propscope)
               and not (m != "propscope" and args.no_baselines)]
    out = args.out or Path(f"/tmp/heldout6-{args.seed}-{args.size}-{os.getpid()}")
    if out.exists():
        shutil.rmtree(out)
    result = judge(args.seed, args.size, worlds, out, methods)
    command = "python bench/coordination_heldout6.py " + " ".join(argv or sys.argv[1:])
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=1))
    else:
        print(markdown(result, command))
    if args.doc:
        sys.path.insert(0, str(Path(__file__).parent))
        from benchdoc import replace_section

        replace_section(HEADING, markdown(result, command))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
