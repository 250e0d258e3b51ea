"""Exam mode on a collection: the cards, costs and memory the pure planner needs.

`srs.memory.planner` decides; this module only gathers its inputs from the store and turns its
answer into a study queue. The plan is made from the collection as it stood when the scheduler day
began (cards answered today count with the memory they had before their first answer today),
so asking again after every answer gives the same plan: the queue is that plan minus what was
answered today, each card once (no same-day learning steps, which the simulation measured as a
loss). Once a plan is done with time left, a re-plan made as of that moment follows it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta, tzinfo
from typing import Any

from srs.dates import Moment, from_ms, iso, to_ms
from srs.memory.calibration import Calibration, corrected_model, forecast_interval
from srs.memory.model import FsrsModel, model_for
from srs.memory.planner import DayPlan, PlanCard, StudyCosts, forecast, plan_day
from srs.model import Memory, value_class
from srs.options import Options
from srs.progress import Progress, no_progress
from srs.store import Store
from srs.store.scope import QueueFilter
from srs.study.queue import QueueCounts

__all__ = [
    "MIN_COSTS",
    "MIN_SAMPLES",
    "ExamPlan",
    "backfill_memory",
    "exam_plan",
    "interleave_domains",
    "measured_costs",
    "plan_cards",
    "plan_counts",
    "plan_queue",
    "plan_summary",
    "readiness",
    "with_progress",
]

MIN_SAMPLES = 20  # answers of a kind before the user's own median replaces the default
_DEFAULT_COSTS = StudyCosts()
# The least time a measured cost may be. Answers clicked through in a second, or logged with
# no duration at all (`srs answer` without --duration-ms records 0 s), say nothing about the
# time study takes; planning with them would fill a day with hundreds of cards. A quarter of
# the defaults: 5 s to read a new card, about 3 s for a passed review, 8 s for a failed one.
MIN_COSTS = StudyCosts(new=5.0, passed=3.25, failed=8.0)


@value_class
class ExamPlan:
    """Today's plan, what it was made from, and what is already done."""

    day: DayPlan  # the plan made as the day began
    exam_day: date
    costs: StudyCosts
    cards: Sequence[PlanCard]  # as of the start of today (a kept plan reads them lazily)
    answered_today: frozenset[str]
    seconds_today: float  # time already spent answering today (in the filter)
    later: tuple[DayPlan, ...] = ()  # re-plans made with the time left once a plan was done
    model: FsrsModel | None = None  # the model the plan is made with (None: default parameters)
    # its calibration on the learner's answers as the plan was made (None: not measured)
    calibration: Calibration | None = None

    @property
    def rounds(self) -> tuple[DayPlan, ...]:
        return (self.day, *self.later)

    def remaining(self) -> list[tuple[str, str]]:
        """(card id, bucket) of today's plans not answered yet, in showing order."""
        done = self.answered_today
        return [
            (card_id, "new" if card_id in day.new else "review")
            for day in self.rounds
            for card_id in day.queue
            if card_id not in done
        ]


def backfill_memory(
    store: Store,
    zone: tzinfo,
    day_starts_at: int,
    model: FsrsModel | None = None,
    progress: Progress = no_progress,
) -> int:
    """Give answered cards without a memory state (answered before m009) one from their log,
    with `model` (the learner's parameters; default: the defaults).

    Run once, lazily, by the first command that needs predictions; returns how many cards.
    """
    from srs.dates import scheduler_date
    from srs.memory.model import replay

    ids = store.cards_without_memory()
    if not ids:
        return 0
    with store.transaction():
        for done, card_id in enumerate(ids):
            progress("replaying review history", done, len(ids))
            memory = replay(
                store.answer_grades(card_id),
                day_of=lambda at: scheduler_date(at, zone, day_starts_at),
                model=model,
            )
            if memory is not None:
                store.set_memory(card_id, memory)
        progress("replaying review history", len(ids), len(ids))
    return len(ids)


