"""SemEval-2020 heads over the frozen SemEval-2023 encoder: one encoder pass for both taxonomies.

The semeval2020 model normally runs two encoders of its own (plus the SemEval-2023
encoder as an SI-only member). When both taxonomies read the same documents, the
SemEval-2023 encoder's hidden states already exist; heads over those states give
SemEval-2020 outputs for almost nothing. This module fits them on the 2020
*training* articles only (the validation split stays unseen), from the int8 ONNX
states exactly as inference computes them:

* a token tagger: one logistic output per SemEval-2020 technique plus 'any
  technique' (``tag_w`` / ``tag_b``) over each token's state and the mean state of
  the tokens within ``CONTEXT`` of it (``tag_context``), for technique spans;
* a span classifier on (mean, first, last) token states (``span_w`` / ``span_b``),
  for labelling given spans (TC).

Both are L2-regularised on standardised states (the scaling folded back into the
weights) and fitted by L-BFGS (scipy), heads only: about the cost of one encoder
pass over the 255 training articles on 2 cores, then seconds. ``l2`` is fixed
beforehand (no choice is made on any scored article)::

    python -m propscope.training.sharedheads --data ../shared/data --write

``--write`` saves ``shared_heads.npz`` into the semeval2020 folder and the
``shared`` variant into its config.json (see ``variants`` in MODEL_CARD.md); tune
its thresholds with ``python -m propscope.training.calibrate --taxonomy semeval2020
--data ../shared/data --tune --variant shared``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from pathlib import Path

import numpy as np

from ..analyze.techniques import encoding, heads
from ..analyze.techniques.model import TechniqueModel, model_dir
from . import dataset
from .goldrows import gold_rows

ENCODER = "propscope-techniques-semeval2023"  # the encoder whose states the heads read
HEADS_FILE = "shared_heads.npz"
VARIANT = "shared"
L2_TAG = 100.0    # as the SI head (sihead.L2), on standardised states
L2_SPAN = 10.0    # ~5,000 gold spans against ~300,000 tokens: proportionally lighter
# The tagger also reads each token's +-8-token neighbourhood mean (heads.with_context):
# outer-fold SI +1.0, technique-aware span +0.2 at stride 254 against the token state alone.
CONTEXT = 8


def _standardise(x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    mu = x.mean(axis=0)
    sd = x.std(axis=0) + 1e-6
    return ((x - mu) / sd).astype(np.float32), mu, sd


def fit_multilabel(x: np.ndarray, y: np.ndarray, l2: float, iters: int = 300) -> tuple[np.ndarray, np.ndarray]:
    """Independent L2 logistic regressions, one per column of ``y`` (``(W (d, k), b (k,))``).

    All columns are fitted in one L-BFGS problem (their losses are separable, so
    this equals fitting each alone); the bias is not penalised.
    """
    from scipy.optimize import minimize

    z, mu, sd = _standardise(x)
    d, k = z.shape[1], y.shape[1]
    y = y.astype(np.float32)

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        w = theta[: d * k].reshape(d, k).astype(np.float32)
        b = theta[d * k :].astype(np.float32)
        logits = z @ w + b
        # log(1 + e^x) - y x, stably
        nll = float((np.logaddexp(0, logits) - y * logits).sum(dtype=np.float64))
        g = heads.sigmoid(logits) - y
        gw = (z.T @ g).astype(np.float64) + l2 * w
        gb = g.sum(axis=0, dtype=np.float64)
        return nll + 0.5 * l2 * float((w.astype(np.float64) ** 2).sum()), np.concatenate([gw.ravel(), gb])

    res = minimize(loss, np.zeros(d * k + k), jac=True, method="L-BFGS-B",
                   options={"maxiter": iters})
    w = res.x[: d * k].reshape(d, k) / sd[:, None]
    b = res.x[d * k :] - mu @ w
    return w.astype(np.float32), b.astype(np.float32)


def fit_softmax(x: np.ndarray, labels: np.ndarray, k: int, l2: float,
                iters: int = 500) -> tuple[np.ndarray, np.ndarray]:
    """L2 multinomial logistic regression (``(W (d, k), b (k,))``), on standardised features."""
    from scipy.optimize import minimize

    z, mu, sd = _standardise(x)
    d = z.shape[1]
    onehot = np.eye(k, dtype=np.float32)[labels]

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        w = theta[: d * k].reshape(d, k).astype(np.float32)
        b = theta[d * k :].astype(np.float32)
        logits = z @ w + b
        logits -= logits.max(axis=1, keepdims=True)
        logp = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
        nll = -float((onehot * logp).sum(dtype=np.float64))
        g = np.exp(logp) - onehot
        gw = (z.T @ g).astype(np.float64) + l2 * w
        return (nll + 0.5 * l2 * float((w.astype(np.float64) ** 2).sum()),
                np.concatenate([gw.ravel(), g.sum(axis=0, dtype=np.float64)]))

    res = minimize(loss, np.zeros(d * k + k), jac=True, method="L-BFGS-B", options={"maxiter": iters})
    w = res.x[: d * k].reshape(d, k) / sd[:, None]
    b = res.x[d * k :] - mu @ w
    return w.astype(np.float32), b.astype(np.float32)


def encoder_states(articles: list[dataset.Article], cache: Path | None = None) -> list[np.ndarray]:
    """The SemEval-2023 encoder's merged int8 hidden states per article (as at inference).

    ``cache``: an ``.npz`` of ``h_<article id>`` arrays, read when present and
    written otherwise (the encoder pass is the only slow step).
    """
    if cache is not None and cache.exists():
        stored = np.load(cache)
        if all(f"h_{a.doc_id}" in stored for a in articles):
            return [stored[f"h_{a.doc_id}"] for a in articles]
    encoder = TechniqueModel(model_dir(ENCODER.removeprefix("propscope-techniques-")), threads=1)
    states = [encoder.score([a.text], si=False)[0].hidden for a in articles]
    if cache is not None:
        np.savez(cache, **{f"h_{a.doc_id}": h for a, h in zip(articles, states, strict=True)})  # type: ignore[arg-type]
    return states


def fit(data_dir: Path, cache: Path | None = None, l2_tag: float = L2_TAG,
        l2_span: float = L2_SPAN, context: int = CONTEXT) -> tuple[dict[str, np.ndarray], dict]:
    """The shared heads' arrays and a training report (2020 training split only)."""
    path = model_dir("semeval2020")
    labels = json.loads((path / "config.json").read_text(encoding="utf-8"))["labels"]
    tokenizer = encoding.load_tokenizer(path / "tokenizer.json")
    train, val = dataset.load(data_dir, "semeval2020").split()
    train = sorted(train, key=lambda a: a.doc_id)
    states = encoder_states(train, cache)
    xs, ys, feats, ks = gold_rows(train, states, tokenizer, labels, context)
    tag_w, tag_b = fit_multilabel(np.vstack(xs), np.vstack(ys), l2_tag)
    span_w, span_b = fit_softmax(np.vstack(feats), np.asarray(ks), len(labels), l2_span)
    report = {"encoder": f"{ENCODER} int8 ONNX hidden states (frozen)", "n_train": len(train),
              "n_tokens": int(sum(len(y) for y in ys)), "n_spans": len(ks),
              "l2_tag": l2_tag, "l2_span": l2_span, "context": context,
              "val_ids_sha1": hashlib.sha1("\n".join(sorted(a.doc_id for a in val)).encode()).hexdigest()}
    return {"tag_w": tag_w, "tag_b": tag_b, "tag_context": np.asarray(context),
            "span_w": span_w, "span_b": span_b}, report


