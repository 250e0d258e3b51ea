"""Today's study queue: which cards a session surfaces now, in which order.

Order (Anki v3 with default settings): intraday learning cards that are due, then interday
learning and review cards due today (most overdue first), then new cards in deck order; when
nothing else is left, learning cards due within the learn-ahead limit (20 minutes).
Daily limits count what was already studied on the current scheduler day. Siblings of a card
answered today are buried until tomorrow; suspended, orphaned and skipped cards never show.

Speed: each bucket is one query that walks a partial index in queue order (migration m004)
and stops at its limit; the few cards buried today are worked out once, not per row.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

from srs.dates import Moment, to_ms
from srs.options import Options
from srs.store import Store, like_escape
from srs.store.scope import DAY_LEARNING, LEARNING, NEW, REVIEW, WITH_TAG, QueueFilter


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


def studied_today(store: Store, at: Moment, flt: QueueFilter) -> StudiedToday:
    """New cards introduced and reviews done on the current scheduler day (in the filter)."""
    where, params = flt.sql(studying=False)
    row = store.execute(
        "SELECT COALESCE(SUM(r.state_before = 'new'), 0),"
        " COALESCE(SUM(r.state_before = 'review'), 0)"
        f" FROM reviews r JOIN cards c ON c.id = r.card_id WHERE r.review_day = :today AND {where}",
        params | {"today": at.today.toordinal()},
    ).fetchone()
    return StudiedToday(new=int(row[0]), review=int(row[1]))


def buried_siblings(store: Store, at: Moment) -> list[str]:
    """New and review cards whose sibling was answered today (hidden until tomorrow)."""
    rows = store.execute(
        "WITH answered AS (SELECT DISTINCT r.card_id FROM reviews r WHERE r.review_day = ?)"
        " SELECT s.id FROM cards s WHERE s.state IN ('new', 'review')"
        " AND s.note_id IN (SELECT c.note_id FROM cards c JOIN answered a ON a.card_id = c.id)"
        " AND s.id NOT IN (SELECT card_id FROM answered)",
        (at.today.toordinal(),),
    )
    return [row[0] for row in rows]


@dataclass(frozen=True, slots=True)
class _Scope:
    """The WHERE additions and parameters every bucket query of one queue shares."""

    where: str
    params: dict[str, Any]


def _scope(store: Store, at: Moment, options: Options, flt: QueueFilter) -> _Scope:
    clauses = ["(c.buried_until IS NULL OR c.buried_until <= :today)"]
    params: dict[str, Any] = {"today": at.today.toordinal(), "now_ms": to_ms(at.now)}
    if flt.deck:
        rows = store.execute(
            "SELECT id FROM decks WHERE name = ? OR name LIKE ? ESCAPE '\\'",
            (flt.deck, like_escape(flt.deck) + "/%"),
        )
        params["decks"] = json.dumps([row[0] for row in rows])
        clauses.append("c.deck_id IN (SELECT value FROM json_each(:decks))")
    if flt.tag:
        clauses.append(WITH_TAG)
        params["tag"] = flt.tag
    if options.bury_siblings:
        buried = buried_siblings(store, at)
        if buried:
            params["buried"] = json.dumps(buried)
            clauses.append("c.id NOT IN (SELECT value FROM json_each(:buried))")
    return _Scope(" AND ".join(clauses), params)


@dataclass(slots=True)
class _DeckLimits:
    """Daily limits that decks set for themselves, which cap their cards under any parent.

    As in Anki v3, studying a parent deck never takes more cards from a sub-deck than the
    sub-deck's own limit (and its own ancestors' limits) allow today.
    """

    chains: dict[int, tuple[str, ...]]  # deck id -> limited decks it lies in (itself or above)
    left: dict[str, int]  # limited deck name -> cards its limit still allows today

    def take(self, deck_id: int) -> bool:
        """Whether one more card of this deck fits; if so, count it against every limit."""
        chain = self.chains.get(deck_id, ())
        if any(self.left[name] <= 0 for name in chain):
            return False
        for name in chain:
            self.left[name] -= 1
        return True


def _limited_decks(store: Store, key: str) -> list[str]:
    """Decks that set `key` (new_per_day or reviews_per_day) themselves."""
    return [deck for deck in store.config_scopes() if key in store.config_values(deck)]


def _deck_limits(
    store: Store, at: Moment, options_for: Callable[[str], Options] | None, key: str, state: str
) -> _DeckLimits | None:
    """Limits (`key`: new_per_day or reviews_per_day) set on decks; None when none are."""
    limited = _limited_decks(store, key) if options_for is not None else []
    if not limited or options_for is None:
        return None
    names = dict(store.execute("SELECT id, name FROM decks").fetchall())
    studied = dict(
        store.execute(
            "SELECT c.deck_id, COUNT(*) FROM reviews r JOIN cards c ON c.id = r.card_id"
            " WHERE r.review_day = ? AND r.state_before = ? GROUP BY c.deck_id",
            (at.today.toordinal(), state),
        ).fetchall()
    )

    def within(name: str, deck: str) -> bool:
        return name == deck or name.startswith(deck + "/")

    left = {}
    for deck in limited:
        used = sum(n for deck_id, n in studied.items() if within(names.get(deck_id, ""), deck))
        left[deck] = max(int(getattr(options_for(deck), key)) - used, 0)
    chains = {
        deck_id: tuple(deck for deck in limited if within(name, deck))
        for deck_id, name in names.items()
    }
    return _DeckLimits(chains, left)


def build_queue(
    store: Store,
    at: Moment,
    options: Options,
    flt: QueueFilter,
    limit: int | None = None,
    options_for: Callable[[str], Options] | None = None,
) -> list[tuple[str, str]]:
    """(card id, bucket) in study order; bucket is 'learning', 'review' or 'new'.

    `options_for(deck name)` gives each deck's options, so that limits set on sub-decks cap
    their cards when a parent (or the whole collection) is studied.
    """
    scope = _scope(store, at, options, flt)
    done = studied_today(store, at, flt)
    queue: list[tuple[str, str]] = []

    def room(cap: int | None) -> int:
        caps = [c for c in (cap, None if limit is None else limit - len(queue)) if c is not None]
        return min(caps) if caps else -1  # SQLite: LIMIT -1 is no limit

    def take(
        sql: str,
        bucket: str,
        cap: int | None = None,
        extra: dict[str, Any] | None = None,
        decks: _DeckLimits | None = None,
    ) -> None:
        n = room(cap)
        if n == 0:
            return
        if decks is None:
            rows = store.execute(f"{sql} LIMIT :n", scope.params | (extra or {}) | {"n": n})
            queue.extend((row[0], bucket) for row in rows)
            return
        # Walk the bucket in queue order, skipping cards whose deck used up its own limit.
        for card_id, deck_id in store.execute(sql, scope.params | (extra or {})):
            if n == 0:
                break
            if decks.take(deck_id):
                queue.append((card_id, bucket))
                n -= 1

    where = scope.where
    take(_bucket_sql(LEARNING, "c.due_at <= :now_ms", where, "c.due_at"), "learning")
    take(_bucket_sql(DAY_LEARNING, "c.due_day <= :today", where, "c.due_day"), "learning")
    take(
        _bucket_sql(REVIEW, "c.due_day <= :today", where, "c.due_day"),
        "review",
        max(options.reviews_per_day - done.review, 0),
        decks=_deck_limits(store, at, options_for, "reviews_per_day", "review"),
    )
    take(
        _bucket_sql(NEW, "1", where, None),
        "new",
        max(options.new_per_day - done.new, 0),
        decks=_deck_limits(store, at, options_for, "new_per_day", "new"),
    )
    if not queue:
        ahead = to_ms(at.now + timedelta(minutes=options.learn_ahead_minutes))
        take(
            _bucket_sql(LEARNING, "c.due_at <= :ahead", where, "c.due_at"),
            "learning",
            extra={"ahead": ahead},
        )
    return queue


def _bucket_sql(kind: str, due: str, where: str, order: str | None) -> str:
    """Cards of one bucket in queue order: (id, deck id) rows."""
    order_by = f"{order}, c.position" if order else "c.position"
    return (
        f"SELECT c.id, c.deck_id FROM cards c WHERE {kind} AND {due} AND {where}"
        f" ORDER BY {order_by}"
    )


def queue_counts(
    store: Store,
    at: Moment,
    options: Options,
    flt: QueueFilter,
    options_for: Callable[[str], Options] | None = None,
) -> QueueCounts:
    """Counts for the header, with the daily limits applied (decks' own limits too)."""
    scope = _scope(store, at, options, flt)
    done = studied_today(store, at, flt)
    new_left = max(options.new_per_day - done.new, 0)
    review_left = max(options.reviews_per_day - done.review, 0)
    where = scope.where
    row = store.execute(
        "SELECT"
        f" (SELECT COUNT(*) FROM (SELECT 1 FROM cards c WHERE {NEW} AND {where} LIMIT :new_left)),"
        f" (SELECT COUNT(*) FROM cards c WHERE {LEARNING} AND c.due_at <= :now_ms AND {where})"
        f" + (SELECT COUNT(*) FROM cards c WHERE {DAY_LEARNING} AND c.due_day <= :today"
        f"    AND {where}),"
        f" (SELECT COUNT(*) FROM (SELECT 1 FROM cards c WHERE {REVIEW} AND c.due_day <= :today"
        f"    AND {where} LIMIT :review_left))",
        scope.params | {"new_left": new_left, "review_left": review_left},
    ).fetchone()
    counts = QueueCounts(new=int(row[0]), learning=int(row[1]), review=int(row[2]))
    if options_for is not None and (
        _limited_decks(store, "new_per_day") or _limited_decks(store, "reviews_per_day")
    ):
        # Sub-decks have limits of their own: count what the queue itself would hand out.
        buckets = [b for _, b in build_queue(store, at, options, flt, options_for=options_for)]
        counts = replace(counts, new=buckets.count("new"), review=buckets.count("review"))
    return counts


@dataclass(frozen=True, slots=True)
class DeckCounts:
    """One line of `srs decks`."""

    name: str
    total: int
    new: int
    learning: int
    due: int


def deck_counts(
    store: Store, at: Moment, options_for: Callable[[str], Options]
) -> list[DeckCounts]:
    """Counts for every deck holding cards.

    Each count is a range seek on the `cards_by_deck` index, capped by that deck's daily
    limit, so the cost follows the number of decks and the limits, not the collection size.
    """
    params: dict[str, Any] = {"today": at.today.toordinal(), "now_ms": to_ms(at.now)}
    visible = (
        "c.deck_id = :deck AND c.suspended = 0 AND c.orphaned = 0"
        " AND (c.buried_until IS NULL OR c.buried_until <= :today)"
    )
    buried = buried_siblings(store, at)
    if buried:
        visible += " AND c.id NOT IN (SELECT value FROM json_each(:buried))"
        params["buried"] = json.dumps(buried)
    capped = (
        "SELECT COUNT(*) FROM (SELECT 1 FROM cards c INDEXED BY cards_by_deck WHERE {} LIMIT {})"
    )
    new_sql = capped.format(f"c.state = 'new' AND {visible}", ":cap_new")
    due_sql = capped.format(f"c.state = 'review' AND c.due_day <= :today AND {visible}", ":cap_due")
    learning_sql = (
        "SELECT COUNT(*) FROM cards c INDEXED BY cards_by_deck"
        f" WHERE c.state IN ('learning', 'relearning') AND {visible}"
        " AND (c.due_at <= :now_ms OR c.due_at IS NULL AND c.due_day <= :today)"
    )
    studied = {
        row[0]: (row[1], row[2])
        for row in store.execute(
            "SELECT c.deck_id, SUM(r.state_before = 'new'), SUM(r.state_before = 'review')"
            " FROM reviews r JOIN cards c ON c.id = r.card_id WHERE r.review_day = :today"
            " GROUP BY c.deck_id",
            params,
        )
    }
    totals = store.execute(
        "SELECT d.id, d.name, t.n FROM decks d JOIN (SELECT c.deck_id, COUNT(*) AS n"
        " FROM cards c INDEXED BY cards_deck_total WHERE c.orphaned = 0 GROUP BY c.deck_id) t"
        " ON t.deck_id = d.id ORDER BY d.name"
    ).fetchall()
    result = []
    for deck_id, name, total in totals:
        options = options_for(name)
        new_today, reviews_today = studied.get(deck_id, (0, 0))
        deck = params | {
            "deck": deck_id,
            "cap_new": max(options.new_per_day - new_today, 0),
            "cap_due": max(options.reviews_per_day - reviews_today, 0),
        }
        result.append(
            DeckCounts(
                name=name,
                total=total,
                new=store.execute(new_sql, deck).fetchone()[0],
                learning=store.execute(learning_sql, deck).fetchone()[0],
                due=store.execute(due_sql, deck).fetchone()[0],
            )
        )
    return result
