"""Probe onnxruntime session options on the semeval2023 encoder (CPU ms per window).

Each argument is ``SPIN,THREADS,SESSIONS,BATCH``: spinning on/off (1/0),
intra-op threads (0 = all cores), how many sessions of the same file are run
in turn (the semeval2020 model holds three), windows per call. Scores the
windows of the first 6 PTC articles once per configuration after a warm-up.

    nice -n 5 python bench/techniques_ort_probe.py 1,0,1,1 0,0,1,1 0,1,1,1 0,0,1,4 0,0,1,16

Used to choose ``model.session_options`` (docs/techniques.md): prints wall and CPU
milliseconds per window; on a shared VM the CPU figure is the one to compare.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import onnxruntime as ort

from propscope.analyze.techniques import encoding
from propscope.analyze.techniques.model import load_model, model_dir

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "ptc2020" / "articles"


def main() -> None:
    texts = [f.read_text(encoding="utf-8") for f in sorted(DATA.glob("article*.txt"))[:6]]
    m = load_model("semeval2023")
    ids, mask, _ = encoding.window_batch(m.tokenizer, [encoding.encode(m.tokenizer, t) for t in texts])
    print("windows", len(ids))
    for cfg in sys.argv[1:]:
        spin, intra, n, bs = (int(x) for x in cfg.split(","))
        o = ort.SessionOptions()
        o.intra_op_num_threads, o.inter_op_num_threads = intra, 1
        o.add_session_config_entry("session.intra_op.allow_spinning", str(spin))
        sessions = [ort.InferenceSession(str(model_dir("semeval2023") / "model.int8.onnx"), o,
                                         providers=["CPUExecutionProvider"]) for _ in range(n)]

        def run(ss: list, bs: int = bs) -> tuple[float, float]:
            t0, c0 = time.perf_counter(), time.process_time()
            for s in ss:
                for i in range(0, len(ids), bs):
                    w = int(mask[i : i + bs].sum(1).max())
                    s.run(None, {"input_ids": ids[i : i + bs, :w], "attention_mask": mask[i : i + bs, :w]})
            return time.perf_counter() - t0, time.process_time() - c0

        run(sessions[:1])
        wall, cpu = run(sessions)
        k = len(ids) * n
        print(cfg, f"wall {wall / k * 1000:.1f} cpu {cpu / k * 1000:.1f} ms/window")


if __name__ == "__main__":
    main()
