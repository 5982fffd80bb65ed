"""Per-document analyzers: pure functions ``Document -> {table: rows}``.

Built-in analyzers register through :func:`register` exactly as outside code
would; the runner (``propscope.pipeline``) batches documents, runs analyzers on the
chosen engine, quarantines failures and writes results through the corpus.
"""

from .registry import Analyzer, AnalyzerResult, get_analyzer, register, registered

__all__ = ["Analyzer", "AnalyzerResult", "get_analyzer", "register", "registered"]
