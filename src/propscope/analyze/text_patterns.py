"""Finders for the small items pasted into texts: links, e-mail addresses,
hashtags, mentions and tracking identifiers.

Each finder is a pure function ``text -> list[Found]`` returning exact spans
(``text[start:end] == value``) plus a normalised form, so that the same link,
tag or account compares equal across documents however it was written. The
rules, in plain words, are in ``docs/signals.md``; the data tables they consult
(TLDs, shorteners, tracking parameters) are in :mod:`.web_data`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import urlsplit

from .web_data import (
    AMBIGUOUS_BARE_TLDS,
    KNOWN_TLDS,
    LINK_SHORTENERS,
    TRACKING_QUERY_PARAMS,
    TRACKING_QUERY_PREFIXES,
)


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


# ---------------------------------------------------------------- links ----

# What can never be inside a link as pasted in running text.
_URL_BODY = r"[^\s<>\"“”«»‘’—–|\\^`{}]"
_SCHEME_URL_RE = re.compile(rf"(?<![\w.+\-])(?:https?|ftp)://{_URL_BODY}+", re.IGNORECASE)
_LABEL = r"[^\W_](?:[\w\-]{0,61}[^\W_])?"
_BARE_URL_RE = re.compile(
    rf"(?<![\w@.+\-/:#&=%~])(?P<host>(?:{_LABEL}\.)+(?P<tld>[^\W\d_]{{2,24}}|xn--[a-z0-9\-]{{1,59}}))"
    rf"(?P<port>:\d{{1,5}})?(?P<rest>[/?#]{_URL_BODY}*)?(?![\w@\-])"
)
_WWW_RE = re.compile(r"www\d{0,3}\.", re.IGNORECASE)
_HAS_SCHEME_RE = re.compile(r"[a-z][a-z0-9+.\-]*://", re.IGNORECASE)
# Every bare link holds a dot followed by a letter (the one before its TLD).
_DOT_LETTER_RE = re.compile(r"\.[^\W\d_]")
# Links simple enough to normalise without ``urlsplit``: lower-case-able ASCII host,
# no port, user, query or fragment, and only characters urlsplit leaves untouched.
_SIMPLE_URL_RE = re.compile(
    r"(?P<scheme>https?|ftp)://(?P<host>[A-Za-z0-9](?:[A-Za-z0-9\-.]*[A-Za-z0-9])?)"
    r"(?P<path>/[A-Za-z0-9\-._~!$&'()*+,;=:@%/]*)?", re.IGNORECASE | re.ASCII)
_TRAILING = ".,:;!?'\"*…"
_CLOSERS = {")": "(", "]": "[", "}": "{"}


def _trim_url(url: str) -> str:
    """Drop the punctuation that ends a sentence rather than the link.

    Closing brackets are kept only when the link itself opened them, so
    ``(see https://x.org/a)`` loses its ``)`` but ``/wiki/Foo_(bar)`` keeps it.
    """
    # Bracket counts are taken once and updated as characters are dropped: a link
    # followed by thousands of ")" is trimmed in one pass, not one count per ")".
    counts: dict[str, int] = {}
    end = len(url)
    while end:
        c = url[end - 1]
        if c in _CLOSERS:
            if c not in counts:
                counts[c] = url.count(c, 0, end)
                counts[_CLOSERS[c]] = url.count(_CLOSERS[c], 0, end)
            if counts[c] <= counts[_CLOSERS[c]]:
                break
            counts[c] -= 1
        elif c not in _TRAILING:
            break
        end -= 1
    return url[:end]


def _public_suffix(host: str) -> bool:
    from .link_shapes import has_public_suffix  # imported late: it imports this module

    return has_public_suffix(host)


def _tld_is_link(tld: str) -> bool:
    low = tld.lower()
    return low in KNOWN_TLDS or low.startswith("xn--") or not tld.isascii()


def _split_query(query: str) -> str:
    kept = []
    for piece in query.split("&"):
        key = piece.split("=", 1)[0].lower()
        if not piece or key in TRACKING_QUERY_PARAMS or key.startswith(TRACKING_QUERY_PREFIXES):
            continue
        kept.append(piece)
    return "&".join(kept)


def normalize_url(url: str) -> tuple[str, str]:
    """``(normalized, domain)`` of a link as written.

    Normalised: scheme added (``https``) when missing, scheme and host
    lower-cased, default port dropped, empty path written ``/``, tracking query
    parameters (``utm_*``, ``fbclid``, ...) dropped; path, remaining query and
    fragment are kept as written (paths are case-sensitive: ``t.co`` codes are).
    ``domain`` is the host without a leading ``www.``.
    """
    raw = url if _HAS_SCHEME_RE.match(url) else "https://" + url
    simple = _SIMPLE_URL_RE.fullmatch(raw)
    if simple is not None:  # the common case, same result as the general path below
        host = simple.group("host").lower()
        www = _WWW_RE.match(host)
        return (f"{simple.group('scheme').lower()}://{host}{simple.group('path') or '/'}",
                host[www.end():] if www else host)
    try:
        parts = urlsplit(raw)
        host = parts.hostname or ""
        port = parts.port
    except ValueError:  # malformed port or IPv6 literal: keep the text, lower-cased host-ish
        return raw, ""
    host = unicodedata.normalize("NFKC", host).lower().rstrip(".")
    scheme = parts.scheme.lower()
    netloc = host
    if port is not None and (scheme, port) not in {("http", 80), ("https", 443), ("ftp", 21)}:
        netloc += f":{port}"
    query = _split_query(parts.query) if parts.query else ""
    out = f"{scheme}://{netloc}{parts.path or '/'}"
    if query:
        out += "?" + query
    if parts.fragment:
        out += "#" + parts.fragment
    www = _WWW_RE.match(host)
    domain = host[www.end():] if www else host
    return out, domain


def _url_found(text: str, start: int, raw: str) -> Found | None:
    value = _trim_url(raw)
    if not value:
        return None
    normalized, domain = normalize_url(value)
    if not domain:
        return None
    return Found(start, start + len(value), value, normalized, domain, domain in LINK_SHORTENERS)


def _outside(points: list[int], spans: list[tuple[int, int]]) -> list[int]:
    """The sorted ``points`` that lie in none of the sorted, disjoint ``spans``."""
    if not spans or not points:
        return points
    out, k = [], 0
    for p in points:
        while k < len(spans) and spans[k][1] <= p:
            k += 1
        if k == len(spans) or p < spans[k][0]:
            out.append(p)
    return out


def find_urls(text: str) -> list[Found]:
    """Links with a scheme, with ``www.``, or scheme-less ``host.tld/path`` forms.

    A bare ``host.tld`` with neither scheme, ``www.`` nor path counts only when
    its TLD is written in lower case, is known, and is not an everyday word
    (``end.It`` glued after a full stop is not a link; ``example.org`` is).
    """
    found: list[Found] = []
    taken_until = -1
    for m in finditer_near(_SCHEME_URL_RE, text, _positions(text, "://")):
        f = _url_found(text, m.start(), m.group())
        if f is not None and "://" in f.value and len(f.value) > f.value.index("://") + 3:
            found.append(f)
    spans = [(f.start, f.end) for f in found]
    # A bare link's dot before its TLD never lies inside a link with a scheme (its
    # host would have to cross the "://"), and matches starting inside one are
    # dropped below; so runs whose only dots lie inside such links need no scan.
    dots = _outside([m.start() for m in _DOT_LETTER_RE.finditer(text)], spans)
    k = 0  # cursor into the sorted, disjoint spans: matches come in text order
    for m in finditer_near(_BARE_URL_RE, text, dots):
        start = m.start()
        while k < len(spans) and spans[k][1] <= start:
            k += 1
        if k < len(spans) and spans[k][0] <= start:
            continue  # starts inside a link with a scheme
        host, tld, rest = m.group("host"), m.group("tld"), m.group("rest")
        if _WWW_RE.match(host):
            ok = True
        elif rest:  # a path: any public suffix (Public Suffix List, see link_shapes)
            ok = _tld_is_link(tld) or _public_suffix(host)
        else:
            ok = (tld.islower() and tld in KNOWN_TLDS and tld not in AMBIGUOUS_BARE_TLDS)
        if not ok or start < taken_until:
            continue
        f = _url_found(text, start, m.group())
        if f is not None:
            found.append(f)
            taken_until = f.end
    found.sort(key=lambda f: (f.start, -f.end))
    kept: list[Found] = []
    for f in found:  # a link never overlaps another: the earlier, longer one wins
        if not kept or f.start >= kept[-1].end:
            kept.append(f)
    return kept


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
