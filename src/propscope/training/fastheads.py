"""Heads for both taxonomies over the first layers of the SemEval-2023 encoder (fast mode).

The fast mode's cost is the encoder: about 60 ms of CPU per 256-token window for
its six transformer layers. Cut after ``k`` layers (built in memory from the
shipped int8 file, :func:`propscope.analyze.techniques.model.truncated`), it costs
about k/6 of that; the fine-tuned token head reads the last layer only, so every
output needs new heads over layer ``k``'s states. This module fits them with the
recipe of :mod:`.sharedheads` (L2 logistic / softmax on standardised states,
L-BFGS, strengths fixed beforehand), on the *training* articles only, from the
states exactly as inference computes them (stride :data:`STRIDE`, int8, windows
merged)::

    python -m propscope.training.fastheads --data ../shared/data --layers 5 --cache /tmp/states5.npz --write

Per taxonomy, ``fast_heads_L<k>.npz`` in its model folder holds:

* a token tagger (``tag_w`` / ``tag_b``, one logistic output per technique plus
  'any technique', over each token's state and its +-8-token context mean): technique
  spans, SI and (semeval2023) paragraph labels;
* a span classifier on (mean, first, last) token states (``span_w`` / ``span_b``): TC;
* semeval2023 only: genre (softmax) and framing (multi-label) over the mean state.

``--write`` also adds the variant ``fast_L<k>`` (``--variant NAME``: that one, e.g.
``fast``, the shipped fast mode, which is ``--layers 5``) to each config.json, keeping
that variant's thresholds if it has any (else the current fast mode's) until
``calibrate --tune --variant NAME`` re-tunes them; then
``bench/genre_abstain.py --variant NAME --write`` re-fits the genre abstention.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from pathlib import Path

import numpy as np

from ..analyze.techniques import encoding
from ..analyze.techniques.model import TechniqueModel, model_dir, session_for
from . import dataset
from .goldrows import gold_rows
from .sharedheads import CONTEXT, L2_SPAN, L2_TAG, fit_multilabel, fit_softmax

ENCODER = "propscope-techniques-semeval2023"
STRIDE = 254   # the fast mode's window stride: heads are fitted on the states it computes
L2_DOC = 10.0  # genre / framing over the mean state: 311 articles, 384 features
# The tagger is fitted on every TOKEN_STEP-th token of each training article (all of
# them for the span classifier), at most TAG_ITERS L-BFGS steps: about 85,000 tokens
# for 768 features, a quarter of the cost on the shared 2 cores. Fixed beforehand.
TOKEN_STEP = 4
TAG_ITERS = 200
TAXONOMIES = ("semeval2023", "semeval2020")


def heads_file(layers: int) -> str:
    return f"fast_heads_L{layers}.npz"


def variant_name(layers: int) -> str:
    return f"fast_L{layers}"


def _key(text: str) -> str:
    return "h_" + hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()


def encoder_states(texts: list[str], layers: int, cache: Path | None = None) -> list[np.ndarray]:
    """Layer ``layers``'s merged states per text, as the fast mode computes them.

    ``cache``: an ``.npz`` keyed by SHA-1 of the text (both taxonomies share most
    texts), read when it holds every text and rewritten otherwise.
    """
    stored: dict[str, np.ndarray] = {}
    if cache is not None and cache.exists():
        stored = dict(np.load(cache))
    missing = [t for t in texts if _key(t) not in stored]
    if missing:
        path = model_dir(ENCODER.removeprefix("propscope-techniques-"))
        tok = encoding.load_tokenizer(path / "tokenizer.json")
        session = session_for(path / "model.int8.onnx", 1, layers)
        for t in missing:
            enc = encoding.encode(tok, t, STRIDE)
            ids, mask, index = encoding.window_batch(tok, [enc])
            if not index:
                stored[_key(t)] = np.zeros((0, 384), np.float32)
                continue
            stored[_key(t)] = TechniqueModel._run(session, ids, mask, index, [len(enc.ids)])[1][0]
        if cache is not None:
            np.savez(cache, **stored)  # type: ignore[arg-type]
    return [stored[_key(t)] for t in texts]


def fit_taxonomy(data_dir: Path, tax: str, layers: int, cache: Path | None = None,
                 context: int = CONTEXT) -> tuple[dict[str, np.ndarray], dict]:
    """One taxonomy's heads over layer ``layers`` (training split only) and a report."""
    path = model_dir(tax)
    config = json.loads((path / "config.json").read_text(encoding="utf-8"))
    labels = config["labels"]
    tokenizer = encoding.load_tokenizer(path / "tokenizer.json")
    train, val = dataset.load(data_dir, tax).split()
    train = sorted(train, key=lambda a: a.doc_id)
    states = encoder_states([a.text for a in train], layers, cache)
    xs, ys, feats, ks = gold_rows(train, states, tokenizer, labels, context, TOKEN_STEP)
    tag_w, tag_b = fit_multilabel(np.vstack(xs), np.vstack(ys), L2_TAG, iters=TAG_ITERS)
    del xs
    span_w, span_b = fit_softmax(np.vstack(feats), np.asarray(ks), len(labels), L2_SPAN)
    arrays = {"tag_w": tag_w, "tag_b": tag_b, "tag_context": np.asarray(context),
              "span_w": span_w, "span_b": span_b}
    report = {"encoder": f"{ENCODER} int8 ONNX, first {layers} of 6 layers (frozen)", "layers": layers,
              "stride": STRIDE, "n_train": len(train), "token_step": TOKEN_STEP, "tag_iters": TAG_ITERS,
              "n_tokens": int(sum(len(y) for y in ys)),
              "n_spans": len(ks), "l2_tag": L2_TAG, "l2_span": L2_SPAN, "context": context,
              "val_ids_sha1": hashlib.sha1("\n".join(sorted(a.doc_id for a in val)).encode()).hexdigest()}
    if tax == "semeval2023":
        arrays.update(_doc_heads(train, states, config))
        report["l2_doc"] = L2_DOC
    return arrays, report


