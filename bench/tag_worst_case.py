"""Worst cases for coordination 15's tag rules (link/tagsites.py, link/spreadclass.py):
does the stage's time grow linearly with the hazard?

Each case is built at size N and 2N through a real DuckDB corpus (the tests' ``corpus_of``)
and ``run_coordination`` is timed:

* ``one_text_by_many``: one tagged text pasted by N accounts within an hour (one item
  shared by thousands);
* ``tags_per_account``: one account posts N texts, each with its own tag, and three others
  paste each of them within minutes (N rare tagged items, N tags on one account's pairs);
* ``tags_in_one_post``: a text pasted by 5 accounts, each post carrying the same N hashtags
  (a huge field: N tags joined to one text);
* ``long_run``: a text of N x 50 copies of one character, with a tag, pasted by 5 accounts.

    PYTHONPATH=src:tests python bench/tag_worst_case.py [--n 1000]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from propscope.link.coordination import run_coordination  # noqa: E402
from propscope.settings import Settings  # noqa: E402
from test_coordination_hazards import corpus_of  # noqa: E402

Posts = list[tuple[str, str, float]]


def one_text_by_many(n: int) -> Posts:
    return [(f"acc-{i:05d}", "the same words pasted by everyone #OneTag", 60.0 + i * 3600 / n)
            for i in range(n)]


def tags_per_account(n: int) -> Posts:
    out = []
    for i in range(n):
        text = f"slogan number {'x' * (i % 7)} {chr(97 + i % 26)}{i} words #tag{i}"
        t = i * 600.0
        out += [("heavy", text, t)] + [(f"copy-{j}", text, t + 30 * (j + 1)) for j in range(3)]
    return out


def tags_in_one_post(n: int) -> Posts:
    tags = " ".join(f"#t{i}" for i in range(n))
    return [(f"acc-{j}", f"one long post {tags}", 60.0 * j) for j in range(5)]


def long_run(n: int) -> Posts:
    return [(f"acc-{j}", "a" * (n * 50) + " #RunTag", 60.0 * j) for j in range(5)]


CASES: dict[str, Callable[[int], Posts]] = {
    "one_text_by_many": one_text_by_many, "tags_per_account": tags_per_account,
    "tags_in_one_post": tags_in_one_post, "long_run": long_run}


def timed(posts: Posts) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        corpus = corpus_of(Path(tmp), posts)
        t = time.perf_counter()
        run_coordination(corpus, Settings(), "worst")
        return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=1000)
    n = ap.parse_args().n
    print("| case | N | s at N | s at 2N | ratio |")
    print("|---|---|---|---|---|")
    for name, make in CASES.items():
        a, b = timed(make(n)), timed(make(2 * n))
        print(f"| {name} | {n} | {a:.2f} | {b:.2f} | {b / a:.2f} |", flush=True)


if __name__ == "__main__":
    main()
