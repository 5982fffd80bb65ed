"""Progress reporting for long stages: rich bars on stderr, or nothing with ``--quiet``.

Library functions take a :class:`StageProgress` so they never print themselves;
the CLI decides whether anyone is watching.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)


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
            self._console.print(message)


class Reporter:
    """Owns the rich display for a whole command; hands out one bar per stage."""

    def __init__(self, quiet: bool = False) -> None:
        self.quiet = quiet
        self.console = None if quiet else Console(stderr=True, highlight=False)

    @contextmanager
    def stage(self, description: str, total: int | None = None,
              unit: str = "docs") -> Iterator[StageProgress]:
        if self.quiet or self.console is None:
            yield StageProgress(None, None, None)
            return
        columns = [TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                   TextColumn(unit), TaskProgressColumn(), TimeElapsedColumn(),
                   TextColumn("eta"), TimeRemainingColumn()]
        with Progress(*columns, console=self.console, transient=False) as progress:
            task = progress.add_task(description, total=total)
            yield StageProgress(progress, task, self.console)

    def print(self, message: str) -> None:
        if self.console is not None:
            self.console.print(message)


NULL_REPORTER = Reporter(quiet=True)
