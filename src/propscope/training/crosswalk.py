"""SemEval-2023 English annotations as extra SemEval-2020 training articles.

The SemEval-2023 English articles are the PTC articles re-annotated, plus 68
articles PTC does not have. On the articles both corpora share, the 2023 spans
*are* the 2020 spans under new names: as an SI prediction of the 2020 gold they
score F1 0.998 (289 of 302 texts are equal up to whitespace; measured in
docs/techniques.md, "Extra articles"). So the 2023-only articles outside the
validation bucket are extra 2020 training data once their labels are renamed.

The renaming is learned, not assumed: for every 2023 label, the 2020 label its
spans carry on shared *training* articles (spans aligned through the
whitespace-normalised text). Labels with no 2020 counterpart there (e.g.
``Obfuscation-Vagueness-Confusion``, which 2020 annotators did not mark) are
dropped with their spans rather than guessed, because a 2020 annotator would
have left that text unmarked.
"""

from __future__ import annotations

import bisect
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path

from ..evaluate.formats import Span
from . import dataset

MIN_SHARE = 0.8  # a 2023 label is renamed only where one 2020 label has this share of its aligned spans


def _squeeze(text: str) -> tuple[str, list[int]]:
    """``text`` with whitespace runs made one space (ends stripped), and each kept char's offset."""
    chars: list[str] = []
    where: list[int] = []
    in_space = True  # drops leading whitespace
    for k, ch in enumerate(text):
        if ch.isspace():
            if not in_space:
                chars.append(" ")
                where.append(k)
            in_space = True
        else:
            chars.append(ch)
            where.append(k)
            in_space = False
    if chars and chars[-1] == " ":
        chars.pop()
        where.pop()
    return "".join(chars), where


def aligned_spans(source: dataset.Article, target_text: str) -> list[Span] | None:
    """``source``'s spans moved onto ``target_text``; None unless the texts differ only in whitespace."""
    s_norm, s_where = _squeeze(source.text)
    t_norm, t_where = _squeeze(target_text)
    if s_norm != t_norm:
        return None
    out = []
    for s in source.spans:
        first = bisect.bisect_left(s_where, s.start)
        last = bisect.bisect_left(s_where, s.end) - 1
        if first > last or last >= len(t_where):
            continue
        out.append(Span(s.doc_id, t_where[first], t_where[last] + 1, s.technique))
    return out


def _aligned(d2020: dataset.LabelledSet, d2023: dataset.LabelledSet,
             training_only: bool) -> Iterator[tuple[dataset.Article, list[Span]]]:
    """Each shared article whose texts match up to whitespace: (2020 article, 2023 spans moved onto it)."""
    old = {a.doc_id: a for a in d2020.articles if not (training_only and dataset.is_validation(a.doc_id))}
    for art in d2023.articles:
        if art.doc_id in old:
            moved = aligned_spans(art, old[art.doc_id].text)
            if moved is not None:
                yield old[art.doc_id], moved


def learn_renaming(d2020: dataset.LabelledSet, d2023: dataset.LabelledSet) -> dict[str, str]:
    """2023 label -> 2020 label, from spans aligned on shared training articles."""
    votes: dict[str, Counter] = defaultdict(Counter)
    for old, moved in _aligned(d2020, d2023, training_only=True):
        by_place: dict[tuple[int, int], list[str]] = defaultdict(list)
        for s in old.spans:
            by_place[(s.start, s.end)].append(s.technique)
        for s in moved:
            for label in by_place.get((s.start, s.end), [""]):
                votes[s.technique][label] += 1
    renaming = {}
    for label, counter in votes.items():
        best, n = counter.most_common(1)[0]
        if best and n >= MIN_SHARE * sum(counter.values()):
            renaming[label] = best
    return renaming


def _extra(d2020: dataset.LabelledSet, d2023: dataset.LabelledSet, renaming: dict[str, str]) -> list[dataset.Article]:
    known = {a.doc_id for a in d2020.articles}
    out = []
    for art in d2023.articles:
        if art.doc_id in known or dataset.is_validation(art.doc_id):
            continue
        spans = [Span(s.doc_id, s.start, s.end, renaming[s.technique]) for s in art.spans if s.technique in renaming]
        out.append(dataset.Article(art.doc_id, art.text, sorted(spans)))
    return out


def extra_2020_articles(data_dir: str | Path) -> list[dataset.Article]:
    """SemEval-2023 English articles absent from PTC and outside validation, with 2020 labels."""
    d2020 = dataset.load(data_dir, "semeval2020")
    d2023 = dataset.load(data_dir, "semeval2023")
    return _extra(d2020, d2023, learn_renaming(d2020, d2023))


def agreement(data_dir: str | Path) -> dict:
    """How far the 2023 spans reproduce the 2020 gold on the articles both corpora share.

    The 2023 spans, moved onto the 2020 texts, are scored as an SI prediction of
    the 2020 gold (all shared articles, validation included: this measures the
    annotations, not a model). This is the figure that licenses
    :func:`extra_2020_articles`.
    """
    from ..evaluate.scorers import si_score

    d2020 = dataset.load(data_dir, "semeval2020")
    d2023 = dataset.load(data_dir, "semeval2023")
    shared = {a.doc_id for a in d2020.articles} & {a.doc_id for a in d2023.articles}
    pairs = list(_aligned(d2020, d2023, training_only=False))
    pred = [s for _, moved in pairs for s in moved]
    gold = [s for old, _ in pairs for s in old.spans]
    renaming = learn_renaming(d2020, d2023)
    extra = _extra(d2020, d2023, renaming)
    return {"shared_articles": len(shared), "aligned": len(pairs),
            "si_of_2023_spans_vs_2020_gold": si_score(pred, gold).as_dict(), "renaming": renaming,
            "extra_training_articles": len(extra), "extra_spans": sum(len(a.spans) for a in extra)}

def main(argv: list[str] | None = None) -> None:
    import argparse
    import json

    p = argparse.ArgumentParser(description="Agreement of the 2023 and 2020 English annotations, and the "
                                            "extra 2020 training articles it yields.")
    p.add_argument("--data", type=Path, required=True)
    print(json.dumps(agreement(p.parse_args(argv).data), indent=2))


if __name__ == "__main__":
    main()
