"""Mock-exam attempts kept in the collection (`exam_attempts`, `exam_answers`).

An attempt and all its question rows are written when the exam starts; each answer and each
flag is then written in its own transaction the moment it is given, together with the time
used so far, so a crash, a closed terminal or Ctrl-C loses nothing answered and a resumed
attempt knows how much time is left. Finishing (scoring, the stored report and, with
`grade_cards`, an Again answer for each card answered wrongly) is one transaction.

Status of an attempt: 'in_progress' (being taken, or the process died), 'interrupted' (quit
or Ctrl-C; `finished_at` is when), 'submitted' or 'timed_out' (finished and scored; these are
what `srs stats` and the history's scores count).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol

from srs.errors import CardNotFound, SrsError
from srs.exam.draw import Draw, Question, Shortfall, is_correct, iso_instant
from srs.exam.report import (
    DomainScore,
    ExamReport,
    score,
    shortfall_from_dict,
    shortfall_to_dict,
)
from srs.model import Grade, value_class
from srs.store.exams import NewQuestion

if TYPE_CHECKING:
    from srs.exam.blueprints import Blueprint
    from srs.store import Store
    from srs.store.exams import AttemptRow
    from srs.views import CardView

__all__ = [
    "FINISHED",
    "UNFINISHED",
    "Attempt",
    "ExamCollection",
    "ExamSession",
    "finished_attempts",
    "history",
    "latest_unfinished",
]

FINISHED = ("submitted", "timed_out")
UNFINISHED = ("in_progress", "interrupted")


class ExamCollection(Protocol):
    """What mock exams need of a collection (`srs.collection.Collection` has all of it)."""

    @property
    def store(self) -> Store: ...

    def blueprint(self, code: str | None = None, now: datetime | None = None) -> Blueprint: ...

    def cards(self, deck: str | None = None, tag: str | None = None) -> Iterable[CardView]: ...

    def card(self, card_id: str) -> CardView: ...

    def answer(self, card_id: str, grade: Grade, now: datetime, duration_ms: int = 0) -> object: ...


@value_class
class Attempt:
    """One row of `exam_attempts`."""

    id: int
    exam: str
    deck: str | None
    seed: int
    practice: bool
    question_count: int
    time_limit_s: int  # 0: untimed (practice without --minutes)
    started_at: datetime
    finished_at: datetime | None
    status: str
    correct: int | None
    passed: bool | None
    result: dict[str, Any] = field(default_factory=dict)  # see the typed properties below

    @classmethod
    def from_row(cls, row: AttemptRow) -> Attempt:
        return cls(
            id=row.id,
            exam=row.exam,
            deck=row.deck,
            seed=row.seed,
            practice=row.practice,
            question_count=row.question_count,
            time_limit_s=row.time_limit_s,
            started_at=row.started_at,
            finished_at=row.finished_at,
            status=row.status,
            correct=row.correct,
            passed=row.passed,
            result=row.result,
        )

    @property
    def finished(self) -> bool:
        """Submitted or timed out: scored, with a stored report."""
        return self.status in FINISHED

    @property
    def report(self) -> ExamReport | None:
        """The stored report of a finished attempt."""
        return ExamReport.from_dict(self.result) if self.finished else None

    @property
    def domain_scores(self) -> tuple[DomainScore, ...]:
        """Per-domain scores of a finished attempt (empty before it is finished)."""
        return tuple(DomainScore.from_dict(d) for d in self.result.get("domains", []))

    @property
    def score(self) -> float | None:
        """Share answered right of a finished attempt."""
        if self.finished and self.correct is not None and self.question_count:
            return self.correct / self.question_count
        return None

    @property
    def answered(self) -> int | None:
        """Questions answered, once the attempt was left or finished."""
        answered: int | None = self.result.get("answered")
        return answered

    @property
    def elapsed_s(self) -> float:
        """Seconds used so far, as saved with each change."""
        return float(self.result.get("elapsed_s", 0))

    @property
    def time_used_s(self) -> float | None:
        """The time used: the report's once finished, else the time saved so far."""
        used: float | None = self.result.get("time_used_s", self.result.get("elapsed_s"))
        return used

    @property
    def shortfalls(self) -> tuple[Shortfall, ...]:
        """Domains with fewer questions than their weight asked for when it was drawn."""
        return tuple(shortfall_from_dict(s) for s in self.result.get("shortfalls", []))

    @property
    def requested(self) -> int | None:
        """How many questions were asked for when it was drawn."""
        requested: int | None = self.result.get("requested")
        return requested

    def to_dict(self) -> dict[str, Any]:
        """The `srs exam --history --json` object."""
        finished = self.finished
        score = self.score
        return {
            "id": self.id,
            "exam": self.exam,
            "deck": self.deck,
            "seed": self.seed,
            "practice": self.practice,
            "started_at": iso_instant(self.started_at),
            "finished_at": iso_instant(self.finished_at),
            "status": self.status,
            "questions": self.question_count,
            "answered": self.answered,
            "correct": self.correct if finished else None,
            "score": round(score, 4) if score is not None else None,
            "passed": self.passed if finished else None,
            "time_used_s": self.time_used_s,
            "domains": [
                {"domain": d.domain, "name": d.name, "questions": d.questions, "correct": d.correct}
                for d in self.domain_scores
            ]
            if finished
            else [],
        }


