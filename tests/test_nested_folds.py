"""The nested cross-validation protocol's splits and summary (issue 17).

On the real labelled corpora (``../shared/data``; a skip there is a failure in CI): every
article is scored in exactly one outer fold, and inside a fold nothing that chooses
(inner validation) or trains (inner training) is ever the scored fold. The training
itself needs PyTorch and is run by ``python -m propscope.training.nested``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from propscope.evaluate.cv import fold_of
from propscope.training import dataset
from propscope.training.nested_folds import Recipe, parse_recipe, split_fold, summarise

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


@pytest.fixture(scope="module", params=["semeval2020", "semeval2023"])
def articles(request: pytest.FixtureRequest) -> list[dataset.Article]:
    if not DATA.exists():
        pytest.skip("../shared/data is not beside the checkout")
    return dataset.load(DATA, request.param).articles


def test_each_article_is_scored_in_exactly_one_outer_fold(articles: list[dataset.Article]) -> None:
    scored: list[str] = []
    for fold in range(5):
        scored += [a.doc_id for a in split_fold(articles, fold, 5).outer]
    assert sorted(scored) == sorted(a.doc_id for a in articles)
    assert len(set(scored)) == len(scored)


def test_inner_sets_never_touch_the_scored_fold(articles: list[dataset.Article]) -> None:
    for fold in range(5):
        train, val, outer = split_fold(articles, fold, 5).ids()
        assert not train & val and not train & outer and not val & outer
        assert train | val | outer == {a.doc_id for a in articles}
        # The inner validation set is a real choice set, neither empty nor most of the data.
        assert 0.1 < len(val) / (len(train) + len(val)) < 0.3


def test_outer_folds_are_the_ones_eval_cv_uses(articles: list[dataset.Article]) -> None:
    split = split_fold(articles, 2, 5)
    assert all(fold_of(a.doc_id, 5) == 2 for a in split.outer)
    assert split_fold(articles, 2, 5).ids() == split.ids()  # stable: no random state


def test_fold_outside_range_is_an_error() -> None:
    with pytest.raises(ValueError):
        split_fold([], 5, 5)


def test_recipes_parse_and_refuse_unknown_keys() -> None:
    assert parse_recipe("lr=3e-4,si=4") == Recipe(3e-4, 4.0)
    assert parse_recipe("lr=2e-4").name == "lr0.0002-si1"
    for bad in ("si=4", "lr=1e-4,epochs=3", "lr="):
        with pytest.raises(ValueError):
            parse_recipe(bad)


def test_summary_averages_present_folds_and_lists_missing_ones(tmp_path: Path) -> None:
    for fold, si in ((0, 0.40), (2, 0.50)):
        (tmp_path / f"fold{fold}-semeval2020.json").write_text(json.dumps(
            {"fold": fold, "chosen": "lr0.0002-si1",
             "outer": {"si": si, "span": 0.2, "tc": 0.6, "paragraph": None}}))
    out = summarise(tmp_path, "semeval2020", 3)
    assert out["folds_scored"] == 2 and out["folds_missing"] == [1]
    assert out["si"] == {"mean": 0.45, "sd": 0.05, "folds": [0.4, 0.5]}
    assert "paragraph" not in out  # no fold had paragraphs: no figure rather than a zero
