"""The repetitions analyzer on invented documents: stuffing found, ordinary writing left alone."""

from __future__ import annotations

import random

import pyarrow as pa
import pytest

from propscope.analyze.registry import get_analyzer
from propscope.analyze.repetition import (
    PAGE_FURNITURE_SCHEMA,
    REPETITIONS_SCHEMA,
    analyze_repetitions,
)
from propscope.analyze.repetition.maximal_repeats import find_repeats, tokenize
from propscope.document import Document

# Ordinary sentences from several invented outlets and viewpoints; none repeats
# a phrase, so any finding comes from what a test inserts.
FILLER = [
    "The council met on Tuesday to discuss the new budget for road repairs.",
    "Farmers in the northern districts say the late rains ruined much of the harvest.",
    "Critics of the plan argue that it favours large companies over small shops.",
    "Supporters reply that the reform will bring investment and jobs within two years.",
    "A spokeswoman for the ministry declined to comment on the leaked report.",
    "Teachers marched through the old town demanding higher wages and smaller classes.",
    "The opposition accused the government of hiding the true cost of the bridge.",
    "Local clinics reported a sharp rise in patients after the heatwave began.",
    "Several families who lost their homes in the flood are still waiting for help.",
    "An independent audit found gaps in how the regional fund was managed.",
    "Religious leaders called for calm after a night of clashes near the square.",
    "Economists expect inflation to ease slowly as energy prices fall back.",
    "The football club announced that its stadium will be rebuilt by next spring.",
    "Residents of the coastal villages fear that tourism is pushing up rents.",
    "Environmental groups welcomed the ban on plastic bags but want stricter rules.",
    "Union representatives will vote next week on whether to accept the offer.",
    "The court postponed the hearing because a key witness fell ill.",
    "Young voters told reporters they care most about housing and climate.",
    "The museum reopened with an exhibition of photographs from the war years.",
    "Police said the protest ended peacefully shortly before midnight.",
]


_VOCAB = sorted({w.strip(".,").lower() for s in FILLER for w in s.split()})


def _generated(i: int) -> str:
    """A further filler sentence: words of FILLER in a seeded random order, so a long
    document has no phrase that comes back by chance."""
    rng = random.Random(i)
    words = rng.sample(_VOCAB, rng.randint(8, 14))
    return " ".join(words).capitalize() + "."


def document(*inserts: str, sentences: int = 40, every: int = 1) -> str:
    """Paragraphs of filler sentences; ``inserts[k]`` goes before every ``every``-th one."""
    out, k = [], 0
    for i in range(sentences):
        sentence = FILLER[i] if i < len(FILLER) else _generated(i)
        if inserts and i % every == 0 and k < len(inserts):
            sentence = inserts[k] + " " + sentence
            k += 1
        out.append(sentence)
    return "\n\n".join(" ".join(out[i:i + 3]) for i in range(0, len(out), 3))


def reps(text: str) -> list[dict]:
    rows = analyze_repetitions(Document.create(text))["repetitions"]
    for r in rows:
        assert r["count"] == len(r["starts"])
        for s in r["starts"]:
            assert text[s:s + len(r["phrase"])] == r["phrase"]
    return rows


def test_registered_with_schema_that_accepts_its_rows():
    an = get_analyzer("repetitions")
    # version 2: page furniture is reported apart (its own table), so rows changed
    assert an.name == "repetitions" and an.version == "2"
    assert an.tables == {"repetitions": REPETITIONS_SCHEMA, "page_furniture": PAGE_FURNITURE_SCHEMA}
    assert REPETITIONS_SCHEMA.names[0] == "doc_id"
    text = document(*["The Northern Alliance (NA / Free North) said so."] * 6, every=3)
    rows = an.fn(Document.create(text))["repetitions"]
    table = pa.Table.from_pylist(rows, schema=REPETITIONS_SCHEMA)
    assert table.num_rows == 1


def test_ordinary_text_has_no_findings():
    assert reps(document()) == []


def test_bracketed_insertion_is_stuffing_with_every_offset():
    tag = "(GVFU / Valley Farmers)"
    names = ["the Union", "the Green Valley Farmers Union", "the Union", "the movement",
             "the Union", "the Union", "the Union"]
    inserts = [f"Leaders of {n} {tag} spoke again." for n in names]
    text = document(*inserts, every=5)
    rows = reps(text)
    assert len(rows) == 1
    row = rows[0]
    assert (row["kind"], row["phrase"], row["count"]) == ("stuffing", tag, 7)
    assert row["starts"] == [i for i in range(len(text)) if text.startswith(tag, i)]
    assert row["entity"] == "Union" and row["entity_count"] == 6
    assert "7 times" in row["reason"] and "'Union' 6 of 7" in row["reason"]
    assert 0 < row["density"] < 0.1 and row["score"] >= 1


def test_comma_appositive_attached_to_a_name():
    aside = "Radio Libertad, the only honest voice left in the region,"
    inserts = [f"{a} {aside} {b}" for a, b in [
        ("Listeners of", "heard it first."), ("As reported by", "prices rose."),
        ("Sources close to", "confirm the deal."), ("Hosts at", "asked why."),
        ("Yesterday", "broadcast the speech."), ("Only", "covered the march.")]]
    rows = reps(document(*inserts, every=4))
    assert [(r["kind"], r["rule"], r["phrase"], r["count"]) for r in rows] == [
        ("stuffing", "set_off_insertion", "the only honest voice left in the region", 6)]
    assert rows[0]["entity"] == "Radio Libertad"


