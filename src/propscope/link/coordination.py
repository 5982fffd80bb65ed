"""Coordination: sources that act on the same items, again and again, faster than chance.

**Actions.** Every occurrence of a document (``document_sources``: the same text
posted by several sources appears once per source) is an action of its source
(``source``, else ``author``) at its publication time, on each item it carries:

* ``url``: a link by its canonical form (:func:`.canonical.canonical_url`: scheme,
  ``www.``/mobile hosts, tracking parameters, fragments, trailing slashes do not
  matter; short links are their own item unless the data holds their expansion);
* ``hashtag``: a hashtag, normalised; ``embedded_post``: an embedded post;
* ``text``: near-identical text (:mod:`.neartext`: normalised, MinHash-LSH
  joined), the exact document otherwise, and reuse clusters (``reuse_clusters``);
* ``retweet``/``reply``/``quote``/``forward``: the post acted on, from the ``posts``
  table of platform exports (``relation``, ``parent_id``), or when the input carries it
  in the document's ``meta`` (``retweet_of``, ``reply_to``, ...).

**The test** (:mod:`.cochance`): per item, the fraction of its sharers' pairs that
fall within the window is what chance gives *for that item*; each account's own
taste for niche or viral items is kept; a pair's co-actions across items and kinds
are compared with a Poisson law of the expected count, corrected with
Holm's step-down Bonferroni, and an edge needs co-actions in ``coordination_min_items``
distinct posts. Items shared by more than ``coordination_item_cap`` accounts are
left out (reported in the summary): the cost stays linear in shares. A second, wider
window (``WIDE_WINDOW_S``, 40 minutes when set; off by default, see its comment) can be
tested too, on items at most ``cochance.WIDE_CAP`` accounts share, as a second family of
tests with its own share of the level: groups whose members act 10-40 minutes apart.

**Groups** (:mod:`.groups`): Leiden on the significant edges, then overlapping
membership by strong ties, with a strength per member. Evidence for every edge
(each co-action: item, raw forms, both times, delay, the item's sharers and its
chance of a close pair) is in ``coordination_evidence``.
"""

from __future__ import annotations

import json
import time
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from ..corpus import Corpus, one
from ..settings import Settings
from . import attached, spread
from .coactions import build_events, load_shares, temp_table
from .cochance import test_pairs
from .commoncause import crowd_coactions, origins, parent_times
from .conversation import conversations
from .coordination_rows import community_rows, edge_rows_of
from .coordination_schema import COMMUNITIES_SCHEMA, EDGES_SCHEMA, EVIDENCE_SCHEMA
from .crowd import MAX_CROWD_ROUNDS, close_sharers, item_bases, own_items
from .identity import identities, platforms_of
from .infrastructure import infrastructure_evidence, infrastructure_rows
from .meetings import meeting_coactions
from .readings import READINGS_VERSION, stored_state, write_readings
from .rescue import rescuer
from .retest import retest
from .ringsets import ring_keep, ring_sets, with_rings
from .schedules import clock_bound_in
from .sites import site_bases
from .siteslice import crowds as site_crowds
from .syndication import own_sites, page_publications, site_owners, syndicated_shares
from .timing import StepTimer
from .window import estimate_window

STAGE = "coordination"
VERSION = "18"  # each version's rule and module: CHANGELOG.md; 18: pieces are joined only
#  when half of each co-acts on the common items (wholegroups.CARRIER_SHARE)
ALPHA = 0.05  # default Holm (family-wise) level, over the pairs that can become edges
#: Longest estimated window: with no quick items at all (no coordination to see) the
#: estimate would be a day, and "together within a day" is not a co-action.
MAX_WINDOW_S = 600.0
#: The second, wider window (seconds; ``None``: none): groups whose members act 10-40
#: minutes apart are tested in it too, on items few accounts share (cochance.WIDE_CAP),
#: each item with its own chance of a pair that close. Off by default: on generator 4's dev
#: seed it raised group F1 from 0.501 to 0.706 but placed 50 innocent accounts instead of 23
#: (journalists sharing their own outlet's articles within 40 minutes of each other: a common
#: cause the item-conditioned test cannot see), and 47 on the negative control instead of 16.
#: ``WIDE_WINDOW_OPT_IN_S`` is the value measured; see docs/coordination.md.
WIDE_WINDOW_OPT_IN_S = 2400.0
WIDE_WINDOW_S: float | None = None
#: Whether each pair is tested again on the co-actions the crowd filter leaves it.
RETEST = False
KINDS = ("url", "hashtag", "embedded_post")



