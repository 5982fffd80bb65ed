"""The web app's side index: a narrow browse table and an inverted token index.

Why a side file: the app opens the corpus read-only, and DuckDB's ``fts``
extension is not bundled with the Python wheel (``INSTALL fts`` needs the
network, which a local analysis machine may not have). So on first start the app
builds ``<corpus>.browse.duckdb`` next to the corpus (or in the user cache when
that folder is not writable), holding:

* ``browse``: one narrow row per document (``ord`` = rank by date, newest
  first, plus source, date, a title, and the techniques and signals found in it),
  stored sorted by ``ord`` so pages are keyset scans (``ord > cursor LIMIT n``),
  and filters are column predicates with no join;
* ``postings``: ``(token, ord, tf)`` for every distinct word of every document,
  stored sorted by token so DuckDB's zone maps skip straight to one token's rows;
  a search is an intersection of the query's tokens' postings;
* ``tokens``: ``(token, df)``, the number of documents holding each token, so a
  search can tell at once that a word is absent and probe the rarest word first;
* ``source_stats``: per source its ``sid`` (a small integer also stored in
  ``browse`` and ``postings``, so a search restricted to one source filters a
  word's postings by an integer instead of semi-joining all of that word's
  postings), document count, time span, span count and documents per technique
  and per signal, so the source page is one lookup instead of three scans;
* ``source_clusters``: ``(source, cluster_id, size)`` for every reuse cluster a
  source takes part in, largest first, so the source page lists its clusters
  without scanning the corpus' documents.

The index records a signature of the corpus (document count, an XOR of document
ID hashes, and the row counts of the result tables) and is rebuilt when it
changes, so re-running a stage never leaves the app showing stale results.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import duckdb

from ..corpus import one
from .queries import Schema, q

INDEX_VERSION = "4"
# A token is a run of letters or digits, lower-cased and accent-stripped; queries use the same rule.
TOKEN_SQL = r"regexp_split_to_array(lower(strip_accents({x})), '[^\p{{L}}\p{{N}}]+')"
MAX_TOKEN_CHARS = 40


def index_path(corpus_path: Path) -> Path:
    """Where the side index lives: beside the corpus, else in the user's cache folder."""
    corpus_path = Path(corpus_path).resolve()
    beside = corpus_path.with_name(corpus_path.name + ".browse.duckdb")
    if os.access(corpus_path.parent, os.W_OK):
        return beside
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "propscope"
    digest = hashlib.sha256(str(corpus_path).encode()).hexdigest()[:16]
    return cache / f"{corpus_path.stem}-{digest}.browse.duckdb"


def signature(con: duckdb.DuckDBPyConnection, catalog: str) -> str:
    """Cheap fingerprint of the corpus content the index depends on."""
    schema = Schema.read(con, catalog)
    parts = [INDEX_VERSION]
    # Source, date and title are hashed with the ID: a re-ingest with a corrected --field
    # mapping changes them and nothing else, and the index must not keep the old ones.
    n, x = one(con.execute(f"SELECT count(*), coalesce(bit_xor(hash(doc_id, source, published, "
                           f"title)), 0) FROM {catalog}.documents"))
    parts += [str(n), str(x)]
    for t in ("spans", "doc_references", "repetitions", "reuse_clusters", "coordination_edges"):
        if schema.has(t):
            parts.append(f"{t}:{one(con.execute(f'SELECT count(*) FROM {catalog}.{q(t)}'))[0]}")
    return "|".join(parts)


