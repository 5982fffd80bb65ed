"""Other readings of a community (link/readings.py), through a real DuckDB corpus.

A feed-bot trio relays every link of one site within seconds and posts nothing else: the
stage finds it (it does act together), and its community carries the ``one_site`` and
``automation`` readings, shown in the report. A ring that pushes links of several sites,
with lives of its own, carries none. Unit cases on hand-written tables: every co-action
answering one account is ``one_account`` (two accounts are not), one hashtag is
``one_hashtag``; an account name is escaped in the report.
"""

from __future__ import annotations

import random
from pathlib import Path

import pyarrow as pa

from propscope.corpus import Corpus
from propscope.link import readings
from propscope.link.coordination import run_coordination
from propscope.present.report import write_report
from propscope.settings import Settings
from test_coordination_hazards import DAY, background, corpus_of, word

BOTS = [f"feedbot-{i}" for i in range(3)]
RING = [f"ring-{i}" for i in range(5)]


def _posts() -> list[tuple[str, str, float]]:
    rnd = random.Random(18)
    posts = background(rnd)
    for k in range(30):  # the bots: every headline of one site, seconds apart, in turn
        t = DAY * (0.3 + 0.4 * k) + rnd.uniform(0, 3600)
        url = f"https://wire-news.example/story/{k}"
        head = " ".join(word(rnd) for _ in range(6))
        order = BOTS[k % 3:] + BOTS[:k % 3]
        posts += [(b, f"{head} {url}", t + 5 * i + rnd.uniform(0, 4))
                  for i, b in enumerate(order)]
    for k in range(12):  # the ring: links of several sites within a minute, and a life
        t = DAY * (0.5 + 0.9 * k) + rnd.uniform(0, 3600)
        url = f"https://site-{k % 4}.example/p/{k}"
        posts += [(a, f"{word(rnd)} {word(rnd)} {url}", t + rnd.uniform(0, 60))
                  for a in RING if rnd.random() < 0.9]
    for a in RING:
        posts += [(a, " ".join(word(rnd) for _ in range(9)), rnd.uniform(0, 12 * DAY))
                  for _ in range(20)]
    return posts


def test_feed_bots_carry_their_readings_and_a_ring_none(tmp_path: Path) -> None:
    corpus = corpus_of(tmp_path, _posts())
    run_coordination(corpus, Settings(), "r1")
    comm = corpus.df("communities")
    of = {cid: set(g.source) for cid, g in comm.groupby("community_id")}
    bots = [cid for cid, m in of.items() if m == set(BOTS)]
    ring = [cid for cid, m in of.items() if m >= set(RING[:3]) and not m & set(BOTS)]
    assert bots and ring, of
    got = corpus.df("community_readings")
    mine = set(got.loc[got["community_id"] == bots[0], "reading"])
    assert mine == {"one_site", "automation"}
    assert got.loc[got["community_id"] == bots[0], "detail"].str.contains(
        "wire-news.example").any()
    assert not len(got[got["community_id"] == ring[0]])
    html = write_report(corpus, tmp_path / "report.html").read_text()
    assert "also the shape of the site&#39;s own accounts" in html or \
        "also the shape of the site's own accounts" in html
    # re-running the stage is idempotent: the same readings
    run_coordination(corpus, Settings(), "r2")
    again = corpus.df("community_readings")
    assert sorted(again["reading"]) == sorted(got["reading"])


def _tables(corpus: Corpus, evidence: list[dict], parents: dict[str, str],
            posts: list[dict] | None = None, life: int = 30) -> None:
    members = sorted({e["source_a"] for e in evidence} | {e["source_b"] for e in evidence})
    corpus.replace_table("communities", pa.Table.from_pylist(
        [{"community_id": "C0001", "source": m} for m in members]))
    corpus.replace_table("coordination_evidence", pa.Table.from_pylist(evidence))
    docs = {(e["doc_a"], e["source_a"]) for e in evidence} | {
        (e["doc_b"], e["source_b"]) for e in evidence}
    corpus.replace_table("documents", pa.Table.from_pylist(
        [{"doc_id": d, "source": s} for d, s in sorted(docs)]
        + [{"doc_id": f"life-{m}-{i}", "source": m} for m in members for i in range(life)],
        pa.schema([("doc_id", pa.string()), ("source", pa.string()), ("author", pa.string()),
                   ("text", pa.string())])))
    # each reply's post names its parent (platform x, the item's post id) and its author
    by_item = {e["item"]: e for e in evidence}
    replies = [{"platform": "x", "post_id": f"p-{item}", "doc_id": by_item[item]["doc_a"],
                "author": by_item[item]["source_a"], "parent_id": item.split(":", 2)[2],
                "parent_author": a} for item, a in parents.items()]
    corpus.replace_table("posts", pa.Table.from_pylist(
        replies + [dict({"platform": "x", "post_id": None, "parent_id": None}, **p)
                   for p in posts or []],
        pa.schema([("platform", pa.string()), ("post_id", pa.string()), ("doc_id", pa.string()),
                   ("author", pa.string()), ("parent_id", pa.string()),
                   ("parent_author", pa.string())])))


