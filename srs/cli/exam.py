"""`srs exam`: a timed mock exam in the terminal, its report, and the history of attempts.

The command alone: its screen and report are `srs.cli.exam_screen`, imported when the command
runs, so that `srs --help` (which imports every command's module) does not load them. Drawing
and scoring live in `srs.exam.draw`, the saved attempt in `srs.exam.attempts`.
"""

from __future__ import annotations

import sys
import time
from typing import Annotated

import typer

from srs.cli.root import app, echo, emit_json, fail, globals_of, opened

NOT_A_TTY = (
    "srs exam needs a terminal (standard input is not one); "
    "scripts can answer with --answers A,C,BD,... and read the report with --json"
)


@app.command()
def exam(
    ctx: typer.Context,
    exam_code: Annotated[
        str | None,
        typer.Option("--exam", help="Exam code, e.g. MLA-C01 [default: the target exam]."),
    ] = None,
    deck: Annotated[
        str | None, typer.Option("--deck", help="Only this deck (and its sub-decks).")
    ] = None,
    questions: Annotated[
        int | None,
        typer.Option("--questions", min=1, help="Number of questions [default: the exam's]."),
    ] = None,
    minutes: Annotated[
        float | None,
        typer.Option(
            "--minutes", min=0.01, help="Time limit; fractions allowed [default: the exam's]."
        ),
    ] = None,
    seed: Annotated[
        int | None, typer.Option("--seed", help="Repeat a draw [default: from the clock].")
    ] = None,
    practice: Annotated[
        bool,
        typer.Option("--practice", help="Show the answer after each question (untimed)."),
    ] = False,
    grade_cards: Annotated[
        bool,
        typer.Option("--grade-cards", help="Answer Again on the card of each wrong answer."),
    ] = False,
    answers: Annotated[
        str | None,
        typer.Option(
            "--answers", help="Answer in order without a screen: A,C,BD,- ('-' = unanswered)."
        ),
    ] = None,
    history: Annotated[bool, typer.Option("--history", help="List past attempts.")] = False,
    report_id: Annotated[
        int | None,
        typer.Option(
            "--report", metavar="ID", help="Show a finished attempt's report again (--history)."
        ),
    ] = None,
    resume: Annotated[
        bool, typer.Option("--resume", help="Continue the latest interrupted attempt.")
    ] = False,
    json: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
) -> None:
    """Sit a mock exam drawn from multiple-choice cards by the exam's domain weights."""
    from srs.cli.exam_screen import interactive, print_report, show_history, show_report
    from srs.exam.sitting import ExamRequest, start_exam

    g = globals_of(ctx)
    if history:
        show_history(ctx, exam_code, json)
        return
    if report_id is not None:
        show_report(ctx, report_id, json)
        return
    if answers is None and not sys.stdin.isatty():
        raise fail(NOT_A_TTY)
    request = ExamRequest(
        exam=exam_code,
        deck=deck,
        questions=questions,
        minutes=minutes,
        seed=seed,
        practice=practice,
        grade_cards=grade_cards,
        answers=answers,
        resume=resume,
    )
    with opened(ctx) as col:
        sitting = start_exam(col, request, now=g.now(), tick=time.monotonic)
        status = col.exam_status(g.now(), sitting.session.blueprint.code)
        report, code = sitting.report, 0
        if report is None:
            report, code = interactive(sitting.session, grade_cards)
    if report is None:
        raise typer.Exit(code)
    if json:
        emit_json(report.to_dict() | {"exam_status": status.to_dict() if status else None})
    else:
        for line in status.notice() if status else []:
            echo(line)
        print_report(report)
    if code:
        raise typer.Exit(code)
