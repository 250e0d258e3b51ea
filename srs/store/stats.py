"""The aggregate queries behind `srs stats`, and the due forecast of srs.

Every method takes plain values (a deck name or a `QueueFilter`, scheduler-day ordinals,
UTC-millisecond instants) and returns numbers, tuples or small dataclasses; srs.stats folds
them into its figures. Several statements are tuned to an index (see each method): keep their
text as it is, down to the `+r.card_id` and the `INDEXED BY` hints.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date
from typing import Any

from srs.model import value_class
from srs.store.connection import Connection
from srs.store.scope import IN_DECK, STUDYABLE, QueueFilter, deck_params

DAY_MS = 86_400_000


@value_class
class StatsScope:
    """A deck filter (None: every deck) as SQL fragments over `cards c` and over `reviews r`."""

    deck: str | None = None

    @property
    def params(self) -> dict[str, Any]:
        return deck_params(self.deck) if self.deck else {}

    @property
    def cards(self) -> str:
        return "c." + IN_DECK if self.deck else "1"

    @property
    def reviews(self) -> str:
        if not self.deck:
            return "1"
        # Answers follow the card: a card moved to another deck takes its history along.
        # The unary + keeps SQLite on the review_day index (scan a day range, test
        # membership) instead of fetching every answer of every card in the deck.
        return f"+r.card_id IN (SELECT id FROM cards WHERE {IN_DECK})"


@value_class
class LogGroup:
    """Answers of one scheduler day with one state before and one grade."""

    day: int  # scheduler-day ordinal
    state_before: str
    grade: int
    answers: int
    mature: int  # of them, answers whose interval before was >= the mature threshold
    duration_ms: int


@value_class
class DayTally:
    """One scheduler day: distinct cards answered, review answers passed and failed."""

    cards: int
    review_passed: int
    review_failed: int


@value_class
class StudyRuns:
    """Runs of consecutive study days up to a day (see `study_runs`)."""

    longest: int
    current: int  # the run ending on that day or the day before, else 0
    study_days: int
    last_day: int | None  # ordinal


@value_class
class DueDay:
    """Cards falling due on one scheduler day."""

    day: date
    review: int = 0
    learning: int = 0  # learning and relearning cards, day-based and intraday

    @property
    def total(self) -> int:
        return self.review + self.learning


@value_class
class ValueSummary:
    """A histogram's counts per bucket key, with the number and mean of the values."""

    counts: dict[int, int]
    cards: int
    mean: float | None


@value_class
class DomainCards:
    """Cards of one exam domain (orphaned ones left out)."""

    domain: str
    cards: int
    seen: int  # not new
    mature: int


@value_class
class HardRow:
    """A card with lapses, with its deck and source location."""

    card_id: str
    deck: str
    path: str
    line: int
    front: str
    lapses: int
    leech: bool
    suspended: bool


def _summary(rows: Sequence[Sequence[Any]]) -> ValueSummary:
    """A histogram from (bucket, count, sum of the values) rows: one pass over the cards
    instead of a second one for the count and the mean. The values are integers, so the mean
    is what AVG gives (SQLite divides the exact sum, as a double, by the count)."""
    cards = sum(int(row[1]) for row in rows)
    total = sum(row[2] for row in rows)
    return ValueSummary(
        {row[0]: int(row[1]) for row in rows}, cards, total / cards if cards else None
    )


