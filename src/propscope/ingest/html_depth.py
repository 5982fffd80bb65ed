"""Pages nested deeper than the HTML parser's default limit: found, and parsed again.

Why: libxml2 stops at 256 nested elements, and what lies deeper is dropped, silently. A page
whose article sits inside 260 ``div`` was "no main text found"; worse, one ordinary paragraph
at the top hid any text nested below the limit with no note at all (an operator can hide text
from analysis this way). The parser itself says when it hit the limit ("Excessive depth" in
its error log), which no trick with comments or attributes hides; so a page with enough tags
to be that deep is parsed once with the limit, and, only when the parser reports it, again
without it (libxml2's own hard limit, 2,048 levels, is then reported the same way).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

#: Nesting past which libxml2's default HTML parse drops elements.
PARSER_DEPTH = 256


def _too_deep(parser: Any) -> bool:
    return any("excessive depth" in str(e.message).lower() for e in parser.error_log)


@dataclass
class DepthProbe:
    """What the probe parsed: ``usual``, the page's tree under the default limit (None when
    the page has too few tags to need the probe); ``deep``, the tree without the limit
    when the usual parse hit it, and ``still_cut`` when even that stopped (2,048 levels)."""

    usual: Any = None
    deep: Any = None
    still_cut: bool = False


def probe_depth(page: bytes) -> DepthProbe:
    """Parse ``page`` as the markup reader does, and again without the depth limit when the
    parser reports it hit the limit. The page is decoded for the deep tree as trafilatura
    decodes it, so that tree reads its characters as the first extraction did. The usual
    tree is handed on to :func:`.html_markup.read_markup` (it parsed the page a third time
    before)."""
    if page.count(b"<") <= PARSER_DEPTH:  # too few tags to nest that deep
        return DepthProbe()
    import lxml.html
    from lxml import etree
    from trafilatura.utils import decode_file

    usual = lxml.html.HTMLParser()
    try:
        root = lxml.html.document_fromstring(page, parser=usual)
    except (etree.ParserError, etree.LxmlError, ValueError):
        return DepthProbe()
    if not _too_deep(usual):
        return DepthProbe(usual=root)
    huge = lxml.html.HTMLParser(huge_tree=True)
    try:
        tree = lxml.html.document_fromstring(decode_file(page), parser=huge)
    except (etree.ParserError, etree.LxmlError, ValueError):
        return DepthProbe(usual=root)
    return DepthProbe(usual=root, deep=tree, still_cut=_too_deep(huge))
