"""Shared-infrastructure edges: sources tied by a rare operator fingerprint.

Why a separate kind of edge: two sites that print the same donation wallet, the same
analytics ID or the same Telegram channel are likely run by one operator whatever
their timing, so this is not a co-action and gets no chance test in time. What makes
it evidence is *rarity*: a value many sources carry (a common analytics vendor's
default ID, a big platform's payment page) says nothing about who runs a site.

**Rule.** For every fingerprint kind in :data:`INFRASTRUCTURE_KINDS` (reference rows
of ``references``, by their normalised value), the sources (``source``, else
``author``, per occurrence of a document) holding each value are counted. A value
held by at least 2 and at most :data:`MAX_SOURCES` sources ties every pair of them;
a value held by more is left out and counted (``values_capped``). The cost is at most
``MAX_SOURCES^2 / 2`` pairs per value.

**Output.** One ``coordination_edges`` row per pair with ``kind`` =
:data:`EDGE_KIND` (``weight``: distinct shared values; ``rarity``: the sum of
``1 / log2(1 + sources holding the value)``; no p-value: there is no chance model
here, and none is pretended), and one ``coordination_evidence`` row per pair and
value (``item`` is ``fingerprint_kind:value``, raw forms, the first document of each
source holding it, and ``item_sharers``: how many sources hold it). These edges are
shown in the network and exports; they do not make communities (groups are found
from co-actions only).

New fingerprint kinds join by name: add the reference kind to
:data:`INFRASTRUCTURE_KINDS`.
"""

from __future__ import annotations

import json
import math
from typing import Any

import pandas as pd

from ..analyze.references import FINGERPRINT_KINDS
from ..corpus import Corpus, one
from .coactions import OCCURRENCES_SQL

#: Reference kinds that are operator fingerprints: the references analyzer's own list,
#: so a kind it learns joins the network by name, with no second list to keep in step.
INFRASTRUCTURE_KINDS = FINGERPRINT_KINDS
#: A value held by more sources than this is not evidence (a vendor default, a platform).
MAX_SOURCES = 25
EDGE_KIND = "shared_infrastructure"
MAX_LISTED = 100  # values listed per edge in its ``items`` JSON

def infrastructure_evidence(corpus: Corpus, kinds: tuple[str, ...] = INFRASTRUCTURE_KINDS,
                            max_sources: int = MAX_SOURCES) -> tuple[pd.DataFrame, dict[str, int]]:
    """One row per (pair of sources, shared rare fingerprint), and counts for the summary."""
    stats = {"values_shared": 0, "values_capped": 0}
    if not corpus.has_table("doc_references") or not kinds:
        return pd.DataFrame(), stats
    marks = ", ".join("?" for _ in kinds)
    con = corpus.con
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _infra_firsts AS
        WITH occ AS ({OCCURRENCES_SQL}),
        fp AS (SELECT r.kind, coalesce(r.normalized, r.value) AS value, r.value AS raw,
                      o.actor, o.doc_id, o.t
               FROM doc_references r JOIN occ o USING (doc_id)
               WHERE r.kind IN ({marks}) AND o.actor IS NOT NULL AND r.value IS NOT NULL)
        SELECT kind, value, actor, arg_min(raw, t) AS raw, arg_min(doc_id, t) AS doc_id,
               min(t) AS t, count(DISTINCT doc_id) AS docs,
               count(*) OVER (PARTITION BY kind, value) AS sources
        FROM fp GROUP BY kind, value, actor""", list(kinds))
    shared, capped = one(con.execute(f"""
        SELECT count(DISTINCT (kind, value)) FILTER (WHERE sources BETWEEN 2 AND {int(max_sources)}),
               count(DISTINCT (kind, value)) FILTER (WHERE sources > {int(max_sources)})
        FROM _infra_firsts"""))
    stats["values_shared"], stats["values_capped"] = int(shared or 0), int(capped or 0)
    ev = con.execute(f"""
        SELECT a.actor AS source_a, b.actor AS source_b, a.kind AS fingerprint_kind,
               a.value, a.raw AS raw_a, b.raw AS raw_b, a.doc_id AS doc_a, b.doc_id AS doc_b,
               a.t AS time_a, b.t AS time_b, a.sources AS sources, a.docs AS docs_a,
               b.docs AS docs_b
        FROM _infra_firsts a JOIN _infra_firsts b
          ON a.kind = b.kind AND a.value = b.value AND a.actor < b.actor
        WHERE a.sources <= {int(max_sources)}
        ORDER BY source_a, source_b, fingerprint_kind, value""").df()
    con.execute("DROP TABLE IF EXISTS _infra_firsts")
    return ev, stats


def infrastructure_rows(ev: pd.DataFrame) -> tuple[list[dict[str, Any]], pd.DataFrame]:
    """``coordination_edges`` rows and ``coordination_evidence`` rows from the pairs."""
    if ev.empty:
        return [], pd.DataFrame()
    rows = []
    for (a, b), grp in ev.groupby(["source_a", "source_b"], sort=True):
        listed = [{"item": f"{r.fingerprint_kind}:{r.value}", "fingerprint_kind": r.fingerprint_kind,
                   "value": r.value, "raw_a": r.raw_a, "raw_b": r.raw_b,
                   "doc_a": r.doc_a, "doc_b": r.doc_b,
                   "time_a": r.time_a.isoformat() if pd.notna(r.time_a) else None,
                   "time_b": r.time_b.isoformat() if pd.notna(r.time_b) else None,
                   "sharers": int(r.sources)}
                  for r in grp.head(MAX_LISTED).itertuples(index=False)]
        times = pd.concat([grp["time_a"], grp["time_b"]]).dropna()
        rows.append({
            "source_a": a, "source_b": b, "kind": EDGE_KIND, "weight": len(grp),
            "first_seen": times.min() if len(times) else None,
            "last_seen": times.max() if len(times) else None,
            "items": json.dumps(listed, ensure_ascii=False), "expected": None,
            "p_value": None, "p_adjusted": None, "window_s": None, "score": None,
            "moments": int(grp["doc_a"].nunique()), "leader": None, "lead_share": None,
            "rarity": float(sum(1.0 / math.log2(1.0 + s) for s in grp["sources"])),
        })
    delay = (ev["time_b"] - ev["time_a"]).dt.total_seconds().abs()
    evidence = pd.DataFrame({
        "source_a": ev["source_a"], "source_b": ev["source_b"], "kind": EDGE_KIND,
        "item": ev["fingerprint_kind"] + ":" + ev["value"], "raw_a": ev["raw_a"],
        "raw_b": ev["raw_b"], "doc_a": ev["doc_a"], "doc_b": ev["doc_b"],
        "time_a": ev["time_a"], "time_b": ev["time_b"], "delay_s": delay,
        "item_sharers": ev["sources"].astype("int64"), "item_close_share": None,
        "item_close_sharers": None,
    })
    return rows, evidence
