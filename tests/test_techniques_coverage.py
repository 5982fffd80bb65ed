"""Coverage under ``--taxonomy semeval2020`` (issue 17): a document in another language is
read by nothing (the multilingual paragraph heads know only the SemEval-2023 labels), so
its coverage must say ``not analysed`` and why, not ``analysed``.

Through the real CLI on the invented mixed-language corpus (real DuckDB file, shipped
models), then the app and a switch back to the default taxonomy.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from propscope.analyze.techniques.analyzer import unsupported_reason
from propscope.cli import main
from propscope.present.webapp import create_app

ROOT = Path(__file__).resolve().parents[1]
MIXED = ROOT / "tests" / "data" / "mixed_languages.jsonl"
OTHER = ("fr-1", "ru-1", "de-declared", "ar-1", "zh-1")  # read by the paragraph heads under 2023


@pytest.fixture(scope="module")
def run_2020(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("cov2020")
    corpus, out = tmp / "c.duckdb", tmp / "out"
    res = CliRunner().invoke(main, ["run", str(MIXED), "--corpus", str(corpus), "--out", str(out),
                                    "--taxonomy", "semeval2020"])
    assert res.exit_code == 0, res.output
    con = duckdb.connect(str(corpus), read_only=True)
    ids = dict(con.execute("SELECT external_id, doc_id FROM documents").fetchall())
    con.close()
    return {"corpus": corpus, "cli": res.output, "ids": ids}


def _status(corpus: Path) -> dict:
    res = CliRunner().invoke(main, ["status", "--corpus", str(corpus), "--json"])
    assert res.exit_code == 0, res.output
    return json.loads(res.output)["languages"]["coverage"]


def _docs_with(corpus: Path, table: str) -> set[str]:
    con = duckdb.connect(str(corpus), read_only=True)
    try:
        return {r[0] for r in con.execute(f"SELECT DISTINCT doc_id FROM {table}").fetchall()}
    finally:
        con.close()


def test_other_languages_are_not_analysed_under_semeval2020(run_2020):
    ids, corpus = run_2020["ids"], run_2020["corpus"]
    assert not {ids[e] for e in OTHER} & _docs_with(corpus, "spans")  # nothing read them
    assert ids["en-1"] in _docs_with(corpus, "spans")  # English still is
    tech = _status(corpus)["techniques"]
    # en-1 analysed, mixed-1 low confidence; lb was never readable; the five others now say why
    assert (tech["analysed"], tech["experimental"], tech["low confidence"], tech["not analysed"]) \
        == (1, 0, 1, 6), tech
    for lang in ("fr", "ru", "de", "ar", "zh"):
        key = f"not analysed ({unsupported_reason(lang, 'semeval2020')})"
        assert tech["reasons"].get(key) == 1, (lang, tech["reasons"])
    assert "not supported by the semeval2020 model (English only)" in run_2020["cli"]


def test_the_document_page_says_why(run_2020):
    client = TestClient(create_app(run_2020["corpus"]))
    page = client.get(f"/doc/{run_2020['ids']['fr-1']}").text
    assert ('data-coverage="techniques">not analysed (language fr not supported by the '
            "semeval2020 model (English only))") in page
    en = client.get(f"/doc/{run_2020['ids']['en-1']}").text
    assert 'data-coverage="techniques">analysed' in en
    # spans carry the calibrated confidence, and the page words it as a share right
    assert 'class="muted conf-words" data-calibrated="1"' in en
    assert "% of spans at this confidence were right on held-out articles (model confidence 0." in en
    con = duckdb.connect(str(run_2020["corpus"]), read_only=True)
    rows = con.execute("SELECT confidence, confidence_calibrated FROM spans").fetchall()
    con.close()
    assert rows and all(c is not None and 0.0 <= k <= 1.0 for c, k in rows)


def test_rerun_keeps_it_and_switching_back_reads_them(run_2020, tmp_path):
    corpus = tmp_path / "c.duckdb"
    corpus.write_bytes(run_2020["corpus"].read_bytes())
    ids = run_2020["ids"]
    # Same taxonomy again: nothing is pending, nothing re-read, the reasons stay.
    res = CliRunner().invoke(main, ["analyze", "--corpus", str(corpus), "--taxonomy", "semeval2020",
                                    "--quiet"])
    assert res.exit_code == 0, res.output
    assert _status(corpus)["techniques"]["not analysed"] == 6
    # Back to SemEval-2023: the paragraph heads read them and the skip rows are gone.
    res = CliRunner().invoke(main, ["analyze", "--corpus", str(corpus), "--quiet"])
    assert res.exit_code == 0, res.output
    tech = _status(corpus)["techniques"]
    assert (tech["analysed"], tech["experimental"], tech["not analysed"]) == (4, 2, 1), tech
    assert {ids[e] for e in ("fr-1", "ru-1", "de-declared")} <= _docs_with(corpus, "spans")
    assert not {ids[e] for e in OTHER} & _docs_with(corpus, "technique_skips")
