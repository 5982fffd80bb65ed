"""Coordination on small hand-made cases of real-data hazards, through a real DuckDB corpus.

Each case posts texts; links and hashtags are found by propscope's own reference
finder, as in ``propscope run``.
"""

from __future__ import annotations

import random
import resource
import time
from datetime import timedelta
from pathlib import Path

import pyarrow as pa

from propscope.analyze.references import REFERENCES_SCHEMA, find_references
from propscope.document import Document
from propscope.link.canonical import canonical_url, join_short_links, normalize_text
from propscope.link.coordination import run_coordination
from propscope.settings import Settings
from test_reuse_fixtures import T0, make_corpus

DAY = 86400.0


def corpus_of(tmp_path: Path, posts: list[tuple[str, str, float]]):
    docs = [Document.create(text, source=acc, published=T0 + timedelta(seconds=t),
                            file="posts.jsonl", record=str(n))
            for n, (acc, text, t) in enumerate(posts)]
    corpus = make_corpus(tmp_path, docs)
    rows = [r for d in docs for r in find_references(d.doc_id, d.text, {})]
    corpus.write_stage("references", "test", "test-run", [d.doc_id for d in docs],
                       {"doc_references": pa.Table.from_pylist(rows, schema=REFERENCES_SCHEMA)})
    return corpus


def word(rnd: random.Random) -> str:
    """A random letters-only word (digits would be dropped by text normalisation)."""
    return "".join(rnd.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rnd.randint(3, 8)))


def background(rnd: random.Random, n: int = 60) -> list[tuple[str, str, float]]:
    """Accounts chatting and sharing a few popular links at random times."""
    popular = [f"https://daily-{i}.example/story/{i}" for i in range(8)]
    out = []
    for i in range(n):
        for _ in range(rnd.randint(4, 10)):
            words = " ".join(word(rnd) for _ in range(8))
            out.append((f"user-{i:03d}", f"{words} {rnd.choice(popular)}",
                        rnd.uniform(0, 20 * DAY)))
    return out


def bloggers(rnd: random.Random, n: int = 600) -> list[tuple[str, str, float]]:
    """Readers of many small sites, 8 links each: a group's pushes are a small share of the
    corpus's links."""
    return [(f"blogger-{i:03d}", f"{word(rnd)} https://blog-{rnd.randint(0, 99)}.example/"
             f"{rnd.randint(0, 499)}", rnd.uniform(0, 20 * DAY))
            for i in range(n) for _ in range(8)]


def groups(corpus) -> list[set[str]]:
    comm = corpus.df("communities")
    return [set(g.source) for _, g in comm.groupby("community_id")]


def test_canonical_url_rules() -> None:
    same = ["http://www.Site.example/news/a/?utm_source=tw&utm_medium=x&fbclid=abc",
            "https://m.site.example/news/a#comments", "site.example/news/a",
            "https://site.example:443/news/a?igshid=zz&si=q", "HTTPS://MOBILE.SITE.EXAMPLE/news/a/"]
    assert {canonical_url(u) for u in same} == {"site.example/news/a"}
    assert canonical_url("https://site.example/a?id=2&b=1") == "site.example/a?b=1&id=2"
    assert canonical_url("https://site.example/A") != canonical_url("https://site.example/a")
    assert canonical_url("https://bit.ly/AbC") == "short:bit.ly/AbC"
    joined = join_short_links([("https://bit.ly/AbC", "https://www.site.example/news/a?utm_x=1")])
    assert joined == {"short:bit.ly/AbC": "site.example/news/a"}
    assert normalize_text("BREAKING!!! 🔥 The 3 ministers LIED.") == "breaking the ministers lied"


