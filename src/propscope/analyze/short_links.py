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
  references analyzer): the same short link (same ``normalized``) in any other document
  gets the expansion too, with ``expanded_in`` naming the document whose data held it
  (the evidence). One SQL ``UPDATE`` of the rows still without one; when the data holds
  several expansions of one short link (a reused or hijacked code), the one seen in the
  lowest ``doc_id`` is taken, so the result does not depend on the order of ingest.
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


# The expansion of each short link the corpus holds one for (lowest doc_id first), set on
# the same short link's rows that have none. ``is_shortener`` rows only: a long link is
# never "expanded".
JOIN_SQL = """
    UPDATE doc_references AS r SET expanded = x.expanded, expanded_in = x.expanded_in
    FROM (SELECT normalized, arg_min(expanded, expanded_in) AS expanded,
                 min(expanded_in) AS expanded_in
          FROM doc_references
          WHERE kind = 'url' AND is_shortener AND expanded IS NOT NULL
          GROUP BY normalized) AS x
    WHERE r.kind = 'url' AND r.is_shortener AND r.expanded IS NULL
      AND r.normalized = x.normalized
"""


def join_corpus(con: Any) -> int:
    """Join every short link to an expansion found in another document; rows updated."""
    found = con.execute(
        "SELECT count(*) FROM information_schema.columns WHERE table_name = 'doc_references' "
        "AND column_name IN ('expanded', 'expanded_in')").fetchone()
    if not found or found[0] < 2:
        return 0
    updated = con.execute(JOIN_SQL).fetchone()
    return int(updated[0]) if updated else 0
