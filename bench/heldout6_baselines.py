"""Two baselines on the same posts as propscope: the CooRnet/CooRTweet recipe and QUT's
coordination-network-toolkit.

Both are given the posts a careful reader gets from the files (:mod:`heldout6_files`
``kept``), at their written times, with the links as the files expand them.

CooRnet/CooRTweet recipe (our implementation of the published recipe, not their code):
each post's objects are its links as written, its hashtags, its text (lower case,
whitespace collapsed, links removed; 4 words or more), and for a share the post it
reposts, replies to, quotes or forwards. Two accounts co-share an object when they post
it within 60 s of each other; an edge joins accounts that co-shared at least 3 distinct
objects; communities are the connected components (2 accounts or more), each labelled
with the kind of most of its co-shared objects.

QUT coordination-network-toolkit (``compute_networks``, version 1.5.2 in a venv of its
own): the posts as its 8-column CSV, then ``co_link``, ``co_similar_tweet``,
``co_retweet`` and ``co_reply`` with ``--time_window 60 --min_edge_weight 3``; the union
of the four networks' edges, connected components as communities, each labelled with
the network of most of its edge weight. The toolkit has no quote, forward or hashtag
network: forwards are given to it as reposts (so a forward group can only be labelled
``retweet``), quotes as plain messages, hashtags as words of the text.
"""

from __future__ import annotations

import csv
import hashlib
import re
import sqlite3
import subprocess
from collections.abc import Iterable
from pathlib import Path

from heldout6_score import Community
from heldout6_world import Post

WINDOW = 60.0
MIN_ITEMS = 3
QUT_NETWORKS = {"co_link": "url", "co_similar_tweet": "text", "co_retweet": "retweet",
                "co_reply": "reply"}
_LINK = re.compile(r"https?://\S+")


def _text_key(p: Post) -> str:
    return " ".join(_LINK.sub(" ", p.text).lower().split())


def objects(p: Post) -> Iterable[tuple[str, str]]:
    """The (kind, object) pairs a post shares, as the recipe defines them."""
    if p.relation in ("repost", "reply", "quote", "forward") and p.parent is not None:
        kind = "retweet" if p.relation == "repost" else p.relation
        key = f"{p.parent.platform}:{p.parent.post_id}"
        if p.relation == "forward":  # Telegram exports name the source chat, not the message
            key = p.parent.account + ":" + hashlib.sha1(p.text.encode()).hexdigest()[:12]
        yield kind, key
        if p.relation == "repost" or p.relation == "forward":
            return
    for link in p.links:
        yield "url", link
    for tag in p.hashtags:
        yield "hashtag", tag.lower()
    text = _text_key(p)
    if len(text.split()) >= 4:
        yield "text", text


class _Union:
    def __init__(self) -> None:
        self.up: dict[str, str] = {}

    def find(self, a: str) -> str:
        self.up.setdefault(a, a)
        while self.up[a] != a:
            self.up[a] = self.up[self.up[a]]
            a = self.up[a]
        return a

    def join(self, a: str, b: str) -> None:
        self.up[self.find(a)] = self.find(b)


def components(edges: dict[tuple[str, str], dict[str, float]]) -> list[Community]:
    """Connected components of weighted, kind-labelled edges, as communities."""
    union = _Union()
    for a, b in edges:
        union.join(a, b)
    members: dict[str, set[str]] = {}
    weight: dict[str, dict[str, float]] = {}
    for (a, b), kinds in edges.items():
        root = union.find(a)
        members.setdefault(root, set()).update((a, b))
        for kind, w in kinds.items():
            weight.setdefault(root, {})[kind] = weight.get(root, {}).get(kind, 0.0) + w
    out = []
    for i, root in enumerate(sorted(members, key=lambda r: sorted(members[r])[0])):
        kind = max(sorted(weight[root]), key=lambda k: weight[root][k])
        out.append(Community(f"c{i}", frozenset(members[root]), kind))
    return out


