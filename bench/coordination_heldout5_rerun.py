"""Re-run only propscope's coordination stage on a kept generator-5 DEV run, and score it.

Why: ``bench/coordination_heldout5.py`` generates, ingests and runs two baselines (minutes
of CPU on a shared machine). While developing the coordination stage only that stage
changes: this copies the corpora a dev-seed run left under ``OUT`` (``planted`` and
``control``), drops the stage's stored state, runs it with the code on ``PYTHONPATH`` and
scores the communities with the generator's own scorer (imported by name; truth rebuilt
from the same seed, cached beside the run as ``truth5.json``). Development seed only: a
run whose ``result.json`` says ``held_out`` is refused.

Usage: ``PYTHONPATH=src:bench python bench/coordination_heldout5_rerun.py /tmp/h5full
[planted] [control] [--keep DIR]`` (``--keep``: leave the rerun corpora in DIR to inspect).
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from propscope.corpus import open_corpus
from propscope.link.coordination import run_coordination
from propscope.settings import Settings


def _truth(base: Path, seed: int, size: str) -> dict[str, object]:
    """Planted groups, kinds and innocent types of the run's world (cached)."""
    cache = base / "truth5.json"
    if cache.exists():
        return dict(json.loads(cache.read_text()))
    import coordination_heldout5 as h5  # noqa: PLC0415 (bench module, on PYTHONPATH)
    truth, kinds, types = h5.truth_of(h5.build_world(seed, size, True))
    got = {"truth": {g: sorted(m) for g, m in truth.items()}, "kinds": kinds, "types": types}
    cache.write_text(json.dumps(got))
    return got


def main(argv: list[str]) -> int:
    keep = None
    if "--keep" in argv:
        at = argv.index("--keep")
        keep, argv = Path(argv[at + 1]), argv[:at] + argv[at + 2:]
    base = Path(argv[0])
    worlds = argv[1:] or ["planted", "control"]
    kept = json.loads((base / "result.json").read_text())
    if kept.get("held_out") or int(kept.get("seed", 0)) != 5105:
        print("refused: only the dev seed 5105")
        return 2
    import coordination_heldout5 as h5  # noqa: PLC0415
    t = _truth(base, 5105, str(kept.get("size", "full")))
    truth = {g: set(m) for g, m in t["truth"].items()}  # type: ignore[attr-defined]
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        for world in worlds:
            folder = keep or Path(tmp)
            folder.mkdir(parents=True, exist_ok=True)
            copy = folder / f"{world}.duckdb"
            shutil.copy(base / world / "propscope" / "corpus.duckdb", copy)
            corpus = open_corpus(copy)
            corpus.con.execute("DROP TABLE IF EXISTS coordination_state")
            t0 = time.process_time()
            run_coordination(corpus, Settings(), "rerun")
            rows = corpus.con.execute(
                "SELECT community_id, source, dominant_kind FROM communities").fetchall()
            corpus.close()
            members: dict[str, set[str]] = defaultdict(set)
            kind: dict[str, str] = {}
            for cid, source, dominant in rows:
                members[cid].add(source)
                kind[cid] = dominant or ""
            if world == "planted":
                scored = h5.score(truth, t["kinds"], members, kind, t["types"])  # type: ignore[arg-type]
                groups = {g: v["f1"] for g, v in scored["groups"].items()}  # type: ignore[attr-defined]
                print(f"planted: group F1 {scored['group_f1']}; innocents "
                      f"{scored['innocent_accounts']} {scored['innocent_by_type']}; "
                      f"{scored['communities']} communities; per group {groups}")
            else:
                scored = {"communities": len(members),
                          "accounts": len(set().union(*members.values()) if members else ())}
                print(f"control: {scored['communities']} communities, "
                      f"{scored['accounts']} accounts")
            scored["cpu_s"] = round(time.process_time() - t0, 1)
            print(f"  {world} CPU s {scored['cpu_s']}")
            out[world] = scored
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
