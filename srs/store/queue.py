"""What today's queue asks: bucket walks in queue order, counts, and the day's answers so far.

Speed: each bucket is one query that walks a partial index in queue order (migration m004)
and stops at its limit; the few cards buried today are worked out once, not per row.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

from srs.model import value_class
from srs.store.connection import Connection
from srs.store.scope import (
    DAY_LEARNING,
    LEARNING,
    NEW,
    NOT_BURIED,
    REVIEW,
    STUDYABLE,
    WITH_TAG,
    QueueFilter,
)
from srs.store.sql import like_escape

# Each bucket: the cards it holds, when they are due, and its order (then deck position).
BUCKETS: dict[str, tuple[str, str, str | None]] = {
    "learning": (LEARNING, "c.due_at <= :now_ms", "c.due_at"),
    "day_learning": (DAY_LEARNING, "c.due_day <= :today", "c.due_day"),
    "review": (REVIEW, "c.due_day <= :today", "c.due_day"),
    "new": (NEW, "1", None),
    "learn_ahead": (LEARNING, "c.due_at <= :ahead", "c.due_at"),
}


@value_class
class QueueScope:
    """The WHERE additions and parameters every bucket query of one queue shares."""

    where: str
    params: dict[str, Any]


@value_class
class DeckDue:
    """One deck's counts for the deck list."""

    deck_id: int
    name: str
    total: int
    new: int
    learning: int
    due: int


