"""The runtime never imports training: the analyzer loads onnxruntime, tokenizers,
numpy and the heads only (issue 19, item 3)."""

from __future__ import annotations

import json
import subprocess
import sys

from click.testing import CliRunner

from propscope.cli import main

PROBE = """
import json, sys
import propscope.analyze.techniques.analyzer, propscope.analyze.techniques.predict
from propscope.analyze.techniques.model import load_model
load_model("semeval2020").score(["The corrupt elites have betrayed every family."], si=False)
print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in
      {"torch", "transformers", "safetensors", "onnx"} or m.startswith("propscope.training")
      or m == "propscope.evaluate.scorers")))
"""


def test_analyzer_and_model_import_no_training_code() -> None:
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []


def test_si_spans_refuse_scores_computed_without_si_members() -> None:
    import pytest

    from propscope.analyze.techniques.model import load_model

    model = load_model("semeval2020")
    doc = model.score(["The corrupt elites have betrayed every family."], si=False)[0]
    with pytest.raises(ValueError, match="SI-only members"):
        model.si_spans("d", doc)
    full = model.score(["The corrupt elites have betrayed every family."])[0]
    assert model.spans("d", full) == model.spans("d", doc)  # technique spans are the same


def test_train_without_the_extra_is_a_coded_error(monkeypatch) -> None:
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "torch" else real(name, *a))
    res = CliRunner().invoke(main, ["train", "--taxonomy", "semeval2023", "--data", "."])
    assert res.exit_code != 0
    assert "PS301" in res.output and "torch" in res.output and "propscope[train]" in res.output


def test_genre_head_abstains_below_its_calibrated_confidence() -> None:
    """genre_min (bench/genre_abstain.py): below a label's threshold the genre is
    'uncertain'; at or above it the label is shown; framing is unaffected."""
    import dataclasses

    import numpy as np

    from propscope.analyze.techniques import heads
    from propscope.analyze.techniques.model import load_model

    model = load_model("semeval2023")
    assert set(model.heads.genre_min) == set(model.heads.genre_labels)  # shipped calibration
    doc = model.score(["The corrupt elites have betrayed every family in this country."], si=False)[0]
    g = model.heads.genre_scores(doc.hidden)
    best, p = model.heads.genre_labels[int(g.argmax())], float(g.max())
    assert np.isclose(g.sum(), 1.0)
    strict = dataclasses.replace(model.heads, genre_min={best: p + 1e-3})
    loose = dataclasses.replace(model.heads, genre_min={best: p - 1e-3})
    row_strict = [r for r in strict.doc_labels(doc.hidden) if r[0] == "genre"]
    row_loose = [r for r in loose.doc_labels(doc.hidden) if r[0] == "genre"]
    assert row_strict == [("genre", heads.UNCERTAIN, p)]
    assert row_loose == [("genre", best, p)]
    framing = [r for r in strict.doc_labels(doc.hidden) if r[0] == "framing"]
    assert framing == [r for r in loose.doc_labels(doc.hidden) if r[0] == "framing"]
    # the shipped thresholds never show satire or reporting (no precision 0.8 held out)
    assert model.heads.genre_min["satire"] > 1.0 and model.heads.genre_min["reporting"] > 1.0


def test_configured_analyzer_pickles_to_workers_with_its_taxonomy() -> None:
    """Process and Dask workers get the analyzer bound to the run's taxonomy."""
    import pickle

    from propscope.analyze.registry import get_analyzer
    from propscope.document import Document
    from propscope.settings import Settings

    bound = get_analyzer("techniques").configure(Settings(taxonomy="semeval2020"))
    blob = pickle.dumps(bound)
    assert len(blob) < 8192  # references to module-level functions, no model inside
    again = pickle.loads(blob)
    assert again.version == bound.version == "1.5/semeval2020"
    doc = Document.create("The corrupt elites in Brussels have betrayed every hard-working "
                          "family, and only a fool would still trust their shameless lies.")
    res = again.run_batch([doc])[0]
    assert res == bound.fn(doc)
    assert res["spans"] and all(r["model"].startswith("propscope-techniques-semeval2020@")
                                for r in res["spans"])
    assert get_analyzer("techniques").configure(Settings()).version == "1.5"


def test_worker_processes_run_one_ort_thread_each() -> None:
    """2 workers on 2 cores must not start 2 ORT threads each (bench/techniques_speed.py)."""
    from concurrent.futures import ProcessPoolExecutor

    from propscope.analyze.techniques.model import default_threads

    assert default_threads() == 0  # the main process: every core
    with ProcessPoolExecutor(max_workers=1) as pool:
        assert pool.submit(default_threads).result() == 1