def test_url_variants_join_into_one_group(tmp_path: Path) -> None:
    rnd = random.Random(1)
    ring = ["ring-a", "ring-b", "ring-c"]
    forms = ["http://www.{}/?utm_source=x", "https://m.{}#top", "https://{}/", "https://{}?fbclid=1"]
    posts = background(rnd)
    for k in range(4):
        t = DAY * (1 + 3 * k)
        for i, acc in enumerate(ring):
            url = forms[(i + k) % 4].format(f"niche.example/post-{k}")
            posts.append((acc, f"look at this q{k}{i}z now {url}", t + 7 * i))
    corpus = corpus_of(tmp_path, posts)
    run_coordination(corpus, Settings(), "r1")
    assert groups(corpus) == [set(ring)]
    ev = corpus.df("coordination_evidence")
    assert set(ev[ev.kind == "url"]["item"]) == {f"niche.example/post-{k}" for k in range(4)}
    assert (ev["raw_a"] != ev["raw_b"]).any()  # the raw forms are kept as evidence
    assert ev["delay_s"].max() <= 15


def test_near_identical_texts_join(tmp_path: Path) -> None:
    rnd = random.Random(2)
    ring = [f"copy-{i}" for i in range(4)]
    messages = ["the election was stolen by the people who count the votes in secret",
                "our farmers are being ruined by the new rules from the capital city",
                "do not trust the vaccine numbers they publish every single morning",
                "the mayor hides the real cost of the bridge from every taxpayer here"]
    variants = [lambda s: s.upper() + "!!!", lambda s: "🔥 " + s + ".",
                lambda s: s.replace("the ", "the 2 ", 1), lambda s: s.capitalize() + " ?!"]
    posts = background(rnd)
    for k, msg in enumerate(messages):
        for i, acc in enumerate(ring):
            posts.append((acc, variants[(i + k) % 4](msg), DAY * (2 + 4 * k) + 5 * i))
    corpus = corpus_of(tmp_path, posts)
    run_coordination(corpus, Settings(), "r1")
    assert groups(corpus) == [set(ring)]
    assert set(corpus.df("communities")["dominant_kind"]) == {"text"}


def test_viral_bursts_do_not_tie_accounts(tmp_path: Path) -> None:
    rnd = random.Random(3)
    crowd = [f"reader-{i:03d}" for i in range(120)]
    posts = background(rnd)
    for b in range(12):  # breaking links: 40 unrelated readers each, within minutes
        t = rnd.uniform(0, 20 * DAY)
        for acc in rnd.sample(crowd, 40):
            posts.append((acc, f"omg {word(rnd)} https://breaking.example/live-{b}",
                          t + rnd.expovariate(1 / 120.0)))
    corpus = corpus_of(tmp_path, posts)
    summary = run_coordination(corpus, Settings(), "r1")
    assert summary["co_actions"] > 1000  # they did co-share, often
    assert corpus.count("communities") == 0 and corpus.count("coordination_edges") == 0


def test_one_hashtag_shared_by_thousands_is_linear_and_ties_nobody(tmp_path: Path) -> None:
    rnd = random.Random(4)
    posts = [(f"acct-{i:04d}", f"hello {i} #everyone", rnd.uniform(0, DAY)) for i in range(3000)]
    corpus = corpus_of(tmp_path, posts)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    summary = run_coordination(corpus, Settings(coordination_near_text=False), "r1")
    elapsed = time.perf_counter() - started
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert elapsed < 20 and grown_mb < 500  # 3000^2/2 pairs would be 4.5 M rows
    assert summary["items_capped"] == 1 and summary["shares_capped"] == 3000
    assert summary["co_actions"] == 0
    assert corpus.count("communities") == 0


def test_account_in_two_groups_is_in_both(tmp_path: Path) -> None:
    rnd = random.Random(5)
    g1, g2, both = ["alpha-1", "alpha-2", "alpha-3"], ["beta-1", "beta-2", "beta-3"], "double"
    posts = background(rnd)
    for name, members, base in (("alpha", g1, 1.0), ("beta", g2, 1.5)):
        for k in range(5):
            t = DAY * (base + 3 * k)
            for i, acc in enumerate([*members, both]):
                posts.append((acc, f"read q{k}{i}{name}z https://{name}-news.example/{k}",
                              t + 4 * i))
    corpus = corpus_of(tmp_path, posts)
    run_coordination(corpus, Settings(), "r1")
    found = groups(corpus)
    assert sorted(found, key=min) == [{*g1, both}, {*g2, both}]
    comm = corpus.df("communities")
    assert set(comm[comm.source == both]["strength"]) == {1.0}
    edges = corpus.df("coordination_edges")
    assert edges["leader"].notna().any() and (edges["p_adjusted"] <= 0.05).all()


