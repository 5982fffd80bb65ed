"""Other readings of a community: the benign shapes its evidence also fits.

Why: a community is accounts that act together more often than chance allows; it is not a
finding that they are inauthentic. Some shapes of acting together are also what ordinary
accounts do: the followers of one account who answer or re-share its posts with
notifications on, the accounts of one site (its staff, its feed, its mirrors), an open
hashtag used in bursts, automated relays of one source that post nothing else. The stage
cannot tell these from an operation by behaviour alone (docs/coordination.md, section 27,
measures how often each shape fires on planted groups and on innocent look-alikes), so each
community carries the readings its evidence fits, beside the evidence, for the analyst to
weigh before publishing. A reading is a caveat, never a filter: nothing is removed.

The readings (codes in :data:`TEXTS`), each over the co-actions between two members of the
community (``coordination_evidence``; shared operator fingerprints are not co-actions and are
left out):

* ``one_account``: every co-action re-shares or answers posts of one account (its author
  known from the platform's export);
* ``one_site``: every link co-action is on one site (the canonical host), and links are at
  least a third of the co-actions (feeds post a headline with each link);
* ``one_hashtag``: every co-action is one hashtag (over its episodes);
* ``declared_bot``: at least half of the members' accounts declare on the platform that
  they are automated (Mastodon's ``bot`` flag, kept in ``posts.declared_bot``): the one
  reading that rests on the account's own word, not on the shape of the evidence;
* ``automation``: the median delay between two members is at most
  :data:`AUTOMATION_DELAY_S`, and every member made at least :data:`AUTOMATION_SHARE` of its
  documents in these co-actions: accounts that relay and do little else.

Cost: one SQL statement of joins and aggregates over the evidence of the communities, the
members' documents and the posts of the evidence's documents (linear in those rows).
"""

from __future__ import annotations

import math
from typing import Any

import pyarrow as pa

from ..corpus import Corpus
from ..tables import READINGS_VERSION
from .carried import MANUAL_REPOST_NAME
from .infrastructure import EDGE_KIND

# Version of the rules below (``READINGS_VERSION``, kept in tables.py, which present/ reads
# too): a corpus whose readings an older version made has them made
# again when the stage is otherwise skipped (coordination.py). 2: short links are no site,
# a query string is not part of a host, an answered account is read from the item (not
# from a text that several replies share, or from a manual ``RT @name:``) and must be known
# for every co-action, members named by their author count their documents. 3: accounts are
# names ignoring case (a manual ``RT @star:`` and an export's ``Star`` are one), a forward's
# chat without its text digest.

#: Longest median delay (seconds) between two members for the ``automation`` reading.
AUTOMATION_DELAY_S = 60.0
#: Least share of each member's documents that are its co-actions in the community.
AUTOMATION_SHARE = 0.9

#: What each reading tells the analyst; ``{detail}`` is the account, site, tag or timing.
TEXTS = {
    "one_account": ("Every co-action re-shares or answers posts of one account ({detail}): "
                    "also the shape of that account's most engaged followers, who see its "
                    "posts at once."),
    "one_site": ("Every link the members share together is on one site ({detail}): also "
                 "the shape of the site's own accounts (its staff, its feed, its mirrors)."),
    "one_hashtag": ("Every co-action is one hashtag ({detail}): also the shape of an open "
                    "event or campaign hashtag that many use in bursts."),
    "automation": ("Members act within a minute of each other and post little else "
                   "({detail}): also the shape of automated relays of one source (declared "
                   "bots, alert or feed accounts)."),
    "declared_bot": ("{detail} say on the platform that their accounts are automated "
                     "(Mastodon's bot flag): open automation, as feeds, alerts and mirrors "
                     "are. The flag is the account's own word; it says nothing of who runs "
                     "the accounts."),
}

READINGS_SCHEMA = pa.schema([
    ("community_id", pa.string()), ("reading", pa.string()), ("detail", pa.string()),
    ("text", pa.string()), ("run_id", pa.string()),
])

_RELATIONS = "('retweet', 'reply', 'quote', 'forward')"
#: A link item's site: its canonical host, without a query string (``site?p=12`` is ``site``).
_HOST = ("split_part(split_part(regexp_replace(e.item, ' @[0-9]+$', ''), '/', 1), '?', 1)")

