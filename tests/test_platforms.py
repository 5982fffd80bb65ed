"""Platform exports read through a real DuckDB corpus: the post model field by field,
detection by content, and bad records quarantined with their numbers."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

import propscope
from propscope import pipeline
from propscope.ingest import platforms
from propscope.settings import Settings

FIXTURES = Path(__file__).parent / "fixtures" / "platforms"


def ingest(tmp_path: Path, *names: str | Path) -> propscope.Corpus:
    paths = [n if isinstance(n, Path) else FIXTURES / n for n in names]
    pipeline.ingest(paths, tmp_path / "c.duckdb", Settings())
    return propscope.open_corpus(tmp_path / "c.duckdb", read_only=True)


def posts(corpus: propscope.Corpus) -> dict[str, dict[str, Any]]:
    cursor = corpus.con.execute("SELECT * FROM posts")
    names = [d[0] for d in cursor.description]
    rows = [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]
    for row in rows:
        row["metrics"] = json.loads(row["metrics"]) if row["metrics"] else {}
    return {r["post_id"]: r for r in rows}


def quarantine(corpus: propscope.Corpus) -> dict[str, str]:
    return {r["record"]: r["reason"] for r in corpus.df("quarantine").to_dict("records")}


def text_of(corpus: propscope.Corpus, doc_id: str) -> str:
    return corpus.sql("SELECT text FROM documents WHERE doc_id = ?", [doc_id])["text"][0]


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def test_x_api_page_and_twarc_flattened(tmp_path: Path) -> None:
    corpus = ingest(tmp_path, "x-search.jsonl")
    got = posts(corpus)
    assert set(got) == {"1001", "1002", "1003", "1004", "1005", "1010"}
    orig = got["1001"]
    assert (orig["platform"], orig["author"], orig["author_name"], orig["author_id"]) == (
        "x", "harbor_news", "Harbor News", "11")
    assert orig["relation"] == "original" and orig["parent_id"] is None
    assert orig["root_id"] is None  # its own conversation
    assert orig["links"] == ["https://news.example.com/bridge"]  # expanded, not t.co
    assert orig["hashtags"] == ["bridges"] and orig["mentions"] == []
    assert orig["metrics"] == {"retweet_count": 2, "reply_count": 1, "like_count": 9,
                               "quote_count": 1, "impression_count": 420}
    assert orig["edited"] is True  # two IDs in edit_history_tweet_ids
    assert orig["published"] == at("2024-03-01T10:00:00+00:00")
    assert orig["url"] == "https://x.com/harbor_news/status/1001"
    assert orig["record"] == "1.1"
    # A retweet: its own author, time and ID; the original's text stored once.
    rt = got["1002"]
    assert (rt["relation"], rt["parent_id"], rt["parent_author"]) == ("repost", "1001",
                                                                      "harbor_news")
    assert rt["author"] == "citywatch" and rt["author_name"] == "City Watch 👀"
    assert rt["published"] == at("2024-03-01T10:05:00+00:00")
    assert rt["doc_id"] == orig["doc_id"]
    assert text_of(corpus, rt["doc_id"]).startswith("Harbor bridge opens today 🎉")
    assert corpus.sql("SELECT count(*) n FROM documents WHERE doc_id = ?",
                      [orig["doc_id"]])["n"][0] == 1
    sources = corpus.sql("SELECT source FROM document_sources WHERE doc_id = ? ORDER BY "
                         "published", [orig["doc_id"]])["source"].tolist()
    assert sources == ["harbor_news", "citywatch", "amplifier_1"]
    # twarc2 flattened line: the reference carries the original inline.
    flat = got["1010"]
    assert (flat["relation"], flat["parent_id"], flat["parent_author"], flat["author"]) == (
        "repost", "1001", "harbor_news", "amplifier_1")
    assert flat["doc_id"] == orig["doc_id"] and flat["record"] == "2"
    reply = got["1003"]
    assert (reply["relation"], reply["parent_id"], reply["parent_author"], reply["root_id"]) \
        == ("reply", "1001", "harbor_news", "1001")
    assert reply["author_name"] == "田中" and reply["mentions"] == ["harbor_news"]
    quote = got["1004"]
    assert (quote["relation"], quote["parent_id"], quote["parent_author"]) == (
        "quote", "1001", "harbor_news")
    assert text_of(corpus, quote["doc_id"]).startswith("Finally! Worth the wait")
    assert got["1005"]["status"] == "withheld"
    # A deleted tweet reported in the page's errors: quarantined, the rest kept.
    assert "1006 not available" in quarantine(corpus)["1.6"]
    lang = corpus.sql("SELECT lang FROM documents WHERE doc_id = ?", [reply["doc_id"]])
    assert lang["lang"][0] == "ja"


def test_telegram_channel_export(tmp_path: Path) -> None:
    corpus = ingest(tmp_path, "telegram-result.json")
    got = posts(corpus)
    assert set(got) == {"1700000001/2", "1700000001/3", "1700000001/4"}  # service skipped
    first = got["1700000001/2"]
    assert (first["platform"], first["channel"], first["author"], first["author_id"]) == (
        "telegram", "Вестник Полдень", "Вестник Полдень", "channel1700000001")
    assert first["relation"] == "original"
    assert first["links"] == ["https://t.ly/aB1", "https://example.org/report?id=7"]
    assert first["hashtags"] == ["мост"]
    assert first["metrics"] == {"views": 1520, "reactions": 15}
    assert first["published"] == at("2024-03-01T10:00:00+00:00")  # date_unixtime, UTC
    assert text_of(corpus, first["doc_id"]) == (
        "Городской совет открыл новый мост 🌉 #мост подробности: https://t.ly/aB1 и отчёт")
    fwd = got["1700000001/3"]
    assert (fwd["relation"], fwd["parent_author"], fwd["parent_id"]) == (
        "forward", "Северный Курьер", None)
    assert fwd["edited"] is True and fwd["edited_at"] == "2024-03-01T11:45:00+00:00"
    assert fwd["mentions"] == ["meteo_bot"]
    reply = got["1700000001/4"]
    assert (reply["relation"], reply["parent_id"]) == ("reply", "1700000001/2")
    assert "مرحبا" in text_of(corpus, reply["doc_id"])
    assert "has no text" in quarantine(corpus)["5"]  # the photo without a caption
    src = corpus.sql("SELECT DISTINCT source FROM documents")["source"].tolist()
    assert src == ["Вестник Полдень"]


def test_mastodon_statuses(tmp_path: Path) -> None:
    corpus = ingest(tmp_path, "mastodon-statuses.json")
    got = posts(corpus)
    orig, boost, reply = (got[f"11000000000000000{i}"] for i in (1, 2, 3))
    assert (orig["author"], orig["author_name"], orig["relation"]) == ("ana", "Ana 🌸",
                                                                      "original")
    assert orig["links"] == ["https://news.example.com/bridge?a=1&b=2"]  # not tags/mentions
    assert orig["hashtags"] == ["bridges"] and orig["mentions"] == ["ben@other.example"]
    assert orig["edited"] is True and orig["edited_at"] == "2024-03-01T10:05:00.000Z"
    assert orig["metrics"] == {"replies_count": 1, "reblogs_count": 1, "favourites_count": 4}
    assert text_of(corpus, orig["doc_id"]) == (
        "新しい橋が開通しました 🌉 #bridges\n詳細: https://news.example.com/bridge cc @ben")
    assert (boost["relation"], boost["parent_id"], boost["parent_author"], boost["author"]) == (
        "repost", orig["post_id"], "ana", "cora@far.example")
    assert boost["doc_id"] == orig["doc_id"]
    assert boost["published"] == at("2024-03-01T10:07:00+00:00")
    assert (reply["relation"], reply["parent_id"], reply["parent_author"]) == (
        "reply", orig["post_id"], "ana")
    assert text_of(corpus, reply["doc_id"]) == "opinion\n\n@ana Too expensive & too late."


def test_bluesky_feed(tmp_path: Path) -> None:
    corpus = ingest(tmp_path, "bluesky-feed.json")
    got = posts(corpus)
    uri = "at://did:plc:alice111/app.bsky.feed.post/3kaaa1"
    orig = got[uri]
    assert (orig["author"], orig["author_name"], orig["author_id"]) == (
        "alice.example.com", "Alice ✨", "did:plc:alice111")
    assert orig["links"] == ["https://news.example.com/bridge-opening-2024"]  # facet, full
    assert orig["hashtags"] == ["bridges"]
    assert orig["url"] == "https://bsky.app/profile/alice.example.com/post/3kaaa1"
    assert orig["metrics"] == {"replyCount": 1, "repostCount": 1, "likeCount": 5,
                               "quoteCount": 1}
    repost = got["at://did:plc:bob222/app.bsky.feed.repost/3kbbb9"]
    assert (repost["relation"], repost["parent_id"], repost["parent_author"],
            repost["author"]) == ("repost", uri, "alice.example.com", "bob.bsky.social")
    assert repost["published"] == at("2024-03-01T10:30:00+00:00")
    assert repost["doc_id"] == orig["doc_id"]
    reply = got["at://did:plc:carol333/app.bsky.feed.post/3kccc2"]
    assert (reply["relation"], reply["parent_id"], reply["root_id"], reply["parent_author"]) \
        == ("reply", uri, uri, "alice.example.com")
    assert reply["mentions"] == ["did:plc:alice111"] and reply["author_name"] == "Кэрол"
    quote = got["at://did:plc:dave444/app.bsky.feed.post/3kddd3"]
    assert (quote["relation"], quote["parent_id"], quote["parent_author"]) == (
        "quote", uri, "did:plc:alice111")


def test_reddit_dump(tmp_path: Path) -> None:
    corpus = ingest(tmp_path, "reddit-comments.ndjson")
    got = posts(corpus)
    assert set(got) == {"t3_abc1", "t3_abc2", "t1_c001", "t1_c003"}
    sub = got["t3_abc1"]
    assert (sub["channel"], sub["author"], sub["author_id"], sub["relation"]) == (
        "harborcity", "river_fan", "t2_u1", "original")
    assert sub["links"] == ["https://city.example.gov/notice"]
    assert sub["metrics"] == {"score": 42, "num_comments": 3, "upvote_ratio": 0.97}
    assert sub["url"] == "https://www.reddit.com/r/harborcity/comments/abc1/new_bridge/"
    assert text_of(corpus, sub["doc_id"]) == (
        "New bridge opens today\n\nOfficial notice: https://city.example.gov/notice 🌉")
    cross = got["t3_abc2"]
    assert (cross["relation"], cross["parent_id"], cross["channel"]) == ("repost", "t3_abc1",
                                                                        "bridges")
    assert cross["links"] == ["https://news.example.com/bridge"]
    comment = got["t1_c001"]
    assert (comment["relation"], comment["parent_id"], comment["root_id"]) == (
        "reply", "t3_abc1", "t3_abc1")
    assert comment["edited"] is True and comment["edited_at"].startswith("2024-03-01T10:18:20")
    assert got["t1_c003"]["parent_id"] == "t1_c001"
    assert "removed post t1_c002" in quarantine(corpus)["4"]


def test_youtube_tiktok_crowdtangle_4cat(tmp_path: Path) -> None:
    corpus = ingest(tmp_path, "youtube-api.jsonl", "tiktok-research.jsonl", "crowdtangle.csv",
                    "4cat-dataset.csv")
    got = posts(corpus)
    video = got["vid00000001"]
    assert (video["platform"], video["author"], video["author_id"], video["relation"]) == (
        "youtube", "Harbor TV", "UCchan1", "original")
    assert video["metrics"] == {"viewCount": 1520, "likeCount": 88, "commentCount": 2,
                                "favoriteCount": 0}
    assert video["hashtags"] == ["bridge", "harbor"]
    top, sub = got["Ugz_thread1"], got["Ugz_thread1.reply1"]
    assert (top["relation"], top["parent_id"], top["root_id"], top["author"]) == (
        "reply", "vid00000001", "vid00000001", "@viewer_one")
    assert top["edited"] is True and top["links"] == ["https://example.org/more"]
    assert (sub["parent_id"], sub["root_id"], sub["edited"]) == ("Ugz_thread1", "vid00000001",
                                                                 False)
    tiktok = got["7300000000000000001"]
    assert (tiktok["platform"], tiktok["author"], tiktok["hashtags"]) == (
        "tiktok", "harbor_clips", ["bridge", "harbor"])
    assert tiktok["metrics"]["share_count"] == 40
    assert tiktok["url"] == "https://www.tiktok.com/@harbor_clips/video/7300000000000000001"
    ct = got["https://www.facebook.com/harbordaily/posts/9001"]
    assert (ct["platform"], ct["author"], ct["author_name"], ct["author_id"]) == (
        "facebook", "harbordaily", "Harbor Daily", "100000001")
    assert ct["links"] == ["https://news.example.com/bridge"]  # Final Link, not bit.ly
    assert ct["published"] == at("2024-03-01T10:00:00+00:00")  # 05:00 EST
    assert ct["metrics"]["Shares"] == 5 and ct["metrics"]["Total Interactions"] == 57
    civic = got["https://www.facebook.com/paginacivica/posts/9002"]
    assert text_of(corpus, civic["doc_id"]) == '¿Quién pagó el puente? "Nadie sabe"'
    four = got["9002"]
    assert (four["platform"], four["relation"], four["parent_id"], four["root_id"]) == (
        "4cat", "reply", "9001", "9001")
    assert got["9001"]["links"] == ["https://example.net/pic"]
    assert "has no text" in quarantine(corpus)["1.2"]  # the TikTok without a description


@pytest.mark.parametrize(("fixture", "expected"), [
    ("telegram-result.json", "telegram"), ("x-search.jsonl", "x-v2"),
    ("mastodon-statuses.json", "mastodon"), ("bluesky-feed.json", "bluesky"),
    ("reddit-comments.ndjson", "reddit"), ("youtube-api.jsonl", "youtube"),
    ("tiktok-research.jsonl", "tiktok-research"), ("crowdtangle.csv", "crowdtangle-csv"),
    ("4cat-dataset.csv", "4cat-csv"), ("video.info.json", "yt-dlp"),
    ("meta-content-library.csv", "meta-content-library-csv"),
])
def test_detected_by_content(fixture: str, expected: str) -> None:
    head = (FIXTURES / fixture).read_bytes()[:8192]
    found = platforms.detect(head)
    assert found is not None and found.name == expected


def test_generic_records_are_not_claimed() -> None:
    assert platforms.detect(b'{"id": "1", "text": "hello", "author": "a"}\n') is None
    assert platforms.detect(b"id,text,source\n1,hello,a\n") is None
    assert platforms.detect(b"Plain text, with a comma.\n") is None


def test_misnamed_file_still_detected(tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    shutil.copy(FIXTURES / "telegram-result.json", inputs / "channel-dump.txt")
    shutil.copy(FIXTURES / "x-search.jsonl", inputs / "tweets.json")
    corpus = ingest(tmp_path, inputs)
    platforms_seen = corpus.sql("SELECT platform, count(*) n FROM posts GROUP BY ALL "
                                "ORDER BY platform").to_dict("records")
    assert platforms_seen == [{"platform": "telegram", "n": 3}, {"platform": "x", "n": 6}]


def test_bad_telegram_message_quarantined_rest_kept(tmp_path: Path) -> None:
    raw = (FIXTURES / "telegram-result.json").read_text(encoding="utf-8")
    # message 3 of the array loses a value: malformed JSON inside balanced braces
    broken = raw.replace('"forwarded_from": "Северный Курьер",', '"forwarded_from": ,', 1)
    assert broken != raw
    path = tmp_path / "result.json"
    path.write_text(broken, encoding="utf-8")
    corpus = ingest(tmp_path, path)
    assert set(posts(corpus)) == {"1700000001/2", "1700000001/4"}
    reasons = quarantine(corpus)
    assert reasons["3"].startswith("malformed JSON in message")
    row = corpus.sql("SELECT file FROM quarantine WHERE record = '3'")["file"][0]
    assert row.endswith("result.json")


def test_truncated_telegram_export_keeps_what_was_read(tmp_path: Path) -> None:
    raw = (FIXTURES / "telegram-result.json").read_bytes()
    path = tmp_path / "result.json"
    path.write_bytes(raw[:raw.index(b'"id": 4')])  # cut inside message 4
    corpus = ingest(tmp_path, path)
    assert set(posts(corpus)) == {"1700000001/2", "1700000001/3"}
    assert "ends inside the messages array" in quarantine(corpus)[""]


def test_bad_x_line_and_strange_record_quarantined(tmp_path: Path) -> None:
    good = (FIXTURES / "x-search.jsonl").read_text(encoding="utf-8").splitlines()
    strange = json.dumps({"id": "77", "text": "ok", "author_id": "9", "conversation_id": "77",
                          "entities": "not-an-object"})
    path = tmp_path / "x.jsonl"
    path.write_text("\n".join([good[0], '{"data": [{"id": "1", ', strange, good[1]]) + "\n",
                    encoding="utf-8")
    corpus = ingest(tmp_path, path)
    reasons = quarantine(corpus)
    assert reasons["2"].startswith("malformed JSON")
    assert reasons["3"].startswith("record could not be read: AttributeError")
    assert {"1001", "1010"} <= set(posts(corpus))


def test_resume_adds_no_duplicate_posts(tmp_path: Path) -> None:
    ingest(tmp_path, "x-search.jsonl").close()
    path = tmp_path / "c.duckdb"
    with propscope.open_corpus(path) as corpus:
        corpus.con.execute("DELETE FROM ingested_files")  # force a re-read
    corpus = ingest(tmp_path, "x-search.jsonl")
    assert corpus.count("posts") == 6


def test_documents_meta_does_not_repeat_the_post(tmp_path: Path) -> None:
    corpus = ingest(tmp_path, "mastodon-statuses.json")
    assert corpus.sql("SELECT count(*) n FROM documents WHERE meta IS NOT NULL")["n"][0] == 0


def test_formats_command_lists_every_format() -> None:
    from click.testing import CliRunner

    from propscope.cli import main

    result = CliRunner().invoke(main, ["formats", "--json"])
    assert result.exit_code == 0, result.output
    listed = {f["name"]: f for f in json.loads(result.output)}
    assert {f.name for f in platforms.FORMATS} <= set(listed)
    assert {"generic-jsonl", "generic-delimited", "generic-plaintext"} <= set(listed)
    assert "forwarded_from" in listed["telegram"]["fields"]
    assert "expanded_url" in listed["x-v2"]["fields"]


def test_inspect_shows_detection_and_records_without_writing(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from propscope.cli import main

    path = tmp_path / "export.txt"  # misnamed on purpose
    raw = (FIXTURES / "telegram-result.json").read_text(encoding="utf-8")
    path.write_text(raw.replace("Уточнение:", "Уточнение:\\u001b[2J\\u202e"), encoding="utf-8")
    result = CliRunner().invoke(main, ["inspect", str(path), "-n", "3"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "format:      telegram" in out and "detected by: content:" in out
    assert "post.relation: forward" in out and "post.parent_author: Северный Курьер" in out
    assert "\x1b" not in out and "\u202e" not in out  # shown escaped
    assert "\\x1b[2J\\u202e" in out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["export.txt"]  # nothing written
    data = json.loads(CliRunner().invoke(main, ["inspect", str(path), "--json"]).output)
    assert data[0]["format"]["name"] == "telegram"
    assert [r["record"] for r in data[0]["records"]] == ["2", "3", "4", "5"]
    assert data[0]["records"][3]["quarantined"].startswith("telegram post 1700000001/5")


@pytest.mark.parametrize("block", [3, 64, 1 << 20])
def test_stream_scanner_cuts_items_whatever_the_block_size(block: int,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from propscope.ingest.platforms import jsonscan

    monkeypatch.setattr(jsonscan, "BLOCK", block)
    messages = [{"id": i, "text": ["}]\"[{", {"type": "link", "text": "]]"}], "x": "\\" * (i % 3)}
                for i in range(50)]
    messages.append({"id": 50, "deep": [[[[[[[{"x": "}"}]]]]]]]})  # beyond the fast path
    messages.append({"id": 51, "big": "a" * 500})  # over the limit below
    doc = {"name": "Канал {", "type": "public_channel", "messages": messages, "after": [1]}
    raw = json.dumps(doc, ensure_ascii=False, indent=1).encode()
    scan = jsonscan.Scan()
    items = list(jsonscan.iter_array_items(io.BytesIO(raw), b"messages", scan, 400))
    assert [i for i, _ in items] == list(range(1, 53))
    assert [json.loads(b)["id"] for _, b in items[:51]] == list(range(51))
    assert items[51][1] is None  # skipped unheld, reported by number
    assert scan.found and not scan.truncated and b'"public_channel"' in scan.header


def test_mixed_corpus_through_propscope_run(tmp_path: Path) -> None:
    """Telegram forwards, X retweets and a news site's articles through the whole job."""
    from click.testing import CliRunner

    from propscope.cli import main

    inputs = tmp_path / "in"
    (inputs / "harbor-times").mkdir(parents=True)
    shutil.copy(FIXTURES / "telegram-result.json", inputs / "result.json")
    shutil.copy(FIXTURES / "x-search.jsonl", inputs / "tweets.jsonl")
    (inputs / "harbor-times" / "bridge.txt").write_text(
        "Harbor bridge opens today after six years of construction; the council says it "
        "will carry trams and bikes.\n", encoding="utf-8")
    db, out = tmp_path / "c.duckdb", tmp_path / "out"
    result = CliRunner().invoke(main, ["run", str(inputs), "--corpus", str(db), "--out",
                                       str(out), "-q"])
    assert result.exit_code == 0, result.output
    assert (out / "documents.parquet").exists() and (out / "report.html").exists()
    with propscope.open_corpus(db, read_only=True) as corpus:
        got = posts(corpus)
        relations = sorted((p["platform"], p["relation"]) for p in got.values())
        assert relations.count(("x", "repost")) == 2
        assert ("telegram", "forward") in relations
        network = sorted((p["author"], p["parent_author"]) for p in got.values()
                         if p["relation"] in ("repost", "forward"))
        assert network == [("amplifier_1", "harbor_news"), ("citywatch", "harbor_news"),
                           ("Вестник Полдень", "Северный Курьер")]
        article = corpus.sql("SELECT doc_id, source FROM documents WHERE file LIKE "
                             "'%bridge.txt'").to_dict("records")
        assert article[0]["source"] == "harbor-times"
        assert article[0]["doc_id"] not in {p["doc_id"] for p in got.values()}
        stages = set(corpus.sql("SELECT stage FROM corpus_stages")["stage"])
        assert stages  # analysis and linking ran over the platform documents too


