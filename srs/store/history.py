"""Review history carried in with imported notes: past answers and a card's starting state."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from srs.dates import to_ms
from srs.model import Grade, ReviewKind, SchedulingState
from srs.store.connection import Connection
from srs.store.rows import FLAG_COLUMNS, state_to_columns


@dataclass(frozen=True, slots=True)
class PastReview:
    """One answer given elsewhere (another tool, an older collection), to keep in the log."""

    reviewed_at: datetime
    review_day: date  # the scheduler day the answer counted for
    grade: Grade
    kind: ReviewKind
    before: SchedulingState
    after: SchedulingState
    duration_ms: int = 0
    scheduler: str = "import"  # the scheduler that gave the answer, if known


def _snapshot(state: SchedulingState) -> str:
    """A review's before/after JSON, shaped as an answer's card snapshot (flags cleared)."""
    return json.dumps(state_to_columns(state) | dict.fromkeys(FLAG_COLUMNS, None))


class HistoryQueries(Connection):
    """History an import writes into `reviews` and `cards` (inside its transaction)."""

    def add_past_reviews(self, card_id: str, reviews: Iterable[PastReview]) -> int:
        """Log past answers of a card, each once: one already logged at the same instant for
        the same card is skipped (so importing the same history again adds nothing).

        Returns how many were added.
        """
        added = 0
        for review in reviews:
            at = to_ms(review.reviewed_at)
            cursor = self.conn.execute(
                "INSERT INTO reviews (card_id, reviewed_at, review_day, grade, kind, scheduler,"
                " state_before, state_after, interval_before, interval_after, ease_before,"
                " ease_after, duration_ms, before, after)"
                " SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?"
                " WHERE NOT EXISTS (SELECT 1 FROM reviews WHERE card_id = ? AND reviewed_at = ?)",
                (
                    card_id,
                    at,
                    review.review_day.toordinal(),
                    int(review.grade),
                    int(review.kind),
                    review.scheduler,
                    review.before.state.value,
                    review.after.state.value,
                    review.before.interval_days,
                    review.after.interval_days,
                    review.before.ease,
                    review.after.ease,
                    max(0, review.duration_ms),
                    _snapshot(review.before),
                    _snapshot(review.after),
                    card_id,
                    at,
                ),
            )
            added += cursor.rowcount
        return added

    def set_start_state(
        self,
        card_id: str,
        state: SchedulingState,
        *,
        suspended: bool = False,
        buried_until: date | None = None,
    ) -> None:
        """Give a card just added by an import the scheduling state it had elsewhere (and
        whether it was suspended or buried there)."""
        columns = state_to_columns(state) | {
            "suspended": int(suspended),
            "buried_until": buried_until.toordinal() if buried_until else None,
        }
        assignments = ", ".join(f"{name} = :{name}" for name in columns)
        self.conn.execute(
            f"UPDATE cards SET {assignments} WHERE id = :card_id", columns | {"card_id": card_id}
        )
