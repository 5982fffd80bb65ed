"""Timing for the linearity tests: two sizes of one piece of work, compared by CPU time.

Why one helper: the linearity tests (hostile analyzers, hostile ingest, fingerprints) all
compare a small and a large input on a machine shared with other processes and, under
``make test``, with other pytest-xdist workers. Three ways of timing went wrong there:

- wall time: other processes stretch the wall clock of one size and not the other (a run at
  load 11 timed 7.4x for 4x the input), so this thread's CPU time is measured instead;
- all repeats of one size, then all of the other: a neighbour's burst lands on one size only
  (a clean-clone run timed 7.3x for 4x the input; alone 3.4-4.7x), so the sizes alternate
  and the best of each is kept;
- the cyclic garbage collector on: its full passes scan the worker's whole heap, which grows
  with the test files run before in the same worker, and cost the larger input more than its
  share (alone 3.1-4.4x; in a worker after other files, 9.7x), so it is off while timing.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable


def cpu_seconds(work: Callable[[], object]) -> float:
    """CPU time of this thread spent in one call of ``work``."""
    start = time.thread_time()
    work()
    return time.thread_time() - start


def best_of_alternating(small: Callable[[], object], large: Callable[[], object],
                        rounds: int = 5) -> tuple[float, float]:
    """Best CPU time of ``small`` and of ``large``, called in turn ``rounds`` times each
    with the cyclic garbage collector off (collected once before; its state restored after)."""
    best_small = best_large = float("inf")
    was_enabled = gc.isenabled()
    gc.collect()
    gc.disable()
    try:
        for _ in range(rounds):
            best_small = min(best_small, cpu_seconds(small))
            best_large = min(best_large, cpu_seconds(large))
    finally:
        if was_enabled:
            gc.enable()
    return best_small, best_large