def test_platform_files_beside_parallel_jsonl(tmp_path: Path) -> None:
    """With --engine processes, generic JSON Lines go to the workers and platform
    files are read in the ingesting process; both end up in the corpus."""
    from click.testing import CliRunner

    from propscope.cli import main

    inputs = tmp_path / "in"
    inputs.mkdir()
    shutil.copy(FIXTURES / "x-search.jsonl", inputs / "tweets.jsonl")
    (inputs / "feed.jsonl").write_text("".join(
        json.dumps({"id": str(i), "text": f"generic post number {i} about the harbor",
                    "source": "feed"}) + "\n" for i in range(30)), encoding="utf-8")
    db = tmp_path / "c.duckdb"
    result = CliRunner().invoke(main, ["run", str(inputs), "--corpus", str(db), "--engine",
                                       "processes", "--workers", "2", "-q"])
    assert result.exit_code == 0, result.output
    with propscope.open_corpus(db, read_only=True) as corpus:
        assert set(posts(corpus)) == {"1001", "1002", "1003", "1004", "1005", "1010"}
        feed = corpus.sql("SELECT count(*) n FROM documents WHERE source = 'feed'")["n"][0]
        assert feed == 30


def test_ytdlp_info_and_meta_content_library(tmp_path: Path) -> None:
    corpus = ingest(tmp_path, "video.info.json", "meta-content-library.csv")
    got = posts(corpus)
    video = got["vid00000002"]
    assert (video["platform"], video["author"], video["author_name"], video["author_id"]) == (
        "youtube", "@harbortv", "Harbor TV", "UCchan1")
    assert video["links"] == ["https://news.example.com/ferry"]
    assert video["metrics"] == {"view_count": 300, "like_count": 12, "comment_count": 2}
    assert video["published"] == datetime.fromtimestamp(1709300000, UTC)
    assert text_of(corpus, video["doc_id"]).startswith("Ночной паром 🚢\n\nРепортаж.")
    top, reply = got["cm1"], got["cm1.r1"]
    assert (top["relation"], top["parent_id"], top["root_id"]) == ("reply", "vid00000002",
                                                                   "vid00000002")
    assert (reply["parent_id"], reply["author"]) == ("cm1", "@fan_two")
    assert reply["record"] == "1.c2"
    page = got["5551"]
    assert (page["platform"], page["author"], page["author_name"], page["author_id"]) == (
        "facebook", "harbordaily", "Harbor Daily", "201")
    assert page["metrics"] == {"reaction_count": 120, "share_count": 14, "comment_count": 9}
    assert page["links"] == ["https://news.example.com/bridge"] and page["edited"] is False
    shared = got["5552"]
    assert (shared["relation"], shared["parent_id"], shared["edited"]) == ("repost", "5551",
                                                                           True)
    assert corpus.sql("SELECT lang FROM documents WHERE doc_id = ?",
                      [shared["doc_id"]])["lang"][0] == "es"


