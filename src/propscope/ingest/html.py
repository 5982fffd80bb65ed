"""HTML pages: main text, title, date, author and canonical URL via trafilatura.

Boilerplate (menus, footers, comments) is dropped by trafilatura, a maintained
extractor; its text is stored as the document. Tracking identifiers are read
from the *raw* HTML (see :mod:`.tracking`) into ``meta["html_tracking_ids"]``;
embedded posts, ``href`` addresses, the template's furniture (ads, captions, share
bars, bylines) and its footer are read from the markup (see :mod:`.html_markup`).

``source`` is the host of the canonical URL (or of the URL the page was fetched
from, for WARC), else the site name the page declares, else the folder holding
the file. A page with no extractable main text is quarantined.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from datetime import datetime
from typing import Any, BinaryIO
from urllib.parse import urlsplit

from ..document import Document, Rejected
from .dates import parse_date
from .html_depth import PARSER_DEPTH, probe_depth
from .html_markup import read_markup
from .records import ReadOptions, default_source, has_text
from .streams import read_bounded
from .tracking import find_tracking_ids

logging.getLogger("trafilatura").setLevel(logging.CRITICAL)  # it logs every odd page

# The declared language: the ``lang`` attribute of the first ``<html`` tag. Two steps,
# each linear: find the tag's start, then search only that tag (at most 4 KiB).
# One pattern spanning both (``<html\b[^>]*?\blang...``) rescanned the rest of the
# page from every ``<html`` in it: quadratic on crafted attributes.
_HTML_TAG = re.compile(rb"<html\b", re.I)
_LANG_ATTR = re.compile(rb"\blang\s*=\s*['\"]?([A-Za-z]{2,3}(?:[-_][A-Za-z0-9]+)?)", re.I)
_SNIFF_BYTES = 65536
_TAG_BYTES = 4096
# A start tag longer than this loses its attributes before extraction: the HTML
# parser and the extractor spend time quadratic in the attributes of one tag (8,000
# attributes: 1.8 s, 4x per doubling), and no text lives in attributes. Possessive
# quantifiers: the scan never backtracks, so finding such tags is linear.
_HUGE_TAG_BYTES = 2048
_HUGE_TAG = re.compile(rb"<([A-Za-z][A-Za-z0-9:-]*+)[^<>]{%d,}+>" % _HUGE_TAG_BYTES)
# Publication (not modification) date, from the page's metadata and markup only:
# htmldate's "extensive search" guesses from dates mentioned in the text, and a
# wrong date is worse than none for time-windowed coordination analysis.
_DATE_PARAMS: dict[str, Any] = {"original_date": True, "extensive_search": False,
                                "outputformat": "%Y-%m-%dT%H:%M:%S%z"}


def _host(url: str | None) -> str | None:
    if not url:
        return None
    host = urlsplit(url).hostname
    return host.removeprefix("www.") if host else None


def declared_lang(data: bytes) -> str | None:
    """The ``lang`` of the page's ``<html>`` tag (``"en"``, ``"pt-BR"``), or None."""
    tag = _HTML_TAG.search(data, 0, _SNIFF_BYTES)
    if tag is None:
        return None
    end = data.find(b">", tag.end(), tag.end() + _TAG_BYTES)
    found = _LANG_ATTR.search(data, tag.end(), end if end >= 0 else tag.end() + _TAG_BYTES)
    return found.group(1).decode("ascii") if found else None


#: Largest page whose text is extracted a second time without the depth limit. Why: the
#: extractor works on a deep tree at about 1.8 s and 100 MB per MB of page (linear, but
#: 32 s and 2.1 GB for a crafted 20 MB page; bench/hostile.py ``r_html_markup``); real
#: articles are far smaller, and a larger page says what it could not read.
MAX_DEEP_REREAD_BYTES = 4_000_000


def _extract_tree(tree: Any, url: str | None) -> Any:
    """trafilatura's extraction from an already parsed tree (None when it fails)."""
    import trafilatura

    try:
        return trafilatura.bare_extraction(tree, url=url, with_metadata=True,
                                           include_comments=False,
                                           date_extraction_params=_DATE_PARAMS)
    except Exception:  # noqa: BLE001 - the first extraction stands
        return None


def html_to_documents(data: bytes, name: str, recno: str, *, url: str | None = None,
                      fetched: datetime | None = None) -> Iterator[Document | Rejected]:
    """The Document of one HTML page (shared by the file and the WARC reader)."""
    # Imported here: trafilatura takes about half a second to import, and only HTML needs it.
    import trafilatura

    page = _HUGE_TAG.sub(rb"<\1>", data)
    try:
        # Any: trafilatura types it as a union of its Document, a dict (as_dict=True) and None
        extracted: Any = trafilatura.bare_extraction(
            page, url=url, with_metadata=True, include_comments=False,
            date_extraction_params=_DATE_PARAMS)
    except Exception as exc:  # noqa: BLE001 - a parser bug on one page must not stop ingest
        yield Rejected(name, recno, f"HTML extraction failed: {type(exc).__name__}: {exc}")
        return
    text = getattr(extracted, "text", None) if extracted is not None else None
    probe = probe_depth(page)  # no deep tree for every page under the parser's depth limit
    if probe.deep is not None and len(page) > MAX_DEEP_REREAD_BYTES:
        yield Rejected(name, recno, f"the page nests elements deeper than the parser's "
                                    f"{PARSER_DEPTH} levels and is too large "
                                    f"({len(page) / 1e6:.1f} MB) to be read again without "
                                    "that limit: text below it may be missing; record kept")
    elif probe.deep is not None:
        again = _extract_tree(probe.deep, url)
        if again is not None and len(again.text or "") > len(text or ""):
            extracted, text = again, again.text
        cut = ("; even so the parser stopped at its own limit (2,048 levels), and text may "
               "be hidden deeper" if probe.still_cut else "")
        yield Rejected(name, recno, f"the page nests elements deeper than the parser's "
                                    f"{PARSER_DEPTH} levels; read again without that limit"
                                    f"{cut}; record kept")
    if not text or not has_text(text):
        yield Rejected(name, recno, "no main text found in the HTML page")
        return
    page_url = extracted.url or url
    published = fetched if fetched is not None else None
    if extracted.date:
        try:
            published = parse_date(extracted.date)
        except ValueError as exc:
            yield Rejected(name, recno, f"unparsable date {extracted.date!r} in the page ({exc}); "
                                        "record kept without it")
    declared = declared_lang(data)
    meta: dict[str, Any] = {}
    tracking = find_tracking_ids(data)
    if tracking:
        meta["html_tracking_ids"] = tracking
    # embeds, hrefs, furniture, footer: read exactly (below the depth limit too)
    meta.update(read_markup(page, page_url, deep=probe.deep is not None,
                            root=None if probe.deep is not None else probe.usual))
    yield Document.create(
        text, source=_host(page_url) or extracted.sitename or default_source(name),
        published=published, url=page_url, title=extracted.title or None,
        lang=extracted.language or declared,
        author=extracted.author or None, file=name, record=recno, meta=meta)


def iter_documents(stream: BinaryIO, name: str, options: ReadOptions
                   ) -> Iterator[Document | Rejected]:
    data = read_bounded(stream, options.max_record_bytes)
    if data is None:
        yield Rejected(name, "1", f"HTML file larger than max_record_bytes "
                                  f"({options.max_record_bytes}); skipped")
        return
    yield from html_to_documents(data, name, "1")
