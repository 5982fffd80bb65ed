"""Options and output shared by every command: ``--quiet``, ``--json``, errors.

Commands stay thin: parse, build options, call the library function, then
:func:`emit` the summary it returned.

Everything printed for a human may quote the input (file names, quarantine
reasons, source names), so it is printed literally: rich markup is off and
control characters are shown as ``\\xNN`` escapes (:mod:`propscope.safetext`).
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click
import duckdb
from rich.console import Console

from ..corpus import corpus_error, is_disk_full
from ..errors import DiskFull, PropscopeError
from ..safetext import terminal_safe

# Progress and human summaries go to stderr so ``--json`` keeps stdout machine-readable.
console = Console(stderr=True, highlight=False)


def say(text: str) -> None:
    """Print one human message on stderr, literally (no markup, no control sequences)."""
    console.print(terminal_safe(text), markup=False, highlight=False, emoji=False, soft_wrap=True)


def output_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Add ``--quiet`` and ``--json`` to a command."""
    fn = click.option("--json", "json_out", is_flag=True,
                      help="Print a machine-readable JSON summary on stdout.")(fn)
    fn = click.option("--quiet", "-q", is_flag=True,
                      help="No progress bars or human summary (errors still print).")(fn)
    return fn


def emit(summary: dict[str, Any], *, quiet: bool, json_out: bool,
         human: Callable[[dict[str, Any]], str] | None = None) -> None:
    """Print a command's summary: JSON on stdout, or a human line on stderr.

    JSON escapes control characters itself (``ensure_ascii``), so a hostile
    value cannot reach the terminal through ``--json`` either.
    """
    if json_out:
        click.echo(json.dumps(summary, indent=2, default=str, sort_keys=True))
    elif not quiet:
        say(human(summary) if human else _default_human(summary))


def _default_human(summary: dict[str, Any]) -> str:
    return "\n".join(f"{k}: {v}" for k, v in summary.items() if not isinstance(v, dict | list))


def handle_errors(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Turn failures users can act on into a coded message and exit status 2.

    Besides :class:`PropscopeError`, a DuckDB error (a corpus damaged or locked
    mid-command) and a full disk become coded errors with a hint, not tracebacks.
    """

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        corpus = kwargs.get("corpus_path")
        as_json = bool(kwargs.get("json_out"))
        try:
            with _second_ctrl_c_stops():
                return fn(*args, **kwargs)
        except PropscopeError as exc:
            _fail(exc, as_json)
        except (KeyboardInterrupt, duckdb.InterruptException):
            _interrupted(as_json)
        except RuntimeError as exc:  # DuckDB stops a query on Ctrl-C with this
            if "query interrupted" not in str(exc).lower():
                raise
            _interrupted(as_json)
        except duckdb.Error as exc:
            _fail(corpus_error(exc, Path(corpus) if corpus else Path("(corpus)")), as_json)
        except OSError as exc:
            if not is_disk_full(exc):
                raise
            where = exc.filename or corpus or "the output"
            _fail(DiskFull(f"no space left while writing {where} ({exc.strerror})",
                           hint="free disk space (or raise the file-size limit) and run the "
                                "same command again: finished work is kept and resumed"),
                  as_json)

    return wrapper


@contextlib.contextmanager
def _second_ctrl_c_stops() -> Iterator[None]:
    """The first Ctrl-C stops the command cleanly (KeyboardInterrupt: queued writes are
    finished, status 130); a second one, while that cleanup runs, ends the process at once
    with one line. Why: the second landed in the cleanup and printed a traceback from
    wherever it struck (or, inside DuckDB's teardown, aborted in C++); what was committed is
    kept either way, and the next run resumes. Only in the main thread; the previous
    handler is put back unless the command was interrupted (the process is then ending, and
    the handler also guards its teardown)."""
    if (threading.current_thread() is not threading.main_thread()
            or signal.getsignal(signal.SIGINT) is signal.SIG_IGN):  # a background job's
        yield  # ignored Ctrl-C stays ignored
        return
    struck: list[bool] = []

    def on_sigint(_signum: int, _frame: object) -> None:
        if struck:
            os.write(2, b"interrupted again: stopping now (the next run resumes)\n")
            os._exit(130)
        struck.append(True)
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGINT, on_sigint)
    try:
        yield
    finally:
        if not struck:  # interrupted, the process is ending: the handler guards the teardown
            signal.signal(signal.SIGINT, previous)


def json_error(code: str, message: str, hint: str | None, status: int) -> None:
    """With ``--json`` a script reads the failure from stdout too (it printed nothing there
    before, and a script had to scrape stderr): ``{"ok": false, "error": {...}}``."""
    click.echo(json.dumps({"ok": False, "exit_status": status,
                           "error": {"code": code, "message": message, "hint": hint}},
                          indent=2, sort_keys=True))


def _interrupted(as_json: bool = False) -> None:
    """Ctrl-C: one line and status 130, not a traceback (a stage writes per batch in a
    transaction, so what finished is kept and the same command resumes it)."""
    text = "interrupted: run the same command again to resume (finished work is kept)"
    click.echo(text, err=True)
    if as_json:
        json_error("interrupted", text, None, 130)
    sys.exit(130)


def _fail(exc: PropscopeError, as_json: bool = False) -> None:
    click.echo("error: " + terminal_safe(str(exc)), err=True)
    if as_json:
        json_error(exc.code, exc.message, exc.hint, 2)
    sys.exit(2)
