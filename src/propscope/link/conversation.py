"""Interaction is not co-action: friends who reply to each other, a re-share of a partner's link.

Why: a ``reply`` co-action is two accounts replying to the same post within the window.
Friends who talk to each other (``a`` replies to ``b``'s posts, or ``b`` to ``a``'s) also
reply, within minutes, in the threads of the friends they share: that is a conversation,
the circle's own interaction, not two accounts acting on a third party's post. So a pair
with at least ``MIN_DIRECT`` direct replies between them (either way, from the platform's
``posts``: ``relation = 'reply'``, the parent's author) has its ``reply`` and ``quote``
co-actions left out of the test. Their other kinds (a link or a text posted by both
within the window) are tested as before.

**Assumption.** Accounts that act together on a target (a reply brigade) are not also in
conversation with each other. A ring that stages conversations among its members and
brigades the same threads is not seen by its replies alone (its links, texts and
reposts still count). Measured on generator 4's dev seed: 10 of 11 significant
friend-friend pairs had direct replies, none of 895 planted pairs did.

**Responses.** A link that only two accounts ever shared (in its episode) was introduced
by the first and re-shared by the second: that is the second responding to the first (an
outlet's journalist re-posting the outlet's own short link, a reader passing on a friend's
link), as a repost is, not two accounts acting on a third party's item. When one account of a pair
introduced every such link of the pair (at least ``MIN_RESPONSES``, 2) and the other
re-shared them, the other follows the first, and these ``url`` co-actions are left out
(``RESPONSES``); a pair whose introducer alternates keeps them (two accounts taking turns
is not following), and on an item with a third sharer every pair keeps its co-action. *Assumption:* a ring's evidence does not rest on links only two of its
members share; a two-account ring that only shares its own links with each other is not
seen by them. Texts are not treated so: copying a text is itself the co-action kind, and
on generator 4's dev seed the rule on texts lost a three-member text group (F1 0.8 -> 0)
without removing one more innocent account.

Cost: one grouped query over the platform's reply posts; the pairs are looked up with
one ``searchsorted`` over the co-actions; responses are one mask over the co-actions.
"""

from __future__ import annotations

import numpy as np

from ..corpus import Corpus

#: Direct replies (either way) that make a pair a conversation.
MIN_DIRECT = 1
#: Co-action kinds that are conversation for such a pair.
CONVERSATION_KINDS = ("reply", "quote")
#: Whether the rule is applied (``False``: the old behaviour).
ENABLED = True
#: Whether a re-share of a link only the pair shared is a response (see the docstring).
RESPONSES = True
#: Kinds whose two-sharer items are responses to the first sharer.
RESPONSE_KINDS = ("url",)
#: Two-sharer links a pair needs, always introduced by the same account, to be a response
#: relation (one such link is a coincidence in time, tested as before).
MIN_RESPONSES = 2


def conversing_pairs(corpus: Corpus, actors: list[str]) -> np.ndarray:
    """Sorted keys ``lo * len(actors) + hi`` of actor-code pairs that reply to each other."""
    if not ENABLED or not corpus.has_table("posts") or not actors:
        return np.empty(0, dtype=np.int64)
    rows = corpus.con.execute("""
        SELECT least(p.author, w.who) AS x, greatest(p.author, w.who) AS y
        FROM posts p
        JOIN (SELECT p2.platform, p2.post_id, coalesce(p2.parent_author, par.author) AS who
              FROM posts p2 LEFT JOIN posts par
                ON par.platform = p2.platform AND par.post_id = p2.parent_id
              WHERE p2.relation = 'reply') w
          ON w.platform = p.platform AND w.post_id = p.post_id
        WHERE p.author IS NOT NULL AND w.who IS NOT NULL AND p.author <> w.who
        GROUP BY 1, 2 HAVING count(*) >= ?""", [MIN_DIRECT]).fetchall()
    if not rows:
        return np.empty(0, dtype=np.int64)
    code = {name: i for i, name in enumerate(actors)}
    n = len(actors)
    keys = [min(code[x], code[y]) * n + max(code[x], code[y])
            for x, y in rows if x in code and y in code]
    return np.unique(np.asarray(keys, dtype=np.int64))


def is_conversation(lo: np.ndarray, hi: np.ndarray, kind: np.ndarray, n_actors: int,
                    pairs: np.ndarray) -> np.ndarray:
    """Per co-action: whether it is a reply/quote co-action of a conversing pair."""
    if not len(pairs) or not len(lo):
        return np.zeros(len(lo), dtype=bool)
    key = lo.astype(np.int64) * n_actors + hi.astype(np.int64)
    at = np.minimum(np.searchsorted(pairs, key), len(pairs) - 1)
    return (pairs[at] == key) & np.isin(kind, CONVERSATION_KINDS)


def is_response(first: np.ndarray, sharers: np.ndarray, kind: np.ndarray, pair: np.ndarray,
                introducer: np.ndarray) -> np.ndarray:
    """Per co-action: whether it is a re-share of a link only the pair shared, by a pair in
    which one account always introduces and the other re-shares.

    ``first``: whether the co-action's earlier share is its item's first share;
    ``sharers``: the item's sharers; ``kind``: the co-action's kind; ``pair``: a key of the
    pair; ``introducer``: the account of the earlier share.
    """
    if not RESPONSES or not len(first):
        return np.zeros(len(first), dtype=bool)
    cand = first & (sharers == 2) & np.isin(kind, RESPONSE_KINDS)
    if not cand.any():
        return cand
    keys, inv, count = np.unique(pair[cand], return_inverse=True, return_counts=True)
    lo = np.full(len(keys), np.iinfo(np.int64).max)
    hi = np.full(len(keys), np.iinfo(np.int64).min)
    np.minimum.at(lo, inv, introducer[cand])
    np.maximum.at(hi, inv, introducer[cand])
    one_way = (count >= MIN_RESPONSES) & (lo == hi)
    out = np.zeros(len(first), dtype=bool)
    out[np.flatnonzero(cand)] = one_way[inv]
    return out
