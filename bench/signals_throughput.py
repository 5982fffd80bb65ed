"""Signals throughput: the references + repetitions analyzers, alone and end to end.

    .venv/bin/python bench/signals_throughput.py [--docs 100000] [--sample 20000]
        [--before FILE.json] [--save FILE.json] [--write]

Uses the corpus generator of ``bench/ingest.py`` (same seeded JSONL articles) and
measures, each part in a child process of its own (so peak memory is its own):

1. **analyzers alone**: ``find_references`` and ``find_repetitions`` over the first
   ``--sample`` texts, in one process: MB of text per CPU-second (= per core);
2. **analyze stage**: :func:`propscope.pipeline.analyze_corpus` (references,
   repetitions) on an ingested corpus, with the ``local`` engine and with the
   ``processes`` engine (2 workers): wall time, and CPU time of the process and
   its workers together;
3. **end to end**: ingest JSONL -> corpus, then analyze with the ``processes``
   engine, in one fresh process: MB/s and documents/s of wall time, CPU time,
   peak RSS of the main process and of the largest worker.

``--overlap`` measures only part 3 against what ``propscope run --engine processes``
does: the analyzers run on each committed ingest batch beside ingest (JSON out).

The machine is shared, so wall figures depend on the load; CPU-time figures do
not, and are reported beside them. ``--save`` keeps the raw figures as JSON and
``--before`` adds them as a "before" column; ``--write`` replaces the section
``## Signals throughput (end to end)`` of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchdoc import (  # bench/ is on sys.path when run as a script
    cpu_model,
    cpu_seconds_with_children,
    replace_section,
)

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "benchmarks.md"
SECTION = "## Signals throughput (end to end)"
ANALYZERS = ("references", "repetitions")


def _ingest_bench() -> Any:
    """bench/ingest.py as a module, for its corpus generator (one generator, two benchmarks)."""
    spec = importlib.util.spec_from_file_location("_bench_ingest", ROOT / "bench" / "ingest.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _peaks() -> dict[str, float]:
    return {"peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "worker_peak_rss_mb":
                round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1)}


# -- child parts ---------------------------------------------------------------
def part_alone(data: Path, sample: int) -> dict[str, Any]:
    from propscope.analyze import repetition
    from propscope.analyze.references import find_references

    def repetitions_as_run(texts: list[str]) -> None:
        """The form the analyze stage uses: batches of 512 (one at a time before it existed)."""
        batch_form = getattr(repetition, "find_repetitions_batch", None)
        if batch_form is None:
            for i, t in enumerate(texts):
                repetition.find_repetitions(str(i), t)
            return
        for k in range(0, len(texts), 512):
            batch_form([(str(i), t) for i, t in enumerate(texts[k:k + 512], k)])

    def references_as_run(texts: list[str]) -> None:
        for i, t in enumerate(texts):
            find_references(str(i), t)

    texts = []
    with open(data, encoding="utf-8") as fh:
        for line in fh:
            texts.append(json.loads(line)["text"])
            if len(texts) >= sample:
                break
    mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    out: dict[str, Any] = {"docs": len(texts), "mb": mb}
    for name, run in (("references", references_as_run), ("repetitions", repetitions_as_run)):
        best = float("inf")
        for _ in range(2):  # best of 2: other jobs on the VM still steal cache and cycles
            c0 = time.process_time()
            run(texts)
            best = min(best, time.process_time() - c0)
        out[name + "_cpu_s"] = best
    return out


def _ingest(data: Path, corpus_path: Path) -> tuple[Any, dict[str, Any]]:
    import propscope
    from propscope.settings import Settings
    from propscope.stages.ingest import ingest_paths

    corpus = propscope.open_corpus(corpus_path)
    run_id = corpus.start_run("bench-signals")
    c0, t0 = cpu_seconds_with_children(), time.perf_counter()
    summary = ingest_paths(corpus, [data], Settings(), run_id)
    return corpus, {"run_id": run_id, "ingest_s": time.perf_counter() - t0,
                    "ingest_cpu_s": cpu_seconds_with_children() - c0, "documents": summary.as_dict()["documents"]}


def _analyze(corpus: Any, run_id: str, engine_name: str) -> dict[str, Any]:
    from propscope.engine import get_engine
    from propscope.pipeline import analyze_corpus
    from propscope.settings import Settings

    settings = Settings(analyzers=ANALYZERS, engine=engine_name,
                        workers=2 if engine_name == "processes" else None,
                        force_stages=ANALYZERS)
    c0, t0 = cpu_seconds_with_children(), time.perf_counter()
    engine = get_engine(settings)
    try:
        summary = analyze_corpus(corpus, settings, run_id, engine=engine)
    finally:
        engine.close()  # workers reaped here, so their CPU time is counted below
    return {"analyze_s": time.perf_counter() - t0, "analyze_cpu_s": cpu_seconds_with_children() - c0,
            "summary": summary}


def part_stage(data: Path, corpus_path: Path, engine_name: str) -> dict[str, Any]:
    import propscope

    if not corpus_path.exists():
        corpus, info = _ingest(data, corpus_path)
    else:
        corpus = propscope.open_corpus(corpus_path)
        info = {"run_id": corpus.start_run("bench-signals")}
    out = _analyze(corpus, info["run_id"], engine_name)
    out["rows"] = {t: corpus.count(t) for t in ANALYZERS}
    corpus.close()
    return out


def part_end_to_end(data: Path, corpus_path: Path) -> dict[str, Any]:
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    corpus, out = _ingest(data, corpus_path)
    out.update(_analyze(corpus, out["run_id"], "processes"))
    out["rows"] = {t: corpus.count(t) for t in ANALYZERS}
    corpus.close()
    out.update(_peaks())
    out["start_rss_mb"] = round(rss0, 1)
    return out


def part_overlap(data: Path, corpus_path: Path) -> dict[str, Any]:
    """End to end as ``propscope run --engine processes`` does it: the analyzers run on
    each committed ingest batch beside ingest, then the analyze stage (stragglers)."""
    import propscope
    from propscope.engine import get_engine
    from propscope.pipeline import _start_run, analyze_corpus
    from propscope.progress import NULL_REPORTER
    from propscope.settings import Settings
    from propscope.stages.overlap import ingest_with_analysis
    from propscope.stages.writer import CorpusWriter

    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    settings = Settings(analyzers=ANALYZERS, engine="processes", workers=2)
    corpus = propscope.open_corpus(corpus_path)
    c0, t0 = cpu_seconds_with_children(), time.perf_counter()
    run_id = _start_run(corpus, "bench-signals", settings)
    engine = get_engine(settings)
    try:
        with CorpusWriter(corpus) as writer:
            ingested, overlap = ingest_with_analysis(corpus, writer, [data], settings, run_id,
                                                     NULL_REPORTER, engine)
            t1 = time.perf_counter()
            summary = analyze_corpus(corpus, settings, run_id, engine=engine, writer=writer)
    finally:
        engine.close()
    out: dict[str, Any] = {"ingest_s": t1 - t0, "analyze_s": time.perf_counter() - t1,
                           "total_s": time.perf_counter() - t0, "cpu_s": cpu_seconds_with_children() - c0,
                           "main_cpu_s": (lambda r: r.ru_utime + r.ru_stime)(
                               resource.getrusage(resource.RUSAGE_SELF)),
                           "documents": ingested["documents"],
                           "beside_ingest": overlap.done if overlap else 0,
                           "after_ingest": {k: v.get("documents") for k, v in summary.items()}}
    out["rows"] = {t: corpus.count(t) for t in ANALYZERS}
    corpus.close()
    out.update(_peaks())
    out["start_rss_mb"] = round(rss0, 1)
    return out


def measure_overlap(data: Path, work: Path) -> dict[str, Any]:
    """Sequential end to end (ingest, then analyze) against the overlapped run."""
    res: dict[str, Any] = {"input_mb": data.stat().st_size / 1e6,
                           "load_before": os.getloadavg()}
    for part in ("e2e", "overlap"):
        corpus = work / f"{part}.duckdb"
        for stale in (corpus, corpus.with_name(corpus.name + ".wal")):
            stale.unlink(missing_ok=True)
        res[part] = _child(part, str(data), str(corpus))
    res["load_after"] = os.getloadavg()
    if res["e2e"]["rows"] != res["overlap"]["rows"]:
        sys.exit(f"row counts differ: {res['e2e']['rows']} {res['overlap']['rows']}")
    seq = res["e2e"]["ingest_s"] + res["e2e"]["analyze_s"]
    res["sequential_mb_s"] = round(res["input_mb"] / seq, 1)
    res["overlap_mb_s"] = round(res["input_mb"] / res["overlap"]["total_s"], 1)
    return res


# -- parent ------------------------------------------------------------------
def _child(*args: str, src: Path | None = None) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--child", *args]
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    if src is not None:  # another checkout's code (the "before" of a change), same data
        env["PYTHONPATH"] = str(src)
    proc = subprocess.run(cmd, check=True, capture_output=True, text=True, env=env)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def compare_alone(data: Path, sample: int, before_src: Path, rounds: int) -> dict[str, Any]:
    """The analyzers alone, before (``before_src``) and after (this checkout), in turns in
    one run, so that both see the same machine load; the best round of each counts."""
    after_src = ROOT / "src"
    runs: dict[str, list[dict[str, Any]]] = {"before": [], "after": []}
    for _ in range(rounds):
        for name, src in (("before", before_src), ("after", after_src)):
            runs[name].append(_child("alone", str(data), str(sample), src=src))
    out: dict[str, Any] = {"rounds": rounds, "load_after": os.getloadavg()[0]}
    for name, results in runs.items():
        best = {k: min(r[k] for r in results) for k in ("references_cpu_s", "repetitions_cpu_s")}
        mb = results[0]["mb"]
        out[name] = {"mb": mb, **best,
                     "references_mb_s": mb / best["references_cpu_s"],
                     "repetitions_mb_s": mb / best["repetitions_cpu_s"],
                     "both_mb_s": mb / (best["references_cpu_s"] + best["repetitions_cpu_s"])}
    return out


def measure(data: Path, work: Path, sample: int) -> dict[str, Any]:
    size_mb = data.stat().st_size / 1e6
    res: dict[str, Any] = {"input_mb": size_mb, "load_before": os.getloadavg()[0]}
    res["alone"] = _child("alone", str(data), str(sample))
    stage_corpus = work / "stage.duckdb"
    for stale in (stage_corpus, stage_corpus.with_name(stage_corpus.name + ".wal")):
        stale.unlink(missing_ok=True)
    res["local"] = _child("stage", str(data), str(stage_corpus), "local")
    res["processes"] = _child("stage", str(data), str(stage_corpus), "processes")
    e2e_corpus = work / "e2e.duckdb"
    for stale in (e2e_corpus, e2e_corpus.with_name(e2e_corpus.name + ".wal")):
        stale.unlink(missing_ok=True)
    res["end_to_end"] = _child("e2e", str(data), str(e2e_corpus))
    res["load_after"] = os.getloadavg()[0]
    if res["local"]["rows"] != res["processes"]["rows"] or \
            res["local"]["rows"] != res["end_to_end"]["rows"]:
        sys.exit(f"row counts differ between runs: {res['local']['rows']} "
                 f"{res['processes']['rows']} {res['end_to_end']['rows']}")
    return res


def _figures(res: dict[str, Any]) -> dict[str, str]:
    """The table's cells for one measurement (before or after)."""
    a, mb = res["alone"], res["input_mb"]
    e = res["end_to_end"]
    docs = e["documents"]
    total_s = e["ingest_s"] + e["analyze_s"]
    total_cpu = e["ingest_cpu_s"] + e["analyze_cpu_s"]
    both = a["references_cpu_s"] + a["repetitions_cpu_s"]
    return {
        "references alone, MB per CPU-second": f"{a['mb'] / a['references_cpu_s']:,.1f}",
        "repetitions alone (batches of 512), MB per CPU-second": f"{a['mb'] / a['repetitions_cpu_s']:,.1f}",
        "both alone, MB per CPU-second": f"{a['mb'] / both:,.1f}",
        "analyze stage, local engine: MB/s wall (CPU-s)":
            f"{mb / res['local']['analyze_s']:,.1f} ({res['local']['analyze_cpu_s']:,.1f} s)",
        "analyze stage, processes engine (2 workers): MB/s wall (CPU-s)":
            f"{mb / res['processes']['analyze_s']:,.1f} "
            f"({res['processes']['analyze_cpu_s']:,.1f} s)",
        "end to end: ingest, MB/s wall (CPU-s)":
            f"{mb / e['ingest_s']:,.1f} ({e['ingest_cpu_s']:,.1f} s)",
        "end to end: analyze (processes), MB/s wall (CPU-s)":
            f"{mb / e['analyze_s']:,.1f} ({e['analyze_cpu_s']:,.1f} s)",
        "**end to end: ingest + analyze, MB/s wall**": f"**{mb / total_s:,.1f}**",
        "end to end: documents/s wall": f"{docs / total_s:,.0f}",
        "end to end: wall / CPU seconds": f"{total_s:,.1f} / {total_cpu:,.1f}",
        "end to end: MB per CPU-second (load-independent)": f"{mb / total_cpu:,.1f}",
        "end to end on 2 idle cores, upper bound (2 x MB per CPU-second)":
            f"{2 * mb / total_cpu:,.1f}",
        "end to end: peak RSS main / largest worker":
            f"{e['peak_rss_mb']:,.0f} MB / {e['worker_peak_rss_mb']:,.0f} MB",
        "load average before / after": f"{res['load_before']:.1f} / {res['load_after']:.1f}",
    }


