"""View models: query results shaped for the templates, shared by report and app.

The report and the web app render the same sections; this module turns the
answers of :mod:`propscope.present.queries` into what those sections display
(charts already drawn, documents already highlighted).
"""

from __future__ import annotations

from typing import Any

from . import charts
from .html import Palette, build_marks, highlight
from .queries import CorpusQueries


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
    refs = qs.document_references(doc_id)
    reps = qs.document_repetitions(doc_id)
    text = doc.get("text") or ""
    marks = build_marks(text, spans, refs, reps, palette)
    return {"doc": doc, "spans": spans, "refs": refs, "reps": reps,
            "labels": qs.document_labels(doc_id), "reuse": qs.document_reuse(doc_id),
            "coverage": qs.document_coverage(doc_id),
            "occurrences": qs.document_occurrences(doc_id), "html": highlight(text, marks)}
