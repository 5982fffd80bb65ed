"""Short links joined to their expansion, when the data holds it.

A link on a shortener (``t.co``, ``bit.ly``, ...) hides where it leads, and propscope
never follows links (no network, and following an operator's link tells the operator).
But the data often says: X's API gives each ``t.co`` link's ``expanded_url``,
CrowdTangle a post's ``Final Link``, a WARC archive the shortener's redirect. Ingest
keeps those pairs as ``documents.meta["url_expansions"]`` (``{short: expanded}``, the
shape coordination's URL map reads too), and they are joined here twice:

* **in the document** (:func:`join_in_document`, run by the references analyzer): the
  short link's ``url`` row gets ``expanded`` (the expansion as the data wrote it) and
  ``expanded_in`` (this document's ID);
* **across the corpus** (:func:`join_corpus`, run by the analyze stage after the
  references analyzer, so the ``doc_references`` table itself, its exports and the app
  show it): the same short link (same ``normalized``) in any other document gets an
  expansion some document's ``url_expansions`` holds (also one of a link that
  document's text does not show), with ``expanded_in`` naming that document (the
  evidence). One pass over the documents whose meta has expansions, then one SQL
  ``UPDATE`` of the short-link rows still without one; when the data holds several
  expansions of one short link (a reused or hijacked code), the one of the lowest
  ``doc_id`` is taken, so the result does not depend on the order of ingest.
"""

from __future__ import annotations

from typing import Any

from .text_patterns import normalize_url

META_KEY = "url_expansions"
#: At most this many pairs are read from one document's meta (a post has a handful).
MAX_EXPANSIONS = 1000


def expansions_of(meta: Any) -> dict[str, str]:
    """``{normalized short link: expansion as written}`` from ``meta["url_expansions"]``."""
    found = meta.get(META_KEY) if isinstance(meta, dict) else None
    if not isinstance(found, dict):
        return {}
    out: dict[str, str] = {}
    for short, expanded in list(found.items())[:MAX_EXPANSIONS]:
        if isinstance(short, str) and isinstance(expanded, str) and expanded.strip():
            normalized, domain = normalize_url(short.strip())
            if domain:
                out.setdefault(normalized, expanded.strip())
    return out


def join_in_document(rows: list[dict[str, Any]], doc_id: str, meta: Any) -> None:
    """Set ``expanded``/``expanded_in`` on the short links of ``rows`` the meta expands."""
    expansions = expansions_of(meta)
    if not expansions:
        return
    for row in rows:
        if row["kind"] == "url" and row.get("is_shortener"):
            expanded = expansions.get(row["normalized"])
            if expanded is not None:
                row["expanded"], row["expanded_in"] = expanded, doc_id


# Every expansion the corpus's documents hold (``_short_links``: normalized short link,
# expansion, the document that held it; the lowest doc_id per short link), set on the
# same short link's rows that have none. ``is_shortener`` rows only: a long link is
# never "expanded".
JOIN_SQL = """
    UPDATE doc_references AS r SET expanded = x.expanded, expanded_in = x.expanded_in
    FROM (SELECT normalized, arg_min(expanded, expanded_in) AS expanded,
                 min(expanded_in) AS expanded_in
          FROM _short_links GROUP BY normalized) AS x
    WHERE r.kind = 'url' AND r.is_shortener AND r.expanded IS NULL
      AND r.normalized = x.normalized
"""


def join_corpus(con: Any) -> int:
    """Join every short link without an expansion to one another document's data holds
    (``documents.meta["url_expansions"]``, also of links that document's text does not
    show); returns the number of rows joined."""
    import json

    import pyarrow as pa

    found = con.execute(
        "SELECT count(*) FROM information_schema.columns WHERE table_name = 'doc_references' "
        "AND column_name IN ('expanded', 'expanded_in')").fetchone()
    if not found or found[0] < 2:
        return 0
    if _input_of(con) == _stored(con):
        return 0  # nothing added or re-analysed since the last join
    cols: dict[str, list[str]] = {"normalized": [], "expanded": [], "expanded_in": []}
    cur = con.cursor()
    cur.execute("SELECT doc_id, json_extract(meta, '$.url_expansions')::VARCHAR FROM documents "
                "WHERE meta LIKE '%\"url_expansions\"%'")
    while batch := cur.fetchmany(10_000):
        for doc_id, raw in batch:
            if not raw:
                continue
            for short, expanded in expansions_of({META_KEY: json.loads(raw)}).items():
                cols["normalized"].append(short)
                cols["expanded"].append(expanded)
                cols["expanded_in"].append(doc_id)
    cur.close()
    updated = None
    if cols["normalized"]:
        short_links = pa.table(cols)  # noqa: F841 (read by DuckDB by name)
        con.execute("CREATE OR REPLACE TEMP TABLE _short_links AS SELECT * FROM short_links")
        try:
            updated = con.execute(JOIN_SQL).fetchone()
        finally:
            con.execute("DROP TABLE IF EXISTS _short_links")
    con.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [STATE_KEY, _input_of(con)])
    return int(updated[0]) if updated else 0


#: ``meta`` key of what the last corpus-wide join saw (documents, reference rows, rows
#: with an expansion): a run that added or re-analysed nothing skips the join (at
#: millions of posts, reading every expansion again costs tens of seconds).
STATE_KEY = "short_links_input"


def _input_of(con: Any) -> str:
    row = con.execute("SELECT (SELECT count(*) FROM documents), count(*), count(expanded) "
                      "FROM doc_references").fetchone()
    return ":".join(str(v) for v in row)


def _stored(con: Any) -> str | None:
    row = con.execute("SELECT value FROM meta WHERE key = ?", [STATE_KEY]).fetchone()
    return row[0] if row else None
