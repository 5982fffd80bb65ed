"""Shared by every finder of pasted items: the ``Found`` record, which characters make a
word in any script, and the fast scan that runs a pattern only near its telltale characters.

Split out of :mod:`.text_patterns` (issue 19) so that the link finder (:mod:`.url_finder`)
and the tag, mention and e-mail finders share one copy without importing each other.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Found:
    """One item found in a text. ``subtype`` and ``domain`` are filled where they apply."""

    start: int
    end: int
    value: str
    normalized: str
    domain: str | None = None
    is_shortener: bool | None = None
    subtype: str | None = None


# Where combining marks live: the Basic Multilingual Plane, the Supplementary
# Multilingual Plane (Brahmi, Kaithi, Chakma, ... vowel signs and viramas) and the
# variation selectors supplement. Other planes hold none.
_MARK_PLANES = ((0x300, 0x20000), (0xE0100, 0xE01F0))


def _combining_marks() -> str:
    """A regex class body of every combining mark (Unicode category M*).

    Python's ``\\w`` leaves out combining marks (Devanagari vowel signs, Arabic
    harakat, Kaithi virama, emoji variation selectors, ...), which would cut
    hashtags such as ``#हिन्दी`` in two.
    """
    ranges: list[tuple[int, int]] = []
    for cp in (c for lo, hi in _MARK_PLANES for c in range(lo, hi)):
        if unicodedata.category(chr(cp))[0] == "M":
            if ranges and ranges[-1][1] == cp - 1:
                ranges[-1] = (ranges[-1][0], cp)
            else:
                ranges.append((cp, cp))
    return "".join(f"\\U{a:08x}-\\U{b:08x}" if a != b else f"\\U{a:08x}" for a, b in ranges)


MARKS = _combining_marks()
# The zero-width non-joiner and joiner: inside Persian, Indic and emoji text they
# change how letters join, not which word it is.
JOINERS = "\u200c\u200d"
# A "word character" for tags and handles: letters, digits, underscore, marks,
# and the zero-width (non-)joiners that Persian and Indic words contain.
WORD_CHAR = rf"[\w{MARKS}{JOINERS}]"
# What may not come right before a "#" or "@" (a word, a mark), also when a
# joiner stands between: "x\u200d#tag" reads as "x#tag", which is not a tag.
_GLUED_BEFORE = rf"(?<![\w{MARKS}])(?<![\w{MARKS}][{JOINERS}])"

# ------------------------------------------------------ fast scanning ----
#
# Python's regex engine tries a pattern at every position of the text, and the
# patterns below start with a look-behind, which rules out its fast literal
# search. But every item they find is free of whitespace and contains a
# telltale character ("#", "@", ".x", "://"), which plain string search finds
# at C speed. So each pattern is run only on the whitespace-delimited stretches
# around those characters: a match never crosses whitespace, so starting a scan
# just after a whitespace character yields exactly the matches a scan of the
# whole text would (the look-behind still sees the text before the start).

_SPACE_RE = re.compile(r"\s")


def _positions(text: str, needle: str) -> list[int]:
    """Every index where ``needle`` starts, found by C-speed string search."""
    out = []
    i = text.find(needle)
    while i >= 0:
        out.append(i)
        i = text.find(needle, i + 1)
    return out


def finditer_near(pattern: re.Pattern[str], text: str, triggers: list[int]) -> list[re.Match[str]]:
    """``list(pattern.finditer(text))`` for a pattern whose matches never contain
    whitespace and always contain one of the sorted ``triggers`` positions.

    Each region runs from a whitespace character before a trigger (or the end of
    the previous region) to the first whitespace after it; regions never overlap,
    and text without triggers is never scanned by the pattern.
    """
    out: list[re.Match[str]] = []
    floor = 0
    size = len(text)
    for t in triggers:
        if t < floor:
            continue  # inside the region just scanned
        start = max(text.rfind(" ", floor, t), text.rfind("\n", floor, t), floor)
        space = _SPACE_RE.search(text, t)
        end = space.start() + 1 if space else size
        out += pattern.finditer(text, start, end)
        floor = end
    return out
