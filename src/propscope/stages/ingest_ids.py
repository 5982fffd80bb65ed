"""Duplicate external IDs: the same ID with a *different* text.

The same ID with the same text is an exact duplicate (one document, several
sources) and is fine. The same ID with another text is a conflict: the first
text ingested wins, later ones are quarantined with a reason naming the ID.

IDs are only compared within one scope: the record's ``source`` when it has
one, else its file (row ``1`` of two unrelated CSV exports is no conflict).
The check runs in DuckDB, batch by batch, against the ``external_ids`` table (the
first document of each scoped ID, looked up by its primary key, so the cost per
batch does not grow with the corpus), and memory stays flat however large the
corpus; the reason text depends only on the ID and the first document, so a
resumed run quarantines the same row, not a second one.
"""

from __future__ import annotations

from collections.abc import Sequence

import pyarrow as pa

from ..corpus import Corpus
from ..document import Rejected


def _reason(external_id: str, first_doc: str) -> str:
    return (f"duplicate id {external_id!r}: a different text with this id was ingested "
            f"first (doc_id {first_doc}); this one skipped")


def split_id_conflicts(corpus: Corpus, rows: pa.Table) -> tuple[pa.Table, list[Rejected]]:
    """``rows`` (``documents`` rows, one per occurrence, in reading order) without ID
    conflicts, and a Rejected for each conflicting one.

    Registers the first document of every ID not seen before, so a later batch,
    or a later run, sees it.
    """
    ext = rows.column("external_id")
    if ext.null_count == rows.num_rows:
        return rows, []
    cols = rows.select(["doc_id", "source", "file", "record"]).to_pydict()
    ext_ids = ext.to_pylist()
    bad = _conflicts(corpus, cols["doc_id"],
                     [s or f for s, f in zip(cols["source"], cols["file"], strict=True)], ext_ids)
    if not bad:
        return rows, []
    keep = pa.array([i not in bad for i in range(rows.num_rows)])
    rejected = [Rejected(cols["file"][i] or "", cols["record"][i] or "",
                         _reason(ext_ids[i] or "", first)) for i, first in sorted(bad.items())]
    return rows.filter(keep), rejected


def _conflicts(corpus: Corpus, doc_ids: Sequence[str], scopes: Sequence[str],
               ext_ids: Sequence[str | None]) -> dict[int, str]:
    """Position -> doc_id of the first document with that scoped ID, for each
    document whose ID belongs to another document."""
    indexed = [i for i, ext in enumerate(ext_ids) if ext]
    if not indexed:
        return {}
    first: dict[tuple[str, str], str] = {}  # the batch's first document per scoped ID
    for i in indexed:
        first.setdefault((scopes[i], ext_ids[i] or ""), doc_ids[i])
    table = pa.table({
        "scope": pa.array([scope for scope, _ in first], pa.string()),
        "external_id": pa.array([ext for _, ext in first], pa.string()),
        "doc_id": pa.array(list(first.values()), pa.string()),
    })
    con = corpus.con
    with corpus.transaction(), corpus.registered(_id_batch=table):
        # New IDs (the usual case) are registered with the batch's first document;
        # only IDs already known need their document looked up.
        added = con.execute("INSERT OR IGNORE INTO external_ids SELECT scope, external_id, "
                            "doc_id FROM _id_batch RETURNING scope, external_id").fetchall()
        owner = {key: first[key] for key in added}
        if len(owner) < len(first):
            owner.update(((scope, ext), doc_id) for scope, ext, doc_id in con.execute(
                "SELECT e.scope, e.external_id, e.doc_id FROM _id_batch b "
                "JOIN external_ids e USING (scope, external_id)").fetchall()
                if (scope, ext) not in owner)
    bad: dict[int, str] = {}
    for i in indexed:
        kept = owner[(scopes[i], ext_ids[i] or "")]
        if kept != doc_ids[i]:
            bad[i] = kept
    return bad
