"""Engines: the same work gives the same answer on local, processes and a real Dask cluster.

The Dask tests start one real ``LocalCluster`` of two worker processes for the
whole module (starting one costs ~2 s). Corpora are invented by
``bench/synthetic.py`` and written to ``tmp_path``; exports are compared by
content hash, as issue 7 asks.
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from propscope import pipeline
from propscope.corpus import open_corpus
from propscope.engine.base import LocalEngine, ProcessEngine, get_engine
from propscope.engine.dask_engine import DaskEngine
from propscope.errors import EngineError, InputError
from propscope.settings import Settings
from propscope.stages.analyze_jobs import run_analyzer_batch
from synthetic import Spec, write_corpus

# The fast analyzers; the technique model has its own tests and is too slow here. Both
# are part of every build: a broken one fails these tests instead of being left out.
FAST = ("references", "repetitions")


@pytest.fixture(scope="module")
def dask_engine() -> Iterator[DaskEngine]:
    engine = DaskEngine(workers=2)
    yield engine
    engine.close()


def _square(x: int) -> int:
    return x * x


# -- map_ordered -----------------------------------------------------------------
def test_every_engine_yields_results_in_input_order(dask_engine: DaskEngine) -> None:
    items = list(range(-40, 40))
    expected = [(i, i * i) for i in items]
    proc = ProcessEngine(workers=2)
    try:
        assert list(LocalEngine().map_ordered(_square, items)) == expected
        assert list(proc.map_ordered(_square, items)) == expected
    finally:
        proc.close()
    assert list(dask_engine.map_ordered(_square, items)) == expected


def test_dask_keeps_a_bounded_number_of_batches_in_flight(dask_engine: DaskEngine) -> None:
    pulled = 0

    def items() -> Iterator[int]:
        nonlocal pulled
        for i in range(1000):
            pulled += 1
            yield i

    results = dask_engine.map_ordered(abs, items())
    first = next(results)
    assert first == (0, 0)
    # Two workers x two tasks each: the rest of the input has not been read yet.
    assert pulled <= dask_engine.threads * 2
    results.close()


def test_a_worker_error_reaches_the_caller_with_its_type(dask_engine: DaskEngine) -> None:
    # An unknown analyzer fails inside the worker with InputError, raised again here.
    with pytest.raises(InputError, match="unknown analyzer"):
        list(dask_engine.map_ordered(run_analyzer_batch, [("no-such-analyzer", [])]))


def test_dask_describe_names_workers_and_dashboard(dask_engine: DaskEngine) -> None:
    info = dask_engine.describe()
    assert info["engine"] == "dask" and info["workers"] == 2
    assert info["dashboard"].startswith("http://127.0.0.1:")
    assert info["cluster"].startswith("LocalCluster")


def _profiler_enabled() -> bool:
    import dask

    return bool(dask.config.get("distributed.worker.profile.enabled"))


def test_our_local_cluster_runs_without_the_worker_profiler(dask_engine: DaskEngine) -> None:
    """The profiler is switched off only in the workers of the cluster propscope
    starts; this process (and any cluster of the user's) keeps its setting."""
    assert set(dask_engine.client.run(_profiler_enabled).values()) == {False}
    assert _profiler_enabled() is True


def test_an_unreachable_scheduler_is_a_clear_engine_error() -> None:
    with pytest.raises(EngineError, match="cannot connect to the Dask scheduler"):
        DaskEngine(scheduler="tcp://127.0.0.1:9", connect_timeout_s=1)


def test_get_engine_builds_each_engine_by_name() -> None:
    assert isinstance(get_engine(Settings()), LocalEngine)
    proc = get_engine(Settings(engine="processes", workers=2))
    try:
        assert isinstance(proc, ProcessEngine) and proc.describe()["workers"] == 2
    finally:
        proc.close()
    with pytest.raises(EngineError, match="unknown engine"):
        get_engine(Settings(engine="spark"))


def test_an_external_scheduler_is_used_and_left_running(dask_engine: DaskEngine) -> None:
    address = dask_engine.client.scheduler.address
    external = DaskEngine(scheduler=address)
    try:
        assert external.describe()["cluster"] == "external"
        assert [r for _, r in external.map_ordered(_square, [3, 4])] == [9, 16]
    finally:
        external.close()
    # Closing a client of someone else's cluster must not shut that cluster down.
    assert [r for _, r in dask_engine.map_ordered(_square, [5])] == [25]


# -- the main job on every engine ------------------------------------------------------
def _needs_stages() -> None:
    assert FAST, "no fast per-document analyzer is registered"


def export_hashes(corpus_path: Path, out: Path) -> dict[str, str]:
    """SHA-256 of every exported file (exports are sorted and carry no run_id)."""
    from propscope.present.export import export_corpus

    with open_corpus(corpus_path, read_only=True) as corpus:
        export_corpus(corpus, out, "parquet")
    # hidden files are bookkeeping (the outputs list holds write times), not exports
    return {p.name: _table_digest(p) for p in sorted(out.iterdir())
            if p.is_file() and not p.name.startswith(".")}


def differing(got: dict[str, str], want: dict[str, str]) -> list[str]:
    """Names of the export files whose content differs (or that only one side has)."""
    return sorted(n for n in set(got) | set(want) if got.get(n) != want.get(n))


def _table_digest(path: Path) -> str:
    """Hash of a file's content; Parquet files are hashed by their rows, not their bytes
    (the writer's metadata, e.g. its version string, is not part of the answer)."""
    if path.suffix != ".parquet":
        return hashlib.sha256(path.read_bytes()).hexdigest()
    import pyarrow.parquet as pq

    digest = hashlib.sha256()
    table = pq.read_table(path)
    digest.update(str(table.schema).encode())
    for batch in table.to_batches(10_000):
        for row in batch.to_pylist():
            digest.update(repr(sorted(row.items())).encode())
    return digest.hexdigest()


@pytest.fixture(scope="module")
def small_corpus(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    spec = Spec(documents=600, shard_size=250, seed=11, broken_rate=0.01)
    return write_corpus(spec, tmp_path_factory.mktemp("synthetic"))


def test_exports_are_identical_on_local_processes_and_dask(
        small_corpus: list[Path], tmp_path: Path, dask_engine: DaskEngine) -> None:
    _needs_stages()
    base = Settings(analyzers=FAST, batch_size=64)
    hashes = {}
    for name in ("local", "processes", "dask"):
        settings = base.replace(engine=name, workers=2,
                                scheduler=dask_engine.client.scheduler.address
                                if name == "dask" else None)
        corpus = tmp_path / f"{name}.duckdb"
        pipeline.run(small_corpus, corpus, None, settings)
        hashes[name] = export_hashes(corpus, tmp_path / f"out-{name}")
    assert {"documents.parquet", "doc_references.parquet", "quarantine.parquet"} <= set(hashes["local"])
    assert differing(hashes["processes"], hashes["local"]) == []
    assert differing(hashes["dask"], hashes["local"]) == []


def test_adding_documents_later_gives_the_same_exports_as_one_run(
        small_corpus: list[Path], tmp_path: Path, dask_engine: DaskEngine) -> None:
    """Incremental runs on Dask (half the files, then the rest) equal one local run."""
    _needs_stages()
    base = Settings(analyzers=FAST, batch_size=64)
    once = tmp_path / "once.duckdb"
    pipeline.run(small_corpus, once, None, base)
    twice = tmp_path / "twice.duckdb"
    on_dask = base.replace(engine="dask", scheduler=dask_engine.client.scheduler.address)
    pipeline.run(small_corpus[:1], twice, None, on_dask)
    pipeline.run(small_corpus, twice, None, on_dask)
    assert differing(export_hashes(twice, tmp_path / "b"),
                     export_hashes(once, tmp_path / "a")) == []


def test_limit_and_force_stage(small_corpus: list[Path], tmp_path: Path) -> None:
    _needs_stages()
    corpus = tmp_path / "c.duckdb"
    settings = Settings(analyzers=("references",), batch_size=50)
    pipeline.ingest(small_corpus, corpus, settings)
    first = pipeline.analyze(corpus, settings.replace(limit=120))
    assert first["references"]["documents"] == 120
    rest = pipeline.analyze(corpus, settings)
    with open_corpus(corpus, read_only=True) as c:
        total = c.count("documents")
        before = c.count("doc_references")
    assert rest["references"]["documents"] == total - 120
    again = pipeline.analyze(corpus, settings)
    assert again["references"]["status"] == "up to date"
    forced = pipeline.analyze(corpus, settings.replace(force_stages=("references",)))
    assert forced["references"]["documents"] == total
    with open_corpus(corpus, read_only=True) as c:
        assert c.count("doc_references") == before


def test_copying_a_corpus_file_keeps_it_usable(small_corpus: list[Path], tmp_path: Path) -> None:
    """A corpus is one file: copied elsewhere it opens and exports the same."""
    _needs_stages()
    corpus = tmp_path / "c.duckdb"
    pipeline.run(small_corpus[:1], corpus, None, Settings(analyzers=FAST))
    copy = tmp_path / "copy.duckdb"
    shutil.copy(corpus, copy)
    assert differing(export_hashes(copy, tmp_path / "b"),
                     export_hashes(corpus, tmp_path / "a")) == []


# -- progress ------------------------------------------------------------------------
def test_progress_without_a_terminal_prints_lines_with_rate_and_eta() -> None:
    import io

    from rich.console import Console

    from propscope.progress import Reporter

    buf = io.StringIO()
    reporter = Reporter(line_interval_s=0.0)
    reporter.console = Console(file=buf, force_terminal=False, width=200)
    with reporter.stage("analyze: references", total=10) as bar:
        bar.advance(4)
        bar.advance(6)
    lines = buf.getvalue().splitlines()
    assert lines[0].endswith("analyze: references: started 0/10 docs 0.0 docs/s 0.0s")
    assert "running 4/10 docs" in lines[1] and "docs/s" in lines[1] and "eta" in lines[1]
    assert "analyze: references: done 10/10 docs" in lines[-1]
