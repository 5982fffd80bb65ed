"""Coordination: sources that act on the same items within seconds, beyond chance.

**Actions.** Every occurrence of a document (``document_sources``: the same text
posted by several sources appears once per source) is an action of its source
(the ``source`` column; ``author`` when there is no source) at its publication
time, on each item the document carries:

* ``url``: a link, by its normalised form (``references``);
* ``hashtag``: a hashtag, normalised;
* ``embedded_post``: an embedded social-media post;
* ``text``: near-identical text: the document's exact content (when it occurs more
  than once) and the reuse cluster its passages belong to (``reuse_clusters``).

**Co-actions.** Two sources co-act on an item when their actions on it fall within
the window (set with ``coordination_window_s`` or estimated, see :mod:`.window`).
Per pair of sources and kind, ``X`` = the number of distinct items they co-acted on.

**The chance test.** The null hypothesis keeps *which* items every source acted on
(so an item's popularity is what it is) and makes *when* random: action times are
exchangeable across all actions of that kind (a global time permutation, which
keeps the corpus's own rhythm of busy days and quiet nights). Two actions then
fall within the window with probability ``q``, measured exactly on the data:
the fraction of pairs of action times, over all actions of the kind, that lie
within the window of each other. For a pair of sources that acted ``c_u`` and
``c_v`` times on each of their common items, the expected number of co-actions
is ``lambda = q * sum(c_u * c_v)`` and ``X`` is compared with a Poisson(lambda)
law: ``p = P(X >= x)``. A popular link shared by many sources at random times is
co-shared by many pairs, but rarely within seconds, so it ties nobody; the same
few sources posting the same items within seconds, again and again, is not
chance. An edge is kept when ``p`` times the number of source pairs at risk for
that kind is at most ``ALPHA`` (Bonferroni over every pair that shares at least
one item, see :func:`pairs_at_risk`): a single co-share is enough only when the
corpus is such that even one such coincidence is unexpected anywhere.

**Communities** are found with the Leiden algorithm (leidenalg over igraph,
modularity, fixed seed) on the kept edges, weighted by co-actions; every member
comes with its evidence: the items it shared with other members, with times.
"""

from __future__ import annotations

import json
import math
import time
from collections import defaultdict
from typing import Any

import igraph as ig
import leidenalg
import numpy as np
import pandas as pd
import pyarrow as pa

from ..corpus import Corpus
from ..settings import Settings
from .timing import StepTimer
from .window import estimate_window

STAGE = "coordination"
VERSION = "1"
ALPHA = 0.05
MAX_ITEMS = 100  # shared items listed per edge / per community member
KINDS = ("url", "hashtag", "embedded_post")
_TS = pa.timestamp("us", tz="UTC")

EDGES_SCHEMA = pa.schema([
    ("source_a", pa.string()), ("source_b", pa.string()), ("kind", pa.string()),
    ("weight", pa.int64()), ("first_seen", _TS), ("last_seen", _TS), ("items", pa.string()),
    ("expected", pa.float64()), ("p_value", pa.float64()), ("p_adjusted", pa.float64()),
    ("window_s", pa.float64()), ("run_id", pa.string()),
])
COMMUNITIES_SCHEMA = pa.schema([
    ("community_id", pa.string()), ("source", pa.string()), ("size", pa.int64()),
    ("evidence", pa.string()), ("run_id", pa.string()),
])


def poisson_sf(x: int, lam: float) -> float:
    """P(X >= x) for X ~ Poisson(lam), accurate in the far tail (no 1 - sum cancellation)."""
    if x <= 0:
        return 1.0
    if lam <= 0:
        return 0.0
    if lam >= x:
        below = sum(math.exp(-lam + k * math.log(lam) - math.lgamma(k + 1)) for k in range(x))
        return max(0.0, 1.0 - below)
    total = 0.0
    for k in range(x, x + 400):
        term = math.exp(-lam + k * math.log(lam) - math.lgamma(k + 1))
        total += term
        if term < total * 1e-16:
            break
    return min(1.0, total)


