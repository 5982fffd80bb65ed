"""The headline page: the few strongest findings of a corpus, each with its evidence link.

Why a separate page: a reader with no time for the whole report must see at once
where the story is (what was copied from whom, which accounts act together, which
sources carry the most signals, which techniques a source uses more than the
corpus does). Every figure here is a count the other views also show, with the
coverage it rests on beside it; nothing here is a verdict. The queries are
aggregates over indexed columns, so the page costs the same at a million documents.
"""

from __future__ import annotations

from typing import Any

from ..corpus import one
from .queries import FINGERPRINT_KINDS, CorpusQueries, q, rows

TOP = 5
MIN_SOURCE_DOCS = 3   # a source with fewer analysed documents gives no over-representation
MIN_HITS = 2          # ... nor does a technique it used in fewer documents
MIN_RATIO = 1.5


def _coverage_note(qs: CorpusQueries) -> dict[str, Any]:
    """How many documents the technique model read, and how many are undated."""
    out: dict[str, Any] = {"documents": 0, "analysed": None, "undated": 0}
    if not qs.has("documents"):
        return out
    out["documents"], out["undated"] = one(qs.cur.execute(
        "SELECT count(*), count(*) FILTER (WHERE published IS NULL) FROM documents"))
    if "coverage" in qs.schema.columns:
        row = one(qs.cur.execute("SELECT count(*) FILTER (WHERE status = 'analysed'), "
                                 "count(*) FILTER (WHERE status = 'low confidence'), count(*) "
                                 "FROM coverage WHERE analysis = 'techniques'"))
        if row[2]:
            out["analysed"], out["low_confidence"] = row[0] + row[1], row[1]
    return out


def top_reuse(qs: CorpusQueries, limit: int = TOP) -> list[dict[str, Any]] | None:
    """The largest reuse clusters with their earliest dated copy and how many are undated."""
    if not qs.has("reuse_clusters"):
        return None
    pub = qs.schema.col("reuse_clusters", "published")
    return rows(qs.cur, f"""
        WITH m AS (SELECT c.cluster_id, c.doc_id, coalesce(c.{pub}, d.published) AS published,
                          d.source, left(coalesce(d.title, d.text), 100) AS title
                   FROM reuse_clusters c JOIN documents d USING (doc_id))
        SELECT cluster_id, count(*) AS copies, count(DISTINCT source) AS sources,
               count(*) FILTER (WHERE published IS NULL) AS undated,
               arg_min(source, published) AS earliest_source,
               arg_min(doc_id, published) AS earliest_doc,
               arg_min(title, published) AS earliest_title,
               min(published) AS first, max(published) AS last
        FROM m GROUP BY cluster_id ORDER BY copies DESC, sources DESC, cluster_id LIMIT ?""",
                [limit])


def top_groups(qs: CorpusQueries, limit: int = TOP) -> list[dict[str, Any]] | None:
    """The largest coordinated groups, their dominant kind and the items they shared most."""
    if not qs.has("communities"):
        return None
    dom = qs.schema.col("communities", "dominant_kind")
    groups = rows(qs.cur, f"""
        SELECT community_id, count(DISTINCT source) AS size, any_value({dom}) AS kind,
               list(DISTINCT source ORDER BY source)[:8] AS members
        FROM communities GROUP BY community_id
        ORDER BY size DESC, community_id LIMIT ?""", [limit])
    has_ev = qs.has("coordination_evidence") or (
        "coordination_evidence" in qs.schema.columns
        and {"source_a", "source_b", "item", "kind"} <= qs.schema.columns["coordination_evidence"])
    readings = qs.readings()  # the caveats go where the group is named, here too
    for g in groups:
        g["shared"], g["coactions"] = [], None
        g["readings"] = readings.get(g["community_id"], [])
        if not has_ev:
            continue
        ev = rows(qs.cur, """
            WITH m AS (SELECT source FROM communities WHERE community_id = ?)
            SELECT kind, item, count(*) AS n FROM coordination_evidence
            WHERE source_a IN (SELECT source FROM m) AND source_b IN (SELECT source FROM m)
            GROUP BY ALL ORDER BY n DESC, item LIMIT 4""", [g["community_id"]])
        g["shared"] = ev
        g["coactions"] = one(qs.cur.execute("""
            WITH m AS (SELECT source FROM communities WHERE community_id = ?)
            SELECT count(*) FROM coordination_evidence
            WHERE source_a IN (SELECT source FROM m) AND source_b IN (SELECT source FROM m)""",
                                            [g["community_id"]]))[0]
    return groups


