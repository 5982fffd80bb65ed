"""Actions another action already carries: manual reposts and a link's own title.

Why apart from :mod:`.coactions`: these rules decide what is *not* independent evidence,
after the events are built, and each is one SQL statement over ``_coord_events``:

* **Manual reposts.** A post whose text starts ``RT @name:`` (scraped accounts, old
  clients, exports without a relation field) is a repost of ``@name``'s text: it carries
  the original's words, links and hashtags by construction. As for platform reposts
  (``posts.relation``), the reposter's occurrence is a ``retweet`` action on that text,
  not a ``text``, ``url``, ``hashtag`` or ``embedded_post`` one; otherwise the original's
  author is tied by ``text`` to everyone who reposted it (a celebrity to its fans).
* **A link's title.** A share button writes the shared page's headline beside its link
  ("<headline> via @outlet <link>"); the outlet and aggregator bots post the same words
  with the same link. Such a text is the link share itself, not a second, independent
  item: a ``text`` action is dropped when its document also carries a ``url`` item ``U``,
  at least half of the accounts that posted the text posted it with ``U``, and the text
  came with the link (its first post is at most ``ORIGIN_SLACK_S`` after ``U``'s first
  post: scraped times are rounded to the minute, so a reader's post can look a few
  seconds *earlier* than the outlet's own), and
  ``U`` has sharers who wrote other words: the text is then a subset of the link's crowd,
  and tested alone it would look rarer than the link it travels with. A group that
  pastes its own slogan beside a link keeps its ``text`` evidence: its words did not
  come with the link, or everyone who shared the link wrote them (then the text has the
  link's sharers and timing, and adds no false rarity). A title kept (everyone wrote it)
  still belongs to the link's site in the crowd filter (:mod:`.sites`).
* **A headline behind a wrapper.** Feed aggregators repost an outlet's headline, each
  with its *own* short link (``dlvr.it``, ``trib.al``, ``buff.ly``) that the data does not
  expand; the outlet posts the same words with the article's own address. Each wrapper is
  shared once, so the title rule above never sees a link they share, and the aggregators
  (and the outlet) meet on the headline alone, on story after story: on generator 4's dev
  seed, 2 of the negative control's 5 communities. A ``text`` action is dropped
  (:func:`drop_wrapped_titles`) when its document carries links, all of them unexpanded
  short links, the text travels behind at least two different such wrappers (each feed
  its own), and the text is the title of an article: someone posted it with a direct
  (non-short) link ``U``, the text's first post is within ``ORIGIN_SLACK_S`` of ``U``'s
  first post, and at least half of the text's accounts posted it beside a link. The
  wrapper is then taken for a share of the article, which it cannot be tied by. Kept:
  a text with no link (a copy-paste group), a text that existed before any article
  carried it, a text behind one short link only (a group pasting its words with its one
  campaign short link: generator 4's dev group G07 lost a member when that was dropped),
  and the posts that carry ``U`` itself (the rule above decides those). *Limit:* a ring
  whose members each wrap the article in their own short link, and one of which posts
  the article's address, looks like feeds and loses its text evidence there.

It also names, for the chance test, the **audience** of each repost: the account whose
post it re-shares (:func:`audience_of`; :mod:`.cochance` conditions repost rates on it).
"""

from __future__ import annotations

import duckdb

from ..corpus import Corpus, one

#: A manual repost: ``RT @name:`` at the start of the text (after spaces).
MANUAL_REPOST = r"^\s*RT @[A-Za-z0-9_]{1,30}:"
#: The same, capturing the account's name (group 1).
MANUAL_REPOST_NAME = MANUAL_REPOST.replace("@[A-Za-z0-9_]{1,30}:", "@([A-Za-z0-9_]{1,30}):")


def stage_table_exists(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    """Whether this stage made the temp table ``name`` (temp tables are not in
    ``information_schema``): its readers join it only then."""
    return bool(con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = ?",
                            [name]).fetchall()[0][0])