# -- events ---------------------------------------------------------------------
def _build_events(corpus: Corpus) -> None:
    con = corpus.con
    parts = []
    if corpus.has_table("references"):
        kinds = ", ".join(f"'{k}'" for k in KINDS)
        parts.append(f"""SELECT o.actor, r.kind, coalesce(r.normalized, r.value) AS item, o.t
            FROM "references" r JOIN occ o USING (doc_id) WHERE r.kind IN ({kinds})""")
    # Every occurrence is an action on its exact text, repeated or not: texts posted once
    # still count towards each source's activity and the total the chance test divides by.
    parts.append("SELECT o.actor, 'text', 'doc:' || o.doc_id, o.t FROM occ o")
    if corpus.has_table("reuse_clusters"):
        parts.append("""SELECT o.actor, 'text', 'reuse:' || c.cluster_id, o.t
            FROM (SELECT DISTINCT cluster_id, doc_id FROM reuse_clusters) c JOIN occ o USING (doc_id)""")
    con.execute("DROP TABLE IF EXISTS _coord_events")
    con.execute(f"""
        CREATE TEMP TABLE _coord_events AS
        WITH occ AS (
            SELECT doc_id, coalesce(source, author) AS actor, published AS t FROM document_sources
            UNION ALL
            SELECT d.doc_id, coalesce(d.source, d.author), d.published
            FROM documents d ANTI JOIN document_sources s USING (doc_id)
        )
        SELECT DISTINCT * FROM ({' UNION ALL '.join(parts)}) e(actor, kind, item, t)
        WHERE actor IS NOT NULL AND t IS NOT NULL AND item IS NOT NULL
    """)


def _co_actions(corpus: Corpus, window_s: float) -> pd.DataFrame:
    """Closest in-window co-action per (kind, item, pair of sources)."""
    w = float(window_s)
    return corpus.con.execute(f"""
        WITH e AS (
            SELECT actor, kind, item, t, epoch(t) AS s,
                   CAST(floor(epoch(t) / {w}) AS BIGINT) AS bucket FROM _coord_events
        ), shifted AS (
            SELECT e.*, e.bucket + d.d AS nb FROM e, (VALUES (-1), (0), (1)) d(d)
        ), j AS (
            SELECT x.kind, x.item, x.actor AS a, y.actor AS b, x.t AS ta, y.t AS tb,
                   abs(x.s - y.s) AS dt
            FROM shifted x JOIN e y
              ON x.kind = y.kind AND x.item = y.item AND x.nb = y.bucket AND x.actor < y.actor
            WHERE abs(x.s - y.s) <= {w}
        )
        -- Ties in dt (an item shared again and again) are broken on (ta, tb) so the same
        -- co-action is chosen whatever the row order (engine, resumed run): same exports.
        SELECT kind, item, a, b, arg_min(ta, (dt, ta, tb)) AS ta, arg_min(tb, (dt, ta, tb)) AS tb,
               min(dt) AS dt
        FROM j GROUP BY kind, item, a, b
    """).df()


def _degrees(corpus: Corpus) -> tuple[pd.DataFrame, pd.DataFrame]:
    con = corpus.con
    items = con.execute("SELECT kind, item, count(DISTINCT actor) AS n FROM _coord_events "
                        "GROUP BY kind, item").df()
    actors = con.execute("SELECT kind, actor, count(DISTINCT item) AS d FROM _coord_events "
                         "GROUP BY kind, actor").df()
    return items, actors


def time_overlap(times: np.ndarray, window_s: float) -> float:
    """Fraction of pairs of ``times`` (epoch seconds) at most ``window_s`` apart: exact, O(n log n)."""
    n = len(times)
    if n < 2:
        return 0.0
    t = np.sort(times)
    hi = np.searchsorted(t, t + window_s, side="right")
    close = int((hi - np.arange(n) - 1).sum())  # pairs (i < j) with t_j - t_i <= window
    return close / (n * (n - 1) / 2)


