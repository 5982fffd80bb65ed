"""Scale benchmark: the main job on 10k / 100k / 1M generated documents, on every engine.

For each size and engine it runs the real CLI (``propscope run`` with the fast
analyzers, then the technique model on a sample with ``propscope analyze
--limit``) as a subprocess on a fresh corpus, and samples the whole process tree
with psutil twice a second. It records wall time, documents/s, the time of each
stage (from the plain progress lines the CLI prints when stderr is not a
terminal), and the peak resident memory of every process (the CLI process, pool
or Dask workers, the Dask scheduler). Results go to ``bench/_data/scale-results.jsonl``
(one line per measurement, appended as each run completes) and, with
``--write-docs``, to the ``## Scale`` section of ``docs/benchmarks.md``.

    python bench/scale.py --sizes 10000 100000 1000000 --engines local processes dask --write-docs

Generated inputs are cached in ``bench/_data`` (gitignored); corpora go to a
temporary folder and are deleted after each run unless ``--keep``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psutil

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from benchdoc import cpu_model  # noqa: E402
from synthetic import Spec, write_corpus  # noqa: E402

DATA = HERE / "_data"
RESULTS = DATA / "scale-results.jsonl"
DOCS = ROOT / "docs" / "benchmarks.md"
SECTION = "## Scale"
CLI = [sys.executable, "-c", "import sys; from propscope.cli import main; sys.exit(main())"]
FAST = ["references", "repetitions"]
GB = 1024 ** 3
CORES = os.cpu_count() or 1
# "HH:MM:SS <stage>: done 1234/1234 docs 567.8 docs/s 12.3s"
LINE = re.compile(r"^\d\d:\d\d:\d\d (?P<stage>.+?): done (?P<done>\d+)(?:/\d+)? (?P<unit>\S+) "
                  r"\S+ \S+/s (?P<secs>[\d.]+)s")


class TreeSampler(threading.Thread):
    """Peak RSS of every process in a tree (sampled), by role."""

    def __init__(self, pid: int, interval_s: float = 0.5) -> None:
        super().__init__(daemon=True)
        self.root = psutil.Process(pid)
        self.interval_s = interval_s
        self.peaks: dict[int, tuple[str, int]] = {}
        self.cpu: dict[int, tuple[str, float]] = {}  # last seen user+system seconds
        self.peak_total = 0
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.is_set():
            try:
                procs = [self.root, *self.root.children(recursive=True)]
            except psutil.NoSuchProcess:
                return
            total = 0
            for p in procs:
                try:
                    rss = p.memory_info().rss
                    role = self.peaks.get(p.pid, (None, 0))[0] or _role(p, self.root)
                    t = p.cpu_times()
                    self.cpu[p.pid] = (role, t.user + t.system)
                except psutil.Error:
                    continue
                total += rss
                if rss > self.peaks.get(p.pid, ("", 0))[1]:
                    self.peaks[p.pid] = (role, rss)
            self.peak_total = max(self.peak_total, total)
            self._halt.wait(self.interval_s)

    def stop(self) -> None:
        self._halt.set()
        self.join()

    def by_role(self) -> dict[str, float]:
        """Largest peak (GB) per role: cli, worker, scheduler/other."""
        out: dict[str, float] = defaultdict(float)
        for role, rss in self.peaks.values():
            out[role] = max(out[role], rss / GB)
        return {k: round(v, 2) for k, v in sorted(out.items())}

    def cpu_by_role(self) -> dict[str, float]:
        """CPU seconds (user + system) per role, summed over processes."""
        out: dict[str, float] = defaultdict(float)
        for role, secs in self.cpu.values():
            out[role] += secs
        return {k: round(v, 1) for k, v in sorted(out.items())}


def _role(p: psutil.Process, root: psutil.Process) -> str:
    if p.pid == root.pid:
        return "cli"
    cmd = " ".join(p.cmdline())
    if "resource_tracker" in cmd or "semaphore_tracker" in cmd:
        return "helper"
    return "worker"


def run_measured(cmd: list[str], env: dict[str, str] | None = None) -> dict[str, Any]:
    started = time.perf_counter()
    load_before = os.getloadavg()[0]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=env)
    sampler = TreeSampler(proc.pid)
    sampler.start()
    out, err = proc.communicate()
    wall = time.perf_counter() - started
    sampler.stop()
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd[3:])} failed ({proc.returncode}):\n{err[-4000:]}")
    stages = {}
    for line in err.splitlines():
        m = LINE.match(line.strip())
        if m:
            stages[m["stage"]] = {"seconds": float(m["secs"]), m["unit"]: int(m["done"])}
    return {"wall_s": round(wall, 2), "stages": stages,
            "peak_gb_by_role": sampler.by_role(),
            "peak_gb_max_process": round(max((r for _, r in sampler.peaks.values()),
                                             default=0) / GB, 2),
            "peak_gb_tree": round(sampler.peak_total / GB, 2), "stderr_tail": err[-1500:],
            "cpu_s_by_role": sampler.cpu_by_role(),
            "load_avg": [round(load_before, 1), round(os.getloadavg()[0], 1)]}


def inputs_for(n: int) -> list[Path]:
    folder = DATA / f"synthetic-{n}"
    done = folder / ".complete"
    if not done.exists():
        shutil.rmtree(folder, ignore_errors=True)
        write_corpus(Spec(documents=n), folder)
        done.write_text("ok")
    return sorted(folder.glob("part-*.jsonl"))


def bench_one(n: int, engine: str, workers: int, sample: int, keep: bool) -> dict[str, Any]:
    paths = inputs_for(n)
    work = Path(tempfile.mkdtemp(prefix=f"scale-{n}-{engine}-", dir=os.environ.get("TMPDIR")))
    corpus = work / "corpus.duckdb"
    config = work / "settings.toml"
    config.write_text(f"analyzers = {json.dumps(FAST)}\n")
    common = ["--corpus", str(corpus), "--config", str(config), "--engine", engine]
    if engine != "local":
        common += ["--workers", str(workers)]
    try:
        main = run_measured(CLI + ["run", *map(str, paths), *common])
        model: dict[str, Any] | None = None
        if sample:
            model = run_measured(CLI + ["analyze", "--analyzer", "techniques", "--limit",
                                        str(sample), *common])
        totals = _totals(corpus)
        corpus_bytes = corpus.stat().st_size
        size_mb = sum(p.stat().st_size for p in paths) / 1e6
    finally:
        if not keep:
            shutil.rmtree(work, ignore_errors=True)
    docs = totals.get("documents", 0)
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"), "generated": n, "cores": CORES,
        "commit": _commit(),
        "engine": engine, "workers": 1 if engine == "local" else workers,
        "input_mb": round(size_mb, 1), "documents": docs, "totals": totals,
        "wall_s": main["wall_s"], "docs_per_s": round(docs / main["wall_s"], 1),
        "stages": main["stages"], "peak_gb_by_role": main["peak_gb_by_role"],
        "peak_gb_max_process": main["peak_gb_max_process"], "peak_gb_tree": main["peak_gb_tree"],
        "cpu_s_by_role": main["cpu_s_by_role"], "load_avg": main["load_avg"],
        "corpus_gb": round(corpus_bytes / GB, 2),
        "techniques_sample": None if model is None else {
            "documents": sample, "wall_s": model["wall_s"], "stages": model["stages"],
            "peak_gb_max_process": model["peak_gb_max_process"],
            "status_tail": model["stderr_tail"][-300:]},
    }


def _commit() -> str:
    """The code measured: short commit, with ``+dirty`` when the tree had local edits
    (several engineers share this working tree, so that is often the case)."""
    try:
        rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                             capture_output=True, text=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no", "src"],
                               cwd=ROOT, capture_output=True, text=True).stdout.strip()
    except OSError:
        return "unknown"
    return rev + ("+dirty" if dirty else "")


def _totals(corpus: Path) -> dict[str, int]:
    from propscope.corpus import open_corpus
    from propscope.pipeline import corpus_totals

    with open_corpus(corpus, read_only=True) as c:
        return corpus_totals(c)


# -- docs/benchmarks.md -------------------------------------------------------------
def machine() -> str:
    model = cpu_model()
    mem = psutil.virtual_memory().total / GB
    return f"{os.cpu_count()}-core Debian VM ({model}), {mem:.0f} GB RAM, Python {platform.python_version()}"


def load_results() -> list[dict[str, Any]]:
    if not RESULTS.exists():
        return []
    latest: dict[tuple[int, str], dict[str, Any]] = {}
    for line in RESULTS.read_text().splitlines():
        if line.strip():
            r = json.loads(line)
            latest[(r["generated"], r["engine"])] = r
    order = {"local": 0, "processes": 1, "dask": 2}
    return [latest[k] for k in sorted(latest, key=lambda k: (k[0], order.get(k[1], 9)))]


def render(results: list[dict[str, Any]]) -> str:
    def stage_s(r: dict[str, Any], prefix: str) -> str:
        secs = sum(v["seconds"] for k, v in r["stages"].items() if k.startswith(prefix))
        return f"{secs:.0f}" if secs else "–"

    lines = [SECTION, "",
             "Written by `bench/scale.py` (the main job — ingest, signals, text reuse, "
             "coordination — through the real CLI on a fresh corpus; then the technique model "
             "on a sample with `propscope analyze --analyzer techniques --limit N`). Inputs are "
             "generated by `bench/synthetic.py` (JSONL shards of 50,000 lines; ~1.2 KB per "
             "document; 5% reused passages, 2% stuffed phrases, 1% exact duplicates, 2% "
             "coordinated link pushes, 0.1% broken lines).", "",
             f"Machine: {machine()}. The machine may be shared with other jobs: the load "
             "average before and after each run is in the table (2 cores: above 2, the run "
             "competed for the CPU and its wall time stretched); CPU seconds and memory are "
             "far less affected.", "",
             "Commands:", "", "```",
             "python bench/scale.py --sizes 10000 100000 1000000 --engines local processes dask "
             "--write-docs",
             "python bench/scale.py --docs-only --write-docs   # this section, from bench/_data/scale-results.jsonl",
             "```", "",
             "| documents | engine | wall s | docs/s | ingest s | analyze s | link s | "
             "peak GB (largest process) | peak GB (whole tree) | CPU s (CLI / workers) | "
             "corpus GB | load avg | cores busy | speed-up vs local | ceiling | commit | date |",
             "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|"]
    local = {r["generated"]: r["wall_s"] for r in results if r["engine"] == "local"}
    for r in results:
        speedup = ceiling = "–"
        if r["generated"] in local and r["engine"] != "local":
            speedup = f"{local[r['generated']] / r['wall_s']:.2f}×"
            cpu = _total_cpu(r)
            if cpu:
                ceiling = f"{local[r['generated']] / (cpu / r.get('cores', CORES)):.2f}×"
        lines.append(
            f"| {r['documents']:,} | {r['engine']} | {r['wall_s']:.0f} | {r['docs_per_s']:,.0f} | "
            f"{stage_s(r, 'ingest')} | {stage_s(r, 'analyze')} | {stage_s(r, 'link')} | "
            f"{r['peak_gb_max_process']:.2f} | {r['peak_gb_tree']:.2f} | {_cpu(r)} | "
            f"{r.get('corpus_gb', '–')} | {_load(r)} | {_busy(r)} | {speedup} | {ceiling} | "
            f"{r.get('commit') or '–'} | {r['date']} |")
    samples = [r for r in results if r.get("techniques_sample")]
    if samples:
        lines += ["", "Technique model on a sample (same corpora):", "",
                  "| corpus documents | engine | sample | wall s (incl. start-up) | "
                  "model stage s | docs/s | peak GB |",
                  "|---:|---|---:|---:|---:|---:|---:|"]
        for r in samples:
            t = r["techniques_sample"]
            stage = t["stages"].get("analyze: techniques", {})
            secs = stage.get("seconds")
            if secs is None:  # e.g. the model was being rebuilt when this ran
                lines.append(f"| {r['documents']:,} | {r['engine']} | {t['documents']} | "
                             "not computed (no model installed at the time) | – | – | – |")
                continue
            rate = f"{stage.get('docs', 0) / secs:.1f}" if secs else "–"
            lines.append(f"| {r['documents']:,} | {r['engine']} | {t['documents']} | "
                         f"{t['wall_s']:.0f} | {secs} | {rate} | {t['peak_gb_max_process']:.2f} |")
    lines += ["", growth(results), "",
              "Reading the figures: *peak GB* is the largest resident set of any one process "
              "(for `processes`, forked workers also count pages they share with the CLI "
              "process, so their figure is an over-estimate); *CPU s* is user + system time of "
              "the CLI process (which also runs DuckDB's own threads) and of all workers "
              "together; *load avg* is the machine's 1-minute load before → after the run "
              "(2 cores: anything above 2 means the run was competing for the CPU, and wall "
              "times stretch accordingly); *cores busy* is all CPU seconds over wall time; "
              "*ceiling* is the speed-up over `local` that the engine would reach if its CPU "
              "seconds were spread perfectly over all cores (local wall ÷ (engine CPU s ÷ "
              "cores)): a parallel engine cannot beat it without doing less work than "
              "`local`; *commit* is the code measured (`+dirty`: the tree "
              "had uncommitted edits under `src/` at that moment).", ""]
    return "\n".join(lines)


def _total_cpu(r: dict[str, Any]) -> float | None:
    cpu = r.get("cpu_s_by_role")
    return sum(cpu.values()) if cpu else None


def _busy(r: dict[str, Any]) -> str:
    """Average cores in use: CPU seconds of the whole process tree over wall time."""
    cpu = _total_cpu(r)
    return f"{cpu / r['wall_s']:.2f}" if cpu and r["wall_s"] else "–"


def _cpu(r: dict[str, Any]) -> str:
    cpu = r.get("cpu_s_by_role")
    if not cpu:
        return "–"
    return f"{cpu.get('cli', 0):.0f} / {cpu.get('worker', 0):.0f}"


def _load(r: dict[str, Any]) -> str:
    load = r.get("load_avg")
    return f"{load[0]:.1f}→{load[1]:.1f}" if load else "–"


def growth(results: list[dict[str, Any]]) -> str:
    """How cost grows: the exponent b in time ~ n^b between successive sizes, per engine."""
    import math

    parts = []
    for engine in ("local", "processes", "dask"):
        rs = sorted((r for r in results if r["engine"] == engine), key=lambda r: r["documents"])
        steps = []
        for a, b in zip(rs, rs[1:], strict=False):
            if not a["documents"] or b["documents"] <= a["documents"]:
                continue
            span = math.log(b["documents"] / a["documents"])
            text = f"{a['documents']:,}→{b['documents']:,}: wall n^{math.log(b['wall_s'] / a['wall_s']) / span:.2f}"
            ca, cb = _total_cpu(a), _total_cpu(b)
            if ca and cb:
                text += f", CPU n^{math.log(cb / ca) / span:.2f}"
            steps.append(text)
        if steps:
            parts.append(f"{engine}: " + ", ".join(steps))
    if not parts:
        return ""
    return ("How cost grows (exponent b of cost ∝ n^b between sizes; 1.00 is linear; CPU "
            "seconds are far less sensitive to the machine's load than wall time): "
            + "; ".join(parts) + ".")


def write_docs(results: list[dict[str, Any]]) -> None:
    text = DOCS.read_text() if DOCS.exists() else "# Benchmarks\n"
    section = render(results)
    pattern = re.compile(rf"^{re.escape(SECTION)}\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(text):
        text = pattern.sub(lambda _: section + "\n", text)
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    DOCS.write_text(text)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--engines", nargs="+", default=["local", "processes", "dask"])
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--techniques-sample", type=int, default=200,
                    help="documents for the technique-model sample (0: skip)")
    ap.add_argument("--keep", action="store_true", help="keep the corpora (in $TMPDIR)")
    ap.add_argument("--write-docs", action="store_true")
    ap.add_argument("--docs-only", action="store_true", help="rewrite docs from saved results")
    args = ap.parse_args()
    DATA.mkdir(parents=True, exist_ok=True)
    if not args.docs_only:
        for n in args.sizes:
            for engine in args.engines:
                print(f"[scale] {n} documents on {engine} ...", flush=True)
                result = bench_one(n, engine, args.workers, args.techniques_sample, args.keep)
                with RESULTS.open("a") as fh:
                    fh.write(json.dumps(result) + "\n")
                print(f"[scale] {n} {engine}: {result['wall_s']} s, {result['docs_per_s']} docs/s, "
                      f"peak {result['peak_gb_max_process']} GB", flush=True)
                if args.write_docs:
                    write_docs(load_results())
    if args.write_docs or args.docs_only:
        write_docs(load_results())


if __name__ == "__main__":
    main()
