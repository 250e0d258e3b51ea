"""Exam mode: which cards to study today so that as much as possible is known on exam day.

Pure: cards with their FSRS memory (`srs.memory.model`), the instant, the day, the exam day and the
day's budget in, a `DayPlan` out. No I/O and no clock. The rules (docs/exam-mode.md explains
them in plain words; benchmarks/exam_sim.py measures them):

- **End phase**: the last ceil(cards x seconds per review / daily budget) days, the time it takes
  to review every card once. Due dates no longer matter. Unseen cards come first. Then the cards
  worth one more review before the exam: those whose exam-day recall gains most (per second) from
  a review on the last day, as many as the days left can hold. Of those, the strong ones (high
  stability) are reviewed first and the weak ones kept for the last days, when a review helps
  them most.
- **Middle phase** (before it), each day: the cards due by FSRS at a desired retention of 0.85
  (0.80 when first presentations alone would take more than a quarter of the time left, unless
  the learner forgets much faster than the model says, stability scale k < 0.5; 0.90 when
  under a tenth); then new cards, at least 20 a day and enough to introduce every card
  within the first 40 % of the days left; then, while the day's time remains, the cards whose
  exam-day recall gains most per second of review ("fill").

"Gain" is the expected rise in the card's recall at the exam instant from one review, counting
a pass (Good) and a lapse (Again) by the card's recall probability when reviewed, and nothing
studied after it; "per second" divides by the expected time of that review (13 s a pass and
32 s a lapse by default, `StudyCosts`). Time is continuous (fractional days); the exam instant
is `now` plus the days left, at the same time of day.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from srs.memory.model import FsrsModel, default_model
from srs.model import Memory, value_class

__all__ = [
    "DayPlan",
    "PlanCard",
    "StudyCosts",
    "end_phase_days",
    "forecast",
    "plan_day",
    "project",
]

_DAY_SECS = 86_400.0
MIN_NEW_PER_DAY = 20
INTRODUCE_WITHIN = 0.4  # share of the days left by which every card should have been seen
RETENTION = 0.85
RETENTION_BUSY = 0.80  # first presentations need more than a quarter of the time left
RETENTION_IDLE = 0.90  # ... less than a tenth
BUSY_SHARE = 0.25
# Below this stability scale (the calibration's k: the learner forgets at least twice as fast
# as the model says) a busy day keeps RETENTION: the reviews the lower threshold would skip
# to make room for new cards are worth more than those cards (benchmarks/exam_sim.py).
FAST_FORGETTER = 0.5
IDLE_SHARE = 0.10
_AGAIN, _GOOD = 1, 3


@value_class
class PlanCard:
    """One card as the planner sees it."""

    id: str
    memory: Memory | None  # None = never studied (new)
    domain: str | None = None


@value_class
class StudyCosts:
    """Seconds per first presentation, per passed review and per failed review."""

    new: float = 20.0
    passed: float = 13.0
    failed: float = 32.0


DEFAULT_COSTS = StudyCosts()


@value_class
class DayPlan:
    """What to study today; `queue` gives the showing order."""

    phase: str  # "middle" | "end" | "done" (exam day passed)
    days_left: int
    budget_seconds: float
    desired_retention: float
    reviews: tuple[str, ...]  # card ids in the order to show them
    new: tuple[str, ...]
    fill: tuple[str, ...]
    fully_introduced_by_exam: bool  # will every card be introduced in time at this pace
    review_seconds: float = 0.0  # expected time of `reviews`
    new_seconds: float = 0.0
    fill_seconds: float = 0.0
    end_phase_days: int = 0  # length of the end phase (the phase starts when days_left <= it)

    @property
    def queue(self) -> tuple[str, ...]:
        """Every planned card in showing order: reviews, new, fill; new first in the end
        phase, where unseen cards come before anything else."""
        if self.phase == "end":
            return self.new + self.reviews + self.fill
        return self.reviews + self.new + self.fill


@dataclass(slots=True)
class _Seen:
    """Per-card figures the rules need, computed once per plan."""

    id: str
    memory: Memory
    elapsed: float  # days since the last answer
    recall_now: float
    cost: float  # expected seconds of a review now
    gain: float  # expected rise of exam-day recall from a review now (see `_with_gains`)


def end_phase_days(card_count: int, budget_seconds: float, costs: StudyCosts) -> int:
    """Days needed to review every card once at the day's budget (the end phase's length)."""
    if card_count == 0:
        return 0
    return math.ceil(card_count * costs.passed / max(budget_seconds, 1.0))


def _after_review(
    model: FsrsModel, memory: Memory, elapsed: float, recall_now: float, horizon: float
) -> float:
    """Expected recall `horizon` days after a review `elapsed` days after the last answer."""
    s, d = memory.stability, memory.difficulty
    if elapsed < 1.0:  # a same-day repeat: FSRS-6's short-term stability
        passed = model.short_term_stability(s, _GOOD)
        lapsed = model.short_term_stability(s, _AGAIN)
    else:
        passed = model.next_stability(d, s, recall_now, _GOOD)
        lapsed = model.next_stability(d, s, recall_now, _AGAIN)
    expected = recall_now * model.retrievability(horizon, passed) + (
        1 - recall_now
    ) * model.retrievability(horizon, lapsed)
    return expected


def _cost(recall_now: float, costs: StudyCosts) -> float:
    return recall_now * costs.passed + (1 - recall_now) * costs.failed


def plan_day(
    cards: Sequence[PlanCard],
    now: datetime,
    today: date,
    exam_day: date,
    budget_seconds: float,
    costs: StudyCosts = DEFAULT_COSTS,
    *,
    studied_since: datetime | None = None,
    model: FsrsModel | None = None,
) -> DayPlan:
    """Today's plan for `cards` with `budget_seconds` of study left today.

    `studied_since` (optional, e.g. the start of today's scheduler day): cards answered at or
    after it are not planned again today, so that re-planning during the day does not repeat
    them. Without it, a card counts as due only from half a day after its last answer.
    """
    days_left = (exam_day - today).days
    n_cards = len(cards)
    end_days = end_phase_days(n_cards, budget_seconds, costs)
    unseen = [c.id for c in cards if c.memory is None]
    if days_left < 0:
        return DayPlan("done", days_left, budget_seconds, RETENTION, (), (), (), not unseen)
    model = model or default_model()  # the learner's parameters, else the defaults
    now_ts = now.timestamp()
    horizon = float(max(days_left, 0))  # days from now to the exam instant
    since_ts = studied_since.timestamp() if studied_since is not None else None
    seen: list[_Seen] = []
    for card in cards:
        memory = card.memory
        if memory is None:
            continue
        last_ts = memory.last_review.timestamp()
        if since_ts is not None and last_ts >= since_ts:
            continue
        elapsed = max((now_ts - last_ts) / _DAY_SECS, 0.0)
        r_now = model.retrievability(elapsed, memory.stability)
        seen.append(_Seen(card.id, memory, elapsed, r_now, _cost(r_now, costs), math.nan))

    def with_gains(cards: list[_Seen]) -> list[_Seen]:
        return _with_gains(model, cards, horizon)

    if days_left <= end_days:
        return _end_phase(
            model, seen, unseen, days_left, budget_seconds, costs, end_days, with_gains
        )
    return _middle_phase(
        model, seen, unseen, days_left, budget_seconds, costs, end_days, with_gains
    )


def _with_gains(model: FsrsModel, cards: list[_Seen], horizon: float) -> list[_Seen]:
    """`cards` with their gain filled in. Computed only for the cards a rule is about to rank
    (the costliest figure: two next stabilities and three recalls a card), so a day whose
    reviews fill the budget never computes it for the cards that are not due."""
    for card in cards:
        if card.gain != card.gain:  # NaN: not computed yet
            memory = card.memory
            r_exam = model.retrievability(card.elapsed + horizon, memory.stability)
            expected = _after_review(model, memory, card.elapsed, card.recall_now, horizon)
            card.gain = expected - r_exam
    return cards


def _take(
    candidates: Sequence[_Seen], budget: float, only_gain: bool = False
) -> tuple[list[str], float]:
    """Cards in the given order while the expected time fits in `budget` (at least one fits
    whenever any time is left, so a short budget still shows something)."""
    chosen: list[str] = []
    spent = 0.0
    for card in candidates:
        if spent >= budget:
            break
        if only_gain and card.gain <= 0:
            continue
        chosen.append(card.id)
        spent += card.cost
    return chosen, spent


def _middle_phase(
    model: FsrsModel,
    seen: list[_Seen],
    unseen: list[str],
    days_left: int,
    budget: float,
    costs: StudyCosts,
    end_days: int,
    with_gains: Callable[[list[_Seen]], list[_Seen]],
) -> DayPlan:
    time_left = days_left * budget
    first_presentations = len(unseen) * costs.new
    retention = RETENTION
    if first_presentations > BUSY_SHARE * time_left:
        retention = _busy_retention(model)
    elif first_presentations < IDLE_SHARE * time_left:
        retention = RETENTION_IDLE

    due: list[_Seen] = []
    rest: list[_Seen] = []
    for card in seen:
        interval = model.interval(card.memory.stability, retention)
        # due on the day the rounded interval (at least a day) is reached
        if card.elapsed + 0.5 >= max(round(interval), 1):
            due.append(card)
        else:
            rest.append(card)
    by_value = _by_gain_per_second
    reviews, review_seconds = _take(sorted(with_gains(due), key=by_value), budget)

    quota = 0
    if unseen:
        introduce_days = max(math.ceil(INTRODUCE_WITHIN * days_left), 1)
        quota = max(MIN_NEW_PER_DAY, math.ceil(len(unseen) / introduce_days))
    room = max(budget - review_seconds, 0.0)
    new_count = min(quota, len(unseen), math.ceil(room / costs.new) if room > 0 else 0)
    new = unseen[:new_count]
    new_seconds = new_count * costs.new

    room = budget - review_seconds - new_seconds
    fill: list[str] = []
    fill_seconds = 0.0
    if room > 0:
        fill, fill_seconds = _take(sorted(with_gains(rest), key=by_value), room, only_gain=True)

    remaining = len(unseen) - new_count
    fully = remaining == 0 or (
        new_count > 0 and math.ceil(remaining / new_count) <= max(days_left - 1, 0)
    )
    return DayPlan(
        phase="middle",
        days_left=days_left,
        budget_seconds=budget,
        desired_retention=retention,
        reviews=tuple(reviews),
        new=tuple(new),
        fill=tuple(fill),
        fully_introduced_by_exam=fully,
        review_seconds=review_seconds,
        new_seconds=new_seconds,
        fill_seconds=fill_seconds,
        end_phase_days=end_days,
    )


def _busy_retention(model: FsrsModel) -> float:
    """The due threshold of a day whose new cards alone would need most of the time left.

    Lowering it to RETENTION_BUSY trades reviews for first looks at new cards. That pays when
    a card seen once or twice keeps much of its memory, as the model assumes; a learner whose
    calibration says every stability is less than half what the model thinks (k <
    FAST_FORGETTER) may keep little of it. The exam simulation measured keeping RETENTION for
    them as a gain for half-life-regression learners (memory grows with the count of answers)
    and a smaller loss for spacing-effect learners, where exam mode is far ahead; the
    calibration cannot tell the two apart (docs/exam-mode.md has the runs)."""
    if model.stability_scale < FAST_FORGETTER:
        return RETENTION
    return RETENTION_BUSY


def _by_gain_per_second(card: _Seen) -> float:
    return -card.gain / card.cost


def _end_phase(
    model: FsrsModel,
    seen: list[_Seen],
    unseen: list[str],
    days_left: int,
    budget: float,
    costs: StudyCosts,
    end_days: int,
    with_gains: Callable[[list[_Seen]], list[_Seen]],
) -> DayPlan:
    study_days = max(days_left, 1)
    new_count = min(len(unseen), math.ceil(budget / costs.new))
    new = unseen[:new_count]
    new_seconds = new_count * costs.new

    # Gain of one review on the last study day (a day before the exam), per second.
    worth: list[tuple[float, _Seen, float]] = []
    for card in seen:
        memory = card.memory
        last_day = card.elapsed + study_days - 1  # days since the last answer, on the last day
        r_last = model.retrievability(last_day, memory.stability)
        expected = _after_review(model, memory, last_day, r_last, 1.0)
        gain = expected - model.retrievability(last_day + 1, memory.stability)
        cost = _cost(r_last, costs)
        if gain > 0:
            worth.append((gain / cost, card, cost))
    worth.sort(key=lambda item: -item[0])
    capacity = study_days * budget - len(unseen) * costs.new
    selected: list[_Seen] = []
    used = 0.0
    for _, card, cost in worth:
        if used >= capacity:
            break
        selected.append(card)
        used += cost
    # Strong cards early, weak ones last: today takes the strongest of the selection.
    selected.sort(key=lambda card: -card.memory.stability)
    room = max(budget - new_seconds, 0.0)
    reviews, review_seconds = _take(selected, room) if room > 0 else ([], 0.0)

    room = budget - new_seconds - review_seconds
    fill: list[str] = []
    fill_seconds = 0.0
    if room > 0:
        picked = set(reviews)
        rest = sorted(with_gains([c for c in seen if c.id not in picked]), key=_by_gain_per_second)
        fill, fill_seconds = _take(rest, room, only_gain=True)

    fully = len(unseen) * costs.new <= study_days * budget
    return DayPlan(
        phase="end",
        days_left=days_left,
        budget_seconds=budget,
        desired_retention=RETENTION,
        reviews=tuple(reviews),
        new=tuple(new),
        fill=tuple(fill),
        fully_introduced_by_exam=fully,
        review_seconds=review_seconds,
        new_seconds=new_seconds,
        fill_seconds=fill_seconds,
        end_phase_days=end_days,
    )


def forecast(cards: Sequence[PlanCard], exam_at: datetime, model: FsrsModel | None = None) -> float:
    """Expected share of `cards` recalled at `exam_at` if nothing more is studied (0.0..1.0).

    Each card counts its FSRS recall probability at that instant; a card never studied counts
    0. Within the model, a lower bound for a learner who keeps to the plan; not for a learner
    whose memory the model misses (see `srs.memory.calibration.forecast_interval`).
    """
    if not cards:
        return 0.0
    model = model or default_model()
    exam_ts = exam_at.timestamp()
    total = 0.0
    for card in cards:
        if card.memory is not None:
            elapsed = (exam_ts - card.memory.last_review.timestamp()) / _DAY_SECS
            total += model.retrievability(elapsed, card.memory.stability)
    return total / len(cards)


PROJECTION_SAMPLE = 600  # cards simulated at most; a larger deck is sampled, budget scaled


def project(
    cards: Sequence[PlanCard],
    now: datetime,
    today: date,
    exam_day: date,
    exam_at: datetime,
    daily_budget: float,
    costs: StudyCosts = DEFAULT_COSTS,
    *,
    today_budget: float | None = None,
    studied_since: datetime | None = None,
    seed: int = 0,
    model: FsrsModel | None = None,
) -> dict[str, float]:
    """Exam-day recall per card if the plan is kept every day until the exam.

    One seeded run of the planner against the FSRS-6 learner `model` (default parameters
    unless given): each planned card is
    recalled with its predicted probability (Good, else Again; a first presentation is Good).
    Today has `today_budget` seconds from `now` (default: a full day; pass `studied_since` so
    that cards answered today wait), later days `daily_budget` at the same time of day. A deck
    larger than `PROJECTION_SAMPLE` cards is projected on a seeded sample with the budget scaled
    to it, so the answer stays quick; ids not sampled are absent from the result.
    """
    import random

    from srs.memory.model import remember
    from srs.model import Grade

    rng = random.Random(seed)
    pool = list(cards)
    scale = 1.0
    if len(pool) > PROJECTION_SAMPLE:
        pool = rng.sample(pool, PROJECTION_SAMPLE)
        scale = PROJECTION_SAMPLE / len(cards)
    model = model or default_model()
    memories = {c.id: c.memory for c in pool}
    day, at, since = today, now, studied_since
    budget = daily_budget if today_budget is None else today_budget
    while day < exam_day:
        plan = plan_day(
            [PlanCard(card_id, memory) for card_id, memory in memories.items()],
            at,
            day,
            exam_day,
            budget * scale,
            costs,
            studied_since=since,
            model=model,
        )
        for card_id in plan.queue:
            memory = memories[card_id]
            grade = Grade.GOOD
            if memory is not None:
                elapsed = (at - memory.last_review).total_seconds() / _DAY_SECS
                if rng.random() >= model.retrievability(elapsed, memory.stability):
                    grade = Grade.AGAIN
            memories[card_id] = remember(memory, grade, at, model=model)
        day += timedelta(days=1)
        at = datetime.combine(day, now.timetz())
        budget, since = daily_budget, None
    return {
        card_id: 0.0
        if memory is None
        else model.retrievability(
            (exam_at - memory.last_review).total_seconds() / _DAY_SECS, memory.stability
        )
        for card_id, memory in memories.items()
    }
