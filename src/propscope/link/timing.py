"""Per-step wall and CPU seconds of a linking stage, for its run summary.

Why: the linking stages are where corpus-level cost can grow faster than the
corpus (a join or a loop over everything, repeated per batch). Recording each
step's time in the summary (``propscope link --json``) lets a benchmark see
*which* step grows, at every size, without a profiler. CPU seconds are this
process's (DuckDB's threads included); work done in engine workers is not in
them, which is the point: it shows what the single writer still does itself.
Each step also records the process's peak resident memory when it ended
(``peak_rss_mb``), so the step that raised the peak can be read off the summary.
"""

from __future__ import annotations

import resource
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager


def _peak_rss_mb() -> float:
    """This process's peak resident memory so far, in MB (Linux reports KB, macOS bytes)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1 << 20) if sys.platform == "darwin" else peak / 1024


class StepTimer:
    """Accumulates ``{step: {"wall_s": .., "cpu_s": ..}}`` over named steps."""

    def __init__(self) -> None:
        self.steps: dict[str, dict[str, float]] = {}

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            yield
        finally:
            entry = self.steps.setdefault(name, {"wall_s": 0.0, "cpu_s": 0.0})
            entry["wall_s"] += time.perf_counter() - wall
            entry["cpu_s"] += time.process_time() - cpu
            entry["peak_rss_mb"] = _peak_rss_mb()

    def summary(self) -> dict[str, dict[str, float]]:
        return {name: {k: round(v, 3) for k, v in entry.items()}
                for name, entry in self.steps.items()}
