"""Errors users see: each says what went wrong, where, and what to do next.

Codes are stable (``PS1xx`` input, ``PS2xx`` corpus, ``PS3xx`` model, ``PS4xx``
engine) so they can be searched for in docs and issue reports.
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


class ModelError(PropscopeError):
    """The technique model is missing or could not be loaded."""

    code = "PS300"


class EngineError(PropscopeError):
    """An execution engine failed (e.g. the Dask scheduler is unreachable)."""

    code = "PS400"
