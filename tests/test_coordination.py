"""Coordination through a real DuckDB corpus: a fast shared link vs a viral link, groups."""

from __future__ import annotations

import math
import random
from datetime import timedelta
from pathlib import Path

import networkx as nx
import pyarrow as pa

from propscope.analyze.references import REFERENCES_SCHEMA
from propscope.document import Document
from propscope.link.coordination import run_coordination
from propscope.link.retest import poisson_sf
from propscope.present.gexf import write_gexf
from propscope.settings import Settings
from test_reuse_fixtures import T0, make_corpus


def post(account: str, url: str, seconds: float, n: int) -> tuple[Document, dict]:
    text = f"Post {n} from {account}: worth reading {url}"
    d = Document.create(text, source=account, published=T0 + timedelta(seconds=seconds),
                        file="posts.jsonl", record=str(n))
    start = text.index(url)
    ref = {"doc_id": d.doc_id, "kind": "url", "value": url, "normalized": url.lower(),
           "start": start, "end": start + len(url), "author": None, "handle": None,
           "posted": None, "domain": url.split("/")[2], "is_shortener": False,
           "subtype": None, "location": "text", "parent_start": None}
    return d, ref


def build(tmp_path: Path, shares: list[tuple[str, str, float]], name: str = "c.duckdb"):
    made = [post(acc, url, t, n) for n, (acc, url, t) in enumerate(shares)]
    corpus = make_corpus(tmp_path, [d for d, _ in made], name)
    refs = pa.Table.from_pylist([r for _, r in made], schema=REFERENCES_SCHEMA)
    corpus.write_stage("references", "test", "test-run", [d.doc_id for d, _ in made],
                       {"doc_references": refs})
    return corpus


def viral_and_fast() -> list[tuple[str, str, float]]:
    day = 86400.0
    shares = [("fast-1", "https://news.example/one-story", 100.0),
              ("fast-2", "https://news.example/one-story", 105.0)]
    # a viral link: ten accounts over four days; slow-1 and slow-2 share it a day apart
    shares += [("slow-1", "https://viral.example/video", 2 * day),
               ("slow-2", "https://viral.example/video", 3 * day)]
    shares += [(f"crowd-{i}", "https://viral.example/video", day * (1 + 0.37 * i) + 1111 * i)
               for i in range(8)]
    # a background of bystanders linking to pages of their own that nobody else shares:
    # against all that activity, one shared niche link 5 s apart is a rare coincidence
    shares += [(f"bystander-{n}", f"https://blog-{n}.example/page-{k}", day * k + 977 * n)
               for n in range(40) for k in range(8)]
    return shares


def edge_pairs(corpus) -> set[tuple[str, str, str]]:
    return {tuple(r) for r in corpus.con.execute(
        "SELECT source_a, source_b, kind FROM coordination_edges").fetchall()}


def test_fast_shared_link_ties_accounts_viral_link_a_day_apart_does_not(tmp_path: Path) -> None:
    corpus = build(tmp_path, viral_and_fast())
    # one co-action is an edge only when asked for (issue 15: the default needs three posts);
    # the posts' template texts differ only in digits, so near-identical text is off here
    summary = run_coordination(corpus, Settings(coordination_min_items=1,
                                                coordination_near_text=False), "r1")
    assert summary["window_estimated"] and summary["window_s"] <= 60
    assert edge_pairs(corpus) == {("fast-1", "fast-2", "url")}
    edge = corpus.df("coordination_edges").iloc[0]
    assert edge.weight == 1 and edge.p_adjusted <= 0.05
    assert "https://news.example/one-story" in edge["items"]
    assert (edge.last_seen - edge.first_seen).total_seconds() == 5


def test_chance_test_rejects_popular_link_even_in_a_wide_window(tmp_path: Path) -> None:
    corpus = build(tmp_path, viral_and_fast())
    run_coordination(corpus, Settings(coordination_window_s=2 * 86400.0), "r1")
    assert not any("slow" in a or "slow" in b or "crowd" in a for a, b, _ in edge_pairs(corpus))


