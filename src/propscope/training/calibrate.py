"""Choose the decoding thresholds of a shipped model on the validation split.

Thresholds are picked on the int8 ONNX outputs themselves (quantisation shifts
scores a little), each to maximise its own metric: technique-aware span F1
(``span`` and its hysteresis seed ``span_seed``), SI F1 (``si``, ``si_seed``,
``si_gap``), paragraph micro-F1 (``paragraph``). They are chosen on
the validation split that the figures are then reported on, so those figures are
slightly optimistic; docs/techniques.md says so.
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path
from typing import Any

from ..analyze.techniques import heads
from ..analyze.techniques.model import TechniqueModel
from ..evaluate.scorers import paragraph_score, si_score, span_score
from . import dataset

GRID = [round(0.3 + 0.05 * i, 2) for i in range(9)]  # 0.30 ... 0.70
SI_GRID = [round(0.2 + 0.05 * i, 2) for i in range(11)]  # 0.20 ... 0.70: with a seed, extension runs lower
SI_GAPS = [4, 8, 12]  # low tokens bridged inside one SI span; longer spans raise SI precision of ensembles
SEEDS = [0.0, 0.5, 0.6, 0.7, 0.8]  # 0: no seed (plain threshold); see heads.Thresholds


def tune(model_path: Path, data_dir: Path, taxonomy: str, variant: str | None = None) -> dict[str, float]:
    """Grid-search thresholds on validation and write them into ``config.json``
    (``variant``: into that entry of its ``variants``)."""
    model = TechniqueModel(model_path, variant=variant)
    data = dataset.load(data_dir, taxonomy)
    _, val = data.split()
    docs = []
    for i in range(0, len(val), 8):
        docs += model.score([a.text for a in val[i : i + 8]])
    chosen = choose(model, val, docs)
    if data.paragraphs:
        ids = {a.doc_id for a in val}
        gold_par = {k: v for k, v in data.paragraphs.items() if k[0] in ids}

        def par_f1(t: float) -> float:
            pred = {}
            for a, d in zip(val, docs, strict=True):
                pred.update(heads.paragraph_labels(a.doc_id, a.text, d.enc, d.probs, model.labels, t))
            return paragraph_score(pred, gold_par).micro.f1

        chosen["paragraph"] = max(GRID, key=par_f1)
    config_file = model_path / "config.json"
    config = json.loads(config_file.read_text(encoding="utf-8"))
    where = config["variants"][variant] if variant else config
    where["thresholds"] = {**config.get("thresholds", {}), **where.get("thresholds", {}), **chosen}
    config_file.write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
    return where["thresholds"]


def choose(model: TechniqueModel, val: list[dataset.Article], docs: list,
           seeds: list[float] = SEEDS) -> dict[str, float]:
    """SI threshold, seed and gap, and span threshold and seed, that maximise their F1 on ``val``.

    ``docs`` are ``model.score`` outputs for ``val`` (same order). Split out of
    :func:`tune` so held-out estimates can tune on one part and score another.
    Ties go to the first in grid order, i.e. the lower threshold, no seed, shorter gap.
    ``seeds=[0.0]`` gives plain thresholding (the decoding before seeds existed).
    """
    gold = [s for a in val for s in a.spans]
    pairs = list(zip(val, docs, strict=True))

    def si_f1(t: float, gap: int, seed: float) -> float:
        return si_score([s for a, d in pairs for s in heads.si_spans(
            a.doc_id, a.text, d.enc, d.si_scores if d.si_scores is not None else d.probs, t, gap, seed)], gold).f1

    def span_f1(t: float, seed: float) -> float:
        return span_score([s for a, d in pairs for s, _ in heads.technique_spans(
            a.doc_id, a.text, d.enc, d.probs, model.labels, t, seed)], gold).f1

    si_t, si_gap, si_seed = max(((t, g, s) for t in SI_GRID for g in SI_GAPS for s in seeds if s == 0 or s > t),
                                key=lambda tgs: si_f1(*tgs))
    span_t, span_seed = max(((t, s) for t in GRID for s in seeds if s == 0 or s > t), key=lambda ts: span_f1(*ts))
    return {"si": si_t, "si_gap": si_gap, "si_seed": si_seed, "span": span_t, "span_seed": span_seed}


def cross_fit(model_path: Path, data_dir: Path, taxonomy: str, repeats: int = 10, seed: int = 7,
              seeds: list[float] = SEEDS, combine: str | None = None) -> dict:
    """Held-out estimate of the tuning: choose on one half of validation, score the other.

    Halves: alternate article IDs, then ``repeats`` random halvings. Each half is
    scored with the thresholds chosen on the other half; the two held-out halves'
    predictions are pooled and scored as one split (comparable with the full-split
    figure). The model's current thresholds play no part. ``seeds=[0.0]`` and
    ``combine`` (overriding the config's ``si_combine``) give the ablations.
    """
    model = TechniqueModel(model_path)
    if combine is not None:
        model.si_combine = combine
    _, val = dataset.load(data_dir, taxonomy).split()
    val = sorted(val, key=lambda a: a.doc_id)
    docs = []
    for i in range(0, len(val), 8):
        docs += model.score([a.text for a in val[i : i + 8]])
    halves = [[i for i in range(len(val)) if i % 2 == 0]]
    rng = random.Random(seed)
    for _ in range(repeats):
        order = list(range(len(val)))
        rng.shuffle(order)
        halves.append(sorted(order[: len(val) // 2]))
    gold = [s for a in val for s in a.spans]
    rows: list[dict[str, Any]] = []
    for half in halves:
        a_idx = set(half)
        parts = [[i for i in range(len(val)) if i in a_idx], [i for i in range(len(val)) if i not in a_idx]]
        si, spans, chosen = [], [], []
        for tune_on, score_on in (parts, parts[::-1]):
            c = choose(model, [val[i] for i in tune_on], [docs[i] for i in tune_on], seeds)
            chosen.append(c)
            for i in score_on:
                a, d = val[i], docs[i]
                si += heads.si_spans(a.doc_id, a.text, d.enc, d.si_scores if d.si_scores is not None else d.probs,
                                     c["si"], c["si_gap"], c["si_seed"])
                spans += [s for s, _ in heads.technique_spans(a.doc_id, a.text, d.enc, d.probs, model.labels,
                                                              c["span"], c["span_seed"])]
        rows.append({"si": si_score(si, gold).f1, "span": span_score(spans, gold).f1, "chosen": chosen})
    full = choose(model, val, docs, seeds)
    pred_si = [s for a, d in zip(val, docs, strict=True) for s in heads.si_spans(
        a.doc_id, a.text, d.enc, d.si_scores if d.si_scores is not None else d.probs,
        full["si"], full["si_gap"], full["si_seed"])]
    pred_span = [s for a, d in zip(val, docs, strict=True) for s, _ in heads.technique_spans(
        a.doc_id, a.text, d.enc, d.probs, model.labels, full["span"], full["span_seed"])]
    return {"taxonomy": taxonomy, "articles": len(val), "si_combine": model.si_combine,
            "full_split": {"si": round(si_score(pred_si, gold).f1, 4), "span": round(span_score(pred_span, gold).f1, 4)},
            "alternate_ids": {k: round(rows[0][k], 4) for k in ("si", "span")},
            "alternate_ids_chosen": rows[0]["chosen"],
            "random_halvings": {k: round(sum(r[k] for r in rows[1:]) / max(1, len(rows) - 1), 4)
                                for k in ("si", "span")},
            "repeats": repeats, "full_split_choice": full}


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description="Held-out (2-fold cross-fitted) estimate of the decoding tuning, "
                                            "or (--tune) the tuning itself.")
    p.add_argument("--taxonomy", required=True, choices=["semeval2020", "semeval2023"])
    p.add_argument("--data", type=Path, required=True)
    p.add_argument("--repeats", type=int, default=10)
    p.add_argument("--no-seeds", action="store_true", help="ablation: plain thresholds (no hysteresis)")
    p.add_argument("--combine", choices=heads.COMBINE, default=None,
                   help="ablation: member combination for SI instead of the config's si_combine")
    p.add_argument("--tune", action="store_true",
                   help="instead: choose the thresholds on the whole validation split and write them into "
                        "the shipped config.json (as training does after export)")
    p.add_argument("--variant", default=None, help="with --tune: the config variant to tune (e.g. shared)")
    a = p.parse_args(argv)
    from ..analyze.techniques.model import model_dir

    if a.tune:
        print(json.dumps(tune(model_dir(a.taxonomy), a.data, a.taxonomy, a.variant), indent=2))
        return
    print(json.dumps(cross_fit(model_dir(a.taxonomy), a.data, a.taxonomy, a.repeats,
                               seeds=[0.0] if a.no_seeds else SEEDS, combine=a.combine), indent=2))


if __name__ == "__main__":
    main()