class StatsQueries(Connection):
    """Read-only figures over `reviews` and `cards`."""

    # -- the review log ------------------------------------------------------------------------

    def log_by_day(
        self, deck: str | None, start: int, end: int, mature_days: int
    ) -> Iterator[LogGroup]:
        """Answers from day `start` to `end` (ordinals, inclusive), grouped by day, state, grade.

        The GROUP BY follows the `reviews_stats` index order (day, state before, grade), so
        SQLite streams it without sorting: one pass over the log for every per-day figure.
        """
        scope = StatsScope(deck)
        rows = self.conn.execute(
            "SELECT review_day, state_before, grade, COUNT(*), SUM(interval_before >= :mature),"
            " SUM(duration_ms)"
            f" FROM reviews r WHERE review_day BETWEEN :start AND :today AND {scope.reviews}"
            " GROUP BY review_day, state_before, grade",
            scope.params | {"start": start, "today": end, "mature": mature_days},
        )
        for day, state, grade, answers, mature, duration in rows:
            yield LogGroup(day, state, grade, answers, mature, duration)

    def day_tally(self, deck: str | None, day: int) -> DayTally:
        """Distinct cards answered on `day`, and its review answers passed (not Again) / failed."""
        scope = StatsScope(deck)
        row = self.conn.execute(
            "SELECT COUNT(DISTINCT card_id),"
            " COALESCE(SUM(state_before = 'review' AND grade > 1), 0),"
            " COALESCE(SUM(state_before = 'review' AND grade = 1), 0)"
            f" FROM reviews r WHERE review_day = :today AND {scope.reviews}",
            scope.params | {"today": day},
        ).fetchone()
        return DayTally(row[0], row[1], row[2])

    def study_runs(self, deck: str | None, today: int) -> StudyRuns:
        """Runs of consecutive days with an answer, up to `today` (ordinal)."""
        scope = StatsScope(deck)
        # The days with an answer, found by one index seek per day (the next day after the
        # last one found) instead of reading every answer of the log: 85 ms -> 1 ms for 1M
        # answers. Gaps and islands: consecutive days share `day - row_number()`.
        row = self.conn.execute(
            "WITH RECURSIVE step(d) AS ("
            "  SELECT (SELECT MIN(review_day) FROM reviews r"
            f"   WHERE review_day <= :today AND {scope.reviews})"
            "  UNION ALL SELECT (SELECT MIN(review_day) FROM reviews r"
            f"   WHERE review_day > step.d AND review_day <= :today AND {scope.reviews})"
            "  FROM step WHERE step.d IS NOT NULL),"
            " days AS (SELECT d FROM step WHERE d IS NOT NULL),"
            " runs AS (SELECT d, d - ROW_NUMBER() OVER (ORDER BY d) AS run FROM days),"
            " islands AS (SELECT MAX(d) AS last, COUNT(*) AS n FROM runs GROUP BY run)"
            " SELECT COALESCE(MAX(n), 0),"
            " COALESCE(MAX(CASE WHEN last >= :today - 1 THEN n END), 0),"
            " COALESCE(SUM(n), 0), MAX(last) FROM islands",
            scope.params | {"today": today},
        ).fetchone()
        return StudyRuns(longest=row[0], current=row[1], study_days=row[2], last_day=row[3])

    # -- cards -------------------------------------------------------------------------------

    def due_forecast(
        self,
        start: int,
        days: int,
        start_ends_ms: int,
        *,
        flt: QueueFilter | None = None,
        learning_from_ms: int | None = None,
    ) -> tuple[DueDay, ...]:
        """Studyable cards falling due on each of `days` scheduler days from day `start`.

        This is THE due forecast of srs; every day is present, in order.
        - `start` is a day ordinal; `start_ends_ms` the instant (UTC ms) that day ends (the
          rollover after it; for `start` = today, `Moment.next_day_at`).
        - Day-based cards (reviews, and (re)learning cards between days) count on their
          `due_day`; those due before `start` (overdue) count on `start`. New cards never.
        - Intraday (re)learning cards carry an instant `due_at`: before `start_ends_ms` counts
          on `start` (so do overdue ones), otherwise whole 24-hour days after it (day
          `start + 1 + (due_at - start_ends_ms) // 1 day`; a DST shift is not followed).
          With `learning_from_ms`, intraday cards due before that instant are not counted
          at all (a forecast starting tomorrow leaves out learning still due today).
        - `flt` narrows the cards (deck with sub-decks, tag); suspended and orphaned cards
          never count.
        """
        where, params = (flt or QueueFilter()).sql()
        skip = ""
        if learning_from_ms is not None:
            skip = "WHEN c.due_at < :learning_from THEN NULL "
            params["learning_from"] = learning_from_ms
        rows = self.conn.execute(
            "SELECT MAX(due, :today) AS day, SUM(state = 'review'), SUM(state != 'review') FROM ("
            " SELECT c.state AS state, CASE WHEN c.due_at IS NULL THEN c.due_day"
            f"  {skip}WHEN c.due_at < :next_ms THEN :today"
            "  ELSE :today + 1 + (c.due_at - :next_ms) / 86400000 END AS due"
            # The covering index: the card rows carry their Markdown text (many more pages).
            f" FROM cards c INDEXED BY cards_stats WHERE c.state != 'new' AND {where})"
            " WHERE due IS NOT NULL AND due < :end GROUP BY 1",
            params | {"today": start, "next_ms": start_ends_ms, "end": start + days},
        )
        found = {row[0]: (row[1], row[2]) for row in rows}
        return tuple(
            DueDay(date.fromordinal(day), *found.get(day, (0, 0)))
            for day in range(start, start + days)
        )

    def overdue_reviews(self, deck: str | None, today: int) -> int:
        """Studyable review cards whose due day is before `today` (ordinal)."""
        scope = StatsScope(deck)
        row = self.conn.execute(
            "SELECT COUNT(*) FROM cards c WHERE c.state = 'review' AND c.due_day < :today"
            f" AND {STUDYABLE} AND {scope.cards}",
            scope.params | {"today": today},
        ).fetchone()
        return int(row[0])

    def card_counts(self, deck: str | None, mature_days: int) -> tuple[int, ...]:
        """Cards by state, in the order of `srs.stats.CardCounts`'s fields."""
        scope = StatsScope(deck)
        active = "c.orphaned = 0 AND c.suspended = 0"
        row = self.conn.execute(
            "SELECT"
            " COALESCE(SUM(c.orphaned = 0), 0),"
            f" COALESCE(SUM({active} AND c.state = 'new'), 0),"
            f" COALESCE(SUM({active} AND c.state = 'learning'), 0),"
            f" COALESCE(SUM({active} AND c.state = 'relearning'), 0),"
            f" COALESCE(SUM({active} AND c.state = 'review' AND c.interval_days < :mature), 0),"
            f" COALESCE(SUM({active} AND c.state = 'review' AND c.interval_days >= :mature), 0),"
            " COALESCE(SUM(c.orphaned = 0 AND c.suspended = 1), 0),"
            " COALESCE(SUM(c.orphaned = 1), 0),"
            " COALESCE(SUM(c.orphaned = 0 AND c.leech = 1), 0)"
            f" FROM cards c WHERE {scope.cards}",
            scope.params | {"mature": mature_days},
        ).fetchone()
        return tuple(int(v) for v in row)

    def interval_summary(self, deck: str | None, lows: tuple[int, ...]) -> ValueSummary:
        """Review and relearning cards (interval >= 1 day) by interval bucket.

        `lows` are the buckets' lower ends, ascending; a card counts under the index of the
        last one its interval reaches. The mean is of the intervals, in days.
        """
        scope = StatsScope(deck)
        cases = " ".join(
            f"WHEN c.interval_days >= {low} THEN {i}" for i, low in reversed(list(enumerate(lows)))
        )
        where = (
            "c.state IN ('review', 'relearning') AND c.orphaned = 0 AND c.interval_days >= 1"
            f" AND {scope.cards}"
        )
        rows = self.conn.execute(
            f"SELECT CASE {cases} END, COUNT(*), SUM(c.interval_days)"
            f" FROM cards c INDEXED BY cards_stats WHERE {where} GROUP BY 1",
            scope.params,
        ).fetchall()
        return _summary(rows)

    def ease_summary(self, deck: str | None, floor: int, cap: int, step: int) -> ValueSummary:
        """Review and relearning cards with an ease, by ease bucket (percent).

        Ease is stored in permille (2500 = 250 %); the bucket is the `step` % it falls in,
        raised to `floor` and capped at `cap`. The mean is of the stored (permille) eases.
        """
        scope = StatsScope(deck)
        where = (
            "c.state IN ('review', 'relearning') AND c.orphaned = 0 AND c.ease > 0"
            f" AND {scope.cards}"
        )
        rows = self.conn.execute(
            f"SELECT MIN(MAX(c.ease / 100 * {step}, {floor}), {cap}) AS b,"
            f" COUNT(*), SUM(c.ease) FROM cards c INDEXED BY cards_stats WHERE {where} GROUP BY b",
            scope.params,
        ).fetchall()
        return _summary(rows)

    # -- exam domains ------------------------------------------------------------------------

    def domain_cards(self, deck: str | None, exam: str, mature_days: int) -> list[DomainCards]:
        """Cards per domain of `exam` (a note may belong to several), in no particular order.

        CROSS JOIN keeps the cards outer: one pass over the covering index, each note's domain
        looked up by key. With `note_domains` outer, SQLite scanned the whole index once per
        domain row (issue 19: 3 minutes on 50k cards)."""
        scope = StatsScope(deck)
        rows = self.conn.execute(
            "SELECT nd.domain, COUNT(*), SUM(c.state != 'new'),"
            " SUM(c.state = 'review' AND c.interval_days >= :mature)"
            " FROM cards c INDEXED BY cards_stats"
            " CROSS JOIN note_domains nd ON nd.note_id = c.note_id AND nd.exam = :exam"
            f" WHERE c.orphaned = 0 AND {scope.cards}"
            " GROUP BY nd.domain",
            scope.params | {"exam": exam, "mature": mature_days},
        ).fetchall()
        return [DomainCards(*row) for row in rows]

    def domain_review_answers(
        self, deck: str | None, exam: str, start: int, end: int
    ) -> dict[str, tuple[int, int]]:
        """Domain -> (passed, failed) review answers from day `start` to `end` (inclusive)."""
        scope = StatsScope(deck)
        # Tally per card first (the covering index answers it), then join each card once.
        rows = self.conn.execute(
            "WITH per_card AS (SELECT r.card_id, SUM(r.grade > 1) AS passed,"
            "  SUM(r.grade = 1) AS failed FROM reviews r"
            "  WHERE r.review_day BETWEEN :start AND :today AND r.state_before = 'review'"
            "  GROUP BY r.card_id)"
            " SELECT nd.domain, SUM(p.passed), SUM(p.failed)"
            " FROM per_card p CROSS JOIN cards c INDEXED BY cards_stats ON c.id = p.card_id"
            " CROSS JOIN note_domains nd ON nd.note_id = c.note_id AND nd.exam = :exam"
            f" WHERE c.orphaned = 0 AND {scope.cards}"
            " GROUP BY nd.domain",
            scope.params | {"exam": exam, "start": start, "today": end},
        ).fetchall()
        return {row[0]: (row[1], row[2]) for row in rows}

    # -- hardest cards -----------------------------------------------------------------------

    def most_lapsed(self, deck: str | None, limit: int) -> list[HardRow]:
        """Up to `limit` cards with lapses (orphaned ones left out), most lapses first."""
        scope = StatsScope(deck)
        rows = self.conn.execute(
            "SELECT c.id, d.name, n.path, n.line, c.front, c.lapses, c.leech, c.suspended"
            " FROM cards c JOIN notes n ON n.id = c.note_id JOIN decks d ON d.id = c.deck_id"
            f" WHERE c.orphaned = 0 AND c.lapses > 0 AND {scope.cards}"
            " ORDER BY c.lapses DESC, c.position LIMIT :limit",
            scope.params | {"limit": limit},
        ).fetchall()
        return [
            HardRow(row[0], row[1], row[2], row[3], row[4], row[5], bool(row[6]), bool(row[7]))
            for row in rows
        ]

    def answer_tallies(self, card_ids: list[str]) -> dict[str, tuple[int, int]]:
        """Card id -> (answers, Again answers) over the whole log, for a few cards."""
        if not card_ids:
            return {}
        marks = ",".join("?" * len(card_ids))
        rows = self.conn.execute(
            f"SELECT card_id, COUNT(*), SUM(grade = 1) FROM reviews WHERE card_id IN ({marks})"
            " GROUP BY card_id",
            card_ids,
        )
        return {card_id: (n, again) for card_id, n, again in rows}
