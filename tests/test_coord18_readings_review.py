"""Readings that said something untrue (helper-66's review of link/readings.py, 2026-12-05).

Each case is a community whose readings must not claim a benign shape the evidence does not
show, or must not lose one it does: short links are no site; a query string is no part of a
host; an answered account is read from the item, known for every co-action; a member named
by its author counts its documents; "at least N %" rounds down; a corpus kept across an
upgrade gets its readings made again.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from propscope.corpus import Corpus
from propscope.link import readings
from propscope.link.coordination import run_coordination
from propscope.settings import Settings
from test_coord18_readings import BOTS, _posts, _tables
from test_coordination_hazards import corpus_of


def _links(items: list[str]) -> list[dict]:
    return [{"source_a": "feed-1", "source_b": "feed-2", "kind": "url", "item": item,
             "doc_a": f"d{k}a", "doc_b": f"d{k}b", "delay_s": 5.0}
            for k, item in enumerate(items)]


def _codes(corpus: Corpus) -> list[str]:
    return [r["reading"] for r in readings.community_readings(corpus)]


def test_short_links_are_no_site(tmp_path: Path) -> None:
    corpus = Corpus(tmp_path / "c.duckdb")
    _tables(corpus, _links([f"short:bit.ly/{k}x" for k in range(14)]), {})
    assert "one_site" not in _codes(corpus)
    _tables(corpus, _links([f"wire.example/story/{k}" for k in range(13)]
                           + ["short:bit.ly/q"]), {})
    assert "one_site" not in _codes(corpus)  # one link whose site is unknown
    _tables(corpus, _links([f"wire.example/story/{k}" for k in range(14)]), {})
    assert "one_site" in _codes(corpus)


def test_a_query_string_is_no_part_of_the_host(tmp_path: Path) -> None:
    corpus = Corpus(tmp_path / "c.duckdb")
    _tables(corpus, _links([f"blog.example?p={k}" for k in range(14)]), {})
    got = readings.community_readings(corpus)
    assert [(r["reading"], r["detail"]) for r in got if r["reading"] == "one_site"] == [
        ("one_site", "blog.example")]


def _replies(parents: dict[int, str | None], doc_of: dict[int, str] | None = None
             ) -> tuple[list[dict], dict[str, str]]:
    evidence, known = [], {}
    for k, parent in parents.items():
        doc = (doc_of or {}).get(k, f"d{k}a")
        evidence.append({"source_a": f"m-{k % 3}", "source_b": f"m-{(k + 1) % 3}",
                         "kind": "reply", "item": f"reply:x:{k}", "doc_a": doc,
                         "doc_b": f"d{k}b", "delay_s": 90.0})
        if parent is not None:
            known[f"reply:x:{k}"] = parent
    return evidence, known


def test_one_account_needs_every_answered_account_known(tmp_path: Path) -> None:
    corpus = Corpus(tmp_path / "c.duckdb")
    evidence, known = _replies({k: ("star" if k == 0 else None) for k in range(12)})
    _tables(corpus, evidence, known)
    assert "one_account" not in _codes(corpus)
    evidence, known = _replies({k: "star" for k in range(12)})
    _tables(corpus, evidence, known)
    assert "one_account" in _codes(corpus)


def test_one_text_answering_two_accounts_is_not_one_account(tmp_path: Path) -> None:
    """A document is a text: the same short reply to two accounts is one document. Read by
    the document, every co-action looked like an answer to the first account found."""
    corpus = Corpus(tmp_path / "c.duckdb")
    parents = {k: ("star" if k % 2 else "politician") for k in range(12)}
    evidence, known = _replies(parents, {k: "agreed" for k in range(12)})
    _tables(corpus, evidence, known)
    assert "one_account" not in _codes(corpus)


def test_a_member_named_by_its_author_counts_its_documents(tmp_path: Path) -> None:
    """The stage names an account ``coalesce(source, author)``; a relay whose documents carry
    an author and no source posts 300 texts of its own, so it does not "post little else"."""
    corpus = Corpus(tmp_path / "c.duckdb")
    evidence = [{"source_a": "relay", "source_b": "writer", "kind": "text", "item": f"t{k}",
                 "doc_a": f"d{k}a", "doc_b": f"d{k}b", "delay_s": 8.0} for k in range(30)]
    _tables(corpus, evidence, {}, life=0)
    assert "automation" in _codes(corpus)  # both post nothing else
    corpus.con.executemany("INSERT INTO documents (doc_id, source, author) VALUES (?, NULL, ?)",
                           [(f"own-{i}", "writer") for i in range(300)])
    assert "automation" not in _codes(corpus)


def test_at_least_rounds_down(tmp_path: Path) -> None:
    corpus = Corpus(tmp_path / "c.duckdb")
    evidence = [{"source_a": "a", "source_b": "b", "kind": "text", "item": f"t{k}",
                 "doc_a": f"d{k}a", "doc_b": f"d{k}b", "delay_s": 8.0} for k in range(200)]
    _tables(corpus, evidence, {}, life=0)
    corpus.con.execute("INSERT INTO documents (doc_id, source) VALUES ('extra', 'a')")
    got = [r for r in readings.community_readings(corpus) if r["reading"] == "automation"]
    assert got and "at least 99 %" in got[0]["detail"]  # 200 of 201 documents


def test_readings_of_an_older_version_are_made_again(tmp_path: Path) -> None:
    corpus = corpus_of(tmp_path, _posts())
    run_coordination(corpus, Settings(), "r1")
    good = sorted(corpus.df("community_readings")["reading"])
    assert "one_site" in good
    # as an older version left it: a caveat the rule no longer finds, and no version kept
    corpus.replace_table("community_readings", pa.Table.from_pylist([{
        "community_id": "C0001", "reading": "one_account", "detail": "someone",
        "text": "stale", "run_id": "r0"}], readings.READINGS_SCHEMA))
    corpus.con.execute("DELETE FROM coordination_state WHERE key = 'readings'")
    again = run_coordination(corpus, Settings(), "r2")
    assert again["status"] == "skipped" and "readings recomputed" in again["reason"]
    assert sorted(corpus.df("community_readings")["reading"]) == good
    third = run_coordination(corpus, Settings(), "r3")
    assert third == {"status": "skipped", "reason": "no new documents"}
    members = set(corpus.df("communities")["source"])
    assert set(BOTS) <= members


def test_the_headline_and_the_source_page_carry_the_readings(tmp_path: Path) -> None:
    """Where a group is named, its caveats are beside it: the report's headline ("strongest
    coordinated groups", for a reader with no time for the rest) and each member's page."""
    from starlette.testclient import TestClient

    from propscope.present.report import write_report
    from propscope.present.webapp import create_app

    corpus = corpus_of(tmp_path, _posts())
    run_coordination(corpus, Settings(), "r1")
    comm = corpus.df("communities")
    bots = comm.loc[comm["source"] == BOTS[0], "community_id"].iloc[0]
    html = write_report(corpus, tmp_path / "report.html").read_text()
    headline = html[html.index('id="finding-groups"'):html.index('id="finding-signals"')]
    assert f'data-community="{bots}"' in headline
    assert 'data-readings="one_site automation"' in headline or \
        'data-readings="automation one_site"' in headline
    corpus.close()
    page = TestClient(create_app(tmp_path / "c.duckdb")).get(
        "/source", params={"name": BOTS[0]}).text
    assert f'data-community="{bots}"' in page and "also the shape of the site" in page


