"""Page furniture in the app: template lines, shown apart from repeated phrases.

Why: the repetitions analyzer sets a page's template (ad placeholders, photo credits,
"Read more" lines, datelines) aside in ``page_furniture`` so that it is never counted
as manipulation (docs/signals.md). Exported but not shown, an analyst reading a
document saw the repeated line in the text with no word on why it was not flagged,
and a source's template was invisible. The document page marks these lines greyed
in the text (their own key, never the repeated-phrase yellow) and lists them with
rule and offsets; the source page counts them and lists the most common.

Queries live here, not in :mod:`.queries`, which is being split into smaller modules.
Every value reaches the page through autoescaping templates or :func:`.html.highlight`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .html import Mark
from .queries import CorpusQueries, rows

TABLE = "page_furniture"
COLUMNS = ("doc_id", "phrase", "count", "starts", "rule")
SOURCE_TOP = 10  # template lines listed on a source page
#: What each rule means, in the words of docs/signals.md (shown beside the rule).
RULES = {
    "line_start": "begins a line almost every time",
    "dateline": "follows a place name at the head of a line",
    "caption": "photo credit, ad or share line",
    "markup": "inside the page's ad, share, caption or related block",
    "removed_by_extractor": "in the page's markup; removed with the boilerplate",
    "source_template": "this source's template (on 3 or more of its documents)",
}


def has_furniture(qs: CorpusQueries) -> bool:
    return qs.has(TABLE, *COLUMNS)


def document_furniture(qs: CorpusQueries, doc_id: str) -> list[dict[str, Any]] | None:
    """The document's template lines (None: the table is not in this corpus)."""
    if not has_furniture(qs):
        return None
    location = qs.schema.col(TABLE, "location")
    found = rows(qs.cur, f"""SELECT phrase, count, starts, rule, {location} AS location
        FROM {TABLE} WHERE doc_id = ? ORDER BY count DESC, phrase""", [doc_id])
    for r in found:
        r["meaning"] = RULES.get(str(r["rule"]), "")
    return found


def source_furniture(qs: CorpusQueries, source: str, limit: int = SOURCE_TOP
                     ) -> dict[str, Any] | None:
    """How much of a source's text is template: lines, distinct lines, documents, the top ones."""
    if not has_furniture(qs):
        return None
    where = (f"FROM {TABLE} f JOIN documents d USING (doc_id) WHERE d.source = ?")
    total = rows(qs.cur, f"SELECT coalesce(sum(f.count), 0) AS occurrences, "
                         f"count(DISTINCT f.phrase) AS phrases, count(DISTINCT f.doc_id) AS documents "
                         f"{where}", [source])[0]
    total["top"] = rows(qs.cur, f"""SELECT f.phrase, count(DISTINCT f.doc_id) AS documents,
        sum(f.count) AS occurrences, string_agg(DISTINCT f.rule, ', ' ORDER BY f.rule) AS rules
        {where} GROUP BY f.phrase ORDER BY documents DESC, occurrences DESC, f.phrase
        LIMIT {int(limit)}""", [source])
    return total


def furniture_marks(text: str, furniture: Sequence[dict[str, Any]] | None) -> list[Mark]:
    """One greyed mark per occurrence of a template line in ``text`` (offsets clamped)."""
    marks: list[Mark] = []
    n = len(text)
    for i, f in enumerate(furniture or []):
        phrase = str(f.get("phrase") or "")
        for k, start in enumerate(f.get("starts") or []):
            if start is None:
                continue
            a, b = max(0, min(int(start), n)), max(0, min(int(start) + len(phrase), n))
            if b > a:
                marks.append(Mark("furn", a, b, f"furn-{i}-{k}",
                                  f"page furniture ({f.get('rule')}): template line, "
                                  f"not counted as manipulation: {phrase}"))
    return marks
