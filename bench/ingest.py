"""Ingest benchmark: JSONL -> corpus, next to the raw read speed of the same file.

    .venv/bin/python bench/ingest.py [--docs 100000] [--with-signals] [--write]

Generates a seeded JSONL corpus of short invented news articles (hashtags,
mentions, links, some shortened), then measures in a child process (so its
peak memory is its own):

* raw read: ``cat FILE > /dev/null`` (page cache warm) - the physical limit;
* ingest: :func:`propscope.ingest.ingest_paths` into a fresh DuckDB corpus,
  without analyzers: documents/s, MB/s of input, peak RSS, and RSS sampled at
  25/50/75/100 % of the input to show whether memory stays flat;
* with ``--with-signals``: then :func:`propscope.pipeline.analyze_corpus`
  (if the pipeline provides it) and the end-to-end rate.

``--write`` replaces the ``## Ingest`` section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "benchmarks.md"
SECTION = "## Ingest"

_VOCAB_TEXT = """council town harbour budget vote market farmers drivers nurses teachers students
residents bridge railway station tram lane park water energy grid solar wind rent wages taxes
school library clinic museum festival river forest coast harvest storm report survey figures
plan proposal hearing petition meeting debate support concern approved delayed opened closed
expanded reduced raised measured published discussed local national public private early late
week month season morning evening because although while since however meanwhile several many
"""
_VOCAB = _VOCAB_TEXT.split()
_GLUE_TEXT = "the a of and to in on for with from at by about after before over under"
_GLUE = _GLUE_TEXT.split()


def generate(path: Path, docs: int, seed: int = 11) -> int:
    """Write ``docs`` JSONL articles (about 1 KB of text each); returns the file size."""
    rnd = random.Random(seed)
    start = datetime(2021, 1, 1, tzinfo=UTC)
    sites = [f"site{i:03d}.example" for i in range(300)]
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(docs):
            site = rnd.choice(sites)
            paragraphs = []
            for _ in range(rnd.randint(2, 5)):
                words = []
                for _ in range(rnd.randint(25, 60)):
                    words.append(rnd.choice(_VOCAB) if rnd.random() < 0.6 else rnd.choice(_GLUE))
                    r = rnd.random()
                    if r < 0.012:
                        words.append(f"#{rnd.choice(_VOCAB)}{rnd.randint(1, 40)}")
                    elif r < 0.018:
                        words.append(f"@{rnd.choice(_VOCAB)}_desk")
                    elif r < 0.022:
                        words.append(f"https://{rnd.choice(sites)}/news/{rnd.randint(1, 99999)}")
                    elif r < 0.025:
                        words.append(f"https://t.co/{rnd.getrandbits(40):010x}")
                paragraphs.append(" ".join(words).capitalize() + ".")
            when = start + timedelta(seconds=rnd.randint(0, 3 * 365 * 86400))
            fh.write(json.dumps({
                "id": f"a{i}", "source": site, "published": when.isoformat(),
                "url": f"https://{site}/a/{i}", "title": " ".join(rnd.sample(_VOCAB, 6)).title(),
                "text": "\n\n".join(paragraphs), "lang": "en",
            }) + "\n")
    return path.stat().st_size


def raw_read_seconds(path: Path) -> float:
    subprocess.run(f"cat '{path}' > /dev/null", shell=True, check=True)  # warm the page cache
    best = float("inf")
    for _ in range(3):
        t0 = time.perf_counter()
        subprocess.run(f"cat '{path}' > /dev/null", shell=True, check=True)
        best = min(best, time.perf_counter() - t0)
    return best


def child(data: Path, corpus_path: Path, with_signals: bool) -> dict:
    """Runs in its own process: ingest (and signals), reporting time and memory."""
    import psutil

    import propscope
    from propscope.ingest import ingest_paths, total_input_bytes
    from propscope.settings import Settings

    proc = psutil.Process()
    total = total_input_bytes([data])
    marks = [0.25, 0.5, 0.75, 1.0]
    samples: dict[str, float] = {}
    done = 0

    def progress(n: int) -> None:
        nonlocal done
        done += n
        while marks and done >= marks[0] * total:
            samples[f"{int(marks.pop(0) * 100)}%"] = round(proc.memory_info().rss / 2**20, 1)

    settings = Settings()
    corpus = propscope.open_corpus(corpus_path)
    run_id = corpus.start_run("bench-ingest")
    rss_start = proc.memory_info().rss / 2**20
    cpu0 = time.process_time()
    t0 = time.perf_counter()
    summary = ingest_paths(corpus, [data], settings, run_id, progress=progress)
    ingest_s = time.perf_counter() - t0
    out = {"ingest_s": ingest_s, "ingest_cpu_s": time.process_time() - cpu0,
           "summary": summary.as_dict(), "rss_mb": samples, "rss_start_mb": round(rss_start, 1)}
    if with_signals:
        from propscope import pipeline
        analyze = getattr(pipeline, "analyze_corpus", None)
        if analyze is None:
            out["signals"] = "propscope.pipeline.analyze_corpus not available"
        else:
            cpu1 = time.process_time()
            t1 = time.perf_counter()
            out["signals"] = analyze(corpus, settings.replace(analyzers=("references", "repetitions")),
                                     run_id)
            out["signals_s"] = time.perf_counter() - t1
            out["signals_cpu_s"] = time.process_time() - cpu1
    corpus.close()
    out["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return out


def write_section(text: str) -> None:
    """Replace (or append) this benchmark's own section, leaving the others untouched."""
    current = DOC.read_text(encoding="utf-8") if DOC.exists() else "# Benchmarks\n"
    lines = current.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if line.rstrip() == SECTION), None)
    if start is None:
        new = current.rstrip("\n") + "\n\n" + text
    else:
        end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")),
                   len(lines))
        new = "".join(lines[:start]) + text + ("\n" if end < len(lines) else "") + "".join(lines[end:])
    DOC.parent.mkdir(parents=True, exist_ok=True)
    DOC.write_text(new, encoding="utf-8")


