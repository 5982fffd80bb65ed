"""The main job on the real sample article must be exactly right (issue 3, "What it must show").

Reads ../shared/samples at test time; nothing of the article is copied into the repository.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from propscope.cli import main

SAMPLE = Path(__file__).resolve().parents[2] / "shared" / "samples" / "advocacy-article-2020-10-28.txt"


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory):
    if not SAMPLE.exists():
        pytest.skip("../shared/samples is not beside the checkout")
    tmp = tmp_path_factory.mktemp("sample")
    result = CliRunner().invoke(main, [
        "run", str(SAMPLE), "--corpus", str(tmp / "c.duckdb"), "--out", str(tmp / "out"),
        "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    return tmp / "out", summary


def test_one_document_dated_and_without_header(sample_run):
    out, _ = sample_run
    docs = pd.read_parquet(out / "documents.parquet")
    assert len(docs) == 1
    assert str(docs.published[0].date()) == "2020-10-28"
    assert docs.text[0].startswith("Even though")


def test_hashtags_links_and_posts_are_exact(sample_run):
    out, _ = sample_run
    docs = pd.read_parquet(out / "documents.parquet")
    text = docs.text[0]
    refs = pd.read_parquet(out / "doc_references.parquet")
    for r in refs.itertuples():
        if pd.notna(r.start) and r.kind != "embedded_post":
            assert text[int(r.start):int(r.end)] == r.value
    tags = refs[refs.kind == "hashtag"].normalized.value_counts().to_dict()
    assert tags == {"iran": 3, "mek": 2, "iranian": 1, "ncri": 1, "expelirandiplomatterrorists": 1}
    urls = refs[refs.kind == "url"]
    assert len(urls) == 5
    assert sorted(urls.domain.tolist()) == ["pic.twitter.com"] * 2 + ["t.co"] * 3
    posts = refs[refs.kind == "embedded_post"].sort_values("start")
    got = [(p.handle.lstrip("@"), str(pd.Timestamp(p.posted).date()), p.author) for p in posts.itertuples()]
    assert got == [
        ("MEK_Iran", "2020-09-05", "MEK Iran (Mujahedin-e Khalq)"),
        ("MEK_Iran", "2020-10-10", "MEK Iran (Mujahedin-e Khalq)"),
        ("Maryam_Rajavi", "2020-07-14", "Maryam Rajavi"),
    ]
    for p in posts.itertuples():
        span = text[int(p.start):int(p.end)]
        assert span.rstrip().endswith("2020")
        assert f"(@{p.handle.lstrip('@')})" in span


def test_stuffed_phrase_count_and_offsets(sample_run):
    out, _ = sample_run
    text = pd.read_parquet(out / "documents.parquet").text[0]
    reps = pd.read_parquet(out / "repetitions.parquet")
    phrase = "(PMOI / MEK Iran)"
    hit = reps[reps.phrase.str.contains("PMOI / MEK Iran", regex=False)]
    assert len(hit) == 1
    row = hit.iloc[0]
    assert row["count"] == 9
    starts = list(row["starts"])
    assert len(starts) == 9
    expected = [i for i in range(len(text)) if text.startswith(phrase, i)]
    offsets = [s + row["phrase"].index(phrase) for s in starts]
    assert offsets == expected


def test_run_summary_and_rerun_is_idempotent(sample_run, tmp_path):
    out, summary = sample_run
    assert summary["ingest"]["documents"] == 1
    corpus = Path(summary["corpus"])
    again = CliRunner().invoke(main, ["run", str(SAMPLE), "--corpus", str(corpus), "--out",
                                      str(tmp_path / "again"), "--json"])
    assert again.exit_code == 0, again.output
    second = json.loads(again.stdout)
    assert second["ingest"]["documents"] == 0
    for name in ("documents", "doc_references", "repetitions"):
        a = pd.read_parquet(out / f"{name}.parquet")
        b = pd.read_parquet(tmp_path / "again" / f"{name}.parquet")
        pd.testing.assert_frame_equal(a, b)
