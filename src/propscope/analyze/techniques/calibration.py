"""From a span's model confidence to the share of such spans that were right.

A technique span's ``confidence`` is the mean token probability of its run: a
ranking, not a precision (on the SemEval-2023 validation articles, spans at 0.8
were right about half the time). ``calibration.json`` beside a model holds an
isotonic (non-decreasing, step) map per technique family, fitted by
``bench/techniques_calibration.py`` on validation articles the encoder never
trained on; applying it gives the value the app shows as "about N% of spans at
this confidence were right on held-out articles".

Pure Python (no numpy needed): fitting is pool-adjacent-violators over a few
thousand points, applying is one binary search.
"""

from __future__ import annotations

import json
from bisect import bisect_left
from dataclasses import dataclass
from pathlib import Path

from ...errors import ModelError

FILE = "calibration.json"
ALL = "*"  # the map over every family, used for a family with too few spans of its own

Steps = list[tuple[float, float]]  # [(upper confidence of the block, share right)], by confidence


MIN_BLOCK = 20  # spans behind every value of a shipped map (see pav)


def pav(points: list[tuple[float, bool]], min_block: int = MIN_BLOCK) -> Steps:
    """Isotonic fit of ``(confidence, right)`` points: blocks as ``(upper x, mean y)``.

    Pool-adjacent-violators, then every block of fewer than ``min_block`` points is
    merged into a neighbour (the one with the closer mean; the ends into their only
    neighbour). Merging adjacent blocks of a non-decreasing fit keeps it
    non-decreasing; without it, the 4 highest-scored spans of the SemEval-2023
    validation articles, all right, made a block that said "100% right".
    """
    blocks: list[list[float]] = []  # [sum_y, n, max_x]
    for x, y in sorted(points):
        blocks.append([float(y), 1.0, x])
        while len(blocks) > 1 and blocks[-2][0] / blocks[-2][1] >= blocks[-1][0] / blocks[-1][1]:
            _merge(blocks, len(blocks) - 2)
    while len(blocks) > 1:
        small = [i for i, b in enumerate(blocks) if b[1] < min_block]
        if not small:
            break
        i = min(small, key=lambda k: (blocks[k][1], k))
        if i == 0:
            _merge(blocks, 0)
        elif i == len(blocks) - 1:
            _merge(blocks, i - 1)
        else:
            mean = blocks[i][0] / blocks[i][1]
            left = mean - blocks[i - 1][0] / blocks[i - 1][1]
            right = blocks[i + 1][0] / blocks[i + 1][1] - mean
            _merge(blocks, i - 1 if left <= right else i)
    return [(b[2], b[0] / b[1]) for b in blocks]


def _merge(blocks: list[list[float]], i: int) -> None:
    """Merge block ``i + 1`` into block ``i``."""
    s, n, mx = blocks.pop(i + 1)
    blocks[i][0] += s
    blocks[i][1] += n
    blocks[i][2] = mx


def apply_steps(steps: Steps, x: float) -> float:
    """The share right of the first block whose upper confidence reaches ``x``
    (above the last block: the last block's). Non-decreasing in ``x``."""
    if not steps:
        return x
    i = bisect_left([u for u, _ in steps], x)
    return steps[min(i, len(steps) - 1)][1]


def fit(rows: list[tuple[str, float, bool]], min_spans: int,
        min_block: int = MIN_BLOCK) -> dict[str, Steps]:
    """One map over all ``(family, confidence, right)`` rows, and one per family with
    at least ``min_spans`` spans."""
    maps = {ALL: pav([(c, ok) for _, c, ok in rows], min_block)}
    for fam in sorted({f for f, _, _ in rows}):
        mine = [(c, ok) for f, c, ok in rows if f == fam]
        if len(mine) >= min_spans:
            maps[fam] = pav(mine, min_block)
    return maps


@dataclass(frozen=True)
class Calibration:
    """The maps of one model (see the module docstring)."""

    maps: dict[str, Steps]
    fitted_on: str = ""

    def __call__(self, family: str, confidence: float) -> float:
        return apply_steps(self.maps.get(family) or self.maps[ALL], confidence)

    @classmethod
    def load(cls, path: Path) -> Calibration | None:
        """The maps in ``path``, or None when the model ships none."""
        if not path.exists():
            return None
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            maps = {str(k): [(float(u), float(v)) for u, v in steps] for k, steps in raw["maps"].items()}
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ModelError(f"{path}: cannot read calibration map ({exc})",
                             hint="rebuild it with `python bench/techniques_calibration.py --write`") from exc
        if ALL not in maps:
            raise ModelError(f"{path}: calibration map has no '{ALL}' entry")
        return cls(maps, str(raw.get("fitted_on", "")))
