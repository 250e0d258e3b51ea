"""Exam blueprints and mock-exam attempts as stored."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import field
from datetime import datetime
from typing import Any

from srs.dates import from_ms, to_ms
from srs.model import value_class
from srs.store.connection import Connection


@value_class
class AttemptRow:
    """One row of `exam_attempts`; `result` is its JSON (extras while taken, then the report)."""

    id: int
    exam: str
    deck: str | None
    seed: int
    practice: bool
    question_count: int
    time_limit_s: int
    started_at: datetime
    finished_at: datetime | None
    status: str
    correct: int | None
    passed: bool | None
    result: dict[str, Any] = field(default_factory=dict)


@value_class
class AnswerRow:
    """One row of `exam_answers`: a question of an attempt and what was answered."""

    position: int
    card_id: str
    domain: str
    option_order: tuple[int, ...]
    chosen: frozenset[int] | None
    flagged: bool


@value_class
class NewQuestion:
    """A question to record with a new attempt."""

    position: int
    card_id: str
    domain: str
    option_order: tuple[int, ...]


def _attempt(row: sqlite3.Row) -> AttemptRow:
    return AttemptRow(
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


class ExamQueries(Connection):
    """The `blueprints`, `exam_attempts` and `exam_answers` tables."""

    def exam_attempts(
        self, exam: str | None = None, limit: int = 50, statuses: Sequence[str] | None = None
    ) -> list[AttemptRow]:
        """Attempts, newest first: of one exam code (None: all), in `statuses` (None: all)."""
        params: dict[str, Any] = {"exam": exam, "limit": limit}
        where = ""
        if statuses is not None:
            marks = {f"status{i}": status for i, status in enumerate(statuses)}
            where = f"status IN ({', '.join(':' + name for name in marks)}) AND "
            params |= marks
        rows = self.conn.execute(
            f"SELECT * FROM exam_attempts WHERE {where}(:exam IS NULL OR exam = :exam)"
            " ORDER BY started_at DESC, id DESC LIMIT :limit",
            params,
        ).fetchall()
        return [_attempt(row) for row in rows]

    def latest_attempt(self, statuses: Sequence[str]) -> AttemptRow | None:
        """The newest attempt in one of `statuses`, if any."""
        marks = ", ".join("?" * len(statuses))
        row = self.conn.execute(
            f"SELECT * FROM exam_attempts WHERE status IN ({marks})"
            " ORDER BY started_at DESC, id DESC LIMIT 1",
            list(statuses),
        ).fetchone()
        return _attempt(row) if row else None

    def exam_attempt(self, attempt_id: int) -> AttemptRow:
        """One attempt by id."""
        row = self.conn.execute("SELECT * FROM exam_attempts WHERE id = ?", (attempt_id,))
        return _attempt(row.fetchone())

    def find_exam_attempt(self, attempt_id: int) -> AttemptRow | None:
        """One attempt by id, or None when there is no such attempt."""
        row = self.conn.execute("SELECT * FROM exam_attempts WHERE id = ?", (attempt_id,))
        found = row.fetchone()
        return _attempt(found) if found else None

    def add_exam_attempt(
        self,
        *,
        exam: str,
        deck: str | None,
        seed: int,
        practice: bool,
        time_limit_s: int,
        started_at: datetime,
        result: Mapping[str, Any],
        questions: Sequence[NewQuestion],
    ) -> int:
        """Record a new attempt ('in_progress') with all its questions, in one transaction."""
        with self.transaction() as conn:
            cursor = conn.execute(
                "INSERT INTO exam_attempts (exam, deck, seed, practice, question_count,"
                " time_limit_s, started_at, status, result)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, 'in_progress', ?)",
                (
                    exam,
                    deck,
                    seed,
                    int(practice),
                    len(questions),
                    time_limit_s,
                    to_ms(started_at),
                    json.dumps(result),
                ),
            )
            attempt_id = cursor.lastrowid
            assert attempt_id is not None
            conn.executemany(
                "INSERT INTO exam_answers (attempt_id, position, card_id, domain, option_order)"
                " VALUES (?, ?, ?, ?, ?)",
                [
                    (attempt_id, q.position, q.card_id, q.domain, json.dumps(list(q.option_order)))
                    for q in questions
                ],
            )
        return attempt_id

    def exam_answers(self, attempt_id: int) -> list[AnswerRow]:
        """The questions of an attempt in exam order, with their answers and flags."""
        rows = self.conn.execute(
            "SELECT * FROM exam_answers WHERE attempt_id = ? ORDER BY position", (attempt_id,)
        ).fetchall()
        return [
            AnswerRow(
                position=row["position"],
                card_id=row["card_id"],
                domain=row["domain"] or "",
                option_order=tuple(json.loads(row["option_order"])),
                chosen=(
                    frozenset(json.loads(row["chosen"])) if row["chosen"] is not None else None
                ),
                flagged=bool(row["flagged"]),
            )
            for row in rows
        ]

    def reopen_exam_attempt(self, attempt_id: int) -> None:
        """Mark an attempt as being taken again (resumed)."""
        with self.transaction() as conn:
            conn.execute(
                "UPDATE exam_attempts SET status = 'in_progress', finished_at = NULL WHERE id = ?",
                (attempt_id,),
            )

    def save_exam_answer(
        self,
        attempt_id: int,
        position: int,
        chosen: frozenset[int] | None,
        correct: bool,
        answered_at: datetime,
        elapsed_s: float,
    ) -> None:
        """Save one answer (None clears it) and the time used so far, in one transaction."""
        with self.transaction() as conn:
            conn.execute(
                "UPDATE exam_answers SET chosen = ?, correct = ?, answered_at = ?"
                " WHERE attempt_id = ? AND position = ?",
                (
                    json.dumps(sorted(chosen)) if chosen is not None else None,
                    int(correct) if chosen is not None else None,
                    to_ms(answered_at) if chosen is not None else None,
                    attempt_id,
                    position,
                ),
            )
            self._save_elapsed(conn, attempt_id, elapsed_s)

    def save_exam_flag(
        self, attempt_id: int, position: int, flagged: bool, elapsed_s: float
    ) -> None:
        """Flag (or unflag) one question and save the time used so far, in one transaction."""
        with self.transaction() as conn:
            conn.execute(
                "UPDATE exam_answers SET flagged = ? WHERE attempt_id = ? AND position = ?",
                (int(flagged), attempt_id, position),
            )
            self._save_elapsed(conn, attempt_id, elapsed_s)

    @staticmethod
    def _save_elapsed(conn: sqlite3.Connection, attempt_id: int, elapsed_s: float) -> None:
        conn.execute(
            "UPDATE exam_attempts SET result = json_set(result, '$.elapsed_s', ?) WHERE id = ?",
            (round(elapsed_s, 1), attempt_id),
        )

    def interrupt_exam_attempt(
        self, attempt_id: int, at: datetime, elapsed_s: float, answered: int
    ) -> None:
        """Leave an attempt for later: 'interrupted' at `at`, with the time used and answered."""
        with self.transaction() as conn:
            conn.execute(
                "UPDATE exam_attempts SET status = 'interrupted', finished_at = ?,"
                " result = json_set(json_set(result, '$.elapsed_s', ?), '$.answered', ?)"
                " WHERE id = ?",
                (to_ms(at), round(elapsed_s, 1), answered, attempt_id),
            )

    def finish_exam_attempt(
        self,
        attempt_id: int,
        *,
        status: str,
        at: datetime,
        correct: int,
        passed: bool | None,
        report: Mapping[str, Any],
    ) -> None:
        """Store a scored attempt and its report (call inside a transaction to add writes)."""
        with self.transaction() as conn:
            conn.execute(
                "UPDATE exam_attempts SET status = ?, finished_at = ?, correct = ?, passed = ?,"
                " result = ? WHERE id = ?",
                (
                    status,
                    to_ms(at),
                    correct,
                    None if passed is None else int(passed),
                    json.dumps(report, ensure_ascii=False),
                    attempt_id,
                ),
            )
