"""Worker side of the analyze stage: analyzers over batches of documents.

Module-level functions (not closures) so they pickle to process pools and Dask
workers; they compute and return, and never touch the corpus: the stage hands
what they return to the corpus writer.
"""

from __future__ import annotations

import json

import pyarrow as pa

from ..analyze.registry import Analyzer, AnalyzerResult, get_analyzer
from ..document import Document
from ..errors import ModelError
from ..gctuning import relaxed_gc

# What the fused analyzers (:data:`propscope.stages.analyze.FUSED_ANALYZERS`) read:
# a document's ID, text, metadata and URL (its country-code TLD reads national phone
# numbers), plus where it came from (for quarantine reasons), so only these columns
# are read for them.
FUSED_COLUMNS = "doc_id, text, meta, url, file, record"
FUSED_NAMES = [c.strip() for c in FUSED_COLUMNS.split(",")]


def run_analyzer_batch(job: tuple[str | Analyzer, list[Document]]) -> list[AnalyzerResult | str]:
    """Worker side: run one analyzer over a batch; a failing document yields its error text.

    Module-level (not a closure) so it pickles to process pools and Dask workers.
    """
    name, docs = job
    # An Analyzer object travels when it was configured from settings (techniques'
    # taxonomy), so workers use the configured one rather than the registered default.
    analyzer = name if isinstance(name, Analyzer) else get_analyzer(name)
    try:
        return list(analyzer.run_batch(docs))
    except ModelError:
        raise
    except Exception:  # noqa: BLE001 - isolate the bad document(s) below
        out: list[AnalyzerResult | str] = []
        for doc in docs:
            try:
                out.append(analyzer.fn(doc))
            except Exception as exc:  # noqa: BLE001 - quarantined with its reason
                out.append(f"{type(exc).__name__}: {exc}")
        return out


FusedResult = dict[str, tuple[dict[str, pa.Table], list[tuple[int, str]]]]


def run_fused_batch(job: tuple[tuple[str, ...], pa.RecordBatch]) -> FusedResult:
    """Worker side: several analyzers over one batch of documents (as read from the
    corpus, in Arrow form, so the reading process does no per-document work);
    per analyzer, its Arrow tables (built here, so the writing process only writes)
    and ``(index, error)`` of the documents it failed on."""
    names, batch = job
    out: FusedResult = {}
    with relaxed_gc():
        docs = _fused_documents(batch)
        for name in names:
            results = run_analyzer_batch((name, docs))
            good = [r for r in results if not isinstance(r, str)]
            errors = [(i, r) for i, r in enumerate(results) if isinstance(r, str)]
            out[name] = (to_tables(get_analyzer(name), good), errors)
    return out


def fused_rows(names: tuple[str, ...], rows: pa.Table) -> tuple[pa.Table, FusedResult]:
    """Worker side, beside ingest (:class:`~propscope.stages.ingest_workers.WorkerParse`):
    the fused analyzers over a parsed chunk's ``documents`` rows, with the
    ``doc_id, file, record`` of the documents they ran on (what writing needs)."""
    batch = rows.select(FUSED_NAMES).combine_chunks().to_batches()[0]
    return rows.select(["doc_id", "file", "record"]), run_fused_batch((names, batch))


def _fused_documents(batch: pa.RecordBatch) -> list[Document]:
    """Documents holding only what the fused analyzers read (:data:`FUSED_COLUMNS`):
    converting every column (time zones, titles, URLs) to Python objects cost
    more than some of the analyzers."""
    cols = batch.to_pydict()
    return [Document(doc_id=doc_id, text=text, content_hash="", file=file or "",
                     record=record or "", meta=json.loads(meta) if meta else {}, url=url)
            for doc_id, text, meta, url, file, record in zip(
                cols["doc_id"], cols["text"], cols["meta"], cols["url"], cols["file"],
                cols["record"], strict=True)]


def to_tables(analyzer: Analyzer, results: list[AnalyzerResult]) -> dict[str, pa.Table]:
    tables: dict[str, pa.Table] = {}
    for name, schema in analyzer.tables.items():
        rows = [row for res in results for row in res.get(name, [])]
        tables[name] = pa.Table.from_pylist(rows, schema=schema)
    return tables
