"""Speed of the multilingual technique heads on 2 cores: documents per second.

Issue 16 asks for documents/s of language identification and of the multilingual
heads on 2 cores. Language identification is measured by ``bench/languages.py``
(section ``## Language identification``). This script times
:func:`propscope.analyze.multilingual.predict_embedded` (paragraph embedding by
multilingual-e5-small, the technique heads, and the embeddings the genre/framing
heads read) on the first ``--docs`` SemEval-2023 articles of each of fr, de, it,
pl and ru:

* 1 process: documents per CPU second of that process;
* 2 processes (each its own encoder with one thread, as the processes engine runs
  it), half of the documents each: documents per CPU second of the busier
  process, which is what 2 free cores would give; and per wall second on this
  shared machine (what was left of it).

The machine's 2 cores are shared with other jobs, so the CPU figures are the cost,
and the wall figures only what this run got.

    nice python bench/multilingual_speed.py [--docs 4] [--no-write]
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing as mp
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from benchdoc import cpu_model, replace_section  # noqa: E402
from propscope.analyze import multilingual  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SECTION = "## Multilingual heads speed"
FOLDERS = {"fr": "fr", "de": "ge", "it": "it", "pl": "po", "ru": "ru"}


def _work(job: list[tuple[str, str]]) -> tuple[float, int, int]:
    """CPU seconds, documents and paragraphs of predicting ``job`` ((text, lang) pairs),
    after one warm-up call (the encoder's load is not counted)."""
    multilingual.predict_embedded("Bonjour tout le monde.", "fr")
    t = time.process_time()
    paras = 0
    for text, lang in job:
        paras += len(multilingual.predict_embedded(text, lang)[1])
    return time.process_time() - t, len(job), paras


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--docs", type=int, default=4, help="articles per language")
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    docs = []
    for lang, folder in FOLDERS.items():
        paths = sorted((args.data / "semeval2023" / folder / "articles").glob("article*.txt"))[:args.docs]
        docs += [(p.read_text(encoding="utf-8"), lang) for p in paths]
    chars = sum(len(t) for t, _ in docs)
    load0 = os.getloadavg()[0]
    cpu1, n1, paras = _work(docs)
    ctx = mp.get_context("spawn")  # a fresh encoder per process, as the processes engine has
    t = time.perf_counter()
    with ctx.Pool(2) as pool:
        parts = pool.map(_work, [docs[0::2], docs[1::2]])
    wall2 = time.perf_counter() - t  # includes the workers' start and encoder load
    busier = max(p[0] for p in parts)
    load1 = os.getloadavg()[0]
    rows = ["| run | documents | paragraphs | CPU s | documents/s |", "|---|---|---|---|---|",
            f"| 1 process, per CPU second | {n1} | {paras} | {cpu1:.1f} | {n1 / cpu1:.2f} |",
            f"| 2 processes, per CPU second of the busier (= 2 free cores) | {n1} | {paras} | "
            f"{sum(p[0] for p in parts):.1f} | {n1 / busier:.2f} |",
            f"| 2 processes, per wall second (shared machine, workers' start included) | {n1} | {paras} | – | "
            f"{n1 / wall2:.2f} |"]
    print("\n".join(rows) + f"\nload {load0:.1f} -> {load1:.1f}", flush=True)
    if args.no_write:
        return
    cmd = "nice python bench/multilingual_speed.py " + " ".join(sys.argv[1:])
    body = [f"Command: `{cmd.strip()}`; {dt.date.today()}, {cpu_model()}, 2 cores shared with other jobs "
            f"(load average {load0:.1f} before, {load1:.1f} after). `multilingual.predict_embedded` "
            f"(embedding every paragraph by multilingual-e5-small 4-bit, cut at "
            f"{multilingual.MAX_PARAGRAPH_CHARS} characters, and the technique heads) on the first "
            f"{args.docs} SemEval-2023 articles of each of fr, de, it, pl, ru ({chars:,} characters); the "
            "encoder's load is not counted in CPU figures. Language identification on 2 cores: "
            "[Language identification](#language-identification) (608 articles/s per CPU second of "
            "the busier of 2 processes).", "", *rows, ""]
    replace_section(SECTION, SECTION + "\n\n" + "\n".join(body) + "\n")


if __name__ == "__main__":
    main()
