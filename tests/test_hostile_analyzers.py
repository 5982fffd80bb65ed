"""Hostile input to the per-document analyzers (issue 14, items 1, 3, 4, 19 and the
worst cases around them): each test builds a crafted text at two sizes and asserts
that the analyzer's time grows about linearly, or asserts the cap or rule that
bounds what it emits. Exact figures belong in ``bench/hostile.py``; the margins here
are generous (4x the input may cost at most 7x the time, where a quadratic path
costs 16x), so a loaded machine does not make them flaky.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from propscope.analyze.embedded_posts import find_embedded_posts
from propscope.analyze.references import MAX_EMBEDDED_POSTS, find_references
from propscope.analyze.repetition import find_repetitions
from propscope.analyze.repetition.maximal_repeats import tokenize
from propscope.analyze.text_patterns import (
    MAX_HASHTAG,
    find_hashtags,
    find_mentions,
    find_urls,
)
from timing import best_of_alternating, cpu_seconds

GROWTH = 7.0     # allowed time ratio for 4x the input (linear: ~4, quadratic: ~16)
FLOOR_S = 0.01   # times below this are noise: compare against at least this much


def assert_linear(fn: Callable[[str], object], make: Callable[[int], str], n: int) -> None:
    small, big = make(n), make(4 * n)
    assert len(big) >= 3.5 * len(small)
    # CPU time, the sizes in alternation, best of 5 each, garbage collector off: why each,
    # see tests/timing.py.
    t1, t4 = best_of_alternating(lambda: fn(small), lambda: fn(big), 5)
    assert t4 <= GROWTH * max(t1, FLOOR_S), (f"{t1:.3f}s for {len(small)} chars, "
                                             f"{t4:.3f}s for {len(big)} chars")


def repetitions(text: str) -> object:
    return find_repetitions("d", text)


def references(text: str) -> object:
    return find_references("d", text)


# ---------------------------------------------------- 1. whitespace runs ----

@pytest.mark.parametrize("make", [
    lambda n: "word " + " \t" * n,                  # a run the tokenizer cannot end in a token
    lambda n: "(@h)" + " " * n,                     # an anchor followed by nothing
    lambda n: "fbq( " + " \n" * n,                  # a tracking-ID needle followed by nothing
    lambda n: ". " * n,                             # sentence ends and nothing else
], ids=["spaces-tabs", "anchor-spaces", "needle-newlines", "dots"])
def test_whitespace_runs_are_linear(make):
    assert_linear(repetitions, make, 50_000)
    assert_linear(references, make, 50_000)


def test_tokens_keep_their_leading_space_flag():
    toks = tokenize("  Iran (PMOI)\t/ MEK\n\n")
    assert toks.keys == [" Iran", " (", "PMOI", ")", " /", " MEK"]
    assert [("  Iran (PMOI)\t/ MEK\n\n")[a:b] for a, b in zip(toks.starts, toks.ends,
                                                             strict=True)] == \
        ["Iran", "(", "PMOI", ")", "/", "MEK"]


def test_a_megabyte_of_spaces_takes_well_under_a_second():
    text = "word " + " \t" * 500_000
    assert cpu_seconds(lambda: repetitions(text)) < 2.0  # was hours before the fix


# ---------------------------------------------------- 3. many links ----

@pytest.mark.parametrize("make", [
    lambda n: " ".join(f"https://ex{i}.org/p?q={i} site{i}.com/x" for i in range(n // 40)),
    lambda n: "".join(f"https://t.co/{i}.a.b/c.d" for i in range(n // 20)),  # no spaces
    lambda n: "https://x.org/a" + ")" * n,              # a link followed by closers
    lambda n: "a." * (n // 2) + "1",                   # a host of endless labels
], ids=["links-and-hosts", "glued-links", "closing-brackets", "labels"])
def test_url_finding_is_linear(make):
    assert_linear(find_urls, make, 40_000)


def test_bare_links_inside_scheme_links_are_skipped_in_order():
    text = " ".join(f"https://a{i}.org/b.com/x c{i}.net/y" for i in range(2000))
    found = find_urls(text)
    assert len(found) == 4000
    assert all(f.value.startswith(("https://a", "c")) for f in found)


# ---------------------------------------------------- 4. embedded posts ----

ATTRIBUTION = " — Jane Doe (@jdoe) May 4, 2021 "


@pytest.mark.parametrize("make", [
    lambda n: ("Go. https://t.co/abc " * 100 + ATTRIBUTION) * (n // 2100),   # sentences + links
    lambda n: ("word https://t.co/abc " * 100 + ATTRIBUTION) * (n // 2300),  # no sentence ends
    lambda n: ("https://t.co/abc\n" * 100 + ATTRIBUTION + "\n") * (n // 1730),
    lambda n: ("x" + ATTRIBUTION) * (n // 33),                               # attributions only
], ids=["sentences-links", "run-on-links", "link-lines", "attributions"])
def test_embedded_post_detection_is_linear(make):
    assert_linear(find_embedded_posts, make, 100_000)


def test_embedded_posts_are_capped_per_document_and_the_cap_is_recorded():
    text = ("Our rally was huge!" + ATTRIBUTION) * (MAX_EMBEDDED_POSTS + 250)
    rows = find_references("d", text)
    posts = [r for r in rows if r["kind"] == "embedded_post"]
    capped = [r for r in rows if r["kind"] == "capped"]
    assert len(posts) == MAX_EMBEDDED_POSTS
    assert len(capped) == 1 and capped[0]["value"] == "embedded_post"
    assert f"{MAX_EMBEDDED_POSTS + 250} embedded_post found" in capped[0]["normalized"]
    assert rows[-1] is capped[0]  # after every row with a span
    # The handles of the dropped posts' attributions are still not mentions.
    assert not [r for r in rows if r["kind"] == "mention"]


def test_a_document_under_the_cap_has_no_capped_row():
    rows = find_references("d", ("Hello there." + ATTRIBUTION) * 10)
    assert sum(r["kind"] == "embedded_post" for r in rows) == 10
    assert not [r for r in rows if r["kind"] == "capped"]


# ---------------------------------------------------- 19. hashtags ----

def test_hashtag_length_is_capped():
    assert [h.value for h in find_hashtags("#" + "a" * MAX_HASHTAG)] == ["#" + "a" * MAX_HASHTAG]
    assert find_hashtags("#" + "a" * (MAX_HASHTAG + 1)) == []
    assert find_hashtags("#" + "a" * 1_000_000 + " #ok") [0].value == "#ok"


@pytest.mark.parametrize(("text", "value"), [
    ("#क्\u200dष_देश ok", "#क्\u200dष_देश"),           # Devanagari virama + ZWJ
    ("#র\u200d্যাব news", "#র\u200d্যাব"),              # Bengali ra + ZWJ + virama (ya-phala)
    ("#می\u200cخواهم ok", "#می\u200cخواهم"),           # Persian ZWNJ
    ("#हिन्दी_दिवस!", "#हिन्दी_दिवस"),                  # vowel signs and virama (marks)
    ("#ok\U000110b9x yes", "#ok\U000110b9x"),         # a supplementary-plane mark (Kaithi)
    ("#love👨\u200d👩\u200d👧 x", "#love"),              # an emoji family after the tag
    ("👨\u200d👩\u200d👧#family", "#family"),            # ... and before it
    ("#tag\u200d👍 fine", "#tag"),                     # a trailing joiner belongs to the emoji
])
def test_joiners_and_marks_do_not_split_hashtags(text, value):
    found = find_hashtags(text)
    assert [h.value for h in found] == [value]
    assert all(text[h.start:h.end] == h.value for h in found)


@pytest.mark.parametrize("text", ["x\u200d#tag", "क\u200c#tag", "#\u200dabc", "C#"])
def test_a_hash_glued_to_a_word_through_a_joiner_is_not_a_tag(text):
    assert find_hashtags(text) == []


@pytest.mark.parametrize(("text", "value"), [
    ("hi @علی\u200cرضا\u200c there", "@علی\u200cرضا"),
    ("hi @राहुल\u200d_x there", "@राहुल\u200d_x"),
    ("hi @ana👩\u200d💻 there", "@ana"),
])
def test_joiners_do_not_split_handles(text, value):
    assert [m.value for m in find_mentions(text)] == [value]


def test_many_hashtags_and_long_tags_are_linear():
    assert_linear(references, lambda n: " ".join(f"#t{i}x" for i in range(n // 7)), 40_000)
    assert_linear(references, lambda n: "#" + "a" * n, 100_000)
    assert_linear(references, lambda n: "#" * n, 100_000)


# ---------------------------------------------------- other worst cases ----

@pytest.mark.parametrize("make", [
    lambda n: "a" * n,                                                  # one character
    lambda n: "ha " * (n // 3),                                         # one word, periodic
    lambda n: "(" * (n // 2) + ")" * (n // 2),                          # deep nesting
    lambda n: "((a b) " * (n // 7),                                     # unbalanced nesting
    lambda n: " ".join(f"https://t.co/x{i} word" * 5 for i in range(n // 150)),  # many phrases
    lambda n: " ".join(f"item {i} costs {i}, item {i} costs {i}, item {i} costs {i}."
                       for i in range(n // 60)),                       # thousands of repeats
], ids=["one-char", "periodic", "deep-nesting", "unbalanced", "many-phrases", "many-repeats"])
def test_repetitions_are_linear_on_worst_cases(make):
    assert_linear(repetitions, make, 50_000)


def test_a_single_line_of_mixed_signals_is_linear():
    unit = "See https://x.org/a#b and www.y.com, #Tag @user a@b.com UA-1234567-1 (note) — "
    assert_linear(references, lambda n: unit * (n // len(unit)), 50_000)
