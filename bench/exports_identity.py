"""Exports of the example corpus, byte for byte: a manifest to compare refactors against.

    .venv/bin/python bench/exports_identity.py [--engine local] [--write] [--check]

Why: a change to how the pipeline is put together (stages, writers, registries)
must not change what an analyst gets. This builds the example corpus that
``make demo`` uses (``examples/corpus``) into a temporary folder with
:func:`propscope.pipeline.run`, then runs every exporter over it:

* ``export`` in each format (Parquet, CSV with and without the formula guard,
  JSON Lines), which also writes ``network.gexf``;
* the partitioned Parquet export (its catalog file is a DuckDB database and
  holds absolute paths, so it is left out; its views are checked by row counts).

The manifest maps every written file to its SHA-256 and every exported table to
its row count. Nothing is normalised: exports leave out ``run_id`` and sort rows
on every column, so none of them holds a timestamp or a run ID; ``report.html``
(a view, not an export; it shows when it was made) is not in the manifest.

``--write`` records the manifest in ``bench/data/exports_manifest.json``;
``--check`` compares with it and exits 1 listing the differences.

**Model tables depend on the CPU.** The int8 technique encoders run on ONNX Runtime, whose
integer kernels are chosen by the CPU's instruction set: with AVX-512 VNNI the products are
summed exactly; with AVX2 alone the u8 x s8 kernel can saturate 16-bit sums (ONNX Runtime's
quantization docs say so), and a few logits change. The same corpus then gives a few
different spans and labels (measured: 64 vs 62 spans, 2,170 vs 2,187 labels on two EPYC
VMs), while everything else is byte-identical. So the files of ``MODEL_TABLES`` are
recorded per kernel class (``kernel_probe``: a hash of one model output on fixed input), and
checked byte for byte on a machine whose class is recorded. On another class their row
counts must stay within ``MODEL_ROW_TOLERANCE`` of a recorded class, and the check says
they were not compared byte for byte. ``--write-kernel`` adds this machine's class to the
manifest and changes nothing else.
``tests/test_exports_identity.py`` runs the check for the ``local`` and
``processes`` engines (the latter analyses beside ingest).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "corpus"
MANIFEST = ROOT / "bench" / "data" / "exports_manifest.json"
# Export folder name -> (format, formula_guard) of present.export.export_corpus.
EXPORTS = {"parquet": ("parquet", True), "csv": ("csv", True),
           "csv-keep-formulas": ("csv", False), "jsonl": ("jsonl", True)}


#: Tables whose content comes from the int8 technique models (see the docstring).
MODEL_TABLES = ("spans", "doc_labels")
MODEL_ROW_TOLERANCE = 0.10
MODEL_FILE = ROOT / "src" / "propscope" / "models" / "propscope-techniques-semeval2020" / \
    "model.int8.onnx"


def _amx() -> bool:
    """Whether the CPU has Intel AMX int8 tiles (``amx_int8`` in /proc/cpuinfo)."""
    try:
        return "amx_int8" in Path("/proc/cpuinfo").read_text(errors="replace")
    except OSError:
        return False


def kernel_probe() -> str:
    """A short hash of one int8 encoder output on fixed input ids: equal on CPUs whose ONNX
    Runtime integer kernels give equal sums (the thread count does not change it). On a CPU
    with AMX int8 tiles ``-amx`` is added: there the probe's one short sequence gives the
    hash of an AVX-512 VNNI machine, but the pipeline's batches take other kernels, and 14
    model-table files differ (an Intel Xeon with AMX against the EPYC VMs the manifest was
    recorded on, 2026-12-04)."""
    import numpy as np
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    session = ort.InferenceSession(str(MODEL_FILE), options, providers=["CPUExecutionProvider"])
    ids = np.random.default_rng(0).integers(1000, 20000, size=(1, 128)).astype(np.int64)
    out = session.run(None, {"input_ids": ids, "attention_mask": np.ones_like(ids)})
    digest = hashlib.sha256(b"".join(o.tobytes() for o in out)).hexdigest()[:16]
    return digest + "-amx" if _amx() else digest


def _table_of(path: str) -> str:
    """The table an exported file holds: ``csv/spans.csv``, ``partitioned/spans/part=0/...``."""
    parts = path.split("/")
    return parts[1].split(".")[0] if len(parts) > 1 else ""


def split_model(manifest: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """``(the rest, the model tables' files and rows)`` of a built manifest."""
    files = {k: v for k, v in manifest["files"].items() if _table_of(k) not in MODEL_TABLES}
    model_files = {k: v for k, v in manifest["files"].items() if _table_of(k) in MODEL_TABLES}
    rows = {e: {t: n for t, n in r.items() if t not in MODEL_TABLES}
            for e, r in manifest["rows"].items()}
    model_rows = {e: {t: n for t, n in r.items() if t in MODEL_TABLES}
                  for e, r in manifest["rows"].items()}
    return ({**manifest, "files": files, "rows": rows},
            {"files": model_files, "rows": model_rows})


#: The output folder's list of what was written (with times): bookkeeping, not an export.
MARKER = ".propscope-outputs.json"


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _files(folder: Path) -> dict[str, str]:
    """Relative path -> SHA-256 of every exported file under ``folder``."""
    return {p.relative_to(folder).as_posix(): _sha256(p)
            for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name not in ("report.html", MARKER)
            and not p.name.endswith(".duckdb")}


def _fixed_copy_of_example() -> Path:
    """The example corpus copied to one fixed absolute path.

    Why: ``document_sources`` records each input file's absolute path, so
    exports built from two checkouts (a worktree, a CI clone) would differ in
    that column alone. Reading the same files from one fixed place makes the
    manifest independent of where the repository lies.
    """
    target = Path(tempfile.gettempdir()) / "propscope-exports-identity" / "corpus"
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(EXAMPLE, target)
    return target


def build_manifest(work: Path, engine: str = "local", workers: int | None = 2) -> dict[str, Any]:
    """Build the example corpus under ``work`` with ``engine``; export it every way."""
    from propscope.corpus import open_corpus
    from propscope.pipeline import run
    from propscope.present.export import export_corpus
    from propscope.present.partitioned import export_partitioned
    from propscope.settings import Settings

    corpus_path = work / "corpus.duckdb"
    settings = Settings(engine=engine, workers=workers if engine != "local" else None)
    run([_fixed_copy_of_example()], corpus_path, work / "run", settings)
    files: dict[str, str] = {f"run/{k}": v for k, v in _files(work / "run").items()}
    rows: dict[str, dict[str, int]] = {}
    with open_corpus(corpus_path, read_only=True) as corpus:
        for name, (fmt, guard) in EXPORTS.items():
            summary = export_corpus(corpus, work / name, fmt, formula_guard=guard)
            rows[name] = dict(sorted(summary["tables"].items()))
            files.update({f"{name}/{k}": v for k, v in _files(work / name).items()})
        summary = export_partitioned(corpus, work / "partitioned")
        rows["partitioned"] = dict(sorted(summary["tables"].items()))
        files.update({f"partitioned/{k}": v for k, v in _files(work / "partitioned").items()})
    with open_corpus(work / "partitioned" / "catalog.duckdb", read_only=True) as catalog:
        rows["partitioned-catalog"] = {t: catalog.count(t) for t in rows["partitioned"]}
    return {"example": "examples/corpus", "files": files, "rows": rows}


def compare(expected: dict[str, Any], got: dict[str, Any]) -> list[str]:
    """Human-readable differences between two manifests (empty when identical)."""
    out: list[str] = []
    for key in ("files", "rows"):
        want, have = expected[key], got[key]
        for name in sorted(set(want) | set(have)):
            if want.get(name) != have.get(name):
                out.append(f"{key}: {name}: expected {want.get(name)!r}, got {have.get(name)!r}")
    return out


def _rows_close(want: dict[str, dict[str, int]], have: dict[str, dict[str, int]]) -> bool:
    return all(set(want.get(e, {})) == set(have[e]) and all(
        abs(have[e][t] - want[e][t]) <= MODEL_ROW_TOLERANCE * max(want[e][t], 1)
        for t in have[e]) for e in have) and set(want) == set(have)


def check(recorded: dict[str, Any], got: dict[str, Any], probe: str) -> tuple[list[str], str]:
    """Differences from the recorded manifest, and how the model tables were compared.

    Everything but ``MODEL_TABLES`` must be byte-identical. The model tables too when this
    machine's kernel class is recorded; otherwise their row counts must be close to a
    recorded class's (see the module docstring).
    """
    rest, model = split_model(got)
    diffs = compare({k: recorded[k] for k in ("files", "rows")}, rest)
    kernels: dict[str, Any] = recorded["model"]["kernels"]
    if probe in kernels:
        return diffs + compare(kernels[probe], model), f"byte for byte (kernel class {probe})"
    if any(_rows_close(k["rows"], model["rows"]) for k in kernels.values()):
        return diffs, (f"row counts only: kernel class {probe} is not recorded "
                       f"(within {MODEL_ROW_TOLERANCE:.0%} of a recorded class)")
    return diffs + [f"model tables: rows {model['rows']} far from every recorded class"], \
        f"row counts only: kernel class {probe} is not recorded"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--engine", default="local", choices=["local", "processes"])
    ap.add_argument("--write", action="store_true", help=f"record the manifest in {MANIFEST}")
    ap.add_argument("--write-kernel", action="store_true",
                    help="add this machine's kernel class for the model tables, nothing else")
    ap.add_argument("--check", action="store_true", help="compare with the recorded manifest")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="propscope-exports-") as tmp:
        manifest = build_manifest(Path(tmp), args.engine)
    probe = kernel_probe()
    if args.write or args.write_kernel:
        rest, model = split_model(manifest)
        if args.write:  # a new record: the model tables of other machines are void
            record = {**rest, "model": {"tables": list(MODEL_TABLES), "kernels": {}}}
        else:
            record = json.loads(MANIFEST.read_text())
        record["model"]["kernels"][probe] = model
        MANIFEST.parent.mkdir(parents=True, exist_ok=True)
        MANIFEST.write_text(json.dumps(record, indent=1, sort_keys=True) + "\n")
        print(f"wrote {MANIFEST} ({len(manifest['files'])} files, kernel class {probe})")
    if args.check:
        diffs, how = check(json.loads(MANIFEST.read_text()), manifest, probe)
        for line in diffs:
            print(line)
        print(f"{len(manifest['files'])} files: {'identical' if not diffs else 'DIFFERENT'}; "
              f"model tables {how}")
        return 1 if diffs else 0
    if not (args.write or args.write_kernel):
        print(json.dumps(manifest, indent=1, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
