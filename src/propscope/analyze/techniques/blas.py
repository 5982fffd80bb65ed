"""numpy's OpenBLAS on one thread for the heads' small matrix products.

Why: the semeval2020 fast heads multiply each document's (tokens, 768) features by a
(768, 15) matrix. That is big enough for OpenBLAS to split it over every core, and
after each call its helper thread keeps spinning, waiting for more work, for about
60-100 ms (measured: one product plus 50 ms idle cost 37 ms of CPU with 2 threads,
0.9 ms with one). In a worker process that spin burns the core the other worker
needs, and it was 14-24% of the fast mode's CPU per document for both taxonomies
(docs/benchmarks.md, "Techniques speed"). The product itself takes 0.7 ms on one
thread.

OpenBLAS has no per-call thread count, so :func:`one_thread` sets it to 1 for the
duration of the call and restores it (under a lock: threads of one process share
it). The same kernel computes every element either way (threads split the rows),
so results are the same. Where numpy's BLAS is not an OpenBLAS this process has
loaded (another OS, another BLAS), it does nothing.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

_LOCK = threading.RLock()  # re-entrant: a nested block keeps one thread and restores its own
# OpenBLAS's thread-count functions, by the names its builds export (numpy's wheels
# bundle scipy-openblas with the ``scipy_`` prefix and the ``64_`` suffix).
_NAMES = [(f"{p}openblas_get_num_threads{s}", f"{p}openblas_set_num_threads{s}")
          for p in ("scipy_", "") for s in ("64_", "")]


@functools.cache
def _openblas() -> tuple[Callable[[], int], Callable[[int], None]] | None:
    """``(get, set)`` of the OpenBLAS loaded in this process, or None."""
    import numpy  # noqa: F401  (its BLAS must be loaded to be found)

    try:
        maps = Path("/proc/self/maps").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    paths = sorted({line.split()[-1] for line in maps.splitlines()
                    if line.split()[-1].startswith("/") and "openblas" in line.rsplit("/", 1)[-1].lower()})
    for path in paths:
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        for get_name, set_name in _NAMES:
            get, put = getattr(lib, get_name, None), getattr(lib, set_name, None)
            if get is not None and put is not None:
                get.restype, get.argtypes = ctypes.c_int, []
                put.restype, put.argtypes = None, [ctypes.c_int]
                return get, put
    return None


@contextlib.contextmanager
def one_thread() -> Iterator[None]:
    """OpenBLAS on one thread inside the block (a no-op without a loaded OpenBLAS)."""
    fns = _openblas()
    if fns is None:
        yield
        return
    get, put = fns
    with _LOCK:
        before = get()
        put(1)
        try:
            yield
        finally:
            put(before)
