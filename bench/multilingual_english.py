"""English: the multilingual paragraph heads against today's English model, in the
same folds and with the same scorer.

Issue 16's target is "no worse than today's English model on English". Today's
English model (``propscope-techniques-semeval2023``, token level) was fine-tuned
on the fixed train split, so its only honest figures are on the split's 59
validation articles (``propscope.training.dataset.is_validation``): ``propscope
eval --taxonomy semeval2023 --cv 5`` cuts those into 5 folds by SHA-1 of the
article ID (``propscope.evaluate.cv.fold_of``), chooses the paragraph threshold on
the other 4 folds and scores the fifth (paragraph micro-F1 0.388). This script
scores, per one of those same 5 folds and with the same scorer
(``propscope.evaluate.scorers.paragraph_score``):

* ``English model``: as ``eval --cv 5`` does (threshold from the other 4 folds);
* ``shipped heads, zero-shot``: ``models/propscope-paragraph-e5/heads.npz`` as it
  ships (trained on fr/de/it/pl/ru, never on English), English read without a
  language one-hot at the zero-shot threshold: what English would get if it
  were routed to the multilingual model today;
* ``English heads``: heads on the English train-split articles only;
* ``pooled heads + English``: heads on the five shipped languages and the English
  train-split articles, with a language one-hot (what shipping English in the
  multilingual heads would mean).

The heads never see a validation article: they are trained on the train split
(the English model's own training articles) and their L2 strength and English
threshold come from 3 inner folds over those training articles, so every heads
figure chose nothing on the scored articles. The English model's encoder choices
(kept epoch) were made on these validation articles, so its figure leans
optimistic (see ``propscope.evaluate.cv``).

    nice python bench/multilingual_english.py [--no-write]

Needs the English paragraphs in the embedding cache of
``bench/multilingual_techniques.py`` (validation articles and train split);
writes ``## Multilingual heads on English`` of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
import numpy as np  # noqa: E402

import multilingual_techniques as mt  # noqa: E402
from benchdoc import cpu_model, cpu_seconds_with_children, replace_section  # noqa: E402
from propscope.analyze import multilingual  # noqa: E402
from propscope.analyze.techniques import heads as token_heads  # noqa: E402
from propscope.analyze.techniques import taxonomy  # noqa: E402
from propscope.analyze.techniques.model import load_model  # noqa: E402
from propscope.evaluate import cv  # noqa: E402
from propscope.evaluate.scorers import paragraph_score  # noqa: E402
from propscope.training import dataset  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SECTION = "## Multilingual heads on English"
POOLED = multilingual.MEASURED
FOLDS = 5
mt.FOLDERS.setdefault("en", "en")


def english_model_folds(data: Path) -> tuple[list[float], dict[str, int]]:
    """Per fold of ``eval --cv 5``: the English model's paragraph micro-F1, its
    threshold chosen on the other folds (as :func:`propscope.evaluate.cv.nested_cv`);
    and each validation article's fold."""
    model = load_model("semeval2023")
    ds = dataset.load(data, "semeval2023")
    _, val = ds.split()
    val = sorted(val, key=lambda a: a.doc_id)
    docs = []
    for i in range(0, len(val), 8):
        docs += model.score([a.text for a in val[i:i + 8]])
    fold = {a.doc_id: cv.fold_of(a.doc_id, FOLDS) for a in val}
    out = []
    for f in range(FOLDS):
        train = [i for i, a in enumerate(val) if fold[a.doc_id] != f]
        test = [i for i, a in enumerate(val) if fold[a.doc_id] == f]
        t = cv._paragraph_threshold(model, [val[i] for i in train], [docs[i] for i in train],
                                    ds.paragraphs)
        pred: dict = {}
        for i in test:
            pred.update(token_heads.paragraph_labels(val[i].doc_id, val[i].text, docs[i].enc,
                                                     docs[i].probs, model.labels, t))
        ids = {val[i].doc_id for i in test}
        out.append(paragraph_score(pred, {q: v for q, v in ds.paragraphs.items() if q[0] in ids}).micro.f1)
    return out, fold


