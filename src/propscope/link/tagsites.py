"""A text posted with a hashtag belongs to the hashtag's crowd, as a link to its site's.

Why: a fandom's "streaming party" is a template one fan posts each day and a third of the
fandom pastes with small edits over the next hour, always with the fandom's hashtag. Per
template, the few dozen fans who paste it are its whole crowd, and two fans who happened
to paste four of the same templates "own" them: the chance test takes their choices as
independent, but both follow the same fandom (generator 3's held-out seed 90125: 59 fans
in two text communities of its negative control, on templates of 20-25 sharers). Over the
hashtag they are a few of the hundreds who ever pasted one of its templates close to
someone else. A ring pasting its own slogan with its own campaign tag is most of that
tag's crowd and keeps its texts; a slogan with a tag everyone uses keeps them too, since
strangers rarely paste the same text within the window (the site's crowd counts only
accounts that shared one of its items close to someone else).

**Rule** (:func:`tag_sites`). A ``text`` item that has no link site (:mod:`.textsites`,
:mod:`.carried`) gets the site ``#tag`` when at least half of its accounts posted it with
that hashtag in the same post (the tag most of them used; ties by name). Nothing is
dropped: the text is still tested and only has to be its group's by the tag's crowd too
(:mod:`.crowd`, :mod:`.sites`), where the site's slice (:mod:`.siteslice`) lets a ring that
shares the tag's texts together count its own texts' crowd.

**Assumption.** A coordinated group pasting a slogan with a hashtag that a larger crowd
also pastes texts with, close in time, is judged by that crowd and loses that text
evidence (its other kinds still count).

:func:`.sites.site_bases` reads the table (a tag's "site" is ``#tag``) and says which sites
are tags: the spread family's classes of tagged texts (:mod:`.spreadclass`).

Cost: one SQL statement of joins and aggregates over the text and hashtag events, linear.
Switch: :data:`TAG_SITES`.
"""

from __future__ import annotations

from ..corpus import Corpus
from .carried import stage_table_exists, title_sites_exist

#: Whether texts posted with a hashtag join the hashtag's crowd (``False``: coordination 14).
TAG_SITES = True


def tag_sites(corpus: Corpus) -> int:
    """Make ``_coord_tag_sites(t_item, tag)`` for texts posted with a hashtag (see the
    module docstring); texts with a link site are left to it. Reads ``_coord_events``
    (before episodes). Returns the rows made."""
    con = corpus.con
    con.execute("CREATE OR REPLACE TEMP TABLE _coord_tag_sites (t_item VARCHAR, tag VARCHAR)")
    if not TAG_SITES:
        return 0
    skip = ("AND t_item NOT IN (SELECT t_item FROM _coord_title_sites)"
            if title_sites_exist(con) else "")
    # texts two or more accounts posted first (most posts' texts are their own): the join
    # and the aggregates then run over the few shared texts only (memory at 1M posts)
    con.execute(f"""INSERT INTO _coord_tag_sites
        WITH tn AS (SELECT item AS t_item, count(DISTINCT actor) AS n FROM _coord_events
                    WHERE kind = 'text' GROUP BY item HAVING count(DISTINCT actor) >= 2),
             tx AS (SELECT DISTINCT e.actor, e.item AS t_item, e.doc_id
                    FROM _coord_events e JOIN tn ON e.item = tn.t_item
                    WHERE e.kind = 'text'),
             hx AS (SELECT DISTINCT doc_id, item AS tag FROM _coord_events
                    WHERE kind = 'hashtag'),
             th AS (SELECT t_item, tag, count(DISTINCT actor) AS m
                    FROM tx JOIN hx USING (doc_id) GROUP BY t_item, tag),
             best AS (SELECT t_item, max(m) AS m FROM th GROUP BY t_item)
        SELECT t_item, min(tag) AS tag
        FROM th JOIN best USING (t_item, m) JOIN tn USING (t_item)
        WHERE th.m * 2 >= tn.n {skip}
        GROUP BY t_item""")
    return int(con.execute("SELECT count(*) FROM _coord_tag_sites").fetchall()[0][0])


def tag_sites_exist(corpus: Corpus) -> bool:
    """Whether this stage made ``_coord_tag_sites`` (not when the stage is resumed past
    the events)."""
    return stage_table_exists(corpus.con, "_coord_tag_sites")