def _doc_heads(train: list[dataset.Article], states: list[np.ndarray], config: dict) -> dict[str, np.ndarray]:
    """Genre (softmax) and framing (independent logistic) heads over the mean state."""
    genres, frames = list(config["genre_labels"]), list(config["framing_labels"])
    mean = {a.doc_id: h.mean(axis=0) for a, h in zip(train, states, strict=True) if len(h)}
    g = [(mean[a.doc_id], genres.index(a.genre)) for a in train if a.doc_id in mean and a.genre in genres]
    f = [(mean[a.doc_id], [float(x in a.framing) for x in frames])
         for a in train if a.doc_id in mean and a.framing is not None]
    genre_w, genre_b = fit_softmax(np.stack([x for x, _ in g]), np.asarray([y for _, y in g]), len(genres), L2_DOC)
    framing_w, framing_b = fit_multilabel(np.stack([x for x, _ in f]), np.asarray([y for _, y in f]), L2_DOC)
    # the standardisation is folded into the weights: doc_mean 0, doc_std 1
    h = genre_w.shape[0]
    return {"genre_w": genre_w, "genre_b": genre_b, "framing_w": framing_w, "framing_b": framing_b,
            "doc_mean": np.zeros(h, np.float32), "doc_std": np.ones(h, np.float32)}


def variant_config(tax: str, layers: int, report: dict, thresholds: dict) -> dict:
    """The ``fast_L<k>`` variant: one member, the truncated semeval2023 encoder + these heads."""
    return {
        "members": [{"model": ENCODER, "onnx": "model.int8.onnx", "layers": layers,
                     "heads": heads_file(layers), "tag_head": True, "training": report}],
        "tc_members": [0],
        "si_members": [],
        "si_combine": "mean",
        "inference_stride": STRIDE,
        "calibration": False,  # calibration.json maps the full model's confidences
        "variant_note": f"heads over the first {layers} of 6 layers of the semeval2023 encoder "
                        f"(cut in memory), stride {STRIDE}: one shared pass for both taxonomies",
        "thresholds": thresholds,
    }


def write(tax: str, layers: int, arrays: dict[str, np.ndarray], report: dict,
          name: str | None = None) -> None:
    """Save the heads and the variant ``name`` (default ``fast_L<layers>``) into ``tax``'s folder."""
    path = model_dir(tax)
    np.savez(path / heads_file(layers), **arrays)  # type: ignore[arg-type]
    config_file = path / "config.json"
    config = json.loads(config_file.read_text(encoding="utf-8"))
    name = name or variant_name(layers)
    old = config.get("variants", {}).get(name) or config.get("variants", {}).get("fast", {})
    thresholds = old.get("thresholds") or config["thresholds"]
    config.setdefault("variants", {})[name] = variant_config(tax, layers, report, thresholds)
    config_file.write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data", type=Path, required=True)
    p.add_argument("--layers", type=int, required=True, help="transformer layers of the encoder to keep (1-6)")
    p.add_argument("--taxonomy", choices=TAXONOMIES, nargs="+", default=list(TAXONOMIES))
    p.add_argument("--cache", type=Path, default=None, help=".npz of encoder states (read, or written)")
    p.add_argument("--states-only", action="store_true", help="compute the states of every article and stop")
    p.add_argument("--write", action="store_true", help="save into the shipped model folders")
    p.add_argument("--variant", default=None, help="the config variant to write (default fast_L<layers>)")
    a = p.parse_args(argv)
    if a.states_only:
        texts = sorted({art.text for tax in a.taxonomy for art in dataset.load(a.data, tax).articles})
        print(len(encoder_states(texts, a.layers, a.cache)), "texts")
        return
    for tax in a.taxonomy:
        arrays, report = fit_taxonomy(a.data, tax, a.layers, a.cache)
        if a.write:
            write(tax, a.layers, arrays, report, a.variant)
        print(json.dumps({"taxonomy": tax, **report}), flush=True)


if __name__ == "__main__":
    main()
