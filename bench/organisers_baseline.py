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
NEWTON_TOL = 1e-4         # Newton (paragraphs): gradient norm relative to the start's
NEWTON_MAX = 50
CG_MAX = 200


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


def svm_newton(x: sparse.csr_matrix, y: np.ndarray, tol: float = NEWTON_TOL,
               max_newton: int = NEWTON_MAX) -> tuple[np.ndarray, np.ndarray, int]:
    """The objective of :func:`svm_primal` (0.5 ||w||^2 + C * sum of squared hinge
    losses, bias not penalised) for every column of ``y`` (0/1) at once, by
    Newton's method with conjugate gradients (the squared hinge loss has a
    generalised Hessian: ``I + 2C X_A^T X_A`` over the rows ``A`` inside the
    margin), as the primal solvers of LIBLINEAR do. Why: L-BFGS took ~6 CPU s per
    technique and stopped at 300 iterations unconverged (~5 min per language and
    fold on the shared cores); here each Hessian product is one sparse product
    with all techniques' weights as columns, and a handful of Newton steps reach
    a relative gradient norm of ``tol``. Returns ``(W, b, newton steps)``."""
    n, d = x.shape
    k = y.shape[1]
    xa = sparse.hstack([x, np.ones((n, 1))], format="csr")
    xt = xa.T.tocsr()
    s = np.where(y > 0, 1.0, -1.0)
    reg = np.ones((d + 1, 1))
    reg[d] = 1e-8  # the bias: (almost) not penalised, as in svm_primal
    theta = np.zeros((d + 1, k))

    def margins(t: np.ndarray) -> np.ndarray:
        return np.maximum(1.0 - s * np.asarray(xa @ t), 0.0)

    def objective(t: np.ndarray, m: np.ndarray) -> np.ndarray:
        return 0.5 * (reg * t * t).sum(axis=0) + C * (m * m).sum(axis=0)

    m = margins(theta)
    f = objective(theta, m)
    g = reg * theta - 2.0 * C * np.asarray(xt @ (s * m))
    g0 = np.linalg.norm(g, axis=0)
    step = 0
    for step in range(1, max_newton + 1):  # noqa: B007 (returned)
        gn = np.linalg.norm(g, axis=0)
        todo = gn > tol * np.maximum(g0, 1e-12)
        if not todo.any():
            break
        active = (m > 0).astype(float)

        def hess(v: np.ndarray, active: np.ndarray = active) -> np.ndarray:
            return reg * v + 2.0 * C * np.asarray(xt @ (active * np.asarray(xa @ v)))

        # conjugate gradients, every column at once, to 10% of the gradient's norm
        p_dir = np.zeros_like(theta)
        r = -g * todo
        q = r.copy()
        rr = (r * r).sum(axis=0)
        for _ in range(CG_MAX):
            if np.all(np.sqrt(rr) <= 0.1 * gn + 1e-12):
                break
            hq = hess(q)
            a = rr / np.maximum((q * hq).sum(axis=0), 1e-12)
            p_dir += a * q
            r -= a * hq
            rr_new = (r * r).sum(axis=0)
            q = r + (rr_new / np.maximum(rr, 1e-30)) * q
            rr = rr_new
        # backtracking (Armijo) per column
        slope = (g * p_dir).sum(axis=0)
        lr = np.ones(k)
        for _ in range(30):
            cand = theta + lr * p_dir
            mc = margins(cand)
            fc = objective(cand, mc)
            bad = (fc > f + 1e-4 * lr * slope) & todo
            if not bad.any():
                break
            lr = np.where(bad, lr / 2, lr)
        theta, m, f = cand, mc, fc
        g = reg * theta - 2.0 * C * np.asarray(xt @ (s * m))
    return theta[:d], theta[d], step


def fit_predict_paragraphs(train: list[str], y: np.ndarray, test: list[str]) -> np.ndarray:
    """:func:`fit_predict_multilabel` for paragraphs: every technique's SVM at once
    by Newton's method (:func:`svm_newton`)."""
    vec = Counts(train)
    xtr, xte = vec.transform(train), vec.transform(test)
    w, b, _ = svm_newton(xtr, y)
    return np.asarray(xte @ w + b) > 0


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
