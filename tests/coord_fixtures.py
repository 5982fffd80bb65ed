"""Corpora for the coordination rule tests: an innocent crowd beside a ring that the rule
must keep (test_coord4_conversation, test_coord4_schedules, test_coord5_circles,
test_coord5_commoncause, test_coord5_reposts).

Why one module: each of those tests builds the same two things, an X API v2 page (or a list
of posts) in which accounts answer or copy a leader at set delays, and a real DuckDB corpus
from it; written once here, a fix to how a page or a corpus is built reaches every rule's
test. A plain module, not a conftest: the tests import it by name (``tests`` is on
pytest's ``pythonpath``, as for ``test_coordination_hazards``), in every xdist worker.

Every random draw is made in the order the tests made it before this module existed, so a
seed gives the same posts as it did.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from propscope import load_settings, open_corpus
from propscope.link.coordination import run_coordination
from propscope.pipeline import run
from propscope.settings import Settings
from test_coordination_hazards import corpus_of, groups, word

Post = tuple[str, str, float]  # (account, text, seconds after the corpus's T0)


def in_turn(rnd: random.Random, accounts: list[str], start: float, gap: float,
            jitter: float) -> Iterator[tuple[str, float]]:
    """Each account in turn, ``gap`` seconds apart from ``start``, plus up to ``jitter``
    seconds of its own: a ring (or a circle of friends) answering one post.

    A generator on purpose: the draw for an account is made when the caller asks for it,
    so the caller's own draws for that account (its text) come after it, as they always did.
    """
    for i, account in enumerate(accounts):
        yield account, start + gap * i + rnd.uniform(0, jitter)


class XPage:
    """An X API v2 page of invented tweets: ``post`` adds one (a reply or a retweet of an
    earlier one), ``words`` draws a random text, ``page`` is what the X reader ingests.

    ``first_id`` is the id of the first tweet; each next tweet's is one more.
    """

    def __init__(self, rnd: random.Random, names: list[str], t0: datetime,
                 first_id: int) -> None:
        self.rnd, self.t0, self.first_id = rnd, t0, first_id
        self.users = [{"id": str(100 + i), "username": n, "name": n}
                      for i, n in enumerate(names)]
        self.uid = {u["username"]: u["id"] for u in self.users}
        self.data: list[dict] = []

    def post(self, who: str, t: float, text: str, reply_to: dict | None = None,
             retweet_of: dict | None = None, quote_of: dict | None = None) -> dict:
        tweet: dict[str, object] = {"id": str(self.first_id + len(self.data)), "author_id": self.uid[who],
                 "text": text,
                 "created_at": (self.t0 + timedelta(seconds=t)).strftime("%Y-%m-%dT%H:%M:%S.000Z")}
        if reply_to is not None:
            tweet["referenced_tweets"] = [{"type": "replied_to", "id": reply_to["id"]}]
            tweet["in_reply_to_user_id"] = reply_to["author_id"]
        if retweet_of is not None:
            tweet["referenced_tweets"] = [{"type": "retweeted", "id": retweet_of["id"]}]
        if quote_of is not None:
            tweet["referenced_tweets"] = [{"type": "quoted", "id": quote_of["id"]}]
        self.data.append(tweet)
        return tweet

    def words(self, k: int) -> str:
        return " ".join(word(self.rnd) for _ in range(k))

    def page(self) -> dict:
        return {"data": self.data, "includes": {"users": self.users},
                "meta": {"result_count": len(self.data)}}


def brigade_threads(page: XPage, brigade: list[str], readers: int) -> None:
    """A politician posts eight statements a day apart; the brigade answers each within
    seconds, and three of ``readers`` readers (``reader_00``...) answer it hours later."""
    rnd = page.rnd
    for k in range(8):
        t = k * 86400.0 + 7200 + rnd.uniform(0, 3600)
        top = page.post("politician", t, f"Statement {page.words(7)}")
        for b, at in in_turn(rnd, brigade, t + 20, 6, 5):
            page.post(b, at, f"@politician {page.words(5)}", top)
        for r in rnd.sample(range(readers), 3):
            page.post(f"reader_{r:02d}", t + rnd.uniform(3600, 20 * 3600),
                      f"@politician {page.words(5)}", top)


def x_page_corpus(tmp_path: Path, page: dict, **settings: Any) -> Path:
    """The whole pipeline (references, repetitions, coordination) on ``page``; the corpus."""
    src = tmp_path / "x-page.jsonl"
    src.write_text(json.dumps(page) + "\n", encoding="utf-8")
    corpus = tmp_path / "c.duckdb"
    run([str(src)], corpus, None, load_settings(analyzers=("references", "repetitions"),
                                                **settings))
    return corpus


def members_and_replies(corpus: Path) -> tuple[set[str], set[tuple[str, str]]]:
    """Every account in a group, and every (replier, replied-to) pair of accounts."""
    with open_corpus(corpus, read_only=True) as c:
        members = {r[0] for r in c.con.execute("SELECT source FROM communities").fetchall()}
        direct = set(c.con.execute("SELECT source, target FROM post_relations "
                                   "WHERE relation = 'reply'").fetchall())
    return members, direct


def communities(corpus: Path) -> list[set[str]]:
    """The accounts of each group."""
    with open_corpus(corpus, read_only=True) as c:
        rows = c.con.execute("SELECT community_id, source FROM communities").fetchall()
    found: dict[str, set[str]] = {}
    for cid, source in rows:
        found.setdefault(cid, set()).add(source)
    return list(found.values())


def coordination_groups(tmp_path: Path, posts: list[Post]) -> list[set[str]]:
    """The groups the coordination stage finds in ``posts`` (their references found the
    way the references analyzer finds them), with the default settings."""
    corpus = corpus_of(tmp_path, posts)
    run_coordination(corpus, Settings(), "r1")
    return groups(corpus)


def page_corpus(folder: Path, rows: list[tuple[str | None, str, float | None, str | None]]):
    """A real DuckDB corpus of documents (source, text, seconds after ``T0`` or ``None``, url
    or ``None``) with their references found: web pages and plain posts, no platform export
    (test_coord10_wire, test_coord11_owned, test_coord11_review)."""
    import pyarrow as pa

    from propscope.analyze.references import REFERENCES_SCHEMA, find_references
    from propscope.document import Document
    from test_reuse_fixtures import T0, make_corpus

    docs = [Document.create(text, source=acc, url=url, file="pages.jsonl", record=str(n),
                            published=None if t is None else T0 + timedelta(seconds=t))
            for n, (acc, text, t, url) in enumerate(rows)]
    corpus = make_corpus(folder, docs)
    refs = [r for d in docs for r in find_references(d.doc_id, d.text, {})]
    corpus.write_stage("references", "test", "test-run", [d.doc_id for d in docs],
                       {"doc_references": pa.Table.from_pylist(refs, schema=REFERENCES_SCHEMA)})
    return corpus
