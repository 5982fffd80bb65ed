"""Genre and framing of a document in a language other than English.

The English token model gives genre (SemEval-2023 subtask 1: opinion, reporting,
satire) and framing (subtask 2: 14 frames) for English only. For every other
language the multilingual encoder covers, the article is represented by the mean
of its paragraphs' multilingual-e5-small embeddings (the same embeddings the
paragraph technique heads read, :mod:`.multilingual`, so this costs nothing
more) plus a one-hot of the language (none for a language without labelled
data). Two sets of logistic heads read that vector:

* genre: one probability per genre, normalised; the best genre is written only
  when its probability reaches that genre's threshold (the lowest at which its
  predictions reached precision 0.8 in cross-validation), otherwise the genre is
  ``uncertain``: an analyst sees "the model could not tell", never a guess;
* framing: every frame at or above the language's threshold.

Thresholds and the L2 strength are chosen by cross-validation
(``bench/multilingual_articles.py``, which trains the heads, measures them
against the SemEval-2023 organisers' baseline and writes the figures in
docs/languages.md). Heads live in
``models/propscope-paragraph-e5/doc_heads.npz`` (a few kB); numpy only.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import ModelError

MODEL_NAME = "propscope-article-e5-semeval2023"
HEADS_PATH = (Path(__file__).resolve().parents[1] / "models" / "propscope-paragraph-e5"
              / "doc_heads.npz")
UNCERTAIN = "uncertain"  # the genre written when the head abstains (as the English model does)
DIM = 384

_LOCK = threading.Lock()
_HEADS: DocHeads | None = None


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))


def features(article: np.ndarray, lang: str | None, langs: tuple[str, ...]) -> np.ndarray:
    """One article's features: its mean paragraph embedding and the language one-hot
    (all zeros for a language the heads have no labelled data for)."""
    onehot = np.zeros(len(langs), np.float32)
    if lang in langs:
        onehot[langs.index(lang)] = 1.0
    return np.concatenate([np.asarray(article, np.float32).reshape(-1), onehot])


@dataclass(frozen=True)
class DocHeads:
    """Genre and framing heads over :func:`features`."""

    langs: tuple[str, ...]
    genre_labels: tuple[str, ...]
    genre_w: np.ndarray          # (n_features, n_genres)
    genre_b: np.ndarray
    genre_min: dict[str, float]  # per genre: the probability at which it is shown
    framing_labels: tuple[str, ...]
    framing_w: np.ndarray        # (n_features, n_frames)
    framing_b: np.ndarray
    framing_cut: dict[str, float]  # per measured language, and "*" for the others
    # Languages each task is shown for: those where the heads beat both the
    # organisers' baseline and the frequent-label floor in cross-validation, and
    # "*" (any other language, zero-shot) only when they did in every one.
    genre_langs: frozenset[str] = frozenset()
    framing_langs: frozenset[str] = frozenset()

    def covers(self, task: str, lang: str, measured: bool) -> bool:
        """Whether ``task`` (genre or framing) is given for ``lang``."""
        langs = self.genre_langs if task == "genre" else self.framing_langs
        return lang in langs if measured else "*" in langs

    def genre(self, x: np.ndarray) -> tuple[str, float, str]:
        """``(shown, probability, best guess)``: ``shown`` is :data:`UNCERTAIN` when the
        best genre's probability is under its threshold."""
        p = _sigmoid(x @ self.genre_w + self.genre_b)
        p = p / p.sum() if p.sum() > 0 else p
        k = int(p.argmax())
        best = self.genre_labels[k]
        shown = best if float(p[k]) >= self.genre_min.get(best, 1.01) else UNCERTAIN
        return shown, float(p[k]), best

    def framing(self, x: np.ndarray, lang: str) -> list[tuple[str, float]]:
        """Frames at or above the language's threshold, most probable first."""
        p = _sigmoid(x @ self.framing_w + self.framing_b)
        cut = self.framing_cut.get(lang, self.framing_cut["*"])
        return [(self.framing_labels[int(k)], float(p[k])) for k in np.argsort(-p) if p[k] >= cut]

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        gk, fk = sorted(self.genre_min), sorted(self.framing_cut)
        np.savez_compressed(
            path, langs=np.array(self.langs), genre_labels=np.array(self.genre_labels),
            genre_w=self.genre_w.astype(np.float32), genre_b=self.genre_b.astype(np.float32),
            genre_min_keys=np.array(gk), genre_min_values=np.array([self.genre_min[k] for k in gk]),
            framing_labels=np.array(self.framing_labels),
            framing_w=self.framing_w.astype(np.float32), framing_b=self.framing_b.astype(np.float32),
            framing_cut_keys=np.array(fk),
            framing_cut_values=np.array([self.framing_cut[k] for k in fk]),
            genre_langs=np.array(sorted(self.genre_langs)),
            framing_langs=np.array(sorted(self.framing_langs)))

    @classmethod
    def load(cls, path: Path) -> DocHeads:
        def strs(a: np.ndarray) -> tuple[str, ...]:
            return tuple(str(v) for v in a)

        try:
            with np.load(path, allow_pickle=False) as z:
                return cls(
                    strs(z["langs"]), strs(z["genre_labels"]), z["genre_w"].astype(np.float32),
                    z["genre_b"].astype(np.float32),
                    {str(k): float(v) for k, v in zip(z["genre_min_keys"], z["genre_min_values"],
                                                      strict=True)},
                    strs(z["framing_labels"]), z["framing_w"].astype(np.float32),
                    z["framing_b"].astype(np.float32),
                    {str(k): float(v) for k, v in zip(z["framing_cut_keys"],
                                                      z["framing_cut_values"], strict=True)},
                    frozenset(strs(z["genre_langs"])), frozenset(strs(z["framing_langs"])))
        except (OSError, KeyError, ValueError) as exc:
            raise ModelError(f"{path}: multilingual genre/framing heads unreadable ({exc})",
                             hint="reinstall propscope") from exc


def heads() -> DocHeads | None:
    """The shipped heads, or None where none ship (then genre and framing outside
    English stay "not analysed", as :func:`propscope.analyze.language.decide` says)."""
    global _HEADS
    with _LOCK:
        if _HEADS is None and HEADS_PATH.exists():
            _HEADS = DocHeads.load(HEADS_PATH)
        return _HEADS


def available() -> bool:
    return HEADS_PATH.exists()


def doc_labels(doc_id: str, paragraph_embeddings: np.ndarray, lang: str,
               measured: bool) -> list[dict]:
    """``doc_labels`` rows (the table and columns the English model writes): one
    genre (or ``uncertain``) and the frames above threshold, each with its
    probability and this model's name. ``measured`` false: the language one-hot is
    left empty (a zero-shot language)."""
    h = heads()
    if h is None or len(paragraph_embeddings) == 0:
        return []
    x = features(paragraph_embeddings.mean(axis=0), lang if measured else None, h.langs)
    rows = []
    if h.covers("genre", lang, measured):
        shown, p, _ = h.genre(x)
        rows.append({"doc_id": doc_id, "task": "genre", "label": shown, "score": round(p, 4),
                     "model": MODEL_NAME})
    if h.covers("framing", lang, measured):
        rows += [{"doc_id": doc_id, "task": "framing", "label": f, "score": round(q, 4),
                  "model": MODEL_NAME} for f, q in h.framing(x, lang if measured else "*")]
    return rows
