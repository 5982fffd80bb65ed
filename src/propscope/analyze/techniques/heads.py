"""From per-token model outputs to spans, span labels, paragraph labels, doc labels.

The encoder (ONNX at inference, PyTorch during training) yields, per token, one
sigmoid score per technique plus an 'any technique' score, and the final hidden
state. Everything after that is numpy in this module, so training selects
thresholds with exactly the code that inference runs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ...evaluate.formats import Span, paragraph_lines
from .encoding import Encoded, decode_runs


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def softmax(x: np.ndarray) -> np.ndarray:
    z = np.exp(x - x.max(axis=-1, keepdims=True))
    return z / z.sum(axis=-1, keepdims=True)


def scatter_mean(rows: np.ndarray, index: list[tuple[int, int, int]], lengths: list[int]) -> list[np.ndarray]:
    """Average window outputs back onto each document's tokens.

    ``rows`` is (windows, width, C) with [CLS] at position 0; ``index`` says which
    document and token range each window covers. Tokens seen by several
    overlapping windows get the mean of their scores.
    """
    means = WindowMeans(lengths, rows.shape[-1])
    means.add(rows, index)
    return means.means()


class WindowMeans:
    """:func:`scatter_mean` a few windows at a time, as the encoder returns them.

    Why: padding every window's output to the batch width and concatenating them
    before averaging copied each document's outputs twice more for nothing. The sums
    are added in window order either way, so the means are the same to the bit.
    """

    def __init__(self, lengths: list[int], channels: int) -> None:
        self.sums = [np.zeros((n, channels), dtype=np.float32) for n in lengths]
        self.counts = [np.zeros((n, 1), dtype=np.float32) for n in lengths]

    def add(self, rows: np.ndarray, index: list[tuple[int, int, int]]) -> None:
        """Windows ``rows`` (windows, width, C; [CLS] first), covering ``index``'s ranges."""
        for r, (doc, s, e) in enumerate(index):
            self.sums[doc][s:e] += rows[r, 1 : 1 + e - s]
            self.counts[doc][s:e] += 1.0

    def means(self) -> list[np.ndarray]:
        return [s / np.maximum(n, 1.0) for s, n in zip(self.sums, self.counts, strict=True)]


def with_context(hidden: np.ndarray, k: int) -> np.ndarray:
    """Each token's state beside the mean state of the tokens within ``k`` of it
    (clipped at the document's ends): a phrase-level view for a linear tagger.

    The running sum is written into a column-major array: a cumulative sum down the
    rows of a row-major (tokens, 384) array walks memory 3 KB apart per step and took
    about twice as long (the largest numpy cost of the fast mode's semeval2020 heads,
    docs/benchmarks.md "Techniques speed"). Same additions in the same order, so the
    result is the same to the bit.
    """
    if k <= 0 or not len(hidden):
        return hidden
    n, h = hidden.shape
    c = np.zeros((n + 1, h), np.float64, order="F")
    np.cumsum(hidden, axis=0, dtype=np.float64, out=c[1:])
    lo = np.maximum(np.arange(n) - k, 0)
    hi = np.minimum(np.arange(n) + k + 1, n)
    ctx = (c[hi] - c[lo]) / (hi - lo)[:, None]
    return np.hstack([hidden, ctx.astype(hidden.dtype)])


def span_features(hidden: np.ndarray, first: int, last: int) -> np.ndarray:
    """Span representation for classification: mean, first and last token states."""
    return np.concatenate([hidden[first : last + 1].mean(axis=0), hidden[first], hidden[last]])


