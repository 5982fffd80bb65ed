"""Options and output shared by every command: ``--quiet``, ``--json``, errors.

Commands stay thin: parse, build options, call the library function, then
:func:`emit` the summary it returned.
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from typing import Any

import click
from rich.console import Console

from ..errors import PropscopeError

# Progress and human summaries go to stderr so ``--json`` keeps stdout machine-readable.
console = Console(stderr=True, highlight=False)


def output_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Add ``--quiet`` and ``--json`` to a command."""
    fn = click.option("--json", "json_out", is_flag=True,
                      help="Print a machine-readable JSON summary on stdout.")(fn)
    fn = click.option("--quiet", "-q", is_flag=True,
                      help="No progress bars or human summary (errors still print).")(fn)
    return fn


def emit(summary: dict[str, Any], *, quiet: bool, json_out: bool,
         human: Callable[[dict[str, Any]], str] | None = None) -> None:
    """Print a command's summary: JSON on stdout, or a human line on stderr."""
    if json_out:
        click.echo(json.dumps(summary, indent=2, default=str, sort_keys=True))
    elif not quiet:
        console.print(human(summary) if human else _default_human(summary))


def _default_human(summary: dict[str, Any]) -> str:
    return "\n".join(f"{k}: {v}" for k, v in summary.items() if not isinstance(v, dict | list))


def handle_errors(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Turn :class:`PropscopeError` into a clear message and exit status 2."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except PropscopeError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(2)

    return wrapper
