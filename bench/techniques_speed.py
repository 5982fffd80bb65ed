"""Technique throughput on news-length documents, before and after, in one run.

Runs the techniques analyzer (``analyze_batch``: language gate, token scores,
technique spans with raw and calibrated confidence, genre/framing labels) on the
same news articles (the first ``--docs`` PTC articles, ~4,600 characters each, the
length of a news story) for both taxonomies, through the ``processes`` engine with
``--workers`` worker processes (default 2, one per core) in batches of 8 documents
(the analyzer's ``BATCH_DOCS``), once with the source tree of a baseline git
revision and once with this tree, each in its own child process, alternating
``--repeats`` times. Reports documents per second (median wall time, after every
worker has loaded the model), CPU seconds per document (the workers' CPU time
inside the analyzer, summed), what that CPU time allows on ``--workers`` free cores,
and whether both trees wrote identical spans and labels.

    nice -n 5 python bench/techniques_speed.py --baseline 9a8ba87 --docs 32 --repeats 1

The baseline tree is taken with ``git archive`` (models included), so the figures
compare code, not machines. The machine is a shared 2-core VM: other jobs run at
the same time, so wall times are noisy; the CPU time per document is the fair
figure. Writes the ``## Techniques speed`` section of docs/benchmarks.md unless
``--no-write``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from benchdoc import cpu_model, replace_section  # bench/ is on sys.path when run as a script

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs" / "benchmarks.md"
SECTION = "## Techniques speed"
TAXONOMIES = ("semeval2023", "semeval2020")


def _work(args: tuple[str, list[tuple[str, str]]]) -> tuple[list, float]:
    """In a worker: the analyzer on one batch; its outputs and the CPU seconds it took."""
    import hashlib

    from propscope.analyze.techniques import analyzer
    from propscope.document import Document

    tax, batch = args
    docs = [Document(doc_id, text, hashlib.sha1(text.encode()).hexdigest()) for doc_id, text in batch]
    c0 = time.process_time()
    results = analyzer.analyze_batch(docs, tax)
    cpu = time.process_time() - c0
    return [([(r["start"], r["end"], r["technique"], r["confidence"]) for r in res["spans"]],
             [(r["task"], r["label"], r["score"]) for r in res["doc_labels"]])
            for res in results], cpu


def _warm(tax: str) -> int:
    """In a worker: load the model and score one short text, then hold the worker a
    moment so that the other warm-up call lands on the other worker."""
    _work((tax, [("warm", "The minister said the plan would ruin the country. " * 20)]))
    time.sleep(1.0)
    return os.getpid()


def child(data: Path, taxonomy: str, docs: int, out: Path, workers: int) -> None:
    """Time the techniques analyzer on ``docs`` articles through the ``processes``
    engine (``workers`` worker processes, the analyzer's batches of 8 documents);
    write figures + outputs."""
    from propscope.engine.base import ProcessEngine

    files = sorted((data / "ptc2020" / "articles").glob("article*.txt"))[:docs]
    texts = [(f.stem, f.read_text(encoding="utf-8")) for f in files]
    engine = ProcessEngine(workers)
    try:
        pids = [engine.submit(_warm, taxonomy) for _ in range(workers)]
        assert len({p.result() for p in pids}) == workers, "warm-up did not reach every worker"
        t0 = time.perf_counter()
        futures = [engine.submit(_work, (taxonomy, texts[i : i + 8])) for i in range(0, len(texts), 8)]
        done = [f.result() for f in futures]
        wall = time.perf_counter() - t0
    finally:
        engine.close()
    outputs = [o for batch, _ in done for o in batch]
    cpu = sum(c for _, c in done)
    out.write_text(json.dumps({"wall_s": wall, "cpu_s": cpu, "docs": len(texts),
                               "chars": sum(len(t) for _, t in texts), "outputs": outputs}))


def baseline_tree(rev: str, where: Path) -> Path:
    """``src/`` of ``rev`` extracted under ``where`` (git archive, models included)."""
    arch = subprocess.run(["git", "-C", str(ROOT), "archive", rev, "src"], check=True,
                          capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(where)], input=arch, check=True)
    return where / "src"


def run_child(src: Path, data: Path, taxonomy: str, docs: int, workers: int) -> dict:
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as fh:
        out = Path(fh.name)
    env = {**os.environ, "PYTHONPATH": f"{src}{os.pathsep}{ROOT / 'bench'}"}
    subprocess.run([sys.executable, __file__, "--child", taxonomy, "--data", str(data),
                    "--docs", str(docs), "--out", str(out), "--workers", str(workers)],
                   check=True, env=env, cwd=ROOT)
    res = json.loads(out.read_text())
    out.unlink()
    return res


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    p.add_argument("--baseline", default=None, help="git revision to compare against")
    p.add_argument("--docs", type=int, default=24)
    p.add_argument("--repeats", type=int, default=2)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--child", default=None)
    p.add_argument("--out", type=Path, default=None)
    p.add_argument("--no-write", action="store_true")
    args = p.parse_args()
    if args.child:
        child(args.data, args.child, args.docs, args.out, args.workers)
        return
    load0 = os.getloadavg()[0]
    trees = {"this tree": ROOT / "src"}
    with tempfile.TemporaryDirectory() as tmp:
        if args.baseline:
            trees = {f"baseline {args.baseline}": baseline_tree(args.baseline, Path(tmp)), **trees}
        runs: dict[tuple[str, str], list[dict]] = {}
        for _ in range(args.repeats):
            for tax in TAXONOMIES:
                for name, src in trees.items():  # alternate, so load drifts hit both
                    runs.setdefault((name, tax), []).append(run_child(src, args.data, tax, args.docs, args.workers))
    rows, same = [], {}
    for tax in TAXONOMIES:
        outs = [runs[(name, tax)][0]["outputs"] for name in trees]
        spans_same = all([d[0] for d in o] == [d[0] for d in outs[0]] for o in outs)
        # Labels: the genre head abstains since analyzer 1.2 ('uncertain' below its
        # calibrated confidence): count those rows apart, everything else must match.
        changed = abstained = 0
        for o in outs[1:]:
            for (_, mine), (_, base) in zip(o, outs[0], strict=True):
                for a, b in zip(mine, base, strict=True):
                    if a != b:
                        if a[0] == "genre" and a[1] == "uncertain" and a[2] == b[2]:
                            abstained += 1
                        else:
                            changed += 1
        same[tax] = (f"spans {'identical' if spans_same else 'DIFFERENT'}, labels "
                     + ("identical" if not changed else f"{changed} DIFFERENT")
                     + (f" except {abstained} genre(s) now 'uncertain' (abstention)" if abstained else ""))
        for name in trees:
            r = runs[(name, tax)]
            wall = statistics.median(x["wall_s"] for x in r)
            cpu = statistics.median(x["cpu_s"] for x in r)
            n = r[0]["docs"]
            walls = ", ".join(f"{x['wall_s']:.1f}" for x in r)
            rows.append(f"| {tax} | {name} | {n / wall:.2f} | {cpu / n:.3f} | "
                        f"{args.workers * n / cpu:.2f} | {walls} |")
    chars = runs[(next(iter(trees)), TAXONOMIES[0])][0]["chars"] / args.docs
    cmd = " ".join(["python bench/techniques_speed.py", *sys.argv[1:]])
    text = "\n".join([
        SECTION, "",
        f"`{cmd}` on {date.today().isoformat()}, {cpu_model()}, {os.cpu_count()} cores shared with "
        f"other jobs (1-minute load average {load0:.1f} at the start, {os.getloadavg()[0]:.1f} at "
        f"the end), `nice -n 5`. {args.docs} PTC news articles (mean {chars:,.0f} characters) "
        f"through the techniques analyzer on the `processes` engine with {args.workers} workers, "
        "batches of 8 documents; median of the runs. Wall time depends on the other jobs on the "
        "VM; the CPU seconds per document (the workers' CPU inside the analyzer) is the fair "
        f"figure, and \"on {args.workers} free cores\" is {args.workers} / that.", "",
        f"| taxonomy | code | documents/s (wall) | CPU s/document | documents/s on {args.workers} free cores "
        "| wall s per run |",
        "|---|---|---|---|---|---|", *rows, "",
        "Outputs, this tree against the first: "
        + "; ".join(f"{t}: {same[t]}" for t in TAXONOMIES) + ".", ""])
    print(text)
    if not args.no_write:
        replace_section(SECTION, text, DOCS)


if __name__ == "__main__":
    main()
