"""Web app latency at a million documents: p50/p99 of the main pages and of search.

Generates a synthetic corpus with DuckDB SQL straight into the tables (no Python
objects per document), starts ``propscope serve``'s app in a subprocess (so the
load generator does not share its interpreter), then sends a fixed number of
requests per page kind from a bounded pool of concurrent clients over localhost.
Writes the ``## Web app`` section of docs/benchmarks.md.

    python bench/serve.py --docs 1000000 --clients 8 --requests 200
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx

from benchdoc import cpu_model, replace_section  # bench/ is on sys.path when run as a script
from propscope import open_corpus
from propscope.present.browse_index import index_path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "bench" / "_data"
SECTION = "## Web app"

WORDS = ["market", "council", "water", "river", "school", "budget", "energy", "border", "health", "court", "election", "farmers", "union", "police", "bridge", "vote", "tax", "jobs", "climate", "rail", "port", "army", "media", "protest", "minister", "rights", "housing", "fuel", "price", "trade", "grain", "ocean", "storm", "museum", "library", "street", "festival", "science", "vaccine", "hospital", "airport", "factory", "harvest", "village", "mayor", "senate", "treaty", "summit", "reform", "pension", "wages", "strike", "coast", "forest", "mountain", "desert", "island"]
TECHNIQUES = [("Loaded_Language", "Manipulative Wording"), ("Name_Calling-Labeling", "Attack on Reputation"),
              ("Doubt", "Attack on Reputation"), ("Appeal_to_Fear-Prejudice", "Justification"),
              ("Flag_Waving", "Justification"), ("Exaggeration-Minimisation", "Manipulative Wording"),
              ("Repetition", "Manipulative Wording"), ("Causal_Oversimplification", "Simplification"),
              ("Slogans", "Call"), ("Whataboutism", "Distraction")]


def generate(path: Path, n: int, sources: int) -> float:
    """Write an ``n``-document corpus with every result table; returns seconds taken.

    Per-document result rows are written in ``doc_id`` order, as the pipeline writes
    them (it streams documents in ``doc_id`` order), which lets zone maps serve
    document-page lookups.
    """
    t0 = time.perf_counter()
    if path.exists():
        path.unlink()
    with open_corpus(path) as corpus:
        con = corpus.con
        nv = len(WORDS)
        words = "[" + ", ".join(f"'{w}'" for w in WORDS) + "]"
        con.execute(f"""
            INSERT INTO documents
            SELECT printf('%016x', hash(i)), 'site' || (i % {sources}) || '.example',
                   TIMESTAMPTZ '2023-01-01 00:00:00+00' + to_seconds((i * 7919) % 31536000),
                   'https://site' || (i % {sources}) || '.example/a/' || i,
                   'Story ' || i || ' about ' || {words}[(i % {nv}) + 1], 'en',
                   'Story ' || i || ' about ' || {words}[(i % {nv}) + 1] || '. ' ||
                   array_to_string(list_transform(range(24),
                       lambda k: {words}[(hash(i * 31 + k) % {nv})::INTEGER + 1]), ' ')
                   || ' ref' || (i % 20000) || '.',
                   printf('%064x', hash(i)), NULL, NULL, NULL, 'bench.jsonl', i::VARCHAR, 'bench', 1.0, TRUE
            FROM range({n}) t(i)""")
        con.execute("""CREATE TABLE spans (doc_id VARCHAR, technique VARCHAR, family VARCHAR,
            "start" BIGINT, "end" BIGINT, confidence DOUBLE, model VARCHAR, explanation VARCHAR,
            run_id VARCHAR)""")
        tech = "[" + ", ".join(f"['{t}', '{f}']" for t, f in TECHNIQUES) + "]"
        nt = len(TECHNIQUES)
        con.execute(f"""
            INSERT INTO spans SELECT printf('%016x', hash(i)), {tech}[(i + j) % {nt} + 1][1],
                {tech}[(i + j) % {nt} + 1][2], 0, 20 + j * 10, 0.5 + (i % 50) / 100,
                'bench-model-1', 'synthetic', 'bench'
            FROM range(0, {n}, 2) t(i), range(2) u(j) ORDER BY 1""")
        con.execute("""CREATE TABLE doc_references (doc_id VARCHAR, kind VARCHAR, value VARCHAR,
            normalized VARCHAR, "start" BIGINT, "end" BIGINT, author VARCHAR, handle VARCHAR,
            posted VARCHAR, domain VARCHAR, is_shortener BOOLEAN, location VARCHAR, run_id VARCHAR)""")
        con.execute(f"""
            INSERT INTO doc_references SELECT printf('%016x', hash(i)), 'hashtag', '#tag' || (i % 300),
                '#tag' || (i % 300), 0, 5, NULL, NULL, NULL, NULL, false, NULL, 'bench'
            FROM range(0, {n}, 3) t(i) ORDER BY 1""")
        con.execute(f"""
            INSERT INTO doc_references SELECT printf('%016x', hash(i)), 'tracking_id',
                'UA-' || (i % 400), 'UA-' || (i % 400), NULL, NULL, NULL, NULL, NULL, NULL, false,
                'html', 'bench' FROM range(0, {n}, 50) t(i) ORDER BY 1""")
        con.execute(f"""
            INSERT INTO doc_references SELECT printf('%016x', hash(i)), 'embedded_post', 'post',
                NULL, 0, 10, NULL, 'account' || (i % 90), NULL, 'social.example', false, NULL,
                'bench' FROM range(0, {n}, 40) t(i) ORDER BY 1""")
        con.execute("""CREATE TABLE repetitions (doc_id VARCHAR, phrase VARCHAR, count BIGINT,
            starts BIGINT[], density DOUBLE, score DOUBLE, reason VARCHAR, run_id VARCHAR)""")
        con.execute(f"""
            INSERT INTO repetitions SELECT printf('%016x', hash(i)), 'Story', 2, [0, 1], 0.1, 1.0,
                'synthetic', 'bench' FROM range(0, {n}, 100) t(i) ORDER BY 1""")
        con.execute("""CREATE TABLE reuse_clusters (cluster_id BIGINT, doc_id VARCHAR,
            "start" BIGINT, "end" BIGINT, published TIMESTAMPTZ, is_earliest BOOLEAN, delay_s DOUBLE)""")
        con.execute(f"""
            INSERT INTO reuse_clusters SELECT c, printf('%016x', hash(c * 5 + m)), 0, 20,
                TIMESTAMPTZ '2023-01-01 00:00:00+00' + to_seconds(c * 600 + m * 3600), m = 0,
                m * 3600.0 FROM range({n // 100}) t(c), range(5) u(m)""")
        con.execute("""CREATE TABLE coordination_edges (source_a VARCHAR, source_b VARCHAR,
            kind VARCHAR, weight DOUBLE, first_seen TIMESTAMPTZ, last_seen TIMESTAMPTZ, items VARCHAR)""")
        con.execute(f"""
            INSERT INTO coordination_edges SELECT 'site' || a || '.example',
                'site' || ((a + 1 + b) % {sources}) || '.example', 'hashtag', 1 + (a * b) % 9,
                NULL, NULL, '["#tag' || (a % 300) || '"]'
            FROM range({sources}) t(a), range(3) u(b)""")
        con.execute("""CREATE TABLE communities (community_id BIGINT, source VARCHAR, size BIGINT,
            evidence VARCHAR)""")
        con.execute(f"""INSERT INTO communities SELECT a // 25, 'site' || a || '.example', 25,
            '{{"shared": "hashtags"}}' FROM range({sources}) t(a)""")
        con.execute("CHECKPOINT")
    return time.perf_counter() - t0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(path: Path, port: int) -> tuple[subprocess.Popen, float]:
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c",
                             "import sys; from propscope.present.webapp import serve; "
                             "serve(sys.argv[1], port=int(sys.argv[2]))", str(path), str(port)])
    while True:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/documents", timeout=5).status_code == 200:
                return proc, time.perf_counter() - t0
        except httpx.HTTPError:
            pass
        if proc.poll() is not None:
            raise SystemExit("server exited")
        time.sleep(0.5)


