"""Commands of the main job: run, ingest, analyze, link, export, status."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from .. import pipeline
from ..analyze.language_coverage import describe as describe_languages
from ..corpus import open_corpus
from ..engine import ENGINES
from ..errors import InputError
from ..ingest.dates import DATE_ORDERS
from ..present.exporters import FORMATS as EXPORT_FORMATS
from ..progress import Reporter
from ..safetext import terminal_safe
from ..settings import Settings, load_settings
from .common import emit, handle_errors, output_options, say
from .preflight import apply_date_order, check_field_map


def _v(value: Any) -> str:
    """An input-derived value inside one line of output: escaped, it cannot forge lines."""
    return terminal_safe(value, one_line=True)

corpus_option = click.option("--corpus", "corpus_path", required=True,
                             type=click.Path(dir_okay=False, path_type=Path),
                             help="The corpus DuckDB file (created if missing).")
# export and status read a corpus and never create one: their help must not say they do.
existing_corpus_option = click.option("--corpus", "corpus_path", required=True,
                                      type=click.Path(dir_okay=False, path_type=Path),
                                      help="The corpus DuckDB file (must exist: made by "
                                           "`ingest` or `run`).")
config_option = click.option("--config", type=click.Path(exists=True, dir_okay=False),
                             help="A TOML settings file (keys as in propscope.Settings).")


def engine_options(fn: Any) -> Any:
    fn = click.option("--engine", type=click.Choice(list(ENGINES)),
                      help="Where per-document and linking work runs (default: local).")(fn)
    fn = click.option("--scheduler", help="Address of an existing Dask scheduler "
                      "(with --engine dask; default: start a LocalCluster).")(fn)
    fn = click.option("--workers", type=click.IntRange(min=1),
                      help="Worker processes (processes/dask).")(fn)
    fn = click.option("--limit", type=click.IntRange(min=1),
                      help="Analyze and link at most the first N documents (in doc_id order), "
                           "e.g. to try a long job on a sample.")(fn)
    fn = click.option("--force-stage", "force_stages", multiple=True,
                      help="Recompute this stage from scratch (repeatable).")(fn)
    return fn


def technique_options(fn: Any) -> Any:
    """``--techniques``, ``--techniques-sample``, ``--techniques-mode`` and ``--taxonomy`` (settings of the same names)."""
    fn = click.option("--techniques", "techniques", type=click.Choice(["all", "sample", "off"]),
                      help="Documents the technique model reads: all, a reproducible sample per "
                           "source and week (default; a corpus within the budget is read in "
                           "full), or none.")(fn)
    fn = click.option("--techniques-sample", "techniques_sample_docs", type=click.IntRange(min=0),
                      help="Budget of --techniques sample in documents (default 20000).")(fn)
    fn = click.option("--techniques-mode", "techniques_mode", type=click.Choice(["accurate", "fast"]),
                      help="accurate (default) or fast: about 1.7x (semeval2023) to 2.8x "
                           "(semeval2020) the documents per second for lower F1 "
                           "(MODEL_CARD.md, Fast mode).")(fn)
    fn = click.option("--taxonomy", type=click.Choice(["semeval2023", "semeval2020"]),
                      help="Technique labels: semeval2023 (23 techniques, default) or "
                           "semeval2020 (14).")(fn)
    return fn


def _fields(values: tuple[str, ...]) -> dict[str, str] | None:
    if not values:
        return None
    mapping = {}
    for item in values:
        if "=" not in item:
            raise click.BadParameter(f"{item!r}: expected NAME=COLUMN", param_hint="--field")
        name, column = item.split("=", 1)
        mapping[name.strip()] = column.strip()
    return mapping


def _human_run(s: dict[str, Any]) -> str:
    lines = []
    ing = s.get("ingest")
    if ing:
        lines.append(f"{ing.get('documents', 0)} ingested, {ing.get('duplicates', 0)} duplicate(s), "
                     f"{ing.get('quarantined', 0)} quarantined, see propscope status")
        # A corrected --field mapping: what each file already read changed (stages/ingest_remap)
        lines += [_v(r["line"]) for r in ing.get("remapped") or []]
        reread = ing.get("reread") or []
        if reread:  # rejected whole by an older version (stages/ingest_rejected)
            lines.append(f"read again with this version's readers (rejected whole before): "
                         f"{len(reread)} file(s), e.g. {_v(reread[0])}")
    for name, res in (s.get("analyze") or {}).items():
        lines.append(f"analyze {_v(name)}: {_v(res.get('status'))} "
                     f"({res.get('documents', 0)} documents)")
        if isinstance(res.get("chosen"), dict) and res["chosen"].get("line"):
            lines.append("  " + _v(res["chosen"]["line"]))
    lines += [_v(line) for line in describe_languages(s.get("languages"))]
    for name, res in (s.get("link") or {}).items():
        lines.append(f"link {_v(name)}: {_v(res.get('status', 'ok'))}")
    if s.get("totals"):
        lines.append("corpus: " + ", ".join(f"{k} {v}" for k, v in s["totals"].items()))
    if s.get("export"):
        lines.append(f"exports: {_v(s['export']['out'])}")
    return "\n".join(lines)


@click.command("run")
@click.argument("sources", nargs=-1, type=click.Path(exists=True, path_type=Path))
@corpus_option
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Write exports (Parquet), network.gexf and report.html here.")
@click.option("--field", "fields", multiple=True, metavar="NAME=COLUMN",
              help="Map a canonical field (text, source, published, ...) to an input column.")
@click.option("--strict", is_flag=True, default=None, help="Fail if any record is quarantined.")
@click.option("--date-order", type=click.Choice(DATE_ORDERS),
              help="How to read numeric dates such as 03/04/2024: dmy (day first), mdy "
                   "(month first, the default) or ymd. Without it, ambiguous dates are "
                   "counted in a warning.")
@click.option("--min-words", type=click.IntRange(min=1),
              help="Shortest passage counted as reuse (default 40).")
@click.option("--window", "window_s", type=click.FloatRange(min=0, min_open=True),
              help="Coordination window in seconds (default: estimated from the data).")
@engine_options
@technique_options
@config_option
@output_options
@handle_errors
def run_cmd(sources: tuple[Path, ...], corpus_path: Path, out_dir: Path | None,
            fields: tuple[str, ...], strict: bool | None, date_order: str | None,
            min_words: int | None,
            window_s: float | None, engine: str | None,
            scheduler: str | None, workers: int | None, limit: int | None,
            force_stages: tuple[str, ...], techniques: str | None,
            techniques_sample_docs: int | None, techniques_mode: str | None, taxonomy: str | None,
            config: str | None, quiet: bool, json_out: bool) -> None:
    """Run the whole main job: ingest SOURCES, analyze, link, export and report."""
    check_run_arguments(sources, corpus_path, out_dir)
    check_field_map(sources, _fields(fields) or {})
    apply_date_order(date_order, sources, _fields(fields) or {}, say)
    settings = load_settings(config, field_map=_fields(fields), strict=strict, engine=engine,
                             scheduler=scheduler, workers=workers, limit=limit,
                             force_stages=force_stages or None, reuse_min_words=min_words,
                             coordination_window_s=window_s, techniques=techniques,
                             techniques_sample_docs=techniques_sample_docs,
                             techniques_mode=techniques_mode, taxonomy=taxonomy)
    reporter = Reporter(quiet=quiet or json_out)
    summary = pipeline.run(list(sources), corpus_path, out_dir, settings, reporter)
    emit(summary, quiet=quiet, json_out=json_out, human=_human_run)


def check_run_arguments(sources: tuple[Path, ...], corpus_path: Path,
                        out_dir: Path | None) -> None:
    """Refuse, before any stage runs, what would fail or do nothing after minutes of work."""
    if not sources and not corpus_path.exists():
        raise InputError("nothing to run: no SOURCES given and the corpus does not exist yet",
                         hint="give the files or folders to read, e.g. "
                              "propscope run data/ --corpus corpus.duckdb")
    if out_dir is not None:
        ensure_out_dir(out_dir)


def ensure_out_dir(out_dir: Path) -> None:
    """Create ``--out`` now, so a bad path is a coded error before any work, not a traceback after."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"--out {out_dir}: cannot create this folder ({exc.strerror})",
                         hint="choose a folder you can write to; a file of that name "
                              "is not replaced") from exc


