"""Hostile input left open by the notes of 2026-12-05 (session 39).

``UnitTops.top_of`` (which input a stored unit name lies under) copied a prefix of the name at
every ``!`` up to the inputs' largest count of ``!``: an input named with thousands of ``!``
made each long stored name cost its length times that count.
"""

from __future__ import annotations

import random
import time

from propscope.ingest.sources import UnitTops


def _naive_top(labels: set[str], name: str) -> str | None:
    """The definition: the name itself, else its shortest prefix before a ``!`` that is an
    input (inputs never nest: a file is no folder)."""
    if name in labels:
        return name
    for at, ch in enumerate(name):
        if ch == "!" and name[:at] in labels:
            return name[:at]
    return None


def test_top_of_agrees_with_the_definition_on_random_names() -> None:
    rng = random.Random(39)
    alphabet = "ab!/_%\\x"
    for _ in range(2_000):
        labels = {"".join(rng.choice(alphabet) for _ in range(rng.randint(1, 8)))
                  for _ in range(rng.randint(1, 6))}
        tops = UnitTops(labels)
        for _ in range(20):
            base = rng.choice(sorted(labels)) if rng.random() < 0.7 else ""
            name = base + "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 8)))
            want, got = _naive_top(labels, name), tops.top_of(name)
            # the bound on prefixes tried can only stop early when no input has that many
            # ``!``: then no longer prefix can be an input either
            assert got == want, (labels, name)


def test_an_input_with_many_bangs_does_not_make_long_names_quadratic() -> None:
    labels = {"in/" + "!" * 20_000 + ".zip", "in/plain.zip"}
    tops = UnitTops(labels)
    names = ["other/" + "!" * 20_000 + "x" * 50_000 for _ in range(200)]
    started = time.perf_counter()
    assert all(tops.top_of(name) is None for name in names)
    assert tops.top_of("in/plain.zip!a!b") == "in/plain.zip"
    # before: 200 names x 20,000 prefix copies of ~10,000 characters each: 13 s here; now 0.6 s
    assert time.perf_counter() - started < 5.0
