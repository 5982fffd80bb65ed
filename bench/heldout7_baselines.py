"""Held-out judge 7: two published recipes on the same posts, scored the same way.

Why baselines at all: a figure alone does not say whether a world is easy. The CooRnet
recipe (links co-shared within a fixed 60 s, at least twice, connected components) and
QUT's coordination-network-toolkit (co-link, co-retweet, co-reply and co-similar-text
networks in 60 s, edge weight at least 2, connected components) are what an analyst
would run instead. Both read the posts propscope exported (``posts`` plus the texts of
``documents``), i.e. exactly the records the files hold, after the reader's parsing.

QUT toolkit faults worked around: ``--output_format csv`` crashes, so the GraphML
export is parsed; an empty ``urls`` cell becomes one link shared by everyone, so a post
without links gets a placeholder of its own.
"""

from __future__ import annotations

import csv
import os
import resource
import subprocess
import tempfile
import time
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path
from typing import Any

from heldout7_score import Community

WINDOW_S = 60
MIN_WEIGHT = 2
QUT_NETWORKS = ("co_link", "co_retweet", "co_reply", "co_similar_tweet")


def load_posts(exports: Path) -> list[dict[str, Any]]:
    """Every post (and every web document that is not a post) as one message."""
    import duckdb

    posts = (exports / "posts.parquet").as_posix()
    docs = (exports / "documents.parquet").as_posix()
    rows = duckdb.execute(f"""
        select p.platform || ':' || p.post_id, p.author, p.relation, p.parent_id,
               epoch(p.published), coalesce(p.links, []), d.text
        from read_parquet('{posts}') p left join read_parquet('{docs}') d using (doc_id)
        where p.author is not null and p.published is not null
        union all
        select 'doc:' || d.doc_id, d.source, 'original', null, epoch(d.published), [], d.text
        from read_parquet('{docs}') d
        where d.published is not null and d.source is not null and d.doc_id not in
              (select doc_id from read_parquet('{posts}'))""").fetchall()
    return [{"id": r[0], "author": r[1], "relation": r[2], "parent": r[3], "t": float(r[4]),
             "links": list(r[5] or []), "text": r[6] or ""} for r in rows]


def components(edges: list[tuple[str, str]], kind: str) -> list[Community]:
    """Connected components of an undirected edge list."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in edges:
        parent[find(a)] = find(b)
    groups: dict[str, set[str]] = defaultdict(set)
    for x in list(parent):
        groups[find(x)].add(x)
    return [(frozenset(g), kind) for g in groups.values() if len(g) > 1]


def coornet(posts: list[dict[str, Any]]) -> list[Community]:
    """Pairs sharing one link within ``WINDOW_S``, on at least ``MIN_WEIGHT`` links."""
    shares: dict[str, list[tuple[float, str]]] = defaultdict(list)
    for p in posts:
        if p["relation"] != "repost":
            for link in set(p["links"]):
                shares[link].append((p["t"], p["author"]))
    pairs: dict[tuple[str, str], set[str]] = defaultdict(set)
    for link, items in shares.items():
        items.sort()
        lo = 0
        for hi, (t, a) in enumerate(items):
            while items[lo][0] < t - WINDOW_S:
                lo += 1
            for _, b in items[lo:hi]:
                if a != b:
                    pairs[(min(a, b), max(a, b))].add(link)
    return components([p for p, links in pairs.items() if len(links) >= MIN_WEIGHT], "url")


def _qut_csv(posts: list[dict[str, Any]], path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["message_id", "user_id", "username", "repost_id", "reply_id", "message",
                    "timestamp", "urls"])
        for p in posts:
            urls = " ".join(u.replace(" ", "%20") for u in p["links"]) or f"nolink:{p['id']}"
            w.writerow([p["id"], p["author"], p["author"],
                        p["parent"] or "" if p["relation"] == "repost" else "",
                        p["parent"] or "" if p["relation"] == "reply" else "",
                        p["text"].replace("\x00", "")[:20000], int(p["t"]), urls])


def _graphml_edges(path: Path) -> list[tuple[str, str]]:
    if not path.exists():
        return []
    out = []
    for el in ET.parse(path).getroot().iter():
        if el.tag.endswith("edge"):
            out.append((el.attrib["source"], el.attrib["target"]))
    return out


def qut(posts: list[dict[str, Any]], tool: str = "compute_networks") -> tuple[
        list[Community], dict[str, int]]:
    """The toolkit's four networks, edges of weight >= 2, joined, connected components.
    Node names are the ``user_id`` column (the author handle)."""
    edges: list[tuple[str, str]] = []
    sizes: dict[str, int] = {}
    with tempfile.TemporaryDirectory() as tmp:
        db, data = Path(tmp) / "qut.db", Path(tmp) / "messages.csv"
        _qut_csv(posts, data)
        subprocess.run([tool, str(db), "preprocess", "--format", "csv", str(data)],
                       check=True, capture_output=True, env=os.environ.copy())
        for net in QUT_NETWORKS:
            out = Path(tmp) / f"{net}.graphml"
            subprocess.run([tool, str(db), "compute", net, "--time_window", str(WINDOW_S),
                            "--min_edge_weight", str(MIN_WEIGHT), "--output_file", str(out)],
                           check=True, capture_output=True, env=os.environ.copy())
            found = _graphml_edges(out)
            sizes[net] = len(found)
            edges += found
    return components(edges, "mixed"), sizes


def run_baselines(exports: Path) -> dict[str, Any]:
    """Both baselines' communities and CPU seconds (QUT's in its own processes)."""
    posts = load_posts(exports)
    t0 = time.process_time()
    coor = coornet(posts)
    coor_cpu = time.process_time() - t0
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    c0 = usage.ru_utime + usage.ru_stime
    qut_comms, sizes = qut(posts)
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"posts": len(posts), "coornet": coor, "coornet_cpu_s": round(coor_cpu, 1),
            "qut": qut_comms, "qut_edges": sizes,
            "qut_cpu_s": round(usage.ru_utime + usage.ru_stime - c0, 1)}