def measured_costs(store: Store, flt: QueueFilter) -> StudyCosts:
    """Seconds per new card, passed review and failed review, from the user's own log.

    Medians (a distracted minute should not skew them) of the answers' recorded durations; a
    failed review also costs the relearning answers that follow it. Each figure keeps its
    default until there are `MIN_SAMPLES` answers of that kind, and is never below `MIN_COSTS`.
    """
    import statistics  # here: with decimal and fractions it costs every exam-mode command ~5 ms

    rows = store.timed_answers(flt)
    new = [r[2] / 1000 for r in rows if r[0] == "new"]
    passed = [r[2] / 1000 for r in rows if r[0] == "review" and r[1] > 1]
    failed = [r[2] / 1000 for r in rows if r[0] == "review" and r[1] == 1]
    relearn = [r[2] / 1000 for r in rows if r[0] == "relearning"]

    def median(values: list[float], default: float) -> float:
        return statistics.median(values) if len(values) >= MIN_SAMPLES else default

    fail = median(failed, _DEFAULT_COSTS.failed - _DEFAULT_COSTS.passed)
    if len(failed) >= MIN_SAMPLES:
        fail += median(relearn, 0.0) if relearn else 0.0
    else:
        fail = _DEFAULT_COSTS.failed
    return StudyCosts(
        new=max(median(new, _DEFAULT_COSTS.new), MIN_COSTS.new),
        passed=max(median(passed, _DEFAULT_COSTS.passed), MIN_COSTS.passed),
        failed=max(fail, MIN_COSTS.failed),
    )


def plan_cards(
    store: Store, flt: QueueFilter, at: Moment, exam: str | None, *, as_of: datetime | None = None
) -> list[PlanCard]:
    """Every studyable card in the filter with its memory at instant `as_of` (today's; default:
    now): a card answered since has the memory its first answer since started from."""
    first_today: dict[str, Memory | None] = (
        {} if as_of is None else store.first_answers_since(at.today, as_of)
    )
    cards: list[PlanCard] = []
    for card_id, memory, domain in store.plan_card_rows(flt, exam):
        if card_id in first_today:
            memory = first_today[card_id]
        cards.append(PlanCard(card_id, memory, domain))
    return interleave_domains(cards)


def interleave_domains(cards: Sequence[PlanCard]) -> list[PlanCard]:
    """Cards spread evenly over their domains, each domain keeping its own order.

    The planner introduces unseen cards in list order; in deck order a whole file (often a
    whole domain) would come before the next, leaving the last domains to the final weeks.
    Ordering by each card's place within its domain as a fraction of the domain's size
    introduces every domain from day one, in proportion to its number of cards.
    """
    sizes: dict[str | None, int] = {}
    for card in cards:
        sizes[card.domain] = sizes.get(card.domain, 0) + 1
    seen: dict[str | None, int] = {}
    keyed: list[tuple[float, int, PlanCard]] = []
    for index, card in enumerate(cards):
        rank = seen.get(card.domain, 0)
        seen[card.domain] = rank + 1
        keyed.append(((rank + 0.5) / sizes[card.domain], index, card))
    keyed.sort(key=lambda item: (item[0], item[1]))
    return [card for _, _, card in keyed]


def exam_plan(
    store: Store,
    at: Moment,
    options: Options,
    flt: QueueFilter,
    exam: str | None,
    calibration: Calibration | None = None,
) -> ExamPlan:
    """Today's exam-mode plan for the cards in `flt` (options must have an exam date), made
    with the learner's parameters corrected by `calibration` (`corrected_model`)."""
    assert options.exam_date is not None
    start = at.day_began
    cards = plan_cards(store, flt, at, exam, as_of=start)
    costs = measured_costs(store, flt)
    model = corrected_model(model_for(options.fsrs_parameters), calibration)
    day = plan_day(
        cards, start, at.today, options.exam_date, options.daily_minutes * 60.0, costs, model=model
    )
    return ExamPlan(
        day,
        options.exam_date,
        costs,
        tuple(cards),
        frozenset(),
        0.0,
        model=model,
        calibration=calibration,
    )


