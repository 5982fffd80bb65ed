"""Folds, recipes and the summary of fully nested cross-validation (issue 17).

``propscope eval --cv`` can only re-choose decoding thresholds inside its folds: the
shipped encoders were fine-tuned once, and their kept epoch was chosen on the articles
it scores. The protocol here retrains the encoder inside every outer fold, over *all*
labelled articles of a taxonomy, so the outer fold chooses nothing:

* outer fold of an article: :func:`propscope.evaluate.cv.fold_of` (SHA-1 of the ID), the
  same assignment ``eval --cv`` uses, so the two protocols' folds agree;
* inside outer fold ``f``, the other articles are cut again by a second, independent hash
  (:func:`inner_is_validation`): about a fifth become the inner validation set;
* every recipe (learning rate, SI channel weight) is trained on the inner training set,
  its epoch kept by the inner validation score; the recipe with the best inner score is
  kept, with the decoding thresholds chosen on the inner validation set;
* the outer fold is decoded at those thresholds and only scored.

This module has no PyTorch (the training itself is :mod:`.nested`), so its splits and
summary are tested in the ordinary test environment.
"""

from __future__ import annotations

import hashlib
import json
import statistics
from dataclasses import dataclass
from pathlib import Path

from ..evaluate.cv import fold_of
from .dataset import Article

INNER_PERCENT = 20
METRICS = ("si", "span", "tc", "paragraph")


def inner_is_validation(article_id: str) -> bool:
    """Inner validation membership: a hash independent of the outer fold's."""
    bucket = int(hashlib.sha1(f"propscope-inner:{article_id}".encode()).hexdigest()[:8], 16) % 100
    return bucket < INNER_PERCENT


@dataclass(frozen=True)
class FoldSplit:
    """One outer fold: what is trained on, what chooses, what is only scored."""

    fold: int
    inner_train: list[Article]
    inner_val: list[Article]
    outer: list[Article]

    def ids(self) -> tuple[set[str], set[str], set[str]]:
        return ({a.doc_id for a in self.inner_train}, {a.doc_id for a in self.inner_val},
                {a.doc_id for a in self.outer})


def split_fold(articles: list[Article], fold: int, k: int) -> FoldSplit:
    """The three disjoint sets of outer fold ``fold`` of ``k`` (sorted by ID: stable)."""
    if not 0 <= fold < k:
        raise ValueError(f"fold {fold} outside 0..{k - 1}")
    ordered = sorted(articles, key=lambda a: a.doc_id)
    outer = [a for a in ordered if fold_of(a.doc_id, k) == fold]
    rest = [a for a in ordered if fold_of(a.doc_id, k) != fold]
    return FoldSplit(fold, [a for a in rest if not inner_is_validation(a.doc_id)],
                     [a for a in rest if inner_is_validation(a.doc_id)], outer)


@dataclass(frozen=True)
class Recipe:
    """One training configuration the inner folds choose among."""

    lr: float
    si_weight: float = 1.0

    @property
    def name(self) -> str:
        return f"lr{self.lr:g}-si{self.si_weight:g}"


def parse_recipe(text: str) -> Recipe:
    """``lr=3e-4,si=4`` -> Recipe; unknown keys are an error, not silently ignored."""
    values: dict[str, float] = {}
    for part in text.split(","):
        key, _, value = part.partition("=")
        if key.strip() not in ("lr", "si") or not value:
            raise ValueError(f"recipe {text!r}: expected lr=<float>[,si=<float>]")
        values[key.strip()] = float(value)
    if "lr" not in values:
        raise ValueError(f"recipe {text!r}: lr is required")
    return Recipe(values["lr"], values.get("si", 1.0))


def summarise(folder: Path, taxonomy: str, k: int) -> dict:
    """Mean and population sd over the outer folds written in ``folder``.

    Missing folds are listed, never averaged over as zeros: a partial run says so.
    """
    rows, missing = [], []
    for fold in range(k):
        path = folder / f"fold{fold}-{taxonomy}.json"
        if path.exists():
            rows.append(json.loads(path.read_text()))
        else:
            missing.append(fold)
    out: dict = {"taxonomy": taxonomy, "k": k, "folds_scored": len(rows), "folds_missing": missing,
                 "chosen": {r["fold"]: r["chosen"] for r in rows}}
    for metric in METRICS:
        values = [r["outer"][metric] for r in rows if r["outer"].get(metric) is not None]
        if values:
            out[metric] = {"mean": round(statistics.fmean(values), 4),
                           "sd": round(statistics.pstdev(values), 4), "folds": [round(v, 4) for v in values]}
    return out
