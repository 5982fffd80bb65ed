"""The co-actions coordination compares: one event per account action on an item.

Why apart from :mod:`.coordination`: turning documents, references and platform
posts into ``(actor, item, kind, time)`` events (canonical URLs, near-identical
texts, retweets/replies/quotes/forwards, repeated episodes of one item) is its own
job with its own SQL; the statistics and groups only read the events it leaves in
the corpus's temporary tables (``_coord_events``) and the shares it returns.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from ..analyze.text_patterns import fold
from ..corpus import Corpus, first_documents_sql
from .canonical import canonical_url, join_short_links
from .carried import (
    ANSWER_KINDS,
    QUOTE_KINDS,
    audience_of,
    drop_link_titles,
    drop_wrapped_titles,
    reclassify_manual_reposts,
)
from .forwards import forwarded_messages
from .neartext import near_text_groups
from .tagsites import tag_sites
from .textsites import text_sites

#: Whether repost rates are conditioned on the reposted account (an ``audience`` column
#: for :mod:`.cochance`). Measured: gen3 dev fans in communities 135 -> 32; a ring that is
#: the whole audience of the account it amplifies is lost (docs/coordination.md, section 3).
CONDITION_REPOSTS = True

#: The co-action kind of a ``posts.relation`` (a platform repost is a ``retweet``).
_RELATION_KIND = "CASE p.relation WHEN 'repost' THEN 'retweet' ELSE p.relation END"

#: ``meta`` keys naming the post a document retweets, replies to, quotes or forwards.
PLATFORM_KEYS = {
    "retweet": ("retweet_of", "retweeted_id", "retweeted_status_id"),
    "reply": ("reply_to", "in_reply_to", "in_reply_to_status_id"),
    "quote": ("quote_of", "quoted_status_id"),
    "forward": ("forward_from", "fwd_from"),
}

#: Every occurrence of a document (one per source) as an action of its source, at its
#: time: what the stage calls an account's posts (also read by schedules.py, infrastructure.py).
OCCURRENCES_SQL = """
    SELECT doc_id, coalesce(source, author) AS actor, published AS t FROM document_sources
    UNION ALL
    SELECT d.doc_id, coalesce(d.source, d.author), d.published
    FROM documents d ANTI JOIN document_sources s USING (doc_id)
