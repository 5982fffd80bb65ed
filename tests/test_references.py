"""The references analyzer on invented texts that vary every form it must handle."""

from __future__ import annotations

import pyarrow as pa
import pytest

from propscope.analyze.references import REFERENCES_SCHEMA, analyze_references, find_references
from propscope.analyze.registry import get_analyzer
from propscope.analyze.text_patterns import normalize_url
from propscope.document import Document


def refs(text: str, kind: str | None = None, **meta) -> list[dict]:
    rows = analyze_references(Document.create(text, meta=meta))["doc_references"]
    for r in rows:
        if r["start"] is not None:
            assert text[r["start"]:r["end"]] == r["value"], r
    return [r for r in rows if kind is None or r["kind"] == kind]


def values(text: str, kind: str) -> list[str]:
    return [r["value"] for r in refs(text, kind)]


# ------------------------------------------------------------- registry ----

def test_registered_with_schema_that_accepts_its_rows():
    an = get_analyzer("references")
    assert an.name == "references" and an.version == "4"  # 4: expansions, post views
    assert an.tables == {"doc_references": REFERENCES_SCHEMA}
    assert REFERENCES_SCHEMA.names[0] == "doc_id"
    text = "Read https://bit.ly/x1 #Vote @ana_b (mail: a.b@example.org) UA-1234567-2"
    rows = an.fn(Document.create(text))["doc_references"]
    table = pa.Table.from_pylist(rows, schema=REFERENCES_SCHEMA)
    assert sorted(table.column("kind").to_pylist()) == [
        "email", "hashtag", "mention", "tracking_id", "url"]


# ------------------------------------------------------------- hashtags ----

@pytest.mark.parametrize("text, expected", [
    ("Stand with us #Kyiv2022 and #Донбасс now", ["kyiv2022", "донбасс"]),
    ("الحرية #فلسطين و #غزة_الآن", ["فلسطين", "غزة_الآن"]),
    ("支持 #香港 与 #自由 的人", ["香港", "自由"]),
    ("भारत #हिन्दी_दिवस मनाया", ["हिन्दी_दिवस"]),
    ("Persian #زن‌زندگی‌آزادی slogan", ["زن\u200cزندگی\u200cآزادی"]),
    ("the end of the nation.#Freedom and (#Peace) «#Paix»", ["freedom", "peace", "paix"]),
    ("Full-width ＃ＴＯＫＹＯ tag", ["tokyo"]),
    ("Straße #STRASSE and #Straße", ["strasse", "strasse"]),
])
def test_hashtags_in_many_scripts(text, expected):
    assert [r["normalized"] for r in refs(text, "hashtag")] == expected


@pytest.mark.parametrize("text", [
    "It&#39;s a quote &#x27;here&#x27;",           # HTML entities
    "We are #1 and won in #2020",                   # numbers
    "body { color:#fff; background: #a0b1c2 }",     # CSS colours
    "Written in C# and F#",                         # language names
    "Read https://example.org/page#section now",    # URL fragment
    "Item no.# 5 and a lone # sign",
])
def test_not_hashtags(text):
    assert values(text, "hashtag") == []


# ------------------------------------------------------- mentions/email ----

def test_mentions_versus_email_addresses():
    text = ("Ask @Jane_Doe99 or .@press_office, write to jane.doe@news-site.example.com "
            "or info@example.org; follow @anna.k on Instagram and @zoe@mastodon.social. "
            "Meet at 3 @ the hall, not @2.")
    assert values(text, "mention") == ["@Jane_Doe99", "@press_office", "@anna.k",
                                       "@zoe@mastodon.social"]
    mentions = refs(text, "mention")
    assert mentions[0]["handle"] == "Jane_Doe99" and mentions[0]["normalized"] == "jane_doe99"
    assert mentions[3]["normalized"] == "zoe@mastodon.social"
    emails = refs(text, "email")
    assert [e["value"] for e in emails] == ["jane.doe@news-site.example.com", "info@example.org"]
    assert emails[0]["domain"] == "news-site.example.com"


def test_mention_inside_link_is_not_a_mention():
    text = "See https://medium.com/@writer/story-1 and @reader."
    assert values(text, "mention") == ["@reader"]


# ----------------------------------------------------------------- links ----

