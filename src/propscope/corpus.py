"""The corpus store: one DuckDB file that every stage reads from and writes to.

Why this shape:

* **Stages own their tables.** Each per-document stage writes rows keyed by
  ``doc_id`` (plus the ``run_id`` that produced them) and marks the document done
  in ``stage_done`` *in the same transaction*. A crash therefore leaves either all
  of a batch or none of it, and a re-run only processes what is not marked done:
  resumable and idempotent by construction.
* **One writer.** DuckDB allows one writing process; parallel engines compute and
  hand Arrow tables back, and only the process holding a :class:`Corpus` writes.
* **Schema version.** ``meta.schema_version`` is checked on open and migrated
  forward step by step; a file from a newer propscope is refused, never rewritten.

The file's layout (tables, migrations, type map, SQL helpers) is in :mod:`.corpus_schema`,
the file and error checks in :mod:`.corpus_files`; their names are re-exported here.
"""

from __future__ import annotations

import contextlib
import json
import uuid
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

if TYPE_CHECKING:  # pandas costs about a second to import; only df()/sql() return it
    import pandas as pd

from .corpus_files import (
    DUCKDB_MAGIC,
    check_corpus_file,
    check_propscope,
    check_version,
    corpus_error,
    is_disk_full,
    stored_version,
    table_names,
)
from .corpus_schema import (
    BASE_DDL,
    CHECKPOINT_THRESHOLD,
    MIGRATIONS,
    SCHEMA_VERSION,
    Transaction,
    duck_type,
    first_documents_sql,
    now_utc,
    one,
    q,
    row_document,
)
from .document import Document, Rejected
from .errors import CorpusError
from .rows import (
    DOCUMENT_SOURCES_SCHEMA,
    DOCUMENTS_SCHEMA,
    POST_KEY,
    POSTS_SCHEMA,
    documents_rows,
    first_occurrences,
    posts_rows,
)

__all__ = [  # the row schemas and builders live in .rows, the layout in .corpus_schema, the
    # file checks in .corpus_files; kept importable from here
    "CHECKPOINT_THRESHOLD", "DOCUMENTS_SCHEMA", "DOCUMENT_SOURCES_SCHEMA", "DUCKDB_MAGIC",
    "MIGRATIONS", "POSTS_SCHEMA", "POST_KEY", "SCHEMA_VERSION", "Corpus", "check_corpus_file",
    "corpus_error", "documents_rows", "duck_type", "first_documents_sql", "first_occurrences",
    "is_disk_full", "now_utc", "one", "open_corpus", "posts_rows", "q",
]


