"""Held-out judge 8 (bench/coordination_heldout8.py) at tiny size: the world is
deterministic, its groups have the declared sizes, every file is the format it claims
and propscope reads each post exactly once despite overlapping dumps, the control world
is the planted world minus the planted acts, and the scorer gives 1.0 for a perfect
community table and 0 for an empty one."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import duckdb
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

from heldout8_build import build, write_world  # noqa: E402
from heldout8_planted import SPECS  # noqa: E402
from heldout8_score import read_communities, run_propscope, score  # noqa: E402

SEED = 8008  # the dev seed; tiny size only


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("h8")
    write_world(SEED, "tiny", True, out / "planted")
    write_world(SEED, "tiny", False, out / "control")
    return out


def _truth(folder: Path) -> dict:
    return json.loads((folder / "truth.json").read_text(encoding="utf-8"))


def test_groups_have_declared_sizes_and_one_shared_member(tiny: Path) -> None:
    truth = _truth(tiny / "planted")
    assert [g["group"] for g in truth["groups"]] == [s[0] for s in SPECS]
    for g, spec in zip(truth["groups"], SPECS, strict=True):
        declared = max(3, round(spec[3] * 0.24))  # tiny scales group sizes
        assert len(g["members"]) == len(set(g["members"])) == declared, g["group"]
        assert all(truth["roles"][m] == "planted" for m in g["members"])
    members = [m for g in truth["groups"] for m in g["members"]]
    assert len(members) - len(set(members)) == 2  # two accounts serve two groups


def test_world_is_deterministic_and_control_only_drops_planted() -> None:
    a, b = build(SEED, "tiny", True), build(SEED, "tiny", True)
    assert [(x.pid, x.author, x.t, x.text) for x in a.acts] == \
        [(x.pid, x.author, x.t, x.text) for x in b.acts]
    control = build(SEED, "tiny", False)
    unplanted = [(x.author, x.t, x.text) for x in a.acts if x.stream
                 not in ("planted", "planted_target")]
    assert unplanted == [(x.author, x.t, x.text) for x in control.acts]
    assert len({x.lang for x in a.acts}) >= 8


def test_files_are_the_formats_they_claim(tiny: Path) -> None:
    folder = tiny / "planted" / "input"
    lines = (folder / "x_search_run1.jsonl").read_text(encoding="utf-8").splitlines()
    assert all("data" in json.loads(line) and "includes" in json.loads(line) for line in lines)
    partial = (folder / "x_search_run3_partial.jsonl").read_text(encoding="utf-8").splitlines()
    with pytest.raises(json.JSONDecodeError):
        json.loads(partial[-1])  # the cut-off run: last line truncated on purpose
    raw = (folder / "crowdtangle_export_1.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel's BOM
    rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))
    assert rows and all(r["Post Created"].endswith(" EST") for r in rows)
    for chat in (folder / "telegram").glob("*/result.json"):
        assert json.loads(chat.read_text(encoding="utf-8"))["type"] == "public_channel"
    statuses = json.loads((folder / "mastodon_timeline_00.json").read_text(encoding="utf-8"))
    assert {"in_reply_to_id", "reblog", "account"} <= set(statuses[0])


def test_scorer_perfect_and_empty(tiny: Path) -> None:
    truth = _truth(tiny / "planted")
    perfect = [(frozenset(g["members"]), g["kind"]) for g in truth["groups"]]
    good = score(truth, perfect)
    assert good["group_f1"] == 1.0 and good["innocents"] == 0
    assert good["kind_matches"] == len(truth["groups"])
    empty = score(truth, [])
    assert empty["group_f1"] == 0.0 and empty["innocents"] == 0
    fan = next(h for h, r in truth["roles"].items() if r == "fan")
    noisy = score(truth, perfect[:1] + [(frozenset({fan}) | perfect[1][0], "retweet")])
    assert noisy["innocents_by_role"] == {"fan": 1} and 0 < noisy["group_f1"] < 1


def test_real_propscope_run_reads_every_post_once(tiny: Path) -> None:
    folder = tiny / "planted"
    truth = _truth(folder)
    run = run_propscope(folder)
    posts = duckdb.execute("select platform, count(*) from read_parquet(?) group by 1",
                           [str(run["exports"] / "posts.parquet")]).fetchall()
    want = {k: v for k, v in truth["posts_by_platform"].items() if k != "web"}
    assert dict(posts) == want  # overlapping dumps and the cut-off page add nothing
    result = score(truth, read_communities(run["exports"]))
    assert 0.0 <= result["group_f1"] <= 1.0
    assert len(result["groups"]) == len(SPECS)


def test_files_identical_across_processes(tmp_path: Path) -> None:
    """No ``hash()`` or set order leaks into the files: two processes with different
    hash seeds write byte-identical worlds (the held-out seed must be reproducible)."""
    import os
    import subprocess

    bench = Path(__file__).resolve().parents[1] / "bench"
    for n in (1, 2):
        env = dict(os.environ, PYTHONHASHSEED=str(n),
                   PYTHONPATH=os.pathsep.join([str(bench), os.environ.get("PYTHONPATH", "")]))
        subprocess.run([sys.executable, str(bench / "coordination_heldout8.py"), "--size",
                        "tiny", "--world", "planted", "--generate-only", "--out",
                        str(tmp_path / str(n))], check=True, env=env)
    files = sorted(p.relative_to(tmp_path / "1") for p in (tmp_path / "1").rglob("*")
                   if p.is_file())
    assert len(files) > 10
    for rel in files:
        assert (tmp_path / "1" / rel).read_bytes() == (tmp_path / "2" / rel).read_bytes(), rel
