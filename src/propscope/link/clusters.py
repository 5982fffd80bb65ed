"""Group reused passages into clusters and name each cluster's earliest copy.

A document can reuse several different passages, so clusters are built from
*passage segments*, not whole documents: in each document the spans that take
part in any reuse pair are merged where they overlap, and every pair links its
segment in one document to its segment in the other. Connected segments form a
cluster (union-find, linear time).

The earliest copy is the member published first (ties broken by doc_id, so the
answer never depends on input order); every other copy gets its delay after it.
Text a copy adds to the original (gaps the aligner found in the later document)
is reported per copy; an added phrase that recurs in two or more copies of one
cluster is a *templated insertion*.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

_WS = re.compile(r"\W+")


@dataclass(frozen=True)
class PairRow:
    doc_a: str
    a_start: int
    a_end: int
    doc_b: str
    b_start: int
    b_end: int
    similarity: float
    inserted: tuple[tuple[int, int, str], ...]  # (start, end, text) added in doc_b


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[int, int] = {}

    def find(self, x: int) -> int:
        root = x
        while self.parent.setdefault(root, root) != root:
            root = self.parent[root]
        while self.parent[x] != root:
            self.parent[x], x = root, self.parent[x]
        return root

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _segments(pairs: list[PairRow]) -> tuple[list[tuple[str, int, int]], list[tuple[int, int]]]:
    """Merged spans per document, and for each pair its two segment indices."""
    spans: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for p in pairs:
        spans[p.doc_a].append((p.a_start, p.a_end))
        spans[p.doc_b].append((p.b_start, p.b_end))
    segments: list[tuple[str, int, int]] = []
    index: dict[str, list[int]] = {}
    for doc in sorted(spans):
        ids: list[int] = []
        for s, e in sorted(spans[doc]):
            if ids and s < segments[ids[-1]][2]:
                d, s0, e0 = segments[ids[-1]]
                segments[ids[-1]] = (d, s0, max(e0, e))
            else:
                ids.append(len(segments))
                segments.append((doc, s, e))
        index[doc] = ids

    def seg_of(doc: str, start: int) -> int:
        for i in index[doc]:
            if segments[i][1] <= start < segments[i][2]:
                return i
        raise AssertionError("span outside its merged segments")

    links = [(seg_of(p.doc_a, p.a_start), seg_of(p.doc_b, p.b_start)) for p in pairs]
    return segments, links


def _norm(text: str) -> str:
    return " ".join(_WS.split(text.lower())).strip()


def build_clusters(pairs: list[PairRow], published: dict[str, datetime | None],
                   sources: dict[str, str | None]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Cluster rows and templated-insertion rows from oriented reuse pairs."""
    segments, links = _segments(pairs)
    uf = _UnionFind()
    for i in range(len(segments)):
        uf.find(i)
    for x, y in links:
        uf.union(x, y)
    members: dict[int, list[int]] = defaultdict(list)
    for i in range(len(segments)):
        members[uf.find(i)].append(i)
    by_seg: dict[int, list[int]] = defaultdict(list)
    for n, (x, y) in enumerate(links):
        by_seg[x].append(n)
        by_seg[y].append(n)

    def order(i: int) -> tuple[bool, datetime | str, str, int]:
        doc, start, _ = segments[i]
        ts = published.get(doc)
        return (ts is None, ts or "", doc, start)

    rows: list[dict[str, Any]] = []
    insertions: list[dict[str, Any]] = []
    for segs in members.values():
        segs.sort(key=order)
        first = segs[0]
        first_doc, first_start, _ = segments[first]
        cid = "R" + hashlib.sha1(f"{first_doc}:{first_start}".encode()).hexdigest()[:12]
        t0 = published.get(first_doc)
        recurring: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for seg in segs:
            doc, start, end = segments[seg]
            ts = published.get(doc)
            best: tuple[tuple[bool, float], int] | None = None  # the pair tying this copy to the earliest copy, else its best pair
            for n in by_seg[seg]:
                other = links[n][0] if links[n][1] == seg else links[n][1]
                rank = (other != first, -pairs[n].similarity)
                if best is None or rank < best[0]:
                    best = (rank, n)
            assert best is not None  # every segment belongs to at least one pair
            sim = 1.0 if seg == first else pairs[best[1]].similarity
            added: list[dict[str, Any]] = []
            if seg != first and pairs[best[1]].doc_b == doc:
                added = [{"start": s, "end": e, "text": t} for s, e, t in pairs[best[1]].inserted]
            for item in added:
                recurring[_norm(item["text"])].append({"doc_id": doc, **item})
            rows.append({
                "cluster_id": cid, "doc_id": doc, "start": start, "end": end,
                "published": ts, "is_earliest": seg == first,
                "delay_s": (ts - t0).total_seconds() if ts is not None and t0 is not None else None,
                "similarity": sim, "source": sources.get(doc), "copies": len(segs),
                "inserted_text": json.dumps(added, ensure_ascii=False) if added else None,
            })
        for text, where in sorted(recurring.items()):
            docs = sorted({w["doc_id"] for w in where})
            if text and len(docs) >= 2:
                insertions.append({
                    "cluster_id": cid, "text": where[0]["text"], "copies": len(docs),
                    "occurrences": json.dumps(where, ensure_ascii=False)})
    rows.sort(key=lambda r: (r["cluster_id"], not r["is_earliest"], r["doc_id"], r["start"]))
    insertions.sort(key=lambda r: (r["cluster_id"], r["text"]))
    return rows, insertions