def _replies(targets: list[str]) -> tuple[list[dict], dict[str, str]]:
    evidence, parents = [], {}
    for k in range(6):
        a, b = f"fan-{k % 3}", f"fan-{(k + 1) % 3}"
        evidence.append({"source_a": a, "source_b": b, "kind": "reply",
                         "item": f"reply:x:{k}", "doc_a": f"d{k}a", "doc_b": f"d{k}b",
                         "delay_s": 90.0})
        parents[f"reply:x:{k}"] = targets[k % len(targets)]
    return evidence, parents


def test_one_account_answered_and_two_accounts(tmp_path: Path) -> None:
    corpus = Corpus(tmp_path / "c.duckdb")
    evidence, parents = _replies(["<b>star</b>"])
    _tables(corpus, evidence, parents)
    got = readings.community_readings(corpus)
    assert [(r["reading"], r["detail"]) for r in got] == [("one_account", "<b>star</b>")]
    evidence, parents = _replies(["star", "politician"])
    _tables(corpus, evidence, parents)
    assert readings.community_readings(corpus) == []


def test_one_hashtag_over_its_episodes(tmp_path: Path) -> None:
    corpus = Corpus(tmp_path / "c.duckdb")
    evidence = [{"source_a": "a", "source_b": "b", "kind": "hashtag", "item": f"matchday @{k}",
                 "doc_a": f"d{k}a", "doc_b": f"d{k}b", "delay_s": 400.0} for k in range(4)]
    _tables(corpus, evidence, {})
    got = readings.community_readings(corpus)
    assert [(r["reading"], r["detail"]) for r in got] == [("one_hashtag", "#matchday")]


def test_an_account_name_is_escaped_in_the_report(tmp_path: Path) -> None:
    corpus = corpus_of(tmp_path, _posts())
    run_coordination(corpus, Settings(), "r1")
    comm = corpus.df("communities")
    cid = comm["community_id"].iloc[0]
    hostile = "<script>alert(1)</script>"
    corpus.replace_table("community_readings", pa.Table.from_pylist([{
        "community_id": cid, "reading": "one_account", "detail": hostile,
        "text": readings.TEXTS["one_account"].format(detail=hostile), "run_id": "r1"}],
        readings.READINGS_SCHEMA))
    html = write_report(corpus, tmp_path / "report.html").read_text()
    assert hostile not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_a_copier_with_no_document_of_its_own_is_counted(tmp_path: Path) -> None:
    """A relay whose every post copies a text another account posted first has no document
    of its own (documents are kept once, under the first poster); its posts are still its
    own. Counting documents only left it out, and ``automation`` then said "members post
    little else" of a pair whose copier posts much else."""
    corpus = Corpus(tmp_path / "c.duckdb")
    evidence = [{"source_a": "relay", "source_b": "copier", "kind": "text", "item": f"t{k}",
                 "doc_a": f"d{k}", "doc_b": f"d{k}", "delay_s": 8.0} for k in range(6)]
    copies = [{"doc_id": f"d{k}", "author": "copier", "parent_author": None} for k in range(6)]
    elsewhere = [{"doc_id": f"other-{i}", "author": "copier", "parent_author": None}
                 for i in range(50)]  # it copies many other accounts' texts too
    _tables(corpus, evidence, {}, copies + elsewhere, life=0)
    corpus.con.execute("DELETE FROM documents WHERE source = 'copier'")
    assert readings.community_readings(corpus) == []
    _tables(corpus, evidence, {}, copies, life=0)  # a copier that does nothing else
    corpus.con.execute("DELETE FROM documents WHERE source = 'copier'")
    assert [r["reading"] for r in readings.community_readings(corpus)] == ["automation"]