class Corpus:
    """An open corpus file. Use :func:`open_corpus`; close it (or use ``with``)."""

    def __init__(self, path: str | Path, *, read_only: bool = False) -> None:
        self.path = Path(path)
        self.read_only = read_only
        existed = check_corpus_file(self.path, read_only=read_only)
        try:
            self.con = duckdb.connect(str(self.path), read_only=read_only)
        except duckdb.Error as exc:  # locked by another writer, damaged, ...
            raise corpus_error(exc, self.path) from exc
        try:
            self.con.execute("SET TimeZone = 'UTC'")
            if existed:
                check_propscope(self.con, self.path, read_only=read_only)
            if not read_only:
                # Checkpoint (fold the WAL into the file) less often than DuckDB's 16 MB
                # default: ingest commits many batches and each checkpoint rewrites
                # indexes. Crash safety is unchanged: an un-checkpointed WAL is replayed.
                self.con.execute(f"SET checkpoint_threshold = '{CHECKPOINT_THRESHOLD}'")
                self._migrate()
            else:
                check_version(self.con, self.path)
        except duckdb.Error as exc:
            self.con.close()
            raise corpus_error(exc, self.path) from exc
        except CorpusError:
            self.con.close()
            raise

    # -- lifecycle -------------------------------------------------------
    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Corpus:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _migrate(self) -> None:
        check_version(self.con, self.path)
        version = stored_version(self.con)
        with self.transaction():
            for ddl in BASE_DDL:
                self.con.execute(ddl)
            current = SCHEMA_VERSION if version is None else version
            while current < SCHEMA_VERSION:
                for ddl in MIGRATIONS.get(current, []):
                    self.con.execute(ddl)
                current += 1
            self.con.execute(
                "INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", [str(SCHEMA_VERSION)])

    def transaction(self) -> Transaction:
        return Transaction(self.con)

    @contextlib.contextmanager
    def registered(self, **tables: pa.Table) -> Iterator[None]:
        """Arrow tables visible to SQL under these names for the body; unregistered
        afterwards, also when the body fails (a stale name would shadow the next batch)."""
        for name, tbl in tables.items():
            self.con.register(name, tbl)
        try:
            yield
        finally:
            for name in tables:
                self.con.unregister(name)

    # -- runs ------------------------------------------------------------
    def start_run(self, command: str, settings: dict[str, Any] | None = None) -> str:
        run_id = now_utc().strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]
        self.con.execute(
            "INSERT INTO runs VALUES (?, ?, NULL, ?, ?, 'running', NULL)",
            [run_id, now_utc(), command, json.dumps(settings or {}, default=str)])
        return run_id

    def finish_run(self, run_id: str, status: str, summary: dict[str, Any]) -> None:
        self.con.execute(
            "UPDATE runs SET finished = ?, status = ?, summary = ? WHERE run_id = ?",
            [now_utc(), status, json.dumps(summary, default=str), run_id])

    # -- documents -------------------------------------------------------
    def add_documents(self, docs: Sequence[Document], run_id: str) -> tuple[int, int]:
        """Insert documents; exact duplicates only add a ``document_sources`` row.

        Returns ``(new_documents, duplicate_occurrences)``. Safe to call again with
        the same documents (a resumed ingest): nothing is inserted twice.
        """
        if not docs:
            return 0, 0
        new_ids = self.insert_rows(*first_occurrences(documents_rows(docs, run_id)))
        self.add_posts(docs, run_id)
        return len(new_ids), len(docs) - len(new_ids)

    def add_posts(self, docs: Sequence[Document], run_id: str) -> int:
        """Store the post model of the ``docs`` that carry one (platform exports);
        the first row of each ``(platform, post_id)`` wins, so a resumed ingest or a
        post seen in two files adds nothing. Returns the rows written."""
        rows = posts_rows(docs, run_id)
        if not rows.num_rows:
            return 0
        with self.transaction(), self.registered(_new_posts=rows):
            self.con.execute("INSERT OR IGNORE INTO posts BY NAME SELECT * FROM _new_posts")
        return int(rows.num_rows)

    def insert_rows(self, doc_rows: pa.Table, src_rows: pa.Table, *,
                    ids_registered: bool = False) -> pa.Array:
        """Insert ``doc_rows`` (``documents``, one per ``doc_id``) and ``src_rows``
        (``document_sources``, one per occurrence; see :func:`first_occurrences`);
        returns the ``doc_id`` of each document stored for the first time (DuckDB
        reports them, so no second look-up is needed).

        External IDs go to ``external_ids`` (the duplicate-ID check of ingest) unless
        the caller did that already (``ids_registered``: ingest, ``ingest/ids.py``).
        """
        with self.transaction(), self.registered(_new_docs=doc_rows, _new_srcs=src_rows):
            # INSERT OR IGNORE probes the primary-key index per new row; an anti-join
            # would scan the whole (growing) table on every batch.
            new = self.con.sql("INSERT OR IGNORE INTO documents SELECT * FROM _new_docs "
                               "RETURNING doc_id").to_arrow_table().column(0)
            self.con.execute(
                "INSERT OR IGNORE INTO document_sources "
                "SELECT DISTINCT ON (doc_id, file, record) * FROM _new_srcs")
            if not ids_registered:
                self.con.execute(
                    "INSERT OR IGNORE INTO external_ids SELECT coalesce(source, file), "
                    "external_id, min(doc_id) FROM _new_srcs WHERE external_id IS NOT NULL "
                    "GROUP BY ALL")
        return new.combine_chunks() if isinstance(new, pa.ChunkedArray) else new

    def add_rejected(self, rejected: Iterable[Rejected], run_id: str) -> int:
        rows = [(r.file, r.record, r.reason[:2000], run_id) for r in rejected]
        if not rows:
            return 0
        tbl = pa.table({"file": [r[0] for r in rows], "record": [r[1] for r in rows],
                        "reason": [r[2] for r in rows], "run_id": [r[3] for r in rows]})
        with self.transaction(), self.registered(_rej=tbl):
            self.con.execute(
                "INSERT INTO quarantine SELECT DISTINCT ON (file, record, reason) * FROM _rej n "
                "ANTI JOIN quarantine q ON q.file = n.file AND q.record = n.record "
                "AND q.reason = n.reason")
        return len(rows)

    def file_done(self, file: str, size: int, mtime: float) -> bool:
        row = self.con.execute(
            "SELECT 1 FROM ingested_files WHERE file = ? AND size = ? AND mtime = ?",
            [file, size, mtime]).fetchone()
        return row is not None

    def mark_file_done(self, file: str, size: int, mtime: float, documents: int,
                       quarantined: int, run_id: str, readers: str | None = None) -> None:
        self.con.execute("INSERT OR REPLACE INTO ingested_files (file, size, mtime, documents, "
                         "quarantined, run_id, readers) VALUES (?, ?, ?, ?, ?, ?, ?)",
                         [file, size, mtime, documents, quarantined, run_id, readers])

    def iter_documents(self, sql_where: str = "TRUE", params: Sequence[Any] = (),
                       batch_size: int = 1000, columns: str = "*") -> Iterator[list[Document]]:
        """Stream documents in ``doc_id`` order, in batches, without loading the corpus."""
        cur = self.con.cursor()
        cur.execute("SET TimeZone = 'UTC'")
        rel = cur.sql(f"SELECT * FROM documents WHERE {sql_where} ORDER BY doc_id",
                      params=list(params) or None)
        for batch in rel.to_arrow_reader(batch_size):
            yield [row_document(r) for r in batch.to_pylist()]
        cur.close()

    # -- per-document stages ----------------------------------------------
    def ensure_table(self, name: str, schema: pa.Schema) -> None:
        """Create a stage's table from its Arrow schema (plus ``run_id``) if missing."""
        cols = [f"{q(f.name)} {duck_type(f.type)}" for f in schema]
        if "run_id" not in schema.names:
            cols.append("run_id VARCHAR")
        self.con.execute(f"CREATE TABLE IF NOT EXISTS {q(name)} ({', '.join(cols)})")

    def pending_count(self, stage: str, version: str) -> int:
        return int(one(self.con.execute(
            "SELECT count(*) FROM documents d ANTI JOIN stage_done s "
            "ON s.doc_id = d.doc_id AND s.stage = ? AND s.version = ?", [stage, version]
        ))[0])

    def pending_documents(self, stage: str, version: str, batch_size: int = 500,
                          limit: int | None = None) -> Iterator[list[Document]]:
        """Documents not yet processed by ``stage`` at ``version``, in batches."""
        where = ("doc_id NOT IN (SELECT doc_id FROM stage_done WHERE stage = ? AND version = ?)")
        sql_limit = f" AND doc_id IN ({first_documents_sql(limit)})" if limit else ""
        yield from self.iter_documents(where + sql_limit, [stage, version], batch_size)

    def pending_arrow(self, stage: str, version: str, batch_size: int = 500,
                      limit: int | None = None, columns: str = "*") -> Iterator[pa.RecordBatch]:
        """:meth:`pending_documents` as Arrow record batches (of ``columns`` only),
        which cost far less to read and to send to worker processes."""
        where = ("doc_id NOT IN (SELECT doc_id FROM stage_done WHERE stage = ? AND version = ?)")
        if limit:
            where += f" AND doc_id IN ({first_documents_sql(limit)})"
        cur = self.con.cursor()
        cur.execute("SET TimeZone = 'UTC'")
        rel = cur.sql(f"SELECT {columns} FROM documents WHERE {where} ORDER BY doc_id",
                      params=[stage, version])
        yield from rel.to_arrow_reader(batch_size)
        cur.close()

    def write_stage(self, stage: str, version: str, run_id: str, doc_ids: Sequence[str],
                    tables: dict[str, pa.Table]) -> None:
        """Replace a batch's results of one stage atomically and mark the batch done.

        Only documents the stage had marked done before (a forced or a newer
        version's re-run) can have rows to replace: the marks are inserted first,
        and DuckDB returns the new ones, so a first pass deletes nothing and never
        scans the stage's (growing) tables.
        """
        ids = pa.table({"doc_id": pa.array(list(doc_ids), pa.string())})
        with self.transaction(), self.registered(_ids=ids):
            marked = self.con.sql(
                "INSERT OR IGNORE INTO stage_done SELECT ?, doc_id, ?, ? FROM _ids "
                "RETURNING doc_id", params=[stage, version, run_id]).to_arrow_table()
            seen = None
            if marked.num_rows < ids.num_rows:
                seen = ids.filter(pc.invert(pc.is_in(ids.column("doc_id"),
                                                     value_set=marked.column(0))))
            with self.registered(**({"_seen": seen} if seen is not None else {})):
                if seen is not None:
                    self.con.execute("INSERT OR REPLACE INTO stage_done SELECT ?, doc_id, ?, ? "
                                     "FROM _seen", [stage, version, run_id])
                for name, tbl in tables.items():
                    if "run_id" not in tbl.schema.names:
                        tbl = tbl.append_column("run_id",
                                                pa.array([run_id] * tbl.num_rows, pa.string()))
                    self.ensure_table(name, tbl.schema)
                    if seen is not None:
                        self.con.execute(
                            f"DELETE FROM {q(name)} WHERE doc_id IN (SELECT doc_id FROM _seen)")
                    if tbl.num_rows:
                        cols = ", ".join(q(c) for c in tbl.schema.names)
                        with self.registered(_rows=tbl):
                            self.con.execute(
                                f"INSERT INTO {q(name)} ({cols}) SELECT {cols} FROM _rows")

    def reset_stage(self, stage: str, tables: Iterable[str] = ()) -> None:
        """Forget a stage's results (``--force-stage``)."""
        with self.transaction():
            self.con.execute("DELETE FROM stage_done WHERE stage = ?", [stage])
            self.con.execute("DELETE FROM corpus_stages WHERE stage = ?", [stage])
            for name in tables:
                if self.has_table(name):
                    self.con.execute(f"DELETE FROM {q(name)}")

    # -- corpus-level stages ---------------------------------------------
    def corpus_stage_state(self, stage: str) -> tuple[str, int] | None:
        row = self.con.execute(
            "SELECT version, documents FROM corpus_stages WHERE stage = ?", [stage]).fetchone()
        return (row[0], int(row[1])) if row else None

    def mark_corpus_stage(self, stage: str, version: str, documents: int, run_id: str) -> None:
        self.con.execute("INSERT OR REPLACE INTO corpus_stages VALUES (?, ?, ?, ?, ?)",
                         [stage, version, documents, run_id, now_utc()])

    def replace_table(self, name: str, tbl: pa.Table) -> None:
        """Atomically replace a whole corpus-level table (reuse, coordination)."""
        with self.transaction():
            self.con.execute(f"DROP TABLE IF EXISTS {q(name)}")
            self.ensure_table(name, tbl.schema)
            if tbl.num_rows:
                self.con.register("_rows", tbl)
                cols = ", ".join(q(c) for c in tbl.schema.names)
                self.con.execute(f"INSERT INTO {q(name)} ({cols}) SELECT {cols} FROM _rows")
                self.con.unregister("_rows")

    # -- reading -----------------------------------------------------------
    def has_table(self, name: str) -> bool:
        return bool(one(self.con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [name]
        ))[0])

    def tables(self) -> list[str]:
        return table_names(self.con)

    def count(self, name: str) -> int:
        return int(one(self.con.execute(f"SELECT count(*) FROM {q(name)}"))[0])

    def arrow(self, name: str) -> pa.Table:
        """A whole table as an Arrow table (``run_id`` and bookkeeping columns included)."""
        return self.con.sql(f"SELECT * FROM {q(name)}").to_arrow_table()

    def df(self, name: str) -> pd.DataFrame:
        """A whole table as a pandas DataFrame."""
        return self.con.execute(f"SELECT * FROM {q(name)}").df()

    table = df

    def sql(self, query: str, params: Sequence[Any] = ()) -> pd.DataFrame:
        return self.con.execute(query, list(params)).df()


def open_corpus(path: str | Path, *, read_only: bool = False) -> Corpus:
    """Open (or create) a corpus file.

    >>> corpus = open_corpus("news.duckdb")          # doctest: +SKIP
    >>> corpus.df("doc_references").query("kind == 'hashtag'")  # doctest: +SKIP
    """
    return Corpus(path, read_only=read_only)
