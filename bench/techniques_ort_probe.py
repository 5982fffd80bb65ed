"""Probe onnxruntime session options on the semeval2023 encoder (CPU ms per window).

Each argument is ``SPIN,THREADS,SESSIONS,BATCH[,OPT[,ARENA]]``: spinning on/off
(1/0), intra-op threads (0 = all cores), how many sessions of the same file are
run in turn (the semeval2020 model holds three), windows per call, graph
optimisation level (``basic``, ``extended``, ``all``; default ``all``) and the CPU
memory arena (1/0; default 1). Scores the windows of the first 6 PTC articles once
per configuration after a warm-up; ``--rounds N`` repeats the whole list N times,
configurations alternating, and prints the median per configuration.

    nice -n 5 python bench/techniques_ort_probe.py 1,0,1,1 0,0,1,1 0,1,1,1 0,0,1,4 0,0,1,16
    nice -n 5 python bench/techniques_ort_probe.py --rounds 3 0,1,1,1,all 0,1,1,1,extended 0,1,1,1,basic 0,1,1,1,all,0

Used to choose ``model.session_options`` (docs/techniques.md): prints wall and CPU
milliseconds per window; on a shared VM the CPU figure is the one to compare.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import onnxruntime as ort

from propscope.analyze.techniques import encoding
from propscope.analyze.techniques.model import load_model, model_dir

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "ptc2020" / "articles"


LEVELS = {"basic": ort.GraphOptimizationLevel.ORT_ENABLE_BASIC,
          "extended": ort.GraphOptimizationLevel.ORT_ENABLE_EXTENDED,
          "all": ort.GraphOptimizationLevel.ORT_ENABLE_ALL}


def main() -> None:
    args = sys.argv[1:]
    rounds = 1
    if args[:1] == ["--rounds"]:
        rounds, args = int(args[1]), args[2:]
    texts = [f.read_text(encoding="utf-8") for f in sorted(DATA.glob("article*.txt"))[:6]]
    m = load_model("semeval2023")
    ids, mask, _ = encoding.window_batch(m.tokenizer, [encoding.encode(m.tokenizer, t) for t in texts])
    print("windows", len(ids))
    sessions_of, results = {}, {}
    for cfg in args:
        parts = cfg.split(",")
        spin, intra, n, bs = (int(x) for x in parts[:4])
        level = parts[4] if len(parts) > 4 else "all"
        arena = parts[5] != "0" if len(parts) > 5 else True
        o = ort.SessionOptions()
        o.intra_op_num_threads, o.inter_op_num_threads = intra, 1
        o.graph_optimization_level = LEVELS[level]
        o.enable_cpu_mem_arena = arena
        o.add_session_config_entry("session.intra_op.allow_spinning", str(spin))
        sessions_of[cfg] = ([ort.InferenceSession(str(model_dir("semeval2023") / "model.int8.onnx"), o,
                                                  providers=["CPUExecutionProvider"]) for _ in range(n)], bs)

    def run(ss: list, bs: int) -> tuple[float, float]:
        t0, c0 = time.perf_counter(), time.process_time()
        for s in ss:
            for i in range(0, len(ids), bs):
                w = int(mask[i : i + bs].sum(1).max())
                s.run(None, {"input_ids": ids[i : i + bs, :w], "attention_mask": mask[i : i + bs, :w]})
        return time.perf_counter() - t0, time.process_time() - c0

    for ss, bs in sessions_of.values():
        run(ss[:1], bs)  # warm-up
    for _ in range(rounds):
        for cfg, (ss, bs) in sessions_of.items():
            wall, cpu = run(ss, bs)
            k = len(ids) * len(ss)
            results.setdefault(cfg, []).append((wall / k * 1000, cpu / k * 1000))
            print(cfg, f"wall {wall / k * 1000:.1f} cpu {cpu / k * 1000:.1f} ms/window", flush=True)
    if rounds > 1:
        for cfg, r in results.items():
            print("median", cfg, f"wall {statistics.median(w for w, _ in r):.1f} "
                  f"cpu {statistics.median(c for _, c in r):.1f} ms/window")


if __name__ == "__main__":
    main()
