"""The official SemEval metrics, implemented from the task descriptions.

* SI (SemEval-2020 Task 11, span identification): technique-agnostic; each
  predicted span earns credit proportional to its character overlap with gold
  spans (Da San Martino et al., 2020, section 3). Overlapping spans of one article
  are merged first, on both sides, because SI spans carry no technique.
* TC (technique classification of given spans): micro-F1 over (article, start,
  end, technique) tuples, counted as multisets.
* Technique-aware span F1: the SI formula, but overlap only counts between spans
  with the same technique (spans of one technique are merged within an article).
* SemEval-2023 subtask 3: paragraph-level multi-label micro- and macro-F1.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .formats import ParagraphLabels, Span


@dataclass(frozen=True)
class PRF:
    precision: float
    recall: float
    f1: float

    def as_dict(self) -> dict[str, float]:
        return {"precision": round(self.precision, 4), "recall": round(self.recall, 4),
                "f1": round(self.f1, 4)}


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r > 0 else 0.0


def merge_intervals(intervals: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Union of half-open intervals (overlapping or touching ones are joined)."""
    out: list[list[int]] = []
    for a, b in sorted(intervals):
        if b <= a:
            continue
        if out and a <= out[-1][1]:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return [(a, b) for a, b in out]


def _overlap_prf(pred: dict[object, list[tuple[int, int]]],
                 gold: dict[object, list[tuple[int, int]]]) -> PRF:
    n_pred = sum(len(v) for v in pred.values())
    n_gold = sum(len(v) for v in gold.values())
    p_credit = r_credit = 0.0
    for key, p_spans in pred.items():
        g_spans = gold.get(key, [])
        for a, b in p_spans:
            for c, d in g_spans:
                inter = min(b, d) - max(a, c)
                if inter > 0:
                    p_credit += inter / (b - a)
                    r_credit += inter / (d - c)
    precision = p_credit / n_pred if n_pred else 0.0
    recall = r_credit / n_gold if n_gold else 0.0
    return PRF(precision, recall, _f1(precision, recall))


def _group(spans: Iterable[Span], by_technique: bool) -> dict[object, list[tuple[int, int]]]:
    raw: dict[object, list[tuple[int, int]]] = defaultdict(list)
    for s in spans:
        raw[(s.doc_id, s.technique) if by_technique else s.doc_id].append((s.start, s.end))
    return {k: merge_intervals(v) for k, v in raw.items()}


def si_score(pred: Iterable[Span], gold: Iterable[Span]) -> PRF:
    """SemEval-2020 SI: precision/recall/F1 with partial-overlap credit."""
    return _overlap_prf(_group(pred, False), _group(gold, False))


def span_score(pred: Iterable[Span], gold: Iterable[Span]) -> PRF:
    """Technique-aware span F1: SI credit, counted only between same-technique spans."""
    return _overlap_prf(_group(pred, True), _group(gold, True))


def tc_score(pred: Iterable[Span], gold: Iterable[Span]) -> PRF:
    """SemEval-2020 TC micro-F1: exact (article, start, end, technique) matches."""
    p = Counter((s.doc_id, s.start, s.end, s.technique) for s in pred)
    g = Counter((s.doc_id, s.start, s.end, s.technique) for s in gold)
    tp = sum((p & g).values())
    precision = tp / sum(p.values()) if p else 0.0
    recall = tp / sum(g.values()) if g else 0.0
    return PRF(precision, recall, _f1(precision, recall))


@dataclass(frozen=True)
class MultiLabelScore:
    micro: PRF
    macro_f1: float
    per_label: dict[str, PRF]

    def as_dict(self) -> dict:
        return {"micro": self.micro.as_dict(), "macro_f1": round(self.macro_f1, 4),
                "per_label": {k: v.as_dict() for k, v in sorted(self.per_label.items())}}


def multilabel_score(pred: dict, gold: dict, labels: Sequence[str] | None = None) -> MultiLabelScore:
    """Micro and macro F1 of multi-label predictions keyed like ``gold``.

    Only keys of ``gold`` are scored (a missing prediction is an empty set). Macro
    F1 averages over ``labels`` if given, else over every label seen in gold or
    predictions, so a label predicted but never gold counts as F1 = 0.
    """
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    for key, g in gold.items():
        p = pred.get(key, frozenset())
        for lab in p & g:
            tp[lab] += 1
        for lab in p - g:
            fp[lab] += 1
        for lab in g - p:
            fn[lab] += 1
    universe = list(labels) if labels is not None else sorted(set(tp) | set(fp) | set(fn))
    per_label = {}
    for lab in universe:
        pr = tp[lab] / (tp[lab] + fp[lab]) if tp[lab] + fp[lab] else 0.0
        rc = tp[lab] / (tp[lab] + fn[lab]) if tp[lab] + fn[lab] else 0.0
        per_label[lab] = PRF(pr, rc, _f1(pr, rc))
    stp, sfp, sfn = sum(tp.values()), sum(fp.values()), sum(fn.values())
    mp = stp / (stp + sfp) if stp + sfp else 0.0
    mr = stp / (stp + sfn) if stp + sfn else 0.0
    macro = sum(v.f1 for v in per_label.values()) / len(per_label) if per_label else 0.0
    return MultiLabelScore(PRF(mp, mr, _f1(mp, mr)), macro, per_label)


def paragraph_score(pred: ParagraphLabels, gold: ParagraphLabels,
                    labels: Sequence[str] | None = None) -> MultiLabelScore:
    """SemEval-2023 subtask 3: paragraph-level micro/macro F1 over gold paragraphs."""
    return multilabel_score(pred, gold, labels)
