"""The corpus-wide page of one technique: where it occurs, by source and over time, with examples.

Why its own page: a span highlighted in one document raises the question "how common
is this, and where else?". The figures come from the same ``spans`` table as the
document pages and the documents filter (the page's document count is the count the
filtered list shows); the examples are the spans with the highest model confidence.
"""

from __future__ import annotations

from typing import Any

from .html import definitions, technique_colour
from .queries import CorpusQueries, rows

EXAMPLES = 12
TOP_SOURCES = 30


def technique_page(qs: CorpusQueries, name: str) -> dict[str, Any] | None:
    """The page's data, or ``None`` when no span has this technique (or spans were not computed)."""
    if not qs.has("spans"):
        return None
    s = qs.schema
    conf = s.col("spans", "confidence")
    head = qs.cur.execute(f"""
        SELECT count(*), count(DISTINCT doc_id), avg({conf}), any_value({s.col('spans', 'family')})
        FROM spans WHERE technique = ?""", [name]).fetchone()
    if not head or not head[0]:
        return None
    by_source = rows(qs.cur, """
        WITH t AS (SELECT DISTINCT doc_id FROM spans WHERE technique = ?)
        SELECT d.source, count(*) AS documents FROM documents d SEMI JOIN t USING (doc_id)
        GROUP BY d.source ORDER BY documents DESC, d.source LIMIT ?""", [name, TOP_SOURCES])
    by_month = rows(qs.cur, """
        WITH t AS (SELECT DISTINCT doc_id FROM spans WHERE technique = ?)
        SELECT date_trunc('month', d.published)::DATE AS period, count(*) AS documents
        FROM documents d SEMI JOIN t USING (doc_id)
        GROUP BY ALL ORDER BY period NULLS LAST""", [name])
    examples = rows(qs.cur, f"""
        SELECT sp.doc_id, sp."start", sp."end", {conf} AS confidence, d.source, d.published,
               substr(d.text, sp."start" + 1, least(sp."end" - sp."start", 300)) AS text
        FROM spans sp JOIN documents d USING (doc_id) WHERE sp.technique = ?
        ORDER BY {conf} DESC NULLS LAST, sp.doc_id, sp."start" LIMIT ?""", [name, EXAMPLES])
    peak = max((r["documents"] for r in by_month), default=1) or 1
    return {"name": name, "spans": head[0], "documents": head[1], "confidence": head[2],
            "family": head[3], "colour": technique_colour(name),
            "definition": definitions().get(name, ""), "by_source": by_source,
            "by_month": by_month, "peak": peak, "examples": examples}
