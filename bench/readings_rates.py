"""How often each reading of link/readings.py fires on planted and on innocent communities.

Why: a reading is a caveat shown beside a community ("also the shape of ..."); an analyst
should know how often it fires on a real operation and how often on ordinary accounts. This
reads finished corpora of the held-out judges (their ``corpus.duckdb`` and truth files),
computes the readings from the stage's tables and counts communities by what most of their
members are.

    PYTHONPATH=src python bench/readings_rates.py CORPUS::TRUTH [CORPUS::TRUTH ...]

A truth file is JSON with ``groups`` (a list of ``{"group"|"name", "members"}`` or a mapping
of name to ``{"members"}``); a corpus with no truth file (a negative control) counts every
community as innocent. A community is *planted* when at least half of its members are
members of planted groups.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
from collections import Counter
from pathlib import Path

from propscope.corpus import Corpus
from propscope.link.readings import TEXTS, community_readings


def planted_members(truth: Path | None) -> set[str]:
    """Every member of a planted group in ``truth`` (empty for a control)."""
    if truth is None or not truth.exists():
        return set()
    groups = json.loads(truth.read_text())["groups"]
    items = groups.values() if isinstance(groups, dict) else groups
    return {m for g in items for m in g["members"]}


def rates(pairs: list[tuple[Path, Path | None]]) -> Counter[tuple[str, str]]:
    """(planted|innocent, reading or "none" or "communities") -> communities."""
    out: Counter[tuple[str, str]] = Counter()
    for db, truth in pairs:
        members = planted_members(truth)
        with tempfile.TemporaryDirectory() as tmp:  # never write to the judge's corpus
            copy = Path(tmp) / "c.duckdb"
            shutil.copy(db, copy)
            corpus = Corpus(copy)
            comm = corpus.df("communities")
            got: dict[str, set[str]] = {}
            for r in community_readings(corpus):
                got.setdefault(r["community_id"], set()).add(r["reading"])
            corpus.close()
        for cid, g in comm.groupby("community_id"):
            label = "planted" if g["source"].isin(members).mean() >= 0.5 else "innocent"
            out[(label, "communities")] += 1
            for code in got.get(str(cid), {"none"}):
                out[(label, code)] += 1
    return out


def main(argv: list[str]) -> int:
    pairs = []
    for arg in argv:
        db, _, truth = arg.partition("::")
        pairs.append((Path(db), Path(truth) if truth else None))
    counts = rates(pairs)
    print("| reading | planted communities | innocent communities |")
    print("|---|---|---|")
    for code in [*TEXTS, "none"]:
        print(f"| {code} | {counts[('planted', code)]} of {counts[('planted', 'communities')]}"
              f" | {counts[('innocent', code)]} of {counts[('innocent', 'communities')]} |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
