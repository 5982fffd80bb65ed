"""English paragraph labels from the ensemble of the English token model and the e5
English heads (analyze/paragraph_ensemble.py, issue 17)."""

from __future__ import annotations

import dataclasses
import json
import shutil

import numpy as np
import pytest
from click.testing import CliRunner

from propscope.analyze import multilingual
from propscope.analyze import paragraph_ensemble as pe
from propscope.analyze.techniques import heads as token_heads
from propscope.analyze.techniques.model import load_model
from propscope.cli import main
from propscope.errors import ModelError
from propscope.evaluate.formats import read_paragraphs

TEXT = ("Our glorious leaders will never betray the nation, unlike the traitors in parliament.\n"
        "\n"
        "Everyone knows the so-called experts have been wrong about everything, every single time.\n"
        "The minister met farmers on Tuesday to discuss the grain price.\n"
        "   \n"
        "If we let them win this vote, our children will have no future at all!\n")


@pytest.fixture(scope="module")
def scored():
    model = load_model("semeval2023")
    return model, model.score([TEXT], si=False)[0]


def test_shipped_ensemble_is_small_and_mixes_both_members():
    ens = pe.ensemble()
    assert 0.0 < ens.model_weight < 1.0 and 0.0 < ens.threshold < 1.0
    assert ens.heads.langs == ("en",) and ens.heads.weights.shape == (2 * multilingual.DIM + 1, 23)
    assert ens.heads.labels == multilingual.heads().labels
    assert pe.HEADS_PATH.stat().st_size < 150_000
    assert ens.name.startswith("propscope-paragraph-ensemble-en@")


def test_ensemble_is_the_stated_mean_of_its_members(scored):
    model, doc = scored
    ens = pe.ensemble()
    lines, m, h, p = pe.probabilities(TEXT, doc.enc.offsets, doc.probs, model.labels, ens)
    # every non-empty line, blank and whitespace-only lines skipped
    assert [no for no, _, _ in lines] == [1, 3, 4, 6]
    w = ens.model_weight
    assert np.allclose(p, w * m + (1 - w) * h, atol=1e-6)
    # the model member is what the token model's own paragraph labels read
    col = [model.labels.index(lab) for lab in ens.heads.labels]
    own = token_heads.paragraph_labels("d", TEXT, doc.enc, doc.probs, model.labels, 0.5)
    for (no, _, _), row in zip(lines, m, strict=True):
        assert own[("d", no)] == {ens.heads.labels[k] for k in np.flatnonzero(row >= 0.5)}
    assert np.allclose(m.max(axis=0), doc.probs[:, col].max(axis=0), atol=1e-6)
    # the heads member: e5 embeddings of the stripped lines, the document's mean, "en"
    emb = multilingual.embed([TEXT[a:b].strip() for _, a, b in lines])
    x = np.hstack([emb, np.repeat(emb.mean(axis=0, keepdims=True), len(lines), 0), np.ones((len(lines), 1))])
    assert np.allclose(h, ens.heads.probabilities(x.astype(np.float32)), atol=1e-5)
    # the members disagree somewhere, so the mix is not one of them in disguise
    assert np.abs(m - h).max() > 0.05


def test_labels_come_from_both_members(scored):
    model, doc = scored
    ens = pe.ensemble()
    _, m, h, _ = pe.probabilities(TEXT, doc.enc.offsets, doc.probs, model.labels, ens)
    labels = ens.heads.labels
    for w, member in ((1.0, m), (0.0, h)):
        alone = dataclasses.replace(ens, model_weight=w)
        got = pe.paragraph_labels("d", TEXT, doc.enc.offsets, doc.probs, model.labels, alone)
        want = [frozenset(labels[k] for k in np.flatnonzero(row >= ens.threshold)) for row in member]
        assert [got[k] for k in sorted(got)] == want
    both = pe.paragraph_labels("d", TEXT, doc.enc.offsets, doc.probs, model.labels, ens)
    assert set(both) == {("d", 1), ("d", 3), ("d", 4), ("d", 6)}
    # a label at the threshold is kept, one just under it is not
    lines, m2, h2, p = pe.probabilities(TEXT, doc.enc.offsets, doc.probs, model.labels, ens)
    i, k = np.unravel_index(int(np.argmax(p)), p.shape)
    at = dataclasses.replace(ens, threshold=float(p[i, k]))
    assert labels[k] in pe.paragraph_labels("d", TEXT, doc.enc.offsets, doc.probs, model.labels, at)[
        ("d", lines[i][0])]
    above = dataclasses.replace(ens, threshold=float(p[i, k]) + 1e-4)
    assert labels[k] not in pe.paragraph_labels("d", TEXT, doc.enc.offsets, doc.probs, model.labels, above)[
        ("d", lines[i][0])]


def test_predict_spans_paragraphs_use_the_ensemble(tmp_path, scored):
    model, doc = scored
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "article7.txt").write_text(TEXT, encoding="utf-8")
    out = tmp_path / "par.txt"
    res = CliRunner().invoke(main, ["predict-spans", str(folder), "--out", str(out), "--format",
                                    "semeval2023-paragraphs", "--json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["paragraph_model"] == pe.ensemble().name
    want = pe.paragraph_labels("7", TEXT, doc.enc.offsets, doc.probs, model.labels)
    assert read_paragraphs(out) == want


def test_a_broken_config_is_a_coded_error_naming_the_file(tmp_path):
    for name in (pe.HEADS_PATH.name, pe.CONFIG_PATH.name):
        shutil.copy(pe.FOLDER / name, tmp_path / name)
    assert pe.load(tmp_path).threshold == pe.ensemble().threshold
    config = json.loads((tmp_path / pe.CONFIG_PATH.name).read_text())
    (tmp_path / pe.CONFIG_PATH.name).write_text(json.dumps(config | {"model_weight": 1.5}))
    with pytest.raises(ModelError, match="english_ensemble.json"):
        pe.load(tmp_path)
    del config["threshold"]
    (tmp_path / pe.CONFIG_PATH.name).write_text(json.dumps(config))
    with pytest.raises(ModelError, match="english_ensemble.json"):
        pe.load(tmp_path)