# -- events ---------------------------------------------------------------------
def _evidence(corpus: Corpus, co: pd.DataFrame, actors: list[str],
              items: pd.DataFrame, close_sharers: np.ndarray,
              site_sharers: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
              ) -> pd.DataFrame:
    """Every co-action of the kept pairs, with names, raw forms, documents and times."""
    ra, rb = co["ra"].to_numpy(np.int64), co["rb"].to_numpy(np.int64)
    need = pa.table({"row_code": pa.array(np.unique(np.r_[ra, rb]), pa.int64())})
    temp_table(corpus, "_coord_need", need)
    rows = corpus.con.execute("""SELECT c.row_code, c.actor, c.item, c.raw, c.doc_id, c.t
        FROM _coord_coded c JOIN _coord_need USING (row_code)""").df().set_index("row_code")
    corpus.con.execute("DROP TABLE IF EXISTS _coord_need")
    x, y = rows.loc[ra].reset_index(drop=True), rows.loc[rb].reset_index(drop=True)
    swap = (x["actor"] > y["actor"]).to_numpy()  # source_a < source_b, as in the edges
    first = pd.DataFrame({c: np.where(swap, y[c].to_numpy(), x[c].to_numpy()) for c in x})
    second = pd.DataFrame({c: np.where(swap, x[c].to_numpy(), y[c].to_numpy()) for c in x})
    stats = items.set_index("item")
    out = pd.DataFrame({
        "source_a": first["actor"], "source_b": second["actor"], "kind": co["kind"].to_numpy(),
        "item": first["item"], "raw_a": first["raw"], "raw_b": second["raw"],
        "doc_a": first["doc_id"], "doc_b": second["doc_id"],
        "time_a": first["t"], "time_b": second["t"],
        "delay_s": (y["t"] - x["t"]).dt.total_seconds().abs().to_numpy(),
        "item_sharers": stats.loc[co["item"].to_numpy(), "n"].to_numpy(np.int64),
        "item_close_share": stats.loc[co["item"].to_numpy(), "q"].to_numpy(np.float64),
        "item_close_sharers": close_sharers[co["item"].to_numpy()],
        "leader": np.asarray(actors, dtype=object)[co["first"].to_numpy()],
    })
    if site_sharers is not None:  # for the crowd filter only (link/sites.py); not stored
        at = co["item"].to_numpy()
        out["site"], out["site_close_sharers"], out["has_site"] = (
            site_sharers[0][at], site_sharers[1][at], site_sharers[2][at])
        out["item_code"] = at  # for the site's slice (link/siteslice.py)
    return out.sort_values(["source_a", "source_b", "time_a", "kind", "item"],
                           kind="mergesort").reset_index(drop=True)


