"""The engine interface and the two single-machine engines.

``map_ordered`` keeps a bounded number of batches in flight so memory stays flat
however large the corpus, and yields results in submission order so writes (and
therefore exports) are deterministic whatever the engine.
"""

from __future__ import annotations

import importlib
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from typing import Any, Protocol, TypeVar

from ..errors import EngineError
from ..settings import Settings

T = TypeVar("T")
R = TypeVar("R")


class Engine(Protocol):
    name: str

    def map_ordered(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[tuple[T, R]]:
        """Apply ``fn`` to every item; yield ``(item, result)`` in input order."""
        ...

    def describe(self) -> dict[str, Any]:
        """What the engine is (for run summaries): workers, dashboard link, ..."""
        ...

    def close(self) -> None: ...


def bounded_ordered(submit: Callable[[T], Any], items: Iterable[T], *, limit: int,
                    cancel: Callable[[list[Any]], object]) -> Iterator[tuple[T, Any]]:
    """Submit ``items`` with at most ``limit`` futures in flight; yield results in order.

    The one submission loop of every pool-like engine: bounded memory whatever the
    corpus size, deterministic write order whatever the scheduling. ``cancel``
    frees what is still queued when the caller stops early or a task fails.
    """
    in_flight: deque[tuple[T, Any]] = deque()
    try:
        for item in items:
            in_flight.append((item, submit(item)))
            if len(in_flight) >= limit:
                head, fut = in_flight.popleft()
                yield head, fut.result()
        while in_flight:
            head, fut = in_flight.popleft()
            yield head, fut.result()
    finally:
        if in_flight:
            cancel([fut for _, fut in in_flight])


class LocalEngine:
    """Everything in this process: simplest to debug, and the reference for equality tests."""

    name = "local"

    def map_ordered(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[tuple[T, R]]:
        for item in items:
            yield item, fn(item)

    def describe(self) -> dict[str, Any]:
        return {"engine": self.name, "workers": 1}

    def close(self) -> None:
        pass


def _exit_with_parent(parent: int) -> None:
    """Pool initializer: end this worker soon after the process that started it dies.

    After ``kill -9`` of the CLI, forked workers still hold both ends of the pool's
    pipes, so they never see end-of-file and would wait (or sit on their last
    result) forever, holding memory. A watcher thread notices the new parent pid.
    """

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="propscope-parent-watch", daemon=True).start()


class ProcessEngine:
    """A process pool on this machine, one worker per core by default."""

    name = "processes"

    def __init__(self, workers: int | None = None) -> None:
        self.workers = workers or os.cpu_count() or 2
        self.pool = ProcessPoolExecutor(max_workers=self.workers, initializer=_exit_with_parent,
                                        initargs=(os.getpid(),))

    def map_ordered(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[tuple[T, R]]:
        yield from bounded_ordered(lambda item: self.pool.submit(fn, item), items,
                                   limit=self.workers * 2,
                                   cancel=lambda futs: [f.cancel() for f in futs])

    def describe(self) -> dict[str, Any]:
        return {"engine": self.name, "workers": self.workers}

    def close(self) -> None:
        self.pool.shutdown(cancel_futures=True)


_ENGINES: dict[str, str] = {
    "local": "propscope.engine.base:LocalEngine",
    "processes": "propscope.engine.base:ProcessEngine",
    "dask": "propscope.engine.dask_engine:DaskEngine",
}


def get_engine(settings: Settings) -> Engine:
    """Build the engine named by ``settings.engine``."""
    target = _ENGINES.get(settings.engine)
    if target is None:
        raise EngineError(f"unknown engine {settings.engine!r}",
                          hint=f"choose one of: {', '.join(_ENGINES)}")
    module_name, cls_name = target.split(":")
    cls = getattr(importlib.import_module(module_name), cls_name)
    if settings.engine == "local":
        return cls()
    if settings.engine == "processes":
        return cls(settings.workers)
    return cls(scheduler=settings.scheduler, workers=settings.workers)