def _overlaps(corpus: Corpus, window_s: float) -> dict[str, float]:
    out = {}
    for (kind,) in corpus.con.execute("SELECT DISTINCT kind FROM _coord_events").fetchall():
        times = corpus.con.execute("SELECT epoch(t) FROM _coord_events WHERE kind = ?",
                                   [kind]).fetchnumpy()["epoch(t)"]
        out[kind] = time_overlap(np.asarray(times, dtype=np.float64), window_s)
    return out


def _shared(corpus: Corpus, co: pd.DataFrame) -> pd.DataFrame:
    """For each co-acting pair: sum over their common items of (actions of a) * (actions of b)."""
    if co.empty:
        return pd.DataFrame(columns=["kind", "a", "b", "shared"])
    tested = co[["kind", "a", "b"]].drop_duplicates()
    con = corpus.con
    con.register("_tested", tested)
    try:
        # Two materialised steps, each one join on its full key: as one query the
        # planner sometimes joined the per-actor counts with each other before the
        # tested pairs (53 s instead of under 1 s at 1M documents, depending on
        # what ran before it in the process).
        con.execute("""
            CREATE OR REPLACE TEMP TABLE _coord_counts AS
            SELECT kind, actor, item, count(*) AS k FROM _coord_events e
            WHERE EXISTS (SELECT 1 FROM _tested p WHERE p.kind = e.kind
                          AND (p.a = e.actor OR p.b = e.actor))
            GROUP BY kind, actor, item""")
        con.execute("""
            CREATE OR REPLACE TEMP TABLE _coord_left AS
            SELECT p.kind, p.a, p.b, x.item, x.k
            FROM _tested p JOIN _coord_counts x ON x.kind = p.kind AND x.actor = p.a""")
        out = con.execute("""
            SELECT l.kind, l.a, l.b, sum(l.k * y.k) AS shared
            FROM _coord_left l
            JOIN _coord_counts y ON y.kind = l.kind AND y.actor = l.b AND y.item = l.item
            GROUP BY l.kind, l.a, l.b""").df()
    finally:
        con.unregister("_tested")
        con.execute("DROP TABLE IF EXISTS _coord_counts")
        con.execute("DROP TABLE IF EXISTS _coord_left")
    return out


# -- the test -------------------------------------------------------------------
def pairs_at_risk(items: pd.DataFrame, actors: pd.DataFrame) -> dict[str, float]:
    """Per kind, how many source pairs are tested: an upper bound on the pairs sharing an item.

    A pair that never acted on a common item cannot co-act, so its smallest attainable
    p-value is 1 and it does not count against the significance level (Tarone's
    argument). Counting the pairs that do share an item exactly needs a quadratic
    join on popular items; ``min(C(sources, 2), sum_i C(n_i, 2))`` bounds it from
    above, which keeps the correction valid (conservative).
    """
    per_item = (items["n"] * (items["n"] - 1) / 2).groupby(items["kind"]).sum()
    n_actors = actors.groupby("kind").size()
    return {k: float(max(1.0, min(per_item.get(k, 0.0), n_actors.get(k, 0) * (n_actors.get(k, 0) - 1) / 2)))
            for k in set(per_item.index) | set(n_actors.index)}


