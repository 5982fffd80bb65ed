"""The attachment test's spread meetings (link/meetings.py, measured and off): their price
on worlds built to make an innocent account meet a group on its rare items within hours.

Quick ring: R accounts post a new tag of their own on each of 20 days, each taking part with
probability P within 5 minutes of the push; 20 adopters each pick up a fifth of the tags
25-150 minutes later (``tests/test_coord17_meetings.adopter_posts``). Slow campaign (a second
review's world): 10 accounts each join half of 20 pushes (tags, or links of their own site)
at their own moment over 3 hours; 20 adopters each pick up 15 % of the items 25-150 minutes
after the push. Readers: the operation of ``tests/test_coord17_meetings.py`` (4 core and 34
sparse accounts pushing 10 links of their site over 90 minutes) with K of the site's 40
readers on each pushed link 10-150 minutes after the push and N other articles of the site.
Accounts placed, the group's and the innocents', with the meetings off (the default), on
without the pace bar (the first version), and on.

    PYTHONPATH=src:tests python bench/meetings_worst_case.py
"""

from __future__ import annotations

import argparse
import random
import tempfile
from pathlib import Path

import test_coord17_meetings as op_world
from propscope.link import meetings
from propscope.link.coordination import run_coordination
from propscope.settings import Settings
from test_coord17_meetings import adopter_posts
from test_coordination_hazards import DAY, background, bloggers, corpus_of, groups, word


def reader_posts(seed: int, per_push: int, n_other: int) -> tuple[list, set[str], set[str]]:
    """The readers' world: posts, the operation, the readers."""
    return (op_world.op_posts(seed, per_push, n_other), set(op_world.CORE + op_world.SPARSE),
            set(op_world.READERS))


def slow_posts(seed: int, kind: str) -> tuple[list, set[str], set[str]]:
    """The slow campaign's world: posts, the campaign, the adopters."""
    rnd = random.Random(seed)
    team = [f"slow-{i:02d}" for i in range(10)]
    adopters = [f"adopter-{i:02d}" for i in range(20)]
    posts = background(rnd)
    if kind == "tag":
        popular = [f"#pop{i}" for i in range(60)]
        for i in range(600):
            posts += [(f"tagger-{i:04d}", f"{word(rnd)} {word(rnd)} {rnd.choice(popular)}",
                       rnd.uniform(0, 30 * DAY)) for _ in range(6)]
        posts += [(a, f"{word(rnd)} {word(rnd)} {rnd.choice(popular)}", rnd.uniform(0, 30 * DAY))
                  for a in adopters for _ in range(8)]
    else:
        posts += bloggers(rnd)
        posts += [(a, f"{word(rnd)} https://blog-{rnd.randint(0, 99)}.example/"
                      f"{rnd.randint(0, 499)}", rnd.uniform(0, 20 * DAY))
                  for a in adopters for _ in range(8)]
    for k in range(20):
        push = DAY * (0.5 + 1.4 * k) + rnd.uniform(0, 3600)
        item = (f"#slow{word(rnd)}{k}" if kind == "tag"
                else f"https://slow-site.example/p/{k}-{rnd.randint(1000, 9999)}")
        posts += [(acc, f"{word(rnd)} {word(rnd)} {word(rnd)} {item}",
                   push + rnd.uniform(0, 3 * 3600)) for acc in team if rnd.random() < 0.5]
        posts += [(a, f"{word(rnd)} {word(rnd)} {item}", push + rnd.uniform(1500, 9000))
                  for a in adopters if rnd.random() < 0.15]
    return posts, set(team), set(adopters)


def placed(posts: list, team: set[str], innocent: set[str], on: bool, bar: bool
           ) -> tuple[int, int]:
    """(members of ``team`` placed, accounts of ``innocent`` placed)."""
    saved = meetings.ENABLED, meetings.TIME_BAR
    meetings.ENABLED, meetings.TIME_BAR = on, bar
    try:
        with tempfile.TemporaryDirectory() as folder:
            corpus = corpus_of(Path(folder), posts)
            run_coordination(corpus, Settings(), "bench")
            found = set().union(*groups(corpus))
            return len(found & team), len(found & innocent)
    finally:
        meetings.ENABLED, meetings.TIME_BAR = saved


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3, 4, 5, 6])
    args = ap.parse_args()
    print("| world | setting | seed | **off** (default): group / innocents | on, no pace bar | on |\n"
          "|---|---|---|---|---|---|")
    worlds = [("quick ring", adopter_posts, (12, 0.45)), ("quick ring", adopter_posts, (20, 0.9)),
              ("slow campaign", slow_posts, ("tag",)), ("slow campaign", slow_posts, ("link",)),
              ("readers", reader_posts, (3, 0)), ("readers", reader_posts, (3, 5)),
              ("readers", reader_posts, (5, 0))]
    for label, make, setting in worlds:
        for seed in args.seeds:
            posts, team, innocent = make(seed, *setting)  # type: ignore[operator]
            cells = [placed(posts, team, innocent, on, bar)
                     for on, bar in ((False, True), (True, False), (True, True))]
            print(f"| {label} | {setting} | {seed} | "
                  + " | ".join(f"{g} / {i}" for g, i in cells) + " |", flush=True)


if __name__ == "__main__":
    main()
