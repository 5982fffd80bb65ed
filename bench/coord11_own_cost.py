"""CPU cost of the owned-site SQL (link/syndication.py ``_own_sql``), which coordination 11
runs three times (syndicated_shares, site_owners, page_publications), at 1M posts.

A synthetic DuckDB corpus built in SQL (fast): ``n`` posts by ``n/10`` accounts, each post
with one link on one of ``n/100`` sites (host ``s<k>.example``), a ``doc_references`` row and a
``posts`` row with its links; ``n/20`` web pages by ``n/2000`` web sources on those sites;
``_coord_coded`` holds one ``url`` and one ``text`` share per post. Prints CPU seconds
(process time, all DuckDB threads) of each call.

    PYTHONPATH=src:bench python bench/coord11_own_cost.py [n_posts [n_pages]]
"""

from __future__ import annotations

import sys
import time

import duckdb

from propscope.link import syndication


class _Corpus:
    """Just what syndication.py reads: ``con`` and ``has_table``."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con

    def has_table(self, name: str) -> bool:
        return bool(self.con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = ?",
                                     [name]).fetchone()[0])


def build(n: int, pages: int | None = None) -> _Corpus:
    con = duckdb.connect()
    con.execute("SET threads = 2")
    sites, accounts, web = max(n // 100, 1), max(n // 10, 1), max(n // 2000, 1)
    pages = n // 20 if pages is None else pages
    con.execute(f"""CREATE TABLE documents AS
        SELECT 'p' || i AS doc_id, 'acc' || (i % {accounts}) AS source, NULL::VARCHAR AS author,
               NULL::VARCHAR AS url, TIMESTAMPTZ '2026-01-01' + to_seconds(i) AS published
        FROM range({n}) t(i)
        UNION ALL
        SELECT 'w' || i, 'web' || (i % {web}), NULL, 'https://www.s' || (i % {sites})
               || '.example/a/' || i, TIMESTAMPTZ '2026-01-01' + to_seconds(i * 20)
        FROM range({pages}) t(i)""")
    con.execute("CREATE TABLE document_sources AS SELECT doc_id, source, author, url, published "
                "FROM documents WHERE false")
    con.execute(f"""CREATE TABLE posts AS SELECT 'x' AS platform, 'p' || i AS post_id,
        'p' || i AS doc_id, ['https://s' || (i % {sites}) || '.example/a/' || (i % {pages})] AS links
        FROM range({n}) t(i)""")
    con.execute(f"""CREATE TABLE doc_references AS SELECT 'p' || i AS doc_id, 'url' AS kind,
        's' || (i % {sites}) || '.example' AS domain, false AS is_shortener FROM range({n}) t(i)""")
    con.execute(f"""CREATE TEMP TABLE _coord_coded AS
        SELECT *, dense_rank() OVER (ORDER BY actor) - 1 AS actor_code,
               dense_rank() OVER (ORDER BY kind, item) - 1 AS item_code
        FROM (SELECT 'acc' || (i % {accounts}) AS actor, 'p' || i AS doc_id, 'url' AS kind,
                     's' || (i % {sites}) || '.example/a/' || (i % {pages}) AS item
              FROM range({n}) t(i)
              UNION ALL
              SELECT 'acc' || (i % {accounts}), 'p' || i, 'text', 'words ' || (i % {n // 3})
              FROM range({n}) t(i)
              UNION ALL
              SELECT 'web' || (i % {web}), 'w' || i, 'text', 'page words ' || i
              FROM range({pages}) t(i))""")
    return _Corpus(con)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    c0 = time.process_time()
    corpus = build(n, int(sys.argv[2]) if len(sys.argv) > 2 else None)
    print(f"build {n:,} posts: {time.process_time() - c0:.1f} s CPU")
    n_items = int(corpus.con.execute("SELECT max(item_code) + 1 FROM _coord_coded").fetchone()[0])
    for name, call in [("syndicated_shares", lambda: syndication.syndicated_shares(corpus)),
                       ("site_owners", lambda: syndication.site_owners(corpus, n_items)),
                       ("page_publications",
                        lambda: syndication.page_publications(corpus, n_items))]:
        c0, w0 = time.process_time(), time.perf_counter()
        got = call()
        print(f"{name}: {time.process_time() - c0:.2f} s CPU, "
              f"{time.perf_counter() - w0:.2f} s wall, result size {len(got)}")


if __name__ == "__main__":
    main()