def variant_config(report: dict, thresholds: dict | None = None) -> dict:
    """The ``shared`` variant's overrides of the semeval2020 config.json."""
    return {
        "members": [{"model": ENCODER, "onnx": "model.int8.onnx", "heads": HEADS_FILE,
                     "tag_head": True, "training": report}],
        "tc_members": [0],
        "si_members": [{"model": ENCODER, "onnx": "model.int8.onnx", "any_column": True,
                        "head": "si_head_semeval2023.npz"}],
        "si_combine": "logit_mean",
        "calibration": False,  # calibration.json maps the ensemble's confidences, not these heads'
        **({"thresholds": thresholds} if thresholds else {}),
    }


def write(arrays: dict[str, np.ndarray], report: dict, path: Path | None = None,
          heads_file: str = HEADS_FILE) -> None:
    """Save the heads and the ``shared`` variant into the semeval2020 model folder."""
    path = path or model_dir("semeval2020")
    np.savez(path / heads_file, **arrays)  # type: ignore[arg-type]
    config_file = path / "config.json"
    config = json.loads(config_file.read_text(encoding="utf-8"))
    old = config.get("variants", {}).get(VARIANT, {})
    config.setdefault("variants", {})[VARIANT] = variant_config(report, old.get("thresholds"))
    config_file.write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data", type=Path, required=True)
    p.add_argument("--cache", type=Path, default=None, help=".npz of encoder states (read, or written)")
    p.add_argument("--context", type=int, default=CONTEXT,
                   help="tagger features: each token's state beside the mean of the tokens within N")
    p.add_argument("--write", action="store_true", help="save into the shipped semeval2020 folder")
    p.add_argument("--out", type=Path, default=None, help="instead: write the heads' .npz here only")
    a = p.parse_args(argv)
    arrays, report = fit(a.data, a.cache, context=a.context)
    if a.out is not None:
        np.savez(a.out, **arrays)  # type: ignore[arg-type]
    elif a.write:
        write(arrays, report)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
