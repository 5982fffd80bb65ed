"""Choose the decoding thresholds of a shipped model on the validation split.

Thresholds are picked on the int8 ONNX outputs themselves (quantisation shifts
scores a little), each to maximise its own metric: technique-aware span F1
(``span``), SI F1 (``si``), paragraph micro-F1 (``paragraph``). They are chosen on
the validation split that the figures are then reported on, so those figures are
slightly optimistic; docs/techniques.md says so.
"""

from __future__ import annotations

import json
from pathlib import Path

from ...evaluate.scorers import paragraph_score, si_score, span_score
from . import dataset, heads
from .model import TechniqueModel

GRID = [round(0.3 + 0.05 * i, 2) for i in range(9)]  # 0.30 ... 0.70
SI_GAPS = [4, 8]  # low tokens bridged inside one SI span; longer spans raise SI precision of ensembles


def tune(model_path: Path, data_dir: Path, taxonomy: str) -> dict[str, float]:
    """Grid-search thresholds on validation and write them into ``config.json``."""
    model = TechniqueModel(model_path)
    data = dataset.load(data_dir, taxonomy)
    _, val = data.split()
    docs = []
    for i in range(0, len(val), 8):
        docs += model.score([a.text for a in val[i : i + 8]])
    gold = [s for a in val for s in a.spans]
    pairs = list(zip(val, docs, strict=True))

    def best(score_at):
        return max(GRID, key=score_at)

    def si_f1(t: float, gap: int) -> float:
        return si_score([s for a, d in pairs for s in heads.si_spans(a.doc_id, a.text, d.enc, d.probs, t, gap)],
                        gold).f1

    si_t, si_gap = max(((t, g) for t in GRID for g in SI_GAPS), key=lambda tg: si_f1(*tg))
    chosen = {
        "si": si_t, "si_gap": si_gap,
        "span": best(lambda t: span_score([s for a, d in pairs for s, _ in heads.technique_spans(
            a.doc_id, a.text, d.enc, d.probs, model.labels, t)], gold).f1),
    }
    if data.paragraphs:
        ids = {a.doc_id for a in val}
        gold_par = {k: v for k, v in data.paragraphs.items() if k[0] in ids}

        def par_f1(t: float) -> float:
            pred = {}
            for a, d in pairs:
                pred.update(heads.paragraph_labels(a.doc_id, a.text, d.enc, d.probs, model.labels, t))
            return paragraph_score(pred, gold_par).micro.f1

        chosen["paragraph"] = best(par_f1)
    config_file = model_path / "config.json"
    config = json.loads(config_file.read_text(encoding="utf-8"))
    config["thresholds"] = {**config.get("thresholds", {}), **chosen}
    config_file.write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
    return config["thresholds"]
