"""English SemEval-2023 paragraph labels from two encoders: the English token model
and e5 paragraph heads trained on English.

Why: the English model (MiniLM token tagger; a paragraph's probability for a
technique is its best token's) and logistic heads over multilingual-e5-small
paragraph embeddings make different errors. Their weighted mean beat the English
model alone by 3.0 points of paragraph micro-F1 (41.8 ± 5.5 against 38.8 ± 5.7,
better on each of the 5 outer folds of ``eval --cv 5``; weight and threshold chosen
on the other 4 folds; 40.2 ± 5.7, still better in each fold, when the kind of
mix is chosen in the folds too; ``bench/paragraph_ensemble.py``,
docs/benchmarks.md "English paragraphs, ensemble"). It costs about 1.5 CPU s per
English document (e5 embedding of every paragraph), so only ``predict-spans
--format semeval2023-paragraphs`` uses it; ``run`` stores token spans as before.

A paragraph is a non-empty line (SemEval-2023 subtask 3). Its ensemble
probability for a technique is ``w * m + (1 - w) * h``: ``m`` the English model's
(highest token probability in the line), ``h`` the English heads' (e5 embedding of
the line cut to :data:`multilingual.MAX_PARAGRAPH_CHARS` characters, the document's
mean embedding, an ``en`` one-hot). ``w`` and the threshold live in
``models/propscope-paragraph-e5/english_ensemble.json``; the heads in
``english_heads.npz`` beside it (the format of :class:`multilingual.Heads`). The
e5 encoder is the one :mod:`.multilingual` already loads; nothing is downloaded.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import ModelError
from ..evaluate.formats import ParagraphLabels, paragraph_lines
from . import multilingual

FOLDER = multilingual.HEADS_PATH.parent
HEADS_PATH = FOLDER / "english_heads.npz"
CONFIG_PATH = FOLDER / "english_ensemble.json"

_LOCK = threading.Lock()
_ENSEMBLE: Ensemble | None = None


@dataclass(frozen=True)
class Ensemble:
    """The English heads and how their probabilities are mixed with the model's."""

    heads: multilingual.Heads
    model_weight: float   # w: the English model's share of the mean
    threshold: float      # a label is kept at or above this ensemble probability
    name: str             # written beside the labels (model name @ version)

    def combine(self, m: np.ndarray, h: np.ndarray) -> np.ndarray:
        """The ensemble's probabilities from the model's ``m`` and the heads' ``h``."""
        return self.model_weight * m + (1.0 - self.model_weight) * h


def load(folder: Path = FOLDER) -> Ensemble:
    """The ensemble shipped in ``folder`` (a coded error if a file is missing or bad)."""
    config_path = folder / CONFIG_PATH.name
    try:
        config = json.loads(config_path.read_text(encoding="utf-8"))
        w, t = float(config["model_weight"]), float(config["threshold"])
        name = f"{config['name']}@{config['version']}"
    except (OSError, KeyError, TypeError, ValueError) as exc:
        raise ModelError(f"{config_path}: English paragraph ensemble config unreadable ({exc})",
                         hint="reinstall propscope") from exc
    if not (0.0 <= w <= 1.0 and 0.0 < t < 1.0):
        raise ModelError(f"{config_path}: model_weight {w} or threshold {t} out of range",
                         hint="reinstall propscope")
    return Ensemble(multilingual.Heads.load(folder / HEADS_PATH.name), w, t, name)


def ensemble() -> Ensemble:
    """The process's shipped ensemble (loaded once)."""
    global _ENSEMBLE
    with _LOCK:
        if _ENSEMBLE is None:
            _ENSEMBLE = load()
        return _ENSEMBLE


def model_probabilities(text: str, offsets: np.ndarray, probs: np.ndarray, model_labels: list[str],
                        labels: tuple[str, ...]) -> tuple[list[tuple[int, int, int]], np.ndarray]:
    """Non-empty lines ``(line_no, start, end)`` and, per line and label of ``labels``,
    the English model's probability: the highest of the line's tokens' (0 for a line
    without tokens), as :func:`.techniques.heads.paragraph_labels` reads it."""
    lines = paragraph_lines(text)
    col = [model_labels.index(lab) for lab in labels]
    out = np.zeros((len(lines), len(labels)), np.float32)
    starts, ends = offsets[:, 0], offsets[:, 1]
    for i, (_, a, b) in enumerate(lines):
        inside = (starts < b) & (ends > a)
        if inside.any():
            out[i] = probs[inside][:, col].max(axis=0)
    return lines, out


def heads_probabilities(text: str, lines: list[tuple[int, int, int]], heads: multilingual.Heads) -> np.ndarray:
    """Per line and label of ``heads.labels``, the English heads' probability."""
    if not lines:
        return np.zeros((0, len(heads.labels)), np.float32)
    emb = multilingual.embed([text[a:b].strip() for _, a, b in lines])
    return heads.probabilities(multilingual.features(emb, "en", heads.langs)).astype(np.float32)


def probabilities(text: str, offsets: np.ndarray, probs: np.ndarray, model_labels: list[str],
                  ens: Ensemble | None = None) -> tuple[list[tuple[int, int, int]], np.ndarray,
                                                        np.ndarray, np.ndarray]:
    """Lines, and per line and label (``ens.heads.labels``) the model's, the heads' and
    the ensemble's probabilities."""
    ens = ens or ensemble()
    lines, m = model_probabilities(text, offsets, probs, model_labels, ens.heads.labels)
    h = heads_probabilities(text, lines, ens.heads)
    return lines, m, h, ens.combine(m, h)


def paragraph_labels(doc_id: str, text: str, offsets: np.ndarray, probs: np.ndarray,
                     model_labels: list[str], ens: Ensemble | None = None) -> ParagraphLabels:
    """SemEval-2023 subtask-3 labels of every non-empty line of an English document."""
    ens = ens or ensemble()
    lines, _, _, p = probabilities(text, offsets, probs, model_labels, ens)
    return {(doc_id, no): frozenset(ens.heads.labels[k] for k in np.flatnonzero(row >= ens.threshold))
            for (no, _, _), row in zip(lines, p, strict=True)}