"""


def temp_table(corpus: Corpus, name: str, tbl: pa.Table) -> None:
    """A temp table from Arrow rows (a replacement scan: no registration to leak)."""
    arrow_rows = tbl  # noqa: F841 (read by DuckDB by name)
    corpus.con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM arrow_rows")


def _url_map(corpus: Corpus) -> None:
    """``_coord_urls(raw, item)``: every distinct link as written, to its canonical item.

    A short link is joined to its expansion when some document's ``meta`` carries
    ``url_expansions`` (``{short: expanded}``, as platforms' ``entities.urls`` give).
    """
    expansions = []
    for (meta,) in corpus.con.execute(
            "SELECT meta FROM documents WHERE meta LIKE '%\"url_expansions\"%'").fetchall():
        found = json.loads(meta).get("url_expansions")
        if isinstance(found, dict):
            expansions += [(str(k), str(v)) for k, v in found.items()]
    joined = join_short_links(expansions)
    # distinct links streamed in batches (at 10M posts, millions of distinct links as
    # Python strings would be gigabytes), each batch appended to the temp table
    corpus.con.execute("CREATE OR REPLACE TEMP TABLE _coord_urls (raw VARCHAR, item VARCHAR)")
    cur = corpus.con.cursor()
    links = (" UNION SELECT link FROM (SELECT unnest(links) AS link FROM posts) "
             "WHERE link IS NOT NULL" if _has_post_links(corpus) else "")
    reader = cur.sql("SELECT DISTINCT value FROM doc_references "
                     f"WHERE kind = 'url' AND value IS NOT NULL{links}").to_arrow_reader(50000)
    for batch in reader:
        raws = batch.column(0).to_pylist()
        items = [canonical_url(r) for r in raws]
        chunk = pa.table({"raw": pa.array(raws, pa.string()),  # noqa: F841 (read by DuckDB)
                          "item": pa.array([joined.get(i, i) for i in items], pa.string())})
        corpus.con.execute("INSERT INTO _coord_urls SELECT * FROM chunk")
    cur.close()


def _has_post_links(corpus: Corpus, column: str = "links") -> bool:
    if not corpus.has_table("posts"):
        return False
    found = corpus.con.execute(
        "SELECT count(*) FROM information_schema.columns "
        "WHERE table_name = 'posts' AND column_name = ?", [column]).fetchone()
    return bool(found and found[0])


#: Whether hashtags named only in a platform export's field are events (:func:`_post_tags`).
#: **Off**: measured on the dev seeds, generator 7's G04 0.923 -> 0.95, but on generator 5's
#: 31 Mastodon field tags its text parser reads otherwise (``peut-etre``, ``#peut`` in the
#: text) re-partitioned two groups (masto_big_mixed 0.765 -> 0.101, group F1 0.780 ->
#: 0.726); generators 3, 4, 6, 8 and 9 unchanged. A tag only in the field (a TikTok caption
#: without it) is then not an item.
POST_TAGS = False


def _post_tags(corpus: Corpus) -> str | None:
    """SQL of the hashtags a platform export names for a post (``posts.hashtags``: TikTok's,
    Instagram's and X's API fields) that its text does not carry, as events; ``None`` when
    the posts have none. Why: a video's or a caption's tags are often only in the export's
    field, not in the text the references analyzer reads (judge 9's dev seed: two TikTok
    hashtag groups had no hashtag event at all). Each tag is folded as the analyzer folds a
    tag in a text (NFKC, case folding), once per distinct tag."""
    if not (POST_TAGS and _has_post_links(corpus, "hashtags")):
        return None
    raws = [r[0] for r in corpus.con.execute(
        "SELECT DISTINCT tag FROM (SELECT unnest(hashtags) AS tag FROM posts "
        "WHERE len(hashtags) > 0) WHERE tag IS NOT NULL").fetchall()]
    if not raws:
        return None
    items = [fold(str(r).lstrip("#＃").strip()) for r in raws]
    keep = [(r, i) for r, i in zip(raws, items, strict=True) if i]
    temp_table(corpus, "_coord_tags", pa.table({"raw": [r for r, _ in keep],
                                                 "item": [i for _, i in keep]}))
    text_tags = ("AND NOT EXISTS (SELECT 1 FROM doc_references r WHERE r.doc_id = p.doc_id "
                 "AND r.kind = 'hashtag' AND r.normalized = t.item)"
                 if corpus.has_table("doc_references") else "")
    return f"""SELECT p.author, 'hashtag', t.item, p.published, p.doc_id, '#' || p.tag
        FROM (SELECT author, published, doc_id, unnest(hashtags) AS tag FROM posts
              WHERE len(hashtags) > 0
                AND (relation IS NULL OR relation NOT IN ('repost', 'forward'))) p
        JOIN _coord_tags t ON t.raw = p.tag
        WHERE true {text_tags}"""


def _text_map(corpus: Corpus) -> None:
    """``_coord_near(doc_id, item)``: documents with a near-identical partner.

    Texts are streamed in ``doc_id`` order and matched by position: no document id is
    held in Python (at 10M posts a list of ids alone is about a gigabyte).
    """
    short = "SELECT doc_id, text FROM documents WHERE length(text) <= 5000"
    cur = corpus.con.cursor()
    reader = cur.sql(f"SELECT text FROM ({short}) ORDER BY doc_id").to_arrow_reader(20000)

    def rows() -> Any:
        for batch in reader:
            yield from batch.column(0).to_pylist()

    at, first = near_text_groups(rows())
    cur.close()
    pairs = pa.table({"pos": pa.array(at, pa.int64()), "first": pa.array(first, pa.int64())})
    temp_table(corpus, "_coord_near_pos", pairs)
    corpus.con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _coord_near AS
        WITH numbered AS (SELECT doc_id, row_number() OVER (ORDER BY doc_id) - 1 AS pos
                          FROM ({short}))
        SELECT d.doc_id, 'near:' || f.doc_id AS item
        FROM _coord_near_pos p JOIN numbered d ON d.pos = p.pos
        JOIN numbered f ON f.pos = p.first""")
    corpus.con.execute("DROP TABLE IF EXISTS _coord_near_pos")