def history(store: Store, exam: str | None = None, limit: int = 50) -> list[Attempt]:
    """Past attempts, newest first (all statuses; `exam` filters by code)."""
    return [Attempt.from_row(row) for row in store.exam_attempts(exam, limit)]


def finished_attempts(store: Store, exam: str | None, limit: int) -> list[Attempt]:
    """The latest scored attempts (submitted or timed out), newest first."""
    return [Attempt.from_row(row) for row in store.exam_attempts(exam, limit, FINISHED)]


def latest_unfinished(store: Store) -> Attempt | None:
    """The newest attempt that was interrupted or never finished, if any."""
    row = store.latest_attempt(UNFINISHED)
    return Attempt.from_row(row) if row else None


class ExamSession:
    """One attempt being taken: questions, answers and flags, each saved as it changes.

    Time is injected: `now` is the instant this run started (`--now` or the clock) and `tick`
    a monotonic clock in seconds, so answers get real instants and the exam clock keeps
    running across a resume from the time used before.
    """

    def __init__(
        self,
        col: ExamCollection,
        blueprint: Blueprint,
        attempt: Attempt,
        questions: Sequence[Question],
        *,
        now: datetime,
        tick: Callable[[], float],
        answers: dict[int, frozenset[int] | None] | None = None,
        flagged: set[int] | None = None,
        elapsed_before: float = 0.0,
    ) -> None:
        self.col = col
        self.blueprint = blueprint
        self.attempt = attempt
        self.questions = tuple(questions)
        self.answers: dict[int, frozenset[int] | None] = answers or {}
        self.flagged: set[int] = flagged or set()
        self.run_start = now
        self.tick = tick
        self.tick0 = tick()
        self.elapsed_before = elapsed_before
        self.report: ExamReport | None = None

    # -- starting and resuming -------------------------------------------------------------

    @classmethod
    def start(
        cls,
        col: ExamCollection,
        blueprint: Blueprint,
        drawn: Draw,
        *,
        deck: str | None,
        practice: bool,
        time_limit_s: int,
        now: datetime,
        tick: Callable[[], float],
        requested: int | None = None,
    ) -> ExamSession:
        """Record a new attempt with all its questions (one transaction) and return it."""
        extra = {
            "shortfalls": [shortfall_to_dict(s) for s in drawn.shortfalls],
            "requested": requested if requested is not None else len(drawn.questions),
            "elapsed_s": 0,
        }
        attempt_id = col.store.add_exam_attempt(
            exam=blueprint.code,
            deck=deck,
            seed=drawn.seed,
            practice=practice,
            time_limit_s=time_limit_s,
            started_at=now,
            result=extra,
            questions=[
                NewQuestion(q.position, q.card.id, q.domain, q.order) for q in drawn.questions
            ],
        )
        attempt = Attempt.from_row(col.store.exam_attempt(attempt_id))
        return cls(col, blueprint, attempt, drawn.questions, now=now, tick=tick)

    @classmethod
    def resume(
        cls,
        col: ExamCollection,
        attempt: Attempt,
        *,
        now: datetime,
        tick: Callable[[], float],
    ) -> ExamSession:
        """Continue an interrupted (or abandoned) attempt with the time it has left."""
        if attempt.status not in UNFINISHED:
            raise SrsError(f"exam attempt {attempt.id} is {attempt.status}; nothing to resume")
        blueprint = col.blueprint(attempt.exam)
        rows = col.store.exam_answers(attempt.id)
        questions: list[Question] = []
        answers: dict[int, frozenset[int] | None] = {}
        flagged: set[int] = set()
        for row in rows:
            try:
                card = col.card(row.card_id)
            except CardNotFound:
                raise SrsError(
                    f"exam attempt {attempt.id}: card {row.card_id} no longer exists;"
                    " start a new exam"
                ) from None
            order = row.option_order
            if sorted(order) != list(range(len(card.options))):
                raise SrsError(
                    f"exam attempt {attempt.id}: card {card.source} changed its options since"
                    " the exam started; start a new exam"
                )
            questions.append(Question(row.position, card, row.domain, order))
            if row.chosen is not None:
                answers[row.position] = row.chosen
            if row.flagged:
                flagged.add(row.position)
        elapsed = attempt.elapsed_s
        col.store.reopen_exam_attempt(attempt.id)
        return cls(
            col,
            blueprint,
            attempt,
            questions,
            now=now,
            tick=tick,
            answers=answers,
            flagged=flagged,
            elapsed_before=elapsed,
        )

    # -- time ------------------------------------------------------------------------------

    def now(self) -> datetime:
        """The current instant: this run's start plus the monotonic time since."""
        return self.run_start + timedelta(seconds=self.tick() - self.tick0)

    def elapsed(self) -> float:
        """Seconds used on this attempt so far (all runs of it)."""
        return self.elapsed_before + (self.tick() - self.tick0)

    @property
    def timed(self) -> bool:
        return self.attempt.time_limit_s > 0

    def remaining(self) -> float | None:
        """Seconds left (never below 0), or None for an untimed attempt."""
        if not self.timed:
            return None
        return max(0.0, self.attempt.time_limit_s - self.elapsed())

    # -- answering -------------------------------------------------------------------------

    def answer(self, position: int, chosen: frozenset[int] | None) -> bool:
        """Save the answer to one question (None clears it); True when it is right."""
        question = self.questions[position]
        right = is_correct(question, chosen)
        at, elapsed = self.now(), self.elapsed()
        self.col.store.save_exam_answer(self.attempt.id, position, chosen, right, at, elapsed)
        self.answers[position] = chosen
        return right

    def flag(self, position: int, flagged: bool) -> None:
        """Mark a question for review before submitting (or unmark it)."""
        self.col.store.save_exam_flag(self.attempt.id, position, flagged, self.elapsed())
        if flagged:
            self.flagged.add(position)
        else:
            self.flagged.discard(position)

    def unanswered(self) -> list[int]:
        return [q.position for q in self.questions if self.answers.get(q.position) is None]

    # -- ending ----------------------------------------------------------------------------

    def interrupt(self) -> None:
        """Leave the attempt for later: status 'interrupted', answers and time used kept."""
        elapsed = self.elapsed()
        if self.timed:
            elapsed = min(elapsed, self.attempt.time_limit_s)
        self.col.store.interrupt_exam_attempt(
            self.attempt.id,
            self.now(),
            elapsed,
            len(self.questions) - len(self.unanswered()),
        )

    def submit(self, status: str, *, grade_cards: bool = False) -> ExamReport:
        """Score the attempt and store its report ('submitted' or 'timed_out').

        With `grade_cards`, each card whose question was answered wrongly is answered Again
        at the finish instant, in the same transaction, so it falls due as a lapse (a new
        card goes into learning). Unanswered questions are scored wrong but do not grade
        their cards: not reaching a question says nothing about knowing it.
        """
        if status not in FINISHED:
            raise ValueError(f"cannot finish an attempt as {status!r}")
        at = self.now()
        used = self.elapsed()
        if self.timed:
            used = min(used, self.attempt.time_limit_s)
        report = score(
            self.blueprint,
            self.questions,
            self.answers,
            attempt_id=self.attempt.id,
            status=status,
            seed=self.attempt.seed,
            practice=self.attempt.practice,
            deck=self.attempt.deck,
            started_at=self.attempt.started_at,
            finished_at=at,
            time_limit_s=self.attempt.time_limit_s,
            time_used_s=used,
            flagged=self.flagged,
            shortfalls=self.attempt.shortfalls,
            requested=self.attempt.requested,
        )
        graded: list[str] = []
        with self.col.store.transaction():
            if grade_cards:
                for item in report.missed:
                    if item.chosen is None or item.card_id in graded:
                        continue
                    try:
                        self.col.answer(item.card_id, Grade.AGAIN, at)
                    except CardNotFound:  # purged since the draw: nothing to grade
                        continue
                    graded.append(item.card_id)
            report = report.with_graded(graded)
            self.col.store.finish_exam_attempt(
                self.attempt.id,
                status=status,
                at=at,
                correct=report.correct,
                passed=report.passed,
                report=report.to_dict(),
            )
        self.report = report
        return report

    def finish(self, status: str, *, grade_cards: bool = False) -> dict[str, Any]:
        """`submit`, returning the report as its JSON object (what `--json` prints)."""
        return self.submit(status, grade_cards=grade_cards).to_dict()
