"""Reliability of technique-span confidences, and an isotonic calibration map per family.

Data: the SemEval-2023 English validation articles of the fixed split
(``propscope.training.dataset``: the shipped encoder never trained on them).
Every technique span the shipped semeval2023 model writes is *right* when it
overlaps a gold span of the same technique (any character), else wrong; its
``confidence`` is the column the analyzer writes.

Protocol (so the reported figures never use the data that fitted the map):
the articles are split into two halves by alternate ID; an isotonic map
(pool-adjacent-violators) per technique family (families with fewer than
``--min-spans`` spans use one map over all families) is fitted on one half and
applied to the other, both ways; the reliability diagram and the expected
calibration error (ECE, 10 equal-width bins) are computed on those held-out
predictions only. The map fitted on all validation articles is written to
``calibration.json`` beside the model with ``--write`` for later use; it is not
applied by the analyzer yet (see docs/techniques.md).

    nice -n 5 python bench/techniques_calibration.py --write

Writes docs/techniques_reliability.svg and the ``## Technique calibration`` section of
docs/benchmarks.md with ``--write``.
"""

from __future__ import annotations

import argparse
import json
import os
from bisect import bisect_right
from datetime import date
from pathlib import Path

from benchdoc import cpu_model, replace_section  # bench/ is on sys.path when run as a script

ROOT = Path(__file__).resolve().parents[1]
SECTION = "## Technique calibration"
SVG = ROOT / "docs" / "techniques_reliability.svg"
BINS = 10


def pav(points: list[tuple[float, bool]]) -> list[tuple[float, float]]:
    """Isotonic (non-decreasing) fit: ``[(upper x of block, value)]`` in x order."""
    blocks: list[list[float]] = []  # [sum_y, n, max_x]
    for x, y in sorted(points):
        blocks.append([float(y), 1.0, x])
        while len(blocks) > 1 and blocks[-2][0] / blocks[-2][1] >= blocks[-1][0] / blocks[-1][1]:
            s, n, mx = blocks.pop()
            blocks[-1][0] += s
            blocks[-1][1] += n
            blocks[-1][2] = mx
    return [(b[2], b[0] / b[1]) for b in blocks]


def apply_map(m: list[tuple[float, float]], x: float) -> float:
    if not m:
        return x
    i = bisect_right([u for u, _ in m], x)
    return m[min(i, len(m) - 1)][1] if i < len(m) else m[-1][1]


def fit(rows: list[tuple[str, float, bool]], min_spans: int) -> dict[str, list[tuple[float, float]]]:
    maps = {"*": pav([(c, ok) for _, c, ok in rows])}
    for fam in sorted({f for f, _, _ in rows}):
        mine = [(c, ok) for f, c, ok in rows if f == fam]
        if len(mine) >= min_spans:
            maps[fam] = pav(mine)
    return maps


def calibrated(maps: dict, fam: str, c: float) -> float:
    return apply_map(maps.get(fam, maps["*"]), c)


def reliability(pairs: list[tuple[float, bool]]) -> tuple[list[tuple[float, float, int]], float]:
    """Per bin: (mean confidence, share right, count); and the ECE."""
    bins: list[list[tuple[float, bool]]] = [[] for _ in range(BINS)]
    for c, ok in pairs:
        bins[min(int(c * BINS), BINS - 1)].append((c, ok))
    out, ece = [], 0.0
    for b in bins:
        if b:
            conf = sum(c for c, _ in b) / len(b)
            acc = sum(ok for _, ok in b) / len(b)
            out.append((conf, acc, len(b)))
            ece += len(b) / len(pairs) * abs(conf - acc)
    return out, ece


