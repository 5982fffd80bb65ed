"""HTML building blocks shared by the report and the web app.

Why highlighting happens here, in Python: span offsets are Python ``str``
indices, while JavaScript counts UTF-16 code units, so any text outside the
Basic Multilingual Plane (emoji are common in posts) would shift every mark
drawn in the browser. Splitting the text server-side at every span boundary
keeps offsets exact, and every piece of document text passes through
:func:`markupsafe.escape` on the way out, so hostile documents show as text.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from importlib import resources
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from ..safetext import html_visible
from .escaping import esc

# Colour-blind-safe palette (Okabe-Ito, then Tableau): one colour per technique family.
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#8C564B",
           "#7F7F7F", "#BCBD22", "#17BECF", "#9467BD", "#F0E442"]
# One colour per technique, distinct enough side by side (24 entries: the 23 techniques of
# the taxonomy in its order, then spare colours for labels it does not know).
TECHNIQUE_PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b",
                     "#e377c2", "#17becf", "#bcbd22", "#7f7f7f", "#393b79", "#637939",
                     "#8c6d31", "#843c39", "#7b4173", "#3182bd", "#e6550d", "#31a354",
                     "#756bb1", "#636363", "#9c9ede", "#cedb9c", "#e7ba52", "#ad494a"]
#: Reference kinds whose value links to "every document with this" (URLs pivot on their domain).
PIVOT_KINDS = frozenset({"hashtag", "mention", "tracking_id", "crypto_address", "payment_handle",
                         "messaging_channel", "email"})
LANE_PX = 3  # vertical distance between stacked technique underlines


def _stable_index(name: str, size: int) -> int:
    """An index in ``range(size)`` that depends only on ``name`` (not on the corpus)."""
    return int.from_bytes(hashlib.sha256(name.encode("utf-8")).digest()[:4], "big") % size


@cache
def _taxonomy_order() -> tuple[dict[str, int], dict[str, int]]:
    """Family id -> its position, technique label -> its position, in the shipped taxonomy."""
    from ..analyze.techniques.taxonomy import by_label, techniques_2023

    techs = techniques_2023()
    families: dict[str, int] = {}
    for t in techs:
        families.setdefault(t.family, len(families))
    position = {t.label: i for i, t in enumerate(techs)}
    labels = {label: position[t.label] for label, t in by_label().items()}
    return families, labels


def technique_colour(label: str | None) -> str:
    """The colour of a technique: fixed by its place in the taxonomy, the same in every corpus."""
    _, labels = _taxonomy_order()
    return _colour_of(label or "", labels, TECHNIQUE_PALETTE)


def _colour_of(key: str, order: dict[str, int], palette: Sequence[str]) -> str:
    """``key``'s place in the taxonomy picks its colour; a key the taxonomy does not know
    gets one from a hash of its name, so it cannot shift the colours of the others."""
    if key in order:
        return palette[order[key] % len(palette)]
    return palette[_stable_index(key, len(palette))]


class Palette:
    """Family -> colour, fixed by the taxonomy's family order (the same in every corpus).

    A family the taxonomy does not know gets a colour from a hash of its name, so a
    corpus with an extra family does not shift the colours of the others.
    """

    def __init__(self, families: Iterable[str | None]) -> None:
        self.colours = {f or "(no family)": self.fixed(f) for f in families}

    @staticmethod
    def fixed(family: str | None) -> str:
        order, _ = _taxonomy_order()
        return _colour_of(family or "(no family)", order, PALETTE)

    def __call__(self, family: str | None) -> str:
        family = family or "(no family)"
        if family not in self.colours:
            self.colours[family] = self.fixed(family)
        return self.colours[family]

    def items(self) -> list[tuple[str, str]]:
        return sorted(self.colours.items())


@cache
def definitions() -> dict[str, str]:
    """Technique label -> its definition, from the shipped taxonomy (2023 and 2020 labels)."""
    from ..analyze.techniques.taxonomy import by_label

    return {label: f"{t.name}: {t.definition}" for label, t in by_label().items()}


@dataclass(frozen=True, slots=True)
class Mark:
    """One highlighted interval: a technique span, a reference or a repeated-phrase occurrence."""

    kind: str          # "span" | "ref" | "rep" | "furn" (page furniture)
    start: int
    end: int
    mid: str           # unique id within the document, e.g. "span-3", "rep-0-4", "ref-embedded_post-2"
    tip: str           # tooltip line
    colour: str = ""   # technique spans only
    css: str = ""      # extra class (reference kind)
    lane: int = 0      # stacking level of a technique underline
    technique: str = ""          # technique spans only: the label (legend toggles use it)
    confidence: float | None = None  # technique spans only (the confidence slider uses it)


def shown_confidence(span: dict[str, Any]) -> float | None:
    """The confidence the app filters and shows: the calibrated value when the model
    ships a calibration map (``spans.confidence_calibrated``), else the model's score."""
    cal = span.get("confidence_calibrated")
    return float(cal) if cal is not None else span.get("confidence")


