"""Crash safety: a real ``propscope run`` subprocess killed with SIGKILL, then run again.

What is checked, for a kill during ingest, during analyze and during linking:

* the kill really landed inside that stage (the corpus shows the stage partly
  done, not finished);
* what the corpus held before the run is intact right after the kill;
* running the same command again finishes with exports identical (content
  hashes of the sorted exports) to an uninterrupted run, with no duplicate and
  no missing rows.

No test hook is compiled into propscope: the test reads the plain progress lines
the CLI prints when stderr is not a terminal (``... <stage>: started``) and, to
be sure work has been committed, watches the corpus's write-ahead log grow.
"""

from __future__ import annotations

import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import psutil
import pytest

from propscope import pipeline
from propscope.corpus import open_corpus
from propscope.settings import load_settings
from synthetic import Spec, write_corpus
from test_engines import FAST, differing, export_hashes

pytestmark = pytest.mark.slow

CLI = [sys.executable, "-c", "import sys; from propscope.cli import main; sys.exit(main())"]
STAGE_TIMEOUT_S = 90


def _needs_stages() -> None:
    assert FAST, "no fast per-document analyzer is registered"


class Workspace:
    """Inputs, a settings file, and a reference corpus built without interruption."""

    def __init__(self, root: Path) -> None:
        self.root = root
        # Documents already in the corpus before the run that gets killed.
        self.before = write_corpus(Spec(documents=400, shard_size=200, seed=3), root / "before")
        # Enough new input that every stage takes a few seconds on a busy 2-core machine,
        # and that ingest commits more than one batch (it writes 5,000 documents at a time).
        self.new = write_corpus(Spec(documents=11_000, shard_size=1000, seed=5, min_words=15,
                                     max_words=40), root / "new")
        self.config = root / "settings.toml"
        self.config.write_text(
            f"analyzers = {list(FAST)!r}\nbatch_size = 100\n"
            # Small ingest commits: ingest of these 11k documents takes well under a
            # second, and the kill must land between two of its commits.
            "ingest_batch_docs = 250\n".replace("'", '"'))
        self.settings = load_settings(self.config)
        self.base = root / "base.duckdb"
        pipeline.run(self.before, self.base, None, self.settings)
        self.base_exports = export_hashes(self.base, root / "base-out")
        reference = root / "reference.duckdb"
        shutil.copy(self.base, reference)
        pipeline.run(self.before + self.new, reference, None, self.settings)
        self.reference = export_hashes(reference, root / "reference-out")
        with open_corpus(reference, read_only=True) as c:
            self.total_docs = c.count("documents")

    def fresh_corpus(self, name: str) -> Path:
        path = self.root / f"{name}.duckdb"
        shutil.copy(self.base, path)
        return path

    def command(self, corpus: Path, engine: str) -> list[str]:
        return CLI + ["run", *map(str, self.before + self.new), "--corpus", str(corpus),
                      "--config", str(self.config), "--engine", engine, "--workers", "2"]


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    _needs_stages()
    return Workspace(tmp_path_factory.mktemp("crash"))


def _wal_size(corpus: Path) -> int:
    wal = Path(str(corpus) + ".wal")
    return wal.stat().st_size if wal.exists() else 0


def run_and_kill(cmd: list[str], marker: tuple[str, ...], ready: Callable[[], bool]) -> str:
    """Start ``cmd``; once a stderr line holds every part of ``marker`` and ``ready()``
    holds, SIGKILL it.

    Returns the stderr seen. Worker processes it started (a process pool, a Dask
    LocalCluster) are orphaned by a SIGKILL exactly as in real life; they must notice
    and exit by themselves (any that do not are ended, by id, and the test fails).
    """
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    lines: queue.Queue[str] = queue.Queue()
    seen: list[str] = []
    threading.Thread(target=lambda: [lines.put(x) for x in proc.stderr], daemon=True).start()
    deadline = time.monotonic() + STAGE_TIMEOUT_S
    found = False
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            line = lines.get(timeout=0.05)
            seen.append(line)
            found = found or all(part in line for part in marker)
        except queue.Empty:
            pass
        if found and ready():
            break
    if proc.poll() is not None:
        pytest.fail(f"the run ended (rc {proc.returncode}) before the kill point {marker!r}:\n"
                    + "".join(seen))
    children = psutil.Process(proc.pid).children(recursive=True)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL
    _, alive = psutil.wait_procs(children, timeout=30)
    for child in alive:  # processes this test started, ended by id
        child.kill()
    assert not alive, f"{len(alive)} worker process(es) outlived the killed run"
    return "".join(seen)


def _rows(corpus: Path, sql: str) -> int:
    with open_corpus(corpus, read_only=True) as c:
        return int(c.con.execute(sql).fetchone()[0])


