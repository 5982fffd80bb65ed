"""Signals v2 (issue 21), each through a real DuckDB corpus built by the pipeline:
page furniture kept apart from stuffing, embedded posts from every platform (markup and
text), links as people write them, and the new operator fingerprints (Monero with its
checksum, phone numbers, contact e-mails, template hashes).

Monero addresses are built here with an encoder written from Monero's specification
(block Base58, Keccak-256 checksum), so a wrong checksum rule fails the test.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from propscope import load_settings, open_corpus
from propscope.analyze.fingerprints import keccak256, monero_valid
from propscope.analyze.repetition import find_repetitions, find_repetitions_and_furniture
from propscope.pipeline import run

B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
SIZES = [0, 2, 3, 5, 6, 7, 9, 10, 11]
EMBEDS = Path(__file__).parent / "data" / "embeds_page.html"


def monero_encode(raw: bytes) -> str:
    out = ""
    for off in range(0, len(raw), 8):
        block = raw[off:off + 8]
        n, chars = int.from_bytes(block, "big"), ""
        for _ in range(SIZES[len(block)]):
            n, r = divmod(n, 58)
            chars = B58[r] + chars
        out += chars
    return out


def monero_address(net: int, seed: int, payment_id: bytes = b"") -> str:
    body = bytes([net]) + bytes((seed + i) % 256 for i in range(64)) + payment_id
    return monero_encode(body + keccak256(body)[:4])


def corpus_of(tmp_path: Path, records: list[dict], html: dict[str, str] | None = None) -> Path:
    """A corpus built by the real pipeline from JSONL records and HTML pages."""
    inputs = []
    if records:
        src = tmp_path / "records.jsonl"
        src.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
        inputs.append(str(src))
    for name, page in (html or {}).items():
        path = tmp_path / "pages" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(page, encoding="utf-8")
    if html:
        inputs.append(str(tmp_path / "pages"))
    corpus = tmp_path / "c.duckdb"
    run(inputs, corpus, None, load_settings(analyzers=("references", "repetitions")))
    return corpus


def refs(corpus: Path, where: str = "TRUE") -> list[dict]:
    with open_corpus(corpus, read_only=True) as c:
        cur = c.con.execute(f'SELECT r.*, d.text, d.source FROM doc_references r '
                            f"JOIN documents d USING (doc_id) WHERE {where} ORDER BY start")
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def table(corpus: Path, name: str) -> list[dict]:
    with open_corpus(corpus, read_only=True) as c:
        cur = c.con.execute(f"SELECT * FROM {name}")
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


# -- page furniture ----------------------------------------------------------------------
WORDS = ["council", "budget", "bridge", "mayor", "residents", "harbour", "ferry", "school",
         "teachers", "farmers", "water", "tram", "election", "museum", "clinic", "nurses", "river",
         "market", "bakery", "library", "festival"]


def filler(i: int) -> str:
    """A different ordinary paragraph for each ``i`` (nothing in it repeats)."""
    w = [WORDS[(i * 7 + k * 3) % len(WORDS)] for k in range(6)]
    return (f"On day {i} the {w[0]} and the {w[1]} were discussed at length. Speaker {i + 40} "
            f"compared the {w[2]} with the {w[3]}, and a guest from ward {i + 3} asked about "
            f"the {w[4]} near the {w[5]}. ")


def test_template_lines_are_furniture_and_inserted_asides_stay_stuffing() -> None:
    paras = [filler(i) for i in range(8)]
    page = "\n".join(p + "\nStory continues below advertisement" for p in paras)
    rows, furniture = find_repetitions_and_furniture("d", page)
    assert rows == []
    assert [(f["phrase"], f["count"], f["rule"]) for f in furniture] == [
        ("Story continues below advertisement", 8, "line_start")]
    dateline = "\n".join(f"PORT HALDEN (Karsland Post) - {filler(i)}" for i in range(6))
    assert find_repetitions("d", dateline) == []
    assert [f["rule"] for f in find_repetitions_and_furniture("d", dateline)[1]] == ["dateline"]
    stuffed = " ".join(f"{filler(i)} Supporters of the Harbour Front (Harbour Freedom Front / "
                       f"HFF), met on day {i}." for i in range(6))
    rows, furniture = find_repetitions_and_furniture("d", stuffed)
    assert [(r["phrase"], r["kind"]) for r in rows] == [("(Harbour Freedom Front / HFF)", "stuffing")]
    assert furniture == []


def test_captions_restating_the_article_are_not_stuffing() -> None:
    sentence = "Volunteers counted the ballots in the old town hall until midnight"
    body = [filler(i) + sentence + "." for i in range(3)]
    body += [f"{sentence}.\nImage: Tom Reyes / Getty Images" for _ in range(3)]
    rows, furniture = find_repetitions_and_furniture("d", "\n".join(body))
    assert rows == [] and furniture and furniture[0]["rule"] in ("caption", "line_start")


def test_sample_article_stays_exact() -> None:
    sample = Path(__file__).parents[2] / "shared" / "samples" / "advocacy-article-2020-10-28.txt"
    if not sample.exists():
        pytest.skip("../shared/samples not beside the checkout")
    text = sample.read_text(encoding="utf-8")[len(" date 2020-10-28 "):]
    rows, furniture = find_repetitions_and_furniture("s", text)
    assert [(r["phrase"], r["count"]) for r in rows] == [("(PMOI / MEK Iran)", 9)]
    assert furniture == []


def test_markup_furniture_in_a_corpus(tmp_path: Path) -> None:
    paras = "".join(f"<p>{filler(i)}</p><div class=\"ad-slot\"><p>Advertisement - scroll "
                    "to continue reading</p></div>" for i in range(7))
    page = (f"<html><head><title>Budget</title></head><body><article><h1>Budget</h1>{paras}"
            "<div class=\"share-bar\"><p>Share this article on every network you use</p></div>"
            "</article></body></html>")
    corpus = corpus_of(tmp_path, [], {"budget.html": page})
    assert table(corpus, "repetitions") == []
    furniture = table(corpus, "page_furniture")
    assert furniture, "the ad placeholders are page furniture"
    assert {f["rule"] for f in furniture} <= {"markup", "line_start", "caption",
                                               "removed_by_extractor"}
    assert any("Advertisement" in f["phrase"] for f in furniture)


# -- embedded posts ------------------------------------------------------------------------
PLATFORM_POSTS = {
    "twitter": ("twitter:1780000000000000001", "miralind"),
    "telegram": ("telegram:4521", "brenn_news"),
    "facebook": ("facebook:pfbid02abcDEF", "brenncouncil"),
    "instagram": ("instagram:C5xYzAbCdEf", "brenncouncil"),
    "youtube": ("youtube:dQw4w9WgXcQ", None),
    "tiktok": ("tiktok:7350000000000000001", "brennvoice"),
    "bluesky": ("bluesky:3kq2abcxyz", "anavarga.bsky.social"),
    "mastodon": ("mastodon:112233445566778899", "brennwatch@mastodon.social"),
    "vk": ("vk:678", "-12345"),
    "truth_social": ("truth_social:112233445566778800", "brennfirst"),
}


def test_embedded_posts_from_markup_every_platform(tmp_path: Path) -> None:
    corpus = corpus_of(tmp_path, [], {"embeds.html": EMBEDS.read_text(encoding="utf-8")})
    posts = refs(corpus, "kind = 'embedded_post' AND location = 'html'")
    got = {(r["subtype"], r["normalized"], r["handle"]) for r in posts}
    for platform, (normalized, handle) in PLATFORM_POSTS.items():
        assert (platform, normalized, handle) in got, platform
    tweet = next(r for r in posts if r["subtype"] == "twitter")
    assert tweet["author"] == "Mira Lind" and str(tweet["posted"]) == "2024-04-14"
    assert tweet["text"][tweet["start"]:].startswith("Turnout in Brenn")
    own = refs(corpus, f"parent_start = {tweet['start']} AND location = 'html'")
    assert {r["normalized"] for r in own} >= {"https://t.co/AbCdEf"}
    facebook = {r["normalized"] for r in posts if r["subtype"] == "facebook"}
    assert "facebook:1234567890123" in facebook  # the video plugin too


def test_post_links_and_pasted_telegram_posts_from_text(tmp_path: Path) -> None:
    text = ("Sources: https://x.com/miralind/status/1780000000000000001 and "
            "t.me/brenn_news/4521, https://www.facebook.com/brenncouncil/posts/pfbid02abcDEF "
            "https://www.instagram.com/p/C5xYzAbCdEf/ https://youtu.be/dQw4w9WgXcQ "
            "https://www.tiktok.com/@brennvoice/video/7350000000000000001 "
            "https://bsky.app/profile/anavarga.bsky.social/post/3kq2abcxyz "
            "https://mastodon.social/@brennwatch/112233445566778899 https://vk.com/wall-12345_678 "
            "https://truthsocial.com/@brennfirst/posts/112233445566778800 .\n\n"
            "Brenn News, [14.04.2024 21:12]\nTurnout is the highest in a decade.\n12.5K views\n\n"
            "The end.")
    corpus = corpus_of(tmp_path, [{"id": "p", "source": "site.example", "text": text}])
    links = refs(corpus, "kind = 'post_link'")
    assert {r["subtype"] for r in links} == set(PLATFORM_POSTS)
    for r in links:
        assert r["text"][r["start"]:r["end"]] == r["value"]
        assert r["normalized"] == PLATFORM_POSTS[r["subtype"]][0]
    pasted = refs(corpus, "kind = 'embedded_post' AND subtype = 'telegram'")
    assert len(pasted) == 1 and pasted[0]["author"] == "Brenn News"
    assert str(pasted[0]["posted"]) == "2024-04-14"
    assert pasted[0]["text"][pasted[0]["start"]:].startswith("Brenn News, [14.04.2024")


# -- links as people write them ---------------------------------------------------------------
@pytest.mark.parametrize(("written", "normalized", "subtype"), [
    ("example-fund.org/give", "https://example-fund.org/give", None),
    ("news.bbc.co.uk/world", "https://news.bbc.co.uk/world", None),
    ("shop.zip/deal", "https://shop.zip/deal", None),  # a public suffix not in the old table
    ("www.harbour.example", "https://www.harbour.example/", None),
    ("hxxps://evil[.]com/pay", "https://evil.com/pay", "defanged"),
    ("hxxp://bad.ru/x", "http://bad.ru/x", "defanged"),
    ("evil(dot)com/path", "https://evil.com/path", "defanged"),
    ("portal[.]gov[.]ua", "https://portal.gov.ua/", "defanged"),
    ("evil dot com/x", "https://evil.com/x", "defanged"),
])
def test_link_shapes(tmp_path: Path, written: str, normalized: str, subtype: str | None) -> None:
    corpus = corpus_of(tmp_path, [{"id": "l", "source": "s.example",
                                   "text": f"Read it at {written} today, please."}])
    urls = refs(corpus, "kind = 'url'")
    assert [(r["value"], r["normalized"], r["subtype"]) for r in urls] == [
        (written, normalized, subtype)]
    assert urls[0]["text"][urls[0]["start"]:urls[0]["end"]] == written


def test_not_links() -> None:
    from propscope.analyze.references import find_references
    text = "It is a dot com bubble, said file.txt and script.py; see x[.]notatld/a too."
    assert [r for r in find_references("d", text) if r["kind"] == "url"] == []


def test_hrefs_kept_and_shorteners_marked(tmp_path: Path) -> None:
    corpus = corpus_of(tmp_path, [], {"embeds.html": EMBEDS.read_text(encoding="utf-8")})
    hrefs = {r["normalized"]: r for r in refs(corpus, "location = 'href'")}
    report = hrefs["https://harbour-daily.example/report/full"]
    assert report["text"][report["start"]:report["end"]] == "full report"
    assert hrefs["https://bit.ly/3xYz"]["is_shortener"] is True
    assert "https://harbour-daily.example/" not in hrefs  # a menu link: not in the main text


# -- operator fingerprints --------------------------------------------------------------------
def test_monero_checksum() -> None:
    standard, sub = monero_address(18, 1), monero_address(42, 2)
    integrated = monero_address(19, 3, bytes(range(8)))
    assert (len(standard), len(integrated)) == (95, 106)
    assert monero_valid(standard) == "standard" and monero_valid(sub) == "subaddress"
    assert monero_valid(integrated) == "integrated"
    flipped = standard[:50] + ("A" if standard[50] != "A" else "B") + standard[51:]
    assert monero_valid(flipped) is None
    assert monero_valid(monero_address(53, 1)) is None  # testnet network byte


def test_fingerprints_through_a_corpus(tmp_path: Path) -> None:
    xmr = monero_address(18, 7)
    bad_xmr = xmr[:-1] + ("A" if xmr[-1] != "A" else "B")
    about = ("About us: The Valley Voice is an independent newsroom funded by readers, covering "
             "the towns of the Sarn valley without fear or favour since 2011.")
    records = [
        {"id": "a", "source": "valley-voice.example",
         "text": f"Donate in Monero: {xmr}. Contact us: desk@valley-voice.example or call "
                 f"+44 20 7946 0958.\n\n{about}"},
        {"id": "b", "source": "sarn-truth.example",
         "text": f"Support: {xmr} (not {bad_xmr}). Rates rose +3.5% to 2,000 3,500 units; "
                 "call +1 555 0100. The minister wrote to john@gov.example last week.\n\n"
                 + about.replace("2011", "2012")},
    ]
    corpus = corpus_of(tmp_path, records)
    got = {(r["source"], r["kind"], r["normalized"]) for r in refs(corpus)}
    for source in ("valley-voice.example", "sarn-truth.example"):
        assert (source, "crypto_address", "xmr:" + xmr) in got
    assert not any(n == "xmr:" + bad_xmr for _, _, n in got)
    phones = {(s, n) for s, k, n in got if k == "phone_number"}
    assert phones == {("valley-voice.example", "+442079460958")}
    contacts = {(s, n) for s, k, n in got if k == "contact_email"}
    assert contacts == {("valley-voice.example", "desk@valley-voice.example")}
    templates = {(s, n) for s, k, n in got if k == "template_fingerprint"}
    assert len(templates) == 2 and len({n for _, n in templates}) == 1  # years left out


def test_markup_fingerprints(tmp_path: Path) -> None:
    corpus = corpus_of(tmp_path, [], {"embeds.html": EMBEDS.read_text(encoding="utf-8")})
    got = {(r["kind"], r["normalized"], r["location"]) for r in refs(corpus)}
    assert ("contact_email", "tips@harbour-daily.example", "html") in got
    assert ("phone_number", "+442079460958", "html") in got
    assert ("payment_handle", "paypal:harbourfund", "html") in got  # a menu link still counts
    assert ("messaging_channel", "telegram:harbour_daily", "html") in got
    assert sum(1 for k, _, _ in got if k == "template_fingerprint") == 1


def test_example_corpus_sites_tied_only_by_a_wallet(tmp_path: Path) -> None:
    """The demo corpus's two volunteer sites share one Monero wallet and nothing else; the
    overview's shared-fingerprint table shows them together with that evidence."""
    from starlette.testclient import TestClient

    from propscope.present.webapp import create_app

    root = Path(__file__).parents[1] / "examples" / "corpus"
    corpus = tmp_path / "demo.duckdb"
    run([str(root / "tidewater-notes"), str(root / "lowmere-citizen")], corpus, None,
        load_settings(analyzers=("references", "repetitions")))
    shared = refs(corpus, "kind = 'crypto_address'")
    assert {r["source"] for r in shared} == {"tidewater-notes", "lowmere-citizen"}
    assert len({r["normalized"] for r in shared}) == 1
    wallet = shared[0]["normalized"]
    others = refs(corpus, "kind NOT IN ('crypto_address')")
    by_source: dict[str, set[str]] = {}
    for r in others:
        by_source.setdefault(r["source"], set()).add(r["normalized"])
    assert not set.intersection(*by_source.values()) if len(by_source) == 2 else True
    html = TestClient(create_app(corpus)).get("/").text
    row = html[html.index(wallet):]
    row = row[:row.index("</tr>")]
    assert "tidewater-notes" in row and "lowmere-citizen" in row


