"""The candidate fast mode's shallower encoder (config variant ``fast_L5``, not the shipped
``fast`` mode): the shipped int8 encoder cut after a few layers in memory.

The cut must compute exactly what the full encoder computes at that depth (same
nodes, same int8 weights), must not need a second model file, and a document's
fast-mode outputs must not depend on which other documents share its call. The
texts are written for these tests.
"""

from __future__ import annotations

import json

import numpy as np
import onnx
import onnxruntime as ort
import pytest

from propscope.analyze.techniques import encoding, reuse
from propscope.analyze.techniques import model as model_mod
from propscope.analyze.techniques.model import LAYER_OUTPUT, TechniqueModel, model_dir, truncated
from propscope.errors import ModelError

TEXT = (
    "The council met on Tuesday and approved the new bus timetable.\n\n"
    "Only a coward would vote against this heroic plan, and every true patriot knows it.\n"
    "These traitors will destroy our nation unless we stop them now, as everybody knows.\n"
)
OTHER = ("Rain is expected on Friday. The festival moves indoors, the organisers said, "
         "and tickets stay valid.\n") * 3


def _fast_layers() -> int:
    config = json.loads((model_dir("semeval2023") / "config.json").read_text())
    return int(config["variants"]["fast_L5"]["members"][0]["layers"])


def _feed(tok, text: str) -> dict[str, np.ndarray]:
    enc = encoding.encode(tok, text)
    ids, mask, _ = encoding.window_batch(tok, [enc])
    return {"input_ids": ids, "attention_mask": mask}


@pytest.mark.parametrize("layers", [1, 4])
def test_the_cut_encoder_gives_the_full_encoders_states_at_that_depth(layers):
    path = model_dir("semeval2023") / "model.int8.onnx"
    full = onnx.load(str(path))
    name = LAYER_OUTPUT.format(layers - 1)
    full.graph.output.append(onnx.helper.make_tensor_value_info(name, onnx.TensorProto.FLOAT, None))
    opts = model_mod.session_options(1)
    whole = ort.InferenceSession(full.SerializeToString(), opts, providers=["CPUExecutionProvider"])
    cut = ort.InferenceSession(truncated(path, layers), opts, providers=["CPUExecutionProvider"])
    assert [o.name for o in cut.get_outputs()] == [name]
    feed = _feed(TechniqueModel(model_dir("semeval2023"), threads=1).tokenizer, TEXT)
    expected = whole.run([name], feed)[0]
    got = cut.run(None, feed)[0]
    assert got.shape == expected.shape and got.shape[-1] == 384
    assert np.allclose(got, expected, atol=1e-5)
    # and not the last layer's states: the cut is real
    assert not np.allclose(got, whole.run(["hidden"], feed)[0], atol=1e-2)


def test_a_cut_deeper_than_the_encoder_is_a_coded_error():
    with pytest.raises(ModelError, match="cannot cut the encoder after 9"):
        truncated(model_dir("semeval2023") / "model.int8.onnx", 9)


def test_a_truncated_member_without_a_tag_head_is_refused(tmp_path):
    src = model_dir("semeval2023")
    for f in src.iterdir():
        if f.name != "config.json":
            (tmp_path / f.name).symlink_to(f)
    config = json.loads((src / "config.json").read_text())
    config["members"] = [{"onnx": "model.int8.onnx", "heads": "heads.npz", "layers": 4}]
    (tmp_path / "config.json").write_text(json.dumps(config))
    with pytest.raises(ModelError, match="needs a tag head"):
        TechniqueModel(tmp_path, threads=1)


def test_fast_mode_reads_one_shallow_pass_for_both_taxonomies():
    k = _fast_layers()
    assert 1 <= k < 6
    m23 = TechniqueModel(model_dir("semeval2023"), threads=1, variant="fast_L5")
    m20 = TechniqueModel(model_dir("semeval2020"), threads=1, variant="fast_L5")
    assert m23.sessions[0] is m20.sessions[0]  # one cut encoder, one session, one pass
    assert [o.name for o in m23.sessions[0].get_outputs()] == [LAYER_OUTPUT.format(k - 1)]
    for m in (m23, m20):  # the heads files the variant names are shipped, and no model file
        member = m.config["members"][0]
        assert (model_dir(m.config["taxonomy"]) / member["heads"]).exists()
        assert member["model"] == "propscope-techniques-semeval2023" and "onnx" in member
    d23 = m23.score([TEXT], si=False)[0]
    assert d23.probs.shape == (len(d23.enc.ids), len(m23.labels) + 1)
    assert m23.doc_labels(d23)[0][0] == "genre"
    assert all(s.technique in m20.labels for s, _ in m20.spans("d", m20.score([TEXT], si=False)[0]))


def test_fast_outputs_of_a_document_do_not_depend_on_its_neighbours():
    for tax in ("semeval2023", "semeval2020"):
        m = TechniqueModel(model_dir(tax), threads=1, variant="fast_L5")
        reuse.OUTPUTS.clear()
        alone = m.score([TEXT], si=False)[0]
        reuse.OUTPUTS.clear()
        together = m.score([OTHER, TEXT], si=False)[1]
        assert np.array_equal(alone.probs, together.probs)
        assert m.spans("d", alone) == m.spans("d", together)
        assert m.doc_labels(alone) == m.doc_labels(together)


def test_grid_windows_read_every_token_once_at_a_full_stride():
    assert encoding.make_windows(600, 254, 254, anchor_end=False) == [(0, 254), (254, 508), (508, 600)]
    assert encoding.make_windows(600, 254, 254) == [(0, 254), (254, 508), (346, 600)]
    assert encoding.make_windows(100, 254, 254, anchor_end=False) == [(0, 100)]
