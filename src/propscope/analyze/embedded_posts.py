"""Find social-media posts pasted into articles from their embed attribution.

When a site embeds a post and the page is turned into text, the post survives as
its text followed by an attribution line, e.g.::

    Our rally was huge! #Vote pic.twitter.com/abc — Jane Doe (@jdoe) May 4, 2021

The attribution is unmistakable (a dash, a display name, ``(@handle)``, a date),
so it anchors the search; where the post *begins* is the hard part, because the
text before it belongs either to the post or to the article. The rule, in plain
words (also in ``docs/signals.md``):

1. A post never reaches back past the end of the previous post found.
2. If the attribution's own line has words before the dash, the post starts at
   the beginning of that line; if that is longer than the platform allows
   (280 characters for the Twitter-style embed, links counted as 23 and
   ``pic.twitter.com`` media links as 0), it starts at the earliest sentence
   boundary that makes it fit.
3. If that line holds only links, tags, mentions or emoji (text split one
   sentence per line), or nothing at all (the attribution on its own line), the
   post takes in the lines above, one by one, while the whole still fits the
   platform's length, stopping at an empty line once it has words, and before a
   line that ends in ``:`` or ``…`` (the article introducing the quote).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from .text_patterns import find_urls

# Month names in the languages of propscope's corpora, with their common
# abbreviations; embed dates are written in the language of the embedding page.
_MONTHS: dict[int, tuple[str, ...]] = {
    1: ("january", "jan", "janvier", "janv", "januar", "jänner", "gennaio", "enero",
        "stycznia", "styczeń", "января", "январь"),
    2: ("february", "feb", "février", "fevrier", "févr", "februar", "febbraio", "febrero",
        "lutego", "luty", "февраля", "февраль"),
    3: ("march", "mar", "mars", "märz", "maerz", "marzo", "marca", "marzec", "марта", "март"),
    4: ("april", "apr", "avril", "avr", "aprile", "abril", "kwietnia", "kwiecień", "апреля",
        "апрель"),
    5: ("may", "mai", "maggio", "mayo", "maja", "maj", "мая", "май"),
    6: ("june", "jun", "juin", "juni", "giugno", "junio", "czerwca", "czerwiec", "июня",
        "июнь"),
    7: ("july", "jul", "juillet", "juil", "juli", "luglio", "julio", "lipca", "lipiec",
        "июля", "июль"),
    8: ("august", "aug", "août", "aout", "agosto", "sierpnia", "sierpień", "августа",
        "август"),
    9: ("september", "sept", "sep", "septembre", "settembre", "septiembre", "setiembre",
        "września", "wrzesień", "сентября", "сентябрь"),
    10: ("october", "oct", "octobre", "oktober", "okt", "ottobre", "octubre",
         "października", "październik", "октября", "октябрь"),
    11: ("november", "nov", "novembre", "noviembre", "listopada", "listopad", "ноября",
         "ноябрь"),
    12: ("december", "dec", "décembre", "decembre", "déc", "dezember", "dez", "dicembre",
         "diciembre", "grudnia", "grudzień", "декабря", "декабрь"),
}
MONTH_NUMBER = {name: num for num, names in _MONTHS.items() for name in names}
_MONTH_ALT = "|".join(sorted(map(re.escape, MONTH_NUMBER), key=len, reverse=True))

_DATE = (
    rf"(?:(?P<m1>{_MONTH_ALT})\.?\s+(?P<d1>\d{{1,2}}),?\s+(?P<y1>\d{{4}})"
    rf"|(?P<d2>\d{{1,2}})\.?\s+(?:de\s+)?(?P<m2>{_MONTH_ALT})\.?,?\s+(?:de\s+)?(?P<y2>\d{{4}})"
    r"|(?P<iso>\d{4}-\d{2}-\d{2}))(?!\d)"
)
# Twitter/X style: "... — Display Name (@handle) Month D, YYYY".
_TWEET_ANCHOR_RE = re.compile(
    rf"\(@(?P<handle>[A-Za-z0-9_]{{1,50}})\)[ \t]*(?:\n[ \t]*)?{_DATE}", re.IGNORECASE)
# Instagram style: "A post shared by Display Name (@handle) on Mon D, YYYY at 9:12am PDT".
_INSTAGRAM_RE = re.compile(
    r"A post shared by[ \t]+(?P<name>[^\n()]{1,100}?)[ \t]*\(@(?P<handle>[\w.]{1,30})\)"
    rf"(?:[ \t]+on[ \t]+{_DATE}(?:[ \t]+at[ \t]+\d{{1,2}}:\d{{2}}[ \t]*(?:[ap]m)?(?:[ \t]+[A-Z]{{2,4}}\b)?)?)?",
    re.IGNORECASE)
# The dash before the display name: em/en/horizontal-bar dash anywhere, a hyphen
# (or two) only as a word of its own.
_SEPARATOR_RE = re.compile(r"[—–―]|(?:(?<=\s)|^)--?(?=[ \t])", re.MULTILINE)
_SENTENCE_END_RE = re.compile(r"[.!?…][\"”’»)\]]*\s+(?=\S)")
_WORD_RE = re.compile(r"[^\W\d_]{2,}")

PLATFORM_LIMITS = {"twitter": 280, "instagram": 2200}
# Pasting and text extraction add spaces, quote marks and line breaks that the
# platform did not count; allow that much over the limit before cutting.
LIMIT_SLACK = 1.1
# No post reaches back further than this many characters: bounds the work on a
# huge single-line document with many attributions.
MAX_LOOKBACK = 20_000
_MAX_NAME = 100


@dataclass(frozen=True, slots=True)
class EmbeddedPost:
    """A post found in a text. ``start:end`` covers the post and its attribution;
    ``body_end`` is where the post's own text ends (the dash or ``A post shared by``);
    ``handle_start:handle_end`` is the ``@handle`` of the attribution."""

    start: int
    end: int
    body_end: int
    author: str | None
    handle: str
    handle_start: int
    handle_end: int
    posted: date | None
    platform: str


def _date_of(m: re.Match[str]) -> date | None:
    try:
        if m.group("iso"):
            return date.fromisoformat(m.group("iso"))
        if m.group("m1"):
            return date(int(m.group("y1")), MONTH_NUMBER[m.group("m1").lower()], int(m.group("d1")))
        if m.group("m2"):
            return date(int(m.group("y2")), MONTH_NUMBER[m.group("m2").lower()], int(m.group("d2")))
    except (ValueError, KeyError):
        return None  # "February 30": keep the post, without a date
    return None


def weighted_length(segment: str) -> int:
    """Length as the platform counts it: links as 23 characters, media links as none."""
    total = len(segment.strip())
    for u in find_urls(segment):
        total += _link_weight(u.domain) - len(u.value)
    return total


def _link_weight(domain: str | None) -> int:
    return 0 if domain == "pic.twitter.com" else 23


_NON_SPACE_RE = re.compile(r"\S")


class _Segment:
    """The weighted length of ``text[cut:end]`` for many cuts, in logarithmic time
    each: links are found once, their weight corrections summed from the right,
    and a cut's correction is read with a binary search. (Summing the links after
    each cut, or copying the text after it, made a long run of sentences full of
    links quadratic.)"""

    def __init__(self, text: str, start: int, end: int) -> None:
        self.text = text
        self.links = [(start + u.start, start + u.end, _link_weight(u.domain) - len(u.value))
                      for u in find_urls(text[start:end])]
        self.link_starts = [a for a, _, _ in self.links]
        self.after = [0] * (len(self.links) + 1)  # after[i]: corrections of links i, i+1, ...
        for i in range(len(self.links) - 1, -1, -1):
            self.after[i] = self.after[i + 1] + self.links[i][2]
        stop = end
        while stop > start and text[stop - 1].isspace():
            stop -= 1
        self.stop = stop  # the end with trailing white space dropped

    def weight(self, cut: int) -> int:
        lead = _NON_SPACE_RE.search(self.text, cut, self.stop)
        size = self.stop - lead.start() if lead else 0
        return size + self.after[bisect_left(self.link_starts, cut)]

    def has_words(self, start: int, end: int) -> bool:
        """Does ``text[start:end]`` hold prose, beyond links, tags and mentions?"""
        i = bisect_left(self.link_starts, start)
        pieces, at = [], start
        while i < len(self.links) and self.links[i][0] < end:
            pieces.append(self.text[at:self.links[i][0]])
            at = max(at, self.links[i][1])
            i += 1
        pieces.append(self.text[at:end])
        return _has_prose(" ".join(pieces))


def _has_prose(stripped: str) -> bool:
    return bool(_WORD_RE.search(re.sub(r"[#@＃]\w+", " ", stripped)))


def _has_words(segment: str) -> bool:
    """Does the segment hold prose, beyond links, tags and mentions?"""
    return _Segment(segment, 0, len(segment)).has_words(0, len(segment))


class _Sentences:
    """Every sentence boundary of the text, found once per document and looked up
    by binary search for each post (not searched again for each post)."""

    def __init__(self, text: str) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []
        for m in _SENTENCE_END_RE.finditer(text):
            self.starts.append(m.start())
            self.ends.append(m.end())

    def cuts(self, start: int, end: int) -> Iterator[int]:
        """The boundaries inside ``text[start:end]``, as a search of that piece alone
        would find them (the white space after the mark must end before ``end``)."""
        i = bisect_left(self.starts, start)
        while i < len(self.ends) and self.ends[i] < end:
            yield self.ends[i]
            i += 1


def _line_start(text: str, pos: int, floor: int) -> int:
    return max(text.rfind("\n", floor, pos) + 1, floor)


def _fit_by_sentences(text: str, segment: _Segment, sentences: _Sentences, start: int,
                      body_end: int, limit: int) -> int:
    if segment.weight(start) <= limit:
        return start
    cut = start
    for cut in sentences.cuts(start, body_end):
        if segment.weight(cut) <= limit:
            return cut
    return cut


def body_start(text: str, body_end: int, floor: int, limit: int,
               sentences: _Sentences | None = None) -> int:
    """Where the post whose text ends at ``body_end`` begins (rules 1-3 above)."""
    floor = max(floor, body_end - MAX_LOOKBACK)
    line_start = _line_start(text, body_end, floor)
    segment = _Segment(text, floor, body_end)
    if segment.has_words(line_start, body_end):
        return _fit_by_sentences(text, segment, sentences or _Sentences(text[:body_end]),
                                 line_start, body_end, limit)
    start = line_start
    have_words = False
    while start > floor:
        prev_start = _line_start(text, start - 1, floor)
        line = text[prev_start:start - 1]
        if not line.strip():
            if have_words:
                break
            start = prev_start
            continue
        if line.rstrip().endswith((":", "…", "...")):
            break
        if segment.weight(prev_start) > limit:
            break
        have_words = have_words or segment.has_words(prev_start, start - 1)
        start = prev_start
    return start


def _skip_space(text: str, start: int, end: int) -> int:
    while start < end and text[start].isspace():
        start += 1
    return start


def _tweet_attribution(text: str, m: re.Match[str], floor: int) -> tuple[int, str | None] | None:
    """``(dash position, display name)`` before a ``(@handle) date`` anchor, or None."""
    lo = max(floor, m.start() - _MAX_NAME - 5)
    window = text[lo:m.start()]
    seps = list(_SEPARATOR_RE.finditer(window))
    for sep in reversed(seps):
        name = window[sep.end():].strip()
        if "\n" in name or len(name) > _MAX_NAME:
            continue
        return lo + sep.start(), (name or None)
    return None


def find_embedded_posts(text: str) -> list[EmbeddedPost]:
    """Every embedded post in ``text``, in order of position."""
    anchors: list[tuple[int, str, re.Match[str]]] = []
    if "(@" in text:
        anchors += [(m.start(), "twitter", m) for m in _TWEET_ANCHOR_RE.finditer(text)]
    if "post shared by" in text or "Post shared by" in text or "POST SHARED BY" in text:
        anchors += [(m.start(), "instagram", m) for m in _INSTAGRAM_RE.finditer(text)]
    anchors.sort(key=lambda a: a[0])
    posts: list[EmbeddedPost] = []
    floor = 0
    sentences = _Sentences(text) if anchors else None
    for _, platform, m in anchors:
        if m.start() < floor:
            continue
        if platform == "twitter":
            found = _tweet_attribution(text, m, floor)
            if found is None:
                continue
            body_end, author = found
        else:
            body_end, author = m.start(), m.group("name").strip() or None
        limit = int(PLATFORM_LIMITS[platform] * LIMIT_SLACK)
        start = _skip_space(text, body_start(text, body_end, floor, limit, sentences),
                            body_end)
        hs, he = m.span("handle")
        end = m.end()
        posts.append(EmbeddedPost(start, end, body_end, author, m.group("handle"),
                                  hs - 1, he, _date_of(m), platform))
        floor = end
    return posts
