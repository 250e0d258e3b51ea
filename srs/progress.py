"""Progress of long work, reported by the library to whoever shows it.

Long operations (import, export, stats, memory replays) call a `Progress` callback as they go:
`progress(what, done, total)`, with `what` a short lowercase phrase ("reading deck files"),
`done` the items finished and `total` the items expected (None when unknown). The library
never decides whether or how progress is shown: the CLI passes a reporter that draws a bar on
a terminal after about a second (`srs.cli.progress`), scripts pass nothing. A callback must be
cheap; callers may report every item.
"""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["Progress", "no_progress"]

Progress = Callable[[str, int, "int | None"], None]


def no_progress(what: str, done: int, total: int | None) -> None:
    """The default: progress goes nowhere."""
