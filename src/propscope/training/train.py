"""Fine-tune the technique tagger with PyTorch, then export it to int8 ONNX.

This module and its siblings here (tagger, evaluation, onnx_export) are the only ones of
propscope that import torch (the ``[train]`` extra).
It imports only numpy/tokenizers-level siblings otherwise, so it also runs on a
bare GPU machine with ``python -m propscope.training.train``.

The model: a pretrained encoder (all-MiniLM-L6-v2 by default) with

* a token head: one sigmoid per technique plus an 'any technique' channel, so
  spans of different techniques may overlap (SI uses the 'any' channel);
* a span head: softmax over techniques from (mean, first, last) token states of a
  given span (SemEval-2020 TC);
* document heads fitted afterwards on mean-pooled states: genre (softmax) and
  framing (multi-label), SemEval-2023 subtasks 1 and 2.

Word embeddings stay frozen: they are half of MiniLM's weights, fine-tuning them
on 300 articles gains nothing, and it keeps the trained delta small.

The model and its inputs are in :mod:`.tagger`, the export to ONNX in :mod:`.onnx_export`
(moved out unchanged, issue 19); this module trains, fits the document heads, and holds
the command line and the shipped-model recipes; scoring and the document heads are in
:mod:`.evaluation`. Their names are re-exported here.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import shutil
import time
from pathlib import Path

import numpy as np
import torch
from safetensors.torch import save_file
from torch import nn

from ..analyze.techniques import encoding, taxonomy
from . import dataset
from .evaluation import (
    GRID,
    evaluate_doc_heads,
    evaluate_outputs,
    fit_doc_heads,
    selection_score,
)
from .onnx_export import (
    FP32_NODES,
    MODEL_VERSION,
    QUANTIZATION,
    add_member,
    export,
    load_trained,
    model_name,
)
from .tagger import (
    FROZEN,
    DocOutput,
    TechniqueTagger,
    Window,
    build_model,
    collate,
    default_base_dir,
    head_from_model,
    make_windows,
    run_model,
    span_logits,
)

__all__ = ["ENSEMBLES", "FP32_NODES", "FROZEN", "GRID", "MODEL_VERSION", "QUANTIZATION",
           "DocOutput", "TechniqueTagger", "Window", "add_member", "build_model", "collate",
           "default_base_dir", "evaluate_doc_heads", "evaluate_outputs", "export",
           "fit_doc_heads", "head_from_model", "load_trained", "main", "make_windows",
           "model_name", "rebuild", "run_model", "selection_score", "span_logits", "train"]



def train(data_dir: Path, taxonomy_name: str, base_dir: Path, work_dir: Path, *, device: str = "cpu",
          epochs: int = 15, lr: float = 2e-4, batch_size: int = 16, seed: int = 13, patience: int = 4,
          max_articles: int | None = None, deadline: float | None = None, si_weight: float = 1.0,
          extra_2023: bool = False, split: tuple[list[dataset.Article], list[dataset.Article]] | None = None,
          exclude_ids: frozenset[str] = frozenset(), log=print) -> dict:
    """Train one taxonomy; write ``trained-<taxonomy>.safetensors`` + ``metrics-<taxonomy>.json``.

    ``si_weight`` scales the loss of the 'any technique' channel (SI decodes from
    it; with one channel among K + 1 it otherwise gets 1/(K+1) of the token loss)
    and its weight in the epoch selection. ``extra_2023`` (semeval2020 only) adds
    the SemEval-2023 English articles PTC lacks, relabelled (:mod:`.crosswalk`).
    ``split`` replaces the fixed train/validation split (nested cross-validation,
    :mod:`.nested`, passes each outer fold's inner split); extra articles whose ID is in
    ``exclude_ids`` (the outer fold) or in the validation set are left out, so no scored
    article is trained on under its other taxonomy's labels.
    """
    t0 = time.time()
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    labels = list(taxonomy.labels(taxonomy_name))
    label_index = {lab: i for i, lab in enumerate(labels)}
    data = dataset.load(data_dir, taxonomy_name)
    train_set, val_set = split if split is not None else data.split()
    if max_articles:
        train_set, val_set = train_set[:max_articles], val_set[: max(2, max_articles // 3)]
    n_extra = 0
    if extra_2023 and taxonomy_name == "semeval2020":
        from .crosswalk import extra_2020_articles

        held = exclude_ids | {a.doc_id for a in val_set}
        extra = [a for a in extra_2020_articles(data_dir) if a.doc_id not in held][: max_articles or None]
        n_extra = len(extra)
        train_set = train_set + extra
    tok = encoding.load_tokenizer(base_dir / "tokenizer.json")
    windows = make_windows(tok, train_set, label_index)
    log(f"[{taxonomy_name}] {len(train_set)} train ({n_extra} from semeval2023) / {len(val_set)} val articles, "
        f"{len(windows)} windows, device {device}")
    model = build_model(base_dir, len(labels)).to(device)
    model.encoder.embeddings.word_embeddings.weight.requires_grad_(False)
    enc_params = [p for n, p in model.named_parameters() if p.requires_grad and n.startswith("encoder.")]
    head_params = [p for n, p in model.named_parameters() if not n.startswith("encoder.")]
    opt = torch.optim.AdamW([{"params": enc_params, "lr": lr}, {"params": head_params, "lr": lr * 10}],
                            weight_decay=0.01)
    steps = epochs * math.ceil(len(windows) / batch_size)
    warmup = max(1, steps // 10)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min((s + 1) / warmup, max(0.0, (steps - s) / (steps - warmup + 1))))
    pos_weight = torch.full((len(labels) + 1,), 2.0, device=device)
    channel_w = torch.ones(len(labels) + 1, device=device)
    channel_w[-1] = si_weight
    best, best_state, history, stale = -1.0, None, [], 0
    for epoch in range(1, epochs + 1):
        model.train()
        random.shuffle(windows)
        total = 0.0
        for i in range(0, len(windows), batch_size):
            b = collate(windows[i : i + batch_size], device)
            with torch.autocast(device_type="cuda", dtype=torch.bfloat16, enabled=device.startswith("cuda")):
                logits, hidden = model(b["ids"], b["mask"])
            loss_tok = nn.functional.binary_cross_entropy_with_logits(logits.float(), b["labels"], pos_weight=pos_weight,
                                                                      reduction="none")
            loss_tok = (loss_tok * channel_w).sum(-1) / channel_w.sum()
            loss = (loss_tok * b["valid"]).sum() / b["valid"].sum()
            if len(b["spans"]):
                loss = loss + 0.5 * nn.functional.cross_entropy(span_logits(model, hidden, b["spans"]), b["spans"][:, 3])
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            total += float(loss.detach())
        outs = run_model(model, tok, val_set, device)
        metrics = evaluate_outputs(outs, head_from_model(model, labels), data.paragraphs, [0.3, 0.4, 0.5])
        score = selection_score(metrics, si_weight)
        history.append({"epoch": epoch, "loss": round(total, 3), "score": round(score, 4),
                        "si": metrics["si"]["f1"], "span": metrics["span"]["f1"], "tc": metrics["tc"]["f1"],
                        "paragraph": metrics.get("paragraph", {}).get("micro", {}).get("f1"),
                        "elapsed_s": round(time.time() - t0, 1)})
        log(json.dumps(history[-1]))
        if score > best:
            best, stale = score, 0
            best_state = {k: v.detach().cpu().clone() for k, v in model.state_dict().items()}
        else:
            stale += 1
        if stale >= patience or (deadline and time.time() > deadline):
            break
    assert best_state is not None  # set after the first epoch
    model.load_state_dict(best_state)
    outs = run_model(model, tok, val_set, device)
    head = head_from_model(model, labels)
    final = evaluate_outputs(outs, head, data.paragraphs, GRID)
    state = {k: v.half() for k, v in best_state.items() if k != FROZEN}
    doc_metrics: dict = {}
    doc_meta: dict = {}
    if taxonomy_name == "semeval2023":
        train_outs = run_model(model, tok, train_set, device)
        doc_params, doc_metrics = fit_doc_heads(train_outs, outs, device, seed)
        for key in ("genre_w", "genre_b", "framing_w", "framing_b", "doc_mean", "doc_std"):
            state[f"doc.{key}"] = torch.from_numpy(np.asarray(doc_params.pop(key), np.float32))
        doc_meta = doc_params
    work_dir.mkdir(parents=True, exist_ok=True)
    save_file(state, str(work_dir / f"trained-{taxonomy_name}.safetensors"))
    report = {"taxonomy": taxonomy_name, "labels": labels, "lr": lr, "seed": seed, "si_weight": si_weight,
              "extra_2023": n_extra,
              "epochs_run": len(history),
              "best_epoch": max(history, key=lambda h: h["score"])["epoch"], "history": history,
              "validation": {**final, **doc_metrics}, "doc_heads": doc_meta, "device": device,
              "train_seconds": round(time.time() - t0, 1), "n_train": len(train_set), "n_val": len(val_set),
              "val_ids_sha1": _ids_digest([a.doc_id for a in val_set]),
              "thresholds": {"span": final["span"]["threshold"], "si": final["si"]["threshold"],
                             "paragraph": final.get("paragraph", {}).get("threshold", 0.4),
                             "framing": doc_meta.get("framing_threshold", 0.4)}}
    (work_dir / f"metrics-{taxonomy_name}.json").write_text(json.dumps(report, indent=2))
    log(f"[{taxonomy_name}] done in {report['train_seconds']} s: {json.dumps(report['validation'])}")
    return report


def _ids_digest(ids: list[str]) -> str:
    import hashlib

    return hashlib.sha1("\n".join(sorted(ids)).encode()).hexdigest()


# --------------------------------------------------------------------------- export

def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data", type=Path, required=True)
    p.add_argument("--taxonomy", action="append", choices=taxonomy.TAXONOMIES, required=True)
    p.add_argument("--base", type=Path, default=None)
    p.add_argument("--work", type=Path, required=True)
    p.add_argument("--models-dir", type=Path, default=None, help="export int8 ONNX here after training")
    p.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    p.add_argument("--epochs", type=int, default=15)
    p.add_argument("--lr", type=float, action="append")
    p.add_argument("--batch-size", type=int, default=16)
    p.add_argument("--patience", type=int, default=4, help="epochs without improvement before stopping")
    p.add_argument("--max-articles", type=int, default=None)
    p.add_argument("--budget-s", type=float, default=None, help="stop starting new epochs after this")
    p.add_argument("--seed", type=int, default=13)
    p.add_argument("--si-weight", type=float, default=1.0,
                   help="loss and selection weight of the 'any technique' (SI) channel")
    p.add_argument("--extra-2023", action="store_true",
                   help="semeval2020: also train on the SemEval-2023 English articles PTC lacks (relabelled)")
    p.add_argument("--add-member", action="store_true",
                   help="do not train: add the model in --work to the shipped model in --models-dir as an "
                        "ensemble member, then re-tune thresholds on --data")
    p.add_argument("--tc-members", type=int, nargs="+", default=None,
                   help="with --add-member: members (0-based) whose span heads label given spans")
    a = p.parse_args(argv)
    base = a.base or default_base_dir()
    if a.add_member:
        for tax in a.taxonomy:
            add_member(base, a.work, tax, a.models_dir, a.data, a.tc_members)
        return
    share = a.budget_s / len(a.taxonomy) if a.budget_s else None
    for tax in a.taxonomy:
        start, best = time.time(), None
        for lr in a.lr or [1e-4]:
            if best is not None and share and time.time() - start > share * 0.45:
                print(f"[{tax}] skipping lr={lr}: time budget")
                continue
            trial = a.work / f"trial-{tax}-{lr}"
            deadline = start + share if share else None
            rep = train(a.data, tax, base, trial, device=a.device, epochs=a.epochs, lr=lr,
                        batch_size=a.batch_size, max_articles=a.max_articles, deadline=deadline,
                        patience=a.patience, seed=a.seed, si_weight=a.si_weight, extra_2023=a.extra_2023)
            score = selection_score(rep["validation"], a.si_weight)
            if best is None or score > best[0]:
                best = (score, trial)
        assert best is not None  # the first learning rate always runs
        for f in best[1].iterdir():
            shutil.copy(f, a.work / f.name)
        print(f"[{tax}] kept {best[1].name}")
        if a.models_dir:
            export(base, a.work, tax, a.models_dir, data_dir=a.data)


if __name__ == "__main__":
    main()


# What a shipped model adds to member 1 (which rebuild() trains from its own
# arguments): keyword arguments of train() for each further ensemble member, the
# members whose span heads label given spans (TC), and how the members' SI scores
# are combined. Kept in step with the shipped config.json, whose "members" list
# records the recipe each member was trained with.
ENSEMBLES: dict[str, dict] = {
    "semeval2020": {"members": [{"epochs": 30, "patience": 8, "lr": 3e-4, "seed": 16,
                                 "si_weight": 4.0}],
                    "tc_members": [0], "si_combine": "logit_mean",
                    # SI-only members (docs/techniques.md): model folders whose encoder's
                    # 'any technique' column and a fitted SI head vote on SI.
                    "si_members": ["propscope-techniques-semeval2023"]},
}


def rebuild(data_dir: Path, taxonomy_name: str, *, models_dir: Path, work_dir: Path, device: str | None = None,
            epochs: int = 15, lr: float = 2e-4, base_dir: Path | None = None, max_articles: int | None = None,
            ensemble: bool = True, log=print) -> dict:
    """Train one taxonomy from the data and export it as the shipped model (``propscope train``).

    With ``ensemble`` (the default), the further members the shipped model has
    (:data:`ENSEMBLES`) are trained with their recipes and added, so the result
    is the model as shipped, not only its first member. ``max_articles`` (a smoke
    test) also caps their epochs at ``epochs``.
    """
    device = device or ("cuda" if torch.cuda.is_available() else "cpu")
    base = base_dir or default_base_dir()
    t0 = time.time()
    report = train(data_dir, taxonomy_name, base, work_dir, device=device, epochs=epochs, lr=lr,
                   max_articles=max_articles, log=log)
    out = export(base, work_dir, taxonomy_name, models_dir, log=log, data_dir=None if max_articles else data_dir)
    plan = ENSEMBLES.get(taxonomy_name) if ensemble else None
    members = 1
    for recipe in (plan or {}).get("members", []):
        assert plan is not None  # members come from the plan
        members += 1
        member_dir = work_dir / f"member{members}"
        recipe = dict(recipe)
        if max_articles:
            recipe["epochs"] = min(int(recipe.get("epochs", epochs)), epochs)
        log(f"ensemble member {members}: {recipe}")
        train(data_dir, taxonomy_name, base, member_dir, device=device, max_articles=max_articles,
              log=log, **recipe)
        add_member(base, member_dir, taxonomy_name, models_dir, data_dir,
                   tc_members=plan.get("tc_members"), si_combine=plan.get("si_combine"), log=log)
    si_folders = (plan or {}).get("si_members", [])
    if si_folders and not max_articles:
        from . import sihead
        from .calibrate import tune

        for folder in si_folders:
            log(f"SI-only member {folder}: head fitted on the training split")
            sihead.fit(taxonomy_name, data_dir, add=folder, path=out)
        log(f"thresholds tuned with the SI-only members: {tune(out, data_dir, taxonomy_name)}")
    return {"taxonomy": taxonomy_name, "model_dir": str(out), "device": device, "members": members,
            "seconds": round(time.time() - t0, 1), "best_epoch": report["best_epoch"],
            "validation": report["validation"]}