@dataclass(frozen=True)
class EnglishFolds:
    """The six languages' labelled paragraphs, and English cut as both English benches
    score it: ``tr`` the English train-split rows (what the heads may learn from), ``va``
    the validation rows and ``fold`` each one's fold of ``eval --cv 5`` (SHA-1 of the
    article ID, :func:`propscope.evaluate.cv.fold_of`)."""

    langs: dict[str, mt.Lang]
    tr: np.ndarray
    va: np.ndarray
    fold: np.ndarray

    @property
    def en(self) -> mt.Lang:
        return self.langs["en"]


def english_folds(data: Path, cache: Path, labels: tuple[str, ...], verbose: bool = False) -> EnglishFolds:
    """Every cached paragraph of fr/de/it/pl/ru and English (none embedded here); exits
    when an English validation article is not in the cache (its folds would be short)."""
    langs = {}
    for c in (*POOLED, "en"):
        keys, x, gold, _, total = mt.load_language(data, c, cache, None, embed_missing=False)
        y = np.array([[lab in gold[k] for lab in labels] for k in keys], np.float32)
        langs[c] = mt.Lang(c, keys, x, y, gold)
        if verbose:
            print(f"{c}: {len(set(langs[c].docs))} of {total} articles embedded", flush=True)
    en = langs["en"]
    valid = np.array([dataset.is_validation(d) for d in en.docs])
    missing = sorted({d for d in mt.article_order(data, "en")[1] if dataset.is_validation(d)}
                     - set(en.docs))
    if missing:
        sys.exit(f"{len(missing)} English validation articles are not embedded yet: run "
                 "bench/multilingual_techniques.py's cache fill for English first")
    va = np.flatnonzero(valid)
    return EnglishFolds(langs, np.flatnonzero(~valid), va,
                        np.array([cv.fold_of(d, FOLDS) for d in en.docs[va]]))


def english_heads(folds: EnglishFolds) -> tuple[float, float, tuple[np.ndarray, np.ndarray], np.ndarray]:
    """Heads on the English train split only: L2 strength and threshold from 3 inner folds
    of those articles; (strength, threshold, weights, every English row's features)."""
    en, tr = folds.en, folds.tr
    xs_en = en.x(("en",))
    lam, (cut,) = mt.select([(xs_en[tr], en.y[tr], mt.inner_folds(en, tr))], [True])
    return lam, cut, mt.fit(xs_en[tr], en.y[tr], lam), xs_en


def pooled_heads(folds: EnglishFolds) -> tuple[float, list[float], tuple[np.ndarray, np.ndarray], np.ndarray]:
    """Heads on all fr/de/it/pl/ru paragraphs and the English train split, with a language
    one-hot; L2 strength and English threshold from 3 inner folds of those articles;
    (strength, thresholds of the scored languages, weights, every English row's features)."""
    six = (*POOLED, "en")
    langs = folds.langs
    xs = {c: langs[c].x(six) for c in six}
    rows = {c: (folds.tr if c == "en" else np.arange(len(langs[c].keys))) for c in six}
    train = [(xs[c][rows[c]], langs[c].y[rows[c]], mt.inner_folds(langs[c], rows[c])) for c in six]
    lam, cuts = mt.select(train, [c == "en" for c in six])
    wb = mt.fit(np.vstack([xs[c][rows[c]] for c in six]), np.vstack([langs[c].y[rows[c]] for c in six]), lam)
    return lam, cuts, wb, xs["en"]


def fold_scores(lang: mt.Lang, rows: np.ndarray, fold: np.ndarray, pred: np.ndarray,
                labels: tuple[str, ...]) -> list[float]:
    """Per fold ``f`` of ``eval --cv 5``: micro-F1 of the rows of ``pred`` in that fold
    (``rows``: each one's row of ``lang``; ``fold``: its fold, -1 for none)."""
    return [mt.official(lang, rows[fold == f], pred[fold == f], labels) for f in range(FOLDS)]


