"""Held-out judge 7 (bench/coordination_heldout7.py) at tiny size: the generator is
deterministic, its files are read by propscope's ingest with only the deliberate breaks
quarantined, the control world is the planted world without the planted acts, and the
scorer gives a perfect answer 1.0 and an empty one 0."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

from heldout7_build import build_world, write  # noqa: E402
from heldout7_planted import KIND_NAMES  # noqa: E402
from heldout7_score import propscope_bin, score  # noqa: E402

SEED = 7007  # the dev seed; tiny size only


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("h7")
    write(SEED, "tiny", "both", out)
    return out


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_same_seed_same_bytes(tiny: Path, tmp_path: Path) -> None:
    """Another process with another string-hash seed writes the same bytes (no set order
    or hash leaks into the world)."""
    bench = Path(__file__).resolve().parents[1] / "bench"
    env = {**os.environ, "PYTHONHASHSEED": "12345",
           "PYTHONPATH": os.pathsep.join([str(bench), os.environ.get("PYTHONPATH", "")])}
    subprocess.run([sys.executable, str(bench / "coordination_heldout7.py"), "--seed", str(SEED),
                    "--size", "tiny", "--world", "planted", "--out", str(tmp_path),
                    "--generate-only"], check=True, env=env, capture_output=True)
    (tmp_path / "results.json").unlink()
    again = _files(tmp_path / "planted")
    first = _files(tiny / "planted")
    assert again.keys() == first.keys()
    assert again == first
    assert len(first) >= 10  # every format was written


def test_world_shape(tiny: Path) -> None:
    truth = json.loads((tiny / "planted" / "truth.json").read_text(encoding="utf-8"))
    assert len(truth["groups"]) == 12
    summary = truth["summary"]
    assert {"Han", "Devanagari", "Latin", "Cyrillic"} <= set(summary["scripts"])
    assert len(summary["languages"]) >= 8
    for group in truth["groups"]:
        assert group["kind"] in KIND_NAMES
        assert all(truth["roles"][m] == "planted" for m in group["members"])
    members = [m for g in truth["groups"] for m in g["members"]]
    assert len(members) - len(set(members)) == 2  # two accounts serve two groups
    control = json.loads((tiny / "control" / "truth.json").read_text(encoding="utf-8"))
    assert control["groups"] == []


def test_control_is_planted_minus_planted_acts() -> None:
    planted, control = build_world(SEED, "tiny", True), build_world(SEED, "tiny", False)
    kept = {a.pid for a in planted.acts if not a.origin.startswith("G")}
    assert kept == {a.pid for a in control.acts}
    assert len(planted.acts) > len(control.acts)


def test_ingest_quarantines_only_the_deliberate_breaks(tiny: Path, tmp_path: Path) -> None:
    import duckdb

    truth = json.loads((tiny / "planted" / "truth.json").read_text(encoding="utf-8"))
    corpus = tmp_path / "c.duckdb"
    done = subprocess.run([propscope_bin(), "ingest", str(tiny / "planted" / "input"),
                           "--corpus", str(corpus), "--quiet"], capture_output=True,
                          text=True, check=False)
    assert done.returncode == 0, done.stderr
    with duckdb.connect(str(corpus), read_only=True) as con:
        reasons = con.sql("select reason from quarantine").fetchall()
        platforms = {r[0] for r in con.sql("select distinct platform from posts").fetchall()}
        authors = con.execute("select count(distinct author) from posts").fetchall()[0]
    assert len(reasons) == len(truth["input"]["deliberately_broken"])
    assert {"bluesky", "youtube", "tiktok", "facebook", "4cat"} <= platforms
    assert authors[0] > 200


def test_scorer_perfect_and_empty(tiny: Path) -> None:
    truth = json.loads((tiny / "planted" / "truth.json").read_text(encoding="utf-8"))
    perfect = [(frozenset(g["members"]), sorted(KIND_NAMES[g["kind"]])[0])
               for g in truth["groups"]]
    best = score(truth, perfect)
    assert best["group_f1"] == 1.0
    assert best["innocents"] == 0
    assert best["kind_matches"] == len(truth["groups"])
    empty = score(truth, [])
    assert empty["group_f1"] == 0.0
    assert empty["communities"] == 0
    innocent = next(a for a, r in truth["roles"].items() if r == "aggregator_bot")
    wrong = score(truth, [(frozenset({innocent, truth["groups"][0]["members"][0]}), "url")])
    assert wrong["innocents_by_role"] == {"aggregator_bot": 1}
    assert 0 < wrong["group_f1"] < 1
