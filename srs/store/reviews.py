"""The review log: answers written, taken back, and read for a session's figures."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from typing import Any

from srs.model import Grade, ReviewKind, SchedulingState, value_class
from srs.store.connection import Connection


@value_class
class NewReview:
    """One answer as the log keeps it; `before`/`after` are `card_snapshot`s (undo puts
    `before` back exactly)."""

    card_id: str
    reviewed_ms: int
    review_day: int
    grade: Grade
    kind: ReviewKind
    scheduler: str
    state_before: SchedulingState
    state_after: SchedulingState
    duration_ms: int
    before: dict[str, Any]
    after: dict[str, Any]
    # FSRS recall predicted for this answer (m012): -1 none (first look, same day), None
    # not computed (a replay fills it in)
    predicted: float | None = None


@value_class
class LoggedAnswer:
    """A review-log row as undo needs it."""

    id: int
    card_id: str
    before: dict[str, Any]


@value_class
class AnswerTotals:
    """What a set of answers (one session's) adds up to."""

    answers: int
    cards: int
    new: int
    learning: int
    review: int
    review_passed: int
    duration_ms: int
    grades: dict[Grade, int]
    new_leeches: tuple[str, ...]  # cards these answers made leeches, in log order
    again: tuple[str, ...]  # cards answered Again, by first such answer


class ReviewQueries(Connection):
    """The `reviews` table."""

    def add_review(self, review: NewReview) -> int:
        """Append one answer to the log (inside the answer's transaction); its row id."""
        cursor = self.conn.execute(
            "INSERT INTO reviews (card_id, reviewed_at, review_day, grade, kind, scheduler,"
            " state_before, state_after, interval_before, interval_after, ease_before,"
            " ease_after, duration_ms, before, after)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                review.card_id,
                review.reviewed_ms,
                review.review_day,
                int(review.grade),
                int(review.kind),
                review.scheduler,
                review.state_before.state.value,
                review.state_after.state.value,
                review.state_before.interval_days,
                review.state_after.interval_days,
                review.state_before.ease,
                review.state_after.ease,
                review.duration_ms,
                json.dumps(review.before),
                json.dumps(review.after),
            ),
        )
        review_id = cursor.lastrowid
        assert review_id is not None
        if review.predicted is not None:
            self.conn.execute(
                "INSERT INTO predictions (review_id, predicted, recalled) VALUES (?, ?, ?)",
                (review_id, review.predicted, int(review.grade > Grade.AGAIN)),
            )
        return review_id

    def logged_answer(self, review_id: int | None = None) -> LoggedAnswer | None:
        """A review-log row by id (None: the latest answer of all)."""
        if review_id is None:
            row = self.conn.execute("SELECT * FROM reviews ORDER BY id DESC LIMIT 1").fetchone()
        else:
            row = self.conn.execute("SELECT * FROM reviews WHERE id = ?", (review_id,)).fetchone()
        if row is None:
            return None
        return LoggedAnswer(row["id"], row["card_id"], json.loads(row["before"]))

    def failed_card_ids(self, since_ms: int, limit: int) -> list[str]:
        """Live cards answered Again at or after `since_ms`, the latest failure first."""
        rows = self.conn.execute(
            "SELECT r.card_id, MAX(r.reviewed_at) AS last FROM reviews r"
            " JOIN cards c ON c.id = r.card_id"
            " WHERE r.grade = ? AND r.reviewed_at >= ? AND c.orphaned = 0"
            " GROUP BY r.card_id ORDER BY last DESC, r.card_id LIMIT ?",
            (int(Grade.AGAIN), since_ms, limit),
        )
        return [row[0] for row in rows]

    def answered_since(self, answer: LoggedAnswer) -> bool:
        """Whether the card of `answer` was answered again after it."""
        row = self.conn.execute(
            "SELECT 1 FROM reviews WHERE card_id = ? AND id > ?", (answer.card_id, answer.id)
        ).fetchone()
        return row is not None

    def delete_review(self, review_id: int) -> None:
        """Remove one answer from the log (undo; inside its transaction)."""
        self.conn.execute("DELETE FROM reviews WHERE id = ?", (review_id,))

    def new_cards_among(self, review_ids: Sequence[int]) -> int:
        """How many of these answers introduced a new card."""
        row = self.conn.execute(
            "SELECT COUNT(*) FROM reviews WHERE state_before = 'new'"
            " AND id IN (SELECT value FROM json_each(?))",
            (json.dumps(list(review_ids)),),
        ).fetchone()
        return int(row[0])

    def answer_totals(self, review_ids: Sequence[int]) -> AnswerTotals:
        """The figures of a session's answers, read back from the log."""
        ids = json.dumps(list(review_ids))
        row = self.conn.execute(
            "SELECT COUNT(*), COUNT(DISTINCT card_id),"
            " COALESCE(SUM(state_before = 'new'), 0),"
            " COALESCE(SUM(state_before IN ('learning', 'relearning')), 0),"
            " COALESCE(SUM(state_before = 'review'), 0),"
            " COALESCE(SUM(state_before = 'review' AND grade != 1), 0),"
            " COALESCE(SUM(duration_ms), 0)"
            " FROM reviews WHERE id IN (SELECT value FROM json_each(?))",
            (ids,),
        ).fetchone()
        grades = {
            Grade(g): n
            for g, n in self.conn.execute(
                "SELECT grade, COUNT(*) FROM reviews WHERE id IN (SELECT value FROM json_each(?))"
                " GROUP BY grade",
                (ids,),
            )
        }
        leeches = self._card_ids(
            "SELECT DISTINCT card_id FROM reviews WHERE id IN (SELECT value FROM json_each(?))"
            " AND json_extract(after, '$.leech') = 1"
            " AND COALESCE(json_extract(before, '$.leech'), 0) = 0",
            ids,
        )
        again = self._card_ids(
            "SELECT card_id FROM reviews WHERE id IN (SELECT value FROM json_each(?))"
            " AND grade = 1 GROUP BY card_id ORDER BY MIN(id)",
            ids,
        )
        return AnswerTotals(
            answers=int(row[0]),
            cards=int(row[1]),
            new=int(row[2]),
            learning=int(row[3]),
            review=int(row[4]),
            review_passed=int(row[5]),
            duration_ms=int(row[6]),
            grades=grades,
            new_leeches=leeches,
            again=again,
        )

    def failed_since(self, since_ms: int) -> dict[str, int]:
        """Card id -> answers graded Again at or after `since_ms` (a cram's `--failed-since`)."""
        rows = self.conn.execute(
            "SELECT card_id, COUNT(*) FROM reviews WHERE grade = 1 AND reviewed_at >= ?"
            " GROUP BY card_id",
            (since_ms,),
        )
        return {row[0]: int(row[1]) for row in rows}

    def _card_ids(self, sql: str, ids: str) -> tuple[str, ...]:
        rows: list[sqlite3.Row] = self.conn.execute(sql, (ids,)).fetchall()
        return tuple(row[0] for row in rows)