def cpu_model() -> str:
    try:
        for line in subprocess.run(["lscpu"], capture_output=True, text=True).stdout.splitlines():
            if line.startswith("Model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=100_000)
    ap.add_argument("--workdir", type=Path, default=None, help="where to put data and corpus")
    ap.add_argument("--with-signals", action="store_true",
                    help="also run propscope.pipeline.analyze_corpus (references, repetitions)")
    ap.add_argument("--write", action="store_true", help="write results to docs/benchmarks.md")
    ap.add_argument("--repeat", type=int, default=3, help="ingest runs; the fastest is reported")
    ap.add_argument("--child", nargs=2, metavar=("DATA", "CORPUS"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(child(Path(args.child[0]), Path(args.child[1]), args.with_signals),
                         default=str))
        return

    work = args.workdir or Path(tempfile.mkdtemp(prefix="propscope-bench-ingest-"))
    work.mkdir(parents=True, exist_ok=True)
    data = work / f"articles-{args.docs}.jsonl"
    if not data.exists():
        print(f"generating {args.docs} documents -> {data}", file=sys.stderr)
        generate(data, args.docs)
    size_mb = data.stat().st_size / 1e6
    load = os.getloadavg()[0]
    cat_s = raw_read_seconds(data)
    corpus_path = work / "bench.duckdb"
    runs = []
    for attempt in range(args.repeat):  # best of N: the VM is shared, wall time is noisy
        for stale in (corpus_path, corpus_path.with_name(corpus_path.name + ".wal")):
            stale.unlink(missing_ok=True)
        cmd = [sys.executable, __file__, "--child", str(data), str(corpus_path)]
        if args.with_signals and attempt == args.repeat - 1:
            cmd.append("--with-signals")
        runs.append(json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True,
                                              env={**os.environ, "PYTHONHASHSEED": "0"}).stdout))
    res = min(runs, key=lambda r: r["ingest_s"])
    for extra in ("signals", "signals_s", "signals_cpu_s"):
        if extra in runs[-1]:
            res[extra] = runs[-1][extra]
    docs = res["summary"]["documents"]
    rows = [
        ("raw read (`cat > /dev/null`, warm cache)", f"{size_mb / cat_s:,.0f} MB/s", "",
         f"{cat_s:.2f} s", ""),
        ("ingest JSONL -> corpus (no analyzers)",
         f"{size_mb / res['ingest_s']:,.1f} MB/s", f"{docs / res['ingest_s']:,.0f} docs/s",
         f"{res['ingest_s']:.1f} s", f"{res['ingest_cpu_s']:.1f} s"),
    ]
    if "signals_s" in res:
        total_s = res["ingest_s"] + res["signals_s"]
        rows.append(("analyze_corpus (references, repetitions)",
                     f"{size_mb / res['signals_s']:,.1f} MB/s",
                     f"{docs / res['signals_s']:,.0f} docs/s", f"{res['signals_s']:.1f} s",
                     f"{res['signals_cpu_s']:.1f} s"))
        rows.append(("**end to end** (ingest + signals)", f"**{size_mb / total_s:,.1f} MB/s**",
                     f"{docs / total_s:,.0f} docs/s", f"{total_s:.1f} s",
                     f"{res['ingest_cpu_s'] + res['signals_cpu_s']:.1f} s"))
    table = ("| stage | MB/s | documents/s | wall | CPU (this process) |\n|---|---|---|---|---|\n"
             + "".join(f"| {' | '.join(r)} |\n" for r in rows))
    walls = ", ".join(f"{r['ingest_s']:.1f} s" for r in runs)
    rss = ", ".join(f"{k}: {v} MB" for k, v in res["rss_mb"].items())
    text = (
        f"{SECTION}\n\n"
        f"Command: `.venv/bin/python bench/ingest.py --docs {args.docs}"
        f"{' --with-signals' if args.with_signals else ''} --write`  \n"
        f"Machine: {os.cpu_count()}-core Debian VM, {cpu_model()}, Python {platform.python_version()}"
        f"; load average before the run {load:.1f} (the VM is shared)  \n"
        f"Date: {datetime.now(UTC):%Y-%m-%d}  \n"
        f"Input: {args.docs:,} generated JSONL articles, {size_mb:,.1f} MB "
        f"({size_mb * 1e6 / args.docs:,.0f} bytes each on average), one file.\n\n"
        f"{table}\n"
        f"Ingest figures are the fastest of {args.repeat} runs (wall times of all runs: "
        f"{walls}). Load-independent: "
        f"ingest costs {res['ingest_cpu_s']:.1f} CPU-seconds, "
        f"**{size_mb / res['ingest_cpu_s']:,.1f} MB per CPU-second**; parsing and writing run "
        f"in two threads, so on two idle cores wall time can be below CPU time.\n\n"
        f"Peak RSS of the ingest process: {res['peak_rss_mb']} MB (at start {res['rss_start_mb']} MB); "
        f"RSS as the input is consumed: {rss}.  \n"
        f"Ingest writes in batches of 5,000 documents (or 32 M characters), so memory is bounded "
        f"by the batch, not by the corpus.\n"
    )
    if "signals_cpu_s" in res:
        share = res["ingest_cpu_s"] / (res["ingest_cpu_s"] + res["signals_cpu_s"])
        text += (f"\nOf the end-to-end CPU time, ingest takes {share:.0%} and the analyzers "
                 f"{1 - share:.0%}: the 20 MB/s end-to-end target is bound by the analyzers "
                 "(`references`, `repetitions`), not by reading and storing the input.\n")
    if isinstance(res.get("signals"), str):
        text += f"\nSignals not measured: {res['signals']}.\n"
    print(text)
    if args.write:
        write_section(text)
        print(f"written to {DOC}", file=sys.stderr)


if __name__ == "__main__":
    main()
