"""Calibrated span confidence (issue 17): the shipped map is applied and stored beside the raw score."""

from __future__ import annotations

import json

import pytest

from propscope.analyze.techniques import calibration
from propscope.analyze.techniques.analyzer import analyze
from propscope.analyze.techniques.model import load_model, model_dir
from propscope.document import Document
from propscope.errors import ModelError

TEXT = ("The corrupt elites in Brussels have betrayed every hard-working family, and only a "
        "fool would still trust their shameless lies. Either we stop this madness now, or our "
        "nation will be ruined forever.")


def test_isotonic_fit_is_monotone_and_matches_block_means():
    pts = [(0.1, False), (0.2, True), (0.3, False), (0.5, False), (0.6, True), (0.9, True)]
    steps = calibration.pav(pts, min_block=1)
    values = [v for _, v in steps]
    assert values == sorted(values)
    # 0.2 right then 0.3 and 0.5 wrong violate the order: pooled into one block of 1 in 3
    assert steps[0] == (0.1, 0.0) and steps[1][1] == pytest.approx(1 / 3)
    grid = [i / 100 for i in range(101)]
    mapped = [calibration.apply_steps(steps, x) for x in grid]
    assert mapped == sorted(mapped) and min(mapped) >= 0.0 and max(mapped) <= 1.0
    assert calibration.apply_steps(steps, 0.95) == 1.0  # above the last block: its value


def test_small_blocks_are_merged_so_no_value_rests_on_a_handful_of_spans():
    # 200 spans rising from 10% to 50% right, then 4 high-scored spans, all right
    pts = [(i / 400, i % 10 < 1 + i // 50) for i in range(200)] + [(0.9 + i / 100, True) for i in range(4)]
    bare = calibration.pav(pts, min_block=1)
    assert bare[-1][1] == 1.0  # pure PAV: "100% right" from 4 spans
    steps = calibration.pav(pts, min_block=20)
    values = [v for _, v in steps]
    assert values == sorted(values) and values[-1] < 1.0
    assert steps[-1][0] == 0.93  # the top block still reaches the highest confidence
    # every block holds at least 20 points: recount them from the block bounds
    lows = [0.0] + [u for u, _ in steps[:-1]]
    for low, (up, _) in zip(lows, steps, strict=True):
        assert sum(1 for x, _ in pts if low < x <= up or (low == 0.0 and x == 0.0)) >= 20


@pytest.mark.parametrize("tax", ["semeval2023", "semeval2020"])
def test_shipped_maps_are_applied_and_monotone(tax):
    m = load_model(tax)
    assert m.calibration is not None, f"{tax}: no calibration.json shipped"
    for technique in m.labels:
        vals = [m.calibrated(technique, c / 50) for c in range(51)]
        assert all(v is not None and 0.0 <= v <= 1.0 for v in vals)
        assert vals == sorted(vals), technique


def test_analyzer_stores_raw_and_calibrated_confidence():
    res = analyze(Document.create(TEXT))
    m = load_model("semeval2023")
    assert res["spans"]
    for row in res["spans"]:
        assert row["confidence_calibrated"] == round(m.calibrated(row["technique"], row["confidence"]), 4)
    # the raw score is unchanged by calibration: still the mean token probability
    assert {round(r["confidence"], 4) for r in res["spans"]} == {r["confidence"] for r in res["spans"]}


def test_a_broken_map_is_a_coded_error(tmp_path):
    (tmp_path / calibration.FILE).write_text(json.dumps({"maps": {"attack_on_reputation": []}}))
    with pytest.raises(ModelError, match="no '\\*' entry"):
        calibration.Calibration.load(tmp_path / calibration.FILE)
    (tmp_path / calibration.FILE).write_text("{not json")
    with pytest.raises(ModelError, match="cannot read calibration map"):
        calibration.Calibration.load(tmp_path / calibration.FILE)
    assert calibration.Calibration.load(tmp_path / "absent.json") is None
    assert (model_dir("semeval2023") / calibration.FILE).exists()


def test_a_corpus_analysed_before_calibration_is_upgraded_and_recomputed(tmp_path):
    """A spans table from analyzer 1.3 (no confidence_calibrated column) gets the column
    and the recomputation its version bump triggers fills it (real CLI, real DuckDB)."""
    import duckdb
    from click.testing import CliRunner

    from propscope.cli import main

    src = tmp_path / "docs.jsonl"
    src.write_text(json.dumps({"id": "a", "source": "s", "text": TEXT}) + "\n", encoding="utf-8")
    corpus = tmp_path / "c.duckdb"
    res = CliRunner().invoke(main, ["run", str(src), "--corpus", str(corpus), "--quiet"])
    assert res.exit_code == 0, res.output
    con = duckdb.connect(str(corpus))
    con.execute("ALTER TABLE spans DROP COLUMN confidence_calibrated")  # as 1.3 left it
    con.execute("UPDATE stage_done SET version = '1.3' WHERE stage = 'techniques'")
    con.close()
    res = CliRunner().invoke(main, ["analyze", "--corpus", str(corpus), "--quiet"])
    assert res.exit_code == 0, res.output
    con = duckdb.connect(str(corpus), read_only=True)
    rows = con.execute("SELECT confidence, confidence_calibrated FROM spans").fetchall()
    version = con.execute("SELECT DISTINCT version FROM stage_done WHERE stage = 'techniques'").fetchall()
    con.close()
    assert rows and all(k is not None for _, k in rows)
    assert version == [("1.5",)]
