"""Finds the links pasted into a text: with a scheme, with ``www.``, or scheme-less
``host.tld/path`` forms, each with its exact span and its display form.

Split out of :mod:`.text_patterns` (issue 19): finding where a link starts and ends is
this module's job; what a link normalises to is :mod:`.urls`' (shared with coordination).
"""

from __future__ import annotations

import re

from .text_scan import Found, _positions, finditer_near
from .urls import WWW_RE, normalize_url
from .web_data import AMBIGUOUS_BARE_TLDS, KNOWN_TLDS, LINK_SHORTENERS

# What can never be inside a link as pasted in running text.
_URL_BODY = r"[^\s<>\"“”«»‘’—–|\\^`{}]"
_SCHEME_URL_RE = re.compile(rf"(?<![\w.+\-])(?:https?|ftp)://{_URL_BODY}+", re.IGNORECASE)
_LABEL = r"[^\W_](?:[\w\-]{0,61}[^\W_])?"
_BARE_URL_RE = re.compile(
    rf"(?<![\w@.+\-/:#&=%~])(?P<host>(?:{_LABEL}\.)+(?P<tld>[^\W\d_]{{2,24}}|xn--[a-z0-9\-]{{1,59}}))"
    rf"(?P<port>:\d{{1,5}})?(?P<rest>[/?#]{_URL_BODY}*)?(?![\w@\-])"
)
# Every bare link holds a dot followed by a letter (the one before its TLD).
_DOT_LETTER_RE = re.compile(r"\.[^\W\d_]")
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
        if WWW_RE.match(host):
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
