"""Throughput of the platform-export readers, per format, on generated exports.

    nice .venv/bin/python bench/platforms.py [--mb 8] [--big-mb 0] [--write]

For each format, writes a synthetic export of about ``--mb`` MB (posts with
reposts, replies and quotes, as the format encodes them; random words, so texts
differ) and measures two things: reading alone (the reader's Documents, no
corpus) and a full ingest into a fresh DuckDB corpus (documents, sources,
``posts``). Reports MB/s and posts/s for both. ``--big-mb N...`` also streams an N MB
Telegram ``result.json``, reads and ingests an N MB X JSONL file, each in a child
process, and reports the child's peak RSS (reading should not grow with N; an
ingest adds DuckDB's buffer pool, which does).
``--write`` replaces the section ``## Platform exports`` of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from benchdoc import cpu_model, replace_section  # noqa: E402

SECTION = "## Platform exports"
BIG_SECTION = "## Platform exports: large files"
WORDS = ["bridge", "harbor", "council", "vote", "budget", "river", "street", "market", "school", "rail", "tariff", "wage", "мост", "город", "совет", "選挙", "橋", "市場", "🌉", "🎉", "union", "farmer", "port", "ferry", "night", "policy", "report", "claim", "source", "leak", "plan", "road", "tax", "green", "energy", "grid", "water", "price"]


def words(rng: random.Random, n: int = 30) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def relation(rng: random.Random) -> str:
    return rng.choices(["original", "repost", "reply", "quote"], [5, 3, 2, 1])[0]


def gen_x(rng: random.Random, n: int) -> Iterator[str]:
    """API v2 pages of 100 tweets with includes."""
    for page in range(0, n, 100):
        tweets, refs = [], []
        for i in range(page, min(n, page + 100)):
            tweet = {"id": str(10**12 + i), "text": words(rng) + f" https://t.co/{i}",
                     "author_id": str(i % 997), "created_at": "2024-03-01T10:00:00.000Z",
                     "conversation_id": str(10**12 + i), "lang": "en",
                     "entities": {"urls": [{"url": f"https://t.co/{i}",
                                            "expanded_url": f"https://news.example/{i}"}],
                                  "hashtags": [{"tag": "bridge"}]},
                     "public_metrics": {"retweet_count": 1, "reply_count": 0,
                                        "like_count": 3, "quote_count": 0}}
            kind = relation(rng)
            if kind != "original" and i > page:
                ref = str(10**12 + rng.randrange(page, i))
                tweet["referenced_tweets"] = [{"type": {"repost": "retweeted", "reply":
                                                        "replied_to", "quote": "quoted"}[kind],
                                               "id": ref}]
                refs.append({"id": ref, "text": "original " + ref, "author_id": "1"})
            tweets.append(tweet)
        users = [{"id": str(u), "username": f"user{u}", "name": f"User {u}"}
                 for u in {int(t["author_id"]) for t in tweets}]
        yield json.dumps({"data": tweets, "includes": {"users": users, "tweets": refs},
                          "meta": {"result_count": len(tweets)}}, ensure_ascii=False) + "\n"


def gen_telegram(rng: random.Random, n: int) -> Iterator[str]:
    yield '{\n "name": "Bench channel",\n "type": "public_channel",\n "id": 42,\n "messages": [\n'
    for i in range(1, n + 1):
        msg: dict = {"id": i, "type": "message", "date": "2024-03-01T10:00:00",
                     "date_unixtime": str(1709287200 + i), "from": "Bench channel",
                     "from_id": "channel42", "text": words(rng), "views": i,
                     "text_entities": [{"type": "plain", "text": words(rng)},
                                       {"type": "link", "text": f"https://t.ly/{i}"}]}
        kind = relation(rng)
        if kind == "repost":
            msg["forwarded_from"] = f"Source {i % 50}"
        elif kind == "reply" and i > 1:
            msg["reply_to_message_id"] = rng.randrange(1, i)
        sep = ",\n" if i < n else "\n"
        yield json.dumps(msg, ensure_ascii=False, indent=1) + sep
    yield " ]\n}\n"


def gen_mastodon(rng: random.Random, n: int) -> Iterator[str]:
    for i in range(n):
        status = {"id": str(i), "created_at": "2024-03-01T10:00:00.000Z",
                  "in_reply_to_id": None, "reblog": None, "language": "en",
                  "content": f"<p>{words(rng)} <a href=\"https://news.example/{i}\">link</a></p>",
                  "account": {"id": str(i % 500), "acct": f"user{i % 500}@far.example",
                              "display_name": "U"},
                  "tags": [{"name": "bridge"}], "mentions": [], "replies_count": 0,
                  "reblogs_count": 0, "favourites_count": 1}
        kind = relation(rng)
        if kind == "repost" and i:
            status["reblog"] = dict(status, id=str(rng.randrange(i)), reblog=None)
            status["content"] = ""
        elif kind == "reply" and i:
            status["in_reply_to_id"] = str(rng.randrange(i))
        yield json.dumps(status, ensure_ascii=False) + "\n"


def gen_bluesky(rng: random.Random, n: int) -> Iterator[str]:
    for page in range(0, n, 50):
        feed = []
        for i in range(page, min(n, page + 50)):
            uri = f"at://did:plc:u{i % 300}/app.bsky.feed.post/{i}"
            record = {"$type": "app.bsky.feed.post", "text": words(rng),
                      "createdAt": "2024-03-01T10:00:00.000Z", "langs": ["en"],
                      "facets": [{"features": [{"$type": "app.bsky.richtext.facet#link",
                                                "uri": f"https://news.example/{i}"}]}]}
            item: dict = {"post": {"uri": uri, "author": {"did": f"did:plc:u{i % 300}",
                                                          "handle": f"u{i % 300}.bsky.social"},
                                   "record": record, "likeCount": 1}}
            kind = relation(rng)
            if kind == "repost":
                item["reason"] = {"$type": "app.bsky.feed.defs#reasonRepost",
                                  "by": {"did": "did:plc:r", "handle": f"r{i}.bsky.social"},
                                  "uri": f"at://did:plc:r/app.bsky.feed.repost/{i}",
                                  "indexedAt": "2024-03-01T11:00:00.000Z"}
            elif kind == "reply" and i:
                parent = {"uri": f"at://did:plc:u1/app.bsky.feed.post/{rng.randrange(i)}"}
                record["reply"] = {"root": parent, "parent": parent}
            feed.append(item)
        yield json.dumps({"feed": feed}, ensure_ascii=False) + "\n"


def gen_reddit(rng: random.Random, n: int) -> Iterator[str]:
    for i in range(n):
        if i % 4 == 0:
            thing = {"id": f"s{i}", "author": f"u{i % 700}", "subreddit": "bench",
                     "title": words(rng, 8), "selftext": words(rng), "is_self": True,
                     "created_utc": 1709287200 + i, "score": 3, "num_comments": 2,
                     "permalink": f"/r/bench/comments/s{i}/"}
        else:
            thing = {"id": f"c{i}", "author": f"u{i % 700}", "subreddit": "bench",
                     "body": words(rng), "parent_id": f"t3_s{i - i % 4}",
                     "link_id": f"t3_s{i - i % 4}", "created_utc": 1709287200 + i, "score": 1}
        yield json.dumps(thing, ensure_ascii=False) + "\n"


def gen_youtube(rng: random.Random, n: int) -> Iterator[str]:
    for page in range(0, n, 20):
        items = []
        for i in range(page, min(n, page + 20)):
            snippet = {"videoId": "v1", "textOriginal": words(rng),
                       "authorDisplayName": f"@u{i % 400}",
                       "authorChannelId": {"value": f"UC{i % 400}"},
                       "publishedAt": "2024-03-01T12:00:00Z",
                       "updatedAt": "2024-03-01T12:00:00Z", "likeCount": 1}
            items.append({"kind": "youtube#commentThread", "id": f"t{i}",
                          "snippet": {"videoId": "v1", "topLevelComment": {
                              "kind": "youtube#comment", "id": f"t{i}", "snippet": snippet}}})
        yield json.dumps({"kind": "youtube#commentThreadListResponse", "items": items},
                         ensure_ascii=False) + "\n"


def gen_tiktok(rng: random.Random, n: int) -> Iterator[str]:
    for page in range(0, n, 100):
        videos = [{"id": 7 * 10**18 + i, "username": f"u{i % 600}", "create_time": 1709290000,
                   "region_code": "US", "video_description": words(rng),
                   "hashtag_names": ["bridge"], "view_count": 10, "like_count": 1,
                   "comment_count": 0, "share_count": 0}
                  for i in range(page, min(n, page + 100))]
        yield json.dumps({"data": {"videos": videos, "cursor": page, "has_more": True},
                          "error": {"code": "ok"}}, ensure_ascii=False) + "\n"


def _csv(header: list[str], rows: Iterator[list[object]]) -> Iterator[str]:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(header)
    for row in rows:
        writer.writerow(row)
        if buf.tell() > 1 << 16:
            yield buf.getvalue()
            buf.seek(0)
            buf.truncate()
    yield buf.getvalue()


def gen_crowdtangle(rng: random.Random, n: int) -> Iterator[str]:
    header = ["Page Name", "User Name", "Facebook Id", "Post Created", "Type", "Likes",
              "Comments", "Shares", "URL", "Message", "Link", "Final Link"]
    return _csv(header, ([f"Page {i % 300}", f"page{i % 300}", str(i % 300),
                          "2024-03-01 05:00:00 EST", "Link", 3, 1, 0,
                          f"https://www.facebook.com/page{i % 300}/posts/{i}", words(rng),
                          f"https://bit.ly/{i}", f"https://news.example/{i}"]
                         for i in range(n)))


def gen_4cat(rng: random.Random, n: int) -> Iterator[str]:
    header = ["id", "thread_id", "timestamp", "unix_timestamp", "author", "subject", "body"]
    return _csv(header, ([str(i), str(i - i % 5), "2024-03-01 10:00:00", 1709287200 + i,
                          f"anon{i % 200}", "", words(rng)] for i in range(n)))


GENERATORS: dict[str, tuple[str, Callable[[random.Random, int], Iterator[str]], int]] = {
    # format: (file name, generator, approximate bytes per post)
    "x-v2": ("x.jsonl", gen_x, 560),
    "telegram": ("result.json", gen_telegram, 600),
    "mastodon": ("mastodon.jsonl", gen_mastodon, 560),
    "bluesky": ("bluesky.jsonl", gen_bluesky, 520),
    "reddit": ("reddit.ndjson", gen_reddit, 300),
    "youtube": ("youtube.jsonl", gen_youtube, 480),
    "tiktok-research": ("tiktok.jsonl", gen_tiktok, 420),
    "crowdtangle-csv": ("crowdtangle.csv", gen_crowdtangle, 330),
    "4cat-csv": ("4cat.csv", gen_4cat, 230),
}


def write(path: Path, name: str, megabytes: float) -> None:
    file_name, gen, per_post = GENERATORS[name]
    posts = max(100, int(megabytes * 1e6 / per_post))
    with path.open("w", encoding="utf-8") as out:
        for chunk in gen(random.Random(7), posts):
            out.write(chunk)


def measure(path: Path, name: str) -> dict:
    import propscope
    from propscope.ingest.platforms import detect
    from propscope.ingest.reading import read_unit
    from propscope.ingest.records import ReadOptions
    from propscope.ingest.sources import disk_input
    from propscope.settings import Settings
    from propscope.stages.ingest import ingest_paths

    size = path.stat().st_size
    found = detect(path.open("rb").read(8192))
    assert found is not None and found.name == name, (name, found)
    started = time.perf_counter()
    docs = sum(1 for item in read_unit(disk_input(path), ReadOptions())
               if type(item).__name__ == "Document")
    read_s = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as tmp:
        corpus = propscope.open_corpus(Path(tmp) / "c.duckdb")
        started = time.perf_counter()
        ingest_paths(corpus, [path], Settings(), "bench")
        ingest_s = time.perf_counter() - started
        posts = corpus.count("posts")
        corpus.close()
    return {"format": name, "mb": size / 1e6, "posts": posts, "docs_read": docs,
            "read_mb_s": size / 1e6 / read_s, "read_posts_s": docs / read_s,
            "ingest_mb_s": size / 1e6 / ingest_s, "ingest_posts_s": posts / ingest_s}


def big_child(kind: str, path: str) -> None:
    """Child: read (``*-read``) or ingest (``x-ingest``) one big file; print peak RSS."""
    import propscope
    from propscope.ingest.reading import read_unit
    from propscope.ingest.records import ReadOptions
    from propscope.ingest.sources import disk_input

    baseline = peak_rss_mb()  # after the imports, before reading
    started = time.perf_counter()
    if kind.endswith("-read"):
        count = sum(1 for item in read_unit(disk_input(Path(path)), ReadOptions())
                    if type(item).__name__ == "Document")
    else:
        from propscope.settings import Settings
        from propscope.stages.ingest import ingest_paths

        corpus = propscope.open_corpus(Path(path).with_suffix(".duckdb"))
        if os.environ.get("BENCH_MEMORY_LIMIT"):
            corpus.con.execute(f"SET memory_limit = '{os.environ['BENCH_MEMORY_LIMIT']}'")
        ingest_paths(corpus, [Path(path)], Settings(), "bench")
        count = corpus.count("posts")
        corpus.close()
    print(json.dumps({"kind": kind, "posts": count, "seconds": time.perf_counter() - started,
                      "peak_rss_mb": peak_rss_mb(), "baseline_rss_mb": baseline}))


def peak_rss_mb() -> float:
    """This process's peak RSS since exec (``VmHWM``; ``ru_maxrss`` carries the
    parent's peak across fork and exec, so it would report the parent's)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=float, default=8.0)
    parser.add_argument("--big-mb", type=float, nargs="*", default=[])
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--big-only", action="store_true",
                        help="only the --big-mb runs, written to their own section")
    parser.add_argument("--memory-limit", default="",
                        help="DuckDB memory_limit for the x-ingest runs (e.g. 1GB)")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        big_child(*args.child)
        return
    rows, big = [], []
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        for name, (file_name, _, _) in ({} if args.big_only else GENERATORS).items():
            path = Path(tmp) / file_name
            write(path, name, args.mb)
            rows.append(measure(path, name))
            path.unlink()
            print(json.dumps(rows[-1]), flush=True)
        if args.big_mb:
            for kind, name, megabytes in ((k, n, m) for m in args.big_mb for k, n in (
                    ("telegram-read", "telegram"), ("x-read", "x-v2"), ("x-ingest", "x-v2"))):
                path = Path(tmp) / GENERATORS[name][0]
                write(path, name, megabytes)
                env = dict(os.environ, BENCH_MEMORY_LIMIT=args.memory_limit)
                out = subprocess.run([sys.executable, __file__, "--child", kind, str(path)],
                                     capture_output=True, text=True, check=True, env=env)
                result = json.loads(out.stdout.strip().splitlines()[-1])
                result["mb"] = path.stat().st_size / 1e6
                big.append(result)
                print(json.dumps(result), flush=True)
                path.unlink()
    load_after = os.getloadavg()[0]
    if args.write and args.big_only:
        command = ("nice .venv/bin/python bench/platforms.py --big-only --big-mb "
                   + " ".join(f"{m:g}" for m in args.big_mb)
                   + (f" --memory-limit {args.memory_limit}" if args.memory_limit else "")
                   + " --write")
        lines = [BIG_SECTION, "", f"`{command}` on {os.cpu_count()} cores ({cpu_model()}); "
                 f"load average {load_before:.1f} at the start, {load_after:.1f} at the end. "
                 "Columns as in the table above.", "",
                 "| run | file MB | posts | seconds | RSS after imports MB | peak RSS MB |",
                 "|---|---:|---:|---:|---:|---:|"]
        lines += [f"| {b['kind']} | {b['mb']:,.0f} | {b['posts']:,} | {b['seconds']:.0f} | "
                  f"{b['baseline_rss_mb']:.0f} | {b['peak_rss_mb']:.0f} |" for b in big]
        replace_section(BIG_SECTION, "\n".join(lines) + "\n")
    elif args.write:
        lines = [SECTION, "",
                 f"`nice .venv/bin/python bench/platforms.py --mb {args.mb:g}"
                 + (" --big-mb " + " ".join(f"{m:g}" for m in args.big_mb) if args.big_mb else "") + " --write` on "
                 f"{os.cpu_count()} cores ({cpu_model()}), shared with other work. Generated "
                 "exports (reposts, replies, quotes as each format encodes them). *Read*: "
                 "the reader alone (Documents, no corpus); *ingest*: into a fresh DuckDB "
                 "corpus with `documents`, `document_sources` and `posts`, one process. "
                 f"Load average {load_before:.1f} at the start, {load_after:.1f} at the end.",
                 "",
                 "| format | MB | posts | read MB/s | read posts/s | ingest MB/s | ingest posts/s |",
                 "|---|---:|---:|---:|---:|---:|---:|"]
        lines += [f"| {r['format']} | {r['mb']:.1f} | {r['posts']:,} | {r['read_mb_s']:.1f} | "
                  f"{r['read_posts_s']:,.0f} | {r['ingest_mb_s']:.1f} | {r['ingest_posts_s']:,.0f} |"
                  for r in rows]
        if big:
            lines += ["", "Bounded memory (one child process per file, peak RSS of the whole process):", "",
                      "| run | file MB | posts | seconds | RSS after imports MB | peak RSS MB |",
                      "|---|---:|---:|---:|---:|---:|"]
            lines += [f"| {b['kind']} | {b['mb']:.0f} | {b['posts']:,} | {b['seconds']:.0f} | "
                      f"{b['baseline_rss_mb']:.0f} | {b['peak_rss_mb']:.0f} |" for b in big]
            lines += ["", "Reading is constant-memory when the peak stays near the size after "
                      "imports however large the file: the Telegram reader streams one JSON "
                      "document (`ingest/platforms/jsonscan.py`), the others read a line or a "
                      "bounded document at a time. What grows in `x-ingest` is DuckDB's buffer "
                      "pool (written blocks and the primary-key indexes of `documents`, "
                      "`document_sources`, `external_ids` and `posts`), as in \"Ingest: memory "
                      "as the corpus grows\" above; `SET memory_limit` caps it there."]
        replace_section(SECTION, "\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