class QueueQueries(Connection):
    """Read-only queries over `cards` and `reviews` for the study queue and the deck list."""

    def studied_today(self, today: int, flt: QueueFilter) -> tuple[int, int]:
        """(new cards introduced, reviews done) on scheduler day `today`, within the filter."""
        where, params = flt.sql(studying=False)
        row = self.conn.execute(
            "SELECT COALESCE(SUM(r.state_before = 'new'), 0),"
            " COALESCE(SUM(r.state_before = 'review'), 0)"
            " FROM reviews r JOIN cards c ON c.id = r.card_id"
            f" WHERE r.review_day = :today AND {where}",
            params | {"today": today},
        ).fetchone()
        return int(row[0]), int(row[1])

    def studied_per_deck(self, today: int, state: str) -> dict[int, int]:
        """Deck id -> answers given on `today` to cards that were in `state` before."""
        rows = self.conn.execute(
            "SELECT c.deck_id, COUNT(*) FROM reviews r JOIN cards c ON c.id = r.card_id"
            " WHERE r.review_day = ? AND r.state_before = ? GROUP BY c.deck_id",
            (today, state),
        )
        return {row[0]: row[1] for row in rows}

    def studied_today_per_deck(self, today: int) -> dict[int, tuple[int, int]]:
        """Deck id -> (new cards introduced, reviews done) on scheduler day `today`."""
        return {
            row[0]: (row[1], row[2])
            for row in self.conn.execute(
                "SELECT c.deck_id, SUM(r.state_before = 'new'), SUM(r.state_before = 'review')"
                " FROM reviews r JOIN cards c ON c.id = r.card_id WHERE r.review_day = ?"
                " GROUP BY c.deck_id",
                (today,),
            )
        }

    def buried_siblings(self, today: int) -> list[str]:
        """New and review cards whose sibling was answered today (hidden until tomorrow)."""
        rows = self.conn.execute(
            "WITH answered AS (SELECT DISTINCT r.card_id FROM reviews r WHERE r.review_day = ?)"
            " SELECT s.id FROM cards s WHERE s.state IN ('new', 'review')"
            " AND s.note_id IN (SELECT c.note_id FROM cards c JOIN answered a ON a.card_id = c.id)"
            " AND s.id NOT IN (SELECT card_id FROM answered)",
            (today,),
        )
        return [row[0] for row in rows]

    def deck_names_by_id(self) -> dict[int, str]:
        """Every deck, id -> name."""
        return dict(self.conn.execute("SELECT id, name FROM decks").fetchall())

    def queue_scope(
        self, today: int, now_ms: int, flt: QueueFilter, *, bury_siblings: bool
    ) -> QueueScope:
        """The filter, burying and skipping rules of one queue, as shared SQL."""
        clauses = [NOT_BURIED]
        params: dict[str, Any] = {"today": today, "now_ms": now_ms}
        if flt.deck:
            rows = self.conn.execute(
                "SELECT id FROM decks WHERE name = ? OR name LIKE ? ESCAPE '\\'",
                (flt.deck, like_escape(flt.deck) + "/%"),
            )
            params["decks"] = json.dumps([row[0] for row in rows])
            clauses.append("c.deck_id IN (SELECT value FROM json_each(:decks))")
        if flt.tag:
            clauses.append(WITH_TAG)
            params["tag"] = flt.tag
        if bury_siblings:
            buried = self.buried_siblings(today)
            if buried:
                params["buried"] = json.dumps(buried)
                clauses.append("c.id NOT IN (SELECT value FROM json_each(:buried))")
        return QueueScope(" AND ".join(clauses), params)

    def bucket(
        self, name: str, scope: QueueScope, limit: int = -1, extra: dict[str, Any] | None = None
    ) -> Iterator[tuple[str, int]]:
        """(card id, deck id) of one bucket in queue order (`limit` -1: all of them)."""
        kind, due, order = BUCKETS[name]
        order_by = f"{order}, c.position" if order else "c.position"
        sql = (
            f"SELECT c.id, c.deck_id FROM cards c WHERE {kind} AND {due} AND {scope.where}"
            f" ORDER BY {order_by}"
        )
        params = scope.params | (extra or {})
        if limit >= 0:
            yield from self.conn.execute(f"{sql} LIMIT :n", params | {"n": limit})
        else:
            yield from self.conn.execute(sql, params)

    def bucket_counts(
        self, scope: QueueScope, new_left: int, review_left: int
    ) -> tuple[int, int, int]:
        """(new, learning, review) cards due now, new and review capped by what is left."""
        where = scope.where
        row = self.conn.execute(
            "SELECT"
            f" (SELECT COUNT(*) FROM (SELECT 1 FROM cards c WHERE {NEW} AND {where}"
            "    LIMIT :new_left)),"
            f" (SELECT COUNT(*) FROM cards c WHERE {LEARNING} AND c.due_at <= :now_ms AND {where})"
            f" + (SELECT COUNT(*) FROM cards c WHERE {DAY_LEARNING} AND c.due_day <= :today"
            f"    AND {where}),"
            f" (SELECT COUNT(*) FROM (SELECT 1 FROM cards c WHERE {REVIEW} AND c.due_day <= :today"
            f"    AND {where} LIMIT :review_left))",
            scope.params | {"new_left": new_left, "review_left": review_left},
        ).fetchone()
        return int(row[0]), int(row[1]), int(row[2])

    def deck_due_counts(
        self,
        today: int,
        now_ms: int,
        caps: Callable[[str, int, int], tuple[int, int]],
        studied: dict[int, tuple[int, int]] | None = None,
    ) -> list[DeckDue]:
        """Counts for every deck holding cards; `caps(name, new today, reviews today)` gives
        the deck's (new, review) caps left today.

        Each count is a range seek on the `cards_by_deck` index, capped by that deck's daily
        limit, so the cost follows the number of decks and the limits, not the collection size.
        """
        params: dict[str, Any] = {"today": today, "now_ms": now_ms}
        visible = f"c.deck_id = :deck AND {STUDYABLE} AND {NOT_BURIED}"
        buried = self.buried_siblings(today)
        if buried:
            visible += " AND c.id NOT IN (SELECT value FROM json_each(:buried))"
            params["buried"] = json.dumps(buried)
        capped = (
            "SELECT COUNT(*) FROM (SELECT 1 FROM cards c INDEXED BY cards_by_deck"
            " WHERE {} LIMIT {})"
        )
        new_sql = capped.format(f"c.state = 'new' AND {visible}", ":cap_new")
        due_sql = capped.format(
            f"c.state = 'review' AND c.due_day <= :today AND {visible}", ":cap_due"
        )
        learning_sql = (
            "SELECT COUNT(*) FROM cards c INDEXED BY cards_by_deck"
            f" WHERE c.state IN ('learning', 'relearning') AND {visible}"
            " AND (c.due_at <= :now_ms OR c.due_at IS NULL AND c.due_day <= :today)"
        )
        if studied is None:  # `studied_today_per_deck(today)`, when the caller has it already
            studied = self.studied_today_per_deck(today)
        totals = self.conn.execute(
            "SELECT d.id, d.name, t.n FROM decks d JOIN (SELECT c.deck_id, COUNT(*) AS n"
            " FROM cards c INDEXED BY cards_deck_total WHERE c.orphaned = 0 GROUP BY c.deck_id) t"
            " ON t.deck_id = d.id ORDER BY d.name"
        ).fetchall()
        result = []
        for deck_id, name, total in totals:
            cap_new, cap_due = caps(name, *studied.get(deck_id, (0, 0)))
            deck = params | {"deck": deck_id, "cap_new": cap_new, "cap_due": cap_due}
            result.append(
                DeckDue(
                    deck_id=deck_id,
                    name=name,
                    total=total,
                    new=self.conn.execute(new_sql, deck).fetchone()[0],
                    learning=self.conn.execute(learning_sql, deck).fetchone()[0],
                    due=self.conn.execute(due_sql, deck).fetchone()[0],
                )
            )
        return result