def coornet(posts: list[Post], window: float = WINDOW,
            min_items: int = MIN_ITEMS) -> list[Community]:
    """The recipe: fixed window, co-share count of distinct objects, components."""
    by_object: dict[tuple[str, str], list[tuple[float, str]]] = {}
    for p in posts:
        for obj in objects(p):
            by_object.setdefault(obj, []).append((p.written_t, p.account))
    shared: dict[tuple[str, str], set[tuple[str, str]]] = {}
    for obj, shares in by_object.items():
        shares.sort()
        for i, (t, a) in enumerate(shares):
            j = i + 1
            while j < len(shares) and shares[j][0] - t <= window:
                b = shares[j][1]
                if a != b:
                    shared.setdefault((min(a, b), max(a, b)), set()).add(obj)
                j += 1
    edges: dict[tuple[str, str], dict[str, float]] = {}
    for pair, objs in shared.items():
        if len(objs) >= min_items:
            kinds: dict[str, float] = {}
            for kind, _ in objs:
                kinds[kind] = kinds.get(kind, 0.0) + 1
            edges[pair] = kinds
    return components(edges)


def qut_csv(posts: list[Post], path: Path) -> None:
    """The toolkit's input: message_id, user_id, username, repost_id, reply_id, message,
    timestamp, urls."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["message_id", "user_id", "username", "repost_id", "reply_id",
                      "message", "timestamp", "urls"])
        for p in posts:
            repost = reply = ""
            if p.parent is not None and p.relation in ("repost", "forward"):
                repost = next(iter(objects(p)))[1]
            elif p.parent is not None and p.relation == "reply":
                reply = f"{p.parent.platform}:{p.parent.post_id}"
            text = " ".join([p.text] + ["#" + t for t in p.hashtags])
            out.writerow([f"{p.platform}:{p.post_id}", p.account, p.account, repost, reply,
                          text, int(p.written_t), " ".join(p.links)])


def qut(posts: list[Post], work: Path, exe: str = "compute_networks") -> list[Community]:
    """Run the toolkit's four networks and return the components of their union."""
    work.mkdir(parents=True, exist_ok=True)
    db, data = work / "qut.db", work / "messages.csv"
    qut_csv(posts, data)
    subprocess.run([exe, str(db), "preprocess", "--format", "csv", str(data)], check=True,
                   capture_output=True)
    # Its CSV reader splits an empty ``urls`` cell into one empty URL, which would co-link
    # every message without a link: those rows are removed, as a careful user would.
    con = sqlite3.connect(db)
    with con:
        con.execute("DELETE FROM message_url WHERE url = ''")
    con.close()
    edges: dict[tuple[str, str], dict[str, float]] = {}
    for net, kind in QUT_NETWORKS.items():
        # compute, then export as GraphML: 1.5.2's CSV writer fails on an n_messages
        # keyword its own command passes to it
        subprocess.run([exe, str(db), "compute", net, "--time_window", str(int(WINDOW)),
                        "--min_edge_weight", str(MIN_ITEMS)], check=True, capture_output=True)
        out = work / f"{net}.graphml"
        subprocess.run([exe, str(db), "export_network", str(out), net, "--n_messages", "0"],
                       check=True, capture_output=True)
        for a, b, weight in _graphml_edges(out):
            if a == b or weight < MIN_ITEMS:
                continue
            pair = (min(a, b), max(a, b))
            kinds = edges.setdefault(pair, {})
            kinds[kind] = kinds.get(kind, 0.0) + weight
    return components(edges)


def _graphml_edges(path: Path) -> Iterable[tuple[str, str, float]]:
    """(source, target, weight) of each edge of a GraphML file."""
    import xml.etree.ElementTree as ET

    ns = "{http://graphml.graphdrawing.org/xmlns}"
    root = ET.parse(path).getroot()
    weight_key = next((k.get("id") for k in root.iter(ns + "key")
                       if k.get("attr.name") == "weight"), None)
    for edge in root.iter(ns + "edge"):
        weight = 1.0
        for data in edge.iter(ns + "data"):
            if data.get("key") == weight_key and data.text:
                weight = float(data.text)
        yield str(edge.get("source")), str(edge.get("target")), weight
