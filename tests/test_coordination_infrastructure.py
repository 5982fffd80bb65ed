"""Shared-infrastructure edges (issue 21, item 4): sources tied by a rare fingerprint.

Through a real DuckDB corpus, with fingerprints found by propscope's reference finder.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pandas as pd

from propscope.link.coordination import run_coordination
from propscope.link.infrastructure import EDGE_KIND, INFRASTRUCTURE_KINDS, MAX_SOURCES
from propscope.present.export import export_corpus
from propscope.present.gexf import build_graph
from propscope.settings import Settings
from test_coordination_hazards import DAY, corpus_of
from test_fingerprints import bech32_encode

WALLET = bech32_encode(0, bytes(range(7, 27)), 1)


def test_two_sites_sharing_a_wallet_and_a_handle_are_an_edge_with_evidence(tmp_path: Path) -> None:
    posts = [
        ("alpha-news.example", f"Reader funded. Donate: {WALLET} or https://ko-fi.com/harbourfund",
         DAY),
        ("alpha-news.example", "Another story about the harbour works and the council.", 2 * DAY),
        ("beta-daily.example", f"Keep us independent: {WALLET} https://ko-fi.com/harbourfund",
         5 * DAY),
        ("gamma.example", "An unrelated article about the harbour works, no donations.", 3 * DAY),
    ]
    corpus = corpus_of(tmp_path, posts)
    summary = run_coordination(corpus, Settings(), "r1")
    assert summary["infrastructure_edges"] == 1 and summary["edges"] == 0
    edges = corpus.df("coordination_edges")
    assert list(edges["kind"]) == [EDGE_KIND]
    edge = edges.iloc[0]
    assert (edge["source_a"], edge["source_b"]) == ("alpha-news.example", "beta-daily.example")
    assert edge["weight"] == 2 and pd.isna(edge["p_value"])  # no chance model, none pretended
    listed = {i["item"]: i for i in json.loads(edge["items"])}
    assert {k.split(":")[0] for k in listed} == {"crypto_address", "payment_handle"}
    assert listed["payment_handle:ko-fi:harbourfund"]["sharers"] == 2
    ev = corpus.df("coordination_evidence")
    assert set(ev["kind"]) == {EDGE_KIND} and len(ev) == 2
    wallet_row = ev[ev["item"].str.startswith("crypto_address:")].iloc[0]
    assert wallet_row["raw_a"] == WALLET and wallet_row["item_sharers"] == 2
    assert wallet_row["doc_a"] != wallet_row["doc_b"]
    assert corpus.count("communities") == 0  # infrastructure ties sources, not a timed group
    g = build_graph(corpus)
    assert g.edges["alpha-news.example", "beta-daily.example"]["kinds"] == EDGE_KIND
    assert "gamma.example" not in g
    out = export_corpus(corpus, tmp_path / "out", fmt="csv")
    with open(Path(out["out"]) / "coordination_edges.csv", encoding="utf-8") as fh:
        assert [r["kind"] for r in csv.DictReader(fh)] == [EDGE_KIND]
    assert (Path(out["out"]) / "network.gexf").read_text(encoding="utf-8").count(EDGE_KIND) >= 1


def test_a_value_many_sources_carry_is_not_evidence(tmp_path: Path) -> None:
    common = "UA-12345678-1"  # a vendor default on every site
    rare = "https://t.me/harbour_insider"
    posts = [(f"site-{i:02d}.example", f"gtag('config', '{common}'); story {i}", i * 3600.0)
             for i in range(MAX_SOURCES + 5)]
    posts += [(f"site-{i:02d}.example", f"Join us on {rare} for more", DAY + i)
              for i in range(3)]
    corpus = corpus_of(tmp_path, posts)
    summary = run_coordination(corpus, Settings(), "r1")
    assert summary["fingerprint_values_capped"] == 1
    edges = corpus.df("coordination_edges")
    assert len(edges) == 3 and set(edges["kind"]) == {EDGE_KIND}  # the 3 pairs of the channel
    ev = corpus.df("coordination_evidence")
    assert set(ev["item"]) == {"messaging_channel:telegram:harbour_insider"}
    assert (ev["item_sharers"] == 3).all()


def test_the_kinds_are_a_documented_constant() -> None:
    assert {"tracking_id", "crypto_address", "payment_handle", "messaging_channel"} <= set(
        INFRASTRUCTURE_KINDS)
