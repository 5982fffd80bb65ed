"""The text-reuse stage's outputs, rebuilt from the stored matches on every run:
``reuse_pairs`` (earlier document first), ``reuse_clusters`` and ``reuse_insertions``.

Split out of :mod:`.reuse` (issue 19): that module finds and aligns candidate pairs
incrementally; this one only turns ``reuse_matches`` into the tables analysts read.
"""

from __future__ import annotations

import json
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from ..corpus import Corpus
from .clusters import PairRow, build_clusters


def write_outputs(corpus: Corpus, run_id: str) -> dict[str, int]:
    con = corpus.con
    pairs = con.sql("""
        SELECT CASE WHEN oa.rank < ob.rank THEN oa.doc_id ELSE ob.doc_id END AS doc_a,
               CASE WHEN oa.rank < ob.rank THEN m.a_start ELSE m.b_start END AS a_start,
               CASE WHEN oa.rank < ob.rank THEN m.a_end ELSE m.b_end END AS a_end,
               CASE WHEN oa.rank < ob.rank THEN ob.doc_id ELSE oa.doc_id END AS doc_b,
               CASE WHEN oa.rank < ob.rank THEN m.b_start ELSE m.a_start END AS b_start,
               CASE WHEN oa.rank < ob.rank THEN m.b_end ELSE m.a_end END AS b_end,
               m.similarity,
               greatest(m.a_words, m.b_words) AS words,
               CASE WHEN oa.rank < ob.rank THEN oa.source ELSE ob.source END AS source_a,
               CASE WHEN oa.rank < ob.rank THEN ob.source ELSE oa.source END AS source_b,
               CASE WHEN oa.rank < ob.rank THEN oa.published ELSE ob.published END AS published_a,
               CASE WHEN oa.rank < ob.rank THEN ob.published ELSE oa.published END AS published_b,
               CASE WHEN oa.rank < ob.rank THEN m.extra_b ELSE m.extra_a END AS inserted_text
        FROM reuse_matches m
        JOIN _reuse_order oa ON oa.doc_no = m.a JOIN _reuse_order ob ON ob.doc_no = m.b
        ORDER BY doc_a, a_start, doc_b, b_start
    """).to_arrow_table()
    delay = pc.divide(
        pc.cast(pc.subtract(pairs.column("published_b"),
                                            pairs.column("published_a")), pa.int64()), 1e6)
    pairs = pairs.append_column("delay_s", delay)
    pairs = pairs.append_column("run_id", pa.array([run_id] * pairs.num_rows, pa.string()))
    corpus.replace_table("reuse_pairs", pairs)

    rows = [PairRow(r["doc_a"], r["a_start"], r["a_end"], r["doc_b"], r["b_start"], r["b_end"],
                    r["similarity"],
                    tuple((x["start"], x["end"], x["text"])
                          for x in json.loads(r["inserted_text"] or "[]")))
            for r in pairs.select(["doc_a", "a_start", "a_end", "doc_b", "b_start", "b_end",
                                   "similarity", "inserted_text"]).to_pylist()]
    involved = {r.doc_a for r in rows} | {r.doc_b for r in rows}
    # Only the documents in some pair: a Python row per document of the corpus would
    # make this step cost as much as the corpus, not as the reuse found.
    meta = con.execute("SELECT doc_id, published, source FROM _reuse_order WHERE doc_no IN "
                       "(SELECT a FROM reuse_matches UNION SELECT b FROM reuse_matches)").fetchall()
    published = {d: ts for d, ts, _ in meta if d in involved}
    sources = {d: s for d, _, s in meta if d in involved}
    clusters, insertions = build_clusters(rows, published, sources)
    corpus.replace_table("reuse_clusters", _table(clusters, CLUSTER_SCHEMA, run_id))
    corpus.replace_table("reuse_insertions", _table(insertions, INSERTION_SCHEMA, run_id))
    return {"pairs": pairs.num_rows, "clusters": len({c["cluster_id"] for c in clusters}),
            "templated_insertions": len(insertions)}


_TS = pa.timestamp("us", tz="UTC")
CLUSTER_SCHEMA = pa.schema([
    ("cluster_id", pa.string()), ("doc_id", pa.string()), ("start", pa.int64()),
    ("end", pa.int64()), ("published", _TS), ("is_earliest", pa.bool_()),
    ("delay_s", pa.float64()), ("similarity", pa.float64()), ("source", pa.string()),
    ("copies", pa.int64()), ("inserted_text", pa.string()), ("run_id", pa.string()),
])
INSERTION_SCHEMA = pa.schema([
    ("cluster_id", pa.string()), ("text", pa.string()), ("copies", pa.int64()),
    ("occurrences", pa.string()), ("run_id", pa.string()),
])


def _table(rows: list[dict[str, Any]], schema: pa.Schema, run_id: str) -> pa.Table:
    for r in rows:
        r["run_id"] = run_id
    return pa.Table.from_pylist(rows, schema=schema)
