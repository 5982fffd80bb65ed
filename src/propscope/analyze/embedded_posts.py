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


class _Segment:
    """The weighted length of ``text[cut:end]`` for many cuts, finding links once."""

    def __init__(self, text: str, start: int, end: int) -> None:
        self.text, self.end = text, end
        self.links = [(start + u.start, _link_weight(u.domain) - len(u.value))
                      for u in find_urls(text[start:end])]

    def weight(self, cut: int) -> int:
        size = len(self.text[cut:self.end].strip())
        return size + sum(delta for at, delta in self.links if at >= cut)


def _has_words(segment: str) -> bool:
    """Does the segment hold prose, beyond links, tags and mentions?"""
    stripped = segment
    for u in find_urls(segment):
        stripped = stripped.replace(u.value, " ")
    stripped = re.sub(r"[#@＃]\w+", " ", stripped)
    return bool(_WORD_RE.search(stripped))


def _line_start(text: str, pos: int, floor: int) -> int:
    return max(text.rfind("\n", floor, pos) + 1, floor)


def _fit_by_sentences(text: str, start: int, body_end: int, limit: int) -> int:
    segment = _Segment(text, start, body_end)
    if segment.weight(start) <= limit:
        return start
    cut = start
    for m in _SENTENCE_END_RE.finditer(text, start, body_end):
        cut = m.end()
        if segment.weight(cut) <= limit:
            return cut
    return cut


def body_start(text: str, body_end: int, floor: int, limit: int) -> int:
    """Where the post whose text ends at ``body_end`` begins (rules 1-3 above)."""
    floor = max(floor, body_end - MAX_LOOKBACK)
    line_start = _line_start(text, body_end, floor)
    if _has_words(text[line_start:body_end]):
        return _fit_by_sentences(text, line_start, body_end, limit)
    segment = _Segment(text, floor, body_end)
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
        start = prev_start
        have_words = have_words or _has_words(line)
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
        start = _skip_space(text, body_start(text, body_end, floor, limit), body_end)
        hs, he = m.span("handle")
        end = m.end()
        posts.append(EmbeddedPost(start, end, body_end, author, m.group("handle"),
                                  hs - 1, he, _date_of(m), platform))
        floor = end
    return posts
