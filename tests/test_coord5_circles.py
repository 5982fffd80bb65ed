"""Two friends who answer the same friend's threads, and are answered by that friend, are
a conversation even if they never reply to each other (link/conversation.py, circles).

Through a real DuckDB corpus built from an X API v2 page (invented accounts and texts):
``pal_a`` and ``pal_b`` answer each of ``host``'s twelve posts within minutes and ``host``
answers their own posts, but they never reply to each other (the pair rule alone does
not see them); four brigade accounts answer a politician within seconds, and the
politician answers nobody. Only the brigade may be a group; without the circle rule the
two pals are one too.
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

T0 = datetime(2024, 6, 1, tzinfo=UTC)
PALS = ["pal_a", "pal_b"]
BRIGADE = [f"brigade_{i}" for i in range(4)]


def _page() -> dict:
    rnd = random.Random(17)
    names = ["host", *PALS, *BRIGADE, "politician"] + [f"reader_{i:02d}" for i in range(30)]
    users = [{"id": str(100 + i), "username": n, "name": n} for i, n in enumerate(names)]
    uid = {u["username"]: u["id"] for u in users}
    data: list[dict] = []

    def post(who: str, t: float, text: str, parent: dict | None = None) -> dict:
        tweet = {"id": str(7000 + len(data)), "author_id": uid[who], "text": text,
                 "created_at": (T0 + timedelta(seconds=t)).strftime("%Y-%m-%dT%H:%M:%S.000Z")}
        if parent is not None:
            tweet["referenced_tweets"] = [{"type": "replied_to", "id": parent["id"]}]
            tweet["in_reply_to_user_id"] = parent["author_id"]
        data.append(tweet)
        return tweet

    def words(k: int = 7) -> str:
        return " ".join("".join(rnd.choice("abcdefghijklmnopqrstuvwxyz")
                                for _ in range(rnd.randint(3, 8))) for _ in range(k))

    for k in range(12):
        t = k * 43200.0 + rnd.uniform(0, 3600)
        top = post("host", t, f"host asks {words()}")
        for i, p in enumerate(PALS):  # both answer the host within minutes
            post(p, t + 60 + 50 * i + rnd.uniform(0, 20), f"@host {words(4)}", top)
        own = post(PALS[k % 2], t + 20000, f"{PALS[k % 2]} says {words()}")
        post("host", t + 20000 + rnd.uniform(300, 3000), f"@{PALS[k % 2]} {words(4)}", own)
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


def test_pals_in_a_friends_threads_are_not_a_group_the_brigade_is(tmp_path: Path) -> None:
    members, direct = _members(tmp_path)
    assert ("pal_a", "pal_b") not in direct and ("pal_b", "pal_a") not in direct
    assert ("host", "pal_a") in direct and ("host", "pal_b") in direct
    assert members == set(BRIGADE)


def test_without_the_circle_rule_the_pals_are_a_group(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(conversation, "CIRCLES", False)
    members, _ = _members(tmp_path)
    assert set(PALS) <= members
