"""Throughput work on the techniques analyzer (issue 17, part 4) that must not change outputs.

Both taxonomies read a document in one worker: the tokens, the language gate and the
encoder pass are computed once (``reuse.py``); the per-window means and the context
features are computed with less copying. Each must give exactly what the plain
computation gives. The ``onnx`` package (the encoder cut of the ``fast_L5`` variant)
is an optional extra: without it that variant is a coded error naming the extra.
The texts are written for these tests.
"""

from __future__ import annotations

import hashlib
import sys
import tomllib
from pathlib import Path

import numpy as np
import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from propscope.analyze import language
from propscope.analyze.techniques import analyzer, blas, encoding, heads, reuse, sessions
from propscope.analyze.techniques.model import TechniqueModel, model_dir
from propscope.document import Document
from propscope.errors import ModelError

ROOT = Path(__file__).resolve().parents[1]
TEXT = (
    "The council met on Tuesday and approved the new bus timetable after a long debate.\n\n"
    "Only a coward would vote against this heroic plan, and every true patriot knows it.\n"
    "These traitors will destroy our nation unless we stop them now, as everybody knows.\n"
)


def _doc(doc_id: str, text: str) -> Document:
    return Document(doc_id, text, hashlib.sha1(text.encode()).hexdigest())


def _rows(results: list) -> list:
    return [([(s["start"], s["end"], s["technique"], s["confidence"]) for s in r["spans"]],
             [(x["task"], x["label"], x["score"]) for x in r["doc_labels"]]) for r in results]


def test_with_context_is_the_plain_running_sum_to_the_bit():
    rng = np.random.default_rng(3)
    for n in (1, 2, 8, 9, 17, 300, 1107):
        h = rng.standard_normal((n, 384)).astype(np.float32)
        c = np.concatenate([np.zeros((1, 384)), np.cumsum(h, axis=0, dtype=np.float64)])
        lo, hi = np.maximum(np.arange(n) - 8, 0), np.minimum(np.arange(n) + 9, n)
        plain = np.hstack([h, ((c[hi] - c[lo]) / (hi - lo)[:, None]).astype(np.float32)])
        assert np.array_equal(heads.with_context(h, 8), plain), n


def test_window_means_are_scatter_mean_of_the_padded_windows_to_the_bit():
    rng = np.random.default_rng(4)
    lengths = [700, 3, 254]
    index = [(0, 0, 254), (0, 254, 508), (0, 446, 700), (1, 0, 3), (2, 0, 254)]
    widths = [e - s + 2 for _, s, e in index]  # [CLS] + tokens + [SEP], one window per call
    outs = [rng.standard_normal((1, w, 5)).astype(np.float32) for w in widths]
    padded = np.concatenate([np.pad(o, ((0, 0), (0, max(widths) - o.shape[1]), (0, 0))) for o in outs])
    means = heads.WindowMeans(lengths, 5)
    for o, row in zip(outs, index, strict=True):
        means.add(o, [row])
    for got, want in zip(means.means(), heads.scatter_mean(padded, index, lengths), strict=True):
        assert np.array_equal(got, want)


def test_both_taxonomies_tokenise_and_gate_a_document_once_with_the_same_outputs(monkeypatch):
    for cache in (reuse.ENCODED, reuse.PLANS, reuse.OUTPUTS):
        cache.clear()
    calls = {"encode": 0, "identify": 0}
    real_encode, real_identify = encoding.encode, language.identify_document

    def counting_encode(*args, **kwargs):
        calls["encode"] += 1
        return real_encode(*args, **kwargs)

    def counting_identify(doc):
        calls["identify"] += 1
        return real_identify(doc)

    monkeypatch.setattr(encoding, "encode", counting_encode)
    monkeypatch.setattr(language, "identify_document", counting_identify)
    docs = [_doc("a", TEXT), _doc("b", TEXT.replace("Tuesday", "Friday") * 3)]
    both = [analyzer.analyze_batch(docs, tax, "fast") for tax in ("semeval2023", "semeval2020")]
    assert calls == {"encode": 2, "identify": 2}  # once per document, not once per taxonomy
    assert any(r["spans"] for r in both[0]), "the test text should hold a technique span"
    for tax, reused in zip(("semeval2023", "semeval2020"), both, strict=True):
        for cache in (reuse.ENCODED, reuse.PLANS, reuse.OUTPUTS):
            cache.clear()
        assert _rows(analyzer.analyze_batch(docs, tax, "fast")) == _rows(reused)


