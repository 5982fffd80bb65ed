"""Links as people write them when they are not clickable: public suffixes and defanged links.

* **Public suffixes.** A scheme-less ``host/path`` is a link when its host ends in a
  public suffix of the Public Suffix List (ICANN section): the ``publicsuffixlist``
  package bundles the list, so this works offline and follows the list's releases
  instead of a hand-kept table (``example-fund.org/give``, ``news.bbc.co.uk/x``,
  ``donate.example.ngo/x``, ``shop.zip/deal``).
* **Defanged links.** Threat-intelligence and activist writing "defangs" links so they
  cannot be clicked: ``hxxp://``, ``hxxps://``, ``[.]``, ``(.)``, ``{.}``, ``[dot]``,
  ``(dot)``, `` dot `` between host labels, ``[:]//``. Such a link is found with its
  exact span, reported as a ``url`` with subtype ``defanged``, and normalised to the
  refanged address, so it joins the same link written plainly elsewhere.

The defanged finder runs only on texts holding ``xx``, ``XX``, ``[.]`` or ``dot`` (four
substring searches, no copy of the text); ``(.)``, ``{.}`` and ``[:]//`` are recognised
inside a link that also has one of those (``hxxp[:]//x{.}org``), not alone.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .text_patterns import Found, normalize_url
from .web_data import LINK_SHORTENERS


@lru_cache(maxsize=1)
def _psl() -> object:
    """The list, loaded on first use (about 0.07 s; most texts never need it, and its
    tables would otherwise sit in every worker's heap for the garbage collector)."""
    from publicsuffixlist import PublicSuffixList

    return PublicSuffixList(only_icann=True)


@lru_cache(maxsize=4096)
def has_public_suffix(host: str) -> bool:
    """True when ``host`` ends in a public suffix (ICANN) and has a label before it."""
    host = host.lower().rstrip(".")
    suffix = _psl().publicsuffix(host, accept_unknown=False)  # type: ignore[attr-defined]
    return bool(suffix) and len(host) > len(suffix) + 1



# A dot as defangers write it, and the scheme forms.
_DOT = r"(?:\[\.\]|\(\.\)|\{\.\}|\[dot\]|\(dot\)|\{dot\}| dot |\.)"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?"
_DEFANGED_RE = re.compile(
    rf"(?<![\w.])(?P<scheme>h[xX]{{2}}ps?|https?|fxp|ftp)?(?P<sep>\[?:\]?//)?"
    rf"(?P<host>(?:{_LABEL}{_DOT})+[A-Za-z]{{2,24}})(?P<rest>/[^\s<>\"'\])]*)?",
    re.IGNORECASE)
def _has_marker(text: str) -> bool:
    """Does the text hold a defanging mark? (Substring tests, no copy of the text.)"""
    return "xx" in text or "XX" in text or "[.]" in text or "dot" in text
_REFANG_DOT = re.compile(r"\[\.\]|\(\.\)|\{\.\}|\[dot\]|\(dot\)|\{dot\}| dot ", re.IGNORECASE)


def _refang(raw: str) -> str:
    out = _REFANG_DOT.sub(".", raw)
    out = re.sub(r"^h[xX]{2}p", "http", out, flags=re.IGNORECASE)
    out = re.sub(r"^fxp", "ftp", out, flags=re.IGNORECASE)
    return out.replace("[:]//", "://").replace("[://]", "://")


def find_defanged_urls(text: str) -> list[Found]:
    """Defanged links: a ``hxxp`` scheme or a defanged dot makes the intent plain."""
    if not _has_marker(text):
        return []
    out: list[Found] = []
    for m in _DEFANGED_RE.finditer(text):
        raw = m.group(0).rstrip(".,;:!?")
        defanged_scheme = bool(m.group("scheme")) and m.group("scheme").lower().startswith(
            ("hxxp", "fxp"))
        defanged_dot = _REFANG_DOT.search(m.group("host")) is not None
        if not (defanged_scheme or defanged_dot):
            continue
        refanged = _refang(raw)
        host = _refang(m.group("host")).lower()
        if " " in m.group("host") and not defanged_scheme and not m.group("rest"):
            continue  # "a dot com" in prose: " dot " counts only before a path
        if not has_public_suffix(host):
            continue
        normalized, domain = normalize_url(refanged)
        if not domain:
            continue
        out.append(Found(m.start(), m.start() + len(raw), raw, normalized, domain,
                         domain in LINK_SHORTENERS, "defanged"))
    return out
