"""The corpus store on a real DuckDB file: schema, dedup, idempotent stages, versions."""

from __future__ import annotations

from datetime import UTC, datetime

import pyarrow as pa
import pytest

from propscope import open_corpus
from propscope.corpus import SCHEMA_VERSION
from propscope.document import Document, Rejected
from propscope.errors import CorpusError


def _doc(text: str, source: str, record: str) -> Document:
    return Document.create(text, source=source, file="in.jsonl", record=record,
                           published=datetime(2024, 3, 1, 12, tzinfo=UTC))


def test_exact_duplicates_are_stored_once_with_every_source(tmp_path):
    path = tmp_path / "c.duckdb"
    with open_corpus(path) as corpus:
        new, dup = corpus.add_documents(
            [_doc("same words", "site-a", "1"), _doc("same words", "site-b", "2"),
             _doc("other words", "site-a", "3")], "r1")
        assert (new, dup) == (2, 1)
        sources = corpus.sql("SELECT source FROM document_sources WHERE doc_id = ? ORDER BY 1",
                             [_doc("same words", "x", "1").doc_id])["source"].tolist()
        assert sources == ["site-a", "site-b"]
        # Re-adding the same batch (a resumed ingest) inserts nothing.
        assert corpus.add_documents([_doc("same words", "site-a", "1")], "r2") == (0, 1)
        assert corpus.count("documents") == 2
        assert corpus.count("document_sources") == 3


def test_stage_writes_are_idempotent_and_mark_documents_done(tmp_path):
    with open_corpus(tmp_path / "c.duckdb") as corpus:
        doc = _doc("a text with #tag", "s", "1")
        corpus.add_documents([doc], "r1")
        assert corpus.pending_count("references", "1") == 1
        rows = pa.Table.from_pylist([{"doc_id": doc.doc_id, "kind": "hashtag", "start": 12, "end": 16}])
        for run in ("r1", "r2"):
            corpus.write_stage("references", "1", run, [doc.doc_id], {"doc_references": rows})
        assert corpus.count("doc_references") == 1
        assert corpus.pending_count("references", "1") == 0
        # A new analyzer version makes the document pending again.
        assert corpus.pending_count("references", "2") == 1


def test_quarantine_keeps_reason_once(tmp_path):
    with open_corpus(tmp_path / "c.duckdb") as corpus:
        bad = Rejected("feed.jsonl", "7", "malformed JSON: Expecting value")
        corpus.add_rejected([bad, bad], "r1")
        corpus.add_rejected([bad], "r2")
        assert corpus.df("quarantine")[["file", "record"]].values.tolist() == [["feed.jsonl", "7"]]


def test_newer_schema_is_refused_not_rewritten(tmp_path):
    path = tmp_path / "c.duckdb"
    with open_corpus(path) as corpus:
        corpus.con.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'",
                           [str(SCHEMA_VERSION + 1)])
    with pytest.raises(CorpusError, match="schema version"):
        open_corpus(path)


def test_read_only_open_of_missing_corpus_names_the_file(tmp_path):
    with pytest.raises(CorpusError, match="missing.duckdb"):
        open_corpus(tmp_path / "missing.duckdb", read_only=True)


def test_tables_come_back_as_pandas_and_arrow(tmp_path):
    with open_corpus(tmp_path / "c.duckdb") as corpus:
        corpus.add_documents([_doc("hello", "s", "1")], "r1")
        assert corpus.df("documents")["text"].tolist() == ["hello"]
        assert corpus.arrow("documents").column("published").type == pa.timestamp("us", tz="UTC")


def test_version_1_file_gets_its_external_ids_and_ingest_still_sees_conflicts(tmp_path):
    """A corpus written by schema 1 (no external_ids table) is migrated: the IDs it
    holds are registered, so ingest still quarantines a different text under one."""
    from propscope.settings import Settings
    from propscope.stages.ingest import ingest_paths

    path = tmp_path / "c.duckdb"
    with open_corpus(path) as corpus:
        first = Document.create("The ferry timetable changes in May.", source="port.example",
                                external_id="item-9", file="old.jsonl", record="1")
        corpus.add_documents([first], "r1")
        corpus.con.execute("DROP TABLE external_ids")  # as a schema-1 file has it
        corpus.con.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    with open_corpus(path) as corpus:
        assert corpus.con.execute("SELECT * FROM external_ids").fetchall() == [
            ("port.example", "item-9", first.doc_id)]
        feed = tmp_path / "feed.jsonl"
        feed.write_text('{"id": "item-9", "source": "port.example", "text": "A new text."}\n'
                        '{"id": "item-9", "source": "other.example", "text": "Other scope."}\n')
        summary = ingest_paths(corpus, [feed], Settings(), "r2")
        assert summary.documents == 1  # the same ID in another scope is no conflict
        reasons = corpus.df("quarantine")["reason"].tolist()
        assert len(reasons) == 1 and "duplicate id 'item-9'" in reasons[0]
        assert first.doc_id in reasons[0]
        version = corpus.con.execute(
            "SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0]
        assert version == str(SCHEMA_VERSION)


def test_version_3_file_has_its_references_table_renamed_and_kept(tmp_path):
    """``references`` is an SQL keyword (issue 18): a version-3 corpus is renamed on open."""
    path = tmp_path / "c.duckdb"
    with open_corpus(path) as corpus:
        doc = _doc("a text with #tag", "s", "1")
        corpus.add_documents([doc], "r1")
        rows = pa.Table.from_pylist([{"doc_id": doc.doc_id, "kind": "hashtag", "start": 12, "end": 16}])
        corpus.write_stage("references", "1", "r1", [doc.doc_id], {"doc_references": rows})
        corpus.con.execute('ALTER TABLE doc_references RENAME TO "references"')
        corpus.con.execute("UPDATE meta SET value = '3' WHERE key = 'schema_version'")
    with open_corpus(path) as corpus:
        assert not corpus.has_table("references")
        assert corpus.sql("SELECT kind FROM doc_references")["kind"].tolist() == ["hashtag"]
        assert corpus.pending_count("references", "1") == 0
        assert corpus.con.execute("SELECT value FROM meta WHERE key = 'schema_version'"
                                  ).fetchone()[0] == str(SCHEMA_VERSION)
