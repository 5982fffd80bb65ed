"""What rates within a hashtag cost: rings spread over 40 minutes, with and without a tag.

The price of ``link/spreadclass.py`` (docs/coordination.md section 23): a ring whose members
each join part of its pushes, each at its own moment within 40 minutes, is tested by who
shares (the spread family); with a campaign tag of its own on every slogan its rates are
measured within the tag. This builds the hand-made fandom of ``tests/test_coord15_tagsites.py``
(40 fans) plus one ring per (size, participation), with and without a tag, through a real
DuckDB corpus, and prints how many ring members one community holds and how many fans are
placed.

    PYTHONPATH=src:tests python bench/tagged_rings.py
"""

from __future__ import annotations

import random
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from propscope.link.coordination import run_coordination  # noqa: E402
from propscope.settings import Settings  # noqa: E402
from test_coord15_tagsites import _fans, _posts  # noqa: E402
from test_coordination_hazards import DAY, corpus_of, groups, word  # noqa: E402

CASES = ((8, 0.85), (6, 0.6), (12, 0.5), (20, 0.45))


def ring_posts(tag: str | None, size: int, part: float, seed: int = 3
               ) -> tuple[list[tuple[str, str, float]], set[str]]:
    """The fandom's posts and a ring's 12 pushes, each member at its own moment in 40 min."""
    rnd = random.Random(seed)
    out = _posts(_fans(40))
    ring = [f"ring-{i}" for i in range(size)]
    for k in range(12):
        t0 = DAY * (0.7 + k * 1.6) + rnd.uniform(0, 3600)
        slogan = " ".join(word(rnd) for _ in range(18)) + (f" #{tag}" if tag else "")
        for acc in ring:
            if rnd.random() < part:
                out.append((acc, slogan + rnd.choice(["", "!", "."]), t0 + rnd.uniform(0, 2400)))
    return out, set(ring)


def main() -> None:
    print("| ring size | participation | tag | ring members in one community | fans placed |")
    print("|---|---|---|---|---|")
    for size, part in CASES:
        for tag in (None, "RingSpread"):
            posts, ring = ring_posts(tag, size, part)
            with tempfile.TemporaryDirectory() as tmp:
                corpus = corpus_of(Path(tmp), posts)
                run_coordination(corpus, Settings(), "bench")
                found = groups(corpus)
            best = max((len(g & ring) for g in found), default=0)
            fans = sum(1 for g in found for a in g if a.startswith("fan-"))
            print(f"| {size} | {part} | {'own tag' if tag else 'none'} | {best} of {size} | {fans} |")


if __name__ == "__main__":
    main()