def significant_edges(co: pd.DataFrame, shared: pd.DataFrame, overlap: dict[str, float],
                      at_risk: dict[str, float], alpha: float = ALPHA) -> pd.DataFrame:
    """Per (pair, kind): co-actions, expected count under chance, p-values; kept edges only.

    A pure function of small frames, so it can be tested and run on any engine. One
    sort of all co-actions, then plain lists sliced per pair: a pandas group per pair
    cost about 2 ms each, which made this the slowest step of the stage.
    """
    cols = ["a", "b", "kind", "weight", "expected", "p_value", "p_adjusted", "items",
            "first_seen", "last_seen"]
    if co.empty:
        return pd.DataFrame(columns=cols)
    common = {(k, a, b): float(x) for k, a, b, x in shared.itertuples(index=False)}
    # Within a (kind, a, b) group items are distinct, so (ta, item) orders it totally.
    srt = co.sort_values(["kind", "a", "b", "ta", "item"], kind="mergesort")
    kinds, sa, sb = (srt[c].tolist() for c in ("kind", "a", "b"))
    items, tas, tbs = srt["item"].tolist(), list(srt["ta"]), list(srt["tb"])
    bounds = [0] + [i for i in range(1, len(kinds))
                    if (kinds[i], sa[i], sb[i]) != (kinds[i - 1], sa[i - 1], sb[i - 1])]
    rows = []
    for lo, hi in zip(bounds, bounds[1:] + [len(kinds)], strict=True):
        kind, a, b = kinds[lo], sa[lo], sb[lo]
        x = hi - lo
        lam = overlap.get(kind, 1.0) * max(common.get((kind, a, b), x), x)
        p = poisson_sf(x, lam)
        listed = [{"item": items[i], "time_a": tas[i].isoformat(), "time_b": tbs[i].isoformat()}
                  for i in range(lo, min(hi, lo + MAX_ITEMS))]
        rows.append({"a": a, "b": b, "kind": kind, "weight": x, "expected": lam, "p_value": p,
                     "p_adjusted": min(1.0, p * at_risk.get(kind, 1.0)),
                     "items": json.dumps(listed, ensure_ascii=False),
                     "first_seen": min(min(tas[lo:hi]), min(tbs[lo:hi])),
                     "last_seen": max(max(tas[lo:hi]), max(tbs[lo:hi]))})
    out = pd.DataFrame(rows, columns=cols)
    return out[out["p_adjusted"] <= alpha].reset_index(drop=True)


# -- communities ----------------------------------------------------------------
def find_communities(edges: pd.DataFrame, co: pd.DataFrame) -> list[dict[str, Any]]:
    """Leiden communities over kept edges, each member with its evidence."""
    if edges.empty:
        return []
    weights: dict[tuple[str, str], float] = defaultdict(float)
    for a, b, w in edges[["a", "b", "weight"]].itertuples(index=False):
        weights[(a, b)] += float(w)
    names = sorted({n for pair in weights for n in pair})
    index = {n: i for i, n in enumerate(names)}
    pairs = sorted(weights)
    g = ig.Graph(n=len(names), edges=[(index[a], index[b]) for a, b in pairs])
    g.vs["name"] = names
    g.es["weight"] = [weights[p] for p in pairs]
    part = leidenalg.find_partition(g, leidenalg.ModularityVertexPartition,
                                    weights="weight", seed=42)
    groups = sorted((sorted(names[v] for v in members) for members in part if len(members) >= 2),
                    key=lambda m: (-len(m), m[0]))
    kept = {(a, b, k) for a, b, k in edges[["a", "b", "kind"]].itertuples(index=False)}
    # One pass over the co-actions for all communities (a filter of the whole frame per
    # community grew with communities x co-actions); rows keep the frame's order.
    group_of = {m: n for n, members in enumerate(groups) for m in members}
    ev: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for kind, item, a, b, ta, tb in co[["kind", "item", "a", "b", "ta", "tb"]].itertuples(
            index=False):
        if (a, b, kind) not in kept or group_of.get(a, -1) != group_of.get(b, -2):
            continue
        ev[a].append({"kind": kind, "item": item, "time": ta.isoformat(), "with": b,
                      "with_time": tb.isoformat()})
        ev[b].append({"kind": kind, "item": item, "time": tb.isoformat(), "with": a,
                      "with_time": ta.isoformat()})
    rows = []
    for n, members in enumerate(groups, start=1):
        cid = f"C{n:04d}"
        for m in members:
            listed = sorted(ev[m], key=lambda e: (e["time"], e["item"], e["with"]))[:MAX_ITEMS]
            rows.append({"community_id": cid, "source": m, "size": len(members),
                         "evidence": json.dumps(listed, ensure_ascii=False)})
    return rows


