"""Canonical items for coordination: one key per link however it was written, per text however punctuated.

Why: a group that posts the same article as ``http://www.site.org/a/?utm_source=x``,
``https://m.site.org/a#top`` and ``https://site.org/a`` acts on *one* item; compared as
written, the three shares are three items and the group looks like three strangers.
The raw form is kept alongside (evidence shows what was actually posted).

:func:`canonical_url` (implemented once, in ``analyze/urls.py``, beside the display form
that references store) rules, in order (documented in ``docs/coordination.md``):

* scheme ignored (``http``/``https``/none are one item); userinfo dropped;
* host case-folded, trailing dot dropped, leading ``www.``/``www2.``/``m.``/
  ``mobile.``/``amp.`` labels dropped; any port ``80``/``443`` dropped;
* path kept with its case (paths are case-sensitive), trailing ``/`` dropped,
  ``//`` collapsed;
* query: parameters in :data:`TRACKING_PARAMS` or starting with one of
  :data:`TRACKING_PREFIXES` dropped, the rest sorted;
* fragment dropped;
* a link on a known shortener (``t.co``, ``bit.ly``, ...) stays its own item,
  ``short:host/code``; when the data holds its expansion (see
  :func:`join_short_links`), it is joined to the expanded link's item.
"""

from __future__ import annotations

import re
import unicodedata

# The one URL normaliser (issue 19): the comparison key and its tracking lists live in
# analyze/urls.py beside the display form that references store; re-exported here.
from ..analyze.urls import COMPARISON_TRACKING_PARAMS as TRACKING_PARAMS
from ..analyze.urls import COMPARISON_TRACKING_PREFIXES as TRACKING_PREFIXES
from ..analyze.urls import HOST_PREFIXES, canonical_url

__all__ = ["HOST_PREFIXES", "TRACKING_PARAMS", "TRACKING_PREFIXES", "canonical_url",
           "join_short_links", "normalize_text"]


def join_short_links(pairs: list[tuple[str, str]]) -> dict[str, str]:
    """Map each short link's item to its expansion's item, from ``(short_raw, expanded_raw)`` pairs.

    The expansion comes from the data itself (a post's ``expanded_url`` field, a
    redirect recorded by a crawler): propscope never follows links. A short link
    whose expansion is not in the data stays its own item. Chains are followed
    (``t.co`` -> ``bit.ly`` -> the article, each step recorded by some post), at most
    ``MAX_HOPS`` steps; a chain that ends on a short link or loops joins nothing.
    """
    step: dict[str, str] = {}
    for short, expanded in pairs:
        s, e = canonical_url(short), canonical_url(expanded)
        # an article beats a hop to another short link
        if s.startswith("short:") and e != s and (not e.startswith("short:") or s not in step):
            step[s] = e
    out: dict[str, str] = {}
    for s in step:
        e, hops = step[s], 1
        while e.startswith("short:") and e in step and hops < MAX_HOPS:
            e, hops = step[e], hops + 1
        if not e.startswith("short:"):
            out[s] = e
    return out


#: Longest chain of short links followed to an expansion.
MAX_HOPS = 5


_WORD_RE = re.compile(r"[^\W\d_]+")
_URL_RE = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)


def normalize_text(text: str) -> str:
    """Text as a key for near-identical matching: words only, case-folded, one space apart.

    Links are dropped (they are items of their own), and so are digits, punctuation,
    emoji and whitespace runs, which copy-pasters change without changing the message.
    """
    text = _URL_RE.sub(" ", unicodedata.normalize("NFKC", text))
    return " ".join(_WORD_RE.findall(text.casefold()))