def confidence_words(span: dict[str, Any]) -> str:
    """How a span's confidence reads in a tooltip or the span details."""
    cal, raw = span.get("confidence_calibrated"), span.get("confidence")
    if cal is not None:
        return (f"about {round(100 * float(cal))}% of spans at this confidence were right on "
                "held-out articles" + (f" (model confidence {raw:.2f})" if raw is not None else ""))
    return f"model confidence {raw:.2f}" if raw is not None else ""


def build_marks(text: str, spans: Sequence[dict[str, Any]] | None,
                refs: Sequence[dict[str, Any]] | None, reps: Sequence[dict[str, Any]] | None,
                palette: Palette) -> list[Mark]:
    """Turn a document's result rows into marks with clamped offsets and lanes."""
    n = len(text)
    defs = definitions()
    marks: list[Mark] = []
    lanes_end: list[int] = []  # end offset of the last span placed in each lane

    def clamp(a: Any, b: Any) -> tuple[int, int] | None:
        if a is None or b is None:
            return None
        a, b = max(0, min(int(a), n)), max(0, min(int(b), n))
        return (a, b) if b > a else None

    for i, s in enumerate(sorted(spans or [], key=lambda s: (s["start"] or 0, -(s["end"] or 0)))):
        ab = clamp(s["start"], s["end"])
        if not ab:
            continue
        lane = next((k for k, e in enumerate(lanes_end) if e <= ab[0]), len(lanes_end))
        if lane == len(lanes_end):
            lanes_end.append(ab[1])
        else:
            lanes_end[lane] = ab[1]
        conf = shown_confidence(s)
        words = confidence_words(s)
        parts = [f"{s['technique']}" + (f" ({s['family']})" if s.get("family") else "")
                 + (f", {words}" if words else "") + f" [{ab[0]}–{ab[1]}]"]
        # The stored explanation already starts with the definition: say it once.
        explanation = str(s.get("explanation") or "")
        definition = defs.get(s["technique"], "")
        if explanation:
            parts.append(explanation)
        elif definition:
            parts.append(definition)
        marks.append(Mark("span", *ab, f"span-{i}", " — ".join(parts),
                          colour=technique_colour(s["technique"]), lane=lane,
                          technique=str(s["technique"]),
                          confidence=None if conf is None else float(conf)))
    for i, r in enumerate(refs or []):
        ab = clamp(r["start"], r["end"])
        if not ab:
            continue
        who = f" by @{r['handle']}" if r.get("handle") else ""
        marks.append(Mark("ref", *ab, f"ref-{r['kind']}-{i}", f"{r['kind']}{who}: {r['value']}",
                          css=f"ref-{_css_token(r['kind'])}"))
    for i, p in enumerate(reps or []):
        phrase = p["phrase"] or ""
        for k, st in enumerate(p.get("starts") or []):
            ab = clamp(st, (st or 0) + len(phrase))
            if ab:
                marks.append(Mark("rep", *ab, f"rep-{i}-{k}",
                                  f"repeated phrase ×{p['count']}: {phrase}"))
    return marks


def _css_token(value: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in str(value))[:40]


