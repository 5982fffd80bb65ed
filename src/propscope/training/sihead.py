"""Fit the SI head of an SI-only member: a logistic 'any technique' head over its states.

The semeval2020 model borrows the shipped SemEval-2023 encoder for span
identification (``si_members`` in its config.json). That encoder was trained on
2023 labels of the same training articles, so besides its own 'any technique'
column it gets a head fitted to the 2020 labels: logistic regression on its
int8 ONNX hidden states (exactly what inference computes), on the 2020
*training* articles only (the validation split stays unseen). On 2 cores this
takes about a minute, mostly the encoder pass::

    python -m propscope.training.sihead --data ../shared/data \
        --add propscope-techniques-semeval2023      # or, to refit: without --add
    python -m propscope.training.calibrate --taxonomy semeval2020 \
        --data ../shared/data --tune               # thresholds for the new SI score

It writes the head's ``.npz`` into the model folder and the SI member (with how
its head was fitted) into config.json.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from pathlib import Path

import numpy as np

from ..analyze.techniques import encoding, heads
from ..analyze.techniques.model import MODELS_DIR, TechniqueModel, model_dir, si_member_onnx
from . import dataset

L2 = 100.0  # ridge strength on standardised states; 100 and 3000 gave the same SI F1 in cross-fitting


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = L2, iters: int = 25) -> heads.SiHead:
    """L2-regularised logistic regression by Newton's method (exact, deterministic, numpy only).

    Features are standardised first (so one ``l2`` suits every dimension) and the
    scaling folded back into the returned weights. The bias is not penalised.
    """
    mu = x.mean(axis=0)
    sd = x.std(axis=0) + 1e-6
    z = np.hstack([(x - mu) / sd, np.ones((len(x), 1))])
    w = np.zeros(z.shape[1])
    ridge = np.full(z.shape[1], l2)
    ridge[-1] = 0.0
    for _ in range(iters):
        p = heads.sigmoid(z @ w)
        grad = z.T @ (p - y) + ridge * w
        hess = (z * (p * (1 - p))[:, None]).T @ z + np.diag(ridge) + 1e-9 * np.eye(len(w))
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-7:
            break
    coef = w[:-1] / sd
    return heads.SiHead(coef, float(w[-1] - mu @ coef))


def model_dir_of(folder: str) -> Path:
    """A shipped model folder by name (``propscope-techniques-semeval2023``)."""
    return MODELS_DIR / folder


def member_states(onnx: Path, tokenizer, texts: list[str]) -> list[np.ndarray]:
    """Hidden states of an encoder per text, windowed and merged exactly as at inference."""
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 1
    opts.inter_op_num_threads = 1
    session = ort.InferenceSession(str(onnx), opts, providers=["CPUExecutionProvider"])
    out = []
    for text in texts:
        enc = encoding.encode(tokenizer, text)
        if len(enc.ids) == 0:
            out.append(np.zeros((0, 0), np.float32))
            continue
        ids, mask, idx = encoding.window_batch(tokenizer, [enc])
        out.append(TechniqueModel._run(session, ids, mask, idx, [len(enc.ids)])[1][0])
    return out


def head_file_for(members: list[dict], taxonomy: str, folder: str) -> str:
    """The head file of a new SI member: named after its taxonomy, or after its folder when
    another SI member of that taxonomy already holds the name (two encoders must not share one)."""
    name = f"si_head_{taxonomy}.npz"
    return f"si_head_{folder}.npz" if any(m.get("head") == name for m in members) else name


def fit(taxonomy: str, data_dir: Path, member: int = 0, l2: float = L2, write: bool = True,
        add: str | None = None, path: Path | None = None) -> dict:
    """Fit SI member ``member``'s head on the training split of ``taxonomy``; optionally ship it.

    ``add`` (a model folder name beside ``path``, else a shipped one) first appends
    that model as a new SI member (its 'any technique' column plus the head fitted
    here) and fits that one. ``path``: the model folder (default: the shipped one).
    """
    path = path or model_dir(taxonomy)
    members = json.loads((path / "config.json").read_text(encoding="utf-8")).get("si_members", [])
    if add is not None:
        beside = path.parent / add
        other_dir = beside if (beside / "config.json").exists() else model_dir_of(add)
        other = json.loads((other_dir / "config.json").read_text(encoding="utf-8"))
        members = [*members, {"model": add, "onnx": "model.int8.onnx", "any_column": True,
                              "head": head_file_for(members, other["taxonomy"], add)}]
        member = len(members) - 1
    if not 0 <= member < len(members):
        raise SystemExit(f"{path / 'config.json'}: no SI member {member} (add one with --add MODEL_FOLDER)")
    spec = members[member]
    tokenizer = encoding.load_tokenizer(path / "tokenizer.json")
    train, val = dataset.load(data_dir, taxonomy).split()
    train = sorted(train, key=lambda a: a.doc_id)
    states = member_states(si_member_onnx(path, spec), tokenizer, [a.text for a in train])
    xs, ys = [], []
    for art, h in zip(train, states, strict=True):
        if len(h):
            enc = encoding.encode(tokenizer, art.text)
            ys.append(encoding.token_labels(enc, [(s.start, s.end, 0) for s in art.spans], 1)[:, -1])
            xs.append(h.astype(np.float64))
    head = fit_logistic(np.vstack(xs), np.concatenate(ys), l2)
    report = {"fitted_on": f"{spec['model']} int8 ONNX hidden states, {taxonomy} training split",
              "n_train": len(train), "n_tokens": int(sum(len(y) for y in ys)), "l2": l2,
              "val_ids_sha1": hashlib.sha1("\n".join(sorted(a.doc_id for a in val)).encode()).hexdigest()}  # as training.py
    if write:
        head.save(path / spec["head"])
        config_file = path / "config.json"
        config = json.loads(config_file.read_text(encoding="utf-8"))
        config["si_members"] = members
        config["si_members"][member]["training"] = report
        config_file.write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
    return report


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--taxonomy", default="semeval2020", choices=["semeval2020", "semeval2023"])
    p.add_argument("--data", type=Path, required=True)
    p.add_argument("--member", type=int, default=0, help="index into the config's si_members")
    p.add_argument("--l2", type=float, default=L2)
    p.add_argument("--add", metavar="MODEL_FOLDER", default=None,
                   help="first add this shipped model (e.g. propscope-techniques-semeval2023) as an SI member")
    p.add_argument("--dry-run", action="store_true", help="fit and report, write nothing")
    a = p.parse_args(argv)
    print(json.dumps(fit(a.taxonomy, a.data, a.member, a.l2, write=not a.dry_run, add=a.add), indent=2))


if __name__ == "__main__":
    main()
