"""The figures behind `srs stats`: progress, forecast and exam readiness, computed in SQL.

Contract:
- Every figure is an aggregate query over `reviews` and `cards` (a handful of statements in
  all, the `StatsQueries` methods of srs.store.stats); Python only folds their rows, fills in
  empty days and wraps them in dataclasses, so the cost grows with the number of days shown,
  never with the number of cards or answers.
- Days are scheduler days: the `review_day` stored with each answer (the date ordinal of the
  scheduler day, which starts at `day_starts_at` o'clock local time) and a `Moment` for "now".
  An answer at 03:59 with a 04:00 day start belongs to the previous day, exactly as it did for
  the daily limits when it was given.
- Answers dated after `now` (a `--now` in the past) are ignored, so the figures describe the
  collection as it stood on that day.
- `Stats.to_dict()` is the `--json` shape; docs/stats.md explains each figure.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any, TypeVar

from srs.dates import Moment, to_ms
from srs.errors import DeckNotFound
from srs.model import value_class
from srs.progress import Progress, no_progress
from srs.store import Store
from srs.store.scope import QueueFilter

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
_T = TypeVar("_T")
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


@value_class
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


@value_class
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


@value_class
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


@value_class
class Today:
    """What was studied on the current scheduler day."""

    answers: DailyReviews
    cards: int  # distinct cards answered
    retention: PassFail  # review answers (state_before = review) today

    def to_dict(self) -> dict[str, Any]:
        data = self.answers.to_dict()
        data["answers"] = data.pop("total")
        return data | {"cards": self.cards, "retention": self.retention.to_dict()}


@value_class
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


@value_class
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


@value_class
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


@value_class
class Bucket:
    """One bar of a histogram: values from `low` to `high` inclusive (None = no upper end)."""

    label: str
    low: int
    high: int | None
    count: int

    def to_dict(self) -> dict[str, Any]:
        return {"label": self.label, "low": self.low, "high": self.high, "count": self.count}


@value_class
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


@value_class
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


@value_class
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


@value_class
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
    # the memory model's predictions against the answers (`srs.memory.calibration`)
    calibration: dict[str, Any] | None = None

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
            "calibration": self.calibration,
            "hardest": [h.to_dict() for h in self.hardest],
        }


# -- figures ---------------------------------------------------------------------------------


def _check_deck(store: Store, deck: str | None) -> None:
    """Refuse a deck filter that names no deck (nor the parent of one)."""
    if deck:
        names = store.deck_names()
        if deck not in names and not any(n.startswith(deck + "/") for n in names):
            raise DeckNotFound(f"no deck named {deck!r}; see `srs decks`")


def compute_stats(
    store: Store,
    at: Moment,
    *,
    deck: str | None = None,
    days: int = 30,
    hardest: int = HARDEST_LIMIT,
    exam: str | None = None,
    domain_names: dict[str, str] | None = None,
    progress: Progress = no_progress,
) -> Stats:
    """All figures of `srs stats` as of `at` (a deck name includes its sub-decks).

    Domains are those of `exam` (the target exam), named from `domain_names` (its blueprint).
    """
    if days < 1:
        raise ValueError("days must be at least 1")
    _check_deck(store, deck)
    today = at.today.toordinal()
    steps = 10
    step = iter(range(steps))

    def next_step() -> None:
        progress("computing statistics", next(step), steps)

    def beside(other: Store) -> tuple[tuple[DomainStats, ...], tuple[ForecastDay, ...]]:
        domains = _domains(other, deck, today, days, exam, domain_names or {})
        return domains, _forecast(other, deck, at)

    # The exam domains and the forecast (~45 % of the SQL time at 100k cards and 1M answers)
    # are read on a second connection while this one reads the rest.
    with store.reader() as other, _started(beside, other) as later:
        next_step()
        log = _day_rows(store, deck, today, max(days, HEATMAP_DAYS))
        daily = _daily(log, today, days)
        next_step()
        today_figures = _today(store, deck, today, daily[-1])
        next_step()
        streak = _streak(store, deck, today)
        next_step()
        overdue = _overdue(store, deck, today)
        cards = _card_counts(store, deck)
        next_step()
        intervals = _interval_histogram(store, deck)
        next_step()
        ease = _ease_histogram(store, deck)
        next_step()
        mock_exams = _mock_exams(store, exam)
        next_step()
        hardest_cards = _hardest(store, deck, hardest)
        next_step()
        domains, forecast = later() if later is not None else beside(store)
        next_step()
    progress("computing statistics", steps, steps)
    return Stats(
        today_day=at.today,
        deck=deck,
        days=days,
        today=today_figures,
        streak=streak,
        heatmap=_heatmap(log, today),
        daily=daily,
        forecast=forecast,
        overdue=overdue,
        cards=cards,
        retention=_retention(log, today),
        intervals=intervals,
        ease=ease,
        domains=domains,
        mock_exams=mock_exams,
        hardest=hardest_cards,
    )


@contextmanager
def _started(work: Callable[[Store], _T], store: Store | None) -> Iterator[Callable[[], _T] | None]:
    """`work(store)` started in a thread (None without a store): the function given waits for
    it and returns its result, or raises what it raised. Leaving the block waits for the
    thread too, so an error on this side never closes the connection under it."""
    if store is None:
        yield None
        return
    import threading

    result: list[_T] = []
    failure: list[BaseException] = []

    def run() -> None:
        try:
            result.append(work(store))
        except BaseException as e:  # handed to the waiting thread, raised there
            failure.append(e)

    thread = threading.Thread(target=run, name="srs-stats", daemon=True)
    thread.start()

    def wait() -> _T:
        thread.join()
        if failure:
            raise failure[0]
        return result[0]

    try:
        yield wait
    finally:
        thread.join()


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


def _day_rows(store: Store, deck: str | None, today: int, span: int) -> dict[int, _Day]:
    """The last `span` days of the log, one row per day, from one pass over the index.

    The heatmap, the daily bars and retention by period are all sums of these rows, so the
    log (a million rows a year for a heavy user) is read once, not once per figure. The
    GROUP BY follows the `reviews_stats` index order (day, state before, grade), so SQLite
    streams it without sorting; the few thousand groups are folded here.
    """
    days: dict[int, _Day] = {}
    for group in store.log_by_day(deck, today - span + 1, today, MATURE_DAYS):
        day = days.setdefault(group.day, _Day())
        count = group.answers
        day.answers += count
        day.duration_ms += group.duration_ms
        if group.state_before == "new":
            day.new += count
        elif group.state_before == "learning":
            day.learning += count
        elif group.state_before == "relearning":
            day.relearning += count
        elif group.state_before == "review":
            day.review += count
            mature = group.mature
            young = count - mature
            if group.grade > 1:
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


def _today(store: Store, deck: str | None, today: int, answers: DailyReviews) -> Today:
    tally = store.day_tally(deck, today)
    return Today(
        answers=answers,
        cards=tally.cards,
        retention=PassFail(tally.review_passed, tally.review_failed),
    )


def _streak(store: Store, deck: str | None, today: int) -> Streak:
    runs = store.study_runs(deck, today)
    last = date.fromordinal(runs.last_day) if runs.last_day is not None else None
    return Streak(
        current=runs.current, longest=runs.longest, study_days=runs.study_days, last_day=last
    )


def _heatmap(log: dict[int, _Day], today: int) -> dict[date, int]:
    start = today - HEATMAP_DAYS + 1
    return {date.fromordinal(d): row.answers for d, row in sorted(log.items()) if d >= start}


def _forecast(store: Store, deck: str | None, at: Moment) -> tuple[ForecastDay, ...]:
    forecast = store.due_forecast(
        at.today.toordinal(), FORECAST_DAYS, to_ms(at.next_day_at), flt=QueueFilter(deck=deck)
    )
    return tuple(ForecastDay(d.day, d.review, d.learning) for d in forecast)


def _overdue(store: Store, deck: str | None, today: int) -> int:
    return store.overdue_reviews(deck, today)


def _card_counts(store: Store, deck: str | None) -> CardCounts:
    return CardCounts(*store.card_counts(deck, MATURE_DAYS))


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


def _interval_histogram(store: Store, deck: str | None) -> Histogram:
    summary = store.interval_summary(deck, tuple(low for _, low, _ in INTERVAL_BUCKETS))
    buckets = tuple(
        Bucket(label, low, high, summary.counts.get(i, 0))
        for i, (label, low, high) in enumerate(INTERVAL_BUCKETS)
    )
    mean = round(summary.mean, 2) if summary.mean is not None else None
    return Histogram(buckets, summary.cards, mean)


def _ease_histogram(store: Store, deck: str | None) -> Histogram:
    summary = store.ease_summary(deck, EASE_FLOOR, EASE_CAP, EASE_STEP)
    buckets = []
    for low in range(EASE_FLOOR, EASE_CAP + 1, EASE_STEP):
        high = None if low == EASE_CAP else low + EASE_STEP - 1
        label = f"{low}%+" if high is None else f"{low}%"
        buckets.append(Bucket(label, low, high, summary.counts.get(low, 0)))
    mean = round(summary.mean / 10, 2) if summary.mean is not None else None  # as a percentage
    return Histogram(tuple(buckets), summary.cards, mean)


def _domains(
    store: Store,
    deck: str | None,
    today: int,
    days: int,
    exam: str | None,
    names: dict[str, str],
) -> tuple[DomainStats, ...]:
    if exam is None:
        return ()
    cards = store.domain_cards(deck, exam, MATURE_DAYS)
    answers = store.domain_review_answers(deck, exam, today - days + 1, today)
    passed = {domain: PassFail(*tally) for domain, tally in answers.items()}
    mock = _latest_mock_domains(store, exam)
    domains = [
        DomainStats(
            exam=exam,
            domain=row.domain,
            name=names.get(row.domain),
            cards=row.cards,
            seen=row.seen,
            mature=row.mature,
            retention=passed.get(row.domain, PassFail()),
            mock_exam=mock.get(row.domain),
        )
        for row in cards
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


def _hardest(store: Store, deck: str | None, limit: int) -> tuple[HardCard, ...]:
    rows = store.most_lapsed(deck, limit)
    if not rows:
        return ()
    tallies = store.answer_tallies([row.card_id for row in rows])
    return tuple(
        HardCard(
            card_id=row.card_id,
            deck=row.deck,
            path=row.path,
            line=row.line,
            front=row.front,
            lapses=row.lapses,
            answers=tallies.get(row.card_id, (0, 0))[0],
            again=tallies.get(row.card_id, (0, 0))[1],
            leech=row.leech,
            suspended=row.suspended,
        )
        for row in rows
    )
