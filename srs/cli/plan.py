"""`srs plan`: where exam mode stands today: days left, phase, today's budget, readiness.

The figures come from `Collection.plan` and `Collection.readiness`, summed up by
`srs.memory.exam_mode.plan_summary`; this module only prints them (escaping deck-supplied
domain names), wrapped at whole words to the terminal, or emits them as JSON.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from srs.cli.root import (
    app,
    emit_json,
    exam_over_line,
    globals_of,
    opened,
    plural,
    user_errors,
)

if TYPE_CHECKING:
    from rich.console import RenderableType


@app.command()
def plan(
    ctx: typer.Context,
    deck: Annotated[
        str | None, typer.Option("--deck", help="Only this deck (and its sub-decks).")
    ] = None,
    json: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
) -> None:
    """Show the exam-mode plan: days left, phase, today's study and exam-day readiness."""
    from srs.memory.exam_mode import plan_summary
    from srs.store.scope import QueueFilter

    now = globals_of(ctx).now()
    flt = QueueFilter(deck=deck)
    with opened(ctx) as col, user_errors():
        col.queue(now, flt, limit=0)  # refuses an unknown deck
        day_plan = col.plan(now, flt)
        ready = col.readiness(now, flt)
        options = col.options(deck)
        status = col.exam_status(now)
        # inside: a kept plan reads its cards from the open collection when first asked
        data = plan_summary(day_plan, ready, options.daily_minutes)
    if json:
        emit_json(data | {"exam_status": status.to_dict() if status else None})
        return
    from srs.cli.screen import print_trimmed, terminal_console
    from srs.terminal import escape_text

    lines = [escape_text(line) for line in (status.notice() if status else [])] + describe(data)
    print_trimmed(terminal_console(), [_wrapped(line) for line in lines])


def _wrapped(line: str) -> RenderableType:
    """A line as rich wraps it at whole words; a marked row ("* " or "  ", the domains) wraps
    under its own text, past the mark."""
    from rich.table import Table
    from rich.text import Text

    if line[:2] not in ("* ", "  "):
        return Text(line)
    grid = Table.grid()
    grid.add_column(no_wrap=True)
    grid.add_column()
    grid.add_row(Text(line[:2]), Text(line[2:]))
    return grid


def _pct(value: float) -> str:
    return f"{100 * value:.1f}%"  # as `srs stats` writes it: no break between figure and unit


def _projected(figures: dict[str, Any]) -> str:
    value = figures["projected"]
    return "—" if value is None else _pct(value)


def _minutes(seconds: float) -> str:
    return f"{seconds / 60:.0f} min"


def describe(data: dict[str, Any]) -> list[str]:
    """The plan as a few plain lines (deck-supplied names escaped)."""
    from srs.terminal import escape_text

    exam = escape_text(data["exam"] or "the exam")
    days = data["days_left"]
    if data["phase"] == "done":
        from datetime import date

        return [
            f"{exam} was on {data['exam_date']}.",
            exam_over_line(date.fromisoformat(data["exam_date"])),
        ]
    today = data["today"]
    end_days = plural(data["end_phase_days"], "day")
    phase = (
        f"end phase (the last {end_days}: due dates ignored)"
        if data["phase"] == "end"
        else f"middle phase (end phase starts {end_days} before the exam)"
    )
    ready = data["readiness"]
    lines = [
        f"{exam} on {data['exam_date']}: {plural(days, 'day')} left · {phase}",
        f"Today ({data['daily_minutes']} min): reviews {today['reviews']['cards']}"
        f" ({_minutes(today['reviews']['seconds'])}) · new {today['new']['cards']}"
        f" ({_minutes(today['new']['seconds'])}) · fill {today['fill']['cards']}"
        f" ({_minutes(today['fill']['seconds'])}); done: {today['answered']} cards"
        f" in {_minutes(today['seconds_spent'])}, {today['left']} left"
        + (f" (re-planned {today['replans']}x with the time left)" if today["replans"] else ""),
        f"Cards: {data['cards']}, {data['unseen']} never studied; fully introduced by the exam"
        f" at this pace: {'yes' if data['fully_introduced_by_exam'] else 'NO'}",
        f"Exam-day recall of {ready['cards']} cards: {_projected(ready)} if you keep to the plan"
        f" (likely {_pct(ready['low'])}–{_pct(ready['high'])}), {_pct(ready['recall'])} if you"
        " stopped now",
    ]
    for domain in ready["domains"]:
        name = escape_text(f"{domain['domain']} {domain['name'] or ''}".strip())
        mark = "* " if domain["domain"] == ready["weakest_domain"] else "  "
        lines.append(
            f"{mark}{name}: {_projected(domain)} kept to plan, {_pct(domain['recall'])} now"
            f" ({domain['cards']} cards)"
        )
    if ready["weakest_domain"] is not None:
        lines.append("* weakest domain: work on it first")
    from srs.memory.calibration import describe as calibration_lines

    lines.append(" ".join(calibration_lines(ready["calibration"] or {}, as_planned=True)))
    return lines
