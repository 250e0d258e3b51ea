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

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from srs.dates import from_ms, to_ms
from srs.errors import CardNotFound, SrsError
from srs.exam.draw import Draw, Question, build_report, is_correct, iso_instant
from srs.model import Grade

if TYPE_CHECKING:
    import sqlite3

    from srs.collection import Collection
    from srs.exam.blueprints import Blueprint
    from srs.store import Store

__all__ = ["Attempt", "ExamSession", "history", "latest_unfinished"]

FINISHED = ("submitted", "timed_out")
UNFINISHED = ("in_progress", "interrupted")


@dataclass(frozen=True, slots=True)
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
    result: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Attempt:
        return cls(
            id=row["id"],
            exam=row["exam"],
            deck=row["deck"],
            seed=row["seed"],
            practice=bool(row["practice"]),
            question_count=row["question_count"],
            time_limit_s=row["time_limit_s"],
            started_at=from_ms(row["started_at"]),
            finished_at=from_ms(row["finished_at"]) if row["finished_at"] is not None else None,
            status=row["status"],
            correct=row["correct"],
            passed=None if row["passed"] is None else bool(row["passed"]),
            result=json.loads(row["result"] or "{}"),
        )

    def to_dict(self) -> dict[str, Any]:
        """The `srs exam --history --json` object."""
        finished = self.status in FINISHED
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
            "answered": self.result.get("answered"),
            "correct": self.correct if finished else None,
            "score": (
                round(self.correct / self.question_count, 4)
                if finished and self.correct is not None and self.question_count
                else None
            ),
            "passed": self.passed if finished else None,
            "time_used_s": self.result.get("time_used_s", self.result.get("elapsed_s")),
            "domains": [
                {k: d[k] for k in ("domain", "name", "questions", "correct")}
                for d in self.result.get("domains", [])
            ]
            if finished
            else [],
        }


def history(store: Store, exam: str | None = None, limit: int = 50) -> list[Attempt]:
    """Past attempts, newest first (all statuses; `exam` filters by code)."""
    rows = store.execute(
        "SELECT * FROM exam_attempts WHERE (:exam IS NULL OR exam = :exam)"
        " ORDER BY started_at DESC, id DESC LIMIT :limit",
        {"exam": exam, "limit": limit},
    ).fetchall()
    return [Attempt.from_row(row) for row in rows]


def latest_unfinished(store: Store) -> Attempt | None:
    """The newest attempt that was interrupted or never finished, if any."""
    row = store.execute(
        "SELECT * FROM exam_attempts WHERE status IN ('in_progress', 'interrupted')"
        " ORDER BY started_at DESC, id DESC LIMIT 1"
    ).fetchone()
    return Attempt.from_row(row) if row else None


