"""Held-out judge 9 (bench/coordination_heldout9.py) at tiny size: the generator is
deterministic across processes, writes the file hazards it claims, propscope reads every
format with only the deliberate cut quarantined, the control world is the planted world
minus the planted acts, and the scorer and a real propscope run give sane figures."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

from heldout7_score import read_communities, run_propscope  # noqa: E402
from heldout9_files import write_world  # noqa: E402
from heldout9_score import score  # noqa: E402
from heldout9_world import build  # noqa: E402

SEED = 9009  # the dev seed; tiny size only
BENCH = Path(__file__).resolve().parents[1] / "bench"


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("h9")
    for world in ("planted", "control"):
        write_world(build(SEED, "tiny", world == "planted"), out / world)
    return out


def _truth(folder: Path) -> dict:  # type: ignore[type-arg]
    return json.loads((folder / "truth.json").read_text(encoding="utf-8"))


def test_same_seed_same_bytes(tiny: Path, tmp_path: Path) -> None:
    """Another process with another string-hash seed writes the same bytes."""
    code = ("import sys; from pathlib import Path; from heldout9_files import write_world; "
            "from heldout9_world import build; "
            f"write_world(build({SEED}, 'tiny', True), Path(sys.argv[1]))")
    env = {**os.environ, "PYTHONHASHSEED": "4242", "PYTHONPATH": str(BENCH)}
    subprocess.run([sys.executable, "-c", code, str(tmp_path)], check=True, env=env)
    ours = {p.relative_to(tiny / "planted"): p.read_bytes()
            for p in (tiny / "planted").rglob("*") if p.is_file() and "input" in p.parts}
    theirs = {p.relative_to(tmp_path): p.read_bytes() for p in tmp_path.rglob("*")
              if p.is_file() and "input" in p.parts}
    assert ours == theirs and len(ours) >= 12


def test_file_hazards(tiny: Path) -> None:
    inp = tiny / "planted" / "input"
    assert (inp / "4cat-tumblr-dataset.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in (inp / "4cat-tumblr-dataset.csv").read_bytes()
    assert (inp / "mastodon_timeline.json").read_bytes().startswith(b"\xef\xbb\xbf")
    third = (inp / "bsky_feed_3.jsonl").read_bytes()
    assert b"\r\n" in third and not third.endswith(b"\n")
    stamps = [json.loads(line)["data"]["videos"][0]["create_time"]
              for n in (1, 2) for line in (inp / f"tiktok_query_{n}.jsonl").open()][::1]
    assert min(stamps) < 2e9 < 1e12 < max(stamps)  # seconds in one file, ms in the other
    text = "".join(p.read_text(encoding="utf-8-sig") for p in inp.rglob("*") if p.is_file())
    for hazard in ("utm_source=", "fbclid=", "gclid=", "/amp/", "://m.", "bit.ly/", "+02:00"):
        assert hazard in text, hazard


def test_world_shape() -> None:
    """Full size is as the brief says (built in memory, nothing written)."""
    world = build(SEED, "full", True)
    assert 40_000 <= len(world.posts) <= 60_000
    assert 2_000 <= len(world.accounts) <= 3_000
    langs = {p.lang for p in world.posts}
    assert {"ar", "he", "fa", "zh", "ja", "ko", "ru", "hi"} <= langs
    roles = Counter(a.role for a in world.accounts.values())
    assert len([r for r in roles if r not in ("background", "planted")]) >= 15
    sizes = [len(g["members"]) for g in world.groups]  # type: ignore[arg-type]
    assert len(sizes) == 13 and min(sizes) == 3 and max(sizes) == 50
    members = Counter(m for g in world.groups for m in g["members"])  # type: ignore[attr-defined]
    assert sum(1 for c in members.values() if c > 1) == 1  # one account in two groups


def test_control_is_planted_minus_groups(tiny: Path) -> None:
    planted, control = _truth(tiny / "planted"), _truth(tiny / "control")
    assert control["groups"] == [] and planted["groups"]
    assert "planted" not in control["roles"].values()
    members = {m for g in planted["groups"] for m in g["members"]}
    shared = set(control["roles"]) & set(planted["roles"])
    assert members <= shared  # the same accounts exist, only their acts differ
    assert all(planted["roles"][a] == control["roles"][a] for a in shared - members)


def test_score_perfect_and_empty(tiny: Path) -> None:
    truth = _truth(tiny / "planted")
    perfect = [(frozenset(g["members"]), "url") for g in truth["groups"]]
    assert score(truth, perfect)["group_f1"] == 1.0
    assert score(truth, perfect)["innocents"] == 0
    assert score(truth, [])["group_f1"] == 0.0
    merged = [(frozenset(m for g in truth["groups"] for m in g["members"]), "text")]
    assert 0 < score(truth, merged)["group_f1"] < 0.5


def test_real_run(tiny: Path) -> None:
    """propscope reads all six formats (only the cut line and the firehose delete
    quarantined) and finds at
    least the tight URL-variant group on Bluesky; the control world has no planted
    account to find."""
    import duckdb

    folder = tiny / "planted"
    ran = run_propscope(folder)
    con = duckdb.connect(str(folder / "corpus.duckdb"), read_only=True)
    platforms = {r[0] for r in con.execute("select distinct platform from posts").fetchall()}
    assert platforms == {"bluesky", "mastodon", "telegram", "tiktok", "reddit", "4cat"}
    quarantined = con.execute("select file from quarantine").fetchall()
    assert sorted(Path(f).name for (f,) in quarantined) == ["bsky_feed_3.jsonl",
                                                            "bsky_jetstream.jsonl"]
    dids = con.execute("select count(distinct author) from posts where author like 'did:%'")
    assert dids.fetchone() == (9,)  # 3 quake bots (firehose), 6 feed bots (records)
    relations = {r[0] for r in con.execute("select distinct relation from posts").fetchall()}
    assert {"repost", "reply", "quote", "forward"} <= relations
    con.close()
    result = score(_truth(folder), read_communities(ran["exports"]))
    by_group = {g["group"]: g for g in result["groups"]}
    assert by_group["A-url-variants"]["f1"] >= 0.8
    assert 0 < result["group_f1"] <= 1


def test_cli_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The command prints the JSON shape the lead reads (control world, no baselines)."""
    from coordination_heldout9 import main

    assert main(["--size", "tiny", "--world", "control", "--no-baselines", "--json",
                 "--out", str(tmp_path)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["seed"] == SEED and out["size"] == "tiny"
    ps = out["worlds"]["control"]["propscope"]
    assert ps["group_f1"] is None and ps["groups"] == []
    assert ps["innocents"] == ps["accounts_in_communities"]  # nobody planted to find
    assert set(ps["innocents_by_role"]) <= set(_truth(tmp_path / "control")["roles"].values())
