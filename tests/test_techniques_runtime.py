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
