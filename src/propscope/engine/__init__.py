"""Execution engines behind one small interface.

Per-document stages are pure functions over batches of documents, so the same
stage runs in this process (``local``), in a pool of processes on this machine
(``processes``) or on a Dask cluster (``dask``). Engines only *compute*: results
come back to the caller, which is the corpus's single writer.
"""

from .base import ENGINES, Engine, get_engine

__all__ = ["ENGINES", "Engine", "get_engine"]
