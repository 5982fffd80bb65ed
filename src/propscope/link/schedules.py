"""Clock-bound shares: timing that an account's own schedule explains, not another account.

Why: the chance test (:mod:`.cochance`) takes two sharers of an item to be close in time
by the item's own timing. An account run by a scheduler (a price bot posting every hour
on the hour, a weather bot every morning at 05:00, a feed that publishes at :00 and :30)
posts at the same minute of the hour whatever it shares, and two such accounts meet
"within seconds" on every item they both post at that minute: their closeness is each
one's own clock, not a tie between them. A co-action in which *both* shares fall on
their account's habitual minute of the hour is therefore no timing evidence and is left
out of the test (the shares themselves still count for the items' sharers and rates).

**Rule.** An account's posts (distinct documents, its first share of each) are binned by
their minute of the hour (``t mod 3600`` in ``PHASE_S`` bins). A share is *clock-bound*
when its account has at least ``MIN_POSTS`` posts and the share's bin holds at least
``HABIT_SHARE`` of them. Posting at random minutes, a bin holds 1/60 of an account's posts;
``HABIT_SHARE`` (0.25) is 15 times that: with ``MIN_POSTS`` (20) posts at random minutes,
an account has such a bin with probability about 1e-3 (binomial tail, 60 bins), and a
co-action is left out only when *both* accounts' shares fall on their own habit bins.

**Assumption.** Coordinated accounts are not all driven by the same clock minute. A ring
whose members all post on the hour from a scheduler is indistinguishable, by timing, from
independent scheduled bots, and is not seen by timing alone (its content and other kinds
still count when either member posts off its habit). Minute-rounded times (scraped
forums) keep their minute of the hour, so they are not clock-bound; a time zone offset
of whole hours or half hours does not move the minute bin except for :30 offsets, which
move it by a constant (an account's habit is still one bin).

**Every post counts** (coordination 9, :func:`post_phases`). The habit is measured on all
of an account's posts, not only on its first shares of items: a weather bot posting the same
few lines ("Hamburg: 8°C, Regen #wetter") every three hours on the hour has 113 posts but
19 first shares (only an account's first share of an item, per episode, is a share), fewer
than ``MIN_POSTS``, so it had no habit and two such bots were a group on their repeated
lines (generator 5's dev seed 5105: both scheduled bots in its communities and in its
negative control).

Cost: one SQL aggregate over the posts and two ``bincount`` passes over the shares, linear.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..corpus import Corpus, first_documents_sql
from .coactions import OCCURRENCES_SQL

#: Width of a phase bin (seconds within the hour).
PHASE_S = 60.0
#: Share of an account's posts in one phase bin that makes that bin a habit.
HABIT_SHARE = 0.25
#: An account with fewer posts has no habit (too few to tell a clock from chance).
MIN_POSTS = 20
#: Whether clock-bound co-actions are left out of the test (``False``: the old behaviour).
ENABLED = True
#: Whether an account's habit is measured on all its posts (:func:`post_phases`), not only on
#: its first shares of items (``False``: the coordination 8 behaviour).
ALL_POSTS = True



def post_phases(corpus: Corpus, n_actors: int, limit: int | None = None) -> np.ndarray:
    """Per actor code (``_coord_coded``'s): how many of its posts fall in each phase bin,
    over every post it made (distinct document and time), ``n_actors x bins``; with
    ``limit`` (``--limit N``), in the first N documents only, as the stage's actions."""
    n_bins = int(round(3600.0 / PHASE_S))
    out = np.zeros((n_actors, n_bins), dtype=np.int64)
    if not n_actors:
        return out
    sample = f" AND doc_id IN ({first_documents_sql(limit)})" if limit else ""
    got = corpus.con.execute(f"""
        WITH posts AS (SELECT DISTINCT actor, doc_id, t FROM ({OCCURRENCES_SQL})
                       WHERE actor IS NOT NULL AND t IS NOT NULL{sample}),
             codes AS (SELECT DISTINCT actor, actor_code FROM _coord_coded)
        SELECT c.actor_code, CAST(floor((epoch(p.t) - 3600 * floor(epoch(p.t) / 3600))
                                        / {PHASE_S}) AS BIGINT) AS phase, count(*) AS n
        FROM posts p JOIN codes c USING (actor) GROUP BY 1, 2""").fetchnumpy()
    code = np.asarray(got["actor_code"], dtype=np.int64)
    phase = np.clip(np.asarray(got["phase"], dtype=np.int64), 0, n_bins - 1)
    inside = code < n_actors
    np.add.at(out, (code[inside], phase[inside]), np.asarray(got["n"], dtype=np.int64)[inside])
    return out


def clock_bound_in(corpus: Corpus, shares: pd.DataFrame, n_actors: int,
                   limit: int | None = None) -> np.ndarray:
    """:func:`clock_bound` with each account's habit measured on all of its posts in
    ``corpus`` (:data:`ALL_POSTS`; with ``limit``, the sample's), else on its shares."""
    if shares.empty or not ENABLED:
        return np.zeros(len(shares), dtype=bool)
    return clock_bound(shares, post_phases(corpus, n_actors, limit) if ALL_POSTS else None)


def clock_bound(shares: pd.DataFrame, phases: np.ndarray | None = None) -> np.ndarray:
    """Per share row: whether it falls on a habitual minute of its account's hour.

    ``shares`` has ``actor`` (int codes), ``t`` (epoch seconds) and ``doc`` (int codes).
    Each account's habit is measured on ``phases`` (:func:`post_phases`: all its posts)
    when given, else on its distinct documents among the shares (a post carrying a link,
    a hashtag and a text is one post, one time).
    """
    if shares.empty or not ENABLED:
        return np.zeros(len(shares), dtype=bool)
    actor = shares["actor"].to_numpy(np.int64)
    doc = shares["doc"].to_numpy(np.int64)
    n_bins = int(round(3600.0 / PHASE_S))
    phase = (np.floor(np.mod(shares["t"].to_numpy(np.float64), 3600.0) / PHASE_S)
             .astype(np.int64) % n_bins)
    n_actors = int(actor.max()) + 1
    row_cell = actor * n_bins + phase
    if phases is not None and len(phases) >= n_actors:
        posts = phases.sum(axis=1)
        return (posts[actor] >= MIN_POSTS) & (
            phases.reshape(-1)[row_cell] >= HABIT_SHARE * posts[actor])
    # one count per (actor, document): the first row of each pair in a stable order
    key = actor * (int(doc.max()) + 1) + doc
    _, first = np.unique(key, return_index=True)
    posts = np.bincount(actor[first], minlength=n_actors)
    cell = actor[first] * n_bins + phase[first]
    in_bin = np.bincount(cell, minlength=n_actors * n_bins)
    return (posts[actor] >= MIN_POSTS) & (in_bin[row_cell] >= HABIT_SHARE * posts[actor])
