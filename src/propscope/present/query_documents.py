"""The queries behind one document's page: its text, spans, references, repetitions,
labels, coverage, occurrences and reuse, each tolerating a stage that did not run.

Split out of :mod:`.queries` (issue 19); :class:`~.queries.CorpusQueries` inherits them.
"""

from __future__ import annotations

from typing import Any

from .query_base import QueryBase, q, rows


class DocumentQueries(QueryBase):
    """Named queries about one document (``doc_id``), over :class:`QueryBase`'s cursor."""

    def document(self, doc_id: str) -> dict[str, Any] | None:
        if not self.has("documents"):
            return None
        found = rows(self.cur, "SELECT * FROM documents WHERE doc_id = ?", [doc_id])
        return found[0] if found else None

    def document_spans(self, doc_id: str) -> list[dict[str, Any]] | None:
        if not self.has("spans"):
            return None
        s = self.schema
        return rows(self.cur, f"""
            SELECT technique, {s.col('spans', 'family')} AS family, "start", "end",
                   {s.col('spans', 'confidence')} AS confidence, {s.col('spans', 'model')} AS model,
                   {s.col('spans', 'confidence_calibrated', 'NULL')} AS confidence_calibrated,
                   {s.col('spans', 'explanation')} AS explanation
            FROM spans WHERE doc_id = ? ORDER BY "start", "end" DESC, technique""", [doc_id])

    def document_references(self, doc_id: str) -> list[dict[str, Any]] | None:
        if not self.has("doc_references"):
            return None
        extra = ", ".join(f"{self.schema.col('doc_references', c)} AS {c}" for c in (
            "normalized", "handle", "author", "posted", "domain", "is_shortener", "expanded",
            "views", "forwards"))
        return rows(self.cur, f"""SELECT kind, value, "start", "end", {extra}
            FROM {q('doc_references')} WHERE doc_id = ? ORDER BY "start", kind""", [doc_id])

    def document_repetitions(self, doc_id: str) -> list[dict[str, Any]] | None:
        if not self.has("repetitions"):
            return None
        s = self.schema
        return rows(self.cur, f"""SELECT phrase, count, starts,
            {s.col('repetitions', 'density')} AS density, {s.col('repetitions', 'score')} AS score,
            {s.col('repetitions', 'reason')} AS reason
            FROM repetitions WHERE doc_id = ? ORDER BY count DESC, phrase""", [doc_id])

    def document_labels(self, doc_id: str) -> list[dict[str, Any]] | None:
        if not self.has("doc_labels"):
            return None
        s = self.schema  # the model column says which one spoke: English or multilingual
        return rows(self.cur, f"SELECT task, label, {s.col('doc_labels', 'score')} AS score, "
                    f"{s.col('doc_labels', 'model')} AS model "
                    "FROM doc_labels WHERE doc_id = ? ORDER BY task, score DESC NULLS LAST", [doc_id])

    def coverage(self) -> dict[str, Any] | None:
        """Languages and per-analysis coverage (None before the ``language`` stage ran)."""
        from ..analyze.language_coverage import summary

        return summary(self.cur)

    def document_coverage(self, doc_id: str) -> list[dict[str, Any]] | None:
        """Whether each language-dependent analysis ran on this document, and why not."""
        from .doc_coverage import document_coverage
        return document_coverage(self.cur, self.schema.columns, doc_id)

    def document_occurrences(self, doc_id: str) -> list[dict[str, Any]]:
        if "document_sources" not in self.schema.columns:
            return []
        return rows(self.cur, "SELECT source, published, url, file, record FROM document_sources "
                    "WHERE doc_id = ? ORDER BY published NULLS LAST, file, record LIMIT 50", [doc_id])

    def document_reuse(self, doc_id: str) -> list[dict[str, Any]] | None:
        """Other documents sharing passages with this one (both directions of a pair)."""
        if not self.has("reuse_pairs"):
            return None
        return rows(self.cur, """
            SELECT p.other, p.similarity, d.source, d.published FROM (
                SELECT doc_b AS other, similarity FROM reuse_pairs WHERE doc_a = ?
                UNION ALL SELECT doc_a, similarity FROM reuse_pairs WHERE doc_b = ?) p
            LEFT JOIN documents d ON d.doc_id = p.other
            ORDER BY p.similarity DESC, d.published LIMIT 50""", [doc_id, doc_id])

    def marked_documents(self, limit: int) -> list[str]:
        """The documents with the most findings (spans, references, repetitions) first."""
        parts = []
        if self.has("spans"):
            parts.append("SELECT doc_id, count(*) AS n FROM spans GROUP BY doc_id")
        if self.has("doc_references"):
            parts.append(f"SELECT doc_id, count(*) AS n FROM {q('doc_references')} GROUP BY doc_id")
        if self.has("repetitions"):
            parts.append("SELECT doc_id, sum(count) AS n FROM repetitions GROUP BY doc_id")
        if not self.has("documents"):
            return []
        if not parts:
            return [r[0] for r in self.cur.execute(
                "SELECT doc_id FROM documents ORDER BY published NULLS LAST, doc_id LIMIT ?",
                [limit]).fetchall()]
        union = " UNION ALL ".join(parts)
        return [r[0] for r in self.cur.execute(f"""
            SELECT d.doc_id FROM documents d LEFT JOIN (
                SELECT doc_id, sum(n) AS n FROM ({union}) GROUP BY doc_id) f USING (doc_id)
            ORDER BY coalesce(f.n, 0) DESC, d.published NULLS LAST, d.doc_id LIMIT ?""",
            [limit]).fetchall()]
