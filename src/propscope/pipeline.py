"""The main job, stage by stage: ingest → analyze → link → present.

Each public function here is what one CLI command calls (and what library users
call): it opens the corpus, records the run, starts the engine and the corpus
writer, and runs the stages (:mod:`propscope.stages`), each of which owns its
tables and skips work already done, so ``run`` can be repeated or resumed
after a crash.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import Any

from .corpus import Corpus, one, open_corpus
from .engine import Engine
from .progress import NULL_REPORTER, Reporter
from .settings import Settings
from .stages.analyze import analyze_corpus, language_summary, start_engine
from .stages.ingest import check_ingest, ingest_into
from .stages.link import link_corpus
from .stages.overlap import ingest_with_analysis, merge_overlap
from .stages.present import check_out_dir, present_corpus
from .stages.writer import CorpusWriter
from .tables import TOTAL_TABLES

__all__ = ["analyze", "analyze_corpus", "corpus_totals", "ingest", "ingest_into", "link",
           "link_corpus", "run", "status"]


def _start_run(corpus: Corpus, command: str, settings: Settings) -> str:
    """Record a new run, first marking runs left "running" by a killed process.

    DuckDB lets one process at a time open the file for writing, so a run still
    "running" when we get the file can only be one whose process died.
    """
    corpus.con.execute("UPDATE runs SET status = 'interrupted' WHERE status = 'running'")
    return corpus.start_run(command, asdict(settings))


@contextmanager
def _job(corpus_path: str | Path, command: str, settings: Settings, reporter: Reporter,
         engine: bool = True) -> Iterator[tuple[Corpus, str, Engine | None, dict[str, Any]]]:
    """One recorded run: the corpus, its run ID, the engine (when the command uses
    one) and the summary to fill in, stored with the run's status at the end."""
    summary: dict[str, Any] = {}
    with open_corpus(corpus_path) as corpus:
        run_id = _start_run(corpus, command, settings)
        started = start_engine(settings, reporter) if engine else None
        status = "failed"
        try:
            yield corpus, run_id, started, summary
            status = "ok"
        finally:
            if started is not None:
                started.close()
            if status == "ok" or command == "run":
                corpus.finish_run(run_id, status, summary.get("result", summary))


def ingest(paths: Sequence[str | Path], corpus_path: str | Path, settings: Settings,
           reporter: Reporter = NULL_REPORTER) -> dict[str, Any]:
    """Read every input into the corpus. Raises :class:`NothingIngested` if nothing could be."""
    with _job(corpus_path, "ingest", settings, reporter, engine=False) as (corpus, run_id, _, out):
        out["result"] = ingest_into(corpus, paths, settings, run_id, reporter)
    check_ingest(out["result"], settings)
    return out["result"]


def analyze(corpus_path: str | Path, settings: Settings,
            reporter: Reporter = NULL_REPORTER) -> dict[str, Any]:
    """Run the configured analyzers over the documents that still need them."""
    with _job(corpus_path, "analyze", settings, reporter, engine=False) as (corpus, run_id, _, out):
        out["result"] = analyze_corpus(corpus, settings, run_id, reporter)
    return out["result"]


def link(corpus_path: str | Path, settings: Settings,
         reporter: Reporter = NULL_REPORTER) -> dict[str, Any]:
    """Run the corpus-level stages (text reuse, coordination)."""
    with _job(corpus_path, "link", settings, reporter) as (corpus, run_id, engine, out):
        out["result"] = link_corpus(corpus, settings, run_id, reporter, engine)
    return out["result"]


def run(paths: Sequence[str | Path], corpus_path: str | Path, out_dir: str | Path | None,
        settings: Settings, reporter: Reporter = NULL_REPORTER) -> dict[str, Any]:
    """The whole main job. Each stage is skipped when it has nothing new to do."""
    if out_dir is not None:
        check_out_dir(out_dir, paths)  # before any stage: never overwrite an input
    Path(corpus_path).parent.mkdir(parents=True, exist_ok=True)
    with _job(corpus_path, "run", settings, reporter) as (corpus, run_id, engine, summary):
        assert engine is not None
        summary.update({"corpus": str(corpus_path), "run_id": run_id,
                        "engine": engine.describe()})
        with CorpusWriter(corpus) as writer:
            overlap = None
            if paths:
                summary["ingest"], overlap = ingest_with_analysis(
                    corpus, writer, paths, settings, run_id, reporter, engine)
                check_ingest(summary["ingest"], settings)
            summary["analyze"] = analyze_corpus(corpus, settings, run_id, reporter, engine,
                                                writer)
            merge_overlap(summary["analyze"], overlap)
            summary["languages"] = writer.read(language_summary)
            summary["link"] = link_corpus(corpus, settings, run_id, reporter, engine, writer)
        if out_dir is not None:
            summary.update(present_corpus(corpus, out_dir, reporter))
        summary["totals"] = corpus_totals(corpus)
    return summary


def corpus_totals(corpus: Corpus) -> dict[str, int]:
    """Row counts of the tables an analyst cares about (for summaries and ``status``).

    ``communities`` is a row per member (an account in two groups has two rows): its total is
    the number of groups, and the rows are ``community_memberships`` (a run printed
    "communities 119" for ten groups)."""
    out = {n: corpus.count(n) for n in TOTAL_TABLES if corpus.has_table(n)}
    if "communities" in out:
        out["community_memberships"] = out["communities"]
        out["communities"] = one(corpus.con.execute(
            "SELECT count(DISTINCT community_id) FROM communities"))[0]
    return out


def status(corpus_path: str | Path) -> dict[str, Any]:
    """What the corpus holds: counts, sources, time span, runs, stages, quarantine."""
    with open_corpus(corpus_path, read_only=True) as corpus:
        con = corpus.con
        span = one(con.execute("SELECT min(published), max(published), count(DISTINCT source) "
                               "FROM documents"))
        runs = corpus.sql("SELECT run_id, command, status, started, finished FROM runs "
                          "ORDER BY started DESC LIMIT 10").to_dict("records")
        stages = corpus.sql("SELECT stage, version, count(*) AS documents FROM stage_done "
                            "GROUP BY ALL ORDER BY stage").to_dict("records")
        link_stages = corpus.sql("SELECT stage, version, documents, finished FROM corpus_stages "
                                 "ORDER BY stage").to_dict("records")
        reasons = corpus.sql(
            "SELECT file, record, reason FROM quarantine ORDER BY file, record LIMIT 50"
        ).to_dict("records")
        return {
            "corpus": str(corpus_path),
            "totals": corpus_totals(corpus),
            "sources": span[2],
            "published_from": span[0], "published_to": span[1],
            "stages": stages, "link_stages": link_stages,
            "languages": language_summary(corpus),
            "runs": runs, "quarantine": reasons,
        }
