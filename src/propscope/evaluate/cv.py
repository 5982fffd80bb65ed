"""Cross-validated figures for the shipped model: ``propscope eval --taxonomy T --cv K``.

What can be re-fitted on CPU is re-fitted inside the folds; what cannot is kept
out of the scored data:

* The encoders were fine-tuned once on the fixed train split; scoring any of its
  articles would be in-sample. So only the validation articles of that split
  (``propscope.training.dataset.is_validation``: 59 SemEval-2023 English, 47
  PTC-2020; never trained on) are scored.
* Those articles are cut into ``K`` outer folds by article ID (SHA-1, no random
  state). For each outer fold, the decoding thresholds (SI: threshold, seed, gap;
  technique spans: threshold, seed; paragraphs: threshold) are chosen on the other
  ``K - 1`` folds only, by the same grid search as ``calibrate.choose``, and the
  outer fold is only scored. Mean and spread (population standard deviation) over
  the outer folds are reported, and the pooled F1 of all outer-fold predictions.
* TC (labelling gold spans) has no threshold: its per-fold figures need no inner
  choice. What is *not* re-done inside the folds: the kept epoch and (semeval2020)
  which training run became member 2 were chosen on these same articles during
  training, so the figures still lean optimistic by that much.
"""

from __future__ import annotations

import hashlib
import statistics
from pathlib import Path
from typing import Any

from ..analyze.techniques import heads
from ..analyze.techniques.model import TechniqueModel, load_model
from ..evaluate.scorers import paragraph_score, si_score, span_score, tc_score
from ..training import calibrate, dataset


def fold_of(article_id: str, k: int) -> int:
    """Outer fold of an article: stable, seed-free (SHA-1 of the ID)."""
    return int(hashlib.sha1(f"propscope-cv:{article_id}".encode()).hexdigest()[:8], 16) % k


def nested_cv(taxonomy: str, data_dir: str | Path, k: int = 5,
              model: TechniqueModel | None = None) -> dict[str, Any]:
    """Outer-fold figures of the shipped model (see the module docstring)."""
    model = model or load_model(taxonomy)
    data = dataset.load(data_dir, taxonomy)
    _, val = data.split()
    val = sorted(val, key=lambda a: a.doc_id)
    docs = []
    for i in range(0, len(val), 8):
        docs += model.score([a.text for a in val[i : i + 8]])
    folds = [fold_of(a.doc_id, k) for a in val]
    per_fold: list[dict[str, float]] = []
    pooled: dict[str, list] = {"si": [], "span": [], "tc": [], "tc_gold": []}
    pooled_par: dict = {}
    for f in range(k):
        train = [i for i in range(len(val)) if folds[i] != f]
        test = [i for i in range(len(val)) if folds[i] == f]
        if not test or not train:
            continue
        c = calibrate.choose(model, [val[i] for i in train], [docs[i] for i in train])
        gold = [s for i in test for s in val[i].spans]
        si, spans, tc = [], [], []
        for i in test:
            a, d = val[i], docs[i]
            si += heads.si_spans(a.doc_id, a.text, d.enc,
                                 d.si_scores if d.si_scores is not None else d.probs,
                                 c["si"], c["si_gap"], c["si_seed"])
            spans += [s for s, _ in heads.technique_spans(a.doc_id, a.text, d.enc, d.probs,
                                                          model.labels, c["span"], c["span_seed"])]
            tc += [type(s)(s.doc_id, s.start, s.end, model.classify(d, s.start, s.end)[0])
                   for s in a.spans]
        row = {"articles": len(test), "si": si_score(si, gold).f1, "span": span_score(spans, gold).f1,
               "tc": tc_score(tc, gold).f1 if gold else float("nan")}
        if data.paragraphs:
            t = _paragraph_threshold(model, [val[i] for i in train], [docs[i] for i in train],
                                     data.paragraphs)
            pred = {}
            for i in test:
                a, d = val[i], docs[i]
                pred.update(heads.paragraph_labels(a.doc_id, a.text, d.enc, d.probs, model.labels, t))
            ids = {val[i].doc_id for i in test}
            row["paragraph"] = paragraph_score(pred, {q: v for q, v in data.paragraphs.items()
                                                      if q[0] in ids}).micro.f1
            pooled_par.update(pred)
        per_fold.append(row)
        pooled["si"] += si
        pooled["span"] += spans
        pooled["tc"] += tc
        pooled["tc_gold"] += gold
    metrics = ["si", "span", "tc"] + (["paragraph"] if data.paragraphs else [])
    out: dict[str, Any] = {"taxonomy": taxonomy, "model": model.name, "articles": len(val),
                           "folds": k, "scored_on": "validation articles of the fixed split only "
                                                    "(never trained on); thresholds chosen on the "
                                                    "other folds"}
    for m in metrics:
        vals = [r[m] for r in per_fold]
        out[m] = {"mean": round(statistics.fmean(vals), 4), "sd": round(statistics.pstdev(vals), 4),
                  "per_fold": [round(v, 4) for v in vals]}
    gold_all = pooled["tc_gold"]
    out["pooled"] = {"si": round(si_score(pooled["si"], gold_all).f1, 4),
                     "span": round(span_score(pooled["span"], gold_all).f1, 4),
                     "tc": round(tc_score(pooled["tc"], gold_all).f1, 4)}
    if data.paragraphs:
        ids = {a.doc_id for a in val}
        out["pooled"]["paragraph"] = round(paragraph_score(
            pooled_par, {q: v for q, v in data.paragraphs.items() if q[0] in ids}).micro.f1, 4)
    return out


def _paragraph_threshold(model: TechniqueModel, arts: list, docs: list, gold: dict) -> float:
    ids = {a.doc_id for a in arts}
    mine = {q: v for q, v in gold.items() if q[0] in ids}

    def f1(t: float) -> float:
        pred = {}
        for a, d in zip(arts, docs, strict=True):
            pred.update(heads.paragraph_labels(a.doc_id, a.text, d.enc, d.probs, model.labels, t))
        return paragraph_score(pred, mine).micro.f1

    return max(calibrate.GRID, key=f1)