def _verdict(res: dict[str, Any]) -> str:
    """Where the end-to-end figure stands against the 20 MB/s target, and why."""
    e, a, mb = res["end_to_end"], res["alone"], res["input_mb"]
    total_cpu = e["ingest_cpu_s"] + e["analyze_cpu_s"]
    analyzers_cpu = mb * (a["references_cpu_s"] + a["repetitions_cpu_s"]) / a["mb"]
    wall = mb / (e["ingest_s"] + e["analyze_s"])
    return (
        f"Against the target of 20 MB/s end to end on 2 cores: {wall:,.1f} MB/s measured here "
        f"({'met' if wall >= 20 else 'not met'}). The work itself costs {total_cpu:,.1f} "
        f"CPU-seconds for {mb:,.1f} MB: ingest {e['ingest_cpu_s']:,.1f} s, the analyze stage "
        f"{e['analyze_cpu_s']:,.1f} s, of which the two analyzers about {analyzers_cpu:,.1f} s "
        "(the rest: reading documents from DuckDB, sending them to the workers, writing the "
        f"results). So two idle cores, both busy all the time, would reach at most "
        f"{2 * mb / total_cpu:,.1f} MB/s; the real figure is lower, since ingest keeps mostly "
        "one core busy and runs before the analysis, not beside it."
    )


