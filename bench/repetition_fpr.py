"""False-positive rate of the repetitions analyzer on ordinary news, and the speed
of the two text-manipulation analyzers (references + repetitions).

No article in ../shared/data is labelled as stuffed, so every article with a
finding counts against the analyzer here (some of those findings are real
templated text, listed in the report so a reader can judge). The sample article
must still be found, or the benchmark fails: a low rate bought by missing the one
known case would be worthless.

    python bench/repetition_fpr.py [--data ../shared/data] [--no-write]

Writes the section ``## Repetition false-positive rate`` of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from fpr_common import (  # bench/ is on sys.path when run as a script
    add_common_args,
    add_no_write,
    publish,
    report_header,
    sample_repetitions,
)
from propscope.analyze.references import find_references
from propscope.analyze.repetition import find_repetitions

ROOT = Path(__file__).resolve().parents[1]
SECTION = "## Repetition false-positive rate"
SAMPLE_PHRASE = "(PMOI / MEK Iran)"


def corpora(data: Path) -> dict[str, list[Path]]:
    out = {"ptc2020": sorted((data / "ptc2020" / "articles").glob("*.txt"))}
    for lang_dir in sorted((data / "semeval2023").glob("*/articles")):
        out[f"semeval2023/{lang_dir.parent.name}"] = sorted(lang_dir.glob("*.txt"))
    return {k: v for k, v in out.items() if v}


def sample_check(samples: Path) -> str:
    rows = sample_repetitions(samples)
    if rows is None:
        return "sample not found (skipped)"
    hit = [r for r in rows if r["phrase"] == SAMPLE_PHRASE and r["count"] == 9]
    if not hit:
        sys.exit(f"the sample's stuffed phrase is no longer found: {rows}")
    return f"found: '{SAMPLE_PHRASE}' x9 ({hit[0]['rule']}, score {hit[0]['score']}), {len(rows)} finding(s) in all"


def speed(texts: list[str], rounds: int) -> dict[str, float]:
    """Best-of-``rounds`` throughput in MB of UTF-8 text per second of CPU time of
    this one process (= per core), and per second of wall time. The CPU figure is
    the stable one on a machine shared with other jobs."""
    size = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    best: dict[str, float] = {"mb": size}
    for name, fn in [("references", find_references), ("repetitions", find_repetitions)]:
        cpu, wall = [], []
        for _ in range(rounds):
            c0, w0 = time.process_time(), time.perf_counter()
            for i, t in enumerate(texts):
                fn(str(i), t)
            cpu.append(time.process_time() - c0)
            wall.append(time.perf_counter() - w0)
        best[name] = size / min(cpu)
        best[name + "_wall"] = size / min(wall)
    for suffix in ("", "_wall"):
        best["both" + suffix] = 1 / (1 / best["references" + suffix]
                                     + 1 / best["repetitions" + suffix])
    return best


def render(results: dict, flagged: list[tuple[str, str, dict]], unique: tuple[int, int],
           sample: str, perf: dict[str, float], command: str) -> str:
    total_docs = sum(n for n, _ in results.values())
    total_hit = sum(h for _, h in results.values())
    lines = [
        *report_header(SECTION, command),
        "Share of ordinary news articles (no stuffing labelled) with at least one "
        "`repetitions` finding:", "",
        "| corpus | articles | with a finding | rate |", "|---|---:|---:|---:|",
    ]
    for name, (n, h) in results.items():
        lines.append(f"| {name} | {n} | {h} | {100 * h / n:.2f}% |")
    lines.append(f"| **all** | {total_docs} | {total_hit} | {100 * total_hit / total_docs:.2f}% |")
    lines.append(f"| all, distinct articles | {unique[0]} | {unique[1]} | "
                 f"{100 * unique[1] / unique[0]:.2f}% |")
    lines += ["", "(semeval2023/en re-annotates PTC articles, so the two overlap; "
              "\"distinct articles\" counts each article ID once.)", "",
              f"Sample article: {sample}.", "", "Articles with a finding:", ""]
    if not flagged:
        lines.append("- none")
    for corpus, name, row in flagged:
        phrase = row["phrase"].replace("\n", " ")
        lines.append(f"- {corpus}/{name}: {row['kind']} ({row['rule']}), "
                     f"'{phrase[:80]}' x{row['count']}, score {row['score']}")
    lines += [
        "", "Each finding is listed so a reader can judge whether it is a false alarm "
        "or real templated text in an otherwise ordinary article." if flagged else "",
        "", "Speed, one process, best of 3 over all the articles above "
        f"({perf['mb']:.1f} MB of UTF-8 text); MB per second of the process's CPU time "
        "(= per core), and per second of wall time on the shared machine:", "",
        "| analyzer | MB/s per core (CPU time) | MB/s wall |", "|---|---:|---:|",
        f"| references | {perf['references']:.1f} | {perf['references_wall']:.1f} |",
        f"| repetitions | {perf['repetitions']:.1f} | {perf['repetitions_wall']:.1f} |",
        f"| both, one after the other | {perf['both']:.1f} | {perf['both_wall']:.1f} |", "",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_common_args(parser)
    parser.add_argument("--rounds", type=int, default=3)
    add_no_write(parser)
    args = parser.parse_args()
    sets = corpora(args.data)
    if not sets:
        sys.exit(f"no articles under {args.data}")
    results: dict[str, tuple[int, int]] = {}
    flagged: list[tuple[str, str, dict]] = []
    texts: list[str] = []
    by_key: dict[str, bool] = {}
    for name, files in sets.items():
        hits = 0
        for f in files:
            text = f.read_text(encoding="utf-8")
            texts.append(text)
            rows = find_repetitions(f.stem, text)
            # semeval2023/en holds the PTC articles again (same IDs): count them once
            key = f.stem if name in ("ptc2020", "semeval2023/en") else f"{name}/{f.stem}"
            by_key[key] = by_key.get(key, False) or bool(rows)
            if rows:
                hits += 1
                flagged += [(name, f.name, r) for r in rows]
        results[name] = (len(files), hits)
    unique = (len(by_key), sum(by_key.values()))
    sample = sample_check(args.samples)
    perf = speed(texts, args.rounds)
    command = "python bench/repetition_fpr.py"
    publish(SECTION, render(results, flagged, unique, sample, perf, command), args.no_write)


if __name__ == "__main__":
    main()
