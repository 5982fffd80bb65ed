"""The SemEval-2023 Task 3 organisers' baseline, re-implemented from its description.

The organisers distributed one baseline per subtask with the data (Piskorski et
al., 2023; the data bundle's README and ``baselines/st{1,2,3}.py``): the text's
word unigrams and bigrams as counts (lower-cased, tokens of two or more word
characters), and a linear-kernel SVM with C = 1 per label:

* subtask 1 (genre): the whole article, one class per article;
* subtask 2 (framing): the whole article, one binary SVM per frame;
* subtask 3 (techniques): each paragraph (line), one binary SVM per technique,
  trained on the paragraphs that carry at least one technique (the organisers'
  script keeps only those rows of the label file).

Written here from that description (no code copied, no scikit-learn): the SVM is
solved in the primal with the squared hinge loss (scikit-learn's LinearSVC
default, where the organisers used libsvm's hinge loss) by L-BFGS, and subtask 1
is one-vs-rest with the largest decision value (libsvm's SVC is one-vs-one). Both
are small departures, named in docs/languages.md.
"""

from __future__ import annotations

import re
from collections import Counter

import numpy as np
from scipy import sparse
from scipy.optimize import minimize

TOKEN = re.compile(r"(?u)\b\w\w+\b")
C = 1.0
MAXITER = 2000            # kernel form (articles): converges to the primal optimum
PARAGRAPH_MAXITER = 300   # weight form (paragraphs): about 5 min per language and fold on 2 shared cores


def ngrams(text: str) -> list[str]:
    """Word unigrams and bigrams of ``text`` (lower-cased)."""
    toks = TOKEN.findall(text.lower())
    return toks + [f"{a} {b}" for a, b in zip(toks, toks[1:], strict=False)]


class Counts:
    """A vocabulary fitted on training texts; texts to sparse count rows."""

    def __init__(self, texts: list[str]) -> None:
        vocab: dict[str, int] = {}
        for t in texts:
            for g in ngrams(t):
                vocab.setdefault(g, len(vocab))
        self.vocab = vocab

    def transform(self, texts: list[str]) -> sparse.csr_matrix:
        rows, cols, vals = [], [], []
        for i, t in enumerate(texts):
            for g, n in Counter(ngrams(t)).items():
                j = self.vocab.get(g)
                if j is not None:
                    rows.append(i)
                    cols.append(j)
                    vals.append(float(n))
        return sparse.csr_matrix((vals, (rows, cols)), shape=(len(texts), len(self.vocab)))


def svm(k: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, float]:
    """A linear SVM (labels 0/1) on the training texts' Gram matrix ``k`` (X Xᵀ):
    0.5 ||w||^2 + C * sum of squared hinge losses with ``w = Xᵀ alpha`` (the
    representer theorem), so the problem has one variable per text instead of one
    per n-gram (hundreds of thousands). Returns ``(alpha, b)``."""
    s = np.where(y > 0, 1.0, -1.0)
    n = len(s)
    if s.min() == s.max():  # one class only: a constant decision
        return np.zeros(n), float(s[0])

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        a, b = theta[:n], theta[n]
        ka = k @ a
        m = np.maximum(1.0 - s * (ka + b), 0.0)
        f = 0.5 * a @ ka + C * float((m ** 2).sum())
        g = -2.0 * C * s * m
        return f, np.concatenate([ka + k @ g, [g.sum()]])

    res = minimize(loss, np.zeros(n + 1), jac=True, method="L-BFGS-B", options={"maxiter": MAXITER})
    return res.x[:n], float(res.x[n])


def svm_primal(x: sparse.csr_matrix, y: np.ndarray) -> tuple[np.ndarray, float]:
    """The same SVM solved over the weights (one variable per n-gram): the cheaper
    form for many short texts (paragraphs), where the Gram matrix is large and
    ill-conditioned but the count matrix is very sparse."""
    s = np.where(y > 0, 1.0, -1.0)
    d = x.shape[1]
    if s.min() == s.max():
        return np.zeros(d), float(s[0])

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        w, b = theta[:d], theta[d]
        m = np.maximum(1.0 - s * (x @ w + b), 0.0)
        g = -2.0 * C * s * m
        return 0.5 * w @ w + C * float((m ** 2).sum()), np.concatenate([w + x.T @ g, [g.sum()]])

    res = minimize(loss, np.zeros(d + 1), jac=True, method="L-BFGS-B",
                   options={"maxiter": PARAGRAPH_MAXITER})
    return res.x[:d], float(res.x[d])


def fit_predict_paragraphs(train: list[str], y: np.ndarray, test: list[str]) -> np.ndarray:
    """:func:`fit_predict_multilabel` for paragraphs (solved over the weights)."""
    vec = Counts(train)
    xtr, xte = vec.transform(train), vec.transform(test)
    out = np.zeros((len(test), y.shape[1]), bool)
    for j in range(y.shape[1]):
        w, b = svm_primal(xtr, y[:, j])
        out[:, j] = (xte @ w + b) > 0
    return out


def _grams(train: list[str], test: list[str]) -> tuple[np.ndarray, np.ndarray]:
    vec = Counts(train)
    xtr, xte = vec.transform(train), vec.transform(test)
    return (xtr @ xtr.T).toarray(), (xte @ xtr.T).toarray()


def fit_predict_multilabel(train: list[str], y: np.ndarray, test: list[str]) -> np.ndarray:
    """Binary SVM per column of ``y`` (0/1); boolean predictions for ``test``."""
    k, kte = _grams(train, test)
    out = np.zeros((len(test), y.shape[1]), bool)
    for j in range(y.shape[1]):
        a, b = svm(k, y[:, j])
        out[:, j] = (kte @ a + b) > 0
    return out


def fit_predict_multiclass(train: list[str], y: np.ndarray, test: list[str]) -> np.ndarray:
    """One-vs-rest SVMs over classes ``0..K-1`` (``y``: class indices); the class
    with the largest decision value per test text."""
    n_classes = int(y.max()) + 1
    k, kte = _grams(train, test)
    dec = np.full((len(test), n_classes), -np.inf)
    for c in range(n_classes):
        if (y == c).any():
            a, b = svm(k, (y == c).astype(float))
            dec[:, c] = kte @ a + b
    return dec.argmax(axis=1)
