"""Span decoding on hand-made token scores: hysteresis seeds, member combination, old configs.

The scores are written by hand over a text of our own, so each expected span can
be read off the arrays; the shipped tokenizer supplies the token offsets.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from propscope.analyze.techniques import heads
from propscope.analyze.techniques.encoding import decode_runs, encode, load_tokenizer
from propscope.analyze.techniques.model import TechniqueModel, model_dir
from propscope.errors import ModelError

TEXT = "Critics call the plan a shameless betrayal of workers. The vote is on Monday at noon."


@pytest.fixture(scope="module")
def enc():
    return encode(load_tokenizer(model_dir("semeval2020") / "tokenizer.json"), TEXT)


def scores(enc, runs: dict[str, float], background: float = 0.05) -> np.ndarray:
    """One score per token: ``background``, except tokens inside each phrase get its score."""
    col = np.full(len(enc.ids), background, np.float32)
    for phrase, value in runs.items():
        a = TEXT.index(phrase)
        col[(enc.offsets[:, 0] >= a) & (enc.offsets[:, 1] <= a + len(phrase))] = value
    return col


def texts(spans) -> list[str]:
    return [TEXT[s.start : s.end] for s in spans]


def test_a_seed_keeps_only_runs_with_a_confident_token(enc):
    col = scores(enc, {"shameless betrayal": 0.4, "betrayal": 0.8, "on Monday": 0.4})
    plain = heads.si_spans("d", TEXT, enc, col, 0.3)
    assert texts(plain) == ["shameless betrayal", "on Monday"]
    seeded = heads.si_spans("d", TEXT, enc, col, 0.3, seed=0.7)
    assert texts(seeded) == ["shameless betrayal"]  # extends from the seed down to 0.3
    # the same seed with a high threshold: only the seed token itself
    assert texts(heads.si_spans("d", TEXT, enc, col, 0.7, seed=0.75)) == ["betrayal"]


def test_a_seed_at_or_below_the_threshold_changes_nothing(enc):
    col = scores(enc, {"shameless": 0.6, "workers": 0.55, "Monday": 0.5})
    for t in (0.3, 0.5):
        base = decode_runs(TEXT, enc, col, t)
        assert decode_runs(TEXT, enc, col, t, seed=None) == base
        assert texts(heads.si_spans("d", TEXT, enc, col, t, seed=0.0)) == [TEXT[a:b] for a, b, _ in base]
        assert texts(heads.si_spans("d", TEXT, enc, col, t, seed=t)) == [TEXT[a:b] for a, b, _ in base]


def test_technique_spans_use_the_seed_per_technique(enc):
    probs = np.zeros((len(enc.ids), 3), np.float32)  # two techniques + 'any'
    probs[:, 0] = scores(enc, {"shameless betrayal": 0.45, "shameless": 0.9})
    probs[:, 1] = scores(enc, {"The vote is on Monday": 0.45})  # never confident
    got = heads.technique_spans("d", TEXT, enc, probs, ["A", "B"], 0.4, seed=0.6)
    assert [(s.technique, TEXT[s.start : s.end]) for s, _ in got] == [("A", "shameless betrayal")]
    both = heads.technique_spans("d", TEXT, enc, probs, ["A", "B"], 0.4)
    assert sorted(s.technique for s, _ in both) == ["A", "B"]


def test_si_spans_accept_the_full_score_matrix(enc):
    probs = np.zeros((len(enc.ids), 2), np.float32)
    probs[:, -1] = scores(enc, {"betrayal": 0.9})
    assert texts(heads.si_spans("d", TEXT, enc, probs, 0.5)) == ["betrayal"]


def test_logit_mean_lets_a_confident_member_outweigh_a_lukewarm_one():
    m1 = np.array([[0.0, 0.01], [0.0, 0.99], [0.0, 0.9]], np.float32)
    m2 = np.array([[0.0, 0.60], [0.0, 0.40], [0.0, 0.1]], np.float32)
    mean = heads.any_technique([m1, m2], "mean")
    np.testing.assert_allclose(mean, [0.305, 0.695, 0.5], atol=1e-6)
    lm = heads.any_technique([m1, m2], "logit_mean")
    # sigmoid of the mean log-odds: (-4.595 + 0.405) / 2 -> 0.110; (4.595 - 0.405) / 2 -> 0.890
    np.testing.assert_allclose(lm, [0.1095, 0.8905, 0.5], atol=1e-3)
    with pytest.raises(ValueError, match="median"):
        heads.any_technique([m1, m2], "median")


def test_thresholds_from_an_old_config_have_no_seed():
    t = heads.Thresholds(**{"span": 0.5, "si": 0.45, "si_gap": 8})
    assert t.si_seed == 0.0 and t.span_seed == 0.0


def _copy_model(tmp_path, edit) -> TechniqueModel:
    """The shipped SemEval-2020 model with ``edit`` applied to its config (files linked)."""
    src = model_dir("semeval2020")
    folder = tmp_path / "model"
    folder.mkdir()
    for f in src.iterdir():
        if f.name != "config.json":
            (folder / f.name).symlink_to(f)
    config = json.loads((src / "config.json").read_text())
    edit(config)
    (folder / "config.json").write_text(json.dumps(config))
    return TechniqueModel(folder, threads=1)


def test_si_combination_comes_from_the_config(tmp_path):
    shipped = TechniqueModel(model_dir("semeval2020"), threads=1)
    assert shipped.si_combine == "logit_mean"
    doc = shipped.score([TEXT])[0]
    assert doc.si_scores is not None and doc.si_scores.shape == (len(doc.enc.ids),)

    def old(config):  # a config written before si_combine and seeds existed
        config.pop("si_combine")
        config.pop("si_members", None)
        config["thresholds"] = {k: v for k, v in config["thresholds"].items() if not k.endswith("_seed")}

    legacy = _copy_model(tmp_path, old)
    assert legacy.si_combine == "mean" and legacy.heads.thresholds.si_seed == 0.0
    ldoc = legacy.score([TEXT])[0]
    assert ldoc.si_scores is None
    np.testing.assert_allclose(ldoc.probs, doc.probs, atol=1e-6)
    # logit_mean differs from the mean wherever members disagree
    assert not np.allclose(doc.si_scores, doc.probs[:, -1], atol=1e-3)


def test_an_unknown_combination_names_the_config(tmp_path):
    with pytest.raises(ModelError, match="config.json.*si_combine"):
        _copy_model(tmp_path, lambda c: c.update(si_combine="vote"))


def test_calibration_picks_a_seed_when_only_hysteresis_recovers_the_gold(enc):
    """Gold is one whole phrase with a confident core; a distractor run is lukewarm throughout.

    Plain thresholds either keep the distractor (low threshold) or cut the phrase to
    its core (high one); only a low threshold plus a seed gives F1 1.
    """
    from types import SimpleNamespace

    from propscope.analyze.techniques.model import DocScores
    from propscope.evaluate.formats import Span
    from propscope.training import calibrate
    from propscope.training.dataset import Article

    phrase = "shameless betrayal of workers"
    col = scores(enc, {phrase: 0.4, "betrayal": 0.9, "at noon": 0.4})  # 6 low tokens apart
    probs = np.stack([col, col], axis=1)  # one technique 'A' + the 'any' channel
    start = TEXT.index(phrase)
    art = Article("d", TEXT, [Span("d", start, start + len(phrase), "A")])
    doc = DocScores(TEXT, enc, probs, np.zeros((len(enc.ids), 6), np.float32))
    chosen = calibrate.choose(SimpleNamespace(labels=["A"]), [art], [doc])
    assert chosen["si"] < 0.4 < 0.9 >= chosen["si_seed"] > 0.4
    assert chosen["span"] < 0.4 < 0.9 >= chosen["span_seed"] > 0.4
    got = heads.si_spans("d", TEXT, enc, probs, chosen["si"], chosen["si_gap"], chosen["si_seed"])
    assert texts(got) == [phrase]
    # without seeds the best plain threshold cannot get both right
    plain = calibrate.choose(SimpleNamespace(labels=["A"]), [art], [doc], seeds=[0.0])
    assert plain["si_seed"] == 0.0
    assert texts(heads.si_spans("d", TEXT, enc, probs, plain["si"], plain["si_gap"])) != [phrase]
