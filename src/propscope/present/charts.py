"""Small inline-SVG charts: they need no JavaScript library and render offline.

Why hand-made SVG rather than a charting bundle: the report must be one file that
opens with no network, and three chart shapes (stacked bars per source, bars
over time, a reuse timeline) are a few dozen lines each. Every label passes
through :func:`markupsafe.escape`; hovering a bar shows its value (``<title>``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Any

from markupsafe import Markup

from .escaping import esc

Colour = Callable[[str | None], str]


def _svg(width: int, height: int, body: list[str], label: str) -> Markup:
    return Markup(f'<svg class="chart" viewBox="0 0 {width} {height}" width="100%" '
                  f'role="img" aria-label="{esc(label)}" xmlns="http://www.w3.org/2000/svg">'
                  + "".join(body) + "</svg>")


def _short(text: str, n: int = 28) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def legend(families: Sequence[str], colour: Colour) -> Markup:
    items = "".join(f'<span class="lg"><i style="background:{colour(f)}"></i>{esc(f)}</span>'
                    for f in families)
    return Markup(f'<div class="legend">{items}</div>')


def stacked_bars_by_source(data: Sequence[dict[str, Any]], colour: Colour) -> Markup:
    """Horizontal bars, one per source, stacked by technique family."""
    per: dict[str, dict[str, int]] = defaultdict(dict)
    for r in data:
        per[r["source"]][r["family"]] = int(r["n"])
    order = sorted(per, key=lambda s: (-sum(per[s].values()), s))
    if not order:
        return Markup('<p class="empty">No technique spans.</p>')
    total_max = max(sum(v.values()) for v in per.values())
    left, width, bar, gap = 190, 760, 18, 6
    height = len(order) * (bar + gap) + 24
    body = []
    for i, src in enumerate(order):
        y = i * (bar + gap) + 4
        body.append(f'<text x="{left - 6}" y="{y + bar - 4}" text-anchor="end" class="lbl">'
                    f'{esc(_short(src))}<title>{esc(src)}</title></text>')
        x = float(left)
        for fam, n in sorted(per[src].items()):
            w = (width - left - 50) * n / total_max
            body.append(f'<rect x="{x:.1f}" y="{y}" width="{max(w, 0.5):.1f}" height="{bar}" '
                        f'fill="{colour(fam)}"><title>{esc(src)} · {esc(fam)}: {n:,}</title></rect>')
            x += w
        body.append(f'<text x="{x + 4:.1f}" y="{y + bar - 4}" class="val">'
                    f'{sum(per[src].values()):,}</text>')
    return _svg(width, height, body, "technique spans per source, by family")


def bars_over_time(data: Sequence[dict[str, Any]], unit: str, colour: Colour) -> Markup:
    """Vertical bars per period (day/week/month), stacked by technique family."""
    per: dict[Any, dict[str, int]] = defaultdict(dict)
    for r in data:
        per[r["period"]][r["family"]] = int(r["n"])
    periods = sorted(per)
    if not periods:
        return Markup('<p class="empty">No dated technique spans.</p>')
    top = max(sum(v.values()) for v in per.values())
    width, height, left, bottom = 760, 220, 50, 30
    plot_w, plot_h = width - left - 10, height - bottom - 10
    step = plot_w / len(periods)
    bw = max(step * 0.8, 1.0)
    body = [f'<line x1="{left}" y1="{10 + plot_h}" x2="{width - 10}" y2="{10 + plot_h}" class="axis"/>',
            f'<text x="{left - 4}" y="16" text-anchor="end" class="val">{top:,}</text>',
            f'<text x="{left - 4}" y="{10 + plot_h}" text-anchor="end" class="val">0</text>']
    for i, p in enumerate(periods):
        x = left + i * step + (step - bw) / 2
        y = 10.0 + plot_h
        for fam, n in sorted(per[p].items()):
            h = plot_h * n / top
            y -= h
            body.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bw:.1f}" height="{h:.1f}" '
                        f'fill="{colour(fam)}"><title>{esc(str(p))} · {esc(fam)}: {n:,}'
                        '</title></rect>')
    label_every = max(1, len(periods) // 8)
    for i, p in enumerate(periods):
        if i % label_every == 0:
            x = left + i * step + step / 2
            body.append(f'<text x="{x:.1f}" y="{height - 8}" text-anchor="middle" class="lbl">'
                        f'{esc(str(p))}</text>')
    return _svg(width, height, body, f"technique spans per {unit}, by family")


def reuse_timeline(members: Sequence[dict[str, Any]]) -> Markup:
    """One reuse cluster on a time axis: earliest copy at the left, delays to the right.

    Only dated copies are placed on the axis. An undated copy is listed under it as
    "date unknown" (a hollow mark at no position): drawing it at delay 0 made it look
    like the original. With fewer than two dated copies there is no axis at all.
    """
    dated = [m for m in members if m.get("published") is not None and m.get("delay_s") is not None]
    undated = [m for m in members if m not in dated]
    if len(dated) < 2:
        return Markup(f'<p class="caveat undated-timeline">No timeline: {len(undated)} of '
                      f'{len(members)} copies have no date, so their order is unknown.</p>')
    delays = [float(m["delay_s"]) for m in dated]
    span = max(delays, default=0) or 1.0
    width, row, left = 760, 16, 190
    height = (len(dated) + len(undated)) * row + 28
    axis_y = len(dated) * row + 10
    body = [f'<line x1="{left}" y1="{axis_y}" x2="{width - 20}" y2="{axis_y}" class="axis"/>']
    for i, (m, d) in enumerate(zip(dated, delays, strict=True)):
        y = i * row + 12
        x = left + (width - left - 30) * d / span
        first = bool(m.get("is_earliest")) or d == 0
        body.append(f'<text x="{left - 6}" y="{y + 4}" text-anchor="end" class="lbl">'
                    f'{esc(_short(str(m.get("source") or "(unknown)")))}</text>')
        body.append(f'<line x1="{left}" y1="{y}" x2="{x:.1f}" y2="{y}" class="lead"/>')
        body.append(f'<circle cx="{x:.1f}" cy="{y}" r="5" class="{"first" if first else "copy"}">'
                    f'<title>{esc(str(m.get("source")))} · {esc(str(m.get("published")))}'
                    f' · delay {int(d)} s</title></circle>')
    for j, m in enumerate(undated):
        y = axis_y + 16 + j * row
        body.append(f'<text x="{left - 6}" y="{y + 4}" text-anchor="end" class="lbl">'
                    f'{esc(_short(str(m.get("source") or "(unknown)")))}</text>')
        body.append(f'<text x="{left}" y="{y + 4}" class="val undated">date unknown: '
                    'not placed on the time axis</text>')
    hours = span / 3600
    body.append(f'<text x="{width - 20}" y="{axis_y + 12}" text-anchor="end" class="val">'
                f'{hours:,.1f} h after the earliest dated copy</text>')
    return _svg(width, height + 12, body, "reuse timeline")
