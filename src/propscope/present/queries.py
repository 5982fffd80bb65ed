"""The read-only SQL behind every view, shared by the static report and the web app.

Why one module: the report and the app must show the same numbers, so both ask
the same questions here. Every query tolerates a stage that did not run (its
table is missing, or lacks a column): the answer is then ``None`` and the view
says "not computed" instead of failing. Extra columns are ignored.

The queries are grouped in modules, each over :class:`~.query_base.QueryBase`: this one
holds the corpus-wide ones (overview, techniques, signals, reuse, coordination),
:mod:`.query_documents` those of one document's page; :class:`CorpusQueries` has them all.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..corpus import one
from ..tables import READINGS_VERSION
from .query_base import FINGERPRINT_KINDS, REQUIRED, QueryBase, Schema, jsonish, q, rows
from .query_documents import DocumentQueries

__all__ = ["FINGERPRINT_KINDS", "REQUIRED", "CorpusQueries", "DocumentQueries", "QueryBase",
           "Schema", "q", "rows"]


#: Put before each reading an older version of the rules made (see ``readings``).
OLDER_READINGS = ("[Made by an older version of propscope's rules; `propscope link` on this "
                  "corpus makes them again.] ")


class CorpusQueries(DocumentQueries):
    """Named queries over one open DuckDB connection (corpus opened read-only).

    ``cur`` may be any cursor of that connection; the web app gives each worker
    thread its own cursor, the report uses the corpus connection directly.
    """

    # -- overview -----------------------------------------------------------
    def overview(self) -> dict[str, Any]:
        """Corpus totals: documents, sources, time span, quarantined records."""
        out: dict[str, Any] = {"documents": 0, "sources": 0, "first": None, "last": None,
                               "occurrences": None, "quarantined": None}
        if self.has("documents"):
            r = rows(self.cur, "SELECT count(*) AS documents, count(DISTINCT source) AS sources, "
                     "min(published) AS first, max(published) AS last FROM documents")[0]
            out.update(r)
        if "document_sources" in self.schema.columns:
            out["occurrences"] = one(self.cur.execute(
                "SELECT count(*) FROM document_sources"))[0]
        if self.has("quarantine"):
            out["quarantined"] = one(self.cur.execute("SELECT count(*) FROM quarantine"))[0]
        return out

    def stage_versions(self) -> dict[str, list[str]]:
        """Versions recorded by each stage (per-document and corpus-level), with coverage."""
        versions: dict[str, list[str]] = {}
        if "stage_done" in self.schema.columns:
            for stage, version, n in self.cur.execute(
                    "SELECT stage, version, count(*) FROM stage_done GROUP BY ALL ORDER BY ALL"
            ).fetchall():
                versions.setdefault(stage, []).append(f"{version} ({n:,} docs)")
        if "corpus_stages" in self.schema.columns:
            for stage, version, n in self.cur.execute(
                    "SELECT stage, version, documents FROM corpus_stages ORDER BY stage").fetchall():
                versions.setdefault(stage, []).append(f"{version} ({n or 0:,} docs)")
        return versions

    def computed(self) -> list[dict[str, Any]]:
        """One row per result table: computed or not, rows, and the models that wrote it."""
        labels = {
            "spans": "Technique spans", "doc_labels": "Document labels",
            "doc_references": "References (hashtags, links, posts, IDs)",
            "repetitions": "Repeated / stuffed phrases", "reuse_pairs": "Text reuse pairs",
            "reuse_clusters": "Text reuse clusters", "coordination_edges": "Coordination edges",
            "communities": "Communities",
        }
        out = []
        for table, label in labels.items():
            entry: dict[str, Any] = {"table": table, "label": label, "computed": self.has(table),
                                     "rows": None, "models": []}
            if entry["computed"]:
                entry["rows"] = one(self.cur.execute(f"SELECT count(*) FROM {q(table)}"))[0]
                if "model" in self.schema.columns[table]:
                    entry["models"] = [r[0] for r in self.cur.execute(
                        f"SELECT DISTINCT model FROM {q(table)} WHERE model IS NOT NULL "
                        "ORDER BY 1 LIMIT 5").fetchall()]
            out.append(entry)
        return out

    def runs(self, limit: int = 10) -> list[dict[str, Any]] | None:
        if not self.has("runs"):
            return None
        return rows(self.cur, "SELECT run_id, started, finished, command, status FROM runs "
                    "ORDER BY started DESC NULLS LAST LIMIT ?", [limit])

    # -- techniques -----------------------------------------------------------
    def technique_families(self) -> list[str]:
        if not self.has("spans"):
            return []
        fam = self.schema.col("spans", "family", "'(no family)'")
        return [r[0] for r in self.cur.execute(
            f"SELECT DISTINCT coalesce({fam}, '(no family)') FROM spans ORDER BY 1").fetchall()]

    def techniques(self) -> list[dict[str, Any]] | None:
        """Each technique with its family, span count, documents and mean confidence."""
        if not self.has("spans"):
            return None
        fam = self.schema.col("spans", "family", "NULL")
        conf = self.schema.col("spans", "confidence", "NULL")
        return rows(self.cur, f"SELECT technique, coalesce(any_value({fam}), '(no family)') AS family, "
                    f"count(*) AS spans, count(DISTINCT doc_id) AS documents, "
                    f"avg({conf}) AS confidence FROM spans GROUP BY technique "
                    "ORDER BY spans DESC, technique")

    def techniques_by_source(self, top_sources: int = 15) -> list[dict[str, Any]] | None:
        """Span counts per (source, family) for the sources with most spans."""
        if not self.has("spans"):
            return None
        fam = self.schema.col("spans", "family", "NULL")
        return rows(self.cur, f"""
            WITH s AS (SELECT coalesce(d.source, '(unknown)') AS source,
                              coalesce({fam}, '(no family)') AS family
                       FROM spans sp JOIN documents d USING (doc_id)),
                 top AS (SELECT source FROM s GROUP BY source ORDER BY count(*) DESC, source LIMIT ?)
            SELECT source, family, count(*) AS n FROM s SEMI JOIN top USING (source)
            GROUP BY ALL ORDER BY source, family""", [top_sources])

    def techniques_over_time(self) -> tuple[str, list[dict[str, Any]]] | None:
        """Span counts per (period, family); the period adapts to the corpus' time span."""
        if not self.has("spans"):
            return None
        span = one(self.cur.execute("SELECT min(published), max(published) FROM documents"))
        if span[0] is None:
            return ("month", [])
        days = (span[1] - span[0]).days
        unit = "day" if days <= 62 else "week" if days <= 730 else "month"
        fam = self.schema.col("spans", "family", "NULL")
        return unit, rows(self.cur, f"""
            SELECT date_trunc('{unit}', d.published)::DATE AS period,
                   coalesce({fam}, '(no family)') AS family, count(*) AS n
            FROM spans sp JOIN documents d USING (doc_id)
            WHERE d.published IS NOT NULL GROUP BY ALL ORDER BY period, family""")

    # -- text manipulation signals -----------------------------------------------
    def top_phrases(self, limit: int = 20) -> list[dict[str, Any]] | None:
        """The most stuffed phrases: total repetitions, documents and sources they occur in."""
        if not self.has("repetitions"):
            return None
        score = self.schema.col("repetitions", "score", "NULL")
        return rows(self.cur, f"""
            SELECT r.phrase, sum(r.count) AS occurrences, count(DISTINCT r.doc_id) AS documents,
                   count(DISTINCT d.source) AS sources, max(r.count) AS max_in_doc,
                   max({score}) AS score, min(r.doc_id) AS example_doc
            FROM repetitions r LEFT JOIN documents d USING (doc_id)
            GROUP BY r.phrase ORDER BY occurrences DESC, r.phrase LIMIT ?""", [limit])

    def shared_tracking_ids(self, limit: int = 20) -> list[dict[str, Any]] | None:
        """Operator fingerprints seen on more than one source: tracking (analytics/ad) IDs,
        cryptocurrency addresses, donation handles and messaging channels."""
        if not self.has("doc_references"):
            return None
        norm = self.schema.col("doc_references", "normalized", "NULL")
        return rows(self.cur, f"""
            SELECT coalesce(r.{norm}, r.value) AS identifier, any_value(r.kind) AS kind,
                   count(DISTINCT d.source) AS sources, count(DISTINCT r.doc_id) AS documents,
                   list(DISTINCT d.source ORDER BY d.source)[:8] AS source_list
            FROM {q('doc_references')} r JOIN documents d USING (doc_id)
            WHERE r.kind IN ({", ".join(f"'{k}'" for k in FINGERPRINT_KINDS)})
            GROUP BY 1 HAVING count(DISTINCT d.source) > 1
            ORDER BY sources DESC, documents DESC, identifier LIMIT ?""", [limit])

    def embedded_by_handle(self, limit: int = 20) -> list[dict[str, Any]] | None:
        """Embedded social-media posts grouped by the account that posted them."""
        if not self.has("doc_references"):
            return None
        handle = self.schema.col("doc_references", "handle", "NULL")
        return rows(self.cur, f"""
            SELECT coalesce(r.{handle}, '(unknown)') AS handle, count(*) AS posts,
                   count(DISTINCT r.doc_id) AS documents, count(DISTINCT d.source) AS sources
            FROM {q('doc_references')} r LEFT JOIN documents d USING (doc_id)
            WHERE r.kind = 'embedded_post' GROUP BY 1 ORDER BY posts DESC, handle LIMIT ?""",
                    [limit])

    def reference_kinds(self) -> list[dict[str, Any]] | None:
        if not self.has("doc_references"):
            return None
        return rows(self.cur, f"SELECT kind, count(*) AS n, count(DISTINCT doc_id) AS documents "
                    f"FROM {q('doc_references')} GROUP BY kind ORDER BY n DESC")

    # -- reuse ----------------------------------------------------------------------
    def reuse_clusters(self, limit: int = 20, offset: int = 0, source: str | None = None,
                       cluster_ids: Sequence[Any] | None = None) -> list[dict[str, Any]] | None:
        """Reuse clusters, biggest first, each with members ordered earliest first.

        ``cluster_ids`` (already in display order) skips choosing them: the web app
        reads a source's clusters from its side index instead of scanning documents.
        """
        if not self.has("reuse_clusters"):
            return None
        t = "reuse_clusters"
        cpub = self.schema.col(t, "published")
        delay = self.schema.col(t, "delay_s", "NULL")
        early = self.schema.col(t, "is_earliest", "NULL")
        where = ("WHERE cluster_id IN (SELECT cluster_id FROM reuse_clusters WHERE doc_id IN "
                 "(SELECT doc_id FROM documents WHERE source = ?))") if source else ""
        params: list[Any] = [source] if source else []
        ids = list(cluster_ids) if cluster_ids is not None else [r[0] for r in self.cur.execute(
            f"SELECT cluster_id FROM reuse_clusters {where} GROUP BY cluster_id "
            "ORDER BY count(*) DESC, cluster_id LIMIT ? OFFSET ?", [*params, limit, offset]).fetchall()]
        if not ids:
            return []
        members = rows(self.cur, f"""
            SELECT cluster_id, doc_id, {cpub} AS published, {delay} AS delay_s,
                   {early} AS is_earliest FROM reuse_clusters
            WHERE cluster_id IN ({', '.join('?' * len(ids))})""", ids)
        # Document details by an explicit ID list: DuckDB answers it from the primary-key
        # index instead of joining (and reading the text of) every document.
        doc_ids = sorted({m["doc_id"] for m in members})
        info = {r["doc_id"]: r for r in rows(self.cur, f"""
            SELECT doc_id, source, published, left(coalesce(title, text), 120) AS title
            FROM documents WHERE doc_id IN ({', '.join('?' * len(doc_ids))})""", doc_ids)}
        for m in members:
            d = info.get(m["doc_id"], {})
            m["source"], m["title"] = d.get("source"), d.get("title")
            m["published"] = m["published"] or d.get("published")
        members.sort(key=lambda m: (m["cluster_id"], m["published"] is None,
                                    m["published"] or 0, m["doc_id"]))
        by_id: dict[Any, list[dict[str, Any]]] = {i: [] for i in ids}
        for m in members:
            by_id[m["cluster_id"]].append(m)
        out = []
        for cid in ids:
            ms = by_id[cid]
            first = ms[0]["published"] if ms else None
            for m in ms:
                if m["delay_s"] is None and first is not None and m["published"] is not None:
                    m["delay_s"] = (m["published"] - first).total_seconds()
            out.append({"cluster_id": cid, "members": ms, "size": len(ms),
                        "sources": len({m["source"] for m in ms})})
        return out

    def reuse_count(self) -> int | None:
        if not self.has("reuse_clusters"):
            return None
        return one(self.cur.execute("SELECT count(DISTINCT cluster_id) FROM reuse_clusters"))[0]

    # -- coordination ----------------------------------------------------------------
    def network(self, max_edges: int = 400, source: str | None = None) -> dict[str, Any] | None:
        """The strongest coordination edges and their sources, with community labels."""
        if not self.has("coordination_edges"):
            return None
        t = "coordination_edges"
        first = self.schema.col(t, "first_seen")
        last = self.schema.col(t, "last_seen")
        items = self.schema.col(t, "items")
        where = "WHERE source_a = ? OR source_b = ?" if source else ""
        edges = rows(self.cur, f"""
            SELECT source_a, source_b, kind, weight, {first} AS first_seen, {last} AS last_seen,
                   {items} AS items FROM coordination_edges {where}
            ORDER BY weight DESC, source_a, source_b, kind LIMIT ?""",
                     [*([source, source] if source else []), max_edges])
        comm: dict[str, Any] = {}
        if self.has("communities"):
            comm = dict(self.cur.execute("SELECT source, community_id FROM communities").fetchall())
        nodes: dict[str, dict[str, Any]] = {}
        for e in edges:
            e["items"] = jsonish(e["items"])
            if isinstance(e["items"], list):
                e["items"] = e["items"][:10]
            for s in (e["source_a"], e["source_b"]):
                n = nodes.setdefault(s, {"id": s, "community": comm.get(s), "degree": 0,
                                         "weight": 0.0})
                n["degree"] += 1
                n["weight"] += float(e["weight"] or 0)
        total = one(self.cur.execute("SELECT count(*) FROM coordination_edges"))[0]
        return {"nodes": list(nodes.values()), "edges": edges, "total_edges": total,
                "coverage": self.coordination_coverage()}

    def coordination_coverage(self) -> dict[str, Any] | None:
        """What the last coordination run used and left out (``coordination_state``)."""
        if not self.has("coordination_state"):
            return None
        got = self.cur.execute(
            "SELECT value FROM coordination_state WHERE key = 'coverage'").fetchone()
        value = jsonish(got[0]) if got else None
        return value if isinstance(value, dict) else None

    def post_relations(self, limit: int = 200) -> list[dict[str, Any]] | None:
        """Reposts, quotes, replies and forwards between accounts, most frequent first."""
        if not self.has("post_relations"):
            return None
        return rows(self.cur, "SELECT source, target, platform, relation, posts, first_seen, "
                              "last_seen FROM post_relations ORDER BY posts DESC, source, target, "
                              "relation LIMIT ?", [limit])

    def readings(self) -> dict[str, list[dict[str, Any]]]:
        """Per community: the benign shapes its evidence also fits (link/readings.py).

        Readings an older version of the rules stored (a corpus kept across an upgrade and only
        viewed since) are shown marked as such, with what remakes them: a view must not pass
        off a caveat the current rules may no longer find true, nor hide one silently."""
        if not self.has("community_readings"):
            return {}
        older = self._stored_readings_version() != READINGS_VERSION
        out: dict[str, list[dict[str, Any]]] = {}
        for r in rows(self.cur, "SELECT community_id, reading, detail, text "
                                "FROM community_readings ORDER BY community_id, reading"):
            if older:
                r["text"] = OLDER_READINGS + r["text"]
            out.setdefault(r["community_id"], []).append(r)
        return out

    def _stored_readings_version(self) -> str | None:
        if "coordination_state" not in self.schema.columns:
            return None
        got = self.cur.execute(
            "SELECT value FROM coordination_state WHERE key = 'readings'").fetchall()
        return got[0][0] if got else None

    def communities(self, limit: int = 50) -> list[dict[str, Any]] | None:
        """Communities, largest first, with members and the evidence that binds them."""
        if not self.has("communities"):
            return None
        ev = self.schema.col("communities", "evidence")
        out = rows(self.cur, f"""
            SELECT community_id, count(*) AS size, list(source ORDER BY source)[:30] AS members,
                   any_value({ev}) AS evidence
            FROM communities GROUP BY community_id ORDER BY size DESC, community_id LIMIT ?""",
                   [limit])
        strength = self.schema.col("communities", "strength")
        role = self.schema.col("communities", "role", "'core'")
        dominant = self.schema.col("communities", "dominant_kind")
        has_ev = self.has("coordination_evidence")
        readings = self.readings()
        for c in out:
            c["readings"] = readings.get(c["community_id"], [])
            c["evidence"] = jsonish(c["evidence"])
            extra = one(self.cur.execute(f"""
                SELECT any_value({dominant}),
                       list(struct_pack(source := source, strength := {strength},
                                        role := {role}) ORDER BY source)[:30]
                FROM communities WHERE community_id = ?""", [c["community_id"]]))
            c["dominant_kind"], c["roster"] = extra[0], extra[1]
            c["coactions"] = rows(self.cur, """
                SELECT e.time_a, e.source_a, e.source_b, e.kind, e.item, e.raw_a, e.delay_s,
                       e.item_sharers
                FROM coordination_evidence e
                WHERE e.source_a IN (SELECT source FROM communities WHERE community_id = ?)
                  AND e.source_b IN (SELECT source FROM communities WHERE community_id = ?)
                ORDER BY e.time_a, e.source_a, e.source_b LIMIT 12""",
                                 [c["community_id"], c["community_id"]]) if has_ev else []
        return out
