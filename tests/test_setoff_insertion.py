"""A set-off insertion whose words repeat the name it follows (issue 17, item 5).

In "the European Union (the European Union / UN News)" the name occurs twice per
insertion: counted alone it comes back twice as often as the insertion and used to
win, so the row said "European Union" x2N instead of the inserted unit xN. Each
case below is an invented article with the insertion N times among varying words;
the one row must be the insertion itself, with its exact count and offsets.
"""

from __future__ import annotations

import random

import pytest

from propscope.analyze.repetition import find_repetitions

_PROSE = ("Officials met on Tuesday to discuss the budget and the plan for the coming year "
          "in the capital city while farmers waited for news about prices")
FILLER = _PROSE.split()


def article(insertion: str, n: int = 12, gap: int = 12, seed: int = 0) -> str:
    rnd = random.Random(seed)
    parts = []
    for _ in range(n):
        parts.append(" ".join(rnd.choice(FILLER) for _ in range(gap)))
        parts.append(insertion)
    return " ".join(parts) + " end."


@pytest.mark.parametrize(("insertion", "phrase"), [
    # brackets, the name inside with its article, first or last
    ("the European Union (the European Union / UN News) said",
     "(the European Union / UN News)"),
    ("for the European Union (UN News / the European Union) said",
     "(UN News / the European Union)"),
    ("the Union [Union / UN News] said", "[Union / UN News]"),
    # dashes: em, en, a spaced hyphen
    ("said the European Union — European Union / UN News — today", "European Union / UN News"),
    ("said the European Union – European Union, UN News – today", "European Union, UN News"),
    ("said the European Union - European Union / UN News - today", "European Union / UN News"),
    ("Acme Holdings — Acme Holdings Group — reported", "Acme Holdings Group"),
    # after a slash, whatever follows it
    ("the European Union / European Union / UN News said", "European Union / UN News"),
    ("the European Union / European Union Press Office, said", "European Union Press Office"),
    # other scripts and apostrophes
    ("le Conseil d'État (Conseil d'État / AFP) a dit", "(Conseil d'État / AFP)"),
    ("der Bundesrat — Bundesrat Presse / dpa — erklärte", "Bundesrat Presse / dpa"),
])
@pytest.mark.parametrize("gap", [6, 12, 40])
def test_the_insertion_is_reported_not_the_repeated_name(insertion, phrase, gap):
    text = article(insertion, gap=gap)
    rows = find_repetitions("d", text)
    assert [r["phrase"] for r in rows] == [phrase]
    row = rows[0]
    expected = []
    i = text.find(phrase)
    while i >= 0:
        expected.append(i)
        i = text.find(phrase, i + len(phrase))
    assert row["count"] == 12 == len(expected)
    assert row["starts"] == expected
    assert row["rule"] == "set_off_insertion" and row["kind"] == "stuffing"


def test_the_name_is_still_reported_when_it_is_stuffed_elsewhere_too():
    """The insertion explains only its own occurrences of the name: a name also
    pasted on its own, often enough to be stuffing, keeps those occurrences."""
    text = article("the European Union — European Union / UN News — today") + " " + \
        " ".join(f"European Union {w}" for w in FILLER[:20])
    rows = {r["phrase"]: r for r in find_repetitions("d", text)}
    assert rows["European Union / UN News"]["count"] == 12
    assert rows["European Union"]["count"] == 20
    assert all(text.startswith("European Union", s) for s in rows["European Union"]["starts"])


def test_a_dash_aside_that_does_not_repeat_the_name_keeps_its_old_rule():
    """Only asides repeating the name are split out: "Union — our trusted partner —"
    stays the one repeat it always was (the golden file pins it too)."""
    text = article("the Union — our trusted partner — acted", n=8, gap=30)
    rows = find_repetitions("d", text)
    assert [r["phrase"] for r in rows] == ["Union — our trusted partner — acted"]


def test_a_slash_inside_a_name_is_not_an_aside():
    """"PMOI / MEK Iran" is one name: "MEK Iran" after its slash is not set off."""
    text = article("the Resistance (PMOI / MEK Iran), said", n=9, gap=30)
    rows = find_repetitions("d", text)
    assert [r["phrase"] for r in rows] == ["(PMOI / MEK Iran)"]
