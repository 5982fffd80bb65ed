"""The one URL normaliser: a link as written becomes its display form or its comparison key.

Why one module: references (``text_patterns.normalize_url``) and coordination
(``link.canonical.canonical_url``) each had their own parser, host folding and
tracking-parameter list, which drifted. Both forms now share the parsing, the host
folding and the tracking lists (all in :mod:`.web_data`); they differ only where they
must, on purpose:

* **display** (:func:`normalize_url`, stored in ``doc_references.normalized``): a link
  an analyst can still open. Scheme kept (``https`` added when missing), host
  lower-cased, default port dropped, empty path written ``/``, the parameters in
  :data:`DISPLAY_TRACKING_PARAMS` dropped, everything else (``www.``, path, the rest of
  the query in its order, fragment) kept as written;
* **comparison** (:func:`canonical_url`, coordination's item key): one key however the
  link was written. Scheme, user info, fragment and ``www.``/``m.``/``amp.``-style
  host labels dropped, ``//`` collapsed and a trailing ``/`` dropped, the wider
  :data:`COMPARISON_TRACKING_PARAMS` dropped and the rest sorted, shorteners marked
  ``short:`` (rules in ``docs/coordination.md``).

Neither ever raises: a link that does not parse is kept as text (display: with an empty
domain; comparison: ``bad:`` + its case-folded text).
"""

from __future__ import annotations

import re
import unicodedata
from typing import NamedTuple
from urllib.parse import SplitResult, parse_qsl, urlencode, urlsplit

from .web_data import (
    COMPARISON_ONLY_TRACKING_PARAMS,
    COMPARISON_ONLY_TRACKING_PREFIXES,
    LINK_SHORTENERS,
    TRACKING_QUERY_PARAMS,
    TRACKING_QUERY_PREFIXES,
)

#: Query parameters dropped from the display form: they only say how a visitor arrived.
DISPLAY_TRACKING_PARAMS = TRACKING_QUERY_PARAMS
DISPLAY_TRACKING_PREFIXES = TRACKING_QUERY_PREFIXES
#: Dropped from the comparison key: the display list plus who-shared parameters that a
#: displayed link keeps (see :data:`.web_data.COMPARISON_ONLY_TRACKING_PARAMS`).
COMPARISON_TRACKING_PARAMS = TRACKING_QUERY_PARAMS | COMPARISON_ONLY_TRACKING_PARAMS
COMPARISON_TRACKING_PREFIXES = tuple(sorted(set(TRACKING_QUERY_PREFIXES)
                                            | set(COMPARISON_ONLY_TRACKING_PREFIXES)))
#: Host labels that name a mobile or alternate front-end of the same site (comparison only).
HOST_PREFIXES = ("www.", "www2.", "www3.", "m.", "mobile.", "amp.")

WWW_RE = re.compile(r"www\d{0,3}\.", re.IGNORECASE)
HAS_SCHEME_RE = re.compile(r"[a-z][a-z0-9+.\-]*://", re.IGNORECASE)
# Links simple enough to normalise without ``urlsplit``: lower-case-able ASCII host,
# no port, user, query or fragment, and only characters urlsplit leaves untouched.
_SIMPLE_URL_RE = re.compile(
    r"(?P<scheme>https?|ftp)://(?P<host>[A-Za-z0-9](?:[A-Za-z0-9\-.]*[A-Za-z0-9])?)"
    r"(?P<path>/[A-Za-z0-9\-._~!$&'()*+,;=:@%/]*)?", re.IGNORECASE | re.ASCII)
_DEFAULT_PORTS = {("http", 80), ("https", 443), ("ftp", 21)}


class _Parsed(NamedTuple):
    parts: SplitResult
    host: str  # NFKC, lower-cased, trailing dot dropped
    port: int | None