#: The account each re-share/answer item acts on, from the item itself
#: (``kind:platform:parent_id``, or ``kind:platform:from:author`` when the export names only
#: the author): the parent post's author, else the author its re-sharers name. Why not by the
#: member's document: a document is a text, and the same short reply ("Agreed.") posted to
#: two accounts is one document. Accounts are names, ignoring case, as the stage's identity
#: rule joins handles (identity.py): a manual ``RT @star:`` and a platform re-share of ``Star``
#: are one account. A Telegram forward named by its chat alone carries a digest of its text
#: (``from:<chat>#<digest>``, forwards.py), which is no part of the chat's name.
_PARENTS = """
    WITH r AS (SELECT DISTINCT item,
                      regexp_extract(base, '^[^:]+:([^:]+):', 1) AS platform,
                      regexp_extract(base, '^[^:]+:[^:]+:(.*)$', 1) AS parent
               FROM (SELECT item, regexp_replace(item, ' @[0-9]+$', '') AS base
                     FROM e WHERE kind IN {relations})),
    par AS (SELECT platform, post_id, any_value(author) AS author FROM posts
            WHERE post_id IN (SELECT parent FROM r) AND author IS NOT NULL AND author <> ''
            GROUP BY platform, post_id),
    kid AS (SELECT platform, parent_id, any_value(parent_author) AS author FROM posts
            WHERE parent_id IN (SELECT parent FROM r)
              AND parent_author IS NOT NULL AND parent_author <> ''
            GROUP BY platform, parent_id)
    SELECT r.item,
           coalesce(CASE WHEN r.parent LIKE 'from:%' THEN nullif(regexp_replace(
                        substr(r.parent, 6), '#[0-9a-f]{16}$', ''), '') END,
                    par.author, kid.author, manual.author) AS parent_author
    FROM r LEFT JOIN par ON par.platform = r.platform AND par.post_id = r.parent
           LEFT JOIN kid ON kid.platform = r.platform AND kid.parent_id = r.parent
           LEFT JOIN ({manual}) manual ON manual.item = r.item"""
#: A manual repost (``RT @name: text`` from a scraper, no relation field) names the account in
#: its own text, the same in every copy: read from the documents of the item's co-actions
#: (the stage conditions such reposts on that name too: carried.audience_of).
_MANUAL = """SELECT e.item, min(regexp_extract(d.text, '{rx}', 1)) AS author
             FROM e JOIN documents d ON d.doc_id = e.doc_a
             WHERE e.kind IN {relations} AND regexp_matches(d.text, '{rx}')
             GROUP BY e.item HAVING count(DISTINCT regexp_extract(d.text, '{rx}', 1)) = 1"""
#: Without a ``posts`` table (no platform export read) only manual reposts name their account.
_NO_POSTS = "SELECT item, author AS parent_author FROM ({manual})"

#: What each account made: its documents, every occurrence of a text it posted again
#: (``document_sources``: a text is kept once, under its first poster), and (with a platform
#: export) its posts. A relay that copies a headline has no document of its own; counting
#: documents only left it out of the bound.
#: An account is named as the stage names it (``coalesce(source, author)``, coactions.py): a
#: document with an author and no source is its author's.
_AUTHORED = ("SELECT coalesce(source, author) AS source, doc_id FROM documents "
             "UNION SELECT coalesce(source, author), doc_id FROM document_sources "
             "WHERE coalesce(source, author) IS NOT NULL")
_AUTHORED_POSTS = _AUTHORED + " UNION SELECT author, doc_id FROM posts WHERE author IS NOT NULL"

_SQL = f"""
WITH m AS (SELECT DISTINCT community_id, source FROM communities),
e AS (
    SELECT ma.community_id, ev.kind, ev.item, ev.doc_a, ev.doc_b, ev.source_a, ev.source_b,
           ev.delay_s
    FROM coordination_evidence ev
    JOIN m ma ON ma.source = ev.source_a
    JOIN m mb ON mb.source = ev.source_b AND mb.community_id = ma.community_id
    WHERE ev.kind <> '{EDGE_KIND}'),
parents AS ({{parents}}),
per AS (
    SELECT e.community_id, count(*) AS n_rows,
           count(*) FILTER (WHERE e.kind IN {_RELATIONS}) AS rel_rows,
           count(p.parent_author) FILTER (WHERE e.kind IN {_RELATIONS}) AS rel_known,
           count(DISTINCT lower(p.parent_author))
               FILTER (WHERE e.kind IN {_RELATIONS}) AS answered,
           min(p.parent_author) AS account,
           count(*) FILTER (WHERE e.kind = 'url') AS url_rows,
           count(DISTINCT {_HOST}) FILTER (WHERE e.kind = 'url') AS hosts,
           min({_HOST}) FILTER (WHERE e.kind = 'url') AS host,
           count(*) FILTER (WHERE e.kind = 'url' AND e.item LIKE 'short:%') AS short_rows,
           count(*) FILTER (WHERE e.kind = 'hashtag') AS tag_rows,
           count(DISTINCT regexp_replace(e.item, ' @[0-9]+$', ''))
               FILTER (WHERE e.kind = 'hashtag') AS tags,
           min(regexp_replace(e.item, ' @[0-9]+$', '')) FILTER (WHERE e.kind = 'hashtag') AS tag,
           median(abs(e.delay_s)) AS median_delay
    FROM e LEFT JOIN parents p ON p.item = e.item
    GROUP BY e.community_id),
own_docs AS (
    SELECT DISTINCT community_id, source_a AS source, doc_a AS doc_id FROM e
    UNION SELECT DISTINCT community_id, source_b, doc_b FROM e),
made AS (
    SELECT community_id, source, count(*) AS n FROM own_docs GROUP BY community_id, source),
authored AS ({{authored}}),
life AS (
    SELECT m.community_id,
           min(least(coalesce(made.n, 0)::DOUBLE / greatest(t.n, 1), 1.0)) AS least_share,
           bool_and(t.n IS NOT NULL) AS all_counted
    FROM m
    LEFT JOIN (SELECT source, count(DISTINCT doc_id) AS n FROM authored
               WHERE source IN (SELECT source FROM m) GROUP BY source) t ON t.source = m.source
    LEFT JOIN made ON made.community_id = m.community_id AND made.source = m.source
    GROUP BY m.community_id)
SELECT per.*, life.least_share, life.all_counted FROM per LEFT JOIN life USING (community_id)
ORDER BY per.community_id
"""