# -- the stage ------------------------------------------------------------------
def _fingerprint(corpus: Corpus, settings: Settings) -> str:
    con = corpus.con
    parts = [str(corpus.count("documents")), str(corpus.count("document_sources")),
             str(settings.coordination_window_s)]
    if corpus.has_table("references"):
        parts.append(str(corpus.count("references")))
    if corpus.has_table("reuse_clusters"):
        parts.append(str(con.execute(
            "SELECT count(*), coalesce(sum(hash(cluster_id || doc_id)), 0) FROM reuse_clusters"
        ).fetchone()))
    return "|".join(parts)


def _stored_fingerprint(corpus: Corpus) -> str | None:
    if not corpus.has_table("coordination_state"):
        return None
    row = corpus.con.execute("SELECT value FROM coordination_state WHERE key = 'input'").fetchone()
    return row[0] if row else None


def run_coordination(corpus: Corpus, settings: Settings, run_id: str,
                     progress: Any = None) -> dict[str, Any]:
    """Build coordination edges and communities. Skipped when its inputs did not change.

    It works on compact action rows (no text), so it is recomputed as a whole when
    documents arrive: the chance test needs every item's global popularity anyway.
    """
    started = time.perf_counter()
    fingerprint = _fingerprint(corpus, settings)
    state = corpus.corpus_stage_state(STAGE)
    if (state is not None and state[0] == VERSION and _stored_fingerprint(corpus) == fingerprint
            and corpus.has_table("coordination_edges") and corpus.has_table("communities")):
        return {"status": "skipped", "reason": "no new documents"}
    timer = StepTimer()
    with timer.step("events"):
        _build_events(corpus)
        n_events = corpus.con.execute("SELECT count(*) FROM _coord_events").fetchone()[0]
    estimated = settings.coordination_window_s is None
    with timer.step("window"):
        window = (estimate_window(corpus.con) if estimated
                  else float(settings.coordination_window_s))
    with timer.step("co_actions"):
        co = _co_actions(corpus, window)
    with timer.step("degrees"):
        items, actors = _degrees(corpus)
    with timer.step("shared"):
        shared = _shared(corpus, co)
    with timer.step("overlaps"):
        overlap = _overlaps(corpus, window)
    with timer.step("test"):
        edges = significant_edges(co, shared, overlap, pairs_at_risk(items, actors))
    with timer.step("communities"):
        communities = find_communities(edges, co)
    edge_rows = [{"source_a": r["a"], "source_b": r["b"], "kind": r["kind"],
                  "weight": int(r["weight"]), "first_seen": r["first_seen"],
                  "last_seen": r["last_seen"], "items": r["items"], "expected": r["expected"],
                  "p_value": r["p_value"], "p_adjusted": r["p_adjusted"], "window_s": window,
                  "run_id": run_id} for r in edges.to_dict("records")]
    edge_rows.sort(key=lambda r: (r["source_a"], r["source_b"], r["kind"]))
    for r in communities:
        r["run_id"] = run_id
    corpus.replace_table("coordination_edges", pa.Table.from_pylist(edge_rows, EDGES_SCHEMA))
    corpus.replace_table("communities", pa.Table.from_pylist(communities, COMMUNITIES_SCHEMA))
    with corpus.transaction():
        corpus.con.execute("CREATE TABLE IF NOT EXISTS coordination_state "
                           "(key VARCHAR PRIMARY KEY, value VARCHAR)")
        corpus.con.execute("INSERT OR REPLACE INTO coordination_state VALUES ('input', ?), "
                           "('window_s', ?)", [fingerprint, str(window)])
        corpus.mark_corpus_stage(STAGE, VERSION, corpus.count("documents"), run_id)
    corpus.con.execute("DROP TABLE IF EXISTS _coord_events")
    if progress is not None:
        progress.advance(n_events)
    return {"status": "ok", "actions": n_events, "window_s": window,
            "window_estimated": estimated, "co_actions": len(co),
            "pairs_tested": int(co.groupby(["kind", "a", "b"]).ngroups) if len(co) else 0,
            "edges": len(edge_rows), "communities": len({r["community_id"] for r in communities}),
            "seconds": round(time.perf_counter() - started, 2), "steps": timer.summary()}
