"""The link stage: corpus-level analyses (text reuse, coordination) after analyze.

Each owns its tables and its resumability (``corpus_stages``: a stage reruns
only when its inputs changed; ``--force-stage NAME`` forgets it). They read
the whole corpus and write through their own modules, so each runs holding the
corpus writer (:meth:`.CorpusWriter.exclusive`): everything queued before is
written first, and nothing else writes meanwhile.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable
from typing import Any

from ..corpus import Corpus
from ..engine import Engine
from ..progress import NULL_REPORTER, Reporter
from ..settings import Settings
from .writer import CorpusWriter

# The corpus-level stages, in the order they run: name -> "module:function", called as
# ``function(corpus, settings, run_id, progress=bar[, engine=engine])``. Imported when
# they run, so commands that never link do not load them.
LINK_STAGES: dict[str, str] = {
    "reuse": "propscope.link.reuse:run_reuse",
    "coordination": "propscope.link.coordination:run_coordination",
}


def _load(target: str) -> Callable[..., dict[str, Any]]:
    module_name, fn_name = target.split(":")
    fn: Callable[..., dict[str, Any]] = getattr(importlib.import_module(module_name), fn_name)
    return fn


def link_corpus(corpus: Corpus, settings: Settings, run_id: str,
                reporter: Reporter = NULL_REPORTER, engine: Engine | None = None,
                writer: CorpusWriter | None = None) -> dict[str, Any]:
    """Run the corpus-level stages.

    A stage function that declares an ``engine`` parameter gets the run's engine,
    so its heavy, partitioned parts run where the per-document stages ran.
    """
    if writer is None:
        with CorpusWriter(corpus) as own:
            return link_corpus(corpus, settings, run_id, reporter, engine, own)
    summary: dict[str, Any] = {}
    for stage, target in LINK_STAGES.items():
        fn = _load(target)
        extra = ({"engine": engine} if engine is not None
                 and "engine" in inspect.signature(fn).parameters else {})
        with writer.exclusive() as held, reporter.stage(f"link: {stage}", total=None) as bar:
            if stage in settings.force_stages:
                held.reset_stage(stage)
            summary[stage] = fn(held, settings, run_id, progress=bar, **extra)
    return summary
