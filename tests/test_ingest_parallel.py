"""JSON Lines parsed on the workers (ingest/parallel.py) stores exactly what the
one-process reader stores, whatever the chunking; results come back in order.

Real process pools and real DuckDB files; the inputs are written here and hold
the cases where order matters: exact duplicates across chunks, an ID conflict
on a document's first occurrence, broken and over-long lines, and a CSV file
between two JSON Lines files.
"""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

import pytest

from propscope import pipeline
from propscope.corpus import open_corpus
from propscope.engine.base import LocalEngine, OrderedPipe, ProcessEngine
from propscope.settings import Settings

TABLES = ["documents", "document_sources", "quarantine", "external_ids", "ingested_files",
          "doc_references", "repetitions", "stage_done"]


def _slow_square(x: int) -> int:
    import time

    time.sleep(0.001 * (x % 3))
    return x * x


@pytest.mark.parametrize("engine_name", ["local", "processes"])
def test_ordered_pipe_returns_results_and_markers_in_submission_order(engine_name: str) -> None:
    engine = LocalEngine() if engine_name == "local" else ProcessEngine(workers=2)
    try:
        pipe = OrderedPipe(engine, _slow_square)
        got: list[tuple[object, object]] = []
        for i in range(30):
            got += pipe.submit(i)
            assert len(pipe) <= engine.capacity + i // 5  # work in flight stays bounded
            if i % 5 == 4:
                got += pipe.mark(("done", i))
        got += pipe.drain()
        want: list[tuple[object, object]] = []
        for i in range(30):
            want.append((i, i * i))
            if i % 5 == 4:
                want.append((("done", i), None))
        assert got == want
        assert len(pipe) == 0
    finally:
        engine.close()


def _line(text: str, **fields: object) -> str:
    return json.dumps({"text": text, **fields}, ensure_ascii=False)