def arguments(description: str) -> argparse.ArgumentParser:
    """The options both English benches take: the data, the embedding cache, ``--no-write``."""
    ap = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--cache", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "propscope-lang-bench")
    ap.add_argument("--no-write", action="store_true")
    return ap


def main() -> None:
    args = arguments(__doc__).parse_args()
    t0, c0 = time.perf_counter(), cpu_seconds_with_children()
    labels = taxonomy.labels("semeval2023")
    folds = english_folds(args.data, args.cache, labels, verbose=True)
    en = folds.en
    res: dict[str, list[float]] = {}
    model_f1, fold = english_model_folds(args.data)
    res["English model (token level), threshold from the other folds"] = model_f1
    print("English model per fold:", [round(v, 3) for v in model_f1], flush=True)
    # every English row with its fold of the model's validation articles (-1: not one)
    every, fold_of_row = np.arange(len(en.keys)), np.array([fold.get(d, -1) for d in en.docs])

    shipped = multilingual.heads()
    p = shipped.probabilities(en.x(shipped.langs, onehot=False))
    res["shipped heads (fr/de/it/pl/ru), English zero-shot"] = fold_scores(
        en, every, fold_of_row, p >= shipped.threshold("en"), labels)
    _, cut, wb, xs_en = english_heads(folds)
    res["English heads (English train split only)"] = fold_scores(en, every, fold_of_row,
                                                                  mt.prob(wb, xs_en) >= cut, labels)
    print("English heads per fold:", [round(v, 3) for v in res["English heads (English train split only)"]],
          flush=True)

    _, cuts, wb, xs_pooled = pooled_heads(folds)
    res["pooled heads + English (six languages, one-hot)"] = fold_scores(
        en, every, fold_of_row, mt.prob(wb, xs_pooled) >= cuts[0], labels)

    base = np.array(model_f1)
    table = ["| on the 59 English validation articles, 5 folds of `eval --cv 5` | paragraph micro-F1 (%) "
             "| minus the English model, per fold |", "|---|---|---|"]
    for name, v in res.items():
        diff = " ".join(f"{100 * d:+.1f}" for d in np.array(v) - base)
        table.append(f"| {name} | {100 * np.mean(v):.1f} ± {100 * np.std(v):.1f} | {diff} |")
    seconds, cpu = time.perf_counter() - t0, cpu_seconds_with_children() - c0
    print("\n".join(table) + f"\n{seconds:.0f} s wall, {cpu:.0f} CPU s", flush=True)
    if args.no_write:
        return
    cmd = "nice python bench/multilingual_english.py " + " ".join(sys.argv[1:])
    body = [f"Command: `{cmd.strip()}`; {dt.date.today()}, {cpu_model()}, 2 cores shared with other jobs "
            f"({seconds:.0f} s, {cpu:.0f} CPU s). Paragraph micro-F1 (%), SemEval-2023 subtask 3 scorer "
            "semantics (`paragraph_score`), mean ± standard deviation over the 5 folds of the 59 English "
            "validation articles that `propscope eval --taxonomy semeval2023 --cv 5` uses (SHA-1 of the "
            "article ID). The English model's paragraph threshold is chosen on the other 4 folds (as "
            "`eval --cv`); the heads are trained on the English train split (and, pooled, all fr/de/it/pl/ru "
            "articles) with L2 strength and threshold from 3 inner folds of those training articles, so the "
            "heads' figures chose nothing on the scored articles. The English model's kept epoch was chosen "
            "on these articles, so its figure leans optimistic.", "", *table, ""]
    replace_section(SECTION, SECTION + "\n\n" + "\n".join(body) + "\n")


if __name__ == "__main__":
    main()
