"""Tracking and advertising identifiers in raw HTML: the IDs that tie sites to one operator.

Read from the raw bytes (scripts, meta tags, noscript pixels), not from the
extracted text, because that is where operators paste them. Each hit is
``{"value": ..., "kind": ...}``, in order of first appearance, once per page.
Values are normalised where the same account has several spellings: AdSense
``ca-pub-N`` becomes ``pub-N``; GA4/GTM/UA IDs are upper-cased.

The patterns are the public formats of each vendor's snippet; they describe
*how* an ID is written, never *whose* it is.
"""

from __future__ import annotations

import re
from collections.abc import Callable

_Q = rb"""['"]"""
# kind -> (pattern with one group: the ID, normaliser)
PATTERNS: dict[str, tuple[re.Pattern[bytes], Callable[[str], str]]] = {
    "google_analytics": (re.compile(rb"\b(UA-\d{4,10}-\d{1,4})\b", re.I), str.upper),
    "google_analytics_4": (
        re.compile(rb"(?:" + _Q + rb"|[?&]id=)(G-(?=[A-Z0-9]*\d)[A-Z0-9]{6,12})" + rb"(?=['\"&])"),
        str.upper),
    "google_tag_manager": (re.compile(rb"\b(GTM-[A-Z0-9]{4,9})\b"), str.upper),
    "google_ads": (re.compile(rb"\b(AW-\d{6,12})\b"), str.upper),
    "google_adsense": (re.compile(rb"\b(?:ca-)?(pub-\d{10,20})\b"), str.lower),
    "facebook_pixel": (
        re.compile(rb"fbq\(\s*" + _Q + rb"init" + _Q + rb"\s*,\s*" + _Q + rb"(\d{6,20})" + _Q),
        str),
    "facebook_app_id": (
        re.compile(rb"fb:app_id" + _Q + rb"\s+content=" + _Q + rb"(\d{6,20})" + _Q), str),
    "yandex_metrika": (
        re.compile(rb"(?:\bym\(\s*(\d{5,12})\s*,\s*" + _Q + rb"init"
                   rb"|mc\.yandex\.ru/watch/(\d{5,12})|\byaCounter(\d{5,12}))"), str),
    "twitter_pixel": (
        re.compile(rb"twq\(\s*" + _Q + rb"(?:init|config)" + _Q + rb"\s*,\s*" + _Q
                   + rb"([a-z0-9]{5,10})" + _Q), str),
    "tiktok_pixel": (re.compile(rb"ttq\.load\(\s*" + _Q + rb"([A-Z0-9]{10,30})" + _Q), str),
    "hotjar": (re.compile(rb"\bhjid\s*:\s*(\d{5,10})"), str),
    "google_site_verification": (
        re.compile(rb"google-site-verification" + _Q + rb"\s+content=" + _Q
                   + rb"([A-Za-z0-9_-]{20,60})" + _Q), str),
}


def find_tracking_ids(html: bytes) -> list[dict[str, str]]:
    """All tracking identifiers in ``html``, de-duplicated, in page order."""
    hits: list[tuple[int, str, str]] = []
    for kind, (pattern, normalise) in PATTERNS.items():
        for match in pattern.finditer(html):
            raw = next(g for g in match.groups() if g is not None)
            hits.append((match.start(), normalise(raw.decode("ascii")), kind))
    hits.sort()
    seen: set[tuple[str, str]] = set()
    out = []
    for _, value, kind in hits:
        if (value, kind) not in seen:
            seen.add((value, kind))
            out.append({"value": value, "kind": kind})
    return out
