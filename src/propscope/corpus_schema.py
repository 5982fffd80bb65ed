"""The corpus file's layout: schema version, base tables, forward migrations, the Arrow to
DuckDB type map, and the small SQL helpers every stage uses with it.

Split out of :mod:`propscope.corpus` (issue 19), which re-exports these names: the store
(:class:`~propscope.corpus.Corpus`) is about reading and writing; this is what it writes
into. A new table of the core store or a migration is an edit here.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import duckdb
import pyarrow as pa

from .document import Document
from .errors import CorpusError
from .rows import TIMESTAMP_UTC

SCHEMA_VERSION = 5
_TS = TIMESTAMP_UTC

# How much WAL may build up before DuckDB checkpoints it into the file.
CHECKPOINT_THRESHOLD = "256MB"


BASE_DDL = [
    "CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR)",
    """CREATE TABLE IF NOT EXISTS runs (
        run_id VARCHAR PRIMARY KEY, started TIMESTAMPTZ, finished TIMESTAMPTZ,
        command VARCHAR, settings VARCHAR, status VARCHAR, summary VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS documents (
        doc_id VARCHAR PRIMARY KEY, source VARCHAR, published TIMESTAMPTZ, url VARCHAR,
        title VARCHAR, lang VARCHAR, text VARCHAR, content_hash VARCHAR, author VARCHAR,
        external_id VARCHAR, meta VARCHAR, file VARCHAR, record VARCHAR, run_id VARCHAR,
        lang_confidence DOUBLE, lang_declared BOOLEAN)""",
    """CREATE TABLE IF NOT EXISTS document_sources (
        doc_id VARCHAR, source VARCHAR, published TIMESTAMPTZ, url VARCHAR, author VARCHAR,
        external_id VARCHAR, file VARCHAR, record VARCHAR, run_id VARCHAR,
        PRIMARY KEY (doc_id, file, record))""",
    """CREATE TABLE IF NOT EXISTS quarantine (
        file VARCHAR, record VARCHAR, reason VARCHAR, run_id VARCHAR,
        PRIMARY KEY (file, record, reason))""",
    # ``readers``: the version of the readers that read the unit (stages/ingest_rejected.py)
    """CREATE TABLE IF NOT EXISTS ingested_files (
        file VARCHAR PRIMARY KEY, size BIGINT, mtime DOUBLE, documents BIGINT,
        quarantined BIGINT, run_id VARCHAR, readers VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS stage_done (
        stage VARCHAR, doc_id VARCHAR, version VARCHAR, run_id VARCHAR,
        PRIMARY KEY (stage, doc_id))""",
    # The first document of each external ID within its scope (source, else file): ingest
    # looks IDs up here by primary key, since a join against document_sources would scan
    # that (growing) table on every batch.
    """CREATE TABLE IF NOT EXISTS external_ids (
        scope VARCHAR, external_id VARCHAR, doc_id VARCHAR,
        PRIMARY KEY (scope, external_id))""",
    # One row per platform post (ingest/platforms): a repost shares its original's
    # doc_id (the text is stored once) and keeps its own author, time and ID.
    """CREATE TABLE IF NOT EXISTS posts (
        platform VARCHAR, post_id VARCHAR, doc_id VARCHAR, published TIMESTAMPTZ,
        author VARCHAR, author_name VARCHAR, author_id VARCHAR, channel VARCHAR,
        relation VARCHAR, parent_id VARCHAR, parent_author VARCHAR, root_id VARCHAR,
        links VARCHAR[], hashtags VARCHAR[], mentions VARCHAR[], metrics VARCHAR,
        edited BOOLEAN, edited_at VARCHAR, status VARCHAR, url VARCHAR,
        declared_bot BOOLEAN, file VARCHAR, record VARCHAR, run_id VARCHAR,
        PRIMARY KEY (platform, post_id))""",
    """CREATE TABLE IF NOT EXISTS corpus_stages (
        stage VARCHAR PRIMARY KEY, version VARCHAR, documents BIGINT, run_id VARCHAR,
        finished TIMESTAMPTZ)""",
]

# Forward migrations: MIGRATIONS[n] upgrades a file at version n to n + 1.
MIGRATIONS: dict[int, list[str]] = {
    # 1 -> 2: external_ids (created empty by BASE_DDL) filled from what is stored.
    1: ["INSERT OR IGNORE INTO external_ids SELECT coalesce(source, file), external_id, "
        "min(doc_id) FROM document_sources WHERE external_id IS NOT NULL GROUP BY ALL"],
    # 2 -> 3: language confidence and origin; until now ``lang`` was only ever declared.
    # (The posts table of platform exports, also new in 3, is created empty by BASE_DDL.)
    2: ["ALTER TABLE documents ADD COLUMN IF NOT EXISTS lang_confidence DOUBLE",
        "ALTER TABLE documents ADD COLUMN IF NOT EXISTS lang_declared BOOLEAN",
        "UPDATE documents SET lang_confidence = 1.0, lang_declared = TRUE WHERE lang IS NOT NULL"],
    # 3 -> 4: the references analyzer's table leaves the SQL keyword ``references``, which
    # every query had to quote (issue 18).
    3: ['ALTER TABLE IF EXISTS "references" RENAME TO doc_references'],
    # 4 -> 5: an account's own declaration of automation (Mastodon's bot flag), read by the
    # coordination readings (link/readings.py); the readers version of each ingested unit
    # (null for units read before: rejected ones are read again, stages/ingest_rejected.py).
    4: ["ALTER TABLE posts ADD COLUMN IF NOT EXISTS declared_bot BOOLEAN",
        "ALTER TABLE ingested_files ADD COLUMN IF NOT EXISTS readers VARCHAR"],
}

_PA_TO_DUCK = {
    pa.string(): "VARCHAR", pa.large_string(): "VARCHAR", pa.int64(): "BIGINT",
    pa.int32(): "INTEGER", pa.float64(): "DOUBLE", pa.float32(): "FLOAT",
    pa.bool_(): "BOOLEAN", _TS: "TIMESTAMPTZ", pa.timestamp("us"): "TIMESTAMP",
    pa.list_(pa.int64()): "BIGINT[]", pa.list_(pa.string()): "VARCHAR[]",
    pa.list_(pa.float32()): "FLOAT[]",  # embeddings (link/crosslingual.py)
    pa.date32(): "DATE",
}


def q(name: str) -> str:
    """Quote an identifier (``references`` and ``end`` are SQL keywords)."""
    return '"' + name.replace('"', '""') + '"'


def duck_type(dtype: pa.DataType) -> str:
    if dtype in _PA_TO_DUCK:
        return _PA_TO_DUCK[dtype]
    if pa.types.is_timestamp(dtype):
        return "TIMESTAMPTZ" if dtype.tz else "TIMESTAMP"
    raise CorpusError(f"no DuckDB column type for Arrow type {dtype}")


def one(result: duckdb.DuckDBPyConnection) -> tuple[Any, ...]:
    """The row of a query that always returns one (an aggregate such as ``count(*)``).

    DuckDB types ``fetchone()`` as possibly ``None``; for these queries it never is, and
    saying so here keeps every caller typed. All rows are fetched: DuckDB counts a result
    read with ``fetchone`` as unfinished, and then refuses to register an Arrow table on
    the connection (``ResourceInUseException``)."""
    rows = result.fetchall()
    if not rows:  # pragma: no cover - an aggregate without GROUP BY returns one row
        raise CorpusError("a query that returns one row returned none")
    return tuple(rows[0])


def first_documents_sql(limit: int) -> str:
    """A subquery of the first ``limit`` documents' IDs in ``doc_id`` order: the sample that
    ``--limit`` means for every stage (analyze and link see the same documents)."""
    return f"SELECT doc_id FROM documents ORDER BY doc_id LIMIT {int(limit)}"


def now_utc() -> datetime:
    return datetime.now(UTC)


class Transaction:
    """``with corpus.transaction():``: commit the body, or roll it back when it fails."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con

    def __enter__(self) -> Transaction:
        self.con.execute("BEGIN TRANSACTION")
        return self

    def __exit__(self, exc_type: object, *rest: object) -> None:
        if exc_type is None:
            self.con.execute("COMMIT")
        else:
            self.con.execute("ROLLBACK")


def row_document(r: dict[str, Any]) -> Document:
    return Document(
        doc_id=r["doc_id"], text=r["text"], content_hash=r["content_hash"], source=r["source"],
        published=r["published"], url=r["url"], title=r["title"], lang=r["lang"],
        author=r["author"], external_id=r["external_id"], file=r["file"] or "",
        record=r["record"] or "", meta=json.loads(r["meta"]) if r["meta"] else {},
        lang_confidence=r.get("lang_confidence"), lang_declared=r.get("lang_declared"),
    )
