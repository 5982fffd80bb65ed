"""The fold runner both English paragraph benches share (bench/multilingual_english.py,
called by bench/paragraph_ensemble.py): each fold is scored on its own rows only, and the
rows of no fold are never scored."""

from __future__ import annotations

import numpy as np
import pytest

from multilingual_english import FOLDS, fold_scores
from multilingual_techniques import Lang

LABELS = ("Loaded_Language", "Doubt")


def _lang() -> Lang:
    # ten articles of two paragraphs; paragraph 1 is Loaded_Language, paragraph 2 Doubt
    keys = [(f"a{i}", n) for i in range(10) for n in (1, 2)]
    gold = {k: frozenset({LABELS[k[1] - 1]}) for k in keys}
    y = np.array([[LABELS[j] in gold[k] for j in range(2)] for k in keys], np.float32)
    return Lang("en", keys, np.zeros((len(keys), 4), np.float32), y, gold)


def test_each_fold_is_scored_on_its_own_rows_only() -> None:
    lang = _lang()
    rows = np.arange(len(lang.keys))
    fold = np.array([i // 2 % FOLDS for i in range(10) for _ in (1, 2)])
    fold[-2:] = -1  # the last article belongs to no fold
    pred = lang.y > 0
    pred[fold == 1] = ~pred[fold == 1]  # fold 1: every label wrong
    pred[fold == -1] = ~pred[fold == -1]  # wrong, but never scored
    assert fold_scores(lang, rows, fold, pred, LABELS) == [1.0, 0.0, 1.0, 1.0, 1.0]


def test_rows_name_the_paragraphs_of_a_subset() -> None:
    lang = _lang()
    rows = np.arange(4, 14)  # articles a2..a6 only, as the validation rows of a bench
    fold = np.array([i // 2 % FOLDS for i in range(len(rows))])
    pred = lang.y[rows] > 0
    pred[fold == 3, 0] = False  # fold 3 (article a5): its Loaded_Language paragraph missed
    got = fold_scores(lang, rows, fold, pred, LABELS)
    assert got[:3] == [1.0, 1.0, 1.0] and got[4] == 1.0
    assert got[3] == pytest.approx(2 / 3)  # one of two gold labels found, no false one