def render(res: dict[str, Any], before: dict[str, Any] | None, command: str) -> str:
    after = _figures(res)
    prior = _figures(before) if before else None
    head = "| measure | before | after |\n|---|---:|---:|\n" if prior else \
        "| measure | value |\n|---|---:|\n"
    rows = "".join(f"| {k} | {prior[k]} | {v} |\n" if prior else f"| {k} | {v} |\n"
                   for k, v in after.items())
    e = res["end_to_end"]
    return (
        f"{SECTION}\n\n"
        f"Command: `{command}`  \n"
        f"Machine: {os.cpu_count()}-core Debian VM, {cpu_model()}, Python "
        f"{platform.python_version()}, shared with other jobs (load average in the table)  \n"
        f"Date: {datetime.now(UTC):%Y-%m-%d}  \n"
        f"Input: {e['documents']:,} generated JSONL articles from `bench/ingest.py`'s generator, "
        f"{res['input_mb']:,.1f} MB; analyzers alone on the first {res['alone']['docs']:,} "
        f"({res['alone']['mb']:,.1f} MB).\n\n"
        f"{head}{rows}\n"
        f"{_verdict(res)}\n\n"
        "Wall figures depend on how many other jobs share the two cores; CPU-time figures "
        "(MB per CPU-second, and CPU seconds in brackets, workers included) do not. "
        "\"before\" is the code before this work (commit f252ce7), measured the same way; "
        "both produce identical rows (`tests/test_signals_golden.py`). The workers are forked "
        "from the main process after ingest, so their peak RSS counts pages they share with it; "
        "main-process RSS is highest during ingest (see `## Ingest`).\n"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=100_000)
    ap.add_argument("--sample", type=int, default=20_000, help="texts for 'analyzers alone'")
    ap.add_argument("--workdir", type=Path, default=None)
    ap.add_argument("--save", type=Path, help="write the raw figures here (JSON)")
    ap.add_argument("--before", type=Path, help="raw figures of an earlier run, shown beside")
    ap.add_argument("--write", action="store_true", help="write the section of docs/benchmarks.md")
    ap.add_argument("--saved", type=Path, help="render figures saved earlier by --save (no run)")
    ap.add_argument("--overlap", action="store_true",
                    help="only compare ingest-then-analyze with analysis beside ingest "
                         "(as `propscope run --engine processes`); prints JSON")
    ap.add_argument("--before-src", type=Path,
                    help="only the analyzers alone, this src/ (before) against ours (after), "
                         "in turns in one run; prints JSON")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        part, *rest = args.child
        if part == "alone":
            out = part_alone(Path(rest[0]), int(rest[1]))
        elif part == "stage":
            out = part_stage(Path(rest[0]), Path(rest[1]), rest[2])
        elif part == "overlap":
            out = part_overlap(Path(rest[0]), Path(rest[1]))
        else:
            out = part_end_to_end(Path(rest[0]), Path(rest[1]))
        print(json.dumps(out, default=str))
        return
    if args.saved:
        res = json.loads(args.saved.read_text(encoding="utf-8"))
    else:
        work = args.workdir or Path(tempfile.mkdtemp(prefix="propscope-bench-signals-"))
        work.mkdir(parents=True, exist_ok=True)
        data = work / f"articles-{args.docs}.jsonl"
        if not data.exists():
            print(f"generating {args.docs} documents -> {data}", file=sys.stderr)
            _ingest_bench().generate(data, args.docs)
        if args.overlap:
            print(json.dumps(measure_overlap(data, work), indent=1, default=str))
            return
        if args.before_src:
            print(json.dumps(compare_alone(data, args.sample, args.before_src, args.rounds),
                             indent=1, default=str))
            return
        res = measure(data, work, args.sample)
    if args.save:
        args.save.write_text(json.dumps(res, indent=1, default=str), encoding="utf-8")
    before = json.loads(args.before.read_text(encoding="utf-8")) if args.before else None
    command = f".venv/bin/python bench/signals_throughput.py --docs {args.docs}" + (
        " --before BEFORE.json" if before else "") + (" --write" if args.write else "")
    text = render(res, before, command)
    print(text)
    if args.write:
        replace_section(SECTION, text)
        print(f"written to {DOC}", file=sys.stderr)


if __name__ == "__main__":
    main()
