"""Reliability of technique-span confidences, and the isotonic calibration map the analyzer applies.

Data: the validation articles of the fixed split (``propscope.training.dataset``:
the shipped encoders never trained on them): 59 SemEval-2023 English articles for
``--taxonomy semeval2023``, 47 PTC-2020 articles for ``semeval2020``. Every
technique span the shipped model writes is *right* when it overlaps a gold span of
the same technique (any character), else wrong; its ``confidence`` is the column
the analyzer writes (``spans.confidence``).

Protocol (so the reported figures never use the data that fitted the map): the
articles are cut into the same ``K`` outer folds as ``propscope eval --cv K``
(:func:`propscope.evaluate.cv.fold_of`); for each fold an isotonic map per
technique family (families with fewer than ``--min-spans`` spans use one map over
all families; :mod:`propscope.analyze.techniques.calibration`) is fitted on the
other folds and applied to this one; the reliability diagram, the expected
calibration error (ECE, 10 equal-width bins) and the precision at >= 0.8 are
computed on those outer-fold predictions only. The map fitted on all validation
articles is written to ``calibration.json`` beside the model with ``--write``;
the analyzer applies it (``spans.confidence_calibrated``).

    nice -n 5 python bench/techniques_calibration.py --taxonomy semeval2023 --write
    nice -n 5 python bench/techniques_calibration.py --taxonomy semeval2020 --write

Writes docs/techniques_reliability[_semeval2020].svg and the taxonomy's part of the
``## Technique calibration`` section of docs/benchmarks.md with ``--write``.
"""

from __future__ import annotations

import argparse
import json
import os
from datetime import date
from pathlib import Path

from benchdoc import cpu_model, replace_section  # bench/ is on sys.path when run as a script

ROOT = Path(__file__).resolve().parents[1]
SECTION = "## Technique calibration"


def svg_path(tax: str) -> Path:
    return ROOT / "docs" / ("techniques_reliability.svg" if tax == "semeval2023"
                            else f"techniques_reliability_{tax}.svg")