@dataclass
class Thresholds:
    """Decoding thresholds, read from the ``thresholds`` object of a model's config.json.

    ``span_seed`` and ``si_seed`` turn on hysteresis (see ``encoding.decode_runs``):
    a span must contain a token scoring at least the seed and extends over its
    neighbours down to ``span`` / ``si``. A seed at or below its threshold changes
    nothing, so configs written before seeds existed (no such keys, seed 0) decode
    exactly as before.
    """

    span: float = 0.4        # technique-aware span decoding: extension threshold
    span_seed: float = 0.0   # ... and the score one token of each span must reach
    si: float = 0.4          # 'any technique' channel for SI: extension threshold
    si_seed: float = 0.0     # ... and its seed
    si_gap: float = 4        # low tokens allowed inside one SI span (see encoding.decode_runs)
    paragraph: float = 0.4   # max token score of a technique inside a line
    framing: float = 0.4     # framing labels (multi-label)

    def as_dict(self) -> dict[str, float]:
        return dict(self.__dict__)


@dataclass
class Heads:
    """Small numpy heads on top of the encoder's hidden states."""

    labels: list[str]
    span_w: np.ndarray                      # (3H, K)
    span_b: np.ndarray                      # (K,)
    thresholds: Thresholds = field(default_factory=Thresholds)
    genre_labels: list[str] = field(default_factory=list)
    framing_labels: list[str] = field(default_factory=list)
    doc_mean: np.ndarray | None = None      # (H,) feature standardisation
    doc_std: np.ndarray | None = None
    genre_w: np.ndarray | None = None       # (H, 3)
    genre_b: np.ndarray | None = None
    framing_w: np.ndarray | None = None     # (H, 14)
    framing_b: np.ndarray | None = None
    # Per genre label, the confidence below which the head abstains (config
    # ``genre_min``, calibrated by bench/genre_abstain.py on articles the head never
    # trained on); a label missing here is always shown (older configs).
    genre_min: dict[str, float] = field(default_factory=dict)

    def classify_span(self, hidden: np.ndarray, first: int, last: int) -> tuple[str, float]:
        probs = softmax(span_features(hidden, first, last) @ self.span_w + self.span_b)
        k = int(probs.argmax())
        return self.labels[k], float(probs[k])

    @property
    def has_doc_heads(self) -> bool:
        return self.genre_w is not None and self.framing_w is not None

    def doc_features(self, hidden: np.ndarray) -> np.ndarray:
        feat = hidden.mean(axis=0) if len(hidden) else np.zeros(self.span_w.shape[0] // 3, np.float32)
        if self.doc_mean is not None and self.doc_std is not None:
            feat = (feat - self.doc_mean) / self.doc_std
        return feat

    def genre_scores(self, hidden: np.ndarray) -> np.ndarray:
        """Softmax over the genre labels for one document's token states."""
        if self.genre_w is None or self.genre_b is None:
            raise ValueError("this model has no genre head")
        return softmax(self.doc_features(hidden) @ self.genre_w + self.genre_b)

    def doc_labels(self, hidden: np.ndarray) -> list[tuple[str, str, float]]:
        """``(task, label, score)`` rows: the genre and every framing above threshold."""
        if not self.has_doc_heads:
            return []
        f = self.doc_features(hidden)
        g = self.genre_scores(hidden)
        best = self.genre_labels[int(g.argmax())]
        # Below its calibrated confidence the genre is "uncertain" (score: the best guess's).
        shown = best if float(g.max()) >= self.genre_min.get(best, 0.0) else UNCERTAIN
        rows = [("genre", shown, float(g.max()))]
        fr = sigmoid(f @ self.framing_w + self.framing_b)
        for k in np.argsort(-fr):
            if fr[k] >= self.thresholds.framing:
                rows.append(("framing", self.framing_labels[int(k)], float(fr[k])))
        return rows


UNCERTAIN = "uncertain"  # the genre label written when the head abstains


def _seed(threshold: float, seed: float) -> float | None:
    return seed if seed > threshold else None


def technique_spans(doc_id: str, text: str, enc: Encoded, probs: np.ndarray, labels: list[str],
                    threshold: float, seed: float = 0.0) -> list[tuple[Span, float]]:
    """Technique-aware spans (overlaps between techniques allowed) with confidence.

    ``seed`` > ``threshold``: each span needs one token of its technique at ``seed``.
    """
    out = []
    for k, label in enumerate(labels):
        col = probs[:, k]
        if col.size == 0 or col.max() < max(threshold, seed):
            continue
        for a, b, conf in decode_runs(text, enc, col, threshold, seed=_seed(threshold, seed)):
            out.append((Span(doc_id, a, b, label), conf))
    return out


def si_spans(doc_id: str, text: str, enc: Encoded, probs: np.ndarray, threshold: float,
             max_gap: float = 4, seed: float = 0.0) -> list[Span]:
    """Technique-agnostic spans from the 'any technique' score.

    ``probs`` is either the (tokens, K + 1) score matrix (its last column is used)
    or that one column already (see :func:`any_technique`).
    """
    col = probs[:, -1] if probs.ndim == 2 else probs
    return [Span(doc_id, a, b, "propaganda")
            for a, b, _ in decode_runs(text, enc, col, threshold, int(max_gap), _seed(threshold, seed))]


COMBINE = ("mean", "logit_mean")


@dataclass
class SiHead:
    """A logistic 'any technique' head over another encoder's hidden states.

    The SemEval-2023 encoder never saw SemEval-2020 labels, but its states carry
    them: this head, fitted on the 2020 training articles (``sihead.py``), turns
    them into one more SI vote. ``w`` and ``b`` already fold in the feature
    standardisation, so scoring is one matrix-vector product.
    """

    w: np.ndarray  # (H,)
    b: float

    def __call__(self, hidden: np.ndarray) -> np.ndarray:
        return sigmoid(hidden.astype(np.float64) @ self.w + self.b).astype(np.float32)

    def save(self, path) -> None:
        np.savez(path, si_w=self.w.astype(np.float64), si_b=np.asarray([self.b], np.float64))

    @classmethod
    def load(cls, path) -> SiHead:
        arrays = np.load(path)
        return cls(np.asarray(arrays["si_w"], np.float64), float(arrays["si_b"][0]))


def any_technique(member_probs: list[np.ndarray], combine: str = "mean",
                  extra: list[np.ndarray] | None = None) -> np.ndarray:
    """The ensemble's 'any technique' score per token, from each member's (tokens, K + 1) scores.

    ``extra`` are further per-token votes (1-D probabilities), e.g. from SI-only
    members (see :class:`SiHead` and ``si_members`` in MODEL_CARD.md); every vote
    weighs the same. ``mean`` averages probabilities. ``logit_mean`` averages
    log-odds (a geometric mean of odds): one member that is sure a token is plain
    text then outweighs another that is lukewarm about it, which removed more
    spurious SI spans than it lost on the SemEval-2020 validation split.
    """
    if combine not in COMBINE:
        raise ValueError(f"unknown member combination {combine!r} (one of {', '.join(COMBINE)})")
    cols = np.stack([p[:, -1] for p in member_probs] + list(extra or [])).astype(np.float64)
    if combine == "mean":
        return cols.mean(axis=0).astype(np.float32)
    cols = np.clip(cols, 1e-6, 1 - 1e-6)
    return sigmoid(np.log(cols / (1 - cols)).mean(axis=0)).astype(np.float32)


def paragraph_labels(doc_id: str, text: str, enc: Encoded, probs: np.ndarray, labels: list[str],
                     threshold: float) -> dict[tuple[str, int], frozenset[str]]:
    """SemEval-2023 subtask-3 labels: a line has a technique if one of its tokens scores high."""
    out: dict[tuple[str, int], frozenset[str]] = {}
    starts, ends = enc.offsets[:, 0], enc.offsets[:, 1]
    for no, a, b in paragraph_lines(text):
        inside = (starts < b) & (ends > a)
        if not inside.any():
            out[(doc_id, no)] = frozenset()
            continue
        best = probs[inside, : len(labels)].max(axis=0)
        out[(doc_id, no)] = frozenset(labels[k] for k in np.nonzero(best >= threshold)[0])
    return out
