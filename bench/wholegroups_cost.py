"""Worst case for joining Leiden's pieces by their items: time as the evidence doubles.

Why: ``wholegroups.join_by_items`` counts, per crossing of two blocks, the members that
carry their common items (coordination 18). The adversarial shape is one large block whose
items are all carried by one member fewer than half of it, crossed by many small pieces that push the same
items: every crossing then reads every common item. Coordination 19 counts each block's
carriers once and refuses such a block at once. This script times ``join_by_items`` on that shape at
1x, 2x and 4x, and, with ``--other SRC``, the
same calls from another checkout's ``src`` side by side (e.g. coordination 18's):

    PYTHONPATH=src python bench/wholegroups_cost.py --other /path/to/old/checkout/src
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import time
from pathlib import Path
from types import ModuleType

from propscope.link import wholegroups

BIG = 400  # members of the large block


def shape(items: int, pieces: int) -> tuple[list[set[str]], list[tuple[str, str, float]],
                                            dict[tuple[str, str], set[tuple[str, str]]]]:
    """Blocks, edges and pair items of the adversarial shape."""
    push = {("url", f"push-{k}") for k in range(items)}
    big = [f"big-{i}" for i in range(BIG)]
    blocks = [set(big)]
    # a chain of pairs: every item carried by one member fewer than half of the block
    edges = [(big[i], big[i + 1], 1.0) for i in range(BIG // 2 - 2)]
    pair_items = {(a, b): push for a, b, _ in edges}
    for p in range(pieces):
        small = [f"p{p}-{i}" for i in range(3)]
        blocks.append(set(small))
        for i, a in enumerate(small):
            for b in small[i + 1:]:
                edges.append((a, b, 1.0))
                pair_items[(a, b)] = push
        edges.append((big[2 + p % (BIG - 2)], small[0], 1.0))
    return blocks, edges, pair_items


def timed(module: ModuleType, items: int, pieces: int) -> float:
    blocks, edges, pair_items = shape(items, pieces)
    t0 = time.process_time()
    module.join_by_items(blocks, edges, pair_items)
    return time.process_time() - t0


def load(src: Path) -> ModuleType:
    """``propscope.link.wholegroups`` from another checkout, under another name."""
    spec = importlib.util.spec_from_file_location(
        "other_wholegroups", src / "propscope" / "link" / "wholegroups.py")
    if spec is None or spec.loader is None:
        raise SystemExit(f"no wholegroups.py under {src}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--items", type=int, default=2000)
    ap.add_argument("--pieces", type=int, default=400)
    ap.add_argument("--other", type=Path, help="another checkout's src, run side by side")
    args = ap.parse_args(argv)
    other = load(args.other) if args.other else None
    print("| scale | pair-items | this checkout CPU s | other CPU s |")
    print("|---|---|---|---|")
    for scale in (1, 2, 4):
        pieces = args.pieces * scale
        pair_items = args.items * (3 * pieces + BIG // 2 - 2)
        mine = timed(wholegroups, args.items, pieces)
        theirs = f"{timed(other, args.items, pieces):.2f}" if other else "-"
        print(f"| {scale}x | {pair_items:,} | {mine:.2f} | {theirs} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
