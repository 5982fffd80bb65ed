"""A text posted beside an article's links belongs to the article's site: a feed's headline.

Why: the crowd filter (:mod:`.crowd`, :mod:`.sites`) asks a group to be half of the close
sharers of a link's *site*, so that an outlet's readers and the feed bots polling it do not
own its articles; a link's title text joins its link's site (:mod:`.carried`) only when it
came with the link (its first post within two minutes of the link's first post) and half of
its accounts posted it beside that one link. An outlet and the aggregators that re-post its
headlines miss both conditions, and then meet on the headline alone, story after story:

* each aggregator wraps the article in a short link of its own (``dlvr.it``, ``trib.al``),
  the outlet in another, and one or two post the article's own address: no single link is
  beside half of the headline's posts (generator 4's dev seed 4104: an outlet and four
  aggregators, an outlet and two, in communities of the planted world and the negative
  control, on headlines of 3-7 sharers);
* the outlet posts the headline minutes *before* the article's address first appears (its
  feed publishes later), or a reader shares the address minutes before the outlet and its
  feed bot post the headline (generator 5's dev seed 5105: an outlet and a feed bot in a
  community on three such headlines, beside 71 links of the outlet's site the crowd filter
  had dropped).

**Rule** (:func:`text_sites`). A ``text`` item gets the site of a direct (not short) link
``U`` when at least half of its accounts posted it beside some link (any link: a wrapper may
be the same article), the direct links posted beside it are all on one site, and the text's
first post is within ``SLACK_S`` of the first post of ``U`` (either way). Nothing is dropped:
the text's co-actions are still tested, and only have to be the group's by the site's crowd
too, as the links' are; the site's slice (:mod:`.siteslice`) applies, so a ring pasting its
words beside its own site's links keeps them.

**Assumption.** A ring pasting its own slogan beside someone else's articles does so more
than ``SLACK_S`` from the article's first appearance, or on a site whose close sharers it is
half of (or shares together, :mod:`.siteslice`); one pasting within half an hour beside a
busy outlet's articles is judged by that outlet's crowd and loses that text evidence. A
slogan beside links of several sites gets no site.

Cost: one SQL statement of joins and aggregates over the text and link events, linear.
Switch: :data:`TEXT_SITES`.
"""

from __future__ import annotations

from ..corpus import Corpus

#: Whether texts beside an article's links join its site (``False``: coordination 8, only
#: titles that came with one link).
TEXT_SITES = True
#: Half an hour either way: a feed polled every 30 minutes posts a new article within it,
#: and an outlet's own post may precede its feed's address by as much.
SLACK_S = 1800.0


def text_sites(corpus: Corpus) -> int:
    """Add rows to ``_coord_title_sites(t_item, u_item)`` for texts beside an article's
    links (see the module docstring); texts already there keep their link. Reads
    ``_coord_events`` (links canonical, before episodes). Returns the rows added."""
    con = corpus.con
    if not TEXT_SITES:
        return 0
    con.execute("""CREATE TEMP TABLE IF NOT EXISTS _coord_title_sites
                   (t_item VARCHAR, u_item VARCHAR)""")
    before = con.execute("SELECT count(*) FROM _coord_title_sites").fetchone()
    con.execute(f"""INSERT INTO _coord_title_sites
        WITH tx AS (SELECT DISTINCT actor, item AS t_item, doc_id FROM _coord_events
                    WHERE kind = 'text'),
             ux AS (SELECT DISTINCT doc_id, item AS u_item FROM _coord_events WHERE kind = 'url'),
             tn AS (SELECT item AS t_item, count(DISTINCT actor) AS n, min(t) AS t1
                    FROM _coord_events WHERE kind = 'text' GROUP BY item),
             beside AS (SELECT tx.t_item, count(DISTINCT tx.actor) AS m
                        FROM tx WHERE EXISTS (SELECT 1 FROM ux WHERE ux.doc_id = tx.doc_id)
                        GROUP BY tx.t_item),
             direct AS (SELECT DISTINCT tx.t_item, ux.u_item,
                               split_part(ux.u_item, '/', 1) AS host
                        FROM tx JOIN ux USING (doc_id) WHERE ux.u_item NOT LIKE 'short:%'),
             first_u AS (SELECT item AS u_item, min(t) AS t0 FROM _coord_events
                         WHERE kind = 'url' AND item NOT LIKE 'short:%' GROUP BY item),
             one_site AS (SELECT t_item FROM direct GROUP BY t_item
                          HAVING count(DISTINCT host) = 1)
        SELECT d.t_item, min(d.u_item) AS u_item
        FROM direct d JOIN one_site USING (t_item) JOIN tn USING (t_item)
        JOIN beside b USING (t_item) JOIN first_u f USING (u_item)
        WHERE tn.n >= 2 AND b.m * 2 >= tn.n
          AND abs(epoch(tn.t1) - epoch(f.t0)) <= {SLACK_S}
          AND d.t_item NOT IN (SELECT t_item FROM _coord_title_sites)
        GROUP BY d.t_item""")
    after = con.execute("SELECT count(*) FROM _coord_title_sites").fetchone()
    return int((after[0] if after else 0) - (before[0] if before else 0))
