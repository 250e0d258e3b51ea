"""Review history carried in with imported notes: past answers and a card's starting state."""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date, datetime

from srs.dates import to_ms
from srs.model import Grade, ReviewKind, SchedulingState, value_class
from srs.store.connection import Connection
from srs.store.rows import FLAG_COLUMNS, state_to_columns
from srs.store.sql import indexes_built_after


@value_class
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


_BATCH = 5000
_BULK = 20_000  # past answers from which an empty log's indexes are built after the rows


@value_class
class StartState:
    """The state a card had elsewhere, given to it when an import adds it."""

    card_id: str
    state: SchedulingState
    suspended: bool = False
    buried_until: date | None = None


@functools.lru_cache(maxsize=4096)
def _snapshot(state: SchedulingState) -> str:
    """A review's before/after JSON, shaped as an answer's card snapshot (flags cleared)."""
    return json.dumps(
        state_to_columns(state) | dict.fromkeys(FLAG_COLUMNS, None), separators=(",", ":")
    )


def start_columns(item: StartState) -> dict[str, object]:
    """The `cards` columns of a starting state: what `set_start_states` writes, and what an
    import puts straight into the row of a card it adds (`insert_cards`)."""
    return state_to_columns(item.state) | {
        "suspended": int(item.suspended),
        "buried_until": item.buried_until.toordinal() if item.buried_until else None,
    }


class HistoryQueries(Connection):
    """History an import writes into `reviews` and `cards` (inside its transaction)."""

    def add_past_reviews(self, card_id: str, reviews: Iterable[PastReview]) -> int:
        """Log past answers of a card, each once: one already logged at the same instant for
        the same card is skipped (so importing the same history again adds nothing).

        Returns how many were added.
        """
        return self.add_past_reviews_of((card_id, review) for review in reviews)

    def add_past_reviews_of(
        self, items: Iterable[tuple[str, PastReview]], *, new_cards: frozenset[str] = frozenset()
    ) -> int:
        """`add_past_reviews` for many cards at once: (card id, answer) pairs, written with
        one statement per batch (an Anki package brings 100k answers). Cards in `new_cards`
        were added by this import, so they have no answers yet and the check for one logged
        at the same instant is skipped. Returns how many were added.

        A large history of new cards only, going into an empty log (the first conversion of a
        package), is written with the log's indexes built afterwards: the same rows, about a
        third faster than keeping 100k rows indexed one by one."""
        items = list(items)
        if (
            self.conn.in_transaction
            and len(items) >= _BULK
            and all(card_id in new_cards for card_id, _ in items)
        ):
            with self._indexes_built_after():
                return self._add_past_reviews(items, new_cards)
        return self._add_past_reviews(items, new_cards)

    @contextmanager
    def _indexes_built_after(self) -> Iterator[None]:
        """Inside the caller's transaction: drop the log's indexes while rows are added and
        create them again, from their own stored definitions, at the end (only when the log
        is empty: otherwise rebuilding would cost more than it saves). An error rolls the
        transaction back, indexes included."""
        with indexes_built_after(self.conn, ("reviews",), empty="reviews"):
            yield

    def add_past_review_unchecked(self, card_id: str, review: PastReview) -> int:
        """Log one past answer the caller knows is not logged yet; its review id."""
        before, after = review.before, review.after
        cursor = self.conn.execute(
            _INSERT_REVIEW + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                card_id,
                to_ms(review.reviewed_at),
                review.review_day.toordinal(),
                int(review.grade),
                int(review.kind),
                review.scheduler,
                max(0, review.duration_ms),
                *_state_columns(before, after),
            ),
        )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def _add_past_reviews(
        self, items: list[tuple[str, PastReview]], new_cards: frozenset[str]
    ) -> int:
        added = 0
        batch: list[tuple[object, ...]] = []
        fresh: list[tuple[object, ...]] = []
        # The columns of a (before, after) pair, by the pair's identity (`items` keeps every
        # state alive): 100k answers of a package share a few hundred snapshots.
        pairs: dict[tuple[int, int], tuple[object, ...]] = {}
        for card_id, review in items:
            before, after = review.before, review.after
            key = (id(before), id(after))
            states = pairs.get(key)
            if states is None:
                states = pairs[key] = _state_columns(before, after)
            at = to_ms(review.reviewed_at)
            row = (
                card_id,
                at,
                review.review_day.toordinal(),
                int(review.grade),
                int(review.kind),
                review.scheduler,
                max(0, review.duration_ms),
                *states,
            )
            if card_id in new_cards:
                fresh.append(row)
                if len(fresh) >= _BATCH:
                    added += self._insert_reviews(fresh, check=False)
                    fresh = []
            else:
                batch.append((*row, card_id, at))
                if len(batch) >= _BATCH:
                    added += self._insert_reviews(batch)
                    batch = []
        if batch:
            added += self._insert_reviews(batch)
        if fresh:
            added += self._insert_reviews(fresh, check=False)
        return added

    def _insert_reviews(self, rows: list[tuple[object, ...]], *, check: bool = True) -> int:
        cursor = self.conn.executemany(
            _INSERT_REVIEW
            + (
                " SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?"
                " WHERE NOT EXISTS (SELECT 1 FROM reviews WHERE card_id = ? AND reviewed_at = ?)"
                if check
                else " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"  # a third faster
            ),
            rows,
        )
        return max(cursor.rowcount, 0)

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
        self.set_start_states([StartState(card_id, state, suspended, buried_until)])

    def set_start_states(self, items: Iterable[StartState]) -> None:
        """`set_start_state` for many cards, in batches of one statement."""
        statement = ""
        batch: list[dict[str, object]] = []
        for item in items:
            columns = start_columns(item)
            if not statement:
                assignments = ", ".join(f"{name} = :{name}" for name in columns)
                statement = f"UPDATE cards SET {assignments} WHERE id = :card_id"
            batch.append(columns | {"card_id": item.card_id})
            if len(batch) >= _BATCH:
                self.conn.executemany(statement, batch)
                batch = []
        if batch:
            self.conn.executemany(statement, batch)


_INSERT_REVIEW = (
    "INSERT INTO reviews (card_id, reviewed_at, review_day, grade, kind, scheduler,"
    " duration_ms, state_before, state_after, interval_before, interval_after,"
    " ease_before, ease_after, before, after)"
)


def _state_columns(before: SchedulingState, after: SchedulingState) -> tuple[object, ...]:
    """The log columns a (before, after) pair of states fills, in `_INSERT_REVIEW`'s order."""
    return (
        before.state.value,
        after.state.value,
        before.interval_days,
        after.interval_days,
        before.ease,
        after.ease,
        _snapshot(before),
        _snapshot(after),
    )