def assert_before_intact(ws: Workspace, corpus: Path, tmp: Path) -> None:
    """Every table of the earlier corpus is still there, row for row."""
    now = export_hashes(corpus, tmp / "after-kill")
    with open_corpus(ws.base, read_only=True) as base, \
            open_corpus(corpus, read_only=True) as after:
        for table in base.tables():
            if table in ("runs", "meta"):
                continue
            cols = ", ".join(f'"{c}"' for c in _columns(base, table))
            old = base.con.execute(f'SELECT {cols} FROM "{table}" ORDER BY ALL').fetchall()
            after.con.execute(f"ATTACH '{ws.base}' AS base (READ_ONLY)")
            missing = after.con.execute(
                f'SELECT count(*) FROM (SELECT {cols} FROM base."{table}" '
                f'EXCEPT ALL SELECT {cols} FROM "{table}")').fetchone()[0]
            after.con.execute("DETACH base")
            assert missing == 0, f"{missing} of {len(old)} earlier rows of {table} lost"
    assert set(ws.base_exports) <= set(now)


def _columns(corpus, table: str) -> list[str]:  # noqa: ANN001 - a Corpus
    return [r[0] for r in corpus.con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = ? "
        "AND column_name <> 'run_id' ORDER BY ordinal_position", [table]).fetchall()]


def assert_resumes_to_reference(ws: Workspace, corpus: Path, engine: str, tmp: Path) -> None:
    done = subprocess.run(ws.command(corpus, engine) + ["--json"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    assert _rows(corpus, "SELECT count(*) - count(DISTINCT doc_id) FROM documents") == 0
    assert _rows(corpus, "SELECT count(*) FROM stage_done s ANTI JOIN documents d "
                         "USING (doc_id)") == 0
    assert differing(export_hashes(corpus, tmp / "resumed"), ws.reference) == []


@pytest.mark.parametrize("engine", ["local", "dask"])
def test_kill_during_ingest_then_resume(workspace: Workspace, tmp_path: Path,
                                        engine: str) -> None:
    """``dask`` also analyses each committed batch beside ingest, so the kill lands
    while analysis results are being written too."""
    corpus = workspace.fresh_corpus(f"ingest-{engine}")
    start_docs = _rows(corpus, "SELECT count(*) FROM documents")
    # The write-ahead log grows with every ingest commit (250 documents each, see the
    # settings); kill once a few commits are in, wherever the run is at that moment:
    # between commits, or while one is being written (a crash point too).
    def grown() -> bool:
        return _wal_size(corpus) > 300_000

    run_and_kill(workspace.command(corpus, engine), ("ingest: started",), grown)
    docs = _rows(corpus, "SELECT count(*) FROM documents")
    assert start_docs <= docs < workspace.total_docs, "the kill did not land inside ingest"
    assert_before_intact(workspace, corpus, tmp_path)
    assert_resumes_to_reference(workspace, corpus, engine, tmp_path)
    # The killed run is recorded as interrupted, the resumed one as finished.
    with open_corpus(corpus, read_only=True) as c:
        states = [r[0] for r in c.con.execute(
            "SELECT status FROM runs WHERE command = 'run' ORDER BY started").fetchall()]
    assert states[-2:] == ["interrupted", "ok"]


def test_kill_during_analyze_on_dask_then_resume_on_processes(
        workspace: Workspace, tmp_path: Path) -> None:
    """The analyze stage proper (``propscope analyze`` on documents already
    ingested: a ``run`` on ``dask`` analyses beside ingest instead)."""
    corpus = workspace.fresh_corpus("analyze")
    pipeline.ingest(workspace.before + workspace.new, corpus, workspace.settings)
    # The analyzers run as one stage ("analyze: references, repetitions") or one by one.
    marker = (f"analyze: {FAST[0]}", ": started")
    state: dict[str, int] = {}

    def committed() -> bool:  # a batch of results has been written since the stage began
        state.setdefault("wal", _wal_size(corpus))
        return _wal_size(corpus) > state["wal"]

    analyze = CLI + ["analyze", "--corpus", str(corpus), "--config", str(workspace.config),
                     "--engine", "dask", "--workers", "2"]
    run_and_kill(analyze, marker, committed)
    total = _rows(corpus, "SELECT count(*) FROM documents")
    done = _rows(corpus, f"SELECT count(*) FROM stage_done WHERE stage = '{FAST[0]}'")
    assert 400 <= done < total, "the kill did not land inside analyze"
    assert_before_intact(workspace, corpus, tmp_path)
    assert_resumes_to_reference(workspace, corpus, "processes", tmp_path)


def test_kill_during_linking_then_resume(workspace: Workspace, tmp_path: Path) -> None:
    corpus = workspace.fresh_corpus("link")
    run_and_kill(workspace.command(corpus, "processes"), ("link: reuse: started",), lambda: True)
    with open_corpus(corpus, read_only=True) as c:
        state = c.corpus_stage_state("reuse")
        total = c.count("documents")
    assert state is None or state[1] < total, "the kill did not land inside linking"
    assert_before_intact(workspace, corpus, tmp_path)
    assert_resumes_to_reference(workspace, corpus, "dask", tmp_path)
