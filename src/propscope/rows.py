"""Documents as Arrow rows: the schemas of ``documents``, ``document_sources`` and
``posts``, and the builders of their rows.

Why a module of its own: ingest workers build these rows from parsed documents
(so a text crosses between processes once), and the corpus stores them. Both
need the same schemas; neither should have to import the other (ingest knows
nothing of the store).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from .document import Document

TIMESTAMP_UTC = pa.timestamp("us", tz="UTC")
_TS = TIMESTAMP_UTC

DOCUMENTS_SCHEMA = pa.schema([
    ("doc_id", pa.string()),
    ("source", pa.string()),
    ("published", _TS),
    ("url", pa.string()),
    ("title", pa.string()),
    ("lang", pa.string()),
    ("text", pa.string()),
    ("content_hash", pa.string()),
    ("author", pa.string()),
    ("external_id", pa.string()),
    ("meta", pa.string()),  # JSON: format-specific extras (e.g. tracking IDs read from raw HTML)
    ("file", pa.string()),
    ("record", pa.string()),
    ("run_id", pa.string()),
    # Added in schema 3 (appended, so version-2 files migrate by ALTER TABLE): how
    # sure ``lang`` is, and whether the input declared it (False: identified by the
    # ``language`` stage; NULL: not identified yet).
    ("lang_confidence", pa.float64()),
    ("lang_declared", pa.bool_()),
])

DOCUMENT_SOURCES_SCHEMA = pa.schema([
    ("doc_id", pa.string()),
    ("source", pa.string()),
    ("published", _TS),
    ("url", pa.string()),
    ("author", pa.string()),
    ("external_id", pa.string()),
    ("file", pa.string()),
    ("record", pa.string()),
    ("run_id", pa.string()),
])

POSTS_SCHEMA = pa.schema([
    ("platform", pa.string()),
    ("post_id", pa.string()),
    ("doc_id", pa.string()),
    ("published", _TS),
    ("author", pa.string()),
    ("author_name", pa.string()),
    ("author_id", pa.string()),
    ("channel", pa.string()),
    ("relation", pa.string()),
    ("parent_id", pa.string()),
    ("parent_author", pa.string()),
    ("root_id", pa.string()),
    ("links", pa.list_(pa.string())),
    ("hashtags", pa.list_(pa.string())),
    ("mentions", pa.list_(pa.string())),
    ("metrics", pa.string()),  # JSON: the platform's counts, under its own names
    ("edited", pa.bool_()),
    ("edited_at", pa.string()),
    ("status", pa.string()),
    ("url", pa.string()),
    ("declared_bot", pa.bool_()),  # the author's account declares automation, else null
    ("file", pa.string()),
    ("record", pa.string()),
    ("run_id", pa.string()),
])
POST_KEY = "post"  # Document.meta key of the post model (ingest/platforms/base.py)


def documents_rows(docs: Sequence[Document], run_id: str) -> pa.Table:
    """One ``documents`` row per document in ``docs``, in order (exact duplicates
    included: :func:`first_occurrences` splits them off).

    Built column-wise, far cheaper than row dicts on large ingest batches.
    """
    return pa.table({
        "doc_id": [d.doc_id for d in docs], "source": [d.source for d in docs],
        "published": pa.array([d.published for d in docs], _TS),
        "url": [d.url for d in docs], "title": [d.title for d in docs],
        "lang": [d.lang for d in docs], "text": [d.text for d in docs],
        "content_hash": [d.content_hash for d in docs], "author": [d.author for d in docs],
        "external_id": [d.external_id for d in docs],
        "meta": [_meta_json(d.meta) if d.meta else None for d in docs],
        "file": [d.file for d in docs], "record": [d.record for d in docs],
        "run_id": [run_id] * len(docs),
        "lang_confidence": [1.0 if d.lang else None for d in docs],
        "lang_declared": [True if d.lang else None for d in docs],
    }, schema=DOCUMENTS_SCHEMA)


def _meta_json(meta: dict[str, Any]) -> str | None:
    """``documents.meta``; the post model goes to ``posts`` instead (:func:`posts_rows`)."""
    if POST_KEY in meta:
        meta = {k: v for k, v in meta.items() if k != POST_KEY}
        if not meta:
            return None
    return json.dumps(meta, sort_keys=True)


def posts_rows(docs: Sequence[Document], run_id: str) -> pa.Table:
    """One ``posts`` row per document carrying a post model, in order."""
    cols: dict[str, list[Any]] = {name: [] for name in POSTS_SCHEMA.names}
    seen: set[tuple[str, str]] = set()
    for doc in docs:
        post = doc.meta.get(POST_KEY) if doc.meta else None
        if post is None or (post["platform"], post["post_id"]) in seen:
            continue  # the first occurrence of a post wins, as in ``documents``
        seen.add((post["platform"], post["post_id"]))
        for name in ("platform", "post_id", "author", "author_name", "author_id", "channel",
                     "parent_id", "parent_author", "root_id", "edited_at", "status", "url"):
            cols[name].append(post.get(name))
        cols["relation"].append(post.get("relation", "original"))
        for name in ("links", "hashtags", "mentions"):
            cols[name].append(post.get(name) or [])
        metrics = post.get("metrics")
        cols["metrics"].append(json.dumps(metrics, sort_keys=True) if metrics else None)
        cols["edited"].append(bool(post.get("edited")))
        cols["declared_bot"].append(True if post.get("declared_bot") else None)
        cols["doc_id"].append(doc.doc_id)
        cols["published"].append(doc.published)
        cols["file"].append(doc.file)
        cols["record"].append(doc.record)
        cols["run_id"].append(run_id)
    return pa.table(cols, schema=POSTS_SCHEMA)


def first_occurrences(rows: pa.Table) -> tuple[pa.Table, pa.Table]:
    """``(documents rows, document_sources rows)`` of occurrence rows in reading order
    (:func:`documents_rows`): the first occurrence of each ``doc_id`` and every
    occurrence's source columns."""
    src_rows = rows.select(DOCUMENT_SOURCES_SCHEMA.names)
    ids = rows.column("doc_id")
    if pc.count_distinct(ids).as_py() == rows.num_rows:
        return rows, src_rows
    first: dict[str, int] = {}
    for i, doc_id in enumerate(ids.to_pylist()):
        first.setdefault(doc_id, i)
    return rows.take(pa.array(list(first.values()), pa.int64())), src_rows