def _retest(ev: pd.DataFrame, pairs: pd.DataFrame, m: int, alpha: float
            ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Pairs whose kept co-actions are still significant, and their evidence.

    The crowd filter removes co-actions a crowd owns; a pair's first p-value counted
    them. An RSS bot and its outlet meet on every article of a feed: the site's
    readers own those links, and the three headline texts left are what any two
    sharers of that feed show. The p-value shown must be the one of the evidence shown.
    """
    kept = (ev.groupby(["source_a", "source_b", "kind"], observed=True)["item"].nunique()
            .rename("x").reset_index().rename(columns={"source_a": "a", "source_b": "b"}))
    again = retest(pairs, kept, m)
    good = again[again["q"] <= alpha]
    inside = pd.MultiIndex.from_frame(ev[["source_a", "source_b"]]).isin(good.index)
    return ev[inside].reset_index(drop=True), good


def _fingerprint(corpus: Corpus, settings: Settings) -> str:
    con = corpus.con
    parts = [str(corpus.count("documents")), str(corpus.count("document_sources")),
             str(settings.coordination_window_s), str(settings.coordination_min_items),
             str(settings.coordination_item_cap), str(settings.coordination_near_text),
             str(settings.coordination_min_window_s), str(settings.coordination_alpha),
             str(settings.coordination_episode_gap_s)]
    if settings.limit is not None:  # a sample's result is not the whole corpus's
        parts.append(f"limit={settings.limit}")
    if corpus.has_table("doc_references"):
        parts.append(str(corpus.count("doc_references")))
    if corpus.has_table("reuse_clusters"):
        parts.append(str(con.execute(
            "SELECT count(*), coalesce(sum(hash(cluster_id || doc_id)), 0) FROM reuse_clusters"
        ).fetchone()))
    return "|".join(parts)


def _stored_fingerprint(corpus: Corpus) -> str | None:
    return stored_state(corpus, "input")


def _post_relations(corpus: Corpus, run_id: str) -> None:
    """``post_relations``: who reposted, quoted, replied to or forwarded whom, and how often.

    Read straight from the ``posts`` of platform exports: a structure the platform
    recorded, not an inference, so it is shown beside the tested co-actions (a forward
    chain or a retweet network), never mixed into their chance test.
    """
    with corpus.transaction():
        corpus.con.execute("DROP TABLE IF EXISTS post_relations")
        corpus.con.execute("""
            CREATE TABLE post_relations AS
            SELECT p.author AS source, coalesce(p.parent_author, par.author) AS target,
                   p.platform, p.relation, count(*) AS posts,
                   min(p.published) AS first_seen, max(p.published) AS last_seen,
                   min(p.post_id) AS sample_post_id, ? AS run_id
            FROM posts p LEFT JOIN posts par
              ON par.platform = p.platform AND par.post_id = p.parent_id
            WHERE p.relation IN ('repost', 'quote', 'reply', 'forward')
              AND p.author IS NOT NULL AND coalesce(p.parent_author, par.author) IS NOT NULL
            GROUP BY p.author, coalesce(p.parent_author, par.author), p.platform, p.relation
            ORDER BY posts DESC, source, target, relation""", [run_id])


def _coverage(stats: dict[str, Any], settings: Settings, window: float, estimated: bool,
              n_events: int, found: tuple[pd.DataFrame, pd.DataFrame] | None = None,
              sig: pd.DataFrame | None = None) -> dict[str, Any]:
    """What the test used and left out, for the report beside the network (why: an analyst
    reading "no community" must see how much of the corpus the test could judge).

    Pairs tested and significant are every family's (the windows', ring sets', the spread
    family's ``found``; ``sig`` the pairs they found): each edge's pair is one of them, and
    a ring set's member pairs count as tested (the set was)."""
    stats = dict(stats)
    if found is not None:  # the spread family's tested pairs (link/spread.py)
        stats["pairs_tested"] = int(stats.get("pairs_tested", 0)) + len(found[1])
    if sig is not None and len(sig):
        stats["pairs_significant"] = len(sig[["a", "b"]].drop_duplicates())
        stats["pairs_tested"] = max(int(stats.get("pairs_tested", 0)),
                                    stats["pairs_significant"])
    return {"actions": n_events, "window_s": round(float(window), 1),
            "window_estimated": bool(estimated),
            "item_cap": settings.coordination_item_cap,
            "items_capped": int(stats.get("items_capped", 0)),
            "shares_capped": int(stats.get("shares_capped", 0)),
            "co_actions": int(stats.get("co_actions", 0)),
            "co_actions_left_out": int(stats.get("co_actions_left_out", 0)),
            "pairs_tested": int(stats.get("pairs_tested", 0)),
            "pairs_significant": int(stats.get("pairs_significant", 0))}


def run_coordination(corpus: Corpus, settings: Settings, run_id: str,
                     progress: Any = None) -> dict[str, Any]:
    """Build coordination edges, their evidence and groups. Skipped when inputs did not change.

    It works on compact integer share rows (no text, except once for near-identical
    texts), so it is recomputed as a whole when documents arrive: the chance test needs
    every item's sharers anyway.
    """
    started = time.perf_counter()
    fingerprint = _fingerprint(corpus, settings)
    state = corpus.corpus_stage_state(STAGE)
    if (state is not None and state[0] == VERSION and _stored_fingerprint(corpus) == fingerprint
            and all(corpus.has_table(t) for t in (
                "coordination_edges", "communities", "community_readings"))):
        if stored_state(corpus, "readings") == READINGS_VERSION:
            return {"status": "skipped", "reason": "no new documents"}
        # the communities stand; their readings were made by an older rule (a corpus kept
        # across an upgrade must not keep a caveat the new rule no longer finds true)
        write_readings(corpus, run_id)
        return {"status": "skipped", "reason": "no new documents; readings recomputed"}
    timer = StepTimer()
    with timer.step("events"):
        build_events(corpus, settings.coordination_near_text, settings.limit)
        n_events = one(corpus.con.execute("SELECT count(*) FROM _coord_events"))[0]
    estimated = settings.coordination_window_s is None
    with timer.step("window"):
        # The estimate is floored: it comes from the quickest tenth of items, which in a
        # small or sparse corpus can be a pair of posts 5 s apart, and a window shorter
        # than a group's own spread splits it. A wider window costs little: the chance
        # test measures how close each item's shares are anyway.
        window = (max(estimate_window(corpus.con, max_s=MAX_WINDOW_S),
                      settings.coordination_min_window_s)
                  if settings.coordination_window_s is None
                  else float(settings.coordination_window_s))
    with timer.step("shares"):
        shares, actors, _ = load_shares(corpus, settings.coordination_episode_gap_s)
        shares["scheduled"] = clock_bound_in(corpus, shares, len(actors),  # schedules.py
                                             settings.limit)
        n_codes = int(shares["item"].max()) + 1 if len(shares) else 0
        # the crowd of a link is also its site's (link/sites.py); a site's usual first
        # poster publishes its items (link/commoncause.py)
        sites, has_site, tagged = site_bases(corpus, n_codes)  # tagsites.py: '#tag' sites
        with own_sites(corpus):  # syndication.py: own sites and pages, built once for three
            synd, owners = syndicated_shares(corpus), site_owners(corpus, n_codes)
            pages = page_publications(corpus, n_codes)
        orig = origins(shares["item"].to_numpy(np.int64), shares["t"].to_numpy(np.float64),
                       shares["actor"].to_numpy(np.int64),
                       shares["kind"].astype("category"), sites, has_site,
                       parent_times(corpus, n_codes), window,  # window: pollers.py
                       synd, owners, pages)
        orig.identity = identities(actors, platforms_of(corpus, actors))  # identity.py
    with timer.step("test"):
        res = test_pairs(shares, window, cap=settings.coordination_item_cap,
                         min_items=settings.coordination_min_items,
                         alpha=settings.coordination_alpha,
                         wide_s=max(WIDE_WINDOW_S, window) if WIDE_WINDOW_S else None,
                         conversing=(talk := conversations(corpus, actors, n_codes)),
                         origins=orig)
        # re-share rings tested as sets (link/ringsets.py): their member pairs are edges
        rings = ring_sets(shares, res.co, window, settings.coordination_alpha,
                          settings.coordination_item_cap)
        # rare items the same accounts share within hours (link/spread.py)
        found = (spread.spread_pairs(shares, settings.coordination_min_items,
                                     settings.coordination_alpha, orig, talk,
                                     item_bases(corpus, n_codes),
                                     spread.item_q(res.items, n_codes), (sites, has_site),
                                     parent_times(corpus, n_codes, ("reply",)), res.closed,
                                     np.where(tagged, sites, -1))
                 if spread.ENABLED else None)
        kept_shares = attached.slim(shares) if attached.ENABLED else None
        del shares
    sig = res.pairs[res.pairs["q"] <= settings.coordination_alpha] if len(res.pairs) else res.pairs
    sig = with_rings(sig, rings)
    # which co-actions are a ring's evidence, marked before the spread family reorders them
    co = res.co.assign(ring_row=np.isin(np.arange(len(res.co)), rings.co_rows))
    if found is not None:
        sig, co = spread.with_spread(co, sig, found, settings.coordination_alpha)
        # pairs the spread family added are no ring members; their rows are no ring's
        co["ring_row"] = co["ring_row"].fillna(False).astype(bool)
        sig["ring"] = sig["ring"].fillna(False).astype(bool)
    meet_co = res.co  # what the attachment test counts as meeting a group (below)
    with timer.step("evidence"):
        if len(sig):
            keep = ring_keep(co, sig)
            # a pair found in the narrow window keeps its narrow co-actions only
            keep = keep[keep["close"] | keep["wide"]].reset_index(drop=True)
            n_items = int(res.stats["n_items"])
            crowd_co = crowd_coactions(res.co, orig)  # with pollers.py's left-out ones
            close = close_sharers(crowd_co, n_items, item_bases(corpus, n_items))
            # the crowd of a link is also its site's: accounts that ever shared one of the
            # site's links close to someone else (an outlet's readers and feed bots)
            site_sh = (sites, close_sharers(crowd_co, n_items, sites), has_site)
            ev = _evidence(corpus, keep, actors, res.items, close, site_sh)
            crowds = site_crowds(corpus, crowd_co, actors, ev["item_code"].to_numpy(), sites)
            named = sig.assign(source_a=[actors[i] for i in sig["a"]],
                               source_b=[actors[i] for i in sig["b"]],
                               window=np.where(sig["wide"], max(WIDE_WINDOW_S or 0, window),
                                               window))
            if "span" in named:  # a pair found by the spread family (link/spread.py)
                named["window"] = np.where(named["span"].astype(bool), spread.SPAN_S,
                                           named["window"])
            pairs = named.set_index(["source_a", "source_b"])
            edge_rows = edge_rows_of(ev, pairs, window)
            # and, on the groups' rare items, the spread family's co-shares (meetings.py)
            meet_co = meeting_coactions(res.co, found, ev["item_code"].unique(), talk)
            rescue = rescuer(meet_co, kept_shares, actors, settings, (sites, has_site),
                             MAX_CROWD_ROUNDS)
            # the crowd filter is repeated until the groups it leaves own every
            # co-action they keep: a pair kept as part of a larger first-pass group
            # must own its items again once that group has fallen apart
            for _ in range(MAX_CROWD_ROUNDS):
                before = len(ev)
                ev = own_items(ev, edge_rows, settings.coordination_min_items, crowds, rescue)
                if not len(ev):
                    break
                moments = ev.groupby(["source_a", "source_b"])["doc_a"].nunique()
                pairs = pairs.loc[moments.index].assign(moments=moments)
                edge_rows = edge_rows_of(ev, pairs, window)
                if len(ev) == before:
                    break
            if len(ev) and RETEST:
                # each pair is tested again on the co-actions it keeps (retest.retest),
                # once the groups are stable: dropping weak pairs inside the loop would
                # shrink the groups that own their items and unravel real rings
                ev, pairs = _retest(ev, pairs, int(res.stats.get("tests", len(res.pairs))),
                                    settings.coordination_alpha)
                if len(ev):
                    moments = ev.groupby(["source_a", "source_b"])["doc_a"].nunique()
                    pairs = pairs.loc[moments.index].assign(moments=moments)
                    edge_rows = edge_rows_of(ev, pairs, window)
            if not len(ev):
                ev, edge_rows = pd.DataFrame(columns=EVIDENCE_SCHEMA.names), []
        else:
            ev, edge_rows = pd.DataFrame(columns=EVIDENCE_SCHEMA.names), []
    with timer.step("communities"):
        communities = community_rows(ev, edge_rows) if edge_rows else []
        if kept_shares is not None and communities:  # sparse members (link/attached.py)
            communities, ev, edge_rows = attached.apply(attached.attach(
                communities, ev, meet_co, kept_shares, actors, settings.coordination_alpha,
                settings.coordination_min_items, (sites, has_site),
                settings.coordination_item_cap), communities, ev,
                edge_rows, meet_co, actors, window,
                lambda rows: _evidence(corpus, rows, actors, res.items, close, site_sh))
    with timer.step("infrastructure"):
        # shared rare operator fingerprints: edges of their own kind, not in the groups
        infra, infra_stats = infrastructure_evidence(corpus)
        infra_edges, infra_ev = infrastructure_rows(infra)
        edge_rows = edge_rows + infra_edges
        if len(infra_ev):
            ev = pd.concat([ev.drop(columns=["leader"], errors="ignore"), infra_ev],
                           ignore_index=True) if len(ev) else infra_ev
    for r in edge_rows + communities:
        r["run_id"] = run_id
    ev_rows = ev.drop(columns=["leader"], errors="ignore").assign(run_id=run_id)
    corpus.replace_table("coordination_edges", pa.Table.from_pylist(edge_rows, EDGES_SCHEMA))
    corpus.replace_table("coordination_evidence", pa.Table.from_pandas(
        ev_rows[EVIDENCE_SCHEMA.names], EVIDENCE_SCHEMA, preserve_index=False))
    corpus.replace_table("communities", pa.Table.from_pylist(communities, COMMUNITIES_SCHEMA))
    write_readings(corpus, run_id)
    _post_relations(corpus, run_id)
    with corpus.transaction():
        corpus.con.execute("CREATE TABLE IF NOT EXISTS coordination_state "
                           "(key VARCHAR PRIMARY KEY, value VARCHAR)")
        corpus.con.execute("INSERT OR REPLACE INTO coordination_state VALUES ('input', ?), "
                           "('window_s', ?), ('coverage', ?)",
                           [fingerprint, str(window), json.dumps(_coverage(
                               res.stats, settings, window, estimated, n_events,
                               found, sig))])
        corpus.mark_corpus_stage(STAGE, VERSION, corpus.count("documents"), run_id)
    for t in ("_coord_events", "_coord_coded", "_coord_title_sites", "_coord_tag_sites"):
        corpus.con.execute(f"DROP TABLE IF EXISTS {t}")
    if progress is not None:
        progress.advance(n_events)
    return {"status": "ok", "actions": n_events, "window_s": window,
            "window_estimated": estimated, "co_actions": int(res.stats.get("co_actions", 0)),
            "pairs_tested": int(res.stats.get("pairs_tested", 0)),
            "ring_sets": len(rings.sets),
            "item_cap": settings.coordination_item_cap,
            "items_capped": int(res.stats.get("items_capped", 0)),
            "shares_capped": int(res.stats.get("shares_capped", 0)),
            "edges": len(edge_rows) - len(infra_edges), "infrastructure_edges": len(infra_edges),
            "fingerprint_values_capped": infra_stats["values_capped"], "communities": len({r["community_id"] for r in communities}),
            "seconds": round(time.perf_counter() - started, 2), "steps": timer.summary()}