def test_search_engine_phrase_stuffing():
    phrase = "best cheap flights to Lisbon"
    inserts = [f"{a} {phrase} {b}" for a, b in [
        ("Book the", "today."), ("Compare", "now!"), ("Looking for", "?"),
        ("We list", "and hotels."), ("Find", "in May."), ("Top deals:", "."),
        ("Cheapest", "with us.")]]
    rows = reps(document(*inserts, sentences=24, every=3))
    assert [(r["rule"], r["phrase"], r["count"]) for r in rows] == [
        ("long_phrase", phrase, 7)]
    assert "5-word phrase" in rows[0]["reason"]


def test_short_keyword_at_extreme_rate():
    words = ["is", "pure", "and", "fresh", "and", "cheap", "and", "legal", "and", "fast",
             "and", "safe", "and", "good"]
    text = " ".join(f"Kratom Gold {w} here." for w in words)
    rows = reps(text)
    assert [(r["rule"], r["phrase"], r["count"]) for r in rows] == [
        ("short_phrase", "Kratom Gold", 14)]


def test_templated_insertion_below_stuffing_rate():
    aside = "Minister Alvarez, a long-time friend of the smuggling networks,"
    inserts = [f"On {d} {aside} {v}" for d, v in [
        ("Monday", "opened a school."), ("Friday", "met the press."), ("Sunday", "went home.")]]
    rows = reps(document(*inserts, every=12))
    assert [(r["kind"], r["phrase"], r["count"], r["entity"]) for r in rows] == [
        ("templated_insertion", "a long-time friend of the smuggling networks", 3,
         "Minister Alvarez")]


@pytest.mark.parametrize("inserts, every", [
    # a bracketed aside, but only once every ~270 words in a long text
    ([f"{w} (Regional Water Fund) agreed." for w in ["The fund", "Its board", "Staff", "It"]],
     27),
    # a name repeated as names are: often, yet no faster than ordinary news does
    ([f"Mayor Okafor {v} on Friday." for v in
      ["spoke", "wrote", "arrived", "left", "laughed", "waited", "voted", "cried", "won"]], 4),
    # stage directions in a transcript are single words
    (["(Applause)"] * 10, 3),
    # a quote attribution after each quote
    ([f"“We will {v},” said Okafor." for v in ["win", "fight", "build", "stay", "vote"]], 5),
    # a chant quoted three times: too few
    (["“Land and bread for all of us!”"] * 3, 6),
])
def test_ordinary_repetition_is_not_flagged(inserts, every):
    assert reps(document(*inserts, sentences=110, every=every)) == []


def test_embedded_post_attributions_do_not_count():
    posts = [f"Our march was huge #{t} — Valley Voices Network (@valley_voices) May {d}, 2021"
             for t, d in [("Vote", 1), ("Act", 2), ("Now", 3), ("Go", 4), ("Run", 5)]]
    assert reps(document(*posts, every=4)) == []


def test_no_flood_of_sub_phrases():
    phrase = "[sponsored by the Orion Mining Consortium Group]"
    text = document(*[f"This story {phrase} continues." for _ in range(8)], every=4)
    rows = reps(text)
    assert [r["phrase"] for r in rows] == [phrase]


def test_repeats_are_maximal_and_respect_hyphenated_words():
    text = ("one alpha beta gamma delta two. three alpha beta gamma delta four. "
            "five alpha beta gamma delta six. re-entry after deportation x; re-entry after "
            "deportation y; re-entry after deportation z.")
    found = {r.phrase: len(r.starts) for r in find_repeats(text)}
    assert found == {"alpha beta gamma delta": 3, "re-entry after deportation": 3}


def test_overlapping_repeats_and_tokens_tile_the_text():
    text = "ha ha ha ha ha ha ha ha ha ha  ha\nha"
    toks = tokenize(text)
    assert [text[a:b] for a, b in zip(toks.starts, toks.ends, strict=True)] == ["ha"] * 12
    for r in find_repeats(text):
        assert all(b - a >= len(r.phrase) for a, b in zip(r.starts, r.starts[1:], strict=False))
    assert reps("") == [] and reps("word") == []


def test_periodic_spam_is_reported_as_its_unit():
    rows = reps("buy cheap pills now " * 3000)
    assert [(r["phrase"], r["count"]) for r in rows] == [("buy cheap pills now", 3000)]


def test_very_long_document_is_judged_in_windows_with_true_offsets():
    from propscope.analyze.repetition import analyzer as repetition
    tag = "(Orion Mining / OMC Group)"
    inserts = [f"Staff at {w} {tag} agreed." for w in ["Orion", "the mine", "the firm", "Orion",
                                                    "the board", "the site"]]
    stuffed = document(*inserts, every=6)
    filler = document(sentences=60)
    text = filler + "\n\n" + stuffed
    old = repetition.WINDOW_CHARS
    repetition.WINDOW_CHARS = len(filler) + 2  # the stuffed part lies in the second window
    try:
        rows = reps(text)
    finally:
        repetition.WINDOW_CHARS = old
    assert [(r["phrase"], r["count"]) for r in rows] == [(tag, 6)]
    assert rows[0]["starts"][0] > len(filler)
