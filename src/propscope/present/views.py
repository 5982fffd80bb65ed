"""View models: query results shaped for the templates, shared by report and app.

The report and the web app render the same sections; this module turns the
answers of :mod:`propscope.present.queries` into what those sections display
(charts already drawn, documents already highlighted).
"""

from __future__ import annotations

from typing import Any

from . import charts
from .furniture_view import document_furniture, furniture_marks
from .html import (
    Palette,
    build_marks,
    confidence_words,
    definitions,
    highlight,
    shown_confidence,
    technique_colour,
)
from .queries import CorpusQueries

LIST_CAP = 300   # rows per findings table on one document's page
MARK_CAP = 1500  # findings highlighted in one document's text


def palette_for(qs: CorpusQueries) -> Palette:
    return Palette(qs.technique_families())


def techniques_view(qs: CorpusQueries, palette: Palette, top_sources: int = 15) -> dict[str, Any]:
    table = qs.techniques()
    coverage = qs.coverage()
    if table is None:
        return {"table": None, "coverage": coverage}
    by_source = qs.techniques_by_source(top_sources) or []
    unit, over_time = qs.techniques_over_time() or ("month", [])
    families = sorted({r["family"] for r in by_source} | {r["family"] for r in table})
    return {"table": table, "coverage": coverage, "top_sources": top_sources, "unit": unit,
            "legend": charts.legend(families, palette),
            "by_source": charts.stacked_bars_by_source(by_source, palette),
            "over_time": charts.bars_over_time(over_time, unit, palette)}


def signals_view(qs: CorpusQueries, limit: int = 20) -> dict[str, Any]:
    return {"phrases": qs.top_phrases(limit), "tracking": qs.shared_tracking_ids(limit),
            "embedded": qs.embedded_by_handle(limit)}


def clusters_view(qs: CorpusQueries, limit: int = 20, offset: int = 0,
                  source: str | None = None,
                  cluster_ids: list[Any] | None = None) -> list[dict[str, Any]] | None:
    clusters = qs.reuse_clusters(limit, offset, source, cluster_ids)
    for c in clusters or []:
        c["timeline"] = charts.reuse_timeline(c["members"])
    return clusters


def document_view(qs: CorpusQueries, doc_id: str, palette: Palette) -> dict[str, Any] | None:
    """One document with its findings and its text highlighted."""
    doc = qs.document(doc_id)
    if doc is None:
        return None
    spans = qs.document_spans(doc_id)
    for s in spans or []:  # what the span table and the slider read (calibrated when shipped)
        s["shown_confidence"], s["confidence_words"] = shown_confidence(s), confidence_words(s)
    refs = qs.document_references(doc_id)
    reps = qs.document_repetitions(doc_id)
    text = doc.get("text") or ""
    # A hostile document can hold hundreds of thousands of findings: the page shows the
    # first ones and says how many there are (all rows are in the exports), so its size
    # stays near the text's own (a 1 MB page of links once rendered as 77 MB).
    furniture = document_furniture(qs, doc_id)
    totals = {k: None if rows is None else len(rows)
              for k, rows in (("spans", spans), ("refs", refs), ("reps", reps),
                              ("furniture", furniture))}
    marks = build_marks(text, spans, refs, reps, palette) + furniture_marks(text, furniture)
    legend = technique_legend(spans or [])
    marks_capped = len(marks) > MARK_CAP
    if marks_capped:  # keep the marks nearest the start, where a reader begins
        marks = sorted(marks, key=lambda mk: mk.start)[:MARK_CAP]
    spans, refs, reps, furniture = (None if rows is None else rows[:LIST_CAP]
                                    for rows in (spans, refs, reps, furniture))
    return {"doc": doc, "spans": spans, "refs": refs, "reps": reps, "furniture": furniture,
            "totals": totals,
            "list_cap": LIST_CAP, "marks_capped": marks_capped,
            "mark_cap": MARK_CAP, "legend": legend,
            "labels_caveat": label_caveats(qs.document_labels(doc_id)),
            "labels": qs.document_labels(doc_id), "reuse": qs.document_reuse(doc_id),
            "coverage": qs.document_coverage(doc_id),
            "occurrences": qs.document_occurrences(doc_id), "html": highlight(text, marks)}


def technique_legend(spans: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One legend row per technique in a document: colour (fixed by the taxonomy), count,
    lowest and highest confidence (calibrated when the model ships a map), and the
    definition shown on hover."""
    defs = definitions()
    out: dict[str, dict[str, Any]] = {}
    for s in spans:
        t = str(s["technique"])
        row = out.setdefault(t, {"technique": t, "family": s.get("family"), "n": 0,
                                 "colour": technique_colour(t), "definition": defs.get(t, ""),
                                 "min": None, "max": None})
        row["n"] += 1
        c = shown_confidence(s)
        if c is not None:
            row["min"] = c if row["min"] is None else min(row["min"], c)
            row["max"] = c if row["max"] is None else max(row["max"], c)
    return sorted(out.values(), key=lambda r: (-r["n"], r["technique"]))


#: Article-level labels are estimates of the whole text, not facts: what to say beside them.
LABEL_CAVEATS = {
    "genre": "article-level estimate of the whole article's genre by a model trained on news "
             "articles, with its confidence; below a calibrated confidence it says 'uncertain' "
             "instead of guessing (ordinary reporting used to be read as satire)",
    "framing": "article-level estimates of the frames the article uses, with their confidence "
               "(several per article is normal); a frame is a topic angle, not a manipulation signal",
}


def label_caveats(labels: list[dict[str, Any]] | None) -> dict[str, str]:
    """The caveat for each article-level task present in ``labels``."""
    return {t: LABEL_CAVEATS[t] for t in {lb["task"] for lb in labels or []} if t in LABEL_CAVEATS}
