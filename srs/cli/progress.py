"""Progress bars for long work: on stderr, only on a terminal, only past about a second.

The library reports into a `srs.progress.Progress` callback; `opened()` (srs.cli.root) gives
every collection a `TerminalProgress`. Nothing is drawn when stderr is not a terminal (a pipe,
a file, a test) or when the work ends within `SRS_PROGRESS_AFTER` seconds (default 1: a quick
command must not flash a bar). rich is imported only once a bar is actually drawn.
"""

from __future__ import annotations

import os
import sys
import time
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.progress import Progress as RichProgress
    from rich.progress import TaskID

__all__ = ["TerminalProgress"]

DEFAULT_AFTER = 1.0
REDRAW_EVERY = 0.1  # seconds between redraws: callers may report every item


def _delay() -> float:
    text = os.environ.get("SRS_PROGRESS_AFTER", "")
    try:
        return max(0.0, float(text)) if text else DEFAULT_AFTER
    except ValueError:
        return DEFAULT_AFTER


class TerminalProgress:
    """A `srs.progress.Progress` callback that draws a rich bar per kind of work under way.

    Each kind of work (`what`) has its own clock, started by its first report; its bar appears
    once that clock passes `after` (or at once when an earlier step of the command already
    showed one) and goes when the work reports `done == total` (the library always ends so),
    so no bar lingers under a screen the command draws next.
    """

    def __init__(self, stream: IO[str] | None = None, after: float | None = None) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = _isatty(self.stream)
        self.after = _delay() if after is None else after
        self.started: dict[str, float] = {}  # what -> its first report
        self.drawn_at = 0.0
        self.bar: RichProgress | None = None
        self.tasks: dict[str, TaskID] = {}
        self.shown = False  # once a bar was drawn, the next steps of the command show at once

    def __call__(self, what: str, done: int, total: int | None) -> None:
        if not self.enabled:
            return
        if total is not None and done >= total:
            self._finish(what)
            return
        now = time.monotonic()
        started = self.started.setdefault(what, now)
        if what not in self.tasks:
            if now - started < self.after and not self.shown:
                return
        elif now - self.drawn_at < REDRAW_EVERY:
            return
        bar = self.bar or self._start()
        self.shown = True
        task = self.tasks.get(what)
        if task is None:
            task = self.tasks[what] = bar.add_task(what, total=total)
        bar.update(task, completed=done, total=total)
        bar.refresh()
        self.drawn_at = now

    def _finish(self, what: str) -> None:
        self.started.pop(what, None)
        task = self.tasks.pop(what, None)
        if task is not None and self.bar is not None:
            self.bar.remove_task(task)
            if not self.tasks:
                self.close()

    def _start(self) -> RichProgress:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

        # NO_COLOR read here, not through srs.cli.root (which imports this module).
        console = Console(file=self.stream, no_color="NO_COLOR" in os.environ or None)
        self.bar = Progress(
            TextColumn("{task.description}"),
            BarColumn(bar_width=None),
            MofNCompleteColumn(),
            console=console,
            transient=True,
            auto_refresh=False,
            expand=True,
        )
        self.bar.start()
        return self.bar

    def close(self) -> None:
        """Take the bar off the screen (the command's own output follows)."""
        if self.bar is not None:
            self.bar.stop()
            self.bar = None


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False
