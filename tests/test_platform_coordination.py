"""Platform structure feeds coordination: co-retweets from an X export form a group.

The posts are written here from the X API v2 schema (invented accounts and texts): four
accounts retweet the same five posts within seconds of each other, again and again,
while twenty others retweet the same posts at random hours. Only the four may be grouped,
and the evidence must name the kind ``retweet``.
"""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

from propscope import load_settings, open_corpus
from propscope.pipeline import run

T0 = datetime(2024, 5, 1, tzinfo=UTC)


def _stamp(seconds: float) -> str:
    return (T0 + timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _page(rnd: random.Random) -> dict:
    users = [{"id": "1", "username": "origin_desk", "name": "Origin Desk"}]
    users += [{"id": f"2{i}", "username": f"amplifier_{i}", "name": f"Amp {i}"} for i in range(4)]
    users += [{"id": f"3{i:02d}", "username": f"reader_{i:02d}", "name": f"Reader {i}"}
              for i in range(20)]
    data, originals = [], []
    for k in range(5):
        t = k * 86400.0 + rnd.uniform(0, 3600)
        original = {"id": f"10{k}", "text": f"Original report number {k} about the harbour works",
                    "author_id": "1", "created_at": _stamp(t)}
        data.append(original)
        originals.append(original)
        for i in range(4):  # the amplifiers: seconds after the original, every time
            data.append({"id": f"20{k}{i}", "author_id": f"2{i}",
                         "text": f"RT @origin_desk: {original['text']}",
                         "created_at": _stamp(t + 5 + rnd.uniform(0, 20)),
                         "referenced_tweets": [{"type": "retweeted", "id": original["id"]}]})
        for r in rnd.sample(range(20), 8):  # readers: hours later, at random
            data.append({"id": f"30{k}{r:02d}", "author_id": f"3{r:02d}",
                         "text": f"RT @origin_desk: {original['text']}",
                         "created_at": _stamp(t + rnd.uniform(3600, 30 * 3600)),
                         "referenced_tweets": [{"type": "retweeted", "id": original["id"]}]})
    return {"data": data, "includes": {"users": users, "tweets": originals},
            "meta": {"result_count": len(data)}}


def test_co_retweets_in_an_x_export_group_the_amplifiers_only(tmp_path: Path) -> None:
    src = tmp_path / "x-page.jsonl"
    src.write_text(json.dumps(_page(random.Random(4))) + "\n", encoding="utf-8")
    corpus = tmp_path / "c.duckdb"
    settings = load_settings(analyzers=("references", "repetitions"), quiet=True)
    run([str(src)], corpus, None, settings)
    with open_corpus(corpus, read_only=True) as c:
        relations = dict(c.con.execute(
            "SELECT relation, count(*) FROM posts GROUP BY ALL").fetchall())
        members = {r[0] for r in c.con.execute("SELECT source FROM communities").fetchall()}
        kinds = {r[0] for r in c.con.execute(
            "SELECT DISTINCT kind FROM coordination_evidence").fetchall()}
    assert relations.get("repost") == 5 * 4 + 5 * 8
    assert members == {f"amplifier_{i}" for i in range(4)}
    assert "retweet" in kinds