MAX_ROUNDS = 3  # plans a day: the first, then re-plans with the time left (as simulated)


def with_progress(
    store: Store, at: Moment, plan: ExamPlan, flt: QueueFilter, exam: str | None, budget: float
) -> ExamPlan:
    """`plan` with today's answers applied, re-planned with the time left once it is done.

    A re-plan is made as of the moment the previous plan's last card was answered, from the
    memory cards had then, so every later call (in this process or another) makes the same
    one: the queue never changes under the user.
    """
    answers = store.answers_on(at.today, flt)
    first_at: dict[str, int] = {}
    for card_id, reviewed_at, _ in answers:
        first_at.setdefault(card_id, reviewed_at)
    start = at.day_began
    rounds = [plan.day]
    since_ms = to_ms(start)
    while len(rounds) < MAX_ROUNDS:
        last = rounds[-1].queue
        if not last or any(card_id not in first_at for card_id in last):
            break  # nothing planned, or the plan is not done yet
        since_ms = max(since_ms, *(first_at[card_id] for card_id in last))
        spent = sum(ms for _, reviewed_at, ms in answers if reviewed_at <= since_ms) / 1000
        if spent >= budget:
            break
        then = from_ms(since_ms)
        cards = plan_cards(store, flt, at, exam, as_of=then + timedelta(milliseconds=1))
        later = plan_day(
            cards,
            then,
            at.today,
            plan.exam_day,
            budget - spent,
            plan.costs,
            studied_since=start,
            model=plan.model,
        )
        rounds.append(later)
    return replace(
        plan,
        later=tuple(rounds[1:]),
        answered_today=frozenset(first_at),
        seconds_today=sum(r[2] for r in answers) / 1000,
    )


def plan_queue(store: Store, at: Moment, plan: ExamPlan) -> list[tuple[str, str]]:
    """The study queue in exam mode: what is left of today's plan, each card once.

    Learning steps are not shown again the same day: the plan already spends the day's time
    where it raises exam-day recall most, and the simulation (benchmarks/exam_sim.py, policy
    `exam-steps`) measured same-day repeats as a loss. The memory model still counts them.
    """
    buried = store.buried_card_ids(at.today)
    return [item for item in plan.remaining() if item[0] not in buried]


def plan_counts(queue: Sequence[tuple[str, str]]) -> QueueCounts:
    """New / learning / review left in an exam-mode queue."""
    buckets = [bucket for _, bucket in queue]
    return QueueCounts(buckets.count("new"), buckets.count("learning"), buckets.count("review"))


@value_class
class DomainReadiness:
    """Expected exam-day recall of one domain of the target exam."""

    domain: str
    name: str | None
    cards: int
    recall: float  # if nothing more is studied
    projected: float | None = None  # if the plan is kept every day


@value_class
class Readiness:
    """Expected share of cards recalled on exam day, overall and per domain."""

    exam: str | None
    exam_at: datetime
    cards: int
    recall: float  # expected share recalled on exam day if nothing more is studied
    domains: tuple[DomainReadiness, ...]
    projected: float | None = (
        None  # ... if the plan is kept every day (`srs.memory.planner.project`)
    )
    # the interval around `projected` (else `recall`), widened by the calibration gap
    low: float | None = None
    high: float | None = None
    calibration: Calibration | None = None

    @property
    def weakest(self) -> DomainReadiness | None:
        """The domain with the lowest expected exam-day recall: as projected when there is a
        projection, else as of now (None with fewer than two domains, or when all are equal)."""

        def expected(d: DomainReadiness) -> float:
            return d.projected if d.projected is not None else d.recall

        if len(self.domains) < 2 or len({expected(d) for d in self.domains}) == 1:
            return None  # nothing to compare, or nothing stands out
        return min(self.domains, key=lambda d: (expected(d), d.domain))

    def to_dict(self) -> dict[str, object]:
        weakest = self.weakest
        return {
            "exam": self.exam,
            "exam_at": iso(self.exam_at),
            "cards": self.cards,
            "recall": self.recall,
            "projected": self.projected,
            "low": self.low,
            "high": self.high,
            "calibration": None if self.calibration is None else self.calibration.to_dict(),
            "domains": [
                {
                    "domain": d.domain,
                    "name": d.name,
                    "cards": d.cards,
                    "recall": d.recall,
                    "projected": d.projected,
                }
                for d in self.domains
            ],
            "weakest_domain": weakest.domain if weakest else None,
        }