def title_sites_exist(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether this stage made ``_coord_title_sites``: its readers (sites.py,
    syndication.py, tagsites.py) join it only then."""
    return stage_table_exists(con, "_coord_title_sites")


def reclassify_manual_reposts(corpus: Corpus) -> int:
    """Turn the ``text`` action of each ``RT @name:`` document into a ``retweet`` action on
    the same text item, and drop its ``url``/``hashtag``/``embedded_post``/reuse actions.

    Returns the number of documents treated as manual reposts.
    """
    con = corpus.con
    con.execute(f"""CREATE OR REPLACE TEMP TABLE _coord_manual_rt AS
        SELECT DISTINCT e.doc_id FROM _coord_events e JOIN documents d USING (doc_id)
        WHERE e.kind = 'text' AND regexp_matches(d.text, '{MANUAL_REPOST}')""")
    n = one(con.execute("SELECT count(*) FROM _coord_manual_rt"))[0]
    if n:
        con.execute("""DELETE FROM _coord_events WHERE doc_id IN (SELECT doc_id FROM _coord_manual_rt)
            AND (kind IN ('url', 'hashtag', 'embedded_post')
                 OR (kind = 'text' AND item LIKE 'reuse:%'))""")
        con.execute("""UPDATE _coord_events SET kind = 'retweet', item = 'retweet:' || item
            WHERE kind = 'text' AND doc_id IN (SELECT doc_id FROM _coord_manual_rt)""")
        if corpus.has_table("posts"):
            _join_platform_reposts(corpus)
    con.execute("DROP TABLE IF EXISTS _coord_manual_rt")
    return int(n)


#: How much later than a link's first post a text's first post may come and still be the
#: link's title (seconds): a minute of rounding in scraped times, either way.
ORIGIN_SLACK_S = 120.0


#: Whether a headline posted beside an unexpanded short link is dropped as that link's
#: title (:func:`drop_wrapped_titles`; ``False``: the old behaviour).
WRAPPED_TITLES = True
#: How many different opaque wrappers a headline must travel behind. 2: a group pasting
#: its words beside its one campaign short link keeps them. 1 (any wrapper) removed more
#: feeds on generator 5's dev seed 5105 (8 -> 2 innocents placed) but cost generator 4's
#: dev text group G07 a member (F1 0.889 -> 0.824): both post one headline (or slogan)
#: behind a single short link per story, which text and links alone cannot tell apart.
MIN_WRAPPERS = 2


def drop_wrapped_titles(corpus: Corpus) -> int:
    """Drop ``text`` actions that are an article's headline beside an opaque short link
    (see the module docstring). Runs before :func:`drop_link_titles`, which may drop the
    direct posts this reads. Returns the number of ``text`` actions dropped."""
    if not WRAPPED_TITLES:
        return 0
    con = corpus.con
    before = one(con.execute("SELECT count(*) FROM _coord_events WHERE kind = 'text'"))[0]
    con.execute(f"""CREATE OR REPLACE TEMP TABLE _coord_wrapped AS
        WITH ux AS (SELECT DISTINCT doc_id, item AS u_item FROM _coord_events
                    WHERE kind = 'url'),
             linked AS (SELECT doc_id, bool_and(u_item LIKE 'short:%') AS opaque,
                               string_agg(u_item, ' ' ORDER BY u_item) AS links
                        FROM ux GROUP BY doc_id),
             tx AS (SELECT DISTINCT actor, item AS t_item, doc_id FROM _coord_events
                    WHERE kind = 'text'),
             first_u AS (SELECT item AS u_item, min(t) AS t0 FROM _coord_events
                         WHERE kind = 'url' AND item NOT LIKE 'short:%' GROUP BY item),
             first_t AS (SELECT item AS t_item, min(t) AS t1
                         FROM _coord_events WHERE kind = 'text' GROUP BY item),
             tn AS (SELECT t_item, count(DISTINCT actor) AS n FROM tx GROUP BY t_item),
             tl AS (SELECT t_item, count(DISTINCT actor) AS m,
                           count(DISTINCT links) FILTER (WHERE opaque) AS wrappers
                    FROM tx JOIN linked USING (doc_id) GROUP BY t_item),
             heads AS (SELECT DISTINCT tx.t_item FROM tx JOIN ux USING (doc_id)
                       JOIN first_u USING (u_item) JOIN first_t USING (t_item)
                       WHERE abs(epoch(t1) - epoch(t0)) <= {ORIGIN_SLACK_S})
        SELECT DISTINCT tx.doc_id, tx.t_item FROM tx JOIN heads USING (t_item)
        JOIN tn USING (t_item) JOIN tl USING (t_item) JOIN linked USING (doc_id)
        WHERE linked.opaque AND tn.n >= 2 AND tl.m * 2 >= tn.n AND tl.wrappers >= {MIN_WRAPPERS}""")
    con.execute("""DELETE FROM _coord_events e WHERE e.kind = 'text' AND EXISTS (
        SELECT 1 FROM _coord_wrapped w WHERE w.doc_id = e.doc_id AND w.t_item = e.item)""")
    con.execute("DROP TABLE IF EXISTS _coord_wrapped")
    after = one(con.execute("SELECT count(*) FROM _coord_events WHERE kind = 'text'"))[0]
    return int(before - after)


def drop_link_titles(corpus: Corpus) -> int:
    """Drop ``text`` actions that are a link's title (see the module docstring).

    Returns the number of ``text`` actions dropped.
    """
    con = corpus.con
    before = one(con.execute("SELECT count(*) FROM _coord_events WHERE kind = 'text'"))[0]
    con.execute(f"""CREATE OR REPLACE TEMP TABLE _coord_titles AS
        WITH tx AS (SELECT DISTINCT actor, item AS t_item, doc_id FROM _coord_events
                    WHERE kind = 'text'),
             ux AS (SELECT DISTINCT doc_id, item AS u_item FROM _coord_events WHERE kind = 'url'),
             first_u AS (SELECT item AS u_item, min(t) AS t0
                         FROM _coord_events WHERE kind = 'url' GROUP BY item),
             first_t AS (SELECT item AS t_item, min(t) AS t1
                         FROM _coord_events WHERE kind = 'text' GROUP BY item),
             tn AS (SELECT t_item, count(DISTINCT actor) AS n FROM tx GROUP BY t_item),
             un AS (SELECT item AS u_item, count(DISTINCT actor) AS n FROM _coord_events
                    WHERE kind = 'url' GROUP BY item),
             tu AS (SELECT t_item, u_item, count(DISTINCT actor) AS m
                    FROM tx JOIN ux USING (doc_id) GROUP BY t_item, u_item),
             gap AS (SELECT tu.t_item, tu.u_item, epoch(t1) - epoch(t0) AS gap
                     FROM tu JOIN first_u USING (u_item) JOIN first_t USING (t_item))
        SELECT tu.t_item, tu.u_item, un.n > tn.n AS wider,
               coalesce(g.gap <= {ORIGIN_SLACK_S}, false) AS came
        FROM tu JOIN tn USING (t_item) JOIN un USING (u_item)
        LEFT JOIN gap g USING (t_item, u_item)
        WHERE tu.m * 2 >= tn.n AND tn.n >= 2""")
    # the link's site, for the crowd filter (link/sites.py): kept until the stage ends
    # (link/textsites.py adds texts that came later or behind several links)
    con.execute("""CREATE OR REPLACE TEMP TABLE _coord_title_sites AS
        SELECT t_item, coalesce(min(u_item) FILTER (WHERE u_item NOT LIKE 'short:%'),
                                min(u_item)) AS u_item
        FROM _coord_titles WHERE came GROUP BY t_item""")
    # one link per title, the same on every run (any_value made the title's site, and so
    # the crowd filter's verdicts, change between runs of the same corpus): a direct link
    # before an opaque short one, whose site is unknown
    con.execute("""DELETE FROM _coord_events e WHERE e.kind = 'text' AND EXISTS (
        SELECT 1 FROM _coord_titles ti JOIN _coord_events u
          ON u.kind = 'url' AND u.item = ti.u_item
        WHERE ti.t_item = e.item AND u.doc_id = e.doc_id AND ti.wider AND ti.came)""")
    con.execute("DROP TABLE IF EXISTS _coord_titles")
    after = one(con.execute("SELECT count(*) FROM _coord_events WHERE kind = 'text'"))[0]
    return int(before - after)


#: Whether replies are conditioned on the account they answer, as reposts are on the
#: account they re-share: a celebrity's fans answer each of its posts within minutes, post
#: after post (generator 7's dev seed: 54 fans in three communities, all co-replying under
#: one account). Their meeting is measured against how often each answers *that* account.
#: A brigade that answers only one account's posts is, by the same measure, that account's
#: audience (docs/coordination.md, section 3). Quotes are not conditioned: with them,
#: generator 6's dev quote ring (quoting a dozen outlets, one or two posts each) was lost.
CONDITION_ANSWERS = True
AUDIENCE_KINDS = ("retweet", "forward")
ANSWER_KINDS = ("reply",)
#: Quotes get the quoted account too, as ``answered`` (never as ``audience``: see above),
#: for the spread family, which counts a pair's quotes by the accounts quoted and its
#: replies by the accounts answered (link/spread.py).
QUOTE_KINDS = ("quote",)


def audience_of(corpus: Corpus) -> None:
    """``_coord_audience(row_code, audience)``: for each ``retweet``/``forward`` share in
    ``_coord_coded`` (and ``reply`` with :data:`CONDITION_ANSWERS`, ``quote``: read as the
    share's ``answered`` account, :data:`QUOTE_KINDS`), a code of the account whose post it
    re-shares, answers or quotes.

    From the platform's ``posts`` (``parent_author``, else the parent post's author), else
    the ``RT @name:`` of a manual repost. Fans of one account re-share its posts, often
    within seconds of each other (notifications): the chance test measures their
    meeting against how often each re-shares *that* account, not any post.
    """
    con = corpus.con
    rx = MANUAL_REPOST_NAME
    manual = f"nullif(regexp_extract(d.text, '{rx}', 1), '')"
    kinds = AUDIENCE_KINDS + (ANSWER_KINDS if CONDITION_ANSWERS else ()) + QUOTE_KINDS
    relations = ("repost", "forward") + (ANSWER_KINDS if CONDITION_ANSWERS else ()) + QUOTE_KINDS
    if corpus.has_table("posts"):
        who = f"coalesce(p.parent_author, par.author, {manual})"
        joins = f"""LEFT JOIN posts p ON p.doc_id = c.doc_id AND p.author = c.actor
                       AND p.relation IN {relations!r}
                   LEFT JOIN posts par ON par.platform = p.platform
                       AND par.post_id = p.parent_id"""
    else:
        who, joins = manual, ""
    con.execute(f"""CREATE OR REPLACE TEMP TABLE _coord_audience AS
        SELECT row_code, dense_rank() OVER (ORDER BY who) - 1 AS audience
        FROM (SELECT c.row_code, min({who}) AS who
              FROM _coord_coded c LEFT JOIN documents d ON d.doc_id = c.doc_id {joins}
              WHERE c.kind IN {kinds!r} GROUP BY c.row_code)
        WHERE who IS NOT NULL""")


def _join_platform_reposts(corpus: Corpus) -> None:
    """A manual repost of a post the platform export holds is the same item as the
    platform's reposts of it (``retweet:<platform>:<post id>``): the original's text, with
    the ``RT @name:`` prefix stripped, posted by ``@name``. Otherwise a post's few scraped
    reposters (minute-rounded times) look like a rare, tight item of their own."""
    rx = MANUAL_REPOST_NAME
    corpus.con.execute(f"""CREATE OR REPLACE TEMP TABLE _coord_rt_map AS
        WITH m AS (SELECT DISTINCT r.doc_id, regexp_extract(d.text, '{rx}', 1) AS name,
                          trim(regexp_replace(d.text, '{rx}', '')) AS body
                   FROM _coord_manual_rt r JOIN documents d USING (doc_id))
        SELECT m.doc_id, min('retweet:' || p.platform || ':' || p.post_id) AS item
        FROM m JOIN documents o ON trim(o.text) = m.body
        JOIN posts p ON p.doc_id = o.doc_id AND p.author = m.name
             AND coalesce(p.relation, 'original') = 'original'
        GROUP BY m.doc_id""")
    corpus.con.execute("""UPDATE _coord_events e SET item = r.item FROM _coord_rt_map r
        WHERE e.doc_id = r.doc_id AND e.kind = 'retweet'""")
    corpus.con.execute("DROP TABLE IF EXISTS _coord_rt_map")
