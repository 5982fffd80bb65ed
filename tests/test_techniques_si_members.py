"""SI-only members: another shipped encoder voting on SI through its own column and a fitted head.

A model folder of our own is built in tmp_path from links to the shipped files
(nothing copied), with ``si_members`` naming the SemEval-2023 model, so the test
does not depend on whether the shipped semeval2020 config uses SI members. The
text is written for this test.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from propscope.analyze.techniques import heads
from propscope.analyze.techniques.model import TechniqueModel, model_dir
from propscope.errors import ModelError
from propscope.training.sihead import fit_logistic, head_file_for

TEXT = (
    "The council met on Tuesday and approved the new bus timetable.\n\n"
    "Only a coward would vote against this heroic plan, and every true patriot knows it.\n"
    "Opponents say the budget is short by two million and want an audit first.\n"
)


def logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p.astype(np.float64), 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


def make_model(tmp_path, si_members: list[dict] | None, head: heads.SiHead | None = None) -> TechniqueModel:
    """The shipped 2020 members (linked) with the given ``si_members`` and head file."""
    src = model_dir("semeval2020")
    config = json.loads((src / "config.json").read_text())
    folder = tmp_path / "model2020"
    folder.mkdir(exist_ok=True)
    for m in config["members"]:
        for name in (m["onnx"], m["heads"]):
            if not (folder / name).exists():
                (folder / name).symlink_to(src / name)
    if not (folder / "tokenizer.json").exists():
        (folder / "tokenizer.json").symlink_to(src / "tokenizer.json")
    config.pop("si_members", None)
    if si_members is not None:
        config["si_members"] = si_members
    if head is not None:
        head.save(folder / "head.npz")
    (folder / "config.json").write_text(json.dumps(config))
    return TechniqueModel(folder, threads=1)


def test_fit_logistic_separates_a_hand_made_case_and_folds_the_scaling():
    rng = np.random.default_rng(0)
    # feature 0 decides the label; feature 1 is noise on a very different scale
    x = np.column_stack([np.r_[rng.normal(-2, 0.5, 200), rng.normal(2, 0.5, 200)], rng.normal(500, 100, 400)])
    y = np.r_[np.zeros(200), np.ones(200)]
    head = fit_logistic(x, y, l2=1.0)
    p = head(x)
    assert (p[y == 1] > 0.9).mean() > 0.95 and (p[y == 0] < 0.1).mean() > 0.95
    assert abs(head.w[0]) > 100 * abs(head.w[1])  # the raw-scale weights, standardisation folded in
    assert head(np.array([[0.0, 500.0]]))[0] == pytest.approx(0.5, abs=0.1)


def test_si_head_round_trips_through_its_file(tmp_path):
    head = heads.SiHead(np.array([0.5, -1.0, 2.0]), -0.25)
    head.save(tmp_path / "h.npz")
    back = heads.SiHead.load(tmp_path / "h.npz")
    h = np.array([[1.0, 2.0, 3.0]], np.float32)
    np.testing.assert_allclose(back(h), heads.sigmoid(np.array([0.5 - 2.0 + 6.0 - 0.25])), rtol=1e-6)


def test_extra_votes_weigh_like_members():
    a = np.array([[0.1, 0.8], [0.2, 0.2]])  # (tokens, K + 1): last column votes
    b = np.array([[0.3, 0.6], [0.4, 0.9]])
    extra = np.array([0.5, 0.1])
    got = heads.any_technique([a, b], "logit_mean", [extra])
    want = heads.sigmoid((logit(a[:, -1]) + logit(b[:, -1]) + logit(extra)) / 3)
    np.testing.assert_allclose(got, want, rtol=1e-5)
    np.testing.assert_allclose(heads.any_technique([a, b], "mean", [extra]), (a[:, -1] + b[:, -1] + extra) / 3,
                               rtol=1e-6)


@pytest.fixture(scope="module")
def plain_and_2023(tmp_path_factory):
    """Scores of the two 2020 members alone and of the 2023 model alone, for the reference."""
    base = make_model(tmp_path_factory.mktemp("plain"), None)
    other = TechniqueModel(model_dir("semeval2023"), threads=1)
    return base, base.score([TEXT])[0], other.score([TEXT])[0]


def test_si_member_votes_on_si_only(tmp_path, plain_and_2023):
    base, doc_base, doc23 = plain_and_2023
    head = heads.SiHead(np.linspace(-0.01, 0.01, doc23.hidden.shape[1]), 0.3)
    model = make_model(tmp_path, [{"model": "propscope-techniques-semeval2023", "any_column": True,
                                   "head": "head.npz"}], head)
    assert len(model.sessions) == 2 and len(model.si_members) == 1
    doc = model.score([TEXT])[0]
    # technique scores, states and TC do not see the SI member (it has 23 labels, not 14)
    np.testing.assert_allclose(doc.probs, doc_base.probs, atol=1e-6)
    a = TEXT.index("Only a coward")
    assert model.classify(doc, a, a + 13) == base.classify(doc_base, a, a + 13)
    # SI: log-odds mean of the two members' columns, the 2023 column and the head's vote
    two = logit(doc_base.si_scores) * 2  # the plain model's si_scores: logit mean of its two members
    want = heads.sigmoid((two + logit(doc23.probs[:, -1]) + logit(head(doc23.hidden))) / 4)
    np.testing.assert_allclose(doc.si_scores, want, atol=2e-4)
    assert model.si_spans("t", doc) == heads.si_spans("t", TEXT, doc.enc, want.astype(np.float32),
                                                      model.heads.thresholds.si, model.heads.thresholds.si_gap,
                                                      model.heads.thresholds.si_seed)


def test_si_member_without_head_adds_its_column_only(tmp_path, plain_and_2023):
    _, doc_base, doc23 = plain_and_2023
    model = make_model(tmp_path, [{"model": "propscope-techniques-semeval2023"}])
    doc = model.score([TEXT])[0]
    want = heads.sigmoid((logit(doc_base.si_scores) * 2 + logit(doc23.probs[:, -1])) / 3)
    np.testing.assert_allclose(doc.si_scores, want, atol=2e-4)


def test_si_member_must_exist_and_share_the_tokenizer(tmp_path):
    with pytest.raises(ModelError, match="SI member not found"):
        make_model(tmp_path, [{"model": "no-such-model"}])
    # a sibling folder wins over the shipped one of the same name: give it another tokenizer
    other = tmp_path / "propscope-techniques-semeval2023"
    other.mkdir()
    (other / "model.int8.onnx").symlink_to(model_dir("semeval2023") / "model.int8.onnx")
    (other / "tokenizer.json").write_text((model_dir("semeval2023") / "tokenizer.json").read_text() + " ")
    with pytest.raises(ModelError, match="another tokenizer"):
        make_model(tmp_path, [{"model": "propscope-techniques-semeval2023"}])


def test_a_second_encoder_of_one_taxonomy_gets_its_own_head_file():
    first = head_file_for([], "semeval2023", "propscope-techniques-semeval2023")
    assert first == "si_head_semeval2023.npz"  # the shipped name
    second = head_file_for([{"head": first}], "semeval2023", "other-2023-encoder")
    assert second == "si_head_other-2023-encoder.npz"
