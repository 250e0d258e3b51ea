"""The figures behind `srs stats`: progress, forecast and exam readiness, computed in SQL.

Contract:
- Every figure is an aggregate query over `reviews` and `cards` (a handful of statements in
  all); Python only fills in empty days and wraps rows in dataclasses, so the cost grows with
  the number of days shown, never with the number of cards or answers.
- Days are scheduler days: the `review_day` stored with each answer (the date ordinal of the
  scheduler day, which starts at `day_starts_at` o'clock local time) and a `Moment` for "now".
  An answer at 03:59 with a 04:00 day start belongs to the previous day, exactly as it did for
  the daily limits when it was given.
- Answers dated after `now` (a `--now` in the past) are ignored, so the figures describe the
  collection as it stood on that day.
- `Stats.to_dict()` is the `--json` shape; docs/stats.md explains each figure.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

from srs.dates import Moment, to_ms
from srs.errors import DeckNotFound
from srs.store import Store, like_escape

__all__ = [
    "FORECAST_DAYS",
    "HARDEST_LIMIT",
    "HEATMAP_DAYS",
    "MATURE_DAYS",
    "RETENTION_PERIODS",
    "Bucket",
    "CardCounts",
    "DailyReviews",
    "DomainStats",
    "ForecastDay",
    "HardCard",
    "PassFail",
    "Retention",
    "Stats",
    "Streak",
    "Today",
    "compute_stats",
]

MATURE_DAYS = 21  # Anki: a review card is mature from a 21-day interval on
HEATMAP_DAYS = 365
FORECAST_DAYS = 30
HARDEST_LIMIT = 10
# The periods of Anki's "True Retention" table, in its order, without its "all time" column:
# that one needs a scan of the whole log, and the last year is what an exam depends on.
RETENTION_PERIODS = ("today", "yesterday", "week", "month", "year")
# Interval histogram buckets: (label, low, high inclusive or None for open-ended), in days.
INTERVAL_BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("1d", 1, 1),
    ("2d", 2, 2),
    ("3d", 3, 3),
    ("4-6d", 4, 6),
    ("1-2w", 7, 13),
    ("2-3w", 14, 20),
    ("3w-1m", 21, 29),
    ("1-2m", 30, 59),
    ("2-3m", 60, 89),
    ("3-6m", 90, 179),
    ("6m-1y", 180, 364),
    ("1y+", 365, None),
)
EASE_FLOOR = 130  # percent; SM-2 never goes below 130 %
EASE_CAP = 300  # percent; everything from here on shares the last bucket
EASE_STEP = 10  # percent per bucket


def _rate(passed: int, total: int) -> float | None:
    return round(passed / total, 4) if total else None


@dataclass(frozen=True, slots=True)
class PassFail:
    """Review answers that were not Again (passed) and that were Again (failed)."""

    passed: int = 0
    failed: int = 0

    @property
    def total(self) -> int:
        return self.passed + self.failed

    @property
    def rate(self) -> float | None:
        """passed / total, or None when there was nothing to measure (never a fake 0 %)."""
        return _rate(self.passed, self.total)

    def __add__(self, other: PassFail) -> PassFail:
        return PassFail(self.passed + other.passed, self.failed + other.failed)

    def to_dict(self) -> dict[str, Any]:
        return {
            "passed": self.passed,
            "failed": self.failed,
            "total": self.total,
            "retention": self.rate,
        }


@dataclass(frozen=True, slots=True)
class Retention:
    """True retention of one period, split by the interval the card had when answered."""

    young: PassFail = PassFail()
    mature: PassFail = PassFail()

    @property
    def total(self) -> PassFail:
        return self.young + self.mature

    def to_dict(self) -> dict[str, Any]:
        return {
            "young": self.young.to_dict(),
            "mature": self.mature.to_dict(),
            "total": self.total.to_dict(),
        }


@dataclass(frozen=True, slots=True)
class DailyReviews:
    """Answers given on one scheduler day, by the state the card was in before the answer."""

    day: date
    new: int = 0
    learning: int = 0
    review: int = 0
    relearning: int = 0
    time_ms: int = 0

    @property
    def total(self) -> int:
        return self.new + self.learning + self.review + self.relearning

    def to_dict(self) -> dict[str, Any]:
        return {
            "date": self.day.isoformat(),
            "new": self.new,
            "learning": self.learning,
            "review": self.review,
            "relearning": self.relearning,
            "total": self.total,
            "time_ms": self.time_ms,
        }


@dataclass(frozen=True, slots=True)
class Today:
    """What was studied on the current scheduler day."""

    answers: DailyReviews
    cards: int  # distinct cards answered
    retention: PassFail  # review answers (state_before = review) today

    def to_dict(self) -> dict[str, Any]:
        data = self.answers.to_dict()
        data["answers"] = data.pop("total")
        return data | {"cards": self.cards, "retention": self.retention.to_dict()}


@dataclass(frozen=True, slots=True)
class Streak:
    """Consecutive scheduler days with at least one answer."""

    current: int  # run ending today, or yesterday while today is still open
    longest: int
    study_days: int  # days with at least one answer, ever (up to today)
    last_day: date | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "current": self.current,
            "longest": self.longest,
            "study_days": self.study_days,
            "last_study_day": self.last_day.isoformat() if self.last_day else None,
        }


@dataclass(frozen=True, slots=True)
class ForecastDay:
    """Cards that fall due on a day (overdue ones count on today)."""

    day: date
    review: int = 0
    learning: int = 0  # learning and relearning cards

    @property
    def total(self) -> int:
        return self.review + self.learning

    def to_dict(self) -> dict[str, Any]:
        return {
            "date": self.day.isoformat(),
            "review": self.review,
            "learning": self.learning,
            "total": self.total,
        }


@dataclass(frozen=True, slots=True)
class CardCounts:
    """Cards by state. new..mature are disjoint and exclude suspended and orphaned cards."""

    total: int  # every card still in a deck file (not orphaned)
    new: int
    learning: int
    relearning: int
    young: int  # review cards with an interval < 21 days
    mature: int  # review cards with an interval >= 21 days
    suspended: int  # not orphaned
    orphaned: int
    leeches: int  # leech flag set, not orphaned (overlaps the states above)

    def to_dict(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "new": self.new,
            "learning": self.learning,
            "relearning": self.relearning,
            "young": self.young,
            "mature": self.mature,
            "suspended": self.suspended,
            "orphaned": self.orphaned,
            "leeches": self.leeches,
        }


@dataclass(frozen=True, slots=True)
class Bucket:
    """One bar of a histogram: values from `low` to `high` inclusive (None = no upper end)."""

    label: str
    low: int
    high: int | None
    count: int

    def to_dict(self) -> dict[str, Any]:
        return {"label": self.label, "low": self.low, "high": self.high, "count": self.count}


@dataclass(frozen=True, slots=True)
class Histogram:
    """Buckets plus the mean of the underlying values (None when there are none)."""

    buckets: tuple[Bucket, ...]
    cards: int
    mean: float | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "cards": self.cards,
            "mean": self.mean,
            "buckets": [b.to_dict() for b in self.buckets],
        }


@dataclass(frozen=True, slots=True)
class DomainStats:
    """Exam readiness of one domain of the target exam (deck front matter `exam_domains`)."""

    exam: str
    domain: str  # the domain id, as decks and the blueprint spell it
    name: str | None  # from the exam's blueprint, if imported
    cards: int
    seen: int  # cards answered at least once (not new)
    mature: int
    retention: PassFail  # review answers within the `days` window
    mock_exam: float | None = None  # share right in this domain over the latest mock exam
    weakest: bool = False

    @property
    def share_seen(self) -> float | None:
        return _rate(self.seen, self.cards)

    @property
    def share_mature(self) -> float | None:
        return _rate(self.mature, self.cards)

    def to_dict(self) -> dict[str, Any]:
        return {
            "exam": self.exam,
            "domain": self.domain,
            "name": self.name,
            "cards": self.cards,
            "seen": self.seen,
            "mature": self.mature,
            "share_seen": self.share_seen,
            "share_mature": self.share_mature,
            "retention": self.retention.to_dict(),
            "mock_exam": self.mock_exam,
            "weakest": self.weakest,
        }


@dataclass(frozen=True, slots=True)
class HardCard:
    """A card with lapses, where to find it, and how its answers went."""

    card_id: str
    deck: str
    path: str
    line: int
    front: str
    lapses: int
    answers: int
    again: int
    leech: bool
    suspended: bool

    @property
    def location(self) -> str:
        return f"{self.path}:{self.line}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.card_id,
            "deck": self.deck,
            "location": self.location,
            "front": self.front,
            "lapses": self.lapses,
            "answers": self.answers,
            "again": self.again,
            "leech": self.leech,
            "suspended": self.suspended,
        }


@dataclass(frozen=True, slots=True)
class Stats:
    """Every figure of `srs stats` for one day, deck filter and window."""

    today_day: date
    deck: str | None
    days: int
    today: Today
    streak: Streak
    heatmap: dict[date, int]  # answers per day over the last HEATMAP_DAYS days (non-zero only)
    daily: tuple[DailyReviews, ...]  # the last `days` days, oldest first, every day present
    forecast: tuple[ForecastDay, ...]  # today and the following days, every day present
    overdue: int  # review cards whose due day is before today (included in forecast[0])
    cards: CardCounts
    retention: dict[str, Retention]
    intervals: Histogram
    ease: Histogram
    domains: tuple[DomainStats, ...]
    hardest: tuple[HardCard, ...]
    mock_exams: list[dict[str, Any]] = field(default_factory=list)
    readiness: dict[str, Any] | None = None  # exam mode: `srs plan`'s readiness object

    @property
    def heatmap_start(self) -> date:
        return self.today_day - timedelta(days=HEATMAP_DAYS - 1)

    def to_dict(self) -> dict[str, Any]:
        """The `srs stats --json` document."""
        return {
            "today_date": self.today_day.isoformat(),
            "deck": self.deck,
            "days": self.days,
            "today": self.today.to_dict(),
            "streak": self.streak.to_dict(),
            "heatmap": {
                "start": self.heatmap_start.isoformat(),
                "end": self.today_day.isoformat(),
                "max": max(self.heatmap.values(), default=0),
                "days": {d.isoformat(): n for d, n in sorted(self.heatmap.items())},
            },
            "daily": [d.to_dict() for d in self.daily],
            "forecast": {
                "overdue": self.overdue,
                "days": [f.to_dict() for f in self.forecast],
            },
            "cards": self.cards.to_dict(),
            "retention": {name: r.to_dict() for name, r in self.retention.items()},
            "intervals": self.intervals.to_dict(),
            "ease": self.ease.to_dict(),
            "domains": [d.to_dict() for d in self.domains],
            "mock_exams": self.mock_exams,
            "readiness": self.readiness,
            "hardest": [h.to_dict() for h in self.hardest],
        }


# -- queries ---------------------------------------------------------------------------------


class _Scope:
    """The deck filter as SQL fragments over `cards c` and over `reviews r`."""

    def __init__(self, store: Store, deck: str | None) -> None:
        self.params: dict[str, Any] = {}
        self.cards = "1"
        self.reviews = "1"
        if deck:
            names = store.deck_names()
            if deck not in names and not any(n.startswith(deck + "/") for n in names):
                raise DeckNotFound(f"no deck named {deck!r}; see `srs decks`")
            self.params = {"deck": deck, "deck_prefix": like_escape(deck) + "/%"}
            in_deck = (
                "deck_id IN (SELECT id FROM decks WHERE name = :deck"
                " OR name LIKE :deck_prefix ESCAPE '\\')"
            )
            self.cards = "c." + in_deck
            # Answers follow the card: a card moved to another deck takes its history along.
            # The unary + keeps SQLite on the review_day index (scan a day range, test
            # membership) instead of fetching every answer of every card in the deck.
            self.reviews = f"+r.card_id IN (SELECT id FROM cards WHERE {in_deck})"


def compute_stats(
    store: Store,
    at: Moment,
    *,
    deck: str | None = None,
    days: int = 30,
    hardest: int = HARDEST_LIMIT,
    exam: str | None = None,
    domain_names: dict[str, str] | None = None,
) -> Stats:
    """All figures of `srs stats` as of `at` (a deck name includes its sub-decks).

    Domains are those of `exam` (the target exam), named from `domain_names` (its blueprint).
    """
    if days < 1:
        raise ValueError("days must be at least 1")
    scope = _Scope(store, deck)
    today = at.today.toordinal()
    log = _day_rows(store, scope, today, max(days, HEATMAP_DAYS))
    daily = _daily(log, today, days)
    return Stats(
        today_day=at.today,
        deck=deck,
        days=days,
        today=_today(store, scope, today, daily[-1]),
        streak=_streak(store, scope, today),
        heatmap=_heatmap(log, today),
        daily=daily,
        forecast=_forecast(store, scope, at),
        overdue=_overdue(store, scope, today),
        cards=_card_counts(store, scope),
        retention=_retention(log, today),
        intervals=_interval_histogram(store, scope),
        ease=_ease_histogram(store, scope),
        domains=_domains(store, scope, today, days, exam, domain_names or {}),
        mock_exams=_mock_exams(store, exam),
        hardest=_hardest(store, scope, hardest),
    )


@dataclass(slots=True)
class _Day:
    """One scheduler day of the review log, folded: what every per-day figure is made of."""

    answers: int = 0
    new: int = 0
    learning: int = 0
    review: int = 0
    relearning: int = 0
    duration_ms: int = 0
    young_passed: int = 0
    young_failed: int = 0
    mature_passed: int = 0
    mature_failed: int = 0


def _day_rows(store: Store, scope: _Scope, today: int, span: int) -> dict[int, _Day]:
    """The last `span` days of the log, one row per day, from one pass over the index.

    The heatmap, the daily bars and retention by period are all sums of these rows, so the
    log (a million rows a year for a heavy user) is read once, not once per figure. The
    GROUP BY follows the `reviews_stats` index order (day, state before, grade), so SQLite
    streams it without sorting; the few thousand groups are folded here.
    """
    rows = store.execute(
        "SELECT review_day, state_before, grade, COUNT(*), SUM(interval_before >= :mature),"
        " SUM(duration_ms)"
        f" FROM reviews r WHERE review_day BETWEEN :start AND :today AND {scope.reviews}"
        " GROUP BY review_day, state_before, grade",
        scope.params | {"start": today - span + 1, "today": today, "mature": MATURE_DAYS},
    )
    days: dict[int, _Day] = {}
    for ordinal, state, grade, count, mature, duration in rows:
        day = days.setdefault(ordinal, _Day())
        day.answers += count
        day.duration_ms += duration
        if state == "new":
            day.new += count
        elif state == "learning":
            day.learning += count
        elif state == "relearning":
            day.relearning += count
        elif state == "review":
            day.review += count
            young = count - mature
            if grade > 1:
                day.young_passed += young
                day.mature_passed += mature
            else:
                day.young_failed += young
                day.mature_failed += mature
    return days


def _daily(log: dict[int, _Day], today: int, days: int) -> tuple[DailyReviews, ...]:
    result = []
    for ordinal in range(today - days + 1, today + 1):
        row = log.get(ordinal)
        day = date.fromordinal(ordinal)
        if row is None:
            result.append(DailyReviews(day))
        else:
            result.append(
                DailyReviews(
                    day, row.new, row.learning, row.review, row.relearning, row.duration_ms
                )
            )
    return tuple(result)


def _today(store: Store, scope: _Scope, today: int, answers: DailyReviews) -> Today:
    row = store.execute(
        "SELECT COUNT(DISTINCT card_id),"
        " COALESCE(SUM(state_before = 'review' AND grade > 1), 0),"
        " COALESCE(SUM(state_before = 'review' AND grade = 1), 0)"
        f" FROM reviews r WHERE review_day = :today AND {scope.reviews}",
        scope.params | {"today": today},
    ).fetchone()
    return Today(answers=answers, cards=row[0], retention=PassFail(row[1], row[2]))


def _streak(store: Store, scope: _Scope, today: int) -> Streak:
    # Gaps and islands: consecutive days share `day - row_number()`.
    row = store.execute(
        "WITH days AS (SELECT DISTINCT review_day AS d FROM reviews r"
        f"  WHERE review_day <= :today AND {scope.reviews}),"
        " runs AS (SELECT d, d - ROW_NUMBER() OVER (ORDER BY d) AS run FROM days),"
        " islands AS (SELECT MAX(d) AS last, COUNT(*) AS n FROM runs GROUP BY run)"
        " SELECT COALESCE(MAX(n), 0), COALESCE(MAX(CASE WHEN last >= :today - 1 THEN n END), 0),"
        " COALESCE(SUM(n), 0), MAX(last) FROM islands",
        scope.params | {"today": today},
    ).fetchone()
    last = date.fromordinal(row[3]) if row[3] is not None else None
    return Streak(current=row[1], longest=row[0], study_days=row[2], last_day=last)


def _heatmap(log: dict[int, _Day], today: int) -> dict[date, int]:
    start = today - HEATMAP_DAYS + 1
    return {date.fromordinal(d): row.answers for d, row in sorted(log.items()) if d >= start}


def _forecast(store: Store, scope: _Scope, at: Moment) -> tuple[ForecastDay, ...]:
    today = at.today.toordinal()
    next_ms = to_ms(at.next_day_at)
    # Intraday (re)learning cards carry an instant: before the next rollover means today,
    # otherwise count whole days past it. Everything else carries its due day.
    rows = store.execute(
        "SELECT MAX(due, :today) AS day, SUM(state = 'review'), SUM(state != 'review') FROM ("
        " SELECT c.state AS state, CASE WHEN c.due_at IS NULL THEN c.due_day"
        "  WHEN c.due_at < :next_ms THEN :today"
        "  ELSE :today + 1 + (c.due_at - :next_ms) / 86400000 END AS due"
        " FROM cards c WHERE c.state != 'new' AND c.suspended = 0 AND c.orphaned = 0"
        f"  AND {scope.cards})"
        " WHERE due IS NOT NULL AND due < :end GROUP BY 1",
        scope.params | {"today": today, "next_ms": next_ms, "end": today + FORECAST_DAYS},
    )
    found = {row[0]: row for row in rows}
    result = []
    for ordinal in range(today, today + FORECAST_DAYS):
        row = found.get(ordinal)
        day = date.fromordinal(ordinal)
        result.append(ForecastDay(day, row[1], row[2]) if row else ForecastDay(day))
    return tuple(result)


def _overdue(store: Store, scope: _Scope, today: int) -> int:
    row = store.execute(
        "SELECT COUNT(*) FROM cards c WHERE c.state = 'review' AND c.due_day < :today"
        f" AND c.suspended = 0 AND c.orphaned = 0 AND {scope.cards}",
        scope.params | {"today": today},
    ).fetchone()
    return int(row[0])


def _card_counts(store: Store, scope: _Scope) -> CardCounts:
    active = "c.orphaned = 0 AND c.suspended = 0"
    row = store.execute(
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
        scope.params | {"mature": MATURE_DAYS},
    ).fetchone()
    return CardCounts(*(int(v) for v in row))


def _retention(log: dict[int, _Day], today: int) -> dict[str, Retention]:
    # Each period is a window of scheduler days ending today, as in Anki's True Retention
    # table (which uses the same windows, counted in seconds before the next day start).
    windows = {
        "today": (today, today),
        "yesterday": (today - 1, today - 1),
        "week": (today - 6, today),
        "month": (today - 29, today),
        "year": (today - 364, today),
    }
    assert tuple(windows) == RETENTION_PERIODS
    result = {}
    for name, (low, high) in windows.items():
        rows = [row for d, row in log.items() if low <= d <= high]
        result[name] = Retention(
            young=PassFail(sum(r.young_passed for r in rows), sum(r.young_failed for r in rows)),
            mature=PassFail(sum(r.mature_passed for r in rows), sum(r.mature_failed for r in rows)),
        )
    return result


def _interval_histogram(store: Store, scope: _Scope) -> Histogram:
    cases = " ".join(
        f"WHEN c.interval_days >= {low} THEN {i}"
        for i, (_, low, _) in reversed(list(enumerate(INTERVAL_BUCKETS)))
    )
    where = (
        "c.state IN ('review', 'relearning') AND c.orphaned = 0 AND c.interval_days >= 1"
        f" AND {scope.cards}"
    )
    counts = dict(
        store.execute(
            f"SELECT CASE {cases} END, COUNT(*) FROM cards c WHERE {where} GROUP BY 1",
            scope.params,
        ).fetchall()
    )
    row = store.execute(
        f"SELECT COUNT(*), AVG(c.interval_days) FROM cards c WHERE {where}", scope.params
    ).fetchone()
    buckets = tuple(
        Bucket(label, low, high, int(counts.get(i, 0)))
        for i, (label, low, high) in enumerate(INTERVAL_BUCKETS)
    )
    mean = round(row[1], 2) if row[1] is not None else None
    return Histogram(buckets, int(row[0]), mean)


def _ease_histogram(store: Store, scope: _Scope) -> Histogram:
    where = (
        f"c.state IN ('review', 'relearning') AND c.orphaned = 0 AND c.ease > 0 AND {scope.cards}"
    )
    # ease is permille: 2500 -> 250 %; bucket = the 10 % step it falls in, capped at 300 %.
    counts = dict(
        store.execute(
            f"SELECT MIN(MAX(c.ease / 100 * {EASE_STEP}, {EASE_FLOOR}), {EASE_CAP}) AS b,"
            f" COUNT(*) FROM cards c WHERE {where} GROUP BY b",
            scope.params,
        ).fetchall()
    )
    row = store.execute(
        f"SELECT COUNT(*), AVG(c.ease) FROM cards c WHERE {where}", scope.params
    ).fetchone()
    buckets = []
    for low in range(EASE_FLOOR, EASE_CAP + 1, EASE_STEP):
        high = None if low == EASE_CAP else low + EASE_STEP - 1
        label = f"{low}%+" if high is None else f"{low}%"
        buckets.append(Bucket(label, low, high, int(counts.get(low, 0))))
    mean = round(row[1] / 10, 2) if row[1] is not None else None  # as a percentage
    return Histogram(tuple(buckets), int(row[0]), mean)


def _domains(
    store: Store, scope: _Scope, today: int, days: int, exam: str | None, names: dict[str, str]
) -> tuple[DomainStats, ...]:
    if exam is None:
        return ()
    params = scope.params | {"exam": exam}
    cards = store.execute(
        "SELECT nd.domain, COUNT(*), SUM(c.state != 'new'),"
        " SUM(c.state = 'review' AND c.interval_days >= :mature)"
        " FROM cards c INDEXED BY cards_stats"
        " JOIN note_domains nd ON nd.note_id = c.note_id AND nd.exam = :exam"
        f" WHERE c.orphaned = 0 AND {scope.cards}"
        " GROUP BY nd.domain",
        params | {"mature": MATURE_DAYS},
    ).fetchall()
    # Tally per card first (the covering index answers it), then join each card once.
    answers = store.execute(
        "WITH per_card AS (SELECT r.card_id, SUM(r.grade > 1) AS passed,"
        "  SUM(r.grade = 1) AS failed FROM reviews r"
        "  WHERE r.review_day BETWEEN :start AND :today AND r.state_before = 'review'"
        "  GROUP BY r.card_id)"
        " SELECT nd.domain, SUM(p.passed), SUM(p.failed)"
        " FROM per_card p JOIN cards c INDEXED BY cards_stats ON c.id = p.card_id"
        " JOIN note_domains nd ON nd.note_id = c.note_id AND nd.exam = :exam"
        f" WHERE c.orphaned = 0 AND {scope.cards}"
        " GROUP BY nd.domain",
        params | {"start": today - days + 1, "today": today},
    ).fetchall()
    passed = {r[0]: PassFail(r[1], r[2]) for r in answers}
    mock = _latest_mock_domains(store, exam)
    domains = [
        DomainStats(
            exam=exam,
            domain=domain,
            name=names.get(domain),
            cards=n,
            seen=seen,
            mature=mature,
            retention=passed.get(domain, PassFail()),
            mock_exam=mock.get(domain),
        )
        for domain, n, seen, mature in cards
    ]
    domains.sort(key=lambda d: d.domain)
    return tuple(_mark_weakest(domains))


def _latest_mock_domains(store: Store, exam: str) -> dict[str, float]:
    """Per-domain share right in the latest finished mock exam of `exam`."""
    from srs.exam.attempts import finished_attempts  # scored attempts, newest first

    attempts = finished_attempts(store, exam, 1)
    if not attempts:
        return {}
    return {d.domain: d.share for d in attempts[0].domain_scores if d.share is not None}


MOCK_EXAMS_LISTED = 10


def _mock_exams(store: Store, exam: str | None) -> list[dict[str, Any]]:
    """The latest finished mock exams of the target exam, newest first."""
    from srs.exam.attempts import finished_attempts
    from srs.exam.draw import iso_instant

    return [
        {
            "id": attempt.id,
            "exam": attempt.exam,
            "started_at": iso_instant(attempt.started_at),
            "status": attempt.status,
            "questions": attempt.question_count,
            "correct": attempt.correct,
            "score": attempt.score,
            "passed": attempt.passed,
        }
        for attempt in finished_attempts(store, exam, MOCK_EXAMS_LISTED)
    ]


def _mark_weakest(domains: list[DomainStats]) -> list[DomainStats]:
    """Flag the domain to work on: lowest retention, then least mature, then least seen."""
    if len(domains) < 2:
        return domains

    def weakness(d: DomainStats) -> tuple[float, float, float]:
        rate = d.retention.rate
        return (
            rate if rate is not None else 2.0,  # unmeasured ranks after every measured one
            d.share_mature or 0.0,
            d.share_seen or 0.0,
        )

    weakest = min(range(len(domains)), key=lambda i: weakness(domains[i]))
    if all(weakness(d) == weakness(domains[weakest]) for d in domains):
        return domains  # nothing stands out
    domains[weakest] = replace(domains[weakest], weakest=True)
    return domains


def _hardest(store: Store, scope: _Scope, limit: int) -> tuple[HardCard, ...]:
    rows = store.execute(
        "SELECT c.id, d.name, n.path, n.line, c.front, c.lapses, c.leech, c.suspended"
        " FROM cards c JOIN notes n ON n.id = c.note_id JOIN decks d ON d.id = c.deck_id"
        f" WHERE c.orphaned = 0 AND c.lapses > 0 AND {scope.cards}"
        " ORDER BY c.lapses DESC, c.position LIMIT :limit",
        scope.params | {"limit": limit},
    ).fetchall()
    if not rows:
        return ()
    ids = [row[0] for row in rows]
    marks = ",".join("?" * len(ids))
    tallies = {
        card_id: (n, again)
        for card_id, n, again in store.execute(
            f"SELECT card_id, COUNT(*), SUM(grade = 1) FROM reviews WHERE card_id IN ({marks})"
            " GROUP BY card_id",
            ids,
        )
    }
    return tuple(
        HardCard(
            card_id=row[0],
            deck=row[1],
            path=row[2],
            line=row[3],
            front=row[4],
            lapses=row[5],
            answers=tallies.get(row[0], (0, 0))[0],
            again=tallies.get(row[0], (0, 0))[1],
            leech=bool(row[6]),
            suspended=bool(row[7]),
        )
        for row in rows
    )
