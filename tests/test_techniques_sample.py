"""``--techniques all|sample|off`` and ``--taxonomy``: which documents the technique
model reads, with which labels, and that every summary says so.

Pipeline tests use the real `propscope run` (real DuckDB file, shipped int8 model).
"""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from propscope.analyze.techniques import sample, taxonomy
from propscope.cli import main

OPINION = ("The corrupt elites in Brussels have betrayed every hard-working family in this "
           "country, and only a fool would still trust their shameless lies about the economy.")


def _rows(n_sources: int = 5, per: int = 40) -> list[tuple[str, str, str]]:
    base = datetime(2024, 3, 4, tzinfo=UTC)
    rows = []
    for s in range(n_sources):
        for i in range(per * (s + 1)):  # sources of very different sizes
            rows.append((f"doc-{s}-{i}", f"source-{s}",
                         sample.iso_week(base + timedelta(days=i % 21))))
    return rows


def test_sample_is_reproducible_and_independent_of_row_order():
    rows = _rows()
    plan = sample.make_plan(rows, "sample", 120)
    shuffled = rows[:]
    random.Random(3).shuffle(shuffled)
    again = sample.make_plan(shuffled, "sample", 120)
    assert plan.selected == again.selected and len(plan.selected) <= 120
    assert plan.cap is not None and plan.cap >= 1
    # every source and week is represented, none above the cap
    groups: dict[str, int] = {}
    for doc_id, source, week in rows:
        if doc_id in plan.selected:
            key = sample.bucket(source, week)
            groups[key] = groups.get(key, 0) + 1
    assert len(groups) == plan.groups and max(groups.values()) <= plan.cap + 1
    assert len(plan.selected) == 120  # the spare budget is used too
    # adding documents to one group does not change another group's choice
    more = rows + [(f"new-{i}", "source-0", rows[0][2]) for i in range(3)]
    bigger = sample.make_plan(more, "sample", 200)
    kept = {d for d in plan.selected if d.startswith("doc-4-")}
    assert kept <= bigger.selected


def test_sample_reads_small_corpora_in_full_and_off_reads_none():
    rows = _rows(2, 5)
    assert sample.make_plan(rows, "sample", 1000).selected == {r[0] for r in rows}
    assert sample.make_plan(rows, "all", 1).selected == {r[0] for r in rows}
    assert sample.make_plan(rows, "off", 1000).selected == frozenset()
    assert sample.per_group_cap([1, 5, 10], 8) == 3  # 1 + 3 + 3 <= 8 < 1 + 4 + 4
    many = [(f"d{i}", f"s{i}", None) for i in range(10)]  # more groups than the budget
    plan = sample.make_plan(many, "sample", 4)
    assert plan.cap == 0 and len(plan.selected) == 4
    assert plan.selected == sample.make_plan(many[::-1], "sample", 4).selected


def test_week_in_sql_matches_python(tmp_path):
    con = duckdb.connect()
    for day in (datetime(2020, 12, 31, 23, tzinfo=UTC), datetime(2021, 1, 4, tzinfo=UTC),
                datetime(2024, 12, 30, 1, tzinfo=UTC)):
        sql = con.execute(f"SELECT {sample.WEEK_SQL} FROM (SELECT ?::TIMESTAMPTZ AS published)",
                          [day]).fetchone()[0]
        assert sql == sample.iso_week(day)


def _corpus_file(tmp_path: Path, n: int) -> Path:
    path = tmp_path / "posts.jsonl"
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            fh.write(json.dumps({"id": f"p{i}", "source": f"outlet-{i % 3}",
                                 "published": f"2024-03-{1 + i % 20:02d}T10:00:00Z",
                                 "text": f"Story {i}. {OPINION}"}) + "\n")
    return path


@pytest.fixture(scope="module")
def sampled_run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("sample")
    src = _corpus_file(tmp, 12)
    corpus = tmp / "c.duckdb"
    args = ["run", str(src), "--corpus", str(corpus), "--techniques", "sample",
            "--techniques-sample", "6"]
    first = CliRunner().invoke(main, args + ["--json"])
    assert first.exit_code == 0, first.output
    con = duckdb.connect(str(corpus), read_only=True)
    skipped = sorted(r[0] for r in con.execute("SELECT doc_id FROM technique_skips").fetchall())
    spans = {r[0] for r in con.execute("SELECT DISTINCT doc_id FROM spans").fetchall()}
    con.close()
    status = CliRunner().invoke(main, ["status", "--corpus", str(corpus)])
    return {"tmp": tmp, "src": src, "corpus": corpus, "summary": json.loads(first.output),
            "skipped": skipped, "spans": spans, "status": status.output, "args": args}


