"""The engine interface and the two single-machine engines.

``map_ordered`` keeps a bounded number of batches in flight so memory stays flat
however large the corpus, and yields results in submission order so writes (and
therefore exports) are deterministic whatever the engine.
"""

from __future__ import annotations

import os
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
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

    def submit(self, fn: Callable[[T], R], item: T) -> Any:
        """Start ``fn(item)`` where the engine computes; returns a future (``.result()``)."""
        ...

    def cancel(self, futures: list[Any]) -> None:
        """Drop submitted work that has not run yet."""
        ...

    @property
    def capacity(self) -> int:
        """How many submitted items to keep in flight: enough to keep every worker busy."""
        ...

    def describe(self) -> dict[str, Any]:
        """What the engine is (for run summaries): workers, dashboard link, ..."""
        ...

    def close(self) -> None: ...


class OrderedPipe:
    """Work submitted as it is produced, results taken back in submission order.

    For a producer that cannot be a generator feeding :meth:`Engine.map_ordered`
    (ingest pushes items as it reads them). At most ``engine.capacity`` items are
    in flight, so memory stays bounded; *markers* (plain values without work)
    come back in order between the results, e.g. "this file is finished" after
    the last of its chunks.
    """

    _MARK = object()

    def __init__(self, engine: Engine, fn: Callable[[Any], Any], depth: int = 1) -> None:
        self.engine, self.fn = engine, fn
        self.limit = max(1, engine.capacity * depth)
        self.entries: deque[tuple[Any, Any]] = deque()
        self.running = 0

    def __len__(self) -> int:
        return len(self.entries)

    def submit(self, item: Any, tag: Any = None) -> list[tuple[Any, Any]]:
        """Start ``fn(item)``; returns the ``(tag, result)`` pairs (``tag`` defaults to
        the item; markers come as ``(marker, None)``) that had to be taken back first
        to stay within the bound. Only ``item`` travels to the worker."""
        self.entries.append((item if tag is None else tag, self.engine.submit(self.fn, item)))
        self.running += 1
        out: list[tuple[Any, Any]] = []
        while self.running >= self.limit:
            out.append(self._pop())
        return out

    def mark(self, marker: Any) -> list[tuple[Any, Any]]:
        """Queue ``marker``; returned at once (as ``(marker, None)``) if nothing is in flight."""
        self.entries.append((marker, self._MARK))
        return self.drain() if self.running == 0 else []

    def drain(self) -> list[tuple[Any, Any]]:
        """Everything still queued, in order (waits for the work in flight)."""
        return [self._pop() for _ in range(len(self.entries))]

    def _pop(self) -> tuple[Any, Any]:
        item, fut = self.entries.popleft()
        if fut is self._MARK:
            return item, None
        self.running -= 1
        return item, fut.result()

    def cancel(self) -> None:
        futures = [f for _, f in self.entries if f is not self._MARK]
        self.entries.clear()
        self.running = 0
        if futures:
            self.engine.cancel(futures)


def map_bounded(engine: Engine, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[tuple[T, R]]:
    """``map_ordered`` of every pool-like engine: at most ``engine.capacity`` items in
    flight (bounded memory whatever the corpus size), results in input order
    (deterministic writes whatever the scheduling); what is still queued is
    cancelled when the caller stops early or a task fails."""
    pipe = OrderedPipe(engine, fn)
    try:
        for item in items:
            yield from pipe.submit(item)
        yield from pipe.drain()
    finally:
        pipe.cancel()


class LocalEngine:
    """Everything in this process: simplest to debug, and the reference for equality tests."""

    name = "local"

    def map_ordered(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[tuple[T, R]]:
        for item in items:
            yield item, fn(item)

    def submit(self, fn: Callable[[T], R], item: T) -> Future[R]:
        done: Future[R] = Future()
        done.set_result(fn(item))
        return done

    def cancel(self, futures: list[Any]) -> None:
        pass

    capacity = 1

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
        yield from map_bounded(self, fn, items)

    def submit(self, fn: Callable[[T], R], item: T) -> Future[R]:
        return self.pool.submit(fn, item)

    def cancel(self, futures: list[Any]) -> None:
        for fut in futures:
            fut.cancel()

    @property
    def capacity(self) -> int:
        return self.workers * 2

    def describe(self) -> dict[str, Any]:
        return {"engine": self.name, "workers": self.workers}

    def close(self) -> None:
        self.pool.shutdown(cancel_futures=True)


def _local(settings: Settings) -> Engine:
    return LocalEngine()


def _processes(settings: Settings) -> Engine:
    return ProcessEngine(settings.workers)


def _dask(settings: Settings) -> Engine:
    # Imported here: Dask and distributed load in about a second, and most runs never use them.
    from .dask_engine import DaskEngine

    return DaskEngine(scheduler=settings.scheduler, workers=settings.workers)


# The engines, registered once: name -> a builder from the settings. The CLI's
# ``--engine`` choices and the error for an unknown name come from here.
ENGINES: dict[str, Callable[[Settings], Engine]] = {
    "local": _local,
    "processes": _processes,
    "dask": _dask,
}


def get_engine(settings: Settings) -> Engine:
    """Build the engine named by ``settings.engine``."""
    build = ENGINES.get(settings.engine)
    if build is None:
        raise EngineError(f"unknown engine {settings.engine!r}",
                          hint=f"choose one of: {', '.join(ENGINES)}")
    return build(settings)