def _parse(url: str, *, comparison: bool) -> tuple[str, _Parsed | None]:
    """``(text parsed, parts or None when it does not parse)``: the one parsing step.

    A link without a scheme is read as ``https``; the comparison key also ignores
    surrounding space and leading slashes (``//host/a`` is ``host/a``).
    """
    text = url.strip() if comparison else url
    if not HAS_SCHEME_RE.match(text):
        text = "https://" + (text.lstrip("/") if comparison else text)
    try:
        parts = urlsplit(text)
        host = parts.hostname or ""
        port = parts.port
    except ValueError:  # malformed port or IPv6 literal
        return text, None
    return text, _Parsed(parts, unicodedata.normalize("NFKC", host).lower().rstrip("."), port)


def is_tracking_param(key: str, *, comparison: bool) -> bool:
    """Whether a query parameter's (lower-cased) name is dropped from that form."""
    if comparison:
        return key in COMPARISON_TRACKING_PARAMS or key.startswith(COMPARISON_TRACKING_PREFIXES)
    return key in DISPLAY_TRACKING_PARAMS or key.startswith(DISPLAY_TRACKING_PREFIXES)


def _display_query(query: str) -> str:
    """The query as written, minus tracking parameters and empty pieces, order kept."""
    return "&".join(piece for piece in query.split("&")
                    if piece and not is_tracking_param(piece.split("=", 1)[0].lower(),
                                                       comparison=False))


def _strip_host_prefixes(host: str) -> str:
    """The host without leading ``HOST_PREFIXES`` (repeated), keeping at least two labels.

    Why an index and a running count of dots: a hostile post of ``www.`` repeated a million
    times is one link with a 4 MB host; slicing and counting the host once per prefix made
    that quadratic (a stall of minutes). One pass, linear in the host.
    """
    start, dots = 0, host.count(".")
    stripped = True
    while stripped:
        stripped = False
        for p in HOST_PREFIXES:
            if dots >= 2 and host.startswith(p, start):
                start, dots, stripped = start + len(p), dots - 1, True
    return host[start:]


def normalize_url(url: str) -> tuple[str, str]:
    """``(normalized, domain)`` of a link as written: the display form (module docstring).

    ``domain`` is the host without a leading ``www.`` (``""`` when the link does not parse).
    """
    if HAS_SCHEME_RE.match(url):
        simple = _SIMPLE_URL_RE.fullmatch(url)
    else:
        simple = _SIMPLE_URL_RE.fullmatch("https://" + url)
    if simple is not None:  # the common case, same result as the general path below
        host = simple.group("host").lower()
        www = WWW_RE.match(host)
        return (f"{simple.group('scheme').lower()}://{host}{simple.group('path') or '/'}",
                host[www.end():] if www else host)
    text, parsed = _parse(url, comparison=False)
    if parsed is None:
        return text, ""
    parts, host, port = parsed
    scheme = parts.scheme.lower()
    netloc = host
    if port is not None and (scheme, port) not in _DEFAULT_PORTS:
        netloc += f":{port}"
    query = _display_query(parts.query) if parts.query else ""
    out = f"{scheme}://{netloc}{parts.path or '/'}"
    if query:
        out += "?" + query
    if parts.fragment:
        out += "#" + parts.fragment
    www = WWW_RE.match(host)
    return out, host[www.end():] if www else host


def canonical_url(raw: str) -> str:
    """The comparison key of a link: ``host/path?sorted-query`` (``short:`` + it for shorteners)."""
    _, parsed = _parse(raw, comparison=True)
    if parsed is None:
        return "bad:" + raw.strip().lower()
    parts, host, port = parsed
    host = _strip_host_prefixes(host)
    if port is not None and port not in (80, 443):
        host += f":{port}"
    path = re.sub(r"/{2,}", "/", parts.path).rstrip("/")
    kept = sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                  if not is_tracking_param(k.lower(), comparison=True))
    out = host + path + ("?" + urlencode(kept) if kept else "")
    if host in LINK_SHORTENERS:
        return "short:" + out
    return out
