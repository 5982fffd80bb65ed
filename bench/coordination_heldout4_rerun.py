"""Re-run only propscope's coordination stage on a kept generator-4 run, and score it.

Why: ``bench/coordination_heldout4.py`` takes about 11 minutes (generation, ingest, both
baselines, two worlds). While developing the coordination stage, only that stage
changes: this copies the corpora a dev-seed run left under ``--out`` (``planted`` and
``control``), drops the stage's stored state so it is recomputed, runs it with the code
on ``PYTHONPATH`` and scores the communities with the generator's own scorer and truth.
About 20 CPU s per world. Development seeds only: the held-out seed is run once, end to
end, by the lead (the script refuses a run whose ``result.json`` says ``held_out``).

Usage: ``PYTHONPATH=src python bench/coordination_heldout4_rerun.py /tmp/c4dev [planted]
[control]``.
"""

from __future__ import annotations

import importlib.util
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


def _generator() -> object:
    path = Path(__file__).with_name("coordination_heldout4.py")
    spec = importlib.util.spec_from_file_location("coordination_heldout4", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["coordination_heldout4"] = module  # its dataclasses look themselves up
    spec.loader.exec_module(module)
    return module


def main(argv: list[str]) -> int:
    base = Path(argv[0])
    worlds = argv[1:] or ["planted", "control"]
    kept = base / "result.json"
    if kept.exists() and json.loads(kept.read_text()).get("held_out"):
        print("refused: that run is the held-out seed")
        return 2
    h4 = _generator()
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        for world in worlds:
            copy = Path(tmp) / f"{world}.duckdb"
            shutil.copy(base / world / "work" / "propscope" / "corpus.duckdb", copy)
            corpus = open_corpus(copy)
            corpus.con.execute("DROP TABLE IF EXISTS coordination_state")
            t0 = time.process_time()
            summary = run_coordination(corpus, Settings(), "rerun")
            rows = corpus.con.execute(
                "SELECT community_id, source, dominant_kind FROM communities").fetchall()
            corpus.close()
            members: dict[str, set[str]] = defaultdict(set)
            kind: dict[str, str] = {}
            for cid, source, dominant in rows:
                members[cid].add(h4._norm_source(source))  # type: ignore[attr-defined]
                kind[cid] = dominant or ""
            truth = json.loads((base / world / "truth" / "truth.json").read_text())
            scored = h4.score([(m, kind[c]) for c, m in members.items()], truth)  # type: ignore[attr-defined]
            scored["cpu_s"] = round(time.process_time() - t0, 1)
            scored["window_s"] = summary.get("window_s")
            out[world] = scored
            print(f"{world}: group F1 {scored['group_f1']} (ceiling {scored['ceiling_f1']}); "
                  f"innocent in communities {scored['innocent_placed']} "
                  f"{scored['innocent_by_type']}; kinds {scored['kinds_found']}/{scored['groups']}; "
                  f"{scored['communities']} communities, {scored['accounts_in_communities']} "
                  f"accounts; {scored['cpu_s']} CPU s")
    print(json.dumps(out, indent=1, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
