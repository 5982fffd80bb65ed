"""The example corpus's exports are byte-identical to the recorded manifest.

``bench/data/exports_manifest.json`` was recorded (``bench/exports_identity.py
--write``) before the pipeline was split into stages; every export of every
format, the GEXF network and the partitioned Parquet must still hash the same,
whether the corpus was built in one process or with analysis beside ingest on a
process pool. After a change that is meant to alter results, record it again.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType

import pytest

pytestmark = pytest.mark.slow  # two full runs of the example corpus: started first under xdist

BENCH = Path(__file__).resolve().parents[1] / "bench" / "exports_identity.py"


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("exports_identity", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("engine", ["local", "processes"])
def test_exports_match_the_recorded_manifest(tmp_path: Path, engine: str) -> None:
    bench = _bench()
    expected = json.loads(bench.MANIFEST.read_text())
    got = bench.build_manifest(tmp_path, engine)
    assert len(got["files"]) == len(expected["files"]) > 100
    assert got["rows"]["parquet"]["documents"] > 200
    assert got["rows"]["partitioned-catalog"] == got["rows"]["partitioned"]
    assert bench.compare(expected, got) == []


def test_compare_names_a_changed_file() -> None:
    bench = _bench()
    a = {"files": {"parquet/documents.parquet": "aa"}, "rows": {"parquet": {"documents": 1}}}
    b = {"files": {"parquet/documents.parquet": "bb"}, "rows": {"parquet": {"documents": 1}}}
    assert bench.compare(a, b) == [
        "files: parquet/documents.parquet: expected 'aa', got 'bb'"]
