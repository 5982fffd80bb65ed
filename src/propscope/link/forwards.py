"""A forward of a message whose export names only the source chat: the message is the item.

Why: a Telegram Desktop export writes ``forwarded_from`` (the source chat's name) and
the forwarded message's text, never the source message's id. Taking the source chat as
the item makes every forward of a popular channel one item: an account's first forward
of that channel is its only share of it, so a ring that forwards a hub channel's posts
within minutes, post after post, co-acts once in all, and strangers who each forwarded
one post of a big channel weeks apart look like they shared the same thing. A forward
carries the message's own text unchanged, so the source chat together with a digest of
that text (case and runs of spaces dropped) names the message itself, as a post id
would. A forward with no text (a photo, a sticker) keeps the chat as its item.

Switch: :data:`FORWARD_MESSAGES`.
"""

from __future__ import annotations

from ..corpus import Corpus, one

#: Whether a forward that names only its source chat is an item per forwarded message
#: (chat and text digest) rather than one item per chat. Measured on generator 5's dev
#: seed (docs/coordination.md, section 1).
FORWARD_MESSAGES = True

#: The item prefix ``coactions`` gives a forward known only by its source chat.
_BY_CHAT = "forward:%:from:%"


def forwarded_messages(corpus: Corpus) -> int:
    """Give each chat-only ``forward`` action in ``_coord_events`` its message's item
    (``forward:<platform>:from:<chat>#<digest>``). Returns the number of actions renamed."""
    if not FORWARD_MESSAGES:
        return 0
    con = corpus.con
    con.execute(f"""CREATE OR REPLACE TEMP TABLE _coord_fwd AS
        SELECT e.doc_id, e.item, any_value(left(md5(lower(
                   regexp_replace(trim(d.text), '\\s+', ' ', 'g'))), 16)) AS digest
        FROM _coord_events e JOIN documents d USING (doc_id)
        WHERE e.kind = 'forward' AND e.item LIKE '{_BY_CHAT}'
          AND length(trim(coalesce(d.text, ''))) > 0
        GROUP BY e.doc_id, e.item""")
    n = one(con.execute("SELECT count(*) FROM _coord_fwd"))[0]
    if n:
        con.execute("""UPDATE _coord_events e SET item = e.item || '#' || f.digest
            FROM _coord_fwd f WHERE e.kind = 'forward' AND e.doc_id = f.doc_id
              AND e.item = f.item""")
    con.execute("DROP TABLE IF EXISTS _coord_fwd")
    return int(n)
