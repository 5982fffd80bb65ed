"""Errors users see: each says what went wrong, where, and what to do next.

Codes are stable (``PS1xx`` input, ``PS2xx`` corpus, ``PS3xx`` model, ``PS4xx``
engine, ``PS5xx`` web app) so they can be searched for in docs and issue reports.
"""

from __future__ import annotations


class PropscopeError(Exception):
    """Base class of every error propscope raises on purpose."""

    code = "PS000"

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        self.message = message
        self.hint = hint
        text = f"[{self.code}] {message}"
        if hint:
            text += f"\n  hint: {hint}"
        super().__init__(text)


class InputError(PropscopeError):
    """The input could not be read (missing path, nothing ingestible, bad option)."""

    code = "PS100"


class NothingIngested(InputError):
    code = "PS101"


class StrictQuarantine(InputError):
    code = "PS102"


class CorpusError(PropscopeError):
    """The corpus file is missing, locked, or of a newer schema than this version knows."""

    code = "PS200"


class CorpusLocked(CorpusError):
    """Another process holds the corpus open for writing (DuckDB allows one writer)."""

    code = "PS201"


class NotACorpus(CorpusError):
    """The path is not a DuckDB file at all (a .jsonl, a CSV, a truncated file)."""

    code = "PS202"


class ForeignDatabase(CorpusError):
    """A DuckDB file that another program made: propscope will not add tables to it."""

    code = "PS203"


class CorpusCorrupt(CorpusError):
    """DuckDB found the file damaged (checksum mismatch, unreadable block)."""

    code = "PS204"


class DiskFull(CorpusError):
    """Writing the corpus or an export ran out of disk space (or hit a file-size limit)."""

    code = "PS205"


class CorpusTooNew(CorpusError):
    """The file was written by a newer propscope (a higher schema version)."""

    code = "PS206"


class ModelError(PropscopeError):
    """The technique model is missing or could not be loaded."""

    code = "PS300"


class TrainingExtraMissing(ModelError):
    """``propscope train`` without the ``train`` extra (PyTorch, transformers)."""

    code = "PS301"


class EngineError(PropscopeError):
    """An execution engine failed (e.g. the Dask scheduler is unreachable)."""

    code = "PS400"


class ServeError(PropscopeError):
    """The web app could not start (address in use, cannot bind)."""

    code = "PS500"


class PortInUse(ServeError):
    code = "PS501"
