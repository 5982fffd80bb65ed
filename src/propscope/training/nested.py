"""Fully nested cross-validation of the technique tagger: train inside every outer fold.

The protocol (folds, recipes, summary) is :mod:`.nested_folds`; this module runs one
outer fold with PyTorch: each recipe is trained on the inner training set with its epoch
kept by the inner validation score (:func:`.train.train` with ``split=``), the best recipe
by inner score is kept with its inner-chosen thresholds, and the outer fold is decoded at
those thresholds and only scored. Folds are independent processes, so a machine with
one accelerator runs all of them at once (``bench/nested_train.sh``).

Usage::

    python -m propscope.training.nested --data ../shared/data --taxonomy semeval2020 \\
        --work W --fold 0 [--recipe lr=2e-4 --recipe lr=3e-4,si=4] [--epochs 15]
    python -m propscope.training.nested --taxonomy semeval2020 --work W --summary
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import torch

from ..analyze.techniques import encoding
from . import dataset
from .evaluation import GRID, evaluate_outputs, selection_score
from .nested_folds import Recipe, parse_recipe, split_fold, summarise
from .onnx_export import load_trained
from .tagger import default_base_dir, head_from_model, run_model
from .train import train

DEFAULT_RECIPES = ("lr=2e-4", "lr=3e-4,si=4")


def run_fold(data_dir: Path, taxonomy: str, fold: int, k: int, recipes: list[Recipe], work: Path, *,
             base_dir: Path, device: str, epochs: int, patience: int, seed: int,
             max_articles: int | None = None, budget_s: float | None = None,
             extra_2023: bool = False, log=print) -> dict:
    """Train every recipe inside outer fold ``fold``, keep one, score the fold; write its JSON."""
    t0 = time.time()
    data = dataset.load(data_dir, taxonomy)
    split = split_fold(data.articles, fold, k)
    inner_train, inner_val, outer = split.inner_train, split.inner_val, split.outer
    if max_articles:  # a smoke run: the same protocol on a few articles
        small = max(2, max_articles // 3)
        inner_train, inner_val, outer = inner_train[:max_articles], inner_val[:small], outer[:small]
    outer_ids = frozenset(a.doc_id for a in split.outer)
    tried = []
    for recipe in recipes:
        folder = work / f"fold{fold}-{taxonomy}" / recipe.name
        deadline = time.time() + budget_s if budget_s else None
        report = train(data_dir, taxonomy, base_dir, folder, device=device, epochs=epochs, lr=recipe.lr,
                       si_weight=recipe.si_weight, seed=seed, patience=patience, deadline=deadline,
                       extra_2023=extra_2023, split=(inner_train, inner_val), exclude_ids=outer_ids, log=log)
        # Recipes are compared at one SI weight, so a recipe cannot win by weighting SI more.
        tried.append({"recipe": recipe.name, "folder": str(folder), "best_epoch": report["best_epoch"],
                      "inner_score": round(selection_score(report["validation"]), 4),
                      "thresholds": report["thresholds"]})
    chosen = max(tried, key=lambda t: t["inner_score"])
    model, report, _ = load_trained(base_dir, Path(chosen["folder"]), taxonomy)
    model.to(device)
    tok = encoding.load_tokenizer(base_dir / "tokenizer.json")
    outputs = run_model(model, tok, outer, device)
    th = chosen["thresholds"]
    metrics = evaluate_outputs(outputs, head_from_model(model, report["labels"]), data.paragraphs, GRID,
                               fixed={"si": th["si"], "span": th["span"], "paragraph": th["paragraph"]})
    result = {"taxonomy": taxonomy, "fold": fold, "k": k, "device": device,
              "articles": {"inner_train": len(inner_train), "inner_val": len(inner_val), "outer": len(outer)},
              "smoke": bool(max_articles), "recipes": tried, "chosen": chosen["recipe"],
              "outer": {"si": metrics["si"]["f1"], "span": metrics["span"]["f1"], "tc": metrics["tc"]["f1"],
                        "paragraph": metrics.get("paragraph", {}).get("micro", {}).get("f1")},
              "seconds": round(time.time() - t0, 1)}
    work.mkdir(parents=True, exist_ok=True)
    (work / f"fold{fold}-{taxonomy}.json").write_text(json.dumps(result, indent=2))
    log(json.dumps({"fold": fold, "chosen": result["chosen"], "outer": result["outer"]}))
    return result


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="python -m propscope.training.nested", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", type=Path, default=Path("../shared/data"))
    p.add_argument("--taxonomy", required=True, choices=("semeval2020", "semeval2023"))
    p.add_argument("--work", type=Path, required=True)
    p.add_argument("--fold", type=int, action="append", help="outer fold(s) to run (default: all)")
    p.add_argument("--k", type=int, default=5)
    p.add_argument("--recipe", action="append", help="lr=<float>[,si=<float>]; repeat to let the inner folds choose")
    p.add_argument("--epochs", type=int, default=15)
    p.add_argument("--patience", type=int, default=4)
    p.add_argument("--seed", type=int, default=13)
    p.add_argument("--max-articles", type=int, default=None, help="smoke run on a few articles")
    p.add_argument("--budget-s", type=float, default=None, help="per training: no new epoch after this")
    p.add_argument("--extra-2023", action="store_true", help="semeval2020: add relabelled SemEval-2023 articles")
    p.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    p.add_argument("--summary", action="store_true", help="print the outer-fold mean and sd of --work")
    args = p.parse_args(argv)
    if args.summary:
        print(json.dumps(summarise(args.work, args.taxonomy, args.k), indent=2))
        return
    recipes = [parse_recipe(r) for r in (args.recipe or DEFAULT_RECIPES)]
    for fold in args.fold if args.fold is not None else range(args.k):
        run_fold(args.data, args.taxonomy, fold, args.k, recipes, args.work, base_dir=default_base_dir(),
                 device=args.device, epochs=args.epochs, patience=args.patience, seed=args.seed,
                 max_articles=args.max_articles, budget_s=args.budget_s, extra_2023=args.extra_2023)


if __name__ == "__main__":
    main()
