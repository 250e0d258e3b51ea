"""Sitting a mock exam: what `srs exam` asks for, turned into an attempt under way (or done).

`start_exam` holds the rules of the command: resuming the latest unfinished attempt, the
blueprint and deck to draw from, the seed, the time limit (the exam's, `--minutes`, or none in
practice), and answering by script (`--answers`: every answer checked before the attempt is
recorded, then submitted, timed out if no time is left). A front end only shows the questions
of the session it gets back, or the report when the script already finished it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from srs.errors import SrsError
from srs.exam.attempts import (
    UNFINISHED,
    Attempt,
    ExamCollection,
    ExamSession,
    history,
    latest_unfinished,
)
from srs.exam.draw import draw, parse_answers
from srs.exam.report import scaled_limit_s
from srs.model import value_class

if TYPE_CHECKING:
    from srs.exam.report import ExamReport

__all__ = [
    "ExamRequest",
    "Sitting",
    "attempt_history",
    "clock_seed",
    "start_exam",
    "stored_report",
]


@value_class
class ExamRequest:
    """What `srs exam` was asked: which exam, how many questions, how long, how answered."""

    exam: str | None = None  # exam code; None: the target exam
    deck: str | None = None  # draw only from this deck (and its sub-decks)
    questions: int | None = None  # None: the blueprint's number
    minutes: float | None = None  # None: the blueprint's duration (untimed in practice)
    seed: int | None = None  # None: from the clock
    practice: bool = False  # show the answer after each question
    grade_cards: bool = False  # answer Again on the card of each wrong answer
    answers: str | None = None  # answer by script ("A,C,BD,-"), no screen
    resume: bool = False  # continue the latest interrupted attempt instead


@value_class
class Sitting:
    """An attempt under way; `report` is set when the request answered it by script."""

    session: ExamSession
    report: ExamReport | None = None


def clock_seed() -> int:
    """A seed from the clock, short enough to type again."""
    return time.time_ns() // 1000 % 1_000_000


def time_limit_s(
    minutes: float | None,
    practice: bool,
    exam_minutes: int,
    questions: int | None = None,
    exam_questions: int | None = None,
) -> int:
    """Seconds allowed: `minutes` if given, else none in practice, else the exam's duration
    scaled to the questions drawn (`scaled_limit_s`: a shorter mock keeps the real pace)."""
    if minutes is not None:
        return max(1, round(minutes * 60))
    if practice:
        return 0
    full = exam_minutes * 60
    if questions is None or exam_questions is None:
        return full
    return scaled_limit_s(full, questions, exam_questions)


def start_exam(
    col: ExamCollection, request: ExamRequest, *, now: datetime, tick: Callable[[], float]
) -> Sitting:
    """Start (or resume) the attempt `request` asks for; answer and submit it when scripted.

    SrsError (nothing recorded) for an unknown exam or deck, too many questions or a bad
    scripted answer; when resuming, there must be an unfinished attempt.
    """
    if request.resume:
        attempt = latest_unfinished(col.store)
        if attempt is None:
            raise SrsError("no interrupted exam to resume; start one with `srs exam`")
        session = ExamSession.resume(col, attempt, now=now, tick=tick)
        if request.answers is None:
            return Sitting(session)
        scripted = parse_answers(request.answers, session.questions)
    else:
        blueprint = col.blueprint(request.exam, now)
        cards = col.cards(deck=request.deck)
        seed = request.seed if request.seed is not None else clock_seed()
        drawn = draw(cards, blueprint, request.questions, seed)
        # Checked before the attempt is recorded, so a typo leaves nothing behind.
        parsed = (
            parse_answers(request.answers, drawn.questions) if request.answers is not None else None
        )
        session = ExamSession.start(
            col,
            blueprint,
            drawn,
            deck=request.deck,
            practice=request.practice,
            time_limit_s=time_limit_s(
                request.minutes,
                request.practice,
                blueprint.duration_minutes,
                len(drawn.questions),
                blueprint.questions,
            ),
            now=now,
            tick=tick,
            requested=request.questions or blueprint.questions,
        )
        if parsed is None:
            return Sitting(session)
        scripted = parsed
    return Sitting(session, _answer_in_order(session, scripted, request.grade_cards))


def _answer_in_order(
    session: ExamSession, parsed: dict[int, frozenset[int] | None], grade_cards: bool
) -> ExamReport:
    """`--answers`: answer the questions in order, then submit (time out if no time is left).

    "-" keeps a question as it is (unanswered, or its answer from before a resume).
    """
    for position, chosen in parsed.items():
        if chosen is not None:
            session.answer(position, chosen)
    left = session.remaining()
    return session.submit("timed_out" if left == 0 else "submitted", grade_cards=grade_cards)


def attempt_history(col: ExamCollection, exam: str | None = None) -> list[Attempt]:
    """Past attempts, newest first; `exam` (any spelling the blueprints know) filters."""
    code = col.blueprint(exam).code if exam else None
    return history(col.store, code)


def stored_report(col: ExamCollection, attempt_id: int) -> ExamReport:
    """The report kept with a finished attempt (`srs exam --report ID`), exactly as it was given.

    SrsError when there is no such attempt or it was never scored.
    """
    row = col.store.find_exam_attempt(attempt_id)
    if row is None:
        raise SrsError(f"no mock exam #{attempt_id}; `srs exam --history` lists them")
    attempt = Attempt.from_row(row)
    report = attempt.report
    if report is None:
        hint = "`srs exam --resume` continues it" if attempt.status in UNFINISHED else ""
        raise SrsError(f"mock exam #{attempt_id} is {attempt.status}; {hint}".rstrip("; "))
    return report