def test_a_line_that_is_template_on_a_sites_pages_is_furniture_on_all(tmp_path: Path) -> None:
    """Cross-document frequency within a source: a dateline that is furniture on three
    pages of a site is furniture on a fourth page where it also stands mid-sentence."""
    tag = "(Karsland Post Wire / KPW)"
    pages = [{"id": f"p{k}", "source": "karsland.example",
              "text": "\n".join(f"PORT HALDEN {tag} - {filler(i + 10 * k)}" for i in range(6))}
             for k in range(3)]
    mixed = [f"PORT HALDEN {tag} - {filler(i + 40)}" for i in range(3)]
    mixed += [f"{filler(i + 50)} The board met the agency {tag}, again." for i in range(3)]
    pages.append({"id": "mixed", "source": "karsland.example", "text": "\n".join(mixed)})
    alike = [f"PORT HALDEN {tag} - {filler(i + 60)}" for i in range(3)]
    alike += [f"{filler(i + 70)} The board met the agency {tag}, again." for i in range(3)]
    other = {"id": "o", "source": "elsewhere.example", "text": "\n".join(alike)}
    assert find_repetitions("m", "\n".join(mixed)), "on its own, the mixed page is stuffing"
    corpus = corpus_of(tmp_path, [*pages, other])
    with open_corpus(corpus, read_only=True) as c:
        reps = c.con.execute("SELECT d.source, r.phrase FROM repetitions r "
                             "JOIN documents d USING (doc_id)").fetchall()
        moved = c.con.execute("SELECT doc_id, rule FROM page_furniture "
                              "WHERE rule = 'source_template'").fetchall()
    assert reps == [("elsewhere.example", tag)]  # another site: still stuffing
    assert len(moved) == 1
