"""The shipped SemEval-2020 model is a two-member ensemble: check how members combine.

Token scores must be the mean of the members' own scores (what SI decodes from),
and given spans (TC) must be labelled by the members listed in ``tc_members``.
The text is written for this test.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from propscope.analyze.techniques.model import TechniqueModel, model_dir

TEXT = (
    "Residents packed the hall to hear the plan.\n\n"
    "Only a fool would believe this so-called reform, a cynical gift to the greedy insiders.\n"
    "The minister insists the figures are sound, and an independent audit found no errors.\n"
)


def single_member(tmp_path, index: int) -> TechniqueModel:
    """A one-member model over member ``index`` of the shipped ensemble (files linked, not copied)."""
    src = model_dir("semeval2020")
    config = json.loads((src / "config.json").read_text())
    member = config["members"][index]
    folder = tmp_path / f"member{index}"
    folder.mkdir()
    for name in (member["onnx"], member["heads"], "tokenizer.json"):
        (folder / name).symlink_to(src / name)
    config["members"] = [member]
    config.pop("tc_members", None)
    config.pop("si_members", None)  # SI-only members are not under test here
    (folder / "config.json").write_text(json.dumps(config))
    return TechniqueModel(folder, threads=1)


@pytest.fixture(scope="module")
def ensemble():
    return TechniqueModel(model_dir("semeval2020"), threads=1)


def test_ensemble_scores_are_the_mean_of_its_members(ensemble, tmp_path):
    assert len(ensemble.sessions) == 2
    doc = ensemble.score([TEXT])[0]
    parts = [single_member(tmp_path, i).score([TEXT])[0] for i in range(2)]
    assert not np.allclose(parts[0].probs, parts[1].probs, atol=1e-3)  # two different models
    np.testing.assert_allclose(doc.probs, (parts[0].probs + parts[1].probs) / 2, atol=1e-6)
    assert doc.member_hidden is not None and len(doc.member_hidden) == 2
    np.testing.assert_allclose(doc.hidden, parts[0].hidden, atol=1e-6)


def test_given_spans_are_labelled_by_the_tc_members_only(ensemble, tmp_path):
    assert ensemble.config["tc_members"] == [0]
    first = single_member(tmp_path, 0)
    doc, doc0 = ensemble.score([TEXT])[0], first.score([TEXT])[0]
    start = TEXT.index("Only a fool")
    for a, b in [(start, start + 11), (TEXT.index("cynical"), TEXT.index("insiders") + 8)]:
        assert ensemble.classify(doc, a, b) == first.classify(doc0, a, b)


def test_si_spans_of_the_ensemble_lie_inside_the_text(ensemble):
    doc = ensemble.score([TEXT])[0]
    spans = ensemble.si_spans("t1", doc)
    assert ensemble.heads.thresholds.si_gap >= 4
    assert all(0 <= s.start < s.end <= len(TEXT) and TEXT[s.start:s.end].strip() for s in spans)
