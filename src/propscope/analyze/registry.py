"""The analyzer registry: what each analyzer reads, writes and is called.

An analyzer declares the tables it writes with Arrow schemas (every schema starts
with ``doc_id``); the runner adds ``run_id``. Bump ``version`` whenever output
changes, so corpora recompute that stage instead of mixing old and new rows.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from ..document import Document

AnalyzerResult = dict[str, list[dict]]


@dataclass(frozen=True)
class Analyzer:
    name: str
    version: str
    tables: dict[str, pa.Schema]
    fn: Callable[[Document], AnalyzerResult]
    description: str = ""
    # Optional batch form (e.g. a neural model that is faster on many documents at once).
    batch_fn: Callable[[list[Document]], list[AnalyzerResult]] | None = field(default=None)
    # Optional: called with the open corpus once the stage's batches are written (also
    # when it was up to date), in the writing process; e.g. ``language`` copies its
    # results into ``documents`` there with one set-based update.
    finish: Callable[[Any], Any] | None = field(default=None)
    # Optional: ``configure(settings) -> Analyzer`` binds settings the analyzer reads
    # (e.g. techniques' ``taxonomy``); the bound analyzer (module-level functions or
    # ``functools.partial`` of them, so it pickles) is what the workers run.
    configure: Callable[[Any], Analyzer] | None = field(default=None)
    # Optional: ``prepare(corpus, settings, run_id) -> dict`` runs in the writing
    # process before pending documents are counted (techniques marks the documents
    # its sample leaves out); the dict joins the stage's summary.
    prepare: Callable[[Any, Any, str], dict[str, Any]] | None = field(default=None)
    # Optional: documents per worker call when smaller than ``batch_size`` (a slow
    # model, so the progress bar moves every few seconds).
    batch_docs: int | None = field(default=None)
    # Optional: documents per worker call when smaller still (1: the bar advances per
    # document); results are written ``batch_docs`` at a time all the same.
    call_docs: int | None = field(default=None)

    def run_batch(self, docs: list[Document]) -> list[AnalyzerResult]:
        if self.batch_fn is not None:
            return self.batch_fn(docs)
        return [self.fn(d) for d in docs]


_REGISTRY: dict[str, Analyzer] = {}

# Built-ins are imported lazily so that, e.g., the technique model is only loaded
# when the techniques analyzer is actually used.
_BUILTIN_MODULES = {
    "language": "propscope.analyze.language",
    "references": "propscope.analyze.references",
    "repetitions": "propscope.analyze.repetition.analyzer",
    "techniques": "propscope.analyze.techniques.analyzer",
}


def register(analyzer: Analyzer) -> Analyzer:
    _REGISTRY[analyzer.name] = analyzer
    return analyzer


def get_analyzer(name: str) -> Analyzer:
    if name not in _REGISTRY and name in _BUILTIN_MODULES:
        importlib.import_module(_BUILTIN_MODULES[name])
    if name not in _REGISTRY:
        from ..errors import InputError

        raise InputError(f"unknown analyzer {name!r}",
                         hint=f"known: {', '.join(sorted(set(_REGISTRY) | set(_BUILTIN_MODULES)))}")
    return _REGISTRY[name]


def registered() -> list[str]:
    """Names of every known analyzer (built-in or registered from outside)."""
    return sorted(set(_REGISTRY) | set(_BUILTIN_MODULES))
