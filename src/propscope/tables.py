"""The result tables of a corpus, listed once: who writes each, and how it leaves.

Why: the exporters, the partitioned export, the run summary's totals and the
docs each need the list; kept in four places, they drifted. Every other list
is derived from :data:`TABLES` (its order is the export order), and
``tests/test_registries.py`` checks that every analyzer's and link stage's
tables are here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Table:
    """One result table.

    ``stage``: the stage that writes it (``ingest``, ``analyze:NAME``, ``link:NAME``);
    ``partition_key``: the column the partitioned export splits it on (None: one file);
    ``total``: counted in run summaries and ``propscope status``.
    """

    stage: str
    partition_key: str | None = None
    total: bool = False


TABLES: dict[str, Table] = {
    "documents": Table("ingest", "doc_id", total=True),
    "document_sources": Table("ingest", "doc_id", total=True),
    "languages": Table("analyze:language", total=True),
    "language_segments": Table("analyze:language"),
    "coverage": Table("analyze:language"),
    "doc_references": Table("analyze:references", "doc_id", total=True),
    "repetitions": Table("analyze:repetitions", "doc_id", total=True),
    "page_furniture": Table("analyze:repetitions", "doc_id"),
    "spans": Table("analyze:techniques", "doc_id", total=True),
    "doc_labels": Table("analyze:techniques", "doc_id", total=True),
    "technique_skips": Table("analyze:techniques"),
    "reuse_pairs": Table("link:reuse", "doc_a", total=True),
    "reuse_clusters": Table("link:reuse", "doc_id", total=True),
    "reuse_insertions": Table("link:reuse"),
    "coordination_edges": Table("link:coordination", total=True),
    "coordination_evidence": Table("link:coordination"),
    "communities": Table("link:coordination", total=True),
    "community_readings": Table("link:coordination"),
    "posts": Table("ingest"),
    "post_relations": Table("link:coordination"),
    "quarantine": Table("ingest", total=True),
}

# Exported, in this order (every table above; documented column by column in docs/exports.md).
EXPORT_TABLES = list(TABLES)
# Counted in summaries, in the order shown.
TOTAL_TABLES = [name for name, t in TABLES.items() if t.total]
# The column each table is partitioned on; tables not listed are written as one file.
PARTITION_KEYS = {name: t.partition_key for name, t in TABLES.items() if t.partition_key}

#: Version of the rules that make ``community_readings`` (link/readings.py), kept by the link
#: stage in ``coordination_state`` (key ``readings``). Here, beside the table list, because
#: present/ compares it with the stored one without importing link/: readings an older version
#: made are remade by the next link run and marked as older wherever they are shown before it.
READINGS_VERSION = "3"
