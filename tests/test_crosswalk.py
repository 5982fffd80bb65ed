"""SemEval-2023 English spans as extra SemEval-2020 training articles (techniques.crosswalk).

Hand-made mini corpora in both layouts: the same article with different line
breaks, a 2023-only training article and a 2023-only validation article.
"""

from __future__ import annotations

from itertools import count, islice
from pathlib import Path

from propscope.training import crosswalk, dataset


def _ids(validation: bool, n: int) -> list[str]:
    return list(islice((str(i) for i in count(700000000) if dataset.is_validation(str(i)) == validation), n))


def _span(doc_id: str, text: str, phrase: str, label: str, nth: int = 0) -> str:
    start = -1
    for _ in range(nth + 1):
        start = text.index(phrase, start + 1)
    return f"{doc_id}\t{label}\t{start}\t{start + len(phrase)}\n"


def _corpora(root: Path) -> dict[str, str]:
    shared, only_train = _ids(False, 2)
    (only_val,) = _ids(True, 1)
    old_text = "Mayor quits\n\nThey are traitors.\nWe must act now!\nSome said it was hypocrisy.\n"
    new_text = "Mayor quits\n\nThey are traitors. We must act now!  Some said it was hypocrisy.\n"
    extra_text = "Budget vote\n\nOur rivals are clowns, and nobody knows what the plan is. Act now!\n"
    p20, p23 = root / "ptc2020", root / "semeval2023" / "en"
    for d in (p20 / "articles", p20 / "labels", p23 / "articles", p23 / "spans"):
        d.mkdir(parents=True)
    (p20 / "articles" / f"article{shared}.txt").write_text(old_text, encoding="utf-8")
    (p20 / "labels" / f"article{shared}.task2-TC.labels").write_text(
        _span(shared, old_text, "traitors", "Name_Calling,Labeling")
        + _span(shared, old_text, "We must act now", "Slogans"), encoding="utf-8")
    (p23 / "articles" / f"article{shared}.txt").write_text(new_text, encoding="utf-8")
    (p23 / "spans" / f"article{shared}-labels-subtask-3.txt").write_text(
        _span(shared, new_text, "traitors", "Name_Calling-Labeling")
        + _span(shared, new_text, "We must act now", "Slogans")
        # a label the 2020 annotators never used here: must not be renamed
        + _span(shared, new_text, "Some said", "Obfuscation-Vagueness-Confusion"), encoding="utf-8")
    for doc_id in (only_train, only_val):
        (p23 / "articles" / f"article{doc_id}.txt").write_text(extra_text, encoding="utf-8")
        (p23 / "spans" / f"article{doc_id}-labels-subtask-3.txt").write_text(
            _span(doc_id, extra_text, "clowns", "Name_Calling-Labeling")
            + _span(doc_id, extra_text, "Act now", "Slogans")
            + _span(doc_id, extra_text, "nobody knows what the plan is", "Obfuscation-Vagueness-Confusion"),
            encoding="utf-8")
    (p23 / "train-labels-subtask-3.txt").write_text("", encoding="utf-8")
    return {"shared": shared, "only_train": only_train, "only_val": only_val, "old": old_text, "new": new_text,
            "extra": extra_text}


def test_spans_move_between_texts_that_differ_only_in_whitespace(tmp_path):
    c = _corpora(tmp_path)
    art = next(a for a in dataset.load(tmp_path, "semeval2023").articles if a.doc_id == c["shared"])
    moved = crosswalk.aligned_spans(art, c["old"])
    assert [c["old"][s.start:s.end] for s in moved] == [c["new"][s.start:s.end] for s in art.spans]
    assert [c["old"][s.start:s.end] for s in moved] == ["traitors", "We must act now", "Some said"]
    assert crosswalk.aligned_spans(art, c["old"].replace("traitors", "patriots")) is None


def test_renaming_is_learned_from_aligned_training_spans_only(tmp_path):
    _corpora(tmp_path)
    renaming = crosswalk.learn_renaming(dataset.load(tmp_path, "semeval2020"), dataset.load(tmp_path, "semeval2023"))
    assert renaming == {"Name_Calling-Labeling": "Name_Calling,Labeling", "Slogans": "Slogans"}


def test_extra_articles_are_2023_only_training_articles_with_2020_labels(tmp_path):
    c = _corpora(tmp_path)
    extra = crosswalk.extra_2020_articles(tmp_path)
    assert [a.doc_id for a in extra] == [c["only_train"]]  # not the shared one, not the validation one
    got = sorted((c["extra"][s.start:s.end], s.technique) for s in extra[0].spans)
    assert got == [("Act now", "Slogans"), ("clowns", "Name_Calling,Labeling")]  # the unlearned label is dropped


def test_agreement_reports_the_aligned_share(tmp_path):
    _corpora(tmp_path)
    report = crosswalk.agreement(tmp_path)
    assert report["shared_articles"] == 1 and report["aligned"] == 1
    si = report["si_of_2023_spans_vs_2020_gold"]
    assert si["recall"] == 1.0 and si["precision"] < 1.0  # the Obfuscation span has no 2020 counterpart
    assert report["extra_training_articles"] == 1 and report["extra_spans"] == 2