def request_plan(path: Path, per_kind: int, sources: int,
                 seed: int = 7) -> tuple[list[str], list[tuple[str, str]]]:
    rng = random.Random(seed)
    with open_corpus(path, read_only=True) as corpus:
        ids = [r[0] for r in corpus.con.execute(
            "SELECT doc_id FROM documents USING SAMPLE 2000 ROWS").fetchall()]
    kinds = {
        "overview /": lambda: "/",
        "documents, page 1": lambda: "/documents",
        "documents, page 20 (keyset)": lambda: f"/documents?after={50 * 19}",
        "filter source": lambda: f"/documents?source=site{rng.randrange(sources)}.example",
        "filter technique+dates": lambda: "/documents?technique=" + TECHNIQUES[rng.randrange(10)][0]
        + f"&from=2023-0{rng.randrange(1, 9)}-01&to=2023-0{rng.randrange(1, 9)}-28",
        "filter signal": lambda: "/documents?signal=" + rng.choice(["hashtag", "tracking_id",
                                                                     "stuffing", "reuse"]),
        "document page": lambda: f"/doc/{rng.choice(ids)}",
        "source page": lambda: f"/source?name=site{rng.randrange(sources)}.example",
        "network": lambda: "/network",
        "reuse clusters": lambda: f"/reuse?page={rng.randrange(50)}",
        "search, rare word": lambda: f"/documents?q=ref{rng.randrange(20000)}",
        "search, 2 common words": lambda: f"/documents?q={rng.choice(WORDS)}+{rng.choice(WORDS)}",
        "search + source filter": lambda: f"/documents?q={rng.choice(WORDS)}"
        f"&source=site{rng.randrange(sources)}.example",
    }
    plan = [(k, f()) for k, f in kinds.items() for _ in range(per_kind)]
    rng.shuffle(plan)
    return sorted(kinds), plan


