"""The attachment test's spread meetings (link/meetings.py): their price on worlds built to
make an innocent account meet a group on its rare items within hours.

Adopters: a ring of R accounts posts a new tag of its own on each of 20 days, each member
taking part with probability P, within 5 minutes of the push; 20 adopters each pick up a
fifth of the tags 25-150 minutes after the push, beside their 8 posts of 60 popular tags
and 600 accounts posting those. Readers: the operation of ``tests/test_coord17_meetings.py``
(4 core and 34 sparse accounts pushing 10 links of their site, spread over 90 minutes), with
3 of the site's 40 readers sharing each pushed link 10-150 minutes after the push and N
other articles of the site shared by 6 readers each. Accounts placed: the group's and the
innocents', with the meetings off, on without the time bar (the first version), and on.

    PYTHONPATH=src:tests python bench/meetings_worst_case.py
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import test_coord17_meetings as op_world
from propscope.link import meetings
from propscope.link.coordination import run_coordination
from propscope.settings import Settings
from test_coord17_meetings import adopter_posts
from test_coordination_hazards import corpus_of, groups


def reader_posts(seed: int, n_other: int) -> tuple[list, set[str], set[str]]:
    """The readers' world: posts, the operation, the readers."""
    return (op_world.op_posts(seed, 3, n_other), set(op_world.CORE + op_world.SPARSE),
            set(op_world.READERS))


def placed(posts: list, team: set[str], innocent: set[str], on: bool, bar: bool
           ) -> tuple[int, int]:
    """(members of ``team`` placed, accounts of ``innocent`` placed)."""
    meetings.ENABLED, meetings.TIME_BAR = on, bar
    try:
        with tempfile.TemporaryDirectory() as folder:
            corpus = corpus_of(Path(folder), posts)
            run_coordination(corpus, Settings(), "bench")
            found = set().union(*groups(corpus))
            return len(found & team), len(found & innocent)
    finally:
        meetings.ENABLED, meetings.TIME_BAR = True, True


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3, 4, 5, 6])
    args = ap.parse_args()
    print("| world | setting | seed | off: group / innocents | on, no time bar | **on** |\n"
          "|---|---|---|---|---|---|")
    worlds = [("adopters", adopter_posts, (12, 0.45)), ("adopters", adopter_posts, (20, 0.9)),
              ("readers", reader_posts, (0,)), ("readers", reader_posts, (5,))]
    for label, make, setting in worlds:
        for seed in args.seeds:
            posts, team, innocent = make(seed, *setting)  # type: ignore[operator]
            cells = [placed(posts, team, innocent, on, bar)
                     for on, bar in ((False, True), (True, False), (True, True))]
            print(f"| {label} | {setting} | {seed} | "
                  + " | ".join(f"{g} / {i}" for g, i in cells) + " |", flush=True)


if __name__ == "__main__":
    main()
