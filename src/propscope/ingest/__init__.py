"""Ingest: files, folders and archives of many formats into one corpus.

Public API (used by the pipeline and the CLI)::

    summary = ingest_paths(corpus, ["data/"], settings, run_id, progress=bar.update)
    total = total_input_bytes(["data/"])          # for the progress bar
    for item in iter_input_documents(["part-1/"], settings): ...   # no corpus

Layout: one module per format (:mod:`.plaintext`, :mod:`.dated`, :mod:`.jsonl`,
:mod:`.delimited`, :mod:`.parquet`, :mod:`.html`, :mod:`.warc`), chosen by
suffix from :data:`.registry.READERS`; :mod:`.sources` walks folders and
archives, :mod:`.streams` decompresses and sniffs, :mod:`.records` maps
structured rows to documents, :mod:`.run` writes batches to the corpus.

Bad input never stops a run: every problem becomes a ``quarantine`` row
(``file``, ``record``, ``reason``; an empty ``record`` means the whole file or
the point where reading stopped) and every good record is kept.
"""

from .records import ALIASES, FIELDS, ReadOptions
from .registry import READERS
from .run import IngestSummary, ingest_paths, iter_input_documents, total_input_bytes
from .sources import expand_paths

__all__ = [
    "ALIASES", "FIELDS", "READERS", "IngestSummary", "ReadOptions", "expand_paths",
    "ingest_paths", "iter_input_documents", "total_input_bytes",
]
