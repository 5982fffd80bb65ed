"""Friends who reply to each other are a conversation, not a reply brigade (link/conversation.py).

Through a real DuckDB corpus built from an X API v2 page (invented accounts and texts):
four friends reply within minutes in each other's threads (and so reply to each other);
four brigade accounts reply within seconds to a politician's posts and never to each
other; three of thirty readers reply to each of the politician's posts at random hours. Only the brigade may be a
group. Without the rule the friends are one too (the case would not test anything).
"""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from propscope import load_settings, open_corpus
from propscope.link import conversation
from propscope.pipeline import run

T0 = datetime(2024, 5, 1, tzinfo=UTC)
FRIENDS = [f"friend_{i}" for i in range(4)]
BRIGADE = [f"brigade_{i}" for i in range(4)]


def _stamp(seconds: float) -> str:
    return (T0 + timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _page() -> dict:
    rnd = random.Random(7)
    names = FRIENDS + BRIGADE + ["politician"] + [f"reader_{i:02d}" for i in range(30)]
    users = [{"id": str(100 + i), "username": n, "name": n} for i, n in enumerate(names)]
    uid = {u["username"]: u["id"] for u in users}
    data: list[dict] = []
    n = 0

    def post(who: str, t: float, text: str, parent: dict | None = None) -> dict:
        nonlocal n
        n += 1
        tweet = {"id": str(5000 + n), "author_id": uid[who], "created_at": _stamp(t),
                 "text": text}
        if parent is not None:
            tweet["referenced_tweets"] = [{"type": "replied_to", "id": parent["id"]}]
            tweet["in_reply_to_user_id"] = parent["author_id"]
        data.append(tweet)
        return tweet

    def words(k: int = 7) -> str:
        return " ".join("".join(rnd.choice("abcdefghijklmnopqrstuvwxyz")
                                for _ in range(rnd.randint(3, 8))) for _ in range(k))

    for k in range(12):  # each friend's threads: the other three answer within minutes
        host = FRIENDS[k % 4]
        t = k * 43200.0 + rnd.uniform(0, 3600)
        top = post(host, t, f"{host} asks {words()}")
        for i, f in enumerate(f for f in FRIENDS if f != host):
            post(f, t + 60 + 40 * i + rnd.uniform(0, 20), f"@{host} {words(4)}", top)
    for k in range(8):  # the brigade answers the politician within seconds
        t = k * 86400.0 + 7200 + rnd.uniform(0, 3600)
        top = post("politician", t, f"Statement {words()}")
        for i, b in enumerate(BRIGADE):
            post(b, t + 20 + 6 * i + rnd.uniform(0, 5), f"@politician {words(5)}", top)
        for r in rnd.sample(range(30), 3):
            post(f"reader_{r:02d}", t + rnd.uniform(3600, 20 * 3600), f"@politician {words(5)}",
                 top)
    return {"data": data, "includes": {"users": users}, "meta": {"result_count": len(data)}}


def _members(tmp_path: Path) -> tuple[set[str], set[tuple[str, str]]]:
    src = tmp_path / "x-page.jsonl"
    src.write_text(json.dumps(_page()) + "\n", encoding="utf-8")
    corpus = tmp_path / "c.duckdb"
    run([str(src)], corpus, None, load_settings(analyzers=("references", "repetitions"),
                                                coordination_window_s=300.0))
    with open_corpus(corpus, read_only=True) as c:
        members = {r[0] for r in c.con.execute("SELECT source FROM communities").fetchall()}
        direct = set(c.con.execute("SELECT source, target FROM post_relations "
                                   "WHERE relation = 'reply'").fetchall())
    return members, direct


def test_friends_in_conversation_are_not_a_group_the_brigade_is(tmp_path: Path) -> None:
    members, direct = _members(tmp_path)
    assert ("friend_1", "friend_0") in direct  # the friends do reply to each other
    assert not any(a.startswith("brigade") and b.startswith("brigade") for a, b in direct)
    assert members == set(BRIGADE)


def test_without_the_rule_the_friends_are_a_group(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(conversation, "ENABLED", False)
    members, _ = _members(tmp_path)
    assert set(FRIENDS) <= members