def highlight(text: str, marks: Sequence[Mark]) -> Markup:
    """Render ``text`` with every mark, split at every boundary so overlaps stay readable.

    Each segment is one ``<span class="seg">`` whose ``data-marks`` lists the marks
    covering it. Technique spans draw as underlines stacked by lane (one colour per
    family), references and repeated phrases as backgrounds and outlines; the
    ``title`` tooltip lists every mark covering the segment.
    """
    if not marks:
        return Markup(esc(text))
    bounds = sorted({0, len(text), *(m.start for m in marks), *(m.end for m in marks)})
    max_lane = max((m.lane for m in marks if m.kind == "span"), default=-1)
    pad = (max_lane + 1) * LANE_PX + 1
    by_start = sorted(marks, key=lambda m: m.start)
    active: list[Mark] = []
    nxt = 0
    out: list[str] = []
    for a, b in zip(bounds, bounds[1:], strict=False):
        while nxt < len(by_start) and by_start[nxt].start <= a:
            active.append(by_start[nxt])
            nxt += 1
        active = [m for m in active if m.end > a]
        piece = esc(text[a:b])
        if not active:
            out.append(str(piece))
            continue
        classes = ["seg"]
        style = []
        spans = sorted((m for m in active if m.kind == "span"), key=lambda m: m.lane)
        if spans:
            classes.append("tq")
            grads = ", ".join(f"linear-gradient({m.colour},{m.colour})" for m in spans)
            sizes = ", ".join("100% 2px" for _ in spans)
            pos = ", ".join(f"0 calc(100% - {m.lane * LANE_PX}px)" for m in spans)
            style.append(f"background-image:{grads};background-size:{sizes};"
                         f"background-position:{pos};padding-bottom:{pad}px")
        if any(m.kind == "rep" for m in active):
            classes.append("rep")
        if any(m.kind == "furn" for m in active):
            classes.append("furn")  # page furniture: greyed, never the repeated-phrase colour
        classes.extend(sorted({m.css for m in active if m.kind == "ref"}))
        tip = "\n".join(m.tip for m in active)
        ids = " ".join(m.mid for m in active)
        # What the reading controls need to redraw the underlines (technique toggles, the
        # confidence slider) without a round trip: technique, confidence and lane per span.
        data = ""
        if spans:
            data = (f' data-t="{esc("|".join(m.technique for m in spans))}"'
                    f' data-c="{"|".join("" if m.confidence is None else f"{m.confidence:.3f}" for m in spans)}"'
                    f' data-l="{"|".join(str(m.lane) for m in spans)}"'
                    f' data-s="{"|".join(m.mid for m in spans)}"')
        out.append(f'<span class="{" ".join(classes)}" data-marks="{esc(ids)}"{data} '
                   f'title="{esc(tip)}"' + (f' style="{esc(";".join(style))}"' if style else "")
                   + f">{piece}</span>")
    return Markup("".join(out))


# -- templating ------------------------------------------------------------------------------

def _fmt_num(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.2f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def _fmt_ts(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M") if (value.hour or value.minute) else \
            value.strftime("%Y-%m-%d")
    return str(value)


def _fmt_delay(seconds: Any) -> str:
    if seconds is None:
        return "—"
    s = int(seconds)
    if s == 0:
        return "first"
    d, rem = divmod(s, 86400)
    h, rem = divmod(rem, 3600)
    m = rem // 60
    return "+" + (f"{d}d " if d else "") + (f"{h}h " if h or d else "") + f"{m}m"


def _headline(value: Any, length: int = 120) -> str:
    """A one-line title: a plain-text document's first line, never glued to its first paragraph.

    Plain-text inputs have no title field; their text starts with the title line, and
    collapsing its line break into a heading ran the title into the paragraph after it.
    """
    text = str(value or "")
    line = next((ln.strip() for ln in text.splitlines() if ln.strip()), "")
    if len(line) > length:
        line = line[:length - 1].rstrip() + "…"
    return line or "(untitled)"


def _finite(value: Any) -> Any:
    """``value`` with NaN and infinities as None: ``JSON.parse`` rejects them."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


def _json_text(value: Any) -> str:
    """JSON for a ``<script type=application/json>`` block: ``<``, ``>``, ``&`` escaped,
    and always valid (NaN becomes null)."""
    text = json.dumps(_finite(value), default=str, ensure_ascii=False, allow_nan=False)
    return Markup(text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
                  .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


@cache
def asset(name: str) -> str:
    """One of our own inline assets (CSS or JS) from the package."""
    return resources.files("propscope.present").joinpath("assets", name).read_text("utf-8")


def script_hash(name: str) -> str:
    """CSP source expression allowing exactly this inline script and no other."""
    digest = hashlib.sha256(asset(name).encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode() + "'"


SCRIPTS = ("page.js", "network.js")


def csp() -> str:
    """Content-Security-Policy: only our own inline scripts run, nothing is fetched."""
    hashes = " ".join(script_hash(n) for n in SCRIPTS)
    return (f"default-src 'none'; script-src {hashes}; style-src 'unsafe-inline'; "
            "img-src data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")


def _no_href(*_args: Any, **_kwargs: Any) -> None:
    """Default link builder: no link (a view that has no page for it shows plain text)."""
    return None


@cache
def environment() -> Environment:
    env = Environment(loader=PackageLoader("propscope.present", "templates"),
                      autoescape=select_autoescape(default=True, default_for_string=True),
                      trim_blocks=True, lstrip_blocks=True, finalize=html_visible)
    env.filters.update(num=_fmt_num, ts=_fmt_ts, delay=_fmt_delay, json_text=_json_text,
                       headline=_headline)
    env.globals.update(cluster_href=_no_href, community_href=_no_href,
                       filter_href=_no_href, technique_href=_no_href,
                       technique_colour=technique_colour, pivot_kinds=PIVOT_KINDS)
    env.globals.update(asset=lambda n: Markup(asset(n)), csp=csp)
    return env


def render(template: str, **context: Any) -> str:
    return environment().get_template(template).render(**context)