BINS = 10


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
    from propscope.analyze.techniques import calibration, taxonomy
    from propscope.analyze.techniques.model import load_model, model_dir
    from propscope.evaluate.cv import fold_of
    from propscope.training import dataset

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--taxonomy", default="semeval2023", choices=["semeval2023", "semeval2020"])
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--min-spans", type=int, default=40)
    ap.add_argument("--write", action="store_true")
    args = ap.parse_args()
    tax = args.taxonomy
    model = load_model(tax)
    fam = {label: t.family for label, t in taxonomy.by_label().items()}
    _, val = dataset.load(args.data, tax).split()
    folds: list[list[tuple[str, float, bool]]] = [[] for _ in range(args.folds)]
    for art in sorted(val, key=lambda a: a.doc_id):
        doc = model.score([art.text], si=False)[0]
        for span, conf in model.spans(art.doc_id, doc):
            ok = any(g.technique == span.technique and g.start < span.end and span.start < g.end
                     for g in art.spans)
            folds[fold_of(art.doc_id, args.folds)].append((fam.get(span.technique, ""), round(conf, 4), ok))
    held_raw, held_cal = [], []
    for f in range(args.folds):
        maps = calibration.Calibration(calibration.fit(
            [r for g in range(args.folds) if g != f for r in folds[g]], args.min_spans))
        for family, c, ok in folds[f]:
            held_raw.append((c, ok))
            held_cal.append((maps(family, c), ok))
    raw, ece_raw = reliability(held_raw)
    cal, ece_cal = reliability(held_cal)
    high_raw = [ok for c, ok in held_raw if c >= 0.8]
    high_cal = [ok for c, ok in held_cal if c >= 0.8]
    n_right = sum(ok for _, ok in held_raw)
    what = {"semeval2023": "SemEval-2023 English", "semeval2020": "PTC-2020 (SemEval-2020)"}[tax]
    svg_file = svg_path(tax)
    text = "\n".join([
        f"### {tax}", "",
        f"`python bench/techniques_calibration.py --taxonomy {tax}{' --write' if args.write else ''}` on "
        f"{date.today().isoformat()}, {cpu_model()}, {os.cpu_count()} shared cores. Technique spans of the "
        f"shipped {model.name} model on the {len(val)} {what} validation articles (never "
        f"trained on); a span is right when a gold span of the same technique overlaps it. "
        f"{len(held_raw)} spans, {n_right} right ({n_right / max(len(held_raw), 1):.3f}). "
        "Isotonic map per family (families with fewer than "
        f"{args.min_spans} spans share one map; every step of a map rests on at least "
        f"{calibration.MIN_BLOCK} spans) fitted on {args.folds - 1} of the {args.folds} "
        "outer folds of `propscope eval --cv`, figures on the fifth, for each fold: no figure below "
        "uses the data that fitted its map.", "",
        "| confidence | ECE (10 bins) | spans at >= 0.8 | share right at >= 0.8 |",
        "|---|---|---|---|",
        f"| as written (`spans.confidence`) | {ece_raw:.3f} | {len(high_raw)} | "
        f"{f'{sum(high_raw) / len(high_raw):.3f}' if high_raw else '-'} |",
        f"| calibrated, outer folds (`spans.confidence_calibrated`) | {ece_cal:.3f} | {len(high_cal)} | "
        f"{f'{sum(high_cal) / len(high_cal):.3f}' if high_cal else '-'} |", "",
        "Bins (mean confidence -> share right, spans), as written: "
        + "; ".join(f"{c:.2f} -> {a:.2f} ({n})" for c, a, n in raw) + "; calibrated: "
        + "; ".join(f"{c:.2f} -> {a:.2f} ({n})" for c, a, n in cal) + ".", "",
        f"Reliability diagram: [{svg_file.name}]({svg_file.name}). The map fitted on all "
        f"{len(val)} articles ships as `calibration.json` beside the model and the analyzer "
        "applies it (`spans.confidence_calibrated`; the app's slider and span details use it).", ""])
    print(text)
    if args.write:
        svg_file.write_text(svg(raw, cal, f"{tax} technique spans, {len(held_raw)} outer-fold spans"),
                            encoding="utf-8")
        every = [r for g in folds for r in g]
        maps = calibration.fit(every, args.min_spans)
        (model_dir(tax) / calibration.FILE).write_text(json.dumps({
            "what": "isotonic map from a technique span's confidence to the share of such spans "
                    "that overlap a gold span of the same technique, per family ('*': all)",
            "fitted_on": f"{len(val)} {what} validation articles, {len(every)} spans",
            "model": model.name,
            "script": f"bench/techniques_calibration.py --taxonomy {tax} --write",
            "maps": {k: [[u, round(v, 4)] for u, v in m] for k, m in maps.items()}}, indent=1) + "\n",
            encoding="utf-8")
        write_section(tax, text)


def write_section(tax: str, part: str) -> None:
    """Replace this taxonomy's part of the section, keeping the other taxonomy's."""
    doc = ROOT / "docs" / "benchmarks.md"
    old = doc.read_text(encoding="utf-8")
    parts: dict[str, str] = {}
    if SECTION in old:
        body = old.split(SECTION, 1)[1].split("\n## ", 1)[0]
        for chunk in body.split("\n### ")[1:]:
            name = chunk.split("\n", 1)[0].strip()
            parts[name] = "### " + chunk.rstrip() + "\n"
    parts[tax] = part
    head = ("Isotonic calibration of technique-span confidences, per taxonomy "
            "(`bench/techniques_calibration.py`).")
    replace_section(SECTION, "\n".join([SECTION, "", head, "",
                                         *(parts[k] for k in ("semeval2023", "semeval2020") if k in parts)]),
                    doc)


if __name__ == "__main__":
    main()
