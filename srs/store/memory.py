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
    kind: int  # ReviewKind: 0 learn, 1 review, 2 relearn, 3 early
    state_before: str  # 'new' restarts the memory (a card reset to new)


class RawGrade(NamedTuple):
    """`LoggedGrade` without the deck, as the log yields it (see `raw_grades`)."""

    card_id: str
    reviewed_ms: int
    review_day: int
    grade: int
    kind: int
    state_before: str


class MemoryQueries(Connection):
    """Read the log per card and write memory states back (`srs.memory.optimize`, `replay`)."""

    def logged_grades(self, flt: QueueFilter, *, studying: bool = False) -> Iterator[LoggedGrade]:
        """Every answer to the cards in `flt`, in log order (callers group them by card).

        `studying` leaves out suspended and orphaned cards (what a fit uses, as Anki's default
        preset search leaves out suspended cards). The log is read in its own order, with the
        cards' decks looked up once: sorting a million rows by card costs seconds.
        """
        decks = self.card_deck_names(flt, studying=studying)
        for card_id, at, day, grade, kind, before in self.raw_grades(flt, studying=studying):
            deck = decks.get(card_id)
            if deck is not None:
                yield LoggedGrade(card_id, deck, at, day, grade, kind, before)

    def raw_grades(self, flt: QueueFilter, *, studying: bool = False) -> Iterator[RawGrade]:
        """The rows of `logged_grades` as plain tuples (card id, ms, day, grade, kind, state
        before), without decks: the cheapest read of a large log."""
        where, params = flt.sql(studying=studying)
        scope = f" WHERE card_id IN (SELECT c.id FROM cards c WHERE {where})"
        cursor = self.conn.execute(
            "SELECT card_id, reviewed_at, review_day, grade, kind, state_before FROM reviews"
            f"{'' if where == '1' else scope} ORDER BY id",
            params,
        )
        return cursor

    def card_deck_names(self, flt: QueueFilter, *, studying: bool = False) -> dict[str, str]:
        """Card id -> deck name, for the cards in `flt`."""
        where, params = flt.sql(studying=studying)
        rows = self.conn.execute(
            f"SELECT c.id, d.name FROM cards c JOIN decks d ON d.id = c.deck_id WHERE {where}",
            params,
        )
        return dict(rows.fetchall())

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
