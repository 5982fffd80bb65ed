"""Idempotent re-runs and resume after an interrupted ingest (a real ``kill -9``)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import propscope
from propscope.settings import Settings
from propscope.stages.ingest import ingest_paths


def make_inputs(folder: Path, files: int = 3, rows: int = 1200) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for f in range(files):
        lines = []
        for i in range(rows):
            lines.append(json.dumps({"id": f"{f}-{i}", "source": f"site{f}",
                                     "text": f"Report {f}/{i} on the river bridge repairs. #bridge",
                                     "date": f"2021-0{1 + i % 9}-1{i % 9}"}))
            if i % 300 == 7:
                lines.append("{broken json")
            if i % 400 == 3:  # exact duplicate of an earlier line
                lines.append(lines[0])
        (folder / f"part{f}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "notes.txt").write_text("A plain note about the bridge.", encoding="utf-8")


def snapshot(corpus: propscope.Corpus) -> dict[str, list[tuple]]:
    return {
        "documents": [tuple(r) for r in corpus.con.execute(
            "SELECT doc_id, text, source, published, external_id FROM documents ORDER BY doc_id"
        ).fetchall()],
        "sources": [tuple(r) for r in corpus.con.execute(
            "SELECT doc_id, file, record FROM document_sources ORDER BY ALL").fetchall()],
        "quarantine": [tuple(r) for r in corpus.con.execute(
            "SELECT file, record, reason FROM quarantine ORDER BY ALL").fetchall()],
    }


def test_second_run_inserts_nothing(tmp_path: Path) -> None:
    make_inputs(tmp_path / "in")
    corpus = propscope.open_corpus(tmp_path / "c.duckdb")
    first = ingest_paths(corpus, [tmp_path / "in"], Settings(), "r1")
    before = snapshot(corpus)
    second = ingest_paths(corpus, [tmp_path / "in"], Settings(), "r2")
    assert first.documents == 3 * 1200 + 1 and first.quarantined == 3 * 4
    assert (second.files, second.files_skipped, second.documents, second.quarantined) == (0, 4, 0, 0)
    assert snapshot(corpus) == before


def test_forgotten_file_marks_reread_without_duplicates(tmp_path: Path) -> None:
    make_inputs(tmp_path / "in")
    corpus = propscope.open_corpus(tmp_path / "c.duckdb")
    ingest_paths(corpus, [tmp_path / "in"], Settings(), "r1")
    before = snapshot(corpus)
    corpus.con.execute("DELETE FROM ingested_files")  # as if the run died before marking
    again = ingest_paths(corpus, [tmp_path / "in"], Settings(), "r2")
    assert again.files == 4 and again.documents == 0
    assert snapshot(corpus) == before


def test_changed_file_is_read_again_and_only_new_records_added(tmp_path: Path) -> None:
    make_inputs(tmp_path / "in", files=1, rows=50)
    corpus = propscope.open_corpus(tmp_path / "c.duckdb")
    ingest_paths(corpus, [tmp_path / "in"], Settings(), "r1")
    part = tmp_path / "in" / "part0.jsonl"
    with open(part, "a", encoding="utf-8") as fh:
        fh.write(json.dumps({"text": "An appended late report on the bridge."}) + "\n")
    again = ingest_paths(corpus, [tmp_path / "in"], Settings(), "r2")
    assert (again.files, again.files_skipped, again.documents) == (1, 1, 1)


KILLER = textwrap.dedent("""
    import os, signal, sys
    import propscope
    from propscope.stages.ingest import ingest_paths
    from propscope.settings import Settings
    calls = 0
    def progress(n):
        # Kill at the Nth progress call or the first one after it at which the
        # background writer has committed at least one whole file (a separate
        # cursor reads committed state without touching the writer's connection).
        global calls
        calls += 1
        if calls >= int(sys.argv[3]):
            committed = reader.execute("SELECT count(*) FROM ingested_files").fetchone()[0]
            if committed >= 1:
                os.kill(os.getpid(), signal.SIGKILL)
    corpus = propscope.open_corpus(sys.argv[1])
    reader = corpus.con.cursor()
    ingest_paths(corpus, [sys.argv[2]], Settings(ingest_batch_docs=500), "killed",
                 progress=progress)
""")


def test_kill_9_mid_ingest_then_resume_equals_uninterrupted(tmp_path: Path) -> None:
    make_inputs(tmp_path / "in")
    reference = propscope.open_corpus(tmp_path / "ref.duckdb")
    ingest_paths(reference, [tmp_path / "in"], Settings(), "ref")
    expected = snapshot(reference)
    reference.close()

    target = tmp_path / "killed.duckdb"
    for kill_at in (2, 5):  # killed twice, at different points, in the middle of files
        proc = subprocess.run([sys.executable, "-c", KILLER, str(target), str(tmp_path / "in"),
                               str(kill_at)], capture_output=True, text=True, timeout=120,
                              env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
        assert proc.returncode == -9, proc.stderr
    corpus = propscope.open_corpus(target)
    partial = corpus.count("documents")
    assert 0 < partial < len(expected["documents"])
    summary = ingest_paths(corpus, [tmp_path / "in"], Settings(), "resumed")
    assert summary.files_skipped >= 1  # files finished before the kill are not read again
    assert snapshot(corpus) == expected
