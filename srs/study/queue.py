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

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

from srs.dates import Moment, to_ms
from srs.model import value_class
from srs.options import Options
from srs.store import Store
from srs.store.queue import QueueScope
from srs.store.scope import QueueFilter


@value_class
class QueueCounts:
    """New / learning / review cards left in today's queue (what the header shows)."""

    new: int
    learning: int
    review: int

    @property
    def total(self) -> int:
        return self.new + self.learning + self.review


@value_class
class StudiedToday:
    """What today's limits have already used up."""

    new: int
    review: int


def studied_today(store: Store, at: Moment, flt: QueueFilter) -> StudiedToday:
    """New cards introduced and reviews done on the current scheduler day (in the filter)."""
    new, review = store.studied_today(at.today.toordinal(), flt)
    return StudiedToday(new=new, review=review)


def _scope(store: Store, at: Moment, options: Options, flt: QueueFilter) -> QueueScope:
    return store.queue_scope(
        at.today.toordinal(), to_ms(at.now), flt, bury_siblings=options.bury_siblings
    )


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


def limited_decks(store: Store, key: str) -> list[str]:
    """Decks that set `key` (new_per_day or reviews_per_day) themselves."""
    return [deck for deck in store.config_scopes() if key in store.config_values(deck)]


def _deck_limits(
    store: Store, at: Moment, options_for: Callable[[str], Options] | None, key: str, state: str
) -> _DeckLimits | None:
    """Limits (`key`: new_per_day or reviews_per_day) set on decks; None when none are."""
    limited = limited_decks(store, key) if options_for is not None else []
    if not limited or options_for is None:
        return None
    names = store.deck_names_by_id()
    studied = store.studied_per_deck(at.today.toordinal(), state)

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
        return min(caps) if caps else -1  # no limit

    def take(
        bucket: str,
        cap: int | None = None,
        extra: dict[str, Any] | None = None,
        decks: _DeckLimits | None = None,
    ) -> None:
        n = room(cap)
        if n == 0:
            return
        shown = "learning" if bucket in ("day_learning", "learn_ahead") else bucket
        if decks is None:
            queue.extend((card_id, shown) for card_id, _ in store.bucket(bucket, scope, n, extra))
            return
        # Walk the bucket in queue order, skipping cards whose deck used up its own limit.
        for card_id, deck_id in store.bucket(bucket, scope, extra=extra):
            if n == 0:
                break
            if decks.take(deck_id):
                queue.append((card_id, shown))
                n -= 1

    take("learning")
    take("day_learning")
    take(
        "review",
        max(options.reviews_per_day - done.review, 0),
        decks=_deck_limits(store, at, options_for, "reviews_per_day", "review"),
    )
    take(
        "new",
        max(options.new_per_day - done.new, 0),
        decks=_deck_limits(store, at, options_for, "new_per_day", "new"),
    )
    if not queue:
        ahead = to_ms(at.now + timedelta(minutes=options.learn_ahead_minutes))
        take("learn_ahead", extra={"ahead": ahead})
    return queue


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
    new, learning, review = store.bucket_counts(scope, new_left, review_left)
    counts = QueueCounts(new=new, learning=learning, review=review)
    if options_for is not None and (
        limited_decks(store, "new_per_day") or limited_decks(store, "reviews_per_day")
    ):
        # Sub-decks have limits of their own: count what the queue itself would hand out.
        buckets = [b for _, b in build_queue(store, at, options, flt, options_for=options_for)]
        counts = replace(counts, new=buckets.count("new"), review=buckets.count("review"))
    return counts


@value_class
class DeckCounts:
    """One line of `srs decks`."""

    name: str
    total: int
    new: int
    learning: int
    due: int


def deck_counts(
    store: Store,
    at: Moment,
    options_for: Callable[[str], Options],
    studied: dict[int, tuple[int, int]] | None = None,
) -> list[DeckCounts]:
    """Counts for every deck holding cards (`studied`: `store.studied_today_per_deck`).

    Each count is a range seek on the `cards_by_deck` index, capped by that deck's daily
    limit, so the cost follows the number of decks and the limits, not the collection size.
    """

    def caps(name: str, new_today: int, reviews_today: int) -> tuple[int, int]:
        options = options_for(name)
        return (
            max(options.new_per_day - new_today, 0),
            max(options.reviews_per_day - reviews_today, 0),
        )

    rows = store.deck_due_counts(at.today.toordinal(), to_ms(at.now), caps, studied)
    return [DeckCounts(r.name, r.total, r.new, r.learning, r.due) for r in rows]