def test_negative_control_yields_no_group(tmp_path: Path) -> None:
    rnd = random.Random(6)
    corpus = corpus_of(tmp_path, background(rnd, 150))
    run_coordination(corpus, Settings(), "r1")
    assert corpus.count("communities") == 0


def test_co_retweets_from_platform_fields_form_a_group(tmp_path: Path) -> None:
    rnd = random.Random(7)
    ring = ["amp-1", "amp-2", "amp-3"]
    posts = background(rnd)
    docs = [Document.create(text, source=acc, published=T0 + timedelta(seconds=t),
                            file="posts.jsonl", record=str(n))
            for n, (acc, text, t) in enumerate(posts)]
    for n in range(60):  # everyone retweets now and then, at random times
        for j in range(4):
            docs.append(Document.create(f"RT {word(rnd)} {word(rnd)}", source=f"user-{n:03d}",
                                        published=T0 + timedelta(seconds=rnd.uniform(0, 20 * DAY)),
                                        file="rt.jsonl", record=f"bg-{n}-{j}",
                                        meta={"retweet_of": f"post-{rnd.randrange(100, 300)}"}))
    for k in range(4):  # the ring retweets the same four posts within seconds, in turn
        for i, acc in enumerate(ring):
            docs.append(Document.create(f"RT {word(rnd)} {word(rnd)} {k}", source=acc,
                                        published=T0 + timedelta(days=2 * k + 1, seconds=9 * i),
                                        file="rt.jsonl", record=f"{k}-{i}",
                                        meta={"retweet_of": f"post-{k}"}))
    corpus = make_corpus(tmp_path, docs)
    run_coordination(corpus, Settings(), "r1")
    assert groups(corpus) == [set(ring)]
    assert set(corpus.df("communities")["dominant_kind"]) == {"retweet"}
    edges = corpus.df("coordination_edges")
    assert set(edges["kind"]) == {"retweet"}
    assert set(edges["leader"]) <= set(ring)  # who retweeted first, per pair


def test_short_links_join_their_expansion_when_the_data_has_it(tmp_path: Path) -> None:
    rnd = random.Random(8)
    ring = ["short-a", "short-b", "short-c"]
    docs = [Document.create(text, source=acc, published=T0 + timedelta(seconds=t),
                            file="posts.jsonl", record=str(n))
            for n, (acc, text, t) in enumerate(background(rnd))]
    for k in range(4):  # one member posts the short link, the others the article itself
        for i, acc in enumerate(ring):
            code = f"Xy{k}Q"
            url = f"https://bit.ly/{code}" if i == 0 else f"https://www.story.example/item/{k}"
            meta = {"url_expansions": {f"https://bit.ly/{code}": f"https://story.example/item/{k}"}}
            docs.append(Document.create(f"see {word(rnd)} {word(rnd)} {url}", source=acc,
                                        published=T0 + timedelta(days=2 * k + 1, seconds=6 * i),
                                        file="s.jsonl", record=f"{k}-{i}",
                                        meta=meta if i == 0 else {}))
    corpus = make_corpus(tmp_path, docs)
    rows = [r for d in docs for r in find_references(d.doc_id, d.text, {})]
    corpus.write_stage("references", "test", "test-run", [d.doc_id for d in docs],
                       {"doc_references": pa.Table.from_pylist(rows, schema=REFERENCES_SCHEMA)})
    run_coordination(corpus, Settings(), "r1")
    assert groups(corpus) == [set(ring)]
    ev = corpus.df("coordination_evidence")
    short = ev[ev["raw_a"].str.contains("bit.ly", na=False)]
    assert len(short) and set(short["item"]) <= {f"story.example/item/{k}" for k in range(4)}
