"""Calibrate the genre head's abstention on articles its head never trained on.

The genre head (a linear layer over the SemEval-2023 encoder's mean state) was
fitted on the training split; the 59 validation articles of that split
(``propscope.training.dataset``) are held out from it. For each genre label the
script picks the lowest confidence ``t`` at which the label's predictions on
those articles reach ``--precision`` (at least ``--min-support`` of them); a
label that never does gets ``t = 1.01`` (always abstained: the app says
"uncertain"). The estimate of what the rule does on unseen articles is
cross-fitted: thresholds chosen on one half of the validation articles
(alternate IDs), applied to the other half, both ways, pooled.

    nice -n 5 python bench/genre_abstain.py            # print
    nice -n 5 python bench/genre_abstain.py --write    # store genre_min in config.json
    nice -n 5 python bench/genre_abstain.py --variant fast --write   # that variant's own genre_min

With ``--variant`` (a variant with its own genre head, e.g. the fast mode's) the
thresholds go into that entry of ``variants`` and the docs section is left alone.

Writes the ``## Genre abstention`` section of docs/benchmarks.md with ``--write``.
"""

from __future__ import annotations

import argparse
import json
import os
from datetime import date
from pathlib import Path

from benchdoc import cpu_model, replace_section  # bench/ is on sys.path when run as a script

ROOT = Path(__file__).resolve().parents[1]
SECTION = "## Genre abstention"


def choose(rows: list[tuple[str, str, float]], labels: list[str], precision: float,
           support: int) -> dict[str, float]:
    """Per label: the lowest ``t`` whose predictions with confidence >= t reach ``precision``."""
    out = {}
    for lab in labels:
        mine = sorted((p, gold == lab) for gold, pred, p in rows if pred == lab)
        best = 1.01
        for i, (p, _) in enumerate(mine):
            kept = mine[i:]
            if len(kept) >= support and sum(ok for _, ok in kept) / len(kept) >= precision:
                best = round(p - 1e-6, 6)
                break
        out[lab] = best
    return out


def apply(rows: list[tuple[str, str, float]], t: dict[str, float]) -> dict[str, float]:
    kept = [(g, p) for g, p, c in rows if c >= t.get(p, 1.01)]
    right = sum(g == p for g, p in kept)
    return {"articles": len(rows), "answered": len(kept), "correct": right,
            "precision": round(right / len(kept), 3) if kept else None,
            "accuracy_without_abstaining": round(sum(g == p for g, p, _ in rows) / len(rows), 3)}


def main() -> None:
    from propscope.analyze.techniques.model import load_model, model_dir
    from propscope.training import dataset

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--precision", type=float, default=0.8)
    ap.add_argument("--min-support", type=int, default=3)
    ap.add_argument("--write", action="store_true")
    ap.add_argument("--variant", default=None, help="a config variant with its own genre head")
    args = ap.parse_args()
    model = load_model("semeval2023", args.variant)
    _, val = dataset.load(args.data, "semeval2023").split()
    val = [a for a in val if a.genre]
    rows = []
    for art in val:
        doc = model.score([art.text], si=False)[0]
        g = model.heads.genre_scores(doc.hidden)
        k = int(g.argmax())
        rows.append((art.genre, model.heads.genre_labels[k], float(g[k])))
    labels = model.heads.genre_labels
    halves = [[r for i, r in enumerate(rows) if i % 2 == h] for h in (0, 1)]
    cross = [r for h in (0, 1) for r in halves[1 - h]
             if r[2] >= choose(halves[h], labels, args.precision, args.min_support).get(r[1], 1.01)]
    held = {"articles": len(rows), "answered": len(cross),
            "precision": round(sum(g == p for g, p, _ in cross) / len(cross), 3) if cross else None}
    t = choose(rows, labels, args.precision, args.min_support)
    full = apply(rows, t)
    gold = {lab: sum(g == lab for g, _, _ in rows) for lab in labels}
    pred = {lab: sum(p == lab for _, p, _ in rows) for lab in labels}
    text = "\n".join([
        SECTION, "",
        f"`python bench/genre_abstain.py{' --write' if args.write else ''}` on {date.today().isoformat()}, "
        f"{cpu_model()}, {os.cpu_count()} shared cores. The {len(rows)} SemEval-2023 English validation "
        "articles with a genre label (never seen by the genre head; gold "
        + ", ".join(f"{k} {v}" for k, v in gold.items()) + "; predicted "
        + ", ".join(f"{k} {v}" for k, v in pred.items()) + ").", "",
        f"Rule: a genre is shown only when its confidence reaches the label's threshold, the lowest "
        f"at which that label's predictions reach precision {args.precision} (at least "
        f"{args.min_support} of them); otherwise the genre is `uncertain`. Thresholds "
        + ", ".join(f"{k} {v:.3f}" for k, v in t.items()) + " (1.01: never shown).", "",
        f"Without abstaining: accuracy {full['accuracy_without_abstaining']}. Held-out estimate "
        f"(thresholds chosen on one half of these articles, applied to the other, both ways): "
        f"{held['answered']} of {held['articles']} answered, precision {held['precision']}. With the "
        f"shipped thresholds on all {len(rows)} (in-sample, for reference only): {full['answered']} "
        f"answered, precision {full['precision']}.", ""])
    print(text)
    if args.write:
        path = model_dir("semeval2023") / "config.json"
        cfg = json.loads(path.read_text(encoding="utf-8"))
        where = cfg["variants"][args.variant] if args.variant else cfg
        where["genre_min"] = t
        where["genre_min_note"] = (f"bench/genre_abstain.py --precision {args.precision}"
                                   + (f" --variant {args.variant}" if args.variant else "")
                                   + ": lowest confidence at which each genre reaches that precision "
                                   "on the validation articles")
        path.write_text(json.dumps(cfg, indent=2) + "\n", encoding="utf-8")
        if not args.variant:
            replace_section(SECTION, text)


if __name__ == "__main__":
    main()
