"""The rules that judge one repeated phrase: stuffing, templated insertion, or nothing.

Ordinary writing repeats names ("White House" can come back twenty times in a
short article) but it does not paste the same aside again and again, nor the
same long phrase at a steady rhythm. So a repeat is judged by its *shape*, not
only by how often it occurs; the thresholds below were measured against ordinary
news (``bench/repetition_fpr.py``) and are written out in ``docs/signals.md``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..stopwords import STOPWORDS
from .maximal_repeats import Repeat

# Thresholds, measured on ordinary news (bench/repetition_fpr.py).
BRACKET_MIN_COUNT = 4        # "(...)" / "[...]" asides
BRACKET_MAX_GAP = 300        # words per occurrence, on average
SET_OFF_MIN_COUNT = 5        # asides between commas or dashes
SET_OFF_MAX_GAP = 150
LONG_MIN_WORDS = 4           # content words (function words not counted)
LONG_MIN_COUNT = 6
LONG_MIN_DENSITY = 0.03      # share of the document's words
SHORT_MIN_COUNT = 8
SHORT_MAX_GAP = 25
ATTACHED_MIN_COUNT = 3
SET_OFF_SHARE = 0.8          # share of occurrences that must be set off

OPEN_MARKS = ",(–—[-/"
# Marks that set a phrase off only with white space between them and it (a
# hyphen or slash glued to a word joins words: "re-entry", "and/or").
_SPACED_MARKS = "-/"
_CLOSE_MARKS = ",)–—].;:!?-"
_NAME_WORD_RE = re.compile(r"\w[\w'’\-]*")
_EDGE_PUNCT = "\"'“”‘’«»()[]"


@dataclass(frozen=True, slots=True)
class Finding:
    kind: str
    rule: str
    repeat: Repeat
    starts: tuple[int, ...]
    score: float
    entity: str | None
    entity_count: int


def _bracketed(phrase: str) -> bool:
    return (phrase[:1], phrase[-1:]) in {("(", ")"), ("[", "]")}


def is_set_off(text: str, start: int, end: int) -> bool:
    """Does the occurrence stand apart, with punctuation on both sides?

    A hyphen counts only as a dash standing between spaces, never glued to a word;
    a slash opens an aside only with a space after it, and only one that repeats
    the word before the slash ("Union / Union Daily"), whatever comes after it.
    """
    before = text[max(0, start - 3):start]
    after = text[end:end + 3]
    b, a = before.rstrip(), after.lstrip()
    if not b or b[-1] not in OPEN_MARKS or (b[-1] in _SPACED_MARKS and len(b) == len(before)):
        return False
    if b[-1] == "/":
        # "Name / Name Daily": a slash sets off what follows it (whatever ends it)
        # only when that repeats the name before the slash; "PMOI / MEK" is one name.
        name = _NAME_WORD_RE.findall(text[max(0, start - 80):start].rstrip()[:-1])
        return bool(name) and name[-1] in _NAME_WORD_RE.findall(text[start:end])
    return not a or (a[0] in _CLOSE_MARKS and not (a[0] == "-" and len(a) == len(after)))


def _words_before(text: str, start: int) -> list[str]:
    """Up to three words right before a set-off phrase (its opening mark skipped)."""
    head = text[max(0, start - 80):start].rstrip().rstrip(OPEN_MARKS).rstrip()
    words: list[str] = []
    for part in reversed(head.split()[-3:]):
        part = part.strip(_EDGE_PUNCT)
        if not _NAME_WORD_RE.fullmatch(part):
            break
        words.insert(0, part)
    return words


def _attachment(text: str, starts: tuple[int, ...]) -> tuple[str | None, int]:
    """The name the phrase follows most often, and how often.

    The name is the longest run of words (up to three, not starting with a
    function word, and not all lower-case) that the most occurrences share right
    before them: ``the Resistance (…)`` and ``for the Resistance (…)`` both give
    ``Resistance``; ``Minister Alvarez, …`` after varying words gives ``Minister Alvarez``.
    """
    counts: dict[str, int] = {}
    for s in starts:
        words = _words_before(text, s)
        for k in range(1, len(words) + 1):
            tail = words[-k:]
            if tail[0].casefold() in STOPWORDS or all(w == w.lower() for w in tail):
                continue
            name = " ".join(tail)
            counts[name] = counts.get(name, 0) + 1
    if not counts:
        return None, 0
    entity = max(counts, key=lambda k: (counts[k], len(k)))
    return entity, counts[entity]


def judge(text: str, rep: Repeat, starts: tuple[int, ...], doc_words: int) -> Finding | None:
    count = len(starts)
    gap = doc_words / count if count else float("inf")
    density_words = count * rep.words / max(doc_words, 1)
    size = len(rep.phrase)
    bracketed = _bracketed(rep.phrase)
    set_off = bracketed or (
        sum(is_set_off(text, s, s + size) for s in starts) >= SET_OFF_SHARE * count)
    entity, entity_count = _attachment(text, starts) if set_off else (None, 0)
    candidates: list[tuple[float, str, str]] = []
    if bracketed:
        candidates.append((min(count / BRACKET_MIN_COUNT, BRACKET_MAX_GAP / gap),
                           "stuffing", "set_off_insertion"))
    elif set_off:
        candidates.append((min(count / SET_OFF_MIN_COUNT, SET_OFF_MAX_GAP / gap),
                           "stuffing", "set_off_insertion"))
    if rep.content_words >= LONG_MIN_WORDS:
        candidates.append((min(count / LONG_MIN_COUNT, density_words / LONG_MIN_DENSITY),
                           "stuffing", "long_phrase"))
    else:
        candidates.append((min(count / SHORT_MIN_COUNT, SHORT_MAX_GAP / gap),
                           "stuffing", "short_phrase"))
    score, kind, rule = max(candidates)
    if (score < 1.0 and set_off and entity_count >= ATTACHED_MIN_COUNT and entity_count == count
            and entity is not None):
        score, kind, rule = entity_count / ATTACHED_MIN_COUNT, "templated_insertion", "attached"
    if score < 1.0:
        return None
    return Finding(kind, rule, rep, starts, score, entity, entity_count)


def reason(f: Finding, doc_words: int) -> str:
    count = len(f.starts)
    gap = doc_words / count
    text = (f"the phrase '{f.repeat.phrase}' occurs {count} times in {doc_words} words "
            f"(once every {gap:.0f} words)")
    if f.rule == "set_off_insertion":
        text += ("; it stands apart from the sentence each time (an inserted aside), and "
                 "ordinary writing gives such an aside once")
    elif f.rule == "long_phrase":
        text += (f"; a {f.repeat.words}-word phrase repeated this often covers "
                 f"{100 * count * f.repeat.words / doc_words:.1f}% of the text, where ordinary "
                 "writing repeats a phrase this long at most 2-3 times")
    elif f.rule == "short_phrase":
        text += "; even names are rarely repeated more than once every 30 words"
    if f.entity and f.entity_count >= 2:
        text += f"; attached to '{f.entity}' {f.entity_count} of {count} times"
        if f.rule == "attached":
            text += " (the same fixed phrase after the same name)"
    return text

