"""The corpus's one writer: a thread that every stage hands its writes to.

Why one: DuckDB lets one connection write, and a connection is not safe to use
from two threads at once. Ingest (its batches of documents) and the analysis
beside ingest (its results) used to run two writing loops around a shared lock;
here there is one queue and one thread, so there is one place that commits and
one order in which writes happen (the order they were handed in).

A *task* is a callable ``task(corpus)``. The thread runs it holding :attr:`lock`
(other threads that read the corpus meanwhile take it too: :meth:`read`); if it
returns a callable, that runs next on the same thread without the lock (e.g.
handing the documents just stored to the analysis, which may wait).

* :meth:`put`: bounded (at most ``depth`` tasks wait, as ingest's queue always
  did), so a fast reader waits for the disk instead of growing memory;
* :meth:`hand`: unbounded, for producers that must never wait on the writer
  (the analysis beside ingest: the writer may be waiting on *it*);
* :meth:`call`: run a task and return its result (small writes: marks, resets);
* :meth:`exclusive`: wait until everything handed in is written, then hold the
  corpus (the corpus-level stages, which write through their own modules).

An error in a task is kept and raised in the handing thread on its next call or
at :meth:`close`; the tasks after it are dropped, so the run stops at the first
failed write and the corpus holds what was committed before it.
"""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from typing import Any

from ..corpus import Corpus

Task = Callable[[Corpus], "Callable[[], None] | None"]
# Tasks waiting for the writer, at most (what :meth:`CorpusWriter.put` blocks on).
DEPTH = 4


class _Call:
    """A task whose caller waits for its result."""

    def __init__(self, fn: Callable[[Corpus], Any]) -> None:
        self.fn = fn
        self.future: Future[Any] = Future()

    def __call__(self, corpus: Corpus) -> None:
        self.future.set_result(self.fn(corpus))


class CorpusWriter:
    """One thread that commits every write of a run, in the order handed in."""

    def __init__(self, corpus: Corpus, depth: int = DEPTH) -> None:
        self.corpus = corpus
        self.lock = threading.Lock()
        self.error: BaseException | None = None
        self._queue: queue.SimpleQueue[tuple[Any, bool]] = queue.SimpleQueue()
        self._slots = threading.Semaphore(max(1, depth))
        self._held: list[tuple[Any, bool]] = []  # taken while gathering; handled next
        self._thread = threading.Thread(target=self._loop, name="propscope-corpus-writer",
                                        daemon=True)
        self._thread.start()

    def __enter__(self) -> CorpusWriter:
        return self

    def __exit__(self, exc_type: object, *rest: object) -> None:
        if exc_type is None:
            self.close()
        else:  # the run failed already: stop the thread, keep the first error
            with contextlib.suppress(BaseException):
                self.close()

    # -- handing in ------------------------------------------------------
    def put(self, task: Task) -> None:
        """Queue ``task``; blocks while :data:`DEPTH` tasks wait."""
        self.check()
        self._slots.acquire()
        self._queue.put((task, True))

    def hand(self, task: Task) -> None:
        """Queue ``task`` without ever waiting."""
        self.check()
        self._queue.put((task, False))

    def call(self, fn: Callable[[Corpus], Any]) -> Any:
        """Run ``fn(corpus)`` on the writer after what is queued; return its result."""
        task = _Call(fn)
        self.hand(task)
        return task.future.result()

    def barrier(self) -> None:
        """Wait until everything handed in so far is written (raises a write's error)."""
        self.call(lambda corpus: None)

    def read(self, fn: Callable[[Corpus], Any]) -> Any:
        """Run ``fn(corpus)`` in this thread, between two writes (a quick look-up)."""
        with self.lock:
            return fn(self.corpus)

    @contextlib.contextmanager
    def exclusive(self) -> Iterator[Corpus]:
        """The corpus to write directly, once every queued write is done."""
        self.barrier()
        with self.lock:
            yield self.corpus

    def check(self) -> None:
        if self.error is not None:
            raise self.error

    def close(self) -> None:
        """Write what is queued, stop the thread, raise the first write error."""
        if self._thread.is_alive():
            self._queue.put((None, False))
            self._thread.join()
        self.check()

    # -- the writer thread ----------------------------------------------
    def take_waiting(self, kind: type) -> Any | None:
        """Writer side: the next queued task if it is a ``kind`` (to write several
        together), else None (that task is handled next, as queued)."""
        if self._held:
            return None
        try:
            item = self._queue.get_nowait()
        except queue.Empty:
            return None
        task, bounded = item
        if not isinstance(task, kind):
            self._held.append(item)
            return None
        if bounded:
            self._slots.release()
        return task

    def _loop(self) -> None:
        while True:
            task, bounded = self._held.pop() if self._held else self._queue.get()
            if bounded:
                self._slots.release()
            if task is None:
                return
            if self.error is not None:  # keep draining so no producer blocks forever
                if isinstance(task, _Call):
                    task.future.set_exception(self.error)
                continue
            try:
                with self.lock:
                    after = task(self.corpus)
                if after is not None:
                    after()
            except BaseException as exc:  # noqa: BLE001 - re-raised in the handing thread
                self.error = exc
                if isinstance(task, _Call) and not task.future.done():
                    task.future.set_exception(exc)
