"""Today's study queue: which cards a session surfaces now, in which order.

Order (Anki v3 with default settings): intraday learning cards that are due, then interday
learning and review cards due today (most overdue first), then new cards in deck order; when
nothing else is left, learning cards due within the learn-ahead limit (20 minutes).
Daily limits count what was already studied on the current scheduler day. Siblings of a card
answered today are buried until tomorrow; suspended, orphaned and skipped cards never show.
All of it is SQL over indexed columns, so building a queue does not grow with history size.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from srs.dates import Moment, to_ms
from srs.options import Options
from srs.store import Store, like_escape


@dataclass(frozen=True, slots=True)
class QueueFilter:
    """Which cards a session studies: a deck (with its sub-decks) and/or a tag."""

    deck: str | None = None
    tag: str | None = None

    def sql(self, *, studying: bool = True) -> tuple[str, dict[str, Any]]:
        """A WHERE fragment over `cards c`; `studying` leaves out suspended and orphaned cards."""
        clauses = ["c.suspended = 0", "c.orphaned = 0"] if studying else ["1"]
        params: dict[str, Any] = {}
        if self.deck:
            clauses.append(
                "c.deck_id IN (SELECT id FROM decks WHERE name = :deck OR name LIKE :deck_prefix"
                " ESCAPE '\\')"
            )
            params |= {"deck": self.deck, "deck_prefix": like_escape(self.deck) + "/%"}
        if self.tag:
            clauses.append(
                "c.note_id IN (SELECT n.id FROM notes n, json_each(n.tags) t WHERE t.value = :tag)"
            )
            params["tag"] = self.tag
        return " AND ".join(clauses), params


@dataclass(frozen=True, slots=True)
class QueueCounts:
    """New / learning / review cards left in today's queue (what the header shows)."""

    new: int
    learning: int
    review: int

    @property
    def total(self) -> int:
        return self.new + self.learning + self.review


@dataclass(frozen=True, slots=True)
class StudiedToday:
    """What today's limits have already used up."""

    new: int
    review: int


def studied_today(store: Store, at: Moment) -> StudiedToday:
    """New cards introduced and reviews done on the current scheduler day."""
    row = store.execute(
        "SELECT COALESCE(SUM(state_before = 'new'), 0), COALESCE(SUM(state_before = 'review'), 0)"
        " FROM reviews WHERE review_day = ?",
        (at.today.toordinal(),),
    ).fetchone()
    return StudiedToday(new=int(row[0]), review=int(row[1]))


def _visible(flt: QueueFilter, at: Moment, options: Options) -> tuple[str, dict[str, Any]]:
    where, params = flt.sql()
    today = at.today.toordinal()
    where += " AND (c.buried_until IS NULL OR c.buried_until <= :today)"
    params |= {"today": today, "now_ms": to_ms(at.now)}
    if options.bury_siblings:
        # A sibling answered today buries the others (new and review) until tomorrow.
        where += (
            " AND NOT (c.state IN ('new', 'review') AND c.note_id IN ("
            "SELECT s.note_id FROM reviews r JOIN cards s ON s.id = r.card_id"
            " WHERE r.review_day = :today AND s.id != c.id))"
        )
    return where, params


def build_queue(
    store: Store, at: Moment, options: Options, flt: QueueFilter, limit: int | None = None
) -> list[tuple[str, str]]:
    """(card id, bucket) in study order; bucket is 'learning', 'review' or 'new'."""
    where, params = _visible(flt, at, options)
    done = studied_today(store, at)
    review_left = max(options.reviews_per_day - done.review, 0)
    new_left = max(options.new_per_day - done.new, 0)
    cap = limit if limit is not None else -1
    queue: list[tuple[str, str]] = []

    def take(sql: str, bucket: str, extra: dict[str, Any], n: int) -> None:
        if n == 0 or (limit is not None and len(queue) >= limit):
            return
        rows = store.execute(sql + " LIMIT :n", params | extra | {"n": n})
        queue.extend((row[0], bucket) for row in rows)

    take(
        f"SELECT c.id FROM cards c WHERE {where} AND c.due_at IS NOT NULL"
        " AND c.due_at <= :now_ms ORDER BY c.due_at, c.position",
        "learning",
        {},
        cap,
    )
    take(
        f"SELECT c.id FROM cards c WHERE {where} AND c.state IN ('learning', 'relearning')"
        " AND c.due_at IS NULL AND c.due_day <= :today ORDER BY c.due_day, c.position",
        "learning",
        {},
        cap,
    )
    take(
        f"SELECT c.id FROM cards c WHERE {where} AND c.state = 'review'"
        " AND c.due_day <= :today ORDER BY c.due_day, c.position",
        "review",
        {},
        review_left if limit is None else min(review_left, limit),
    )
    take(
        f"SELECT c.id FROM cards c WHERE {where} AND c.state = 'new' ORDER BY c.position",
        "new",
        {},
        new_left if limit is None else min(new_left, limit),
    )
    if not queue:
        ahead = to_ms(at.now + timedelta(minutes=options.learn_ahead_minutes))
        take(
            f"SELECT c.id FROM cards c WHERE {where} AND c.due_at IS NOT NULL"
            " AND c.due_at <= :ahead ORDER BY c.due_at",
            "learning",
            {"ahead": ahead},
            cap,
        )
    return queue if limit is None else queue[:limit]


def queue_counts(store: Store, at: Moment, options: Options, flt: QueueFilter) -> QueueCounts:
    """Counts for the header and `srs decks`, with the daily limits applied."""
    where, params = _visible(flt, at, options)
    row = store.execute(
        "SELECT"
        " COALESCE(SUM(c.state = 'new'), 0),"
        " COALESCE(SUM(c.due_at IS NOT NULL AND c.due_at <= :now_ms"
        "   OR (c.state IN ('learning', 'relearning') AND c.due_at IS NULL"
        "       AND c.due_day <= :today)), 0),"
        " COALESCE(SUM(c.state = 'review' AND c.due_day <= :today), 0)"
        f" FROM cards c WHERE {where}",
        params,
    ).fetchone()
    done = studied_today(store, at)
    return QueueCounts(
        new=min(int(row[0]), max(options.new_per_day - done.new, 0)),
        learning=int(row[1]),
        review=min(int(row[2]), max(options.reviews_per_day - done.review, 0)),
    )
