"""Pages nested deeper than the HTML parser's default limit: found cheaply, parsed again.

Why: libxml2 stops at 256 nested elements, and what lies deeper is dropped, silently. A page
whose article sits inside 260 ``div`` was "no main text found"; worse, one ordinary paragraph
at the top hid any text nested below the limit with no note at all (an operator can hide text
from analysis this way). So every page's nesting is estimated from its tags (one pass over
them, void elements not counted); only a page that may be that deep is parsed twice (with and
without the limit), and only when the second tree holds more is it used.
"""

from __future__ import annotations

import re
from typing import Any

#: Nesting past which libxml2's default HTML parse drops elements.
PARSER_DEPTH = 256
_TAG = re.compile(rb"<(/?)([A-Za-z][A-Za-z0-9]*)")
_VOID = frozenset({b"area", b"base", b"br", b"col", b"embed", b"hr", b"img", b"input",
                   b"link", b"meta", b"source", b"track", b"wbr", b"param", b"keygen"})


def may_be_too_deep(page: bytes) -> bool:
    """Whether the page's tags nest (by a rough count) near the parser's limit."""
    depth = 0
    for match in _TAG.finditer(page):
        if match.group(1):
            depth = max(0, depth - 1)
        elif match.group(2).lower() not in _VOID:
            depth += 1
            if depth > PARSER_DEPTH - 16:
                return True
    return False


def _elements(root: Any) -> int:
    return sum(1 for _ in root.iter())


def deeper_tree(page: bytes) -> tuple[Any, int, int] | None:
    """``(tree, elements read, elements opened)`` of the page parsed without the depth
    limit, when that tree holds more than the default parse; None otherwise."""
    if not may_be_too_deep(page):
        return None
    import lxml.html
    from lxml import etree

    try:
        usual = _elements(lxml.html.document_fromstring(page))
        deep = lxml.html.document_fromstring(page, parser=lxml.html.HTMLParser(huge_tree=True))
    except (etree.ParserError, etree.LxmlError, ValueError):
        return None
    read = _elements(deep)
    if read <= usual:
        return None
    return deep, read, len(_TAG.findall(page))