def test_planted_group_becomes_one_community_with_evidence(tmp_path: Path) -> None:
    rnd = random.Random(7)
    group = [f"ring-{i}" for i in range(4)]
    background = [f"user-{i}" for i in range(30)]
    popular = [f"https://popular.example/{i}" for i in range(5)]
    shares = []
    for k in range(6):
        t = 3600.0 * (5 + 11 * k)
        for i, acc in enumerate(group):
            shares.append((acc, f"https://niche.example/item-{k}", t + 3 * i + rnd.random()))
    for acc in background:
        for url in rnd.sample(popular, 3):
            shares.append((acc, url, rnd.uniform(0, 14 * 86400)))
    for acc in group:  # the group also shares popular links, like everyone else
        shares.append((acc, rnd.choice(popular), rnd.uniform(0, 14 * 86400)))
    corpus = build(tmp_path, shares)
    summary = run_coordination(corpus, Settings(), "r1")
    assert summary["communities"] == 1
    comm = corpus.df("communities")
    assert sorted(comm.source) == group and set(comm["size"]) == {4}
    assert "niche.example/item-0" in comm.evidence.iloc[0]
    assert all(a.startswith("ring") and b.startswith("ring") for a, b, _ in edge_pairs(corpus))
    out = tmp_path / "network.gexf"
    write_gexf(corpus, out)
    g = nx.read_gexf(out)
    assert set(g.nodes) == set(group)
    assert {g.nodes[n]["community"] for n in g.nodes} == {"C0001"}
    newest = max(corpus.df("coordination_edges")["last_seen"]).date().isoformat()
    assert f'lastmodifieddate="{newest}"' in out.read_text(encoding="utf-8")  # not today's
    assert run_coordination(corpus, Settings(), "r2")["status"] == "skipped"


def test_identical_text_posted_by_two_sources_seconds_apart(tmp_path: Path) -> None:
    text = "Breaking: the bridge on the river road will close for repairs from Monday."
    docs = [Document.create(text, source=src, published=T0 + timedelta(seconds=s),
                            file=f"{src}.jsonl", record="1")
            for src, s in (("outlet-a", 0), ("outlet-b", 4))]
    docs += [Document.create(f"Unrelated note number {i}.", source=f"other-{i}",
                             published=T0 + timedelta(hours=i), file="o.jsonl", record=str(i))
             for i in range(30)]
    corpus = make_corpus(tmp_path, docs)
    assert corpus.count("documents") == 31  # the two identical posts collapse to one document
    run_coordination(corpus, Settings(coordination_window_s=30.0, coordination_min_items=1), "r1")
    assert edge_pairs(corpus) == {("outlet-a", "outlet-b", "text")}


def test_poisson_tail() -> None:
    lam = 0.3
    exact = 1 - sum(math.exp(-lam) * lam**k / math.factorial(k) for k in range(3))
    assert math.isclose(poisson_sf(3, lam), exact, rel_tol=1e-9)
    assert poisson_sf(0, 2.0) == 1.0
    assert 0 < poisson_sf(40, 0.01) < 1e-100


def test_window_estimate_uses_the_quickest_links(tmp_path: Path) -> None:
    # 9 links spread over hours, 1 link shared by three accounts within 12 s
    shares = [(f"acc-{j}", f"https://slow.example/{i}", 3600.0 * (i + 1) + 1800.0 * j)
              for i in range(9) for j in range(3)]
    shares += [("acc-0", "https://fast.example/1", 50.0), ("acc-1", "https://fast.example/1", 56.0),
               ("acc-2", "https://fast.example/1", 62.0)]
    corpus = build(tmp_path, shares)
    # the estimate itself, without the 60 s floor the stage puts under it by default
    summary = run_coordination(corpus, Settings(coordination_min_window_s=1.0), "r1")
    assert summary["window_s"] == 12.0  # first share to the 90% share of the fastest tenth


def test_gexf_without_coordination_tables(tmp_path: Path) -> None:
    corpus = make_corpus(tmp_path, [])
    out = tmp_path / "empty.gexf"
    write_gexf(corpus, out)
    assert nx.read_gexf(out).number_of_nodes() == 0
    assert 'lastmodifieddate="1970-01-01"' in out.read_text(encoding="utf-8")