def readiness(
    cards: Sequence[PlanCard],
    exam_at: datetime,
    exam: str | None,
    names: dict[str, str],
    projected: dict[str, float] | None = None,
    model: FsrsModel | None = None,
    calibration: Calibration | None = None,
    now: datetime | None = None,
) -> Readiness:
    """Exam-day recall if nothing more is studied and, given `projected` (card id -> recall
    from `srs.memory.planner.project`), if the plan is kept; with the interval around the
    latter widened by `calibration` (`srs.memory.calibration.forecast_interval`). Neither is a
    floor: both trust the model, corrected by the calibration."""

    def mean_projected(group: Sequence[PlanCard]) -> float | None:
        if projected is None:
            return None
        values = [projected[c.id] for c in group if c.id in projected]
        return sum(values) / len(values) if values else None

    by_domain: dict[str, list[PlanCard]] = {}
    for card in cards:
        if card.domain is not None:
            by_domain.setdefault(card.domain, []).append(card)
    recall = forecast(cards, exam_at, model)
    point = mean_projected(cards)
    days_left = max((exam_at - now).days, 0) if now is not None else 0
    low, high = forecast_interval(recall if point is None else point, calibration, days_left)
    return Readiness(
        exam=exam,
        exam_at=exam_at,
        cards=len(cards),
        recall=recall,
        projected=point,
        low=low,
        high=high,
        calibration=calibration,
        domains=tuple(
            DomainReadiness(
                domain,
                names.get(domain),
                len(group),
                forecast(group, exam_at, model),
                mean_projected(group),
            )
            for domain, group in sorted(by_domain.items())
        ),
    )


def plan_summary(day_plan: ExamPlan, ready: Readiness, daily_minutes: int) -> dict[str, Any]:
    """The `srs plan --json` object (docs/exam-mode.md lists its fields)."""
    day = day_plan.day
    remaining = {card_id for card_id, _ in day_plan.remaining()}
    unseen = sum(1 for c in day_plan.cards if c.memory is None)

    def part(ids: tuple[str, ...], seconds: float) -> dict[str, Any]:
        return {
            "cards": len(ids),
            "seconds": round(seconds),
            "left": sum(1 for card_id in ids if card_id in remaining),
        }

    return {
        "exam": ready.exam,
        "exam_date": day_plan.exam_day.isoformat(),
        "days_left": day.days_left,
        "phase": day.phase,
        "end_phase_days": day.end_phase_days,
        "desired_retention": day.desired_retention,
        "daily_minutes": daily_minutes,
        "today": {
            "reviews": part(day.reviews, day.review_seconds),
            "new": part(day.new, day.new_seconds),
            "fill": part(day.fill, day.fill_seconds),
            "answered": len(day_plan.answered_today),
            "seconds_spent": round(day_plan.seconds_today),
            "replans": len(day_plan.later),
            "left": len(remaining),
        },
        "cards": len(day_plan.cards),
        "unseen": unseen,
        "fully_introduced_by_exam": day.fully_introduced_by_exam,
        "costs": {
            "new": day_plan.costs.new,
            "passed": day_plan.costs.passed,
            "failed": day_plan.costs.failed,
        },
        "readiness": ready.to_dict(),
    }
