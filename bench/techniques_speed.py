"""Technique throughput on news-length documents, before and after, in one run.

Runs the techniques analyzer (``analyze_batch``: language gate, token scores,
technique spans with raw and calibrated confidence, genre/framing labels) on the
same news articles (the first ``--docs`` PTC articles, ~4,600 characters each, the
length of a news story) for both taxonomies, through the ``processes`` engine with
``--workers`` worker processes (default 2, one per core), ``--call-docs`` documents
per worker call (default 1, as ``run`` calls the analyzer since issue 17), once with the source tree of a baseline git
revision and once with this tree, each in its own child process, alternating
``--repeats`` times. Reports documents per second (median wall time, after every
worker has loaded the model), CPU seconds per document (the workers' CPU time
inside the analyzer, summed), what that CPU time allows on ``--workers`` free cores,
and whether both trees wrote identical spans and labels (each mode of this tree
against the baseline in the same mode: the baseline runs those of ``--modes`` that
are ``techniques_mode`` values, so it must have them; a config variant has no baseline).

``--profile MODE`` times nothing: it prints where MODE's CPU goes for both taxonomies in
this process (one ORT thread, cProfile in CPU time: encoder, tokenisation, language gate,
window merge, heads, decoding, ...) and the encoder's operators (ORT's profiler). Run it
with another tree first on ``PYTHONPATH`` to profile that tree.

    nice -n 10 python bench/techniques_speed.py --baseline 545ec58 --docs 32 --repeats 1 --modes fast
    nice -n 10 python bench/techniques_speed.py --profile fast --docs 32

``--modes accurate fast`` (default) times this tree in both ``techniques_mode``
values; any other name is a variant of the models' config.json (e.g. ``fast_L4``,
candidate fast modes, timed beside the shipped ones in the same run); ``--taxonomies`` adds ``both`` (each batch through semeval2023 and then
semeval2020 in the same worker) to the two taxonomies by default.

The baseline tree is taken with ``git archive`` (models included), so the figures
compare code, not machines. The machine is a shared 2-core VM: other jobs run at
the same time, so wall times are noisy; the CPU time per document is the fair
figure. Writes the ``## Techniques speed`` section of docs/benchmarks.md (all of it, up to
the next ``## `` heading, its ``###`` subsections included) unless
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
# The modes a baseline tree is timed in (and compared in): the ``techniques_mode`` values;
# a config variant (``fast_L5``) may not exist in the baseline and has nothing to compare with.
BASELINE_MODES = ("accurate", "fast")


def _work(args: tuple[str, str, list[tuple[str, str]]]) -> tuple[list, float]:
    """In a worker: the analyzer on one batch; its outputs and the CPU seconds it took.

    Taxonomy ``both``: semeval2023, then semeval2020 on the same batch in the same
    worker (the fast mode's semeval2020 heads then read the semeval2023 pass)."""
    import hashlib

    from propscope.analyze.techniques import analyzer
    from propscope.document import Document

    tax, mode, batch = args
    docs = [Document(doc_id, text, hashlib.sha1(text.encode()).hexdigest()) for doc_id, text in batch]
    c0 = time.process_time()
    per_tax = []
    for t in (TAXONOMIES if tax == "both" else (tax,)):
        # the baseline tree's analyze_batch has no mode: call it as before in the accurate mode
        per_tax.append(analyzer.analyze_batch(docs, t) if mode == "accurate"
                       else analyzer.analyze_batch(docs, t, mode))
    cpu = time.process_time() - c0
    return [([(r["start"], r["end"], r["technique"], r["confidence"]) for res in rs for r in res["spans"]],
             [(r["task"], r["label"], r["score"]) for res in rs for r in res["doc_labels"]])
            for rs in zip(*per_tax, strict=True)], cpu


def _warm(args: tuple[str, str]) -> int:
    """In a worker: load the model and score one short text, then hold the worker a
    moment so that the other warm-up call lands on the other worker."""
    tax, mode = args
    _work((tax, mode, [("warm", "The minister said the plan would ruin the country. " * 20)]))
    time.sleep(1.0)
    return os.getpid()


def child(data: Path, taxonomy: str, docs: int, out: Path, workers: int, mode: str = "accurate",
          call_docs: int = 1) -> None:
    """Time the techniques analyzer on ``docs`` articles through the ``processes``
    engine (``workers`` worker processes, ``call_docs`` documents per call);
    write figures + outputs."""
    from propscope.engine.base import ProcessEngine

    files = sorted((data / "ptc2020" / "articles").glob("article*.txt"))[:docs]
    texts = [(f.stem, f.read_text(encoding="utf-8")) for f in files]
    engine = ProcessEngine(workers)
    try:
        pids = [engine.submit(_warm, (taxonomy, mode)) for _ in range(workers)]
        assert len({p.result() for p in pids}) == workers, "warm-up did not reach every worker"
        t0 = time.perf_counter()
        futures = [engine.submit(_work, (taxonomy, mode, texts[i : i + call_docs]))
                   for i in range(0, len(texts), call_docs)]
        done = [f.result() for f in futures]
        wall = time.perf_counter() - t0
    finally:
        engine.close()
    outputs = [o for batch, _ in done for o in batch]
    cpu = sum(c for _, c in done)
    out.write_text(json.dumps({"wall_s": wall, "cpu_s": cpu, "docs": len(texts),
                               "chars": sum(len(t) for _, t in texts), "outputs": outputs}))


def _cum(stats: dict, suffix: str, fn: str) -> float:
    """Cumulative seconds of function ``fn`` of files ending in ``suffix`` (cProfile)."""
    return sum(ct for (f, _, func), (_, _, _, ct, _) in stats.items() if f.endswith(suffix) and func == fn)


def profile(data: Path, docs: int, mode: str) -> str:
    """In this process, one ORT thread (as in a worker): where the CPU of ``mode`` goes
    for both taxonomies (cProfile), and the encoder's operators (ORT's own profiler)."""
    import collections
    import cProfile
    import hashlib
    import pstats

    import onnxruntime as ort

    from propscope.analyze.techniques import analyzer, encoding, model, sessions

    try:  # per-process reuse across taxonomies (absent in trees before it: profile those too)
        from propscope.analyze.techniques.reuse import ENCODED, OUTPUTS, PLANS
        caches = [ENCODED, OUTPUTS, PLANS]
    except ImportError:
        caches = [model._OUTPUTS]  # type: ignore[attr-defined]
    from propscope.document import Document

    model.default_threads = lambda: 1  # as in a worker process (sessions.default_threads)
    files = sorted((data / "ptc2020" / "articles").glob("article*.txt"))[:docs]
    batch = [Document(f.stem, f.read_text(encoding="utf-8"), hashlib.sha1(f.read_bytes()).hexdigest())
             for f in files]

    def work() -> None:
        for cache in caches:
            cache.clear()  # what the timed run computes, not what the one before left
        for d in batch:
            for tax in TAXONOMIES:
                analyzer.analyze_batch([d], tax, mode)

    _work(("both", mode, [("warm", "The minister said the plan would ruin the country. " * 20)]))
    c0 = time.process_time()
    work()
    plain = (time.process_time() - c0) / len(batch)
    prof = cProfile.Profile(time.process_time)  # CPU, not wall: the VM is shared
    prof.enable()
    work()
    prof.disable()
    st = pstats.Stats(prof).stats  # type: ignore[attr-defined]
    total = _cum(st, "techniques/analyzer.py", "analyze_batch")
    ort_run = _cum(st, "onnxruntime_inference_collection.py", "run")
    run, score = _cum(st, "techniques/model.py", "_run"), _cum(st, "techniques/model.py", "score")
    tok, ctx = _cum(st, "techniques/encoding.py", "encode"), _cum(st, "techniques/heads.py", "with_context")
    gate, spans = _cum(st, "techniques/analyzer.py", "_plan"), _cum(st, "techniques/model.py", "spans")
    labels = _cum(st, "techniques/model.py", "doc_labels")
    parts = [("encoder (onnxruntime run, 1 thread)", ort_run), ("tokenisation", tok),
             ("language gate (fastText, document and paragraphs)", gate),
             ("window outputs to token means (around the encoder)", run - ort_run),
             ("semeval2020 tag head: context means", ctx),
             ("rest of scoring (windows, tag head product and sigmoid, combine)", score - tok - run - ctx),
             ("span decoding", spans), ("genre/framing", labels),
             ("the analyzer's rows (snippets, explanations, calibration)", total - gate - score - spans - labels)]
    lines = [f"CPU per document, both taxonomies, without the profiler: {plain:.3f} s; with it: "
             f"{total / len(batch):.3f} s", "", "| part | CPU ms/document | share |", "|---|---|---|"]
    lines += [f"| {name} | {1000 * sec / len(batch):.1f} | {sec / total:.0%} |" for name, sec in parts]
    # The encoder's operators, from ORT's profiler, on the same windows.
    m = model.load_model("semeval2023", analyzer.variant(mode))
    opts = sessions.session_options(1)
    opts.enable_profiling = True
    opts.profile_file_prefix = str(Path(tempfile.gettempdir()) / "techniques_ort")
    sess = ort.InferenceSession(str(model.model_dir("semeval2023") / "model.int8.onnx"), opts,
                                providers=["CPUExecutionProvider"])
    for d in batch:
        ids, mask, _ = encoding.window_batch(m.tokenizer, [encoding.encode(m.tokenizer, d.text, m.stride)])
        for i in range(len(ids)):
            sess.run(None, {"input_ids": ids[i : i + 1], "attention_mask": mask[i : i + 1]})
    trace = Path(sess.end_profiling())
    ops: collections.Counter[str] = collections.Counter()
    runs = 0
    for e in json.loads(trace.read_text()):
        runs += e.get("name") == "model_run"
        if e.get("cat") == "Node" and e["name"].endswith("_kernel_time"):
            ops[e["args"]["op_name"]] += e["dur"]
    trace.unlink()
    kernels = sum(ops.values())
    lines += ["", f"Encoder operators (ORT profiler, {runs} windows, {kernels / runs / 1000:.1f} ms "
              "of kernels per window, wall):", "", "| operator | ms/window | share |", "|---|---|---|"]
    lines += [f"| {op} | {us / runs / 1000:.2f} | {us / kernels:.0%} |" for op, us in ops.most_common(10)]
    return "\n".join(lines)


def baseline_tree(rev: str, where: Path) -> Path:
    """``src/`` of ``rev`` extracted under ``where`` (git archive, models included)."""
    arch = subprocess.run(["git", "-C", str(ROOT), "archive", rev, "src"], check=True,
                          capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(where)], input=arch, check=True)
    return where / "src"