def _inputs(folder: Path) -> list[Path]:
    """Four inputs, read in name order: JSON Lines, CSV, gzipped JSON Lines, a cut gzip file."""
    filler = "Voters across the valley said the new bridge #BridgeNow would cut commutes."
    lines = []
    for i in range(40):
        lines.append(_line(f"Story {i}: {filler} See https://example.org/a/{i} and @desk{i % 4}.",
                           id=f"n{i}", source=f"site-{i % 3}.example",
                           published=f"2024-03-{1 + i % 28:02d}T08:00:00Z"))
    lines[7] = '{"text": "broken line'  # malformed JSON
    lines[11] = ""  # blank line: skipped silently
    lines[13] = _line("x" * 20_000, id="huge")  # above max_record_bytes
    lines[21] = lines[3]  # exact duplicate in a later chunk: one document, two sources
    # Same ID and source as story 5, another text: the later record is an ID conflict. Its
    # text also appears further on under a fresh ID, so that document's stored row
    # is not its first occurrence in the chunk.
    conflict = "A different account of the council vote, told from the opposition bench."
    lines[25] = _line(conflict, id="n5", source="site-2.example")
    lines[26] = _line(conflict, id="fresh", source="site-0.example")  # same 4-line chunk
    lines[33] = b"\xff\xfe broken utf8".decode("latin-1")  # not JSON at all
    lines[35] = '{"text": ' + "[" * 3000 + "]" * 3000 + "}"  # nested too deeply to parse
    first = folder / "a.jsonl"
    first.write_text("\n".join(lines) + "\n", encoding="utf-8")
    csv = folder / "b.csv"
    csv.write_text("id,text,source\nc1,\"Story 3 repeated in a CSV export, not a duplicate.\",csvsite\n"
                   f"c2,\"{json.loads(lines[3])['text']}\",csvsite\n", encoding="utf-8")
    third = folder / "c.jsonl.gz"
    with gzip.open(third, "wt", encoding="utf-8") as fh:
        for i in range(12):
            fh.write(_line(f"Archive {i}: {filler} #BridgeNow #BridgeNow", id=f"z{i}") + "\n")
        fh.write(lines[26] + "\n")  # duplicate of a JSON Lines document from another file
    # A gzip file cut short: what was read is kept, and the reason names the last record.
    whole = gzip.compress("".join(_line(f"Cut {i}: {filler} {'word ' * (i * 37 % 90)}") + "\n\n"
                                  for i in range(60)).encode())
    fourth = folder / "d.jsonl.gz"
    fourth.write_bytes(whole[: len(whole) * 2 // 3])
    return [first, csv, third, fourth]


def _rows(corpus_path: Path) -> dict[str, list[tuple]]:
    out = {}
    with open_corpus(corpus_path, read_only=True) as corpus:
        for table in TABLES:
            cols = [c[0] for c in corpus.con.execute(f'DESCRIBE "{table}"').fetchall()
                    if c[0] not in ("run_id", "mtime")]
            select = ", ".join(f'"{c}"' for c in cols)
            out[table] = corpus.con.execute(f'SELECT {select} FROM "{table}" ORDER BY ALL').fetchall()
    return out


def test_worker_parsing_stores_what_the_one_process_reader_stores(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import propscope.stages.ingest as ingest_stage

    monkeypatch.setattr(ingest_stage, "CHUNK_LINES", 4)  # many chunks, several in flight
    inputs = _inputs(tmp_path)
    base = Settings(analyzers=("references", "repetitions"), max_record_bytes=10_000)
    pipeline.run(inputs, tmp_path / "local.duckdb", None, base)
    pipeline.run(inputs, tmp_path / "proc.duckdb", None, base.replace(engine="processes", workers=2))
    local, proc = _rows(tmp_path / "local.duckdb"), _rows(tmp_path / "proc.duckdb")
    for table in TABLES:
        assert proc[table] == local[table], table
    reasons = " | ".join(r[2] for r in local["quarantine"])
    assert "malformed JSON" in reasons and "max_record_bytes" in reasons
    assert "duplicate id 'n5'" in reasons
    assert "nested too deeply" in reasons  # only that record lost; the file read on
    assert any("Story 39" in r[6] for r in local["documents"])
    assert len(local["ingested_files"]) == 4
    assert "were kept" in reasons  # the cut gzip file, same reason on both engines (above)
    # The analysis ran beside ingest, by the workers that parsed the chunks; only the
    # document whose stored row is not the occurrence its worker analysed (the ID
    # conflict above) was left to the analyze stage.
    with open_corpus(tmp_path / "proc.duckdb", read_only=True) as corpus:
        summary = json.loads(corpus.con.execute(
            "SELECT summary FROM runs ORDER BY started DESC LIMIT 1").fetchone()[0])
    analyzed = summary["analyze"]["references"]
    assert analyzed["documents"] == len(local["documents"])
    assert analyzed["beside_ingest"] == len(local["documents"]) - 1


def _malloc_setting() -> str | None:
    return os.environ.get("MALLOC_TRIM_THRESHOLD_")


def test_our_dask_workers_keep_glibc_malloc_thresholds() -> None:
    from propscope.engine.dask_engine import DaskEngine

    engine = DaskEngine(workers=1)
    try:
        assert set(engine.client.run(_malloc_setting).values()) == {None}
    finally:
        engine.close()


def test_the_writer_stops_when_the_end_marker_comes_while_gathering_chunks(tmp_path: Path) -> None:
    """The writer thread gathers waiting chunks with ``take_waiting``; when that takes
    the end marker, the thread must still end (it used to wait forever)."""
    from propscope.ingest.jsonl import LineChunk
    from propscope.ingest.parallel import ChunkJob, parse_job
    from propscope.ingest.records import ReadOptions
    from propscope.stages.ingest_write import IngestSummary, IngestWrites
    from propscope.stages.writer import CorpusWriter

    lines = [(i + 1, _line(f"Gathered story {i} about the harbour ferry.", id=f"g{i}").encode())
             for i in range(3)]
    chunk = parse_job(ChunkJob(LineChunk("g.jsonl", lines), ReadOptions(), "run-1", None))
    with open_corpus(tmp_path / "w.duckdb") as corpus:
        summary = IngestSummary()
        writer = CorpusWriter(corpus)
        with writer.lock:  # the chunk and the end marker both wait when the thread looks
            IngestWrites(writer, "run-1", summary).add_parsed(chunk)
            writer._queue.put((None, False))
        writer._thread.join(timeout=10)
        assert not writer._thread.is_alive()
        assert writer.error is None
        assert corpus.count("documents") == 3 and summary.documents == 3
