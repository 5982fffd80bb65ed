"""CPU cost of one technique-training step (issue 17): is training inside folds feasible here?

Times a few optimiser steps of the real recipe (MiniLM-L6 tagger, 16 windows per step) on
the SemEval-2023 training windows, and prints CPU and wall seconds per step with the steps
an epoch takes. Needs the [train] extra (torch). Usage:
``python bench/train_step_time.py [--data ../shared/data] [--steps 4]``
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import torch

from propscope.analyze.techniques import encoding, taxonomy
from propscope.training import dataset, tagger


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", type=Path, default=Path("../shared/data"))
    ap.add_argument("--steps", type=int, default=4)
    args = ap.parse_args()
    base = tagger.default_base_dir()
    labels = list(taxonomy.labels("semeval2023"))
    train_set, _ = dataset.load(args.data, "semeval2023").split()
    tok = encoding.load_tokenizer(base / "tokenizer.json")
    windows = tagger.make_windows(tok, train_set, {label: i for i, label in enumerate(labels)})
    model = tagger.build_model(base, len(labels))
    opt = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=2e-4)
    model.train()
    rows = []
    for i in range(args.steps):
        batch = tagger.collate(windows[i * 16 : (i + 1) * 16], "cpu")
        cpu0, wall0 = time.process_time(), time.perf_counter()
        logits, _ = model(batch["ids"], batch["mask"])
        loss = torch.nn.functional.binary_cross_entropy_with_logits(logits.float(), batch["labels"])
        opt.zero_grad()
        loss.backward()
        opt.step()
        rows.append({"cpu_s": round(time.process_time() - cpu0, 2), "wall_s": round(time.perf_counter() - wall0, 2)})
    print(json.dumps({"windows": len(windows), "steps_per_epoch": -(-len(windows) // 16),
                      "torch_threads": torch.get_num_threads(), "steps": rows}))


if __name__ == "__main__":
    main()