def top_signal_sources(qs: CorpusQueries, limit: int = TOP) -> list[dict[str, Any]] | None:
    """Sources whose documents carry the most manipulation signals (per document).

    Signals: technique spans, stuffed phrases and operator fingerprints (tracking
    IDs, wallets, donation handles, channels). Ranked by signals per document among
    sources with at least ``MIN_SOURCE_DOCS`` documents, so one loud post does not lead.
    """
    parts = []
    if qs.has("spans"):
        parts.append("SELECT doc_id, count(*) AS spans, 0 AS phrases, 0 AS ids FROM spans "
                     "GROUP BY doc_id")
    if qs.has("repetitions"):
        parts.append("SELECT doc_id, 0 AS spans, count(*) AS phrases, 0 AS ids FROM repetitions "
                     "GROUP BY doc_id")
    if qs.has("doc_references"):
        kinds = ", ".join(f"'{k}'" for k in FINGERPRINT_KINDS)
        parts.append(f"SELECT doc_id, 0 AS spans, 0 AS phrases, count(*) AS ids FROM {q('doc_references')} "
                     f"WHERE kind IN ({kinds}) GROUP BY doc_id")
    if not parts or not qs.has("documents"):
        return None
    union = " UNION ALL ".join(parts)
    return rows(qs.cur, f"""
        WITH f AS (SELECT doc_id, sum(spans) AS spans, sum(phrases) AS phrases, sum(ids) AS ids
                   FROM ({union}) GROUP BY doc_id),
             s AS (SELECT d.source, count(*) AS documents,
                          count(f.doc_id) AS flagged, coalesce(sum(f.spans), 0) AS spans,
                          coalesce(sum(f.phrases), 0) AS phrases, coalesce(sum(f.ids), 0) AS ids
                   FROM documents d LEFT JOIN f USING (doc_id) GROUP BY d.source)
        SELECT *, (spans + phrases + ids) / documents AS per_doc FROM s
        WHERE documents >= ? AND flagged > 0
        ORDER BY per_doc DESC, flagged DESC, source LIMIT ?""", [MIN_SOURCE_DOCS, limit])


def over_represented(qs: CorpusQueries, limit: int = 8, source: str | None = None,
                     min_ratio: float = MIN_RATIO,
                     min_hits: int = MIN_HITS) -> list[dict[str, Any]] | None:
    """Techniques a source's documents show more often than the corpus' analysed documents.

    Rates are over documents the technique model read (its coverage), with the raw
    counts beside them: a rate, never a verdict on the source.
    """
    if not qs.has("spans") or not qs.has("documents"):
        return None
    analysed = ("SELECT doc_id FROM coverage WHERE analysis = 'techniques' "
                "AND status IN ('analysed', 'low confidence')"
                if "coverage" in qs.schema.columns else "SELECT doc_id FROM documents")
    return rows(qs.cur, f"""
        WITH a AS (SELECT d.doc_id, d.source FROM documents d SEMI JOIN ({analysed}) x USING (doc_id)),
             n_src AS (SELECT source, count(*) AS n FROM a GROUP BY source),
             n_all AS (SELECT count(*) AS n FROM a),
             hit AS (SELECT DISTINCT sp.doc_id, sp.technique, a.source
                     FROM spans sp JOIN a USING (doc_id)),
             k_src AS (SELECT source, technique, count(*) AS k FROM hit GROUP BY ALL),
             k_all AS (SELECT technique, count(*) AS k FROM hit GROUP BY technique)
        SELECT ks.source, ks.technique, ks.k AS source_docs, ns.n AS source_total,
               ka.k AS corpus_docs, na.n AS corpus_total,
               (ks.k / ns.n) / (ka.k / na.n) AS ratio
        FROM k_src ks JOIN n_src ns USING (source) JOIN k_all ka USING (technique), n_all na
        WHERE ns.n >= ? AND ks.k >= ? AND (ks.k / ns.n) / (ka.k / na.n) >= ?
          AND ns.n < na.n {"AND ks.source = ?" if source is not None else ""}
        ORDER BY ratio DESC, source_docs DESC, ks.source, ks.technique LIMIT ?""",
                [MIN_SOURCE_DOCS, min_hits, min_ratio, *([source] if source is not None else []),
                 limit])


def findings(qs: CorpusQueries) -> dict[str, Any]:
    """Everything the headline page shows (``None`` per block: that stage did not run)."""
    return {"reuse": top_reuse(qs), "reuse_total": qs.reuse_count(),
            "groups": top_groups(qs),
            "groups_total": (one(qs.cur.execute("SELECT count(DISTINCT community_id) "
                                                "FROM communities"))[0]
                             if qs.has("communities") else None),
            "signal_sources": top_signal_sources(qs), "over": over_represented(qs),
            "coverage": _coverage_note(qs)}
