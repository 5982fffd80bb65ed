"""The Dask engine: the same batches as the other engines, run on a Dask cluster.

Why it looks like this:

* **Same contract as the process pool.** ``map_ordered`` submits one task per
  batch, keeps only a bounded number in flight (memory stays flat whatever the
  corpus size) and yields results in submission order. Results come back to the
  caller, which stays the corpus's single writer, so the rows written — and the
  exports — are identical to ``local`` and ``processes``.
* **Laptop or cluster, one code path.** With a scheduler address it connects to
  an existing cluster (``dask scheduler`` + ``dask worker`` on other machines);
  without one it starts a :class:`distributed.LocalCluster` of single-threaded
  worker *processes* (Python analyzers hold the GIL, so threads would not help)
  and shuts it down again on :meth:`close`.
* **Tasks are impure on purpose** (``pure=False``): hashing a batch of documents
  to build a deterministic key costs as much as sending it, and every batch is
  different anyway.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

from ..errors import EngineError
from .base import map_bounded

T = TypeVar("T")
R = TypeVar("R")

# Tasks in flight per worker thread: two keeps every worker busy while the
# caller writes the previous result, without queueing the whole corpus.
IN_FLIGHT_PER_THREAD = 2
CONNECT_TIMEOUT_S = 20

LOCAL_CLUSTER_CONFIG: dict[str, Any] = {
    # The workers' statistical profiler samples every thread each 10 ms: on 2 cores
    # it cost about a fifth of the CPU time of the analysis batches.
    "distributed.worker.profile.enabled": False,
    # Nannies start workers with MALLOC_TRIM_THRESHOLD_=65536. Setting any malloc
    # threshold turns off glibc's adaptive mmap threshold, so every buffer above
    # 128 KiB (each batch of texts received, each Arrow result sent) is mmap'ed and
    # unmapped again, faulting in fresh pages each time. On 2 cores that was 4 s
    # of kernel time per worker for 100k documents, against 0.4 s without it
    # (None unsets the variable; docs/scaling.md).
    "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None,
}


class DaskEngine:
    """Run batches on a Dask cluster (an existing one, or a LocalCluster started here)."""

    name = "dask"

    def __init__(self, scheduler: str | None = None, workers: int | None = None, *,
                 dashboard_address: str = "127.0.0.1:0", quiet_logs: bool = True,
                 connect_timeout_s: float = CONNECT_TIMEOUT_S) -> None:
        try:
            import dask
            from distributed import Client, LocalCluster
        except ImportError as exc:  # pragma: no cover - distributed is a dependency
            raise EngineError("the dask engine needs the 'distributed' package",
                              hint="pip install 'dask[distributed]'") from exc
        self.cluster: Any = None
        log_level = logging.WARNING if quiet_logs else logging.INFO
        try:
            if scheduler:
                self.client = Client(scheduler, timeout=connect_timeout_s)
            else:
                # A cluster of the user's keeps its own settings; ours changes two defaults
                # that cost this workload dearly (see LOCAL_CLUSTER_CONFIG).
                with dask.config.set(LOCAL_CLUSTER_CONFIG):
                    self.cluster = LocalCluster(
                        n_workers=workers or os.cpu_count() or 2, threads_per_worker=1,
                        processes=True, host="127.0.0.1", dashboard_address=dashboard_address,
                        silence_logs=log_level)
                self.client = Client(self.cluster)
        except OSError as exc:  # unreachable scheduler, refused connection, timeout
            raise EngineError(f"cannot connect to the Dask scheduler {scheduler!r}: {exc}",
                              hint="start one with `dask scheduler` and workers with "
                                   "`dask worker ADDRESS`, or leave out --scheduler") from exc
        if scheduler and workers:
            # Wait for the workers the user expects, so the first batches spread out.
            self.client.wait_for_workers(workers, timeout=connect_timeout_s)

    # -- the engine interface ---------------------------------------------
    @property
    def threads(self) -> int:
        """Worker threads in the cluster right now (what the in-flight bound scales with)."""
        info = self.client.scheduler_info()
        return max(1, sum(w.get("nthreads", 1) for w in info.get("workers", {}).values()))

    def map_ordered(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[tuple[T, R]]:
        yield from map_bounded(self, fn, items)

    def submit(self, fn: Callable[[T], R], item: T) -> Any:
        return self.client.submit(fn, item, pure=False)

    def cancel(self, futures: list[Any]) -> None:
        self.client.cancel(futures)

    @property
    def capacity(self) -> int:
        return self.threads * IN_FLIGHT_PER_THREAD

    @property
    def dashboard_link(self) -> str | None:
        try:
            return self.client.dashboard_link
        except Exception:  # noqa: BLE001 - no dashboard (bokeh missing): not an error
            return None

    def describe(self) -> dict[str, Any]:
        return {"engine": self.name, "workers": len(self.client.scheduler_info()["workers"]),
                "threads": self.threads, "scheduler": self.client.scheduler.address,
                "dashboard": self.dashboard_link,
                "cluster": "LocalCluster (started by propscope)" if self.cluster else "external"}

    def close(self) -> None:
        """Disconnect; shut down the cluster only if this engine started it."""
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()
            self.cluster = None
