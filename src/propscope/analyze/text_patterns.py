"""Finders for the small items pasted into texts: links, e-mail addresses,
hashtags, mentions and tracking identifiers.

Each finder is a pure function ``text -> list[Found]`` returning exact spans
(``text[start:end] == value``) plus a normalised form, so that the same link,
tag or account compares equal across documents however it was written. The
rules, in plain words, are in ``docs/signals.md``; the data tables they consult
(TLDs, shorteners, tracking parameters) are in :mod:`.web_data`.

The modules behind it, each with one job: :mod:`.text_scan` (``Found``, word characters,
fast scanning), :mod:`.url_finder` (links), :mod:`.urls` (the one URL normaliser). The
names they define are re-exported here, where the analyzers and tests import them.
"""

from __future__ import annotations

import re
import unicodedata

from .text_scan import _GLUED_BEFORE, JOINERS, WORD_CHAR, Found, _positions, finditer_near
from .url_finder import find_urls
from .urls import normalize_url

__all__ = ["Found", "MAX_HANDLE", "MAX_HASHTAG", "classify_tracking_id", "find_emails",
           "find_hashtags", "find_mentions", "find_tracking_ids", "find_urls", "finditer_near",
           "fold", "normalize_tracking_id", "normalize_url"]


# --------------------------------------------------------------- e-mail ----

_EMAIL_RE = re.compile(
    r"(?<![\w.+\-@/])[\w][\w.+\-]*@(?:[^\W_][\w\-]*\.)+[^\W\d_]{2,24}(?![\w@])"
)


def find_emails(text: str) -> list[Found]:
    """E-mail addresses; ``normalized`` is lower-cased, ``domain`` the part after ``@``."""
    out = []
    for m in finditer_near(_EMAIL_RE, text, _positions(text, "@")):
        value = m.group()
        domain = value.rsplit("@", 1)[1].lower()
        out.append(Found(m.start(), m.end(), value, value.lower(), domain))
    return out


# ------------------------------------------------------------- hashtags ----

_HASHTAG_RE = re.compile(rf"{_GLUED_BEFORE}(?<![&#＃/])[#＃](\w{WORD_CHAR}*)")
# The longest tag body taken for a hashtag, in characters. Platforms cap a whole
# post at 280 (Twitter/X) and tags are words or short phrases; a "#" followed by
# thousands of letters is a crafted or broken text, and is not reported at all
# (truncating it would invent a tag nobody wrote).
MAX_HASHTAG = 140
_HEX_COLOUR_RE = re.compile(r"(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})")


def fold(s: str) -> str:
    """The comparison form of a tag or handle: NFKC, then Unicode case folding.

    Joiners inside are kept: in Persian and Indic text they are part of how the
    word is spelled (``#زن‌زندگی‌آزادی``).
    """
    return unicodedata.normalize("NFKC", s).casefold()


def _end_without_joiners(text: str, start: int, end: int) -> int:
    """``end`` moved back over trailing joiners: a joiner at the end of a tag or
    handle belongs to what follows (an emoji sequence), not to the word."""
    while end > start and text[end - 1] in JOINERS:
        end -= 1
    return end


def _is_hashtag_body(body: str, text: str, end: int) -> bool:
    if not any(ch.isalpha() for ch in body):
        return False  # "#1", "#2020": numbers, not tags
    # "#a0b1c2", "#333", "color:#fff;": colours, not tags
    return not (_HEX_COLOUR_RE.fullmatch(body)
                and (any(ch.isdigit() for ch in body) or text[end:end + 1] == ";"))


def find_hashtags(text: str) -> list[Found]:
    """Hashtags in any script, glued to punctuation or not (``nation.#Iran``).

    Not hashtags: a ``#`` right after a letter or digit (``C#``, also with a
    joiner between), after ``&`` (HTML entities such as ``&#39;``), a number
    (``#1``), a hex colour, a body longer than ``MAX_HASHTAG`` characters.
    Joiners and combining marks inside a tag are part of it (``#می‌خواهم``,
    ``#র‍্যাব``); a joiner at its end is not. Tags
    inside links are removed by the caller, which knows the link spans.
    """
    out = []
    marks = _positions(text, "#")
    if "＃" in text:
        marks = sorted(marks + _positions(text, "＃"))
    for m in finditer_near(_HASHTAG_RE, text, marks):
        end = _end_without_joiners(text, m.start(1), m.end())
        body = text[m.start(1):end]
        if len(body) <= MAX_HASHTAG and _is_hashtag_body(body, text, end):
            out.append(Found(m.start(), end, text[m.start():end], fold(body)))
    return out


# ------------------------------------------------------------- mentions ----

_MENTION_RE = re.compile(
    rf"{_GLUED_BEFORE}(?<![@+\-/])@(?P<handle>\w{WORD_CHAR}*(?:\.[a-z0-9_]{WORD_CHAR}*)*)"
    r"(?P<server>@(?:[^\W_][\w\-]*\.)+[^\W\d_]{2,24})?"
)