@click.command("ingest")
@click.argument("sources", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@corpus_option
@click.option("--field", "fields", multiple=True, metavar="NAME=COLUMN",
              help="Map a canonical field (text, source, published, ...) to an input column.")
@click.option("--strict", is_flag=True, default=None, help="Fail if any record is quarantined.")
@click.option("--date-order", type=click.Choice(DATE_ORDERS),
              help="How to read numeric dates such as 03/04/2024: dmy (day first), mdy "
                   "(month first, the default) or ymd. Without it, ambiguous dates are "
                   "counted in a warning.")
@config_option
@output_options
@handle_errors
def ingest_cmd(sources: tuple[Path, ...], corpus_path: Path, fields: tuple[str, ...],
               strict: bool | None, date_order: str | None, config: str | None, quiet: bool,
               json_out: bool) -> None:
    """Read files, folders and archives into the corpus (resumable, idempotent)."""
    check_field_map(sources, _fields(fields) or {})
    apply_date_order(date_order, sources, _fields(fields) or {}, say)
    settings = load_settings(config, field_map=_fields(fields), strict=strict)
    summary = pipeline.ingest(list(sources), corpus_path, settings, Reporter(quiet or json_out))
    emit(summary, quiet=quiet, json_out=json_out, human=lambda s: _human_run({"ingest": s}))


@click.command("analyze")
@corpus_option
@click.option("--analyzer", "analyzers", multiple=True,
              help=f"Run only these analyzers (default: {', '.join(Settings().analyzers)}).")
@engine_options
@technique_options
@config_option
@output_options
@handle_errors
def analyze_cmd(corpus_path: Path, analyzers: tuple[str, ...], engine: str | None,
                scheduler: str | None, workers: int | None, limit: int | None,
                force_stages: tuple[str, ...], techniques: str | None,
                techniques_sample_docs: int | None, techniques_mode: str | None, taxonomy: str | None,
                config: str | None, quiet: bool, json_out: bool) -> None:
    """Run the per-document analyzers on documents they have not seen."""
    settings = load_settings(config, analyzers=analyzers or None, engine=engine,
                             scheduler=scheduler, workers=workers, limit=limit,
                             force_stages=force_stages or None, techniques=techniques,
                             techniques_sample_docs=techniques_sample_docs,
                             techniques_mode=techniques_mode, taxonomy=taxonomy)
    summary = pipeline.analyze(corpus_path, settings, Reporter(quiet or json_out))
    emit(summary, quiet=quiet, json_out=json_out, human=lambda s: _human_run({"analyze": s}))


@click.command("link")
@corpus_option
@click.option("--min-words", type=click.IntRange(min=1),
              help="Shortest passage counted as reuse (default 40).")
@click.option("--window", "window_s", type=click.FloatRange(min=0, min_open=True),
              help="Coordination window in seconds (default: estimated from the data).")
@engine_options
@config_option
@output_options
@handle_errors
def link_cmd(corpus_path: Path, min_words: int | None, window_s: float | None,
             engine: str | None, scheduler: str | None, workers: int | None,
             limit: int | None, force_stages: tuple[str, ...],
             config: str | None, quiet: bool, json_out: bool) -> None:
    """Find text reuse and coordination across the whole corpus (incremental)."""
    settings = load_settings(config, reuse_min_words=min_words, coordination_window_s=window_s,
                             engine=engine, scheduler=scheduler, workers=workers, limit=limit,
                             force_stages=force_stages or None)
    summary = pipeline.link(corpus_path, settings, Reporter(quiet or json_out))
    emit(summary, quiet=quiet, json_out=json_out, human=lambda s: _human_run({"link": s}))


@click.command("export")
@existing_corpus_option
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(list(EXPORT_FORMATS)),
              default="parquet", show_default=True)
