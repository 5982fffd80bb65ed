"""Duplicate external IDs: the same ID with a *different* text.

The same ID with the same text is an exact duplicate (one document, several
sources) and is fine. The same ID with another text is a conflict: the first
text ingested wins, later ones are quarantined with a reason naming the ID.

IDs are only compared within one scope: the record's ``source`` when it has
one, else its file (row ``1`` of two unrelated CSV exports is no conflict).
The check runs in DuckDB against ``document_sources`` batch by batch, so memory
stays flat however large the corpus; the reason text depends only on the ID and
the first document, so a resumed run quarantines the same row, not a second one.
"""

from __future__ import annotations

from collections.abc import Sequence

import pyarrow as pa

from ..corpus import Corpus
from ..document import Document, Rejected


def _reason(external_id: str, first_doc: str) -> str:
    return (f"duplicate id {external_id!r}: a different text with this id was ingested "
            f"first (doc_id {first_doc}); this one skipped")


def split_id_conflicts(corpus: Corpus, docs: Sequence[Document]
                       ) -> tuple[list[Document], list[Rejected]]:
    """``docs`` without ID conflicts, and a Rejected for each conflicting one."""
    indexed = [(i, d) for i, d in enumerate(docs) if d.external_id]
    if not indexed:
        return list(docs), []
    table = pa.table({
        "i": pa.array([i for i, _ in indexed], pa.int64()),
        "scope": pa.array([d.source or d.file for _, d in indexed], pa.string()),
        "external_id": pa.array([d.external_id for _, d in indexed], pa.string()),
        "doc_id": pa.array([d.doc_id for _, d in indexed], pa.string()),
    })
    con = corpus.con
    con.register("_id_batch", table)
    try:
        clashes = con.execute(
            "SELECT n.i, min(s.doc_id) FROM _id_batch n JOIN document_sources s "
            "ON s.external_id = n.external_id AND coalesce(s.source, s.file) = n.scope "
            "AND s.doc_id <> n.doc_id GROUP BY n.i").fetchall()
    finally:
        con.unregister("_id_batch")
    bad: dict[int, str] = dict(clashes)
    first: dict[tuple[str, str], str] = {}
    for i, doc in indexed:
        if i in bad:
            continue
        key = (doc.source or doc.file, doc.external_id or "")
        kept = first.setdefault(key, doc.doc_id)
        if kept != doc.doc_id:
            bad[i] = kept
    if not bad:
        return list(docs), []
    keep = [d for i, d in enumerate(docs) if i not in bad]
    rejected = [Rejected(docs[i].file, docs[i].record, _reason(docs[i].external_id or "", first))
                for i, first in sorted(bad.items())]
    return keep, rejected
