"""Ingest benchmark: JSONL -> corpus with signals, next to the raw read speed of the file.

    .venv/bin/python bench/ingest.py [--docs 100000] [--with-signals] [--repeat 5] [--write]

Generates a seeded JSONL corpus of short invented news articles (hashtags,
mentions, links, some shortened), then measures each run in a fresh child
process (so its peak memory is its own), on a fresh corpus:

* raw read: ``cat FILE > /dev/null`` (page cache warm) - the physical limit;
* ingest only: :func:`propscope.stages.ingest.ingest_paths`, no analyzers;
* with ``--with-signals``, end to end (JSONL -> corpus with ``references`` and
  ``repetitions`` stored), two ways, alternating so both meet the same load:
  - ``processes``: what ``propscope run --engine processes --workers 2`` does:
    each committed ingest batch is analysed by the worker pool while the next
    batches are parsed, then the analyze stage picks up any stragglers;
  - ``local`` (the baseline): ingest, then the analyze stage in one process.

Each run records wall and CPU seconds (its workers included), peak RSS of the
main process and of the largest worker, and the main process's RSS at 25, 50,
75 and 100 % of the input, to show that memory stays flat as the corpus grows.
``--write`` replaces the ``## Ingest`` section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from benchdoc import (  # bench/ is on sys.path when run as a script
    cpu_model,
    cpu_seconds_with_children,
    replace_section,
)

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


ANALYZERS = ("references", "repetitions")


def child(data: Path, corpus_path: Path, mode: str) -> dict:
    """One measured run: ``ingest`` (no analyzers), ``local`` or ``processes`` end to end."""
    import psutil

    import propscope
    from propscope.engine import get_engine
    from propscope.ingest import total_input_bytes
    from propscope.settings import Settings
    from propscope.stages.analyze import analyze_corpus
    from propscope.stages.ingest import ingest_paths
    from propscope.stages.overlap import overlap_for, worker_parse_for
    from propscope.stages.writer import CorpusWriter

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

    engine_name = "processes" if mode == "processes" else "local"
    settings = Settings(analyzers=ANALYZERS, engine=engine_name, workers=2)
    corpus = propscope.open_corpus(corpus_path)
    run_id = corpus.start_run("bench-ingest")
    rss_start = proc.memory_info().rss / 2**20
    cpu0, t0 = cpu_seconds_with_children(), time.perf_counter()
    out: dict = {"mode": mode}
    if mode == "ingest":
        summary = ingest_paths(corpus, [data], settings, run_id, progress=progress)
        out["ingest_s"] = time.perf_counter() - t0
    else:
        engine = get_engine(settings)
        try:
            # As stages.overlap.ingest_with_analysis: with workers, JSON Lines is parsed
            # (and analysed) there.
            with CorpusWriter(corpus) as writer:
                overlap = overlap_for(writer, settings, run_id, engine)
                workers = worker_parse_for(overlap, engine)
                if overlap is None:
                    summary = ingest_paths(corpus, [data], settings, run_id, progress=progress,
                                           workers=workers, writer=writer)
                else:
                    with overlap:
                        summary = ingest_paths(corpus, [data], settings, run_id,
                                               progress=progress, on_new=overlap.submit,
                                               workers=workers, writer=writer)
                out["ingest_s"] = time.perf_counter() - t0
                after = analyze_corpus(corpus, settings, run_id, engine=engine, writer=writer)
        finally:
            engine.close()
        out["beside_ingest"] = overlap.done if overlap is not None else 0
        out["after_ingest"] = {k: v.get("documents", 0) for k, v in after.items()}
        out["rows"] = {t: corpus.count(t) for t in ("doc_references", "repetitions")}
    out["total_s"] = time.perf_counter() - t0
    out["cpu_s"] = cpu_seconds_with_children() - cpu0
    out["summary"] = summary.as_dict()
    corpus.close()
    out["rss_mb"] = samples
    out["rss_start_mb"] = round(rss_start, 1)
    out["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    out["worker_peak_rss_mb"] = round(
        resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1)
    return out


def _run(data: Path, corpus_path: Path, mode: str) -> dict:
    for stale in (corpus_path, corpus_path.with_name(corpus_path.name + ".wal")):
        stale.unlink(missing_ok=True)
    cmd = [sys.executable, __file__, "--child", str(data), str(corpus_path), mode]
    return json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True,
                                     env={**os.environ, "PYTHONHASHSEED": "0"}).stdout)


def _row(label: str, size_mb: float, docs: int, runs: list[dict]) -> tuple[str, ...]:
    """Median wall of ``runs`` (all listed), with its MB/s, documents/s and CPU."""
    walls = sorted(r["total_s"] for r in runs)
    wall = statistics.median(walls)
    cpu = statistics.median(r["cpu_s"] for r in runs)
    return (label, f"{size_mb / wall:,.1f} MB/s", f"{docs / wall:,.0f} docs/s", f"{wall:.2f} s",
            f"{cpu:.1f} s", ", ".join(f"{size_mb / w:.1f}" for w in walls))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=100_000)
    ap.add_argument("--workdir", type=Path, default=None, help="where to put data and corpus")
    ap.add_argument("--with-signals", action="store_true",
                    help="also measure end to end with the references and repetitions analyzers")
    ap.add_argument("--write", action="store_true", help="write results to docs/benchmarks.md")
    ap.add_argument("--repeat", type=int, default=3, help="runs of each kind (median reported)")
    ap.add_argument("--child", nargs=3, metavar=("DATA", "CORPUS", "MODE"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(child(Path(args.child[0]), Path(args.child[1]), args.child[2]),
                         default=str))
        return

    work = args.workdir or Path(tempfile.mkdtemp(prefix="propscope-bench-ingest-"))
    work.mkdir(parents=True, exist_ok=True)
    data = work / f"articles-{args.docs}.jsonl"
    if not data.exists():
        print(f"generating {args.docs} documents -> {data}", file=sys.stderr)
        generate(data, args.docs)
    size_mb = data.stat().st_size / 1e6
    load_before = os.getloadavg()[0]
    cat_s = raw_read_seconds(data)
    corpus_path = work / "bench.duckdb"
    modes = ["ingest"] + (["local", "processes"] if args.with_signals else [])
    runs: dict[str, list[dict]] = {m: [] for m in modes}
    for attempt in range(args.repeat):  # alternating, so every kind meets the same load
        for mode in modes:
            res = _run(data, corpus_path, mode)
            runs[mode].append(res)
            print(f"run {attempt + 1} {mode}: {size_mb / res['total_s']:.1f} MB/s "
                  f"({res['total_s']:.2f} s, {res['cpu_s']:.1f} CPU-s)", file=sys.stderr)
    load_after = os.getloadavg()[0]
    docs = runs["ingest"][0]["summary"]["documents"]
    if args.with_signals and {r["rows"]["doc_references"] for m in ("local", "processes")
                              for r in runs[m]} != {runs["local"][0]["rows"]["doc_references"]}:
        sys.exit("the engines stored different numbers of rows")
    rows = [("raw read (`cat > /dev/null`, warm cache)", f"{size_mb / cat_s:,.0f} MB/s", "",
             f"{cat_s:.2f} s", "", ""),
            _row("ingest only (no analyzers)", size_mb, docs, runs["ingest"])]
    if args.with_signals:
        rows.append(_row("end to end, `local` (baseline: ingest, then analyze)", size_mb, docs,
                         runs["local"]))
        rows.append(_row("**end to end, `processes`** (analysis beside ingest, 2 workers)",
                         size_mb, docs, runs["processes"]))
    table = ("| what | MB/s (median) | documents/s | wall (median) | CPU, workers included "
             "| every run, MB/s |\n|---|---:|---:|---:|---:|---|\n"
             + "".join(f"| {' | '.join(r)} |\n" for r in rows))
    last = runs["processes"][-1] if args.with_signals else runs["ingest"][-1]
    rss = ", ".join(f"{k}: {v} MB" for k, v in last["rss_mb"].items())
    text = (
        f"{SECTION}\n\n"
        f"Command: `.venv/bin/python bench/ingest.py --docs {args.docs}"
        f"{' --with-signals' if args.with_signals else ''} --repeat {args.repeat} --write`  \n"
        f"Machine: {os.cpu_count()}-core Debian VM, {cpu_model()}, Python "
        f"{platform.python_version()}; load average {load_before:.1f} before, "
        f"{load_after:.1f} after  \n"
        f"Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC  \n"
        f"Input: {args.docs:,} generated JSONL articles, {size_mb:,.1f} MB "
        f"({size_mb * 1e6 / args.docs:,.0f} bytes each on average), one file; "
        f"{args.repeat} runs of each kind, alternating, each a fresh process and corpus.\n\n"
        f"{table}\n")
    if args.with_signals:
        proc_runs, local_runs = runs["processes"], runs["local"]
        ratio = (statistics.median(r["total_s"] for r in local_runs)
                 / statistics.median(r["total_s"] for r in proc_runs))
        text += (
            f"`processes` is **{ratio:.2f}x** the `local` baseline. Every run stored the same "
            f"rows ({last['rows']['doc_references']:,} references). Peak RSS, `processes`: main "
            f"process {statistics.median(r['peak_rss_mb'] for r in proc_runs):.0f} MB, largest "
            f"worker {statistics.median(r['worker_peak_rss_mb'] for r in proc_runs):.0f} MB; "
            f"`local` {statistics.median(r['peak_rss_mb'] for r in local_runs):.0f} MB.  \n")
    text += (f"Main-process RSS as the input is consumed (last run): {rss} (at start "
             f"{last['rss_start_mb']} MB). Ingest writes in batches of 5,000 documents (or 32 M "
             "characters) and, with workers, JSON Lines goes to them in chunks of 2,500 lines (at "
             "most four chunks in flight per worker, four results waiting to be written), "
             "so the Python side is bounded by the batch; what grows is DuckDB's buffer pool, far slower than the "
             "corpus (next section).\n")
    print(text)
    if args.write:
        replace_section(SECTION, text)
        print(f"written to {DOC}", file=sys.stderr)


if __name__ == "__main__":
    main()
