"""The example corpus's exports are byte-identical to the recorded manifest.

``bench/data/exports_manifest.json`` was recorded (``bench/exports_identity.py
--write``) before the pipeline was split into stages; every export of every
format, the GEXF network and the partitioned Parquet must still hash the same,
whether the corpus was built in one process or with analysis beside ingest on a
process pool. After a change that is meant to alter results, record it again.
The technique models' tables are byte-checked on CPUs whose int8 kernel class is
recorded, and by row counts elsewhere (the bench's docstring says why).
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
    assert len(bench.split_model(got)[0]["files"]) == len(expected["files"]) > 100
    assert got["rows"]["parquet"]["documents"] > 200
    assert got["rows"]["partitioned-catalog"] == got["rows"]["partitioned"]
    diffs, how = bench.check(expected, got, bench.kernel_probe())
    assert diffs == [], how


def test_compare_names_a_changed_file() -> None:
    bench = _bench()
    a = {"files": {"parquet/documents.parquet": "aa"}, "rows": {"parquet": {"documents": 1}}}
    b = {"files": {"parquet/documents.parquet": "bb"}, "rows": {"parquet": {"documents": 1}}}
    assert bench.compare(a, b) == [
        "files: parquet/documents.parquet: expected 'aa', got 'bb'"]


def test_model_tables_are_checked_by_kernel_class() -> None:
    bench = _bench()
    rest = {"files": {"csv/documents.csv": "d"}, "rows": {"csv": {"documents": 5}}}
    built = {"files": {**rest["files"], "csv/spans.csv": "s1", "partitioned/spans/part=0/x": "p"},
             "rows": {"csv": {"documents": 5, "spans": 100}}}
    model = {"files": {"csv/spans.csv": "s1", "partitioned/spans/part=0/x": "p"},
             "rows": {"csv": {"spans": 100}}}
    recorded = {**rest, "model": {"kernels": {"k1": model}}}
    assert bench.check(recorded, built, "k1")[0] == []
    changed = {**built, "files": {**built["files"], "csv/spans.csv": "s2"}}
    assert bench.check(recorded, changed, "k1")[0] == [
        "files: csv/spans.csv: expected 's1', got 's2'"]
    diffs, how = bench.check(recorded, changed, "k2")  # another CPU: row counts only
    assert diffs == [] and "not recorded" in how
    fewer = {**changed, "rows": {"csv": {"documents": 5, "spans": 80}}}
    assert bench.check(recorded, fewer, "k2")[0] != []
    other = {**built, "files": {**built["files"], "csv/documents.csv": "x"}}
    assert bench.check(recorded, other, "k2")[0] == [
        "files: csv/documents.csv: expected 'd', got 'x'"]
