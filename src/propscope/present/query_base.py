"""What every group of view queries stands on: the columns each table must have, the
corpus's schema read once, quoting, plain-dict rows, and :class:`QueryBase` (a cursor
plus that schema).

Split out of :mod:`.queries` (issue 19), which re-exports these names; query groups
(:mod:`.query_documents`, :mod:`.queries`, and new ones beside them) subclass QueryBase.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import duckdb

from ..corpus import one

# The columns a view needs from each table; a table lacking any is "not computed".
REQUIRED: dict[str, tuple[str, ...]] = {
    "documents": ("doc_id", "source", "published", "text"),
    "spans": ("doc_id", "technique", "start", "end"),
    "doc_references": ("doc_id", "kind", "value", "start", "end"),
    "repetitions": ("doc_id", "phrase", "count", "starts"),
    "doc_labels": ("doc_id", "task", "label"),
    "reuse_pairs": ("doc_a", "doc_b", "similarity"),
    "reuse_clusters": ("cluster_id", "doc_id"),
    "coordination_edges": ("source_a", "source_b", "kind", "weight"),
    "communities": ("community_id", "source"),
    "community_readings": ("community_id", "reading", "text"),
    "runs": ("run_id", "started", "command", "status"),
    "quarantine": ("file", "record", "reason"),
}


#: Reference kinds that can tie sources to one operator (docs/signals.md).
FINGERPRINT_KINDS = ("tracking_id", "crypto_address", "payment_handle", "messaging_channel",
                     "phone_number", "contact_email", "template_fingerprint")


def q(name: str) -> str:
    """Quote an identifier: ``references`` and ``end`` are SQL keywords."""
    return '"' + name.replace('"', '""') + '"'


def rows(cur: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
    """Run a query and return plain dicts (column name -> value)."""
    res = cur.execute(sql, list(params))
    names = [d[0] for d in res.description]
    return [dict(zip(names, r, strict=True)) for r in res.fetchall()]


@dataclass
class Schema:
    """Which tables and columns this corpus has, read once from the catalog."""

    columns: dict[str, set[str]] = field(default_factory=dict)
    catalog: str = ""

    @classmethod
    def read(cls, cur: duckdb.DuckDBPyConnection, catalog: str | None = None) -> Schema:
        catalog = catalog or one(cur.execute("SELECT current_database()"))[0]
        cols: dict[str, set[str]] = {}
        for table, column in cur.execute(
                "SELECT table_name, column_name FROM information_schema.columns "
                "WHERE table_catalog = ? AND table_schema = 'main'", [catalog]).fetchall():
            cols.setdefault(table, set()).add(column)
        return cls(cols, catalog)

    def has(self, table: str, *extra: str) -> bool:
        """True when ``table`` exists with the columns views need (plus ``extra``)."""
        cols = self.columns.get(table)
        if cols is None:
            return False
        return all(c in cols for c in (*REQUIRED.get(table, ()), *extra))

    def col(self, table: str, column: str, default: str = "NULL") -> str:
        """``"column"`` if the table has it, else a literal default (tolerate old schemas)."""
        return q(column) if column in self.columns.get(table, set()) else default


def jsonish(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value

class QueryBase:
    """A cursor of a read-only corpus connection and that corpus's :class:`Schema`."""

    def __init__(self, cur: duckdb.DuckDBPyConnection, schema: Schema | None = None) -> None:
        self.cur = cur
        self.schema = schema or Schema.read(cur)

    def has(self, table: str, *extra: str) -> bool:
        return self.schema.has(table, *extra)