def test_run_sample_reads_the_chosen_documents_only(sampled_run):
    chosen = sampled_run["summary"]["analyze"]["techniques"]["chosen"]
    assert chosen["mode"] == "sample" and chosen["budget"] == 6
    assert chosen["documents"] == 12 and chosen["selected"] <= 6
    assert chosen["not_selected"] == 12 - chosen["selected"] == len(sampled_run["skipped"])
    assert sampled_run["spans"] and not sampled_run["spans"] & set(sampled_run["skipped"])
    text = " ".join(sampled_run["status"].split())
    assert f"{len(sampled_run['skipped'])} not analysed (not in the techniques sample" in text


def test_rerun_keeps_the_same_sample_and_all_reads_the_rest(sampled_run, tmp_path):
    again = CliRunner().invoke(main, sampled_run["args"] + ["--json"])
    assert again.exit_code == 0, again.output
    con = duckdb.connect(str(sampled_run["corpus"]), read_only=True)
    assert sorted(r[0] for r in con.execute("SELECT doc_id FROM technique_skips").fetchall()) \
        == sampled_run["skipped"]
    con.close()
    # a fresh corpus from the same input chooses the same documents
    other = tmp_path / "d.duckdb"
    res = CliRunner().invoke(main, ["run", str(sampled_run["src"]), "--corpus", str(other),
                                    "--techniques", "sample", "--techniques-sample", "6", "--quiet"])
    assert res.exit_code == 0, res.output
    con = duckdb.connect(str(other), read_only=True)
    assert sorted(r[0] for r in con.execute("SELECT doc_id FROM technique_skips").fetchall()) \
        == sampled_run["skipped"]
    con.close()
    res = CliRunner().invoke(main, ["analyze", "--corpus", str(other), "--techniques", "all", "--json"])
    assert res.exit_code == 0, res.output
    chosen = json.loads(res.output)["techniques"]
    assert chosen["documents"] == len(sampled_run["skipped"])  # exactly the ones left out
    con = duckdb.connect(str(other), read_only=True)
    assert con.execute("SELECT count(*) FROM technique_skips").fetchone()[0] == 0
    assert con.execute("SELECT count(DISTINCT doc_id) FROM spans").fetchone()[0] == 12
    con.close()


def test_taxonomy_semeval2020_end_to_end(tmp_path):
    src = _corpus_file(tmp_path, 3)
    corpus, out = tmp_path / "c.duckdb", tmp_path / "out"
    res = CliRunner().invoke(main, ["run", str(src), "--corpus", str(corpus), "--out", str(out),
                                    "--taxonomy", "semeval2020", "--quiet"])
    assert res.exit_code == 0, res.output
    labels_2020, labels_2023 = set(taxonomy.labels_2020()), set(taxonomy.labels("semeval2023"))
    found = duckdb.sql(f"SELECT DISTINCT technique, model, family FROM '{out / 'spans.parquet'}'").fetchall()
    assert found
    assert {t for t, _, _ in found} <= labels_2020
    assert {t for t, _, _ in found} - labels_2023  # labels only the 2020 inventory has
    assert all(m.startswith("propscope-techniques-semeval2020@") for _, m, _ in found)
    assert all(f == taxonomy.by_label()[t].family for t, _, f in found)
    # switching back recomputes with the 2023 labels instead of keeping stale rows
    res = CliRunner().invoke(main, ["analyze", "--corpus", str(corpus), "--quiet"])
    assert res.exit_code == 0, res.output
    con = duckdb.connect(str(corpus), read_only=True)
    models = {r[0].split("@")[0] for r in con.execute("SELECT DISTINCT model FROM spans").fetchall()}
    con.close()
    assert models == {"propscope-techniques-semeval2023"}


def test_unknown_taxonomy_in_settings_is_a_coded_error(tmp_path):
    src = _corpus_file(tmp_path, 1)
    cfg = tmp_path / "s.toml"
    cfg.write_text('taxonomy = "semeval2019"\n', encoding="utf-8")
    res = CliRunner().invoke(main, ["run", str(src), "--corpus", str(tmp_path / "c.duckdb"),
                                    "--config", str(cfg)])
    assert res.exit_code != 0
    assert "PS100" in res.output and "semeval2019" in res.output