def test_a_reused_decision_is_keyed_by_the_text_not_only_the_id():
    reuse.PLANS.clear()
    english = analyzer._plan(_doc("same", TEXT))
    german = analyzer._plan(_doc("same", "Der Rat hat am Dienstag den neuen Busfahrplan nach "
                                         "einer langen Debatte beschlossen. " * 4))
    assert english is not None and english.lang == "en"
    assert german is None or german.lang == "de"


def test_shared_tokens_are_read_only():
    reuse.ENCODED.clear()
    m = TechniqueModel(model_dir("semeval2023"), threads=1)
    enc = m.encode(TEXT)
    assert m.encode(TEXT) is enc
    with pytest.raises(ValueError):
        enc.ids[0] = 0


def test_recent_keeps_the_last_values_only():
    kept: reuse.Recent[int] = reuse.Recent(2)
    for k in range(3):
        assert kept.get(k, lambda k=k: k * 10) == k * 10
    assert len(kept) == 2
    assert kept.get(0, lambda: -1) == -1  # the oldest was dropped and is computed again
    assert kept.get(2, lambda: -2) == 20


def test_a_long_text_is_not_kept(monkeypatch):
    monkeypatch.setattr(reuse, "KEEP_CHARS", len(TEXT) - 1)
    reuse.ENCODED.clear()
    reuse.PLANS.clear()
    m = TechniqueModel(model_dir("semeval2023"), threads=1)
    assert m.encode(TEXT) is not m.encode(TEXT)  # computed each time, never held
    analyzer._plan(_doc("long", TEXT))
    assert len(reuse.ENCODED) == 0 and len(reuse.PLANS) == 0
    m.encode(TEXT[:50])
    assert len(reuse.ENCODED) == 1


def test_a_long_batch_keeps_no_encoder_outputs(monkeypatch):
    m = TechniqueModel(model_dir("semeval2023"), threads=1)
    reuse.OUTPUTS.clear()
    monkeypatch.setattr(reuse, "KEEP_CHARS", len(TEXT) + 10)
    kept = m.score([TEXT])
    assert len(reuse.OUTPUTS) >= 1  # each encoder's pass, kept for the other taxonomy
    reuse.OUTPUTS.clear()
    both = m.score([TEXT, TEXT[:20]])  # each text within the bound, the batch is not
    assert len(reuse.OUTPUTS) == 0
    assert np.array_equal(both[0].probs, kept[0].probs)  # the same scores either way


def test_the_heads_product_runs_on_one_blas_thread_and_the_count_comes_back(monkeypatch):
    x = np.random.default_rng(5).standard_normal((1107, 768)).astype(np.float32)
    w = np.random.default_rng(6).standard_normal((768, 15)).astype(np.float32)
    plain = x @ w
    fns = blas._openblas()
    if fns is None:
        pytest.skip("numpy's BLAS here is not an OpenBLAS this process can reach")
    get, _ = fns
    before = get()
    with blas.one_thread():
        assert get() == 1
        assert np.array_equal(x @ w, plain)  # same kernel, same result
    assert get() == before
    monkeypatch.setattr(blas, "_openblas", lambda: None)  # no OpenBLAS: nothing to set
    with blas.one_thread():
        assert np.array_equal(x @ w, plain)


def test_the_encoder_cut_without_onnx_is_a_coded_error_naming_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "onnx", None)  # `import onnx` now raises ImportError
    onnx_file = model_dir("semeval2023") / "model.int8.onnx"
    with pytest.raises(ModelError) as err:
        sessions.truncated(onnx_file, 5)
    assert "PS300" in str(err.value) and "propscope[cut]" in str(err.value)
    monkeypatch.setattr(sessions, "_SESSIONS", {})  # no cut session made earlier in this process
    with pytest.raises(ModelError, match=r"propscope\[cut\]"):
        TechniqueModel(model_dir("semeval2023"), threads=1, variant="fast_L5")
    TechniqueModel(model_dir("semeval2023"), threads=1, variant="fast")  # the fast mode needs no onnx


def test_onnx_is_the_cut_extra_pinned_with_ml_dtypes():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    runtime = {canonicalize_name(Requirement(r).name) for r in project["dependencies"]}
    cut = {canonicalize_name(r.name): r for r in map(Requirement, project["optional-dependencies"]["cut"])}
    assert "onnx" not in runtime and {"onnx", "ml-dtypes"} <= set(cut)
    pins = dict(line.split("==") for line in (ROOT / "constraints.txt").read_text().splitlines()
                if line and not line.startswith("#"))
    pins = {canonicalize_name(k): v for k, v in pins.items()}
    for name, req in cut.items():
        assert req.specifier.contains(pins[name]), f"{name}=={pins[name]} outside {req}"
