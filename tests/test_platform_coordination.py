"""Platform structure feeds coordination: co-retweets from an X export form a group.

The posts are written here from the X API v2 schema (invented accounts and texts): four
accounts retweet the same five posts within seconds of each other, again and again,
while twenty others retweet the same posts at random hours. Only the four may be grouped,
and the evidence must name the kind ``retweet``.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from conftest import x_export_page
from propscope import load_settings, open_corpus
from propscope.pipeline import run


def test_co_retweets_in_an_x_export_group_the_amplifiers_only(tmp_path: Path) -> None:
    src = tmp_path / "x-page.jsonl"
    src.write_text(json.dumps(x_export_page(4)) + "\n", encoding="utf-8")
    corpus = tmp_path / "c.duckdb"
    settings = load_settings(analyzers=("references", "repetitions"))
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


T0 = datetime(2024, 5, 1, tzinfo=UTC)


def _stamp(seconds: float) -> str:
    return (T0 + timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _telegram_channel(name: str, forwards_from: str, times: list[float]) -> dict:
    """A channel export (Telegram Desktop result.json) whose posts forward another channel."""
    messages = [{"id": i + 1, "type": "message", "date": _stamp(t)[:19],
                 "date_unixtime": str(int((T0 + timedelta(seconds=t)).timestamp())),
                 "from": name, "from_id": f"channel{abs(hash(name)) % 10**9}",
                 "forwarded_from": forwards_from,
                 "text": f"Сводка номер {i} о ремонте моста", "text_entities": [
                     {"type": "plain", "text": f"Сводка номер {i} о ремонте моста"}]}
                for i, t in enumerate(times)]
    return {"name": name, "type": "public_channel", "id": abs(hash(name)) % 10**9,
            "messages": messages}


def test_a_mixed_corpus_shows_the_forward_chain_and_the_retweet_network(tmp_path: Path) -> None:
    from starlette.testclient import TestClient

    from propscope.present.webapp import create_app

    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "x-page.jsonl").write_text(json.dumps(x_export_page(4)) + "\n",
                                                   encoding="utf-8")
    for k, name in enumerate(("Канал Север", "Канал Юг")):
        export = _telegram_channel(name, "Источник", [3600.0 * (k + 1) * j for j in range(1, 4)])
        (tmp_path / "in" / f"result-{k}.json").write_text(json.dumps(export, ensure_ascii=False),
                                                          encoding="utf-8")
    (tmp_path / "in" / "site-article.txt").write_text(
        "Harbour works to finish in spring\n\nThe city said the harbour works would end in "
        "spring, after a winter of delays and a review of the budget.\n", encoding="utf-8")
    corpus, out = tmp_path / "c.duckdb", tmp_path / "out"
    settings = load_settings(analyzers=("references", "repetitions"))
    run([str(tmp_path / "in")], corpus, out, settings)
    import pyarrow.parquet as pq

    relations = pq.read_table(out / "post_relations.parquet").to_pylist()
    forwards = {(r["source"], r["target"], r["posts"]) for r in relations if r["relation"] == "forward"}
    assert forwards == {("Канал Север", "Источник", 3), ("Канал Юг", "Источник", 3)}
    reposts = {r["source"] for r in relations if r["relation"] == "repost"}
    assert {f"amplifier_{i}" for i in range(4)} <= reposts
    assert all(r["target"] == "origin_desk" for r in relations if r["relation"] == "repost")
    html = TestClient(create_app(corpus)).get("/network").text
    assert 'data-relation="forward"' in html and 'data-relation="repost"' in html
    assert "Источник" in html and "amplifier_0" in html


def test_source_pages_say_what_was_computed_and_found(tmp_path: Path) -> None:
    """A source outside every group is 'in no coordinated group', never 'not computed'."""
    from starlette.testclient import TestClient

    from propscope.present.webapp import create_app

    src = tmp_path / "x-page.jsonl"
    src.write_text(json.dumps(x_export_page(4)) + "\n", encoding="utf-8")
    corpus = tmp_path / "c.duckdb"
    run([str(src)], corpus, None, load_settings(analyzers=("references",)))
    client = TestClient(create_app(corpus))
    member = client.get("/source", params={"name": "amplifier_0"}).text
    outsider = client.get("/source", params={"name": "reader_00"}).text
    assert "C0001" in member and 'data-community="none"' not in member
    assert 'data-community="none"' in outsider and "in no coordinated group" in outsider
    for page in (member, outsider):
        assert "not computed" not in page.lower() or "Not computed: techniques" in page
        assert "Not computed: the references" not in page


def test_a_repost_does_not_tie_the_original_author_to_a_fan_by_its_link(tmp_path: Path) -> None:
    """A repost carries its original's link and hashtag: that is not the fan sharing them.

    One account posts a rare link with a hashtag five times; one fan retweets every post
    within a minute. Before reposts were kept out of the link and hashtag kinds, the pair
    co-acted on five rare links and became a community.
    """
    users = [{"id": "1", "username": "origin_desk", "name": "Origin Desk"},
             {"id": "2", "username": "keen_fan", "name": "Keen Fan"}]
    data, originals = [], []
    for k in range(5):
        t = k * 86400.0
        original = {"id": f"10{k}", "author_id": "1", "created_at": _stamp(t),
                    "text": f"Harbour works report {k} #harbourfans https://example.org/harbour/{k}"}
        data.append(original)
        originals.append(original)
        data.append({"id": f"20{k}", "author_id": "2", "created_at": _stamp(t + 30 + k),
                     "text": f"RT @origin_desk: {original['text']}",
                     "referenced_tweets": [{"type": "retweeted", "id": original["id"]}]})
    src = tmp_path / "x-page.jsonl"
    src.write_text(json.dumps({"data": data, "includes": {"users": users, "tweets": originals},
                               "meta": {"result_count": len(data)}}) + "\n", encoding="utf-8")
    corpus = tmp_path / "c.duckdb"
    run([str(src)], corpus, None, load_settings(analyzers=("references", "repetitions")))
    with open_corpus(corpus, read_only=True) as c:
        reposts = c.con.execute("SELECT count(*) FROM posts WHERE relation = 'repost'").fetchone()
        members = c.con.execute("SELECT count(*) FROM communities").fetchone()
        kinds = {r[0] for r in c.con.execute(
            "SELECT DISTINCT kind FROM coordination_evidence").fetchall()}
    assert reposts == (5,)
    assert members == (0,)
    assert not kinds & {"url", "hashtag", "text"}
