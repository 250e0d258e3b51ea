"""`srs review`: the daily review session in the terminal.

The command alone: the screen is `srs.cli.review_screen`, imported when a review starts, so
that `srs --help` (which imports every command's module) does not load it. The session logic
(what comes next, limits, undo, figures) lives in `srs.study.session`.
"""

from __future__ import annotations

import sys
import time
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Annotated

import typer

from srs.cli.root import app, fail, globals_of, opened, say_if_exam_over

if TYPE_CHECKING:
    from srs.study.cram import CramSession
    from srs.study.session import Session

NOT_A_TTY = (
    "srs review needs a terminal (standard input is not one); "
    "scripts can study with `srs next` and `srs answer`"
)


@app.command()
def review(
    ctx: typer.Context,
    deck: Annotated[
        str | None, typer.Option("--deck", help="Only this deck (and its sub-decks).")
    ] = None,
    tag: Annotated[str | None, typer.Option("--tag", help="Only cards with this tag.")] = None,
    max_cards: Annotated[
        int | None, typer.Option("--max-cards", min=1, help="Stop after this many answers.")
    ] = None,
    max_new: Annotated[
        int | None, typer.Option("--max-new", min=0, help="Introduce at most this many new cards.")
    ] = None,
    minutes: Annotated[
        float | None, typer.Option("--minutes", min=0.1, help="Stop after this many minutes.")
    ] = None,
    cram: Annotated[
        bool,
        typer.Option(
            "--cram", help="Drill the chosen cards, due or not; nothing is saved to the schedule."
        ),
    ] = False,
    domain: Annotated[
        str | None, typer.Option("--domain", help="With --cram: only this exam domain (e.g. 2).")
    ] = None,
    failed_since: Annotated[
        int | None,
        typer.Option(
            "--failed-since", min=1, help="With --cram: only cards answered Again in DAYS days."
        ),
    ] = None,
) -> None:
    """Study the cards due now in the terminal (Space reveals, 1-4 grade, ? lists the keys)."""
    from srs.cli.review_screen import Reviewer
    from srs.cli.screen import terminal_console
    from srs.store.scope import QueueFilter
    from srs.study.cram import CramFilter, CramSession
    from srs.study.session import Limits, Session

    if not cram and (domain is not None or failed_since is not None):
        raise fail("--domain and --failed-since choose the cards of a drill: add --cram")
    if not sys.stdin.isatty():
        raise fail(NOT_A_TTY)
    g = globals_of(ctx)
    start, start_mono = g.now(), time.monotonic()

    def clock() -> datetime:
        # `--now` pins the start; the session then advances with the wall clock.
        return start + timedelta(seconds=time.monotonic() - start_mono)

    with opened(ctx) as col:
        limits = Limits(max_cards, max_new, minutes)
        session: Session | CramSession = (
            CramSession(col, clock, CramFilter(deck, tag, domain, failed_since), limits)
            if cram
            else Session(col, clock, QueueFilter(deck, tag), limits)
        )
        code = Reviewer(session, terminal_console()).run()
        say_if_exam_over(col, g.now(), deck)  # after the screen, so that it stays readable
    if code:
        raise typer.Exit(code)
