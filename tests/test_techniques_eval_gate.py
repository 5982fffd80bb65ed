"""Quality gate: the shipped models must keep their validation F1 on a fixed subset.

The floors and the checksum of the evaluation articles live in
``test_techniques_eval_baseline.json``; lowering a floor is an explicit edit of
that file. The data is read from ../shared/data at test time (skipped without it).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from propscope.evaluate.runner import evaluate_model
from propscope.training import dataset

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
BASELINE = json.loads(Path(__file__).with_name("test_techniques_eval_baseline.json").read_text())


def subset_digest(taxonomy: str, limit: int) -> str:
    """SHA-256 over the subset's IDs, texts and gold spans (what the floors were measured on)."""
    data = dataset.load(DATA, taxonomy)
    _, val = data.split()
    h = hashlib.sha256()
    for art in sorted(val, key=lambda a: a.doc_id)[:limit]:
        h.update(art.doc_id.encode() + b"\0" + art.text.encode())
        for s in art.spans:
            h.update(f"{s.technique}\t{s.start}\t{s.end}\n".encode())
        for key in sorted(k for k in data.paragraphs if k[0] == art.doc_id):
            h.update(f"{key[1]}\t{','.join(sorted(data.paragraphs[key]))}\n".encode())
    return h.hexdigest()


@pytest.mark.parametrize("taxonomy", sorted(BASELINE))
def test_shipped_model_keeps_its_validation_floor(taxonomy):
    if not DATA.exists():
        pytest.skip("../shared/data is not beside the checkout")
    base = BASELINE[taxonomy]
    assert subset_digest(taxonomy, base["articles"]) == base["sha256"], \
        "evaluation data changed: re-measure and update the baseline explicitly"
    got = evaluate_model(taxonomy, DATA, limit=base["articles"])
    for metric, floor in base["floors"].items():
        value = metric_value(got, metric)
        assert value >= floor, f"{taxonomy} {metric} fell to {value:.4f} (floor {floor})"


def metric_value(result: dict, metric: str) -> float:
    """``si``/``tc``/``span`` -> F1; ``paragraph`` -> micro F1; ``framing`` -> micro F1."""
    section = result[metric]
    if metric == "paragraph":
        return section["micro"]["f1"]
    return section["micro_f1"] if "micro_f1" in section else section["f1"]