def test_links_with_and_without_scheme_and_trailing_punctuation():
    text = ("Sources: https://t.co/AbC123xYz: first; (see www.Example.COM/path?a=1&utm_source=tw) "
            "and bit.ly/3xYzAbc, then “https://news.example.net/a/b.html”. "
            "Wiki: https://en.wikipedia.org/wiki/Foo_(bar). Also pic.twitter.com/Q1w2E3r4T5!")
    urls = refs(text, "url")
    assert [u["value"] for u in urls] == [
        "https://t.co/AbC123xYz", "www.Example.COM/path?a=1&utm_source=tw", "bit.ly/3xYzAbc",
        "https://news.example.net/a/b.html", "https://en.wikipedia.org/wiki/Foo_(bar)",
        "pic.twitter.com/Q1w2E3r4T5"]
    assert [u["is_shortener"] for u in urls] == [True, False, True, False, False, False]
    assert urls[1]["normalized"] == "https://www.example.com/path?a=1"
    assert urls[1]["domain"] == "example.com"
    assert urls[2]["normalized"] == "https://bit.ly/3xYzAbc"


def test_idn_and_bare_domains():
    text = ("Читайте на пример.рф/новости и на сайт.укр/, по-французски sur élysée.fr/discours. "
            "Amazon.com and grist.org are sites; ASP.NET, Node.js, script.py are not. "
            "He left.It was late. Rates rose 3.5/10. Use e.g./i.e. and and/or.")
    urls = refs(text, "url")
    assert [u["value"] for u in urls] == [
        "пример.рф/новости", "сайт.укр/", "élysée.fr/discours", "Amazon.com", "grist.org"]
    assert urls[0]["domain"] == "пример.рф"
    assert urls[3]["normalized"] == "https://amazon.com/"


def test_platform_names_are_not_links():
    text = "Follow us on Twitter, Facebook and YouTube – Our Channel – YouTube"
    assert refs(text, "url") == []


@pytest.mark.parametrize("url, normalized, domain", [
    ("HTTP://Example.org:80/A?utm_medium=x&id=7&fbclid=abc#top",
     "http://example.org/A?id=7#top", "example.org"),
    ("https://www2.site.example:8443", "https://www2.site.example:8443/", "site.example"),
    ("t.co/XyZ", "https://t.co/XyZ", "t.co"),
    ("https://x.example/?gclid=1&utm_campaign=2", "https://x.example/", "x.example"),
])
def test_normalize_url(url, normalized, domain):
    assert normalize_url(url) == (normalized, domain)


# ---------------------------------------------------------- tracking IDs ----

def test_tracking_ids_in_text_and_from_html():
    text = ("gtag('config', 'UA-12345678-1'); gtag('config', 'G-AB12CD34EF'); "
            "GTM-K9X2PQ, data-ad-client=\"ca-pub-1234567890123456\", AW-987654321 "
            "fbq('init', '123456789012345'); ym(87654321, \"init\", {});\n"
            "The G-20 summit and GTM-era kits, UA-1 are not IDs; ads.txt: pub-1234567890123456")
    ids = refs(text, "tracking_id", html_tracking_ids=[
        {"value": "UA-12345678-1", "kind": "google_analytics"},
        {"value": "GTM-ZZ11YY", "kind": "gtm"},
        {"value": "ca-pub-1111222233334444", "kind": "adsense"},
        "123456789012345", {"bad": 1}, 7,
    ])
    in_text = [(r["value"], r["subtype"]) for r in ids if r["location"] == "text"]
    assert in_text == [
        ("UA-12345678-1", "google_analytics"), ("G-AB12CD34EF", "google_analytics_4"),
        ("GTM-K9X2PQ", "google_tag_manager"), ("ca-pub-1234567890123456", "google_adsense"),
        ("AW-987654321", "google_ads"), ("123456789012345", "facebook_pixel"),
        ("87654321", "yandex_metrica"), ("pub-1234567890123456", "google_adsense")]
    adsense = [r["normalized"] for r in ids if r["subtype"] == "google_adsense"]
    assert adsense[0] == adsense[1] == "pub-1234567890123456"
    html = [r for r in ids if r["location"] == "html"]
    assert [(r["normalized"], r["subtype"]) for r in html] == [
        ("UA-12345678-1", "google_analytics"), ("GTM-ZZ11YY", "google_tag_manager"),
        ("pub-1111222233334444", "google_adsense"), ("123456789012345", None)]
    assert all(r["start"] is None and r["end"] is None for r in html)


def test_find_references_is_pure_and_ordered():
    text = "#One then https://a.example/x then @two"
    first = find_references("d1", text)
    assert first == find_references("d1", text)
    assert [r["start"] for r in first] == sorted(r["start"] for r in first)