def ensure_index(corpus_path: Path, *, rebuild: bool = False) -> Path:
    """Build the side index if it is missing or stale; return its path."""
    path = index_path(corpus_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(str(path))
    except duckdb.IOException:
        return path  # another server holds it open for writing; it is being built there
    try:
        con.execute("SET TimeZone = 'UTC'")
        con.execute("SET enable_progress_bar = false")
        con.execute(f"ATTACH {_lit(str(Path(corpus_path).resolve()))} AS ps_corpus (READ_ONLY)")
        sig = signature(con, "ps_corpus")
        have = None
        if one(con.execute("SELECT count(*) FROM information_schema.tables "
                       "WHERE table_catalog = current_database() AND table_name = 'ix_meta'"
                       ))[0]:
            row = con.execute("SELECT value FROM ix_meta WHERE key = 'signature'").fetchone()
            have = row[0] if row else None
        if rebuild or have != sig:
            _build(con, Schema.read(con, "ps_corpus"), sig)
    finally:
        con.close()
    return path


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _build(con: duckdb.DuckDBPyConnection, schema: Schema, sig: str) -> None:
    """(Re)create ``browse``, ``postings`` and ``facets`` from the attached ``ps_corpus``."""
    joins, cols = [], []
    if schema.has("spans"):
        joins.append("LEFT JOIN (SELECT doc_id, count(*) AS n_spans, "
                     "list(DISTINCT technique ORDER BY technique) AS techniques "
                     "FROM ps_corpus.spans GROUP BY doc_id) sp USING (doc_id)")
        cols += ["coalesce(sp.n_spans, 0)::INTEGER AS n_spans",
                 "coalesce(sp.techniques, []::VARCHAR[]) AS techniques"]
    else:
        cols += ["0::INTEGER AS n_spans", "[]::VARCHAR[] AS techniques"]
    sig_parts = []
    if schema.has("doc_references"):
        short = ("list_concat(list(DISTINCT kind), CASE WHEN bool_or(is_shortener) "
                 "THEN ['shortener'] ELSE [] END)") if "is_shortener" in \
            schema.columns["doc_references"] else "list(DISTINCT kind)"
        joins.append(f"LEFT JOIN (SELECT doc_id, {short} AS kinds FROM ps_corpus.{q('doc_references')} "
                     "GROUP BY doc_id) rf USING (doc_id)")
        sig_parts.append("coalesce(rf.kinds, [])")
    if schema.has("repetitions"):
        joins.append("LEFT JOIN (SELECT DISTINCT doc_id, ['stuffing'] AS st FROM ps_corpus.repetitions) "
                     "rp USING (doc_id)")
        sig_parts.append("coalesce(rp.st, [])")
    if schema.has("reuse_clusters"):
        joins.append("LEFT JOIN (SELECT DISTINCT doc_id, ['reuse'] AS ru FROM ps_corpus.reuse_clusters) "
                     "ru USING (doc_id)")
        sig_parts.append("coalesce(ru.ru, [])")
    if schema.has("coordination_edges"):
        joins.append("LEFT JOIN (SELECT DISTINCT s AS source, ['coordination'] AS co FROM ("
                     "SELECT source_a AS s FROM ps_corpus.coordination_edges UNION "
                     "SELECT source_b FROM ps_corpus.coordination_edges)) co USING (source)")
        sig_parts.append("coalesce(co.co, [])")
    signals = "[]::VARCHAR[]"
    for part in sig_parts:
        signals = f"list_concat({signals}, {part})"
    title = "coalesce(nullif(trim(d.title), ''), left(d.text, 140))"
    con.execute("BEGIN TRANSACTION")
    for t in ("browse", "postings", "tokens", "facets", "source_stats", "source_clusters",
              "ix_meta"):
        con.execute(f"DROP TABLE IF EXISTS {t}")
    con.execute(f"""
        CREATE TABLE browse AS
        SELECT (row_number() OVER (ORDER BY d.published DESC NULLS LAST, d.doc_id))::INTEGER AS ord,
               d.doc_id, d.source, (dense_rank() OVER (ORDER BY d.source))::INTEGER AS sid,
               d.published, left({title}, 160) AS title, {', '.join(cols)},
               list_sort(list_distinct({signals})) AS signals
        FROM ps_corpus.documents d {' '.join(joins)}
        ORDER BY ord""")
    con.execute(f"""
        CREATE TABLE postings AS
        SELECT token, ord, any_value(sid) AS sid, count(*)::INTEGER AS tf FROM (
            SELECT b.ord, b.sid, unnest({TOKEN_SQL.format(x="coalesce(d.title, '') || ' ' || d.text")}) AS token
            FROM ps_corpus.documents d JOIN browse b USING (doc_id))
        WHERE token <> '' AND length(token) <= {MAX_TOKEN_CHARS}
        GROUP BY token, ord ORDER BY token, ord""")
    _build_source_tables(con, schema)
    con.execute("CREATE TABLE tokens AS SELECT token, count(*) AS df FROM postings "
                "GROUP BY token ORDER BY token")
    con.execute("""
        CREATE TABLE facets AS
        SELECT 'source' AS facet, coalesce(source, '') AS value, count(*) AS n FROM browse GROUP BY 2
        UNION ALL SELECT 'technique', t, count(*) FROM (SELECT unnest(techniques) AS t FROM browse) GROUP BY 2
        UNION ALL SELECT 'signal', s, count(*) FROM (SELECT unnest(signals) AS s FROM browse) GROUP BY 2""")
    con.execute("CREATE TABLE ix_meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
    con.execute("INSERT INTO ix_meta VALUES ('signature', ?), ('built', now()::VARCHAR)", [sig])
    con.execute("COMMIT")
    con.execute("CHECKPOINT")


def _build_source_tables(con: duckdb.DuckDBPyConnection, schema: Schema) -> None:
    """Per-source aggregates for the source page (see the module docstring)."""
    con.execute("""
        CREATE TABLE source_stats AS
        WITH t AS (SELECT source, t, count(*) AS n FROM
                       (SELECT source, unnest(techniques) AS t FROM browse) GROUP BY ALL),
             s AS (SELECT source, s, count(*) AS n FROM
                       (SELECT source, unnest(signals) AS s FROM browse) GROUP BY ALL)
        SELECT b.source, b.sid, b.n, b.first, b.last, b.spans,
               coalesce(t.list, []) AS techniques, coalesce(s.list, []) AS signals
        FROM (SELECT source, any_value(sid) AS sid, count(*) AS n, min(published) AS first,
                     max(published) AS last, sum(n_spans) AS spans
              FROM browse WHERE source IS NOT NULL GROUP BY source) b
        LEFT JOIN (SELECT source, list({'name': t, 'n': n} ORDER BY n DESC, t) AS list
                   FROM t GROUP BY source) t USING (source)
        LEFT JOIN (SELECT source, list({'name': s, 'n': n} ORDER BY n DESC, s) AS list
                   FROM s GROUP BY source) s USING (source)
        ORDER BY b.source""")
    if schema.has("reuse_clusters"):
        con.execute("""
            CREATE TABLE source_clusters AS
            WITH sizes AS (SELECT cluster_id, count(*) AS size FROM ps_corpus.reuse_clusters
                           GROUP BY cluster_id)
            SELECT DISTINCT b.source, rc.cluster_id, z.size
            FROM ps_corpus.reuse_clusters rc JOIN browse b USING (doc_id)
            JOIN sizes z USING (cluster_id)
            WHERE b.source IS NOT NULL
            ORDER BY b.source, z.size DESC, rc.cluster_id""")
