"""The review log as the memory model reads it: fitting parameters and re-deriving memory."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import NamedTuple

from srs.store.connection import Connection
from srs.store.scope import QueueFilter


class LoggedGrade(NamedTuple):
    """One answer as the memory model needs it (rows come ordered by card, then log order)."""

    card_id: str
    deck: str
    reviewed_ms: int
    review_day: int  # ordinal of the scheduler day the answer counted for
    grade: int
    kind: int  # ReviewKind: 0 learn, 1 review, 2 relearn
    state_before: str  # 'new' restarts the memory (a card reset to new)


class MemoryQueries(Connection):
    """Read the log per card and write memory states back (`srs.memory.optimize`, `replay`)."""

    def logged_grades(self, flt: QueueFilter, *, studying: bool = False) -> Iterator[LoggedGrade]:
        """Every answer to the cards in `flt`, card by card, each card's answers in log order.

        `studying` leaves out suspended and orphaned cards (what a fit uses, as Anki's default
        preset search leaves out suspended cards).
        """
        where, params = flt.sql(studying=studying)
        cursor = self.conn.execute(
            "SELECT r.card_id, d.name, r.reviewed_at, r.review_day, r.grade, r.kind,"
            " r.state_before FROM reviews r JOIN cards c ON c.id = r.card_id"
            f" JOIN decks d ON d.id = c.deck_id WHERE {where} ORDER BY r.card_id, r.id",
            params,
        )
        for row in cursor:
            yield LoggedGrade(row[0], row[1], row[2], row[3], row[4], row[5], row[6])

    def logged_grade_count(self, flt: QueueFilter) -> int:
        """How many answers `logged_grades(flt)` yields (for progress)."""
        where, params = flt.sql(studying=False)
        row = self.conn.execute(
            f"SELECT COUNT(*) FROM reviews r JOIN cards c ON c.id = r.card_id WHERE {where}",
            params,
        ).fetchone()
        return int(row[0])

    def set_memories(self, rows: Iterable[tuple[float, float, int, str]]) -> None:
        """(stability, difficulty, last answer ms, card id) written in one statement (inside a
        transaction)."""
        self.conn.executemany(
            "UPDATE cards SET stability = ?, difficulty = ?, last_review = ? WHERE id = ?", rows
        )
