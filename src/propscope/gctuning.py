"""Fewer cyclic garbage collections during allocation-heavy loops.

Parsing a JSON line or analysing a batch allocates many short-lived dicts,
lists and strings that reference counting frees at once; none form cycles. The
collector still runs a young-generation pass every 700 net allocations and,
as batches of documents stay alive across passes, keeps re-scanning them.
Raising the young-generation threshold inside these loops cut ingest's CPU
time by about 9 % on 100,000 JSONL articles (bench/signals_throughput.py),
with no change in what is produced; cycles, if any, are still collected, only
less often.
"""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Iterator

YOUNG_THRESHOLD = 100_000

_lock = threading.Lock()
_depth = 0
_saved: tuple[int, ...] = ()


@contextlib.contextmanager
def relaxed_gc(young: int = YOUNG_THRESHOLD) -> Iterator[None]:
    """Run the body with a higher young-generation threshold. Bodies may nest
    and overlap across threads: the first to enter saves the setting, the last
    to leave restores it."""
    global _depth, _saved
    with _lock:
        if _depth == 0:
            _saved = gc.get_threshold()
            gc.set_threshold(max(young, _saved[0]), *_saved[1:])
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                gc.set_threshold(*_saved)
