"""Candidate document pairs from shared band keys, grouped inside DuckDB.

Two documents become a candidate pair when they share at least ``min_shared``
band keys. Grouping millions of ``(key, doc)`` rows is what a database does best,
so it happens in SQL, out of Python memory.

A key held by very many documents (a slogan, a boilerplate footer, a quote
repeated everywhere) would create a quadratic number of pairs. For keys held by
more than ``clique_max`` documents only the ``star_heads`` earliest holders are
paired with every other holder: the cost stays linear in the number of holders,
and a passage republished on hundreds of sites still reaches its earliest
copies, which is what clusters and earliest sources need.

The rule depends only on the set of keys and publication times, never on the
order documents arrived in, so an incremental run yields the same candidates as
a run from scratch.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from ..corpus import one


@dataclass(frozen=True)
class CandidateParams:
    min_shared: int = 4
    clique_max: int = 40
    star_heads: int = 3

    def tag(self) -> str:
        return f"m{self.min_shared}c{self.clique_max}h{self.star_heads}"


def held_sql(keys: str = "reuse_keys") -> str:
    """SQL yielding ``(key, doc_no, n)`` for every key held by two documents or more."""
    return f"""
    WITH df AS (
        SELECT key, count(*) AS n FROM {keys} GROUP BY key HAVING count(*) >= 2
    )
    SELECT k.key, k.doc_no, df.n FROM {keys} k JOIN df USING (key)
    """


def candidate_pairs_sql(p: CandidateParams, held: str = "_reuse_held",
                        docs: str = "_reuse_order") -> str:
    """SQL yielding ``(a, b, shared)`` doc_no pairs with ``a < b``, from ``held`` (:func:`held_sql`).

    ``docs`` must hold ``(doc_no, rank)``: the rank of each document by
    (publication time, doc_id), so that "earliest holders" is well defined.
    """
    return f"""
    WITH small AS (
        SELECT key, doc_no FROM {held} WHERE n <= {int(p.clique_max)}
    ), big AS (
        SELECT h.key, h.doc_no,
               row_number() OVER (PARTITION BY h.key ORDER BY o.rank) AS pos
        FROM {held} h JOIN {docs} o USING (doc_no) WHERE h.n > {int(p.clique_max)}
    ), raw AS (
        SELECT x.doc_no AS d1, y.doc_no AS d2 FROM small x
        JOIN small y ON x.key = y.key AND x.doc_no < y.doc_no
        UNION ALL
        SELECT h.doc_no AS d1, o.doc_no AS d2 FROM big h
        JOIN big o ON h.key = o.key AND h.pos <= {int(p.star_heads)} AND o.pos > h.pos
    )
    SELECT least(d1, d2) AS a, greatest(d1, d2) AS b, count(*) AS shared
    FROM raw GROUP BY 1, 2 HAVING count(*) >= {int(p.min_shared)}
    """


def candidate_pairs(con: duckdb.DuckDBPyConnection, p: CandidateParams,
                    keys: str = "reuse_keys", docs: str = "_reuse_order",
                    memory_limit: str | None = "1GB") -> bool:
    """Materialise the candidate pairs as the temporary table ``_reuse_candidates``.

    The grouping of every key is the one step whose memory grows with the corpus;
    ``memory_limit`` caps DuckDB for it (it spills to disk beyond it) and the
    connection's own limit is restored afterwards. It runs as two statements (the
    shared keys with their holder counts, then the pairs): as one query, the plan
    held both at once and ran out of memory under the 1 GB cap in two runs of three
    at 300k documents, each time redone without the cap at twice the cost; in
    two statements it fits under 512 MB. Insertion order is not kept (every reader
    of the table sorts or aggregates). Returns True when the capped statements ran
    out of memory anyway and were run again without the cap (the run summary says so).
    """
    statements = [f"CREATE OR REPLACE TEMP TABLE _reuse_held AS {held_sql(keys)}",
                  "CREATE OR REPLACE TEMP TABLE _reuse_candidates AS "
                  + candidate_pairs_sql(p, "_reuse_held", docs)]
    previous = one(con.execute("SELECT current_setting('memory_limit')"))[0]
    order = one(con.execute("SELECT current_setting('preserve_insertion_order')"))[0]
    retried = False
    try:
        con.execute("SET preserve_insertion_order = false")
        if memory_limit:
            con.execute(f"SET memory_limit = '{memory_limit}'")
        for sql in statements:
            con.execute(sql)
    except duckdb.OutOfMemoryException:
        # An operator that cannot spill hit the cap: rather slower and bigger than failed.
        con.execute(f"SET memory_limit = '{previous}'")
        for sql in statements:
            con.execute(sql)
        retried = True
    finally:
        con.execute(f"SET memory_limit = '{previous}'")
        con.execute(f"SET preserve_insertion_order = {str(bool(order)).lower()}")
        con.execute("DROP TABLE IF EXISTS _reuse_held")
    return retried