def test_declared_bots_are_their_own_reading(tmp_path: Path) -> None:
    """Mastodon's ``bot`` flag is read into ``posts.declared_bot`` and, when half of a
    community's members carry it, the community says so; one flagged member of three does
    not make the reading."""
    corpus = Corpus(tmp_path / "c.duckdb")
    evidence = [{"source_a": "feed-1", "source_b": "feed-2", "kind": "url",
                 "item": f"wire.example/{k}", "doc_a": f"d{k}a", "doc_b": f"d{k}b",
                 "delay_s": 400.0} for k in range(6)] + [
        {"source_a": "feed-2", "source_b": "person", "kind": "url", "item": f"other.example/{k}",
         "doc_a": f"e{k}a", "doc_b": f"e{k}b", "delay_s": 400.0} for k in range(6)]

    def flagged(*bots: str) -> list[dict]:
        return [{"doc_id": f"p-{b}", "author": b, "parent_author": None, "declared_bot": True}
                for b in bots]
    for bots, expected in ((("feed-1", "feed-2"), ["declared_bot"]), (("feed-1",), [])):
        _tables(corpus, evidence, {})
        corpus.con.execute("ALTER TABLE posts ADD COLUMN declared_bot BOOLEAN")
        corpus.con.executemany("INSERT INTO posts (doc_id, author, parent_author, declared_bot) "
                               "VALUES (?, ?, ?, ?)", [list(r.values()) for r in flagged(*bots)])
        got = readings.community_readings(corpus)
        assert [r["reading"] for r in got if r["reading"] == "declared_bot"] == expected
        if expected:
            assert "2 of 3 members" in got[-1]["text"] and "bot flag" in got[-1]["text"]


def test_mastodon_bot_flag_is_kept_and_old_corpora_gain_the_column(tmp_path: Path) -> None:
    import json

    import propscope
    from propscope import pipeline
    statuses = [{"id": str(k), "created_at": f"2024-03-01T10:0{k}:00Z",
                 "url": f"https://m.example/{k}",
                 "content": f"<p>headline number {k} about the harbour budget</p>",
                 "in_reply_to_id": None, "reblog": None,
                 "account": {"acct": acct, "id": acct, "bot": bot}}
                for k, (acct, bot) in enumerate((("relay", True), ("ana", False), ("cora", None)))]
    path = tmp_path / "statuses.json"
    path.write_text(json.dumps(statuses), encoding="utf-8")
    pipeline.ingest([path], tmp_path / "c.duckdb", Settings())
    with propscope.open_corpus(tmp_path / "c.duckdb") as corpus:
        flags = dict(corpus.con.execute("SELECT author, declared_bot FROM posts").fetchall())
        assert flags == {"relay": True, "ana": None, "cora": None}
        corpus.con.execute("ALTER TABLE posts DROP COLUMN declared_bot")  # as version 4 made it
        corpus.con.execute("UPDATE meta SET value = '4' WHERE key = 'schema_version'")
    with propscope.open_corpus(tmp_path / "c.duckdb") as corpus:  # migrated on open
        assert corpus.con.execute("SELECT count(*) FROM posts WHERE declared_bot IS NULL"
                                  ).fetchone()[0] == 3
    # new posts into the migrated table (its new column is last): written by name
    later = [{**s, "id": f"n{s['id']}", "url": f"https://m.example/n{s['id']}",
              "content": s["content"].replace("headline", "later headline")} for s in statuses]
    (tmp_path / "later.json").write_text(json.dumps(later), encoding="utf-8")
    pipeline.ingest([tmp_path / "later.json"], tmp_path / "c.duckdb", Settings())
    with propscope.open_corpus(tmp_path / "c.duckdb") as corpus:
        rows = corpus.con.execute("SELECT post_id, author, declared_bot, relation FROM posts "
                                  "WHERE post_id LIKE 'n%' ORDER BY post_id").fetchall()
    assert rows == [("n0", "relay", True, "original"), ("n1", "ana", None, "original"),
                    ("n2", "cora", None, "original")]


def test_a_copier_read_from_plain_files_is_counted_too(tmp_path: Path) -> None:
    """Without a platform export a copier's posts are its occurrences in
    ``document_sources`` (JSON Lines, CSV, news): 56 of them, 6 in the community."""
    corpus = Corpus(tmp_path / "c.duckdb")  # a real corpus: the stage's own tables
    corpus.replace_table("coordination_evidence", pa.Table.from_pylist([
        {"source_a": "relay", "source_b": "copier", "kind": "text", "item": f"t{k}",
         "doc_a": f"d{k}", "doc_b": f"d{k}", "delay_s": 8.0} for k in range(6)]))
    corpus.replace_table("communities", pa.Table.from_pylist(
        [{"community_id": "C0001", "source": m} for m in ("relay", "copier")]))
    firsts = [(f"d{k}", "relay") for k in range(6)] + [(f"o{i}", f"other{i}") for i in range(50)]
    corpus.con.executemany("INSERT INTO documents (doc_id, source) VALUES (?, ?)", firsts)
    copies = [(f"d{k}", "copier") for k in range(6)] + [(f"o{i}", "copier") for i in range(50)]
    corpus.con.executemany("INSERT INTO document_sources (doc_id, source, file, record) "
                           "VALUES (?, ?, 'f.jsonl', ?)", [(d, s, d) for d, s in copies])
    assert readings.community_readings(corpus) == []
    corpus.con.execute("DELETE FROM document_sources WHERE doc_id LIKE 'o%'")
    assert [r["reading"] for r in readings.community_readings(corpus)] == ["automation"]