def build_events(corpus: Corpus, near_text: bool = True, limit: int | None = None) -> None:
    con = corpus.con
    # A platform repost or forward carries its original's text, links and hashtags by
    # construction: it is a retweet/forward co-action with the other reposters, not a
    # copied text or a shared link, and must not tie the original's author to everyone
    # who reposted it (a popular account and its fans). Only the reposter's occurrence
    # is left out: the original's own occurrence of the same document still counts.
    reposts = ("WHERE NOT EXISTS (SELECT 1 FROM posts rp WHERE rp.doc_id = o.doc_id "
               "AND rp.author = o.actor AND rp.relation IN ('repost', 'forward'))"
               if corpus.has_table("posts") else "")
    rp_and = reposts.replace("WHERE ", "AND ", 1)
    parts = []
    if corpus.has_table("doc_references"):
        _url_map(corpus)
        parts.append(f"""SELECT o.actor, 'url', u.item, o.t, o.doc_id, r.value
            FROM doc_references r JOIN _coord_urls u ON u.raw = r.value JOIN occ o USING (doc_id)
            WHERE r.kind = 'url' {rp_and}""")
        if _has_post_links(corpus):
            # the links a platform export names for a post (X's entities.urls, unwound
            # where X unwound them): the text only shows t.co wrappers, one per tweet,
            # which would make every tweet's link an item of its own
            parts.append("""SELECT p.author, 'url', u.item, p.published, p.doc_id, p.link
                FROM (SELECT author, published, doc_id, unnest(links) AS link FROM posts
                      WHERE relation IS NULL OR relation NOT IN ('repost', 'forward')) p
                JOIN _coord_urls u ON u.raw = p.link""")
        parts.append(f"""SELECT o.actor, r.kind, coalesce(r.normalized, r.value), o.t, o.doc_id,
                   r.value
            FROM doc_references r JOIN occ o USING (doc_id)
            WHERE r.kind IN ('hashtag', 'embedded_post') {rp_and}""")
    tags = _post_tags(corpus)
    if tags is not None:
        parts.append(tags)
    if near_text:
        _text_map(corpus)
        parts.append(f"""SELECT o.actor, 'text', coalesce(n.item, 'doc:' || o.doc_id), o.t,
                   o.doc_id, NULL FROM occ o LEFT JOIN _coord_near n USING (doc_id) {reposts}""")
    else:
        parts.append("SELECT o.actor, 'text', 'doc:' || o.doc_id, o.t, o.doc_id, NULL "
                     f"FROM occ o {reposts}")
    if corpus.has_table("reuse_clusters"):
        parts.append(f"""SELECT o.actor, 'text', 'reuse:' || c.cluster_id, o.t, o.doc_id, NULL
            FROM (SELECT DISTINCT cluster_id, doc_id FROM reuse_clusters) c JOIN occ o USING (doc_id)
            {reposts}""")
    for kind, keys in PLATFORM_KEYS.items():
        ref = "coalesce(" + ", ".join(f"json_extract_string(d.meta, '$.{k}')" for k in keys) + ")"
        parts.append(f"""SELECT o.actor, '{kind}', '{kind}:' || {ref}, o.t, o.doc_id, {ref}
            FROM documents d JOIN occ o USING (doc_id)
            WHERE d.meta IS NOT NULL AND {ref} IS NOT NULL""")
    if corpus.has_table("posts"):
        # Platform exports (ingest/platforms) keep who reposted, replied to, quoted or
        # forwarded what: the post acted on is the item (for a Telegram forward, which
        # names only the source chat, that chat), the reposter's own time is the time.
        parts.append(f"""SELECT p.author, {_RELATION_KIND},
                   {_RELATION_KIND} || ':' || p.platform || ':'
                       || coalesce(p.parent_id, 'from:' || p.parent_author),
                   p.published, p.doc_id, coalesce(p.parent_id, p.parent_author)
            FROM posts p
            WHERE p.relation IN ('repost', 'reply', 'quote', 'forward')
              AND coalesce(p.parent_id, p.parent_author) IS NOT NULL""")
    con.execute("DROP TABLE IF EXISTS _coord_events")
    # --limit N: only actions in the first N documents (doc_id order), as analyze reads them.
    sample = f" AND doc_id IN ({first_documents_sql(limit)})" if limit else ""
    con.execute(f"""
        CREATE TEMP TABLE _coord_events AS
        WITH occ AS ({OCCURRENCES_SQL})
        SELECT DISTINCT * FROM ({' UNION ALL '.join(parts)}) e(actor, kind, item, t, doc_id, raw)
        WHERE actor IS NOT NULL AND t IS NOT NULL AND item IS NOT NULL{sample}
    """)
    # actions another action already carries (link/carried.py): a manual "RT @name:"
    # repost is a retweet, not a text; a link's title is the link share, not a text
    reclassify_manual_reposts(corpus)
    drop_wrapped_titles(corpus)  # a headline beside an unexpanded short link
    drop_link_titles(corpus)
    text_sites(corpus)  # a text beside an article's links is its site's (textsites.py)
    tag_sites(corpus)  # a text posted with a hashtag is the tag's crowd's (tagsites.py)
    forwarded_messages(corpus)  # a chat-only forward: the message is the item (forwards.py)
    con.execute("DROP TABLE IF EXISTS _coord_urls")
    con.execute("DROP TABLE IF EXISTS _coord_tags")
    con.execute("DROP TABLE IF EXISTS _coord_near")