def svg(raw: list[tuple[float, float, int]], cal: list[tuple[float, float, int]], title: str) -> str:
    w, h, pad = 420, 420, 50
    def xy(c: float, a: float) -> tuple[float, float]:
        return pad + c * (w - 2 * pad), h - pad - a * (h - 2 * pad)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" font-family="sans-serif" font-size="11">',
             f'<rect width="{w}" height="{h}" fill="white"/>',
             f'<text x="{w / 2}" y="18" text-anchor="middle" font-size="12">{title}</text>']
    x0, y0 = xy(0, 0)
    x1, y1 = xy(1, 1)
    parts.append(f'<rect x="{x0}" y="{y1}" width="{x1 - x0}" height="{y0 - y1}" fill="none" stroke="#999"/>')
    parts.append(f'<line x1="{x0}" y1="{y0}" x2="{x1}" y2="{y1}" stroke="#bbb" stroke-dasharray="4 3"/>')
    for t in (0, 0.2, 0.4, 0.6, 0.8, 1.0):
        tx, _ = xy(t, 0)
        _, ty = xy(0, t)
        parts.append(f'<text x="{tx}" y="{y0 + 15}" text-anchor="middle">{t:.1f}</text>')
        parts.append(f'<text x="{x0 - 6}" y="{ty + 4}" text-anchor="end">{t:.1f}</text>')
    parts.append(f'<text x="{w / 2}" y="{h - 12}" text-anchor="middle">confidence (held-out half)</text>')
    parts.append(f'<text x="14" y="{h / 2}" text-anchor="middle" transform="rotate(-90 14 {h / 2})">'
                 'share of spans right (same technique overlaps gold)</text>')
    for pts, colour, name, dy in ((raw, "#c0392b", "as written", 0), (cal, "#2471a3", "isotonic map", 14)):
        path = " ".join(f"{'M' if i == 0 else 'L'}{xy(c, a)[0]:.1f},{xy(c, a)[1]:.1f}"
                        for i, (c, a, _) in enumerate(pts))
        parts.append(f'<path d="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
        for c, a, n in pts:
            px, py = xy(c, a)
            parts.append(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="{2 + min(n, 400) ** 0.5 / 3:.1f}" '
                         f'fill="{colour}" fill-opacity="0.5"/>')
        parts.append(f'<text x="{x0 + 8}" y="{y1 + 16 + dy}" fill="{colour}">{name}</text>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def main() -> None:
    from propscope.analyze.techniques import taxonomy
    from propscope.analyze.techniques.model import load_model, model_dir
    from propscope.training import dataset

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--min-spans", type=int, default=40)
    ap.add_argument("--write", action="store_true")
    args = ap.parse_args()
    model = load_model("semeval2023")
    fam = {t.label: t.family for t in taxonomy.techniques_2023()}
    _, val = dataset.load(args.data, "semeval2023").split()
    halves: list[list[tuple[str, float, bool]]] = [[], []]
    for i, art in enumerate(val):
        doc = model.score([art.text], si=False)[0]
        for span, conf in model.spans(art.doc_id, doc):
            ok = any(g.technique == span.technique and g.start < span.end and span.start < g.end
                     for g in art.spans)
            halves[i % 2].append((fam.get(span.technique, ""), round(conf, 4), ok))
    held_raw, held_cal = [], []
    for h in (0, 1):
        maps = fit(halves[h], args.min_spans)
        for f, c, ok in halves[1 - h]:
            held_raw.append((c, ok))
            held_cal.append((calibrated(maps, f, c), ok))
    raw, ece_raw = reliability(held_raw)
    cal, ece_cal = reliability(held_cal)
    high_raw = [ok for c, ok in held_raw if c >= 0.8]
    high_cal = [ok for c, ok in held_cal if c >= 0.8]
    n_right = sum(ok for _, ok in held_raw)
    text = "\n".join([
        SECTION, "",
        f"`python bench/techniques_calibration.py{' --write' if args.write else ''}` on "
        f"{date.today().isoformat()}, {cpu_model()}, {os.cpu_count()} shared cores. Technique spans of the "
        f"shipped semeval2023 model on the {len(val)} SemEval-2023 English validation articles (never "
        f"trained on); a span is right when a gold span of the same technique overlaps it. "
        f"{len(held_raw)} spans, {n_right} right ({n_right / max(len(held_raw), 1):.3f}). "
        "Isotonic map per family (families with fewer than "
        f"{args.min_spans} spans share one map) fitted on one half of the articles (alternate IDs), "
        "figures on the other half, both ways: no figure below uses the data that fitted its map.", "",
        "| confidence | ECE (10 bins) | spans at >= 0.8 | share right at >= 0.8 |",
        "|---|---|---|---|",
        f"| as written (`spans.confidence`) | {ece_raw:.3f} | {len(high_raw)} | "
        f"{(sum(high_raw) / len(high_raw)) if high_raw else float('nan'):.3f} |",
        f"| isotonic map, held out | {ece_cal:.3f} | {len(high_cal)} | "
        f"{(sum(high_cal) / len(high_cal)) if high_cal else float('nan'):.3f} |", "",
        "Bins (mean confidence -> share right, spans), as written: "
        + "; ".join(f"{c:.2f} -> {a:.2f} ({n})" for c, a, n in raw) + ".", "",
        "Reliability diagram: [techniques_reliability.svg](techniques_reliability.svg). The written "
        "confidence is the mean token probability of the span, not a precision: read it as a ranking. "
        "The map fitted on all validation articles is stored as `calibration.json` beside the model; "
        "the analyzer does not apply it yet.", ""])
    print(text)
    if args.write:
        SVG.write_text(svg(raw, cal, f"semeval2023 technique spans, {len(held_raw)} held-out spans"),
                       encoding="utf-8")
        every = halves[0] + halves[1]
        maps = fit(every, args.min_spans)
        (model_dir("semeval2023") / "calibration.json").write_text(json.dumps({
            "what": "isotonic map from a technique span's confidence to the share of such spans "
                    "that overlap a gold span of the same technique, per family ('*': all)",
            "fitted_on": f"{len(val)} SemEval-2023 English validation articles, {len(every)} spans",
            "script": "bench/techniques_calibration.py --write",
            "maps": {k: [[u, round(v, 4)] for u, v in m] for k, m in maps.items()}}, indent=1) + "\n",
            encoding="utf-8")
        replace_section(SECTION, text)


if __name__ == "__main__":
    main()
