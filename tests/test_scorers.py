"""The SemEval scorers on small hand-made cases whose values are worked out by hand."""

from __future__ import annotations

import pytest

from propscope.evaluate.formats import (
    Span,
    paragraph_lines,
    read_paragraphs,
    read_spans,
    spans_to_paragraphs,
    write_paragraphs,
    write_spans,
)
from propscope.evaluate.scorers import (
    merge_intervals,
    paragraph_score,
    si_score,
    span_score,
    tc_score,
)

GOLD = [Span("1", 0, 10, "Loaded_Language"), Span("1", 20, 30, "Doubt"), Span("2", 5, 15, "Slogans")]


def test_perfect_predictions_score_one():
    for scorer in (si_score, span_score, tc_score):
        s = scorer(GOLD, GOLD)
        assert (s.precision, s.recall, s.f1) == (1.0, 1.0, 1.0)


def test_empty_predictions_and_empty_gold_score_zero():
    for scorer in (si_score, span_score, tc_score):
        assert scorer([], GOLD).f1 == 0.0
        assert scorer(GOLD, []).f1 == 0.0
        assert scorer([], []).f1 == 0.0


def test_si_partial_overlap_credit():
    # Predicted [5, 15) against gold [0, 10): overlap 5 chars.
    # precision = 5/10 (over one predicted span); recall = (5/10) / 3 gold spans.
    s = si_score([Span("1", 5, 15)], GOLD)
    assert s.precision == pytest.approx(0.5)
    assert s.recall == pytest.approx(0.5 / 3)
    assert s.f1 == pytest.approx(2 * 0.5 * (0.5 / 3) / (0.5 + 0.5 / 3))


def test_si_ignores_technique_but_span_f1_does_not():
    wrong_label = [Span("1", 0, 10, "Doubt")]
    assert si_score(wrong_label, GOLD).precision == 1.0
    assert span_score(wrong_label, GOLD).precision == 0.0
    right_label = [Span("1", 0, 5, "Loaded_Language")]
    s = span_score(right_label, GOLD)
    assert s.precision == pytest.approx(1.0)
    assert s.recall == pytest.approx(0.5 / 3)


def test_overlapping_gold_spans_are_merged_for_si():
    gold = [Span("1", 0, 10, "A"), Span("1", 5, 20, "B")]  # one region [0, 20)
    s = si_score([Span("1", 0, 20)], gold)
    assert (s.precision, s.recall) == (1.0, 1.0)
    assert merge_intervals([(5, 20), (0, 10), (30, 31), (31, 33)]) == [(0, 20), (30, 33)]


def test_spans_in_another_article_get_no_credit():
    assert si_score([Span("2", 0, 10)], [Span("1", 0, 10)]).f1 == 0.0


def test_tc_micro_f1_counts_multisets():
    gold = [Span("1", 0, 10, "A"), Span("1", 0, 10, "B"), Span("1", 20, 30, "C")]
    pred = [Span("1", 0, 10, "A"), Span("1", 0, 10, "A"), Span("1", 20, 30, "C")]
    s = tc_score(pred, gold)  # 2 of 3 right: the duplicate A matches only once
    assert s.precision == pytest.approx(2 / 3) and s.recall == pytest.approx(2 / 3)


def test_paragraph_micro_and_macro():
    gold = {("1", 1): frozenset({"A"}), ("1", 3): frozenset({"A", "B"}), ("1", 4): frozenset()}
    pred = {("1", 1): frozenset({"A"}), ("1", 3): frozenset({"B", "C"})}
    s = paragraph_score(pred, gold)
    # tp: A@1, B@3 = 2; fp: C@3 = 1; fn: A@3 = 1 -> micro P = R = 2/3
    assert s.micro.precision == pytest.approx(2 / 3) and s.micro.recall == pytest.approx(2 / 3)
    # per label: A (P 1, R 1/2, F1 2/3), B (1), C (0) -> macro = (2/3 + 1 + 0) / 3
    assert s.macro_f1 == pytest.approx((2 / 3 + 1.0) / 3)
    assert paragraph_score(gold, gold).micro.f1 == 1.0
    assert paragraph_score({}, gold).micro.f1 == 0.0


def test_formats_round_trip(tmp_path):
    write_spans(GOLD, tmp_path / "s.txt")
    assert sorted(read_spans(tmp_path / "s.txt")) == sorted(GOLD)
    par = {("7", 1): frozenset({"A", "B"}), ("7", 3): frozenset()}
    write_paragraphs(par, tmp_path / "p.txt")
    assert read_paragraphs(tmp_path / "p.txt") == par


def test_paragraph_lines_count_every_line():
    text = "Title\n\nFirst para.\nSecond para.\n\n"
    assert [no for no, _, _ in paragraph_lines(text)] == [1, 3, 4]
    labels = spans_to_paragraphs({"9": text}, [Span("9", 8, 12, "A")])
    assert labels == {("9", 1): frozenset(), ("9", 3): frozenset({"A"}), ("9", 4): frozenset()}


def test_malformed_line_names_file_and_line(tmp_path):
    from propscope.errors import InputError

    bad = tmp_path / "bad.labels"
    bad.write_text("1\tA\t0\t5\n1\tA\tzero\t5\n")
    with pytest.raises(InputError, match=r"bad.labels:2"):
        read_spans(bad)