# The longest handle taken for a mention (platforms allow 15 to 30 characters;
# fediverse names a few more). Longer runs after "@" are not reported.
MAX_HANDLE = 100


def find_mentions(text: str) -> list[Found]:
    """``@handle`` mentions, including dotted handles and ``@user@server`` (fediverse).

    E-mail addresses are never mentions (the ``@`` must not follow a letter,
    digit or ``@``); ``.@name`` (the old reply-made-public habit) is a mention.
    A dot continues a handle only before a lower-case letter, digit or ``_``
    (``@jane.doe``), so ``@Jane.Then`` stops at the sentence end. Handles made
    only of digits (``@3``) and longer than ``MAX_HANDLE`` are skipped.
    ``normalized`` is the handle without ``@``, case-folded.
    """
    out = []
    for m in finditer_near(_MENTION_RE, text, _positions(text, "@")):
        server = m.group("server") or ""
        end = m.end() if server else _end_without_joiners(text, m.start("handle"), m.end())
        handle = text[m.start("handle"):m.end("handle") if server else end]
        if handle.isdigit() or len(handle) > MAX_HANDLE:
            continue
        out.append(Found(m.start(), end, text[m.start():end], fold(handle + server)))
    return out


# --------------------------------------------------------- tracking IDs ----

# (subtype, pattern, group holding the ID, how to normalise it)
_TRACKING_PATTERNS: list[tuple[str, re.Pattern[str], int]] = [
    ("google_analytics", re.compile(r"\bUA-\d{4,10}-\d{1,4}\b"), 0),
    ("google_analytics_4",
     re.compile(r"\bG-(?=[A-Z0-9]*\d)(?=[A-Z0-9]*[A-Z])[A-Z0-9]{6,12}\b"), 0),
    ("google_tag_manager", re.compile(r"\bGTM-[A-Z0-9]{4,10}\b"), 0),
    ("google_ads", re.compile(r"\bAW-\d{6,12}\b"), 0),
    ("google_adsense", re.compile(r"(?<![\w-])(?:ca-)?pub-\d{16}\b"), 0),
    ("facebook_pixel",
     re.compile(r"fbq\(\s*['\"]init['\"]\s*,\s*['\"]?(\d{10,20})|facebook\.com/tr\?id=(\d{10,20})"), -1),
    ("yandex_metrica",
     re.compile(r"\bym\(\s*(\d{5,10})\s*,\s*['\"]init|mc\.yandex\.ru/watch/(\d{5,10})"), -1),
]


# Literal text each pattern cannot match without: a text holding none of a
# pattern's needles is not scanned by it (most texts hold none at all).
_TRACKING_NEEDLES: dict[str, tuple[str, ...]] = {
    "google_analytics": ("UA-",),
    "google_analytics_4": ("G-",),
    "google_tag_manager": ("GTM-",),
    "google_ads": ("AW-",),
    "google_adsense": ("pub-",),
    "facebook_pixel": ("fbq(", "facebook.com/tr?id="),
    "yandex_metrica": ("ym(", "mc.yandex.ru/watch/"),
}


def normalize_tracking_id(value: str, subtype: str | None) -> str:
    """One form per ID so that sites sharing it join: AdSense without ``ca-``, others upper-case."""
    value = value.strip()
    if subtype == "google_adsense" or value.lower().startswith(("ca-pub-", "pub-")):
        return value.lower().removeprefix("ca-")
    return value.upper()


def classify_tracking_id(value: str) -> str | None:
    """The subtype of a bare ID such as ``UA-1234567-1`` or ``GTM-AB12CD``, or None."""
    v = value.strip()
    for subtype, pattern, group in _TRACKING_PATTERNS:
        if group == 0 and pattern.fullmatch(v):
            return subtype
    return None


def find_tracking_ids(text: str) -> list[Found]:
    """Analytics, tag-manager, advertising and pixel IDs written in the text (or raw HTML)."""
    if "-" not in text and "(" not in text and "/tr?id=" not in text and "/watch/" not in text:
        return []  # every needle below holds one of these four
    out = []
    for subtype, pattern, group in _TRACKING_PATTERNS:
        for needle in _TRACKING_NEEDLES[subtype]:
            if needle in text:
                break
        else:
            continue  # no needle: the pattern cannot match
        for m in pattern.finditer(text):
            if group == 0:
                start, end = m.span()
            else:
                g = next(i for i in range(1, (pattern.groups or 0) + 1) if m.group(i))
                start, end = m.span(g)
            value = text[start:end]
            out.append(Found(start, end, value, normalize_tracking_id(value, subtype),
                             subtype=subtype))
    out.sort(key=lambda f: f.start)
    return out