def load_shares(corpus: Corpus, episode_gap_s: float | None = None
            ) -> tuple[pd.DataFrame, list[str], list[str]]:
    """First share per (actor, kind, item, episode) as integer codes; actor names by code.

    An item's **episode** ends when nobody shares it for ``episode_gap_s``: a group that
    pushes the same hashtag in burst after burst then co-acts once per burst, not once
    in all (only an account's first share of an item counts). Episodes after the first
    are items of their own, named ``item @N`` (N from 1), with their own sharers and
    timing in the chance test. ``None`` keeps one episode per item.
    """
    con = corpus.con
    source = "_coord_events"
    if episode_gap_s:
        source = f"""(SELECT actor, kind,
                CASE WHEN episode = 0 THEN item ELSE item || ' @' || episode END AS item,
                t, doc_id, raw
            FROM (SELECT *, sum(CASE WHEN gap > {float(episode_gap_s)} THEN 1 ELSE 0 END)
                        OVER (PARTITION BY kind, item ORDER BY t, actor, doc_id
                              ROWS UNBOUNDED PRECEDING) AS episode
                  FROM (SELECT *, epoch(t) - epoch(lag(t) OVER (PARTITION BY kind, item
                                 ORDER BY t, actor, doc_id)) AS gap
                        FROM _coord_events)))"""
    # one statement, no intermediate table; the events are dropped as soon as they are
    # coded (DuckDB temp tables live in memory until they spill)
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _coord_coded AS
        SELECT s.*, dense_rank() OVER (ORDER BY actor) - 1 AS actor_code,
               dense_rank() OVER (ORDER BY kind, item) - 1 AS item_code,
               dense_rank() OVER (ORDER BY doc_id) - 1 AS doc_code,
               row_number() OVER (ORDER BY kind, item, t, actor) - 1 AS row_code
        FROM (SELECT actor, kind, item, min(t) AS t, arg_min(doc_id, (t, doc_id)) AS doc_id,
                     arg_min(raw, (t, doc_id, raw)) AS raw
              FROM {source} GROUP BY actor, kind, item) s""")
    # ties of time (one post's link in its text and in the export's own links, two posts
    # in one second) are broken by document id and raw form: the same input must give the
    # same evidence on every run
    con.execute("DROP TABLE IF EXISTS _coord_events")
    # narrow columns straight from DuckDB, already in (item, t, actor) order (row_code's
    # order: item codes rank (kind, item)), kind as a pandas category: one small code
    # per share, not a Python string (at 10M posts that alone is gigabytes), and no
    # sort or copy in pandas
    if CONDITION_REPOSTS:
        audience_of(corpus)
    # a quote's account is its ``answered`` (the spread family's), never its ``audience``:
    # the window tests do not condition quotes (carried.QUOTE_KINDS); a reply's
    # ``answered`` is its ``audience``, the account answered
    quote = "kind IN (" + ", ".join(f"'{k}'" for k in QUOTE_KINDS) + ")"
    answer = "kind IN (" + ", ".join(f"'{k}'" for k in QUOTE_KINDS + ANSWER_KINDS) + ")"
    audience, joined = ((f"""CASE WHEN {quote} THEN -1
                                  ELSE coalesce(a.audience, -1) END::INTEGER AS audience,
                             CASE WHEN {answer} THEN coalesce(a.audience, -1)
                                  ELSE -1 END::INTEGER AS answered""",
                         "LEFT JOIN _coord_audience a USING (row_code)")
                        if CONDITION_REPOSTS else ("-1 AS no_audience", ""))
    df = con.sql(f"""SELECT actor_code::INTEGER AS actor, item_code::INTEGER AS item, kind,
                           epoch(t) AS t, doc_code::INTEGER AS doc, row_code AS row,
                           {audience}
                    FROM _coord_coded {joined}
                    ORDER BY row_code""").to_arrow_table().to_pandas(
        strings_to_categorical=True, self_destruct=True)
    if not CONDITION_REPOSTS:
        df = df.drop(columns=["no_audience"])
    else:  # one account per item: its shares can disagree (a parent outside the export)
        for col in ("audience", "answered"):
            df[col] = one_per_item(df["item"].to_numpy(np.int64), df[col].to_numpy(np.int64))
    con.execute("DROP TABLE IF EXISTS _coord_audience")
    actors = [r[0] for r in con.execute(
        "SELECT DISTINCT actor, actor_code FROM _coord_coded ORDER BY actor_code").fetchall()]
    return df, actors, []


def item_account(item: np.ndarray, account: np.ndarray, n_items: int) -> np.ndarray:
    """Per item code, the largest account code any of its shares knows (-1: none).

    Why: shares of one repost or reply can disagree on the account reposted or answered
    (its post outside the export, a handle on one share and a DID on another); the pair
    test and the attachment test condition on it per item, and must not depend on which
    share a scatter happened to write last (``maximum.at`` does not depend on the order).
    """
    known = np.full(n_items, -1, np.int64)
    np.maximum.at(known, item.astype(np.int64), account.astype(np.int64))
    return known


def one_per_item(item: np.ndarray, account: np.ndarray) -> np.ndarray:
    """Per share, its item's account (:func:`item_account`)."""
    n_items = int(item.max()) + 1 if len(item) else 0
    return item_account(item, account, n_items)[item].astype(np.int32)


# -- the stage ------------------------------------------------------------------