def community_readings(corpus: Corpus) -> list[dict[str, Any]]:
    """Rows of ``community_readings`` (without ``run_id``): each community's readings."""
    needed = ("communities", "coordination_evidence", "documents")
    if not all(corpus.has_table(t) for t in needed):
        return []
    manual = _MANUAL.replace("{rx}", MANUAL_REPOST_NAME)
    parents = (_PARENTS.replace("{manual}", manual) if corpus.has_table("posts")
               else _NO_POSTS.replace("{manual}", manual)).replace("{relations}", _RELATIONS)
    authored = _AUTHORED_POSTS if corpus.has_table("posts") else _AUTHORED
    if not corpus.has_table("document_sources"):  # hand-made tables in unit tests
        authored = authored.replace(_AUTHORED, "SELECT source, doc_id FROM documents")
    got = corpus.con.execute(_SQL.replace("{parents}", parents)
                             .replace("{authored}", authored)).fetchall()
    names = [d[0] for d in corpus.con.description]
    declared = _declared_bots(corpus)
    out: list[dict[str, Any]] = []
    for values in got:
        r = dict(zip(names, values, strict=True))
        found: list[tuple[str, str]] = []
        n = r["n_rows"]
        # every co-action's account known, and one: a co-action whose parent is not in the
        # export may answer anyone
        if n and r["rel_rows"] == n and r["rel_known"] == n and r["answered"] == 1:
            found.append(("one_account", str(r["account"])))
        # a short link's site is not known (sites.py): bit.ly is no one's site
        if n and r["hosts"] == 1 and not r["short_rows"] and r["url_rows"] >= n / 3:
            found.append(("one_site", str(r["host"])))
        if n and r["tag_rows"] == n and r["tags"] == 1:
            found.append(("one_hashtag", "#" + str(r["tag"])))
        share = r["least_share"]
        if (n and r["median_delay"] is not None and r["median_delay"] <= AUTOMATION_DELAY_S
                and r["all_counted"] and share is not None and share >= AUTOMATION_SHARE):
            # rounded down: "at least" must hold (200 of 201 is not 100 %)
            found.append(("automation", f"median {r['median_delay']:.0f} s apart; "
                                        f"at least {math.floor(100 * share)} % of each "
                                        "member's documents are these co-actions"))
        members, flagged = declared.get(r["community_id"], (0, 0))
        if flagged and 2 * flagged >= members:
            found.append(("declared_bot", f"{flagged} of {members} members"))
        out += [{"community_id": r["community_id"], "reading": code, "detail": detail,
                 "text": TEXTS[code].format(detail=detail)} for code, detail in found]
    return out


def _declared_bots(corpus: Corpus) -> dict[str, tuple[int, int]]:
    """community -> (members, members whose posts carry the platform's bot flag). Corpora
    without the ``posts`` column (none read from a platform export) have none."""
    if not corpus.has_table("posts") or not corpus.con.execute(
            "SELECT 1 FROM information_schema.columns WHERE table_name = 'posts' "
            "AND column_name = 'declared_bot'").fetchone():
        return {}
    rows = corpus.con.execute(
        "SELECT c.community_id, count(DISTINCT c.source), count(DISTINCT b.author) "
        "FROM communities c LEFT JOIN (SELECT DISTINCT author FROM posts WHERE declared_bot) b "
        "ON b.author = c.source GROUP BY c.community_id").fetchall()
    return {str(cid): (int(n), int(k)) for cid, n, k in rows}


def stored_state(corpus: Corpus, key: str) -> str | None:
    """A value the coordination stage keeps in ``coordination_state`` (None when absent)."""
    if not corpus.has_table("coordination_state"):
        return None
    got = corpus.con.execute("SELECT value FROM coordination_state WHERE key = ?",
                             [key]).fetchall()
    return got[0][0] if got else None


def write_readings(corpus: Corpus, run_id: str) -> None:
    """``community_readings`` from the stored communities and evidence, and the version of
    the rules that made them (``coordination_state``, key ``readings``)."""
    corpus.replace_table("community_readings", pa.Table.from_pylist(
        [dict(r, run_id=run_id) for r in community_readings(corpus)], READINGS_SCHEMA))
    with corpus.transaction():
        corpus.con.execute("CREATE TABLE IF NOT EXISTS coordination_state "
                           "(key VARCHAR PRIMARY KEY, value VARCHAR)")
        corpus.con.execute("INSERT OR REPLACE INTO coordination_state VALUES ('readings', ?)",
                           [READINGS_VERSION])
