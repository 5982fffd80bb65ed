"""Memory of the ingesting process as the corpus grows to about a million documents.

    .venv/bin/python bench/ingest_memory.py [--shards 20] [--limits default 1GB] [--write]

Ingests the first ``--shards`` shards of the generated 1M-document corpus
(``bench/synthetic.py``, cached in ``bench/_data``) into a fresh corpus, handing
each committed batch to a no-op consumer as ``propscope run`` hands it to the
analysis, and samples the process's resident memory once a second. One run per
DuckDB ``memory_limit`` in ``--limits`` (``default``: DuckDB's own, 80 % of RAM).
Reports RSS when a quarter, half, three quarters and all of the run's time had
passed, and the peak. ``--write`` replaces the section ``## Ingest: memory as the
corpus grows`` of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DOC = ROOT / "docs" / "benchmarks.md"
SECTION = "## Ingest: memory as the corpus grows"
sys.path.insert(0, str(HERE))
from benchdoc import replace_section  # noqa: E402 - needs the line above when imported


def child(corpus_path: str, shards: int, limit: str) -> dict:
    import psutil

    import propscope
    from propscope.settings import Settings
    from propscope.stages.ingest import ingest_paths
    from synthetic import Spec, write_corpus

    folder = HERE / "_data" / "synthetic-1000000"
    files = sorted(folder.glob("part-*.jsonl"))
    if len(files) < shards:
        files = sorted(write_corpus(Spec(documents=1_000_000), folder))
    files = files[:shards]
    corpus = propscope.open_corpus(corpus_path)
    if limit != "default":
        corpus.con.execute(f"SET memory_limit = '{limit}'")
    proc = psutil.Process()
    samples: list[float] = []
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            samples.append(proc.memory_info().rss / 2**20)
            done.wait(1.0)

    threading.Thread(target=sample, daemon=True).start()
    t0 = time.perf_counter()
    summary = ingest_paths(corpus, files, Settings(), "bench-memory", on_new=lambda rows: None)
    wall = time.perf_counter() - t0
    done.set()
    corpus.close()
    n = len(samples)
    return {"limit": limit, "documents": summary.documents, "wall_s": round(wall, 1),
            "input_mb": round(sum(f.stat().st_size for f in files) / 1e6, 1),
            "rss_mb": [round(samples[max(0, int(n * q) - 1)]) for q in (0.25, 0.5, 0.75, 1.0)],
            "peak_mb": round(max(samples))}




def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shards", type=int, default=20, help="50,000-line shards to ingest")
    ap.add_argument("--limits", nargs="+", default=["default", "1GB"])
    ap.add_argument("--write", action="store_true")
    ap.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(child(args.child[0], int(args.child[1]), args.child[2])))
        return
    rows = []
    for limit in args.limits:
        corpus = Path(f"/tmp/propscope-bench-memory-{os.getpid()}.duckdb")
        for stale in (corpus, corpus.with_name(corpus.name + ".wal")):
            stale.unlink(missing_ok=True)
        out = subprocess.run([sys.executable, __file__, "--child", str(corpus), str(args.shards),
                              limit], check=True, capture_output=True, text=True).stdout
        rows.append(json.loads(out.strip().splitlines()[-1]))
        for stale in (corpus, corpus.with_name(corpus.name + ".wal")):
            stale.unlink(missing_ok=True)
        print(rows[-1], file=sys.stderr)
    table = "".join(
        f"| {r['limit']} | {r['documents']:,} | {r['input_mb']:,} | {r['wall_s']} | "
        f"{' / '.join(str(x) for x in r['rss_mb'])} | {r['peak_mb']} |\n" for r in rows)
    text = (f"{SECTION}\n\n"
            f"Command: `.venv/bin/python bench/ingest_memory.py --shards {args.shards} --limits "
            f"{' '.join(args.limits)} --write`  \n"
            f"Machine: {os.cpu_count()}-core Debian VM, Python {platform.python_version()}; "
            f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC\n\n"
            "Ingest of the generated 1M-document corpus (`bench/synthetic.py`) into a fresh "
            "corpus, each committed batch handed on as `propscope run` hands it to the "
            "analysis; resident memory of the process sampled once a second.\n\n"
            "| DuckDB memory_limit | documents | input MB | wall s | RSS MB at 1/4, 1/2, 3/4, "
            "end of the run | peak RSS MB |\n|---|---:|---:|---:|---|---:|\n" + table + "\n"
            "Python holds a bounded number of batches at a time; what grows is DuckDB's buffer pool "
            "(written blocks and primary-key indexes). It grows far slower than the corpus "
            "(10x the documents of the 100k runs above, about 2x the memory), and with a "
            "limit set (`SET memory_limit`; DuckDB evicts written blocks) it levels off at "
            "the limit plus the Python side, at no cost in time.\n")
    print(text)
    if args.write:
        replace_section(SECTION, text)


if __name__ == "__main__":
    main()