@click.option("--keep-formulas", is_flag=True,
              help="CSV only: write cells starting with = + - @ TAB or CR as they are "
                   "(default: prefix a single quote so spreadsheets show them, not run them).")
@output_options
@handle_errors
def export_cmd(corpus_path: Path, out_dir: Path, fmt: str, keep_formulas: bool, quiet: bool,
               json_out: bool) -> None:
    """Write one file per table (documented in docs/exports.md) and network.gexf."""
    from ..present.export import export_corpus

    ensure_out_dir(out_dir)
    with open_corpus(corpus_path, read_only=True) as corpus:
        summary = export_corpus(corpus, out_dir, fmt, formula_guard=not keep_formulas)
    emit(summary, quiet=quiet, json_out=json_out,
         human=lambda s: f"wrote {len(s['tables'])} file(s) to {s['out']}")


@click.command("status")
@existing_corpus_option
@output_options
@handle_errors
def status_cmd(corpus_path: Path, quiet: bool, json_out: bool) -> None:
    """What the corpus holds: counts, time span, stages, runs and quarantine."""
    summary = pipeline.status(corpus_path)
    emit(summary, quiet=quiet, json_out=json_out, human=_human_status)


def _human_status(s: dict[str, Any]) -> str:
    lines = [f"corpus {_v(s['corpus'])}",
             "  " + ", ".join(f"{k}: {v}" for k, v in s["totals"].items()),
             f"  sources: {s['sources']}, published {s['published_from']} .. {s['published_to']}"]
    for st in s["stages"]:
        lines.append(f"  stage {_v(st['stage'])} v{_v(st['version'])}: {st['documents']} documents")
    for st in s["link_stages"]:
        lines.append(f"  stage {_v(st['stage'])} v{_v(st['version'])}: "
                     f"corpus of {st['documents']} documents")
    lines += ["  " + _v(line) for line in describe_languages(s.get("languages"))]
    for r in s["runs"][:5]:
        lines.append(f"  run {_v(r['run_id'])} {_v(r['command'])} {_v(r['status'])}")
    if s["quarantine"]:
        lines.append(f"  quarantine ({s['totals'].get('quarantine', 0)}):")
        for r in s["quarantine"][:20]:
            lines.append(f"    {_v(r['file'])}:{_v(r['record'])}: {_v(r['reason'])}")
    return "\n".join(lines)


commands = [run_cmd, ingest_cmd, analyze_cmd, link_cmd, export_cmd, status_cmd]
