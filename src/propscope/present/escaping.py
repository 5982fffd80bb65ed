"""HTML escaping for markup the views build in Python (spans, charts, diffs).

Why: Jinja's templates run every value through ``safetext.html_visible`` (as their
``finalize``), but markup built here with ``markupsafe.escape`` bypassed it, so a
right-to-left override in a document's text, a chart label or a tooltip still reordered
what the analyst saw. :func:`esc` is ``escape`` after ``html_visible``.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from ..safetext import html_visible


def esc(value: object) -> Markup:
    """``value`` as text, its bidi controls and control characters visible, HTML-escaped."""
    return escape(html_visible(value if isinstance(value, str) else str(value)))