def run_child(src: Path, data: Path, taxonomy: str, docs: int, workers: int, mode: str = "accurate",
              call_docs: int = 1) -> dict:
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as fh:
        out = Path(fh.name)
    env = {**os.environ, "PYTHONPATH": f"{src}{os.pathsep}{ROOT / 'bench'}"}
    subprocess.run([sys.executable, __file__, "--child", taxonomy, "--data", str(data),
                    "--docs", str(docs), "--out", str(out), "--workers", str(workers), "--mode", mode,
                    "--call-docs", str(call_docs)],
                   check=True, env=env, cwd=ROOT)
    res = json.loads(out.read_text())
    out.unlink()
    return res


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    p.add_argument("--baseline", default=None, help="git revision to compare against, in each of --modes that it has (accurate, fast)")
    p.add_argument("--docs", type=int, default=24)
    p.add_argument("--repeats", type=int, default=2)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--modes", nargs="+", default=["accurate", "fast"],
                   help="techniques_mode values (or config variants) of this tree to time "
                        "(the baseline: those of accurate and fast among them)")
    p.add_argument("--call-docs", type=int, default=1, help="documents per worker call")
    p.add_argument("--taxonomies", nargs="+", default=[*TAXONOMIES, "both"],
                   choices=[*TAXONOMIES, "both"])
    p.add_argument("--child", default=None)
    p.add_argument("--mode", default="accurate")
    p.add_argument("--out", type=Path, default=None)
    p.add_argument("--no-write", action="store_true")
    p.add_argument("--profile", default=None, metavar="MODE",
                   help="instead of timing: where MODE's CPU goes, both taxonomies, in this process (cProfile "
                        "and ORT's profiler of the encoder); prints a table, writes nothing")
    args = p.parse_args()
    if args.profile:
        print(profile(args.data, args.docs, args.profile))
        return
    if args.child:
        child(args.data, args.child, args.docs, args.out, args.workers, args.mode, args.call_docs)
        return
    load0 = os.getloadavg()[0]
    c0 = _children_cpu()
    here = ROOT / "src"
    with tempfile.TemporaryDirectory() as tmp:
        configs: list[tuple[str, Path, str]] = []  # (code name, src, mode)
        if args.baseline:
            base_src = baseline_tree(args.baseline, Path(tmp))
            configs += [(f"baseline {args.baseline}, {mode}", base_src, mode)
                        for mode in args.modes if mode in BASELINE_MODES]
        configs += [(f"this tree, {mode}", here, mode) for mode in args.modes]
        runs: dict[tuple[str, str], list[dict]] = {}
        for _ in range(args.repeats):
            for tax in args.taxonomies:
                for name, src, mode in configs:  # alternate, so load drifts hit all
                    runs.setdefault((name, tax), []).append(
                        run_child(src, args.data, tax, args.docs, args.workers, mode, args.call_docs))
    rows, same = [], {}
    first = configs[0][0]
    for tax in args.taxonomies:
        for name, _, mode in configs:
            # each mode of this tree against the baseline in the same mode (variants: no baseline)
            ref = f"baseline {args.baseline}, {mode}"
            if name == ref or (ref, tax) not in runs:
                continue
            base = runs[(ref, tax)][0]["outputs"]
            o = runs[(name, tax)][0]["outputs"]
            spans_same = [d[0] for d in o] == [d[0] for d in base]
            labels_same = [d[1] for d in o] == [d[1] for d in base]
            same[f"{tax}, {mode}"] = (f"spans {'identical' if spans_same else 'DIFFERENT'}, "
                                      f"labels {'identical' if labels_same else 'DIFFERENT'}")
        for name, _, _ in configs:
            r = runs[(name, tax)]
            wall = statistics.median(x["wall_s"] for x in r)
            cpu = statistics.median(x["cpu_s"] for x in r)
            n = r[0]["docs"]
            walls = ", ".join(f"{x['wall_s']:.1f}" for x in r)
            rows.append(f"| {tax} | {name} | {n / wall:.2f} | {cpu / n:.3f} | "
                        f"{args.workers * n / cpu:.2f} | {walls} |")
    chars = runs[(first, args.taxonomies[0])][0]["chars"] / args.docs
    cmd = " ".join(["python bench/techniques_speed.py", *sys.argv[1:]])
    cpu_all = _children_cpu() - c0
    text = "\n".join([
        SECTION, "",
        f"`{cmd}` on {date.today().isoformat()}, {cpu_model()}, {os.cpu_count()} cores shared with "
        f"other jobs (1-minute load average {load0:.1f} at the start, {os.getloadavg()[0]:.1f} at "
        f"the end), `nice -n 10`; the whole benchmark used {cpu_all:,.0f} CPU seconds. {args.docs} PTC "
        f"news articles (mean {chars:,.0f} characters) through the techniques analyzer on the "
        f"`processes` engine with {args.workers} workers, {args.call_docs} document(s) per worker call; "
        "median of the runs. "
        "`both`: each call through semeval2023 and then semeval2020 in the same worker (in the fast "
        "mode the semeval2020 heads read the semeval2023 encoder's pass). Wall time depends on the "
        "other jobs on the VM; the CPU seconds per document (the workers' CPU inside the analyzer) "
        f"is the fair figure, and \"on {args.workers} free cores\" is {args.workers} / that.", "",
        f"| taxonomy | code, mode | documents/s (wall) | CPU s/document | documents/s on {args.workers} free cores "
        "| wall s per run |",
        "|---|---|---|---|---|---|", *rows, "",
        "Outputs of this tree against the baseline in the same mode: "
        + ("; ".join(f"{t}: {v}" for t, v in same.items()) or "not compared") + ".", ""])
    print(text)
    if not args.no_write:
        replace_section(SECTION, text, DOCS)


def _children_cpu() -> float:
    """CPU seconds of finished child processes (every run is one), user + system."""
    t = os.times()
    return t.children_user + t.children_system


if __name__ == "__main__":
    main()