def test_a_manual_repost_names_its_account(tmp_path: Path) -> None:
    """A scraper's retweets are ``RT @name: text`` with no relation field: every copy names
    the account re-shared, and the readings read it there (as the stage's conditioning does)."""
    corpus = Corpus(tmp_path / "c.duckdb")
    evidence = [{"source_a": f"f-{k % 3}", "source_b": f"f-{(k + 1) % 3}", "kind": "retweet",
                 "item": f"retweet:near:h{k}", "doc_a": f"d{k}a", "doc_b": f"d{k}b",
                 "delay_s": 20.0} for k in range(8)]
    for stars, expected in ((["star"], ["one_account"]), (["star", "other"], [])):
        _tables(corpus, evidence, {})
        for k in range(8):
            corpus.con.execute("UPDATE documents SET text = ? WHERE doc_id IN (?, ?)",
                               [f"RT @{stars[k % len(stars)]}: post number {k}",
                                f"d{k}a", f"d{k}b"])
        got = readings.community_readings(corpus)
        assert [r["reading"] for r in got if r["reading"] == "one_account"] == expected
        if expected:
            assert [r["detail"] for r in got if r["reading"] == "one_account"] == ["star"]


def test_totals_count_groups_not_member_rows(tmp_path: Path) -> None:
    """The run summary said "communities 119" for ten groups (a row per member)."""
    from propscope.pipeline import corpus_totals

    corpus = Corpus(tmp_path / "c.duckdb")
    corpus.replace_table("communities", pa.Table.from_pylist(
        [{"community_id": "C0001", "source": s} for s in ("a", "b", "c")]
        + [{"community_id": "C0002", "source": s} for s in ("c", "d")]))
    totals = corpus_totals(corpus)
    assert totals["communities"] == 2 and totals["community_memberships"] == 5


