"""One document's coverage rows, as its page shows them.

Apart from :mod:`.queries` (which is capped in size): the ``coverage`` table holds the
``language`` stage's decision, and a document the technique model then left out on
purpose (``technique_skips``: ``--techniques sample``/``off``, or under ``--taxonomy
semeval2020`` a language only the SemEval-2023 paragraph heads read) must read "not
analysed" with that reason, as in :func:`propscope.analyze.language_coverage.summary`.
"""

from __future__ import annotations

from typing import Any

import duckdb

from ..analyze.language import NOT_ANALYSED, SUPPORTED
from .queries import rows


def document_coverage(cur: duckdb.DuckDBPyConnection, tables: dict[str, set[str]],
                      doc_id: str) -> list[dict[str, Any]] | None:
    """Whether each language-dependent analysis ran on ``doc_id``, and why not (``tables``:
    the corpus's table -> columns; None when the language stage never ran)."""
    if "coverage" not in tables:
        return None
    if "technique_skips" not in tables:
        return rows(cur, "SELECT analysis, status, reason FROM coverage WHERE doc_id = ? "
                    "ORDER BY analysis", [doc_id])
    model_analyses = ", ".join(f"'{a}'" for a in SUPPORTED)
    return rows(cur, f"""
        SELECT c.analysis,
               CASE WHEN k.doc_id IS NOT NULL THEN '{NOT_ANALYSED}' ELSE c.status END AS status,
               CASE WHEN k.doc_id IS NOT NULL THEN k.reason ELSE c.reason END AS reason
        FROM coverage c LEFT JOIN technique_skips k ON k.doc_id = c.doc_id
             AND c.status <> '{NOT_ANALYSED}' AND c.analysis IN ({model_analyses})
        WHERE c.doc_id = ? ORDER BY c.analysis""", [doc_id])