class ExamSession:
    """One attempt being taken: questions, answers and flags, each saved as it changes.

    Time is injected: `now` is the instant this run started (`--now` or the clock) and `tick`
    a monotonic clock in seconds, so answers get real instants and the exam clock keeps
    running across a resume from the time used before.
    """

    def __init__(
        self,
        col: Collection,
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
        self.report: dict[str, Any] | None = None

    # -- starting and resuming -------------------------------------------------------------

    @classmethod
    def start(
        cls,
        col: Collection,
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
        shortfalls = [
            {"domain": s.domain, "name": s.name, "wanted": s.wanted, "available": s.available}
            for s in drawn.shortfalls
        ]
        extra = {
            "shortfalls": shortfalls,
            "requested": requested if requested is not None else len(drawn.questions),
            "elapsed_s": 0,
        }
        with col.store.transaction() as conn:
            cursor = conn.execute(
                "INSERT INTO exam_attempts (exam, deck, seed, practice, question_count,"
                " time_limit_s, started_at, status, result)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, 'in_progress', ?)",
                (
                    blueprint.code,
                    deck,
                    drawn.seed,
                    int(practice),
                    len(drawn.questions),
                    time_limit_s,
                    to_ms(now),
                    json.dumps(extra),
                ),
            )
            attempt_id = cursor.lastrowid
            assert attempt_id is not None
            conn.executemany(
                "INSERT INTO exam_answers (attempt_id, position, card_id, domain, option_order)"
                " VALUES (?, ?, ?, ?, ?)",
                [
                    (attempt_id, q.position, q.card.id, q.domain, json.dumps(list(q.order)))
                    for q in drawn.questions
                ],
            )
        row = col.store.execute("SELECT * FROM exam_attempts WHERE id = ?", (attempt_id,))
        attempt = Attempt.from_row(row.fetchone())
        return cls(col, blueprint, attempt, drawn.questions, now=now, tick=tick)

    @classmethod
    def resume(
        cls,
        col: Collection,
        attempt: Attempt,
        *,
        now: datetime,
        tick: Callable[[], float],
    ) -> ExamSession:
        """Continue an interrupted (or abandoned) attempt with the time it has left."""
        if attempt.status not in UNFINISHED:
            raise SrsError(f"exam attempt {attempt.id} is {attempt.status}; nothing to resume")
        blueprint = col.blueprint(attempt.exam)
        rows = col.store.execute(
            "SELECT * FROM exam_answers WHERE attempt_id = ? ORDER BY position", (attempt.id,)
        ).fetchall()
        questions: list[Question] = []
        answers: dict[int, frozenset[int] | None] = {}
        flagged: set[int] = set()
        for row in rows:
            try:
                card = col.card(row["card_id"])
            except CardNotFound:
                raise SrsError(
                    f"exam attempt {attempt.id}: card {row['card_id']} no longer exists;"
                    " start a new exam"
                ) from None
            order = tuple(json.loads(row["option_order"]))
            if sorted(order) != list(range(len(card.options))):
                raise SrsError(
                    f"exam attempt {attempt.id}: card {card.source} changed its options since"
                    " the exam started; start a new exam"
                )
            questions.append(Question(row["position"], card, row["domain"] or "", order))
            if row["chosen"] is not None:
                answers[row["position"]] = frozenset(json.loads(row["chosen"]))
            if row["flagged"]:
                flagged.add(row["position"])
        elapsed = float(attempt.result.get("elapsed_s", 0))
        with col.store.transaction() as conn:
            conn.execute(
                "UPDATE exam_attempts SET status = 'in_progress', finished_at = NULL WHERE id = ?",
                (attempt.id,),
            )
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
        with self.col.store.transaction() as conn:
            conn.execute(
                "UPDATE exam_answers SET chosen = ?, correct = ?, answered_at = ?"
                " WHERE attempt_id = ? AND position = ?",
                (
                    json.dumps(sorted(chosen)) if chosen is not None else None,
                    int(right) if chosen is not None else None,
                    to_ms(at) if chosen is not None else None,
                    self.attempt.id,
                    position,
                ),
            )
            self._save_elapsed(conn, elapsed)
        self.answers[position] = chosen
        return right

    def flag(self, position: int, flagged: bool) -> None:
        """Mark a question for review before submitting (or unmark it)."""
        with self.col.store.transaction() as conn:
            conn.execute(
                "UPDATE exam_answers SET flagged = ? WHERE attempt_id = ? AND position = ?",
                (int(flagged), self.attempt.id, position),
            )
            self._save_elapsed(conn, self.elapsed())
        if flagged:
            self.flagged.add(position)
        else:
            self.flagged.discard(position)

    def _save_elapsed(self, conn: sqlite3.Connection, elapsed: float) -> None:
        conn.execute(
            "UPDATE exam_attempts SET result = json_set(result, '$.elapsed_s', ?) WHERE id = ?",
            (round(elapsed, 1), self.attempt.id),
        )

    def unanswered(self) -> list[int]:
        return [q.position for q in self.questions if self.answers.get(q.position) is None]

    # -- ending ----------------------------------------------------------------------------

    def interrupt(self) -> None:
        """Leave the attempt for later: status 'interrupted', answers and time used kept."""
        elapsed = self.elapsed()
        if self.timed:
            elapsed = min(elapsed, self.attempt.time_limit_s)
        with self.col.store.transaction() as conn:
            conn.execute(
                "UPDATE exam_attempts SET status = 'interrupted', finished_at = ?,"
                " result = json_set(json_set(result, '$.elapsed_s', ?), '$.answered', ?)"
                " WHERE id = ?",
                (
                    to_ms(self.now()),
                    round(elapsed, 1),
                    len(self.questions) - len(self.unanswered()),
                    self.attempt.id,
                ),
            )

    def finish(self, status: str, *, grade_cards: bool = False) -> dict[str, Any]:
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
        extra = self.attempt.result
        report = build_report(
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
            shortfalls=extra.get("shortfalls", []),
            requested=extra.get("requested"),
        )
        graded: list[str] = []
        with self.col.store.transaction() as conn:
            if grade_cards:
                for item in report["missed"]:
                    if item["chosen"] is None or item["card_id"] in graded:
                        continue
                    try:
                        self.col.answer(item["card_id"], Grade.AGAIN, at)
                    except CardNotFound:  # purged since the draw: nothing to grade
                        continue
                    graded.append(item["card_id"])
            report["graded_cards"] = graded
            conn.execute(
                "UPDATE exam_attempts SET status = ?, finished_at = ?, correct = ?, passed = ?,"
                " result = ? WHERE id = ?",
                (
                    status,
                    to_ms(at),
                    report["correct"],
                    None if report["passed"] is None else int(report["passed"]),
                    json.dumps(report, ensure_ascii=False),
                    self.attempt.id,
                ),
            )
        self.report = report
        return report
