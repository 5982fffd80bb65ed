"""Ingest: files, folders and archives of many formats into one corpus.

Public API (used by the ingest stage, :mod:`propscope.stages.ingest`, which
writes what is read into the corpus; nothing here knows the corpus)::

    total = total_input_bytes(["data/"])          # for the progress bar
    for item in iter_input_documents(["part-1/"], settings): ...   # documents, rejections

Layout: one module per format (:mod:`.plaintext`, :mod:`.dated`, :mod:`.jsonl`,
:mod:`.delimited`, :mod:`.parquet`, :mod:`.html`, :mod:`.warc`), chosen by
suffix from :data:`.registry.READERS`; :mod:`.sources` walks folders and
archives, :mod:`.streams` decompresses and sniffs, :mod:`.records` maps
structured rows to documents, :mod:`.walk` walks the inputs in order and
:mod:`.parallel` parses JSON Lines chunks on the engine's workers.

Bad input never stops a run: every problem becomes a ``quarantine`` row
(``file``, ``record``, ``reason``; an empty ``record`` means the whole file or
the point where reading stopped) and every good record is kept.
"""

from .records import ALIASES, FIELDS, ReadOptions
from .registry import READERS
from .sources import expand_paths
from .walk import iter_input_documents, total_input_bytes

__all__ = [
    "ALIASES", "FIELDS", "READERS", "ReadOptions", "expand_paths", "iter_input_documents",
    "total_input_bytes",
]
