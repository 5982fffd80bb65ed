"""``propscope report`` and ``propscope serve``: thin wrappers over :mod:`propscope.present`."""

from __future__ import annotations

from pathlib import Path

import click

from ..corpus import open_corpus
from ..present.report import DEFAULT_MAX_DOCUMENTS, write_report
from .common import emit, handle_errors, output_options

_corpus_option = click.option(
    "--corpus", "corpus_path", required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The corpus DuckDB file (opened read-only).")


@click.command()
@_corpus_option
@click.option("--out", "out_path", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the self-contained HTML report.")
@click.option("--max-documents", default=DEFAULT_MAX_DOCUMENTS, show_default=True, type=int,
              help="Documents shown in full (those with the most findings first).")
@output_options
@handle_errors
def report(corpus_path: Path, out_path: Path, max_documents: int, quiet: bool,
           json_out: bool) -> None:
    """Write a self-contained HTML report of a corpus (opens offline)."""
    with open_corpus(corpus_path, read_only=True) as corpus:
        path = write_report(corpus, out_path, max_documents=max_documents)
    emit({"report": str(path), "bytes": path.stat().st_size}, quiet=quiet, json_out=json_out,
         human=lambda s: f"report written to {s['report']} ({s['bytes']:,} bytes)")


@click.command()
@_corpus_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Interface to bind; the default keeps the app local to this machine.")
@click.option("--port", default=8765, show_default=True, type=int)
@output_options
@handle_errors
def serve(corpus_path: Path, host: str, port: int, quiet: bool, json_out: bool) -> None:
    """Browse a corpus in a local, read-only web app.

    With --json, one line {"url": ...} is printed on stdout once the address is
    known, so scripts can wait for it; --quiet prints nothing but errors.
    """
    from ..present.webapp import serve as run_server

    url = f"http://{host}:{port}/"
    emit({"url": url, "corpus": str(corpus_path)}, quiet=quiet, json_out=json_out,
         human=lambda s: f"propscope: serving {s['corpus']} on {s['url']} (Ctrl+C stops)")
    run_server(corpus_path, host=host, port=port)


commands = [report, serve]
