"""The relaxed collector setting always comes back, however bodies nest or overlap."""

from __future__ import annotations

import gc
import threading

from propscope.gctuning import relaxed_gc


def test_threshold_raised_inside_and_restored_after() -> None:
    before = gc.get_threshold()
    with relaxed_gc(young=50_000):
        assert gc.get_threshold()[0] == max(50_000, before[0])
        with relaxed_gc(young=60_000):
            assert gc.get_threshold()[0] >= 50_000
        assert gc.get_threshold()[0] >= 50_000  # inner exit keeps the outer body relaxed
    assert gc.get_threshold() == before


def test_overlapping_threads_restore_the_original_setting() -> None:
    before = gc.get_threshold()
    entered, release = threading.Event(), threading.Event()

    def worker() -> None:
        with relaxed_gc():
            entered.set()
            release.wait(5)

    cm = relaxed_gc()
    cm.__enter__()
    thread = threading.Thread(target=worker)
    thread.start()
    assert entered.wait(5)
    cm.__exit__(None, None, None)  # the first to enter leaves first
    assert gc.get_threshold()[0] != before[0] or before[0] >= 100_000
    release.set()
    thread.join()
    assert gc.get_threshold() == before


def test_restored_when_the_body_raises() -> None:
    before = gc.get_threshold()
    try:
        with relaxed_gc():
            raise RuntimeError("boom")
    except RuntimeError:
        pass
    assert gc.get_threshold() == before
