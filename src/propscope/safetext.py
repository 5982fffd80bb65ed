"""Input-derived text made safe for a terminal, an XML file or a spreadsheet cell.

Why one small module: documents come from the open web and from adversaries' own
sites, and their text reaches three places that interpret characters: a terminal
(ESC starts a control sequence that can recolour, move the cursor or retitle the
window; rich reads ``[bold]`` as markup), XML (control characters and lone
surrogates make a file no parser accepts) and spreadsheets (a cell starting with
``=`` runs as a formula). Each function here maps one text to a form those
consumers show literally. It imports nothing from propscope, so every layer
(cli, present, link) can use it.
"""

from __future__ import annotations

import re
from typing import Any

# C0 controls except TAB and LF, DEL, C1 controls, bidi overrides/isolates (which can
# reorder what a terminal shows), line/paragraph separators, and lone surrogates.
_TERMINAL_UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029"
    "\ud800-\udfff]")
_TERMINAL_UNSAFE_ONE_LINE = re.compile(_TERMINAL_UNSAFE.pattern[:-1] + "\t\n]")

# Characters XML 1.0 does not allow anywhere (not even as character references).
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

# A cell starting with one of these is read as a formula by Excel, LibreOffice, Sheets.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
FORMULA_START_REGEX = "^[=+\\-@\t\r]"


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def terminal_safe(text: object, *, one_line: bool = False) -> str:
    """``text`` with every control character shown as a visible ``\\xNN`` escape.

    ``one_line`` also escapes TAB and LF, for a value printed inside a line of its
    own (a quarantine reason must not be able to forge the next line of output).
    The result still needs ``markup=False`` (or :func:`rich.markup.escape`) when
    printed through rich.
    """
    pattern = _TERMINAL_UNSAFE_ONE_LINE if one_line else _TERMINAL_UNSAFE
    return pattern.sub(_escape, str(text))


# What a browser would act on in escaped HTML text: C0 controls except TAB, LF and CR, DEL,
# C1 controls, bidi embeddings, overrides and isolates, and lone surrogates. Not the
# directional marks (LRM, RLM, ALM): ordinary Arabic, Persian and Hebrew text holds them,
# and they reorder nothing around them.
_HTML_UNSAFE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def html_visible(value: object) -> object:
    """A plain string with bidi controls and control characters as visible escapes; any
    other value (numbers, ``Markup`` the templates built) as it is. Why: HTML escaping
    keeps markup inert but not a right-to-left override, with which an account named
    ``dave\u202egnp.exe`` shows as ``daveexe.png`` in the report and the app."""
    if type(value) is not str:
        return value
    return _HTML_UNSAFE.sub(_escape, value)


def xml_safe(text: str) -> str:
    """``text`` with the characters XML 1.0 forbids replaced by visible ``\\xNN`` escapes.

    Escapes (rather than deletion) keep two labels that differ only in a control
    character apart, and show the reader that something was there.
    """
    return _XML_INVALID.sub(_escape, text)


def formula_safe(value: str) -> str:
    """A spreadsheet cell that is shown, not run: a leading ``'`` before formula starts."""
    return "'" + value if value.startswith(FORMULA_START) else value


def xml_safe_value(value: object) -> object:
    """:func:`xml_safe` for strings; other values (numbers, dates) unchanged."""
    return xml_safe(value) if isinstance(value, str) else value


def xml_safe_graph(graph: Any) -> Any:
    """A copy of a networkx graph whose node IDs and string attributes are valid XML text.

    GEXF and GraphML writers put node IDs and attributes into XML as they are; a
    source name or hashtag holding a control character made the whole file
    unreadable in Gephi.
    """
    safe = graph.__class__()
    safe.graph.update({xml_safe_value(k): xml_safe_value(v) for k, v in graph.graph.items()})
    for node, attrs in graph.nodes(data=True):
        safe.add_node(xml_safe_value(node),
                      **{str(xml_safe_value(k)): xml_safe_value(v) for k, v in attrs.items()})
    for a, b, attrs in graph.edges(data=True):
        safe.add_edge(xml_safe_value(a), xml_safe_value(b),
                      **{str(xml_safe_value(k)): xml_safe_value(v) for k, v in attrs.items()})
    return safe