def test_forwards_of_one_chat_and_manual_reposts_are_one_account(tmp_path: Path) -> None:
    """helper-68: a forward named by its chat carries a digest of its text
    (``from:<chat>#<digest>``), no part of the chat's name; a scraper's reposts are
    ``retweet:doc:`` and ``retweet:near:`` items, whose middle part is no platform; and an
    export's ``Star`` is the ``RT @star:`` of a scraper (names ignoring case)."""
    corpus = Corpus(tmp_path / "c.duckdb")
    forwards = [{"source_a": f"ch-{k % 3}", "source_b": f"ch-{(k + 1) % 3}", "kind": "forward",
                 "item": f"forward:telegram:from:HubChannel#{k:016x}", "doc_a": f"d{k}a",
                 "doc_b": f"d{k}b", "delay_s": 20.0} for k in range(8)]
    _tables(corpus, forwards, {})
    got = [(r["reading"], r["detail"]) for r in readings.community_readings(corpus)]
    assert ("one_account", "HubChannel") in got
    manual = [{"source_a": f"f-{k % 3}", "source_b": f"f-{(k + 1) % 3}", "kind": "retweet",
               "item": f"retweet:{'doc' if k % 2 else 'near'}:h{k}", "doc_a": f"d{k}a",
               "doc_b": f"d{k}b", "delay_s": 20.0} for k in range(8)]
    for name in ("star", "Star"):
        _tables(corpus, manual, {})
        for k in range(8):
            corpus.con.execute("UPDATE documents SET text = ? WHERE doc_id IN (?, ?)",
                               [f"RT @{'star' if k % 2 else name}: post {k}", f"d{k}a", f"d{k}b"])
        got = [r["reading"] for r in readings.community_readings(corpus)]
        assert "one_account" in got, name


def test_a_view_of_a_corpus_with_older_readings_marks_them(tmp_path: Path) -> None:
    """helper-68: the report and the app open a corpus read-only and showed the readings an
    older version stored as if current; they are marked, with what remakes them."""
    import propscope
    from propscope import open_corpus
    from propscope.present.report import write_report

    corpus = corpus_of(tmp_path, _posts())
    run_coordination(corpus, Settings(), "r1")
    current = sorted(corpus.df("community_readings")["reading"])
    corpus.replace_table("community_readings", pa.Table.from_pylist([{
        "community_id": "C0001", "reading": "one_site", "detail": "short:bit.ly",
        "text": "stale caveat about short:bit.ly", "run_id": "r0"}], readings.READINGS_SCHEMA))
    corpus.con.execute("UPDATE coordination_state SET value = '1' WHERE key = 'readings'")
    corpus.close()
    with open_corpus(tmp_path / "c.duckdb", read_only=True) as ro:
        html = write_report(ro, tmp_path / "report.html").read_text()
    assert "Made by an older version of propscope" in html and "stale caveat" in html
    assert current  # the fixture's feed bots carry readings
    with propscope.open_corpus(tmp_path / "c.duckdb") as again:  # the next link run
        run_coordination(again, Settings(), "r2")
    with open_corpus(tmp_path / "c.duckdb", read_only=True) as ro:
        html = write_report(ro, tmp_path / "report2.html").read_text()
    assert "Made by an older version" not in html and "stale caveat" not in html
