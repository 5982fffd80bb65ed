"""Progress reporting for long stages: rich bars on stderr, or nothing with ``--quiet``.

Library functions take a :class:`StageProgress` so they never print themselves;
the CLI decides whether anyone is watching. When stderr is not a terminal (a log
file, a cluster job, a test driving a subprocess) rich would print nothing until
a stage ends, so :class:`LineStageProgress` prints plain timestamped lines
instead: one when a stage starts, one every few seconds, one when it ends.

Messages can quote the input (an analyzer's error about a document, a file
name), so nothing here is read as rich markup and control characters are shown
as escapes: a document holding ``[/]`` or an ESC sequence cannot crash or
restyle the terminal.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text

from .safetext import terminal_safe

# ``Reporter.print("[yellow]...")``: a leading style tag (from our own code) becomes the
# style of an otherwise literal message.
_LEADING_STYLE = re.compile(r"^\[(yellow|red|green|bold|dim|cyan)\]")


def print_literal(console: Console, message: str, style: str | None = None,
                  **kwargs: Any) -> None:
    """Print ``message`` exactly as written: no markup, no emoji codes, no control sequences."""
    console.print(Text(terminal_safe(message), style=style or ""), highlight=False,
                  emoji=False, **kwargs)


class RateColumn(TextColumn):
    """Documents (or bytes) per second of the stage so far."""

    def __init__(self, unit: str) -> None:
        super().__init__("")
        self.unit = unit

    def render(self, task: Any) -> Text:
        speed = task.finished_speed or task.speed
        return Text("" if speed is None else f"{_human(speed)} {self.unit}/s")


def _human(n: float) -> str:
    for size, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if n >= size:
            return f"{n / size:.1f}{suffix}"
    return f"{n:.0f}" if n >= 10 else f"{n:.1f}"


class StageProgress:
    """Progress of one stage: ``advance(n)`` as work is done; ``note`` for a side remark."""

    def __init__(self, progress: Progress | None, task: Any, console: Console | None) -> None:
        self._progress = progress
        self._task = task
        self._console = console

    def advance(self, n: int = 1) -> None:
        if self._progress is not None:
            self._progress.advance(self._task, n)

    def set_total(self, total: int | None) -> None:
        if self._progress is not None:
            self._progress.update(self._task, total=total)

    def note(self, message: str) -> None:
        if self._console is not None:
            print_literal(self._console, message)


class LineStageProgress(StageProgress):
    """Plain-line progress for non-terminals: done/total, rate and ETA every few seconds."""

    def __init__(self, console: Console, description: str, total: int | None, unit: str,
                 interval_s: float) -> None:
        super().__init__(None, None, console)
        self.description, self.total, self.unit = description, total, unit
        self.interval_s = interval_s
        self.done = 0
        self.started = self._last = time.monotonic()
        self._line("started")

    def advance(self, n: int = 1) -> None:
        self.done += n
        if time.monotonic() - self._last >= self.interval_s:
            self._line("running")

    def set_total(self, total: int | None) -> None:
        self.total = total

    def finish(self) -> None:
        self._line("done")

    def _line(self, state: str) -> None:
        now = time.monotonic()
        self._last = now
        elapsed = now - self.started
        rate = self.done / elapsed if elapsed > 0 else 0.0
        parts = [f"{self.done}" + (f"/{self.total}" if self.total is not None else ""),
                 self.unit, f"{_human(rate)} {self.unit}/s", f"{elapsed:.1f}s"]
        if state == "running" and self.total and rate > 0:
            parts.append(f"eta {max(0.0, (self.total - self.done) / rate):.0f}s")
        stamp = time.strftime("%H:%M:%S")
        assert self._console is not None
        print_literal(self._console, f"{stamp} {self.description}: {state} " + " ".join(parts),
                      soft_wrap=True)


class Reporter:
    """Owns the rich display for a whole command; hands out one bar per stage."""

    def __init__(self, quiet: bool = False, line_interval_s: float = 10.0) -> None:
        self.quiet = quiet
        self.console = None if quiet else Console(stderr=True, highlight=False)
        self.line_interval_s = line_interval_s

    @contextmanager
    def stage(self, description: str, total: int | None = None,
              unit: str = "docs") -> Iterator[StageProgress]:
        if self.quiet or self.console is None:
            yield StageProgress(None, None, None)
            return
        if not self.console.is_terminal:
            line = LineStageProgress(self.console, description, total, unit,
                                     self.line_interval_s)
            yield line
            line.finish()
            return
        columns = [TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                   TextColumn(unit), TaskProgressColumn(), RateColumn(unit), TimeElapsedColumn(),
                   TextColumn("eta"), TimeRemainingColumn()]
        with Progress(*columns, console=self.console, transient=False) as progress:
            # The description column is markup ("[bold]{task.description}"): escape it.
            task = progress.add_task(escape(terminal_safe(description, one_line=True)),
                                     total=total)
            yield StageProgress(progress, task, self.console)

    def print(self, message: str, style: str | None = None) -> None:
        """Print ``message`` literally; a leading ``[yellow]``-style tag sets its style."""
        if self.console is None:
            return
        tag = _LEADING_STYLE.match(message)
        if tag and style is None:
            style, message = tag.group(1), message[tag.end():]
        print_literal(self.console, message, style)


NULL_REPORTER = Reporter(quiet=True)
