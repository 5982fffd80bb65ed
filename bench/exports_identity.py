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


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _files(folder: Path) -> dict[str, str]:
    """Relative path -> SHA-256 of every exported file under ``folder``."""
    return {p.relative_to(folder).as_posix(): _sha256(p)
            for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name != "report.html" and not p.name.endswith(".duckdb")}


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


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--engine", default="local", choices=["local", "processes"])
    ap.add_argument("--write", action="store_true", help=f"record the manifest in {MANIFEST}")
    ap.add_argument("--check", action="store_true", help="compare with the recorded manifest")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="propscope-exports-") as tmp:
        manifest = build_manifest(Path(tmp), args.engine)
    if args.write:
        MANIFEST.parent.mkdir(parents=True, exist_ok=True)
        MANIFEST.write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")
        print(f"wrote {MANIFEST} ({len(manifest['files'])} files)")
    if args.check:
        diffs = compare(json.loads(MANIFEST.read_text()), manifest)
        for line in diffs:
            print(line)
        print(f"{len(manifest['files'])} files: {'identical' if not diffs else 'DIFFERENT'}")
        return 1 if diffs else 0
    if not args.write:
        print(json.dumps(manifest, indent=1, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