async def run_load(port: int, plan: list[tuple[str, str]], clients: int) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {}
    queue: asyncio.Queue = asyncio.Queue()
    for item in plan:
        queue.put_nowait(item)
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", limits=limits,
                                 timeout=60) as client:
        async def worker() -> None:
            while not queue.empty():
                kind, url = queue.get_nowait()
                t0 = time.perf_counter()
                r = await client.get(url)
                dt = time.perf_counter() - t0
                if r.status_code != 200:
                    raise SystemExit(f"{url}: HTTP {r.status_code}")
                times.setdefault(kind, []).append(dt)
        await asyncio.gather(*(worker() for _ in range(clients)))
    return times


def pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, round(p / 100 * (len(s) - 1)))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=1_000_000)
    ap.add_argument("--sources", type=int, default=2000)
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--requests", type=int, default=200, help="requests per page kind")
    ap.add_argument("--corpus", type=Path, default=DATA / "serve-bench.duckdb")
    ap.add_argument("--reuse", action="store_true", help="keep an existing generated corpus")
    ap.add_argument("--no-write", action="store_true", help="print, do not edit docs/benchmarks.md")
    args = ap.parse_args()
    args.corpus.parent.mkdir(parents=True, exist_ok=True)
    gen_s = None
    if not (args.reuse and args.corpus.exists()):
        idx = index_path(args.corpus)
        if idx.exists():
            idx.unlink()
        gen_s = generate(args.corpus, args.docs, args.sources)
        print(f"generated {args.docs:,} documents in {gen_s:.1f} s", flush=True)
    port = free_port()
    proc, start_s = start_server(args.corpus, port)
    print(f"server up in {start_s:.1f} s (includes building the side index if needed)", flush=True)
    try:
        order, plan = request_plan(args.corpus, args.requests, args.sources)
        asyncio.run(run_load(port, plan[: args.clients * 4], args.clients))  # warm-up
        t0 = time.perf_counter()
        times = asyncio.run(run_load(port, plan, args.clients))
        wall = time.perf_counter() - t0
        load = os.getloadavg()[1]
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    size_mb = args.corpus.stat().st_size / 1e6
    idx_mb = index_path(args.corpus).stat().st_size / 1e6
    rows = []
    worst = 0.0
    for kind in order:
        ts = times[kind]
        p99 = pct(ts, 99) * 1000
        worst = max(worst, p99)
        rows.append(f"| {kind} | {len(ts)} | {pct(ts, 50) * 1000:.0f} | {p99:.0f} | "
                    f"{max(ts) * 1000:.0f} |")
    all_ts = [t for ts in times.values() for t in ts]
    text = "\n".join([
        SECTION, "",
        f"`python bench/serve.py --docs {args.docs} --clients {args.clients} --requests "
        f"{args.requests}` · {datetime.now(UTC):%Y-%m-%d} · {os.cpu_count()}-core Debian VM "
        f"({cpu_model()}), Python {platform.python_version()}, shared with other jobs.", "",
        f"Synthetic corpus: {args.docs:,} short documents (~30 words) from {args.sources:,} "
        f"sources, {args.docs:,} technique spans, {args.docs // 3 + args.docs // 50 + args.docs // 40:,} "
        f"references, {args.docs // 100:,} stuffed-phrase rows, {args.docs // 100:,} reuse "
        f"clusters, {args.sources * 3:,} coordination edges; corpus file {size_mb:,.0f} MB"
        + (f", generated by DuckDB SQL in {gen_s:.0f} s" if gen_s else "") + ".",
        f"App start (first start builds the side index `<corpus>.browse.duckdb`, "
        f"{idx_mb:,.0f} MB, and caches the overview aggregates): {start_s:.0f} s.", "",
        f"Load: {len(all_ts):,} GET requests, {args.requests} per page kind in random order, "
        f"{args.clients} concurrent clients (httpx) on localhost, uvicorn single process; "
        f"{len(all_ts) / wall:.0f} requests/s overall; the machine's 5-minute load average "
        f"during the run was {load:.1f} on {os.cpu_count()} cores (other jobs included). "
        "Latency in ms:", "",
        "| page | requests | p50 | p99 | max |", "|---|---:|---:|---:|---:|", *rows, "",
        f"All requests: p50 {pct(all_ts, 50) * 1000:.0f} ms, p99 {pct(all_ts, 99) * 1000:.0f} ms. "
        f"Target p99 < 500 ms per page kind: {'met' if worst < 500 else 'NOT met'} "
        f"(worst page kind p99 {worst:.0f} ms).", ""])
    print(text)
    if not args.no_write:
        replace_section(SECTION, text)


if __name__ == "__main__":
    main()
