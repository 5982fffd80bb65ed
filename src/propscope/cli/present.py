"""``propscope report`` and ``propscope serve``: thin wrappers over :mod:`propscope.present`."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ..corpus import open_corpus
from ..present.report import DEFAULT_MAX_DOCUMENTS, write_report
from .common import emit, handle_errors, output_options, say
from .pipeline import ensure_out_dir

_corpus_option = click.option(
    "--corpus", "corpus_path", required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The corpus DuckDB file (opened read-only).")


@click.command()
@_corpus_option
@click.option("--out", "out_path", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the self-contained HTML report.")
@click.option("--max-documents", default=DEFAULT_MAX_DOCUMENTS, show_default=True,
              type=click.IntRange(min=0),
              help="Documents shown in full (those with the most findings first).")
@output_options
@handle_errors
def report(corpus_path: Path, out_path: Path, max_documents: int, quiet: bool,
           json_out: bool) -> None:
    """Write a self-contained HTML report of a corpus (opens offline)."""
    ensure_out_dir(out_path.parent)  # a coded error now, not a traceback after the queries
    with open_corpus(corpus_path, read_only=True) as corpus:
        path = write_report(corpus, out_path, max_documents=max_documents)
    emit({"report": str(path), "bytes": path.stat().st_size}, quiet=quiet, json_out=json_out,
         human=lambda s: f"report written to {s['report']} ({s['bytes']:,} bytes)")


@click.command()
@_corpus_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Interface to bind; the default keeps the app local to this machine. "
                   "Any other address needs the access token printed at start-up.")
@click.option("--port", default=8765, show_default=True, type=click.IntRange(0, 65535),
              help="Port to listen on (0: a free one, reported in the ready line).")
@click.option("--no-auth", is_flag=True,
              help="With a non-loopback --host: serve without an access token (anyone who "
                   "can reach the port can read the corpus).")
@output_options
@handle_errors
def serve(corpus_path: Path, host: str, port: int, no_auth: bool, quiet: bool,
          json_out: bool) -> None:
    """Browse a corpus in a local, read-only web app.

    Once the port is bound and the app is ready, one line is printed: with
    --json a JSON object {"url": ...} on stdout (with "token" when one is needed),
    so scripts can wait for it; --quiet prints nothing but errors and warnings.
    """
    from ..present.guard import TOKEN_PARAM, is_loopback, new_token
    from ..present.webapp import serve as run_server

    token = None
    if not is_loopback(host):
        token = None if no_auth else new_token()
        say(f"warning: serving on {host}, reachable from other machines, over plain HTTP "
            "(no TLS): " + ("anyone who can reach the port can read the whole corpus (--no-auth)"
                            if no_auth else "only holders of the access token below get in"))

    def ready(url: str) -> None:
        shown = f"{url}?{TOKEN_PARAM}={token}" if token else url
        summary = {"url": shown, "corpus": str(corpus_path),
                   **({"token": token} if token else {})}
        if json_out:  # one line, so a script can read it with readline()
            click.echo(json.dumps(summary, sort_keys=True))
        else:
            emit(summary, quiet=quiet and not token, json_out=False,
                 human=lambda s: f"propscope: serving {s['corpus']} on {s['url']} (Ctrl+C stops)")
        sys.stdout.flush()

    run_server(corpus_path, host=host, port=port, token=token, on_ready=ready)


commands = [report, serve]