def test_bluesky_jetstream_events(tmp_path: Path) -> None:
    assert platforms.detect((FIXTURES / "bluesky-jetstream.jsonl").read_bytes()).name == "bluesky"
    corpus = ingest(tmp_path, "bluesky-jetstream.jsonl")
    got = posts(corpus)
    post = got["at://did:plc:erin555/app.bsky.feed.post/3keee5"]
    assert (post["author"], post["author_id"], post["hashtags"], post["relation"]) == (
        "did:plc:erin555", "did:plc:erin555", ["bridges"], "original")
    assert post["url"] == "https://bsky.app/profile/did:plc:erin555/post/3keee5"
    reasons = quarantine(corpus)
    assert "repost record without the reposted post's text" in reasons["2"]
    assert "delete event" in reasons["3"]


def test_schema_2_corpus_gains_posts_on_open(tmp_path: Path) -> None:
    from propscope.corpus import SCHEMA_VERSION

    path = tmp_path / "old.duckdb"
    with propscope.open_corpus(path) as corpus:  # made as a version-2 file would be
        corpus.con.execute("DROP TABLE posts")
        corpus.con.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")
    with propscope.open_corpus(path) as corpus:
        assert corpus.has_table("posts") and corpus.count("posts") == 0
        version = corpus.con.execute(
            "SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0]
        assert version == str(SCHEMA_VERSION)
    pipeline.ingest([FIXTURES / "reddit-comments.ndjson"], path, Settings())
    with propscope.open_corpus(path) as corpus:
        assert corpus.count("posts") == 4
