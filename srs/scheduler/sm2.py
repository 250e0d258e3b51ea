"""Anki's v3 SM-2 scheduler (FSRS off), answer for answer.

A pure function of (state, grade, moment, options, seed): no clock, no I/O. The rules are ported
from ankitects/anki `rslib/src/scheduler/states/` (learning.rs, relearning.rs, review.rs, steps.rs,
fuzz.rs) and `answering/` (learning-step fuzz, day conversion), and proved against the official
`anki` package by tests/test_anki_differential.py. Arithmetic is f32 with half-away-from-zero
rounding, as Anki's is (see `srs.scheduler.f32`).

Computation happens in two stages, as in Anki: first the abstract next state ("learning step of
600 s", "review in 12 days"), then placing it on the calendar (`_place_learning`, `_place_review`).
"""

from __future__ import annotations

from datetime import timedelta

from srs.dates import Moment
from srs.model import Answer, CardState, Grade, ReviewKind, SchedulingState, value_class
from srs.options import Options
from srs.scheduler.f32 import add, f32, mul, round_half_away, to_u32
from srs.scheduler.fuzz import fuzz_factor, learning_fuzz_secs, with_review_fuzz

__all__ = [
    "EASE_AGAIN",
    "EASE_EASY",
    "EASE_HARD",
    "MINIMUM_EASE",
    "answer",
    "leech_threshold_met",
]

DAY_SECS = 86_400
MINIMUM_EASE = f32(1.3)
EASE_AGAIN = f32(-0.2)
EASE_HARD = f32(-0.15)
EASE_EASY = f32(0.15)


# --- abstract next states ---------------------------------------------------------------------


@value_class
class _Step:
    """A (re)learning step: wait `secs`, with `remaining` steps left (including this one)."""

    secs: int
    remaining: int


@value_class
class _Review:
    """A review interval in days with the ease (f32) that goes with it."""

    days: int
    ease: float


@value_class
class _Ctx:
    """Options converted once into the f32 values and step seconds Anki works with."""

    options: Options
    factor: float | None  # review fuzz draw, None when fuzz is off
    steps: tuple[int, ...]
    relearn_steps: tuple[int, ...]

    @property
    def maximum(self) -> int:
        return max(self.options.maximum_interval, 1)

    def bounds(self, minimum: int) -> tuple[int, int]:
        """`min_and_max_review_intervals`: minimum at least 1 and at most the maximum."""
        return min(max(minimum, 1), self.maximum), self.maximum

    def fuzzed(self, interval: float, minimum: int) -> int:
        low, high = self.bounds(minimum)
        return with_review_fuzz(interval, low, high, self.factor)


def _to_secs(minutes: float) -> int:
    return to_u32(mul(minutes, 60.0))


def _step_index(steps: tuple[int, ...], remaining: int) -> int:
    """`LearningSteps::get_index`: steps left -> current index (the % 1000 strips legacy data)."""
    total = len(steps)
    return min(max(total - remaining % 1000, 0), max(total - 1, 0))


def _maybe_round_in_days(secs: int) -> int:
    """A first-step Hard delay longer than a day becomes whole days, as in Anki."""
    if secs > DAY_SECS:
        days = to_u32(round_half_away(f32(f32(float(secs)) / float(DAY_SECS))))
        return days * DAY_SECS
    return secs


def _hard_delay(steps: tuple[int, ...], remaining: int) -> int | None:
    """Hard repeats the current step; on the first step it is between Again and Good."""
    if not steps:
        return None
    idx = _step_index(steps, remaining)
    current = steps[idx]
    if idx != 0:
        return current
    if len(steps) > 1:
        return _maybe_round_in_days((current + steps[1]) // 2)
    return _maybe_round_in_days(min(current * 3 // 2, current + DAY_SECS))


def _good_delay(steps: tuple[int, ...], remaining: int) -> int | None:
    idx = _step_index(steps, remaining)
    return steps[idx + 1] if idx + 1 < len(steps) else None


def _remaining_for_good(steps: tuple[int, ...], remaining: int) -> int:
    return max(len(steps) - (_step_index(steps, remaining) + 1), 0)


def _learn(ctx: _Ctx, remaining: int, grade: Grade) -> _Step | _Review:
    """A new or learning card (`LearnState::answer_*`). Ease never changes while learning."""
    opts = ctx.options
    ease = f32(opts.starting_ease)
    graduate = _Review(ctx.fuzzed(max(float(opts.graduating_interval), 1.0), 1), ease)
    steps = ctx.steps
    if grade == Grade.AGAIN:
        return _Step(steps[0], len(steps)) if steps else graduate
    if grade == Grade.HARD:
        hard = _hard_delay(steps, remaining)
        return _Step(hard, remaining) if hard is not None else graduate
    if grade == Grade.GOOD:
        good = _good_delay(steps, remaining)
        if good is None:
            return graduate
        return _Step(good, _remaining_for_good(steps, remaining))
    # Easy graduates at once; Anki's SM-2 does not force it above the graduating interval.
    return _Review(ctx.fuzzed(float(opts.easy_interval), 1), ease)


def leech_threshold_met(lapses: int, threshold: int) -> bool:
    """Leech at `threshold` lapses and every half threshold (rounded up) after that."""
    if threshold <= 0:
        return False
    half = max((threshold + 1) // 2, 1)
    return lapses >= threshold and (lapses - threshold) % half == 0


def _lapse_interval(ctx: _Ctx, interval: int) -> int:
    """`failing_review_interval`: interval × new interval, at least the minimum interval.

    The interval modifier is deliberately not applied, as in Anki.
    """
    raw = mul(max(float(interval), 1.0), ctx.options.new_interval)
    return ctx.fuzzed(raw, ctx.options.minimum_interval)


def _passing(ctx: _Ctx, interval: float, minimum: int) -> int:
    """`constrain_passing_interval`: × interval modifier, fuzz, clamp to [minimum, maximum]."""
    return ctx.fuzzed(mul(interval, ctx.options.interval_modifier), minimum)


def _review_intervals(ctx: _Ctx, ivl: int, ease: float, days_late: int) -> tuple[int, int, int]:
    """Hard, Good, Easy for a review card answered on time or late.

    Hard ignores lateness, Good gets half of it, Easy all of it; each button is at least one day
    more than the one before (Hard at least one day more than the current interval), so the
    buttons can only tie when the maximum interval clamps them.
    """
    opts = ctx.options
    current = max(float(ivl), 1.0)
    late = float(max(days_late, 0))
    hard_mult = f32(opts.hard_interval)
    hard_min = 0 if hard_mult <= 1.0 else ivl + 1
    hard = _passing(ctx, mul(current, hard_mult), hard_min)
    good_min = ivl + 1 if hard_mult <= 1.0 else hard + 1
    good = _passing(ctx, mul(add(current, late / 2.0), ease), good_min)
    easy_raw = mul(mul(add(current, late), ease), opts.easy_bonus)
    easy = _passing(ctx, easy_raw, good + 1)
    return hard, good, easy


def _early_review_intervals(
    ctx: _Ctx, ivl: int, ease: float, days_late: int
) -> tuple[int, int, int]:
    """Hard, Good, Easy for a review card studied ahead, `-days_late` days before it was due
    (`passing_early_review_intervals`): they grow with the days actually elapsed since the
    last review, never below the current interval for Good; no fuzz and no ordering minimums.
    """
    opts = ctx.options
    scheduled = max(float(ivl), 1.0)
    elapsed = float(ivl + days_late)
    hard_mult = f32(opts.hard_interval)
    hard_raw = max(mul(elapsed, hard_mult), mul(scheduled, mul(hard_mult, 0.5)))
    good_raw = max(mul(elapsed, ease), scheduled)
    easy_bonus = f32(opts.easy_bonus)
    easy_raw = mul(good_raw, add(easy_bonus, -mul(add(easy_bonus, -1.0), 0.5)))
    low, high = ctx.bounds(1)
    hard, good, easy = (
        with_review_fuzz(mul(raw, opts.interval_modifier), low, high, None)
        for raw in (hard_raw, good_raw, easy_raw)
    )
    return hard, good, easy


def _review(
    ctx: _Ctx, ivl: int, ease: float, days_late: int, grade: Grade
) -> tuple[_Step | _Review, _Review | None, bool]:
    """A review card: (next state, carried review for relearning, lapse?). `days_late` below
    0 only for a card studied ahead (see `answer`)."""
    if grade == Grade.AGAIN:
        lapsed = _Review(_lapse_interval(ctx, ivl), max(add(ease, EASE_AGAIN), MINIMUM_EASE))
        if ctx.relearn_steps:
            return _Step(ctx.relearn_steps[0], len(ctx.relearn_steps)), lapsed, True
        return lapsed, None, True
    if days_late < 0:
        hard, good, easy = _early_review_intervals(ctx, ivl, ease, days_late)
    else:
        hard, good, easy = _review_intervals(ctx, ivl, ease, days_late)
    if grade == Grade.HARD:
        return _Review(hard, max(add(ease, EASE_HARD), MINIMUM_EASE)), None, False
    if grade == Grade.GOOD:
        return _Review(good, ease), None, False
    return _Review(easy, add(ease, EASE_EASY)), None, False


def _relearn(
    ctx: _Ctx, remaining: int, carried: _Review, grade: Grade
) -> tuple[_Step | _Review, _Review]:
    """A relearning card carrying its post-lapse interval (`RelearnState::answer_*`)."""
    steps = ctx.relearn_steps
    if grade == Grade.AGAIN:
        # Again while relearning lapses the carried interval again, but not the ease or count.
        again = _Review(_lapse_interval(ctx, carried.days), carried.ease)
        return (_Step(steps[0], len(steps)) if steps else carried), again
    if grade == Grade.HARD:
        hard = _hard_delay(steps, remaining)
        return (_Step(hard, remaining) if hard is not None else carried), carried
    if grade == Grade.GOOD:
        good = _good_delay(steps, remaining)
        if good is None:
            return carried, carried
        return _Step(good, _remaining_for_good(steps, remaining)), carried
    return _Review(carried.days + 1, carried.ease), carried


# --- placing the result on the calendar ---------------------------------------------------------


def _ease_permille(ease: float) -> int:
    return to_u32(round_half_away(mul(ease, 1000.0)))


def _place_learning(
    step: _Step, state: CardState, base: SchedulingState, at: Moment, seed: int, fuzz: bool
) -> SchedulingState:
    """Intraday steps get a due instant (+ learning fuzz); steps past the rollover whole days."""
    until_rollover = at.secs_until_rollover
    if step.secs >= until_rollover:
        days = (step.secs - until_rollover) // DAY_SECS + 1
        return SchedulingState(
            state=state,
            due_at=None,
            due_day=at.today + timedelta(days=days),
            interval_days=base.interval_days,
            ease=base.ease,
            reps=base.reps,
            lapses=base.lapses,
            remaining_steps=step.remaining,
        )
    secs = learning_fuzz_secs(step.secs, seed, base.reps - 1, fuzz)
    return SchedulingState(
        state=state,
        due_at=at.now + timedelta(seconds=secs),
        due_day=None,
        interval_days=base.interval_days,
        ease=base.ease,
        reps=base.reps,
        lapses=base.lapses,
        remaining_steps=step.remaining,
    )


def _place_review(review: _Review, base: SchedulingState, at: Moment) -> SchedulingState:
    return SchedulingState(
        state=CardState.REVIEW,
        due_at=None,
        due_day=at.today + timedelta(days=review.days),
        interval_days=review.days,
        ease=_ease_permille(review.ease),
        reps=base.reps,
        lapses=base.lapses,
        remaining_steps=0,
    )


def answer(
    state: SchedulingState,
    grade: Grade,
    at: Moment,
    options: Options,
    seed: int,
    *,
    ahead: bool = False,
) -> Answer:
    """Answer a card with `grade` at moment `at`; `seed` (see `card_seed`) drives the fuzz.

    A review card answered before its due day counts as on time, as in an Anki deck; `ahead`
    (exam mode, which studies cards by predicted recall, not due day) answers it as Anki's
    filtered decks with rescheduling do: early-review intervals, logged as `EARLY`. On time,
    every early look would multiply the interval by the ease (a card looked at daily for a
    month ends years out)."""
    grade = Grade(grade)
    ctx = _Ctx(
        options=options,
        factor=fuzz_factor(seed, state.reps) if options.fuzz else None,
        steps=tuple(_to_secs(m) for m in options.learning_steps),
        relearn_steps=tuple(_to_secs(m) for m in options.relearning_steps),
    )
    reps = state.reps + 1
    kind = ReviewKind.of(state.state)
    leech = False
    lapses = state.lapses
    if state.state in (CardState.NEW, CardState.LEARNING):
        remaining = len(ctx.steps) if state.state == CardState.NEW else state.remaining_steps
        result = _learn(ctx, remaining, grade)
        if isinstance(result, _Review):
            base = SchedulingState(reps=reps, lapses=lapses)
            return Answer(_place_review(result, base, at), kind)
        base = SchedulingState(interval_days=0, ease=0, reps=reps, lapses=lapses)
        placed = _place_learning(result, CardState.LEARNING, base, at, seed, options.fuzz)
        return Answer(placed, kind)

    # A review card always has an ease; 0 (never graduated, e.g. imported) falls back to the start.
    ease = f32(state.ease / 1000.0) if state.ease > 0 else f32(options.starting_ease)
    if state.state == CardState.REVIEW:
        days_late = (at.today - state.due_day).days if state.due_day is not None else 0
        if days_late < 0 and ahead:
            kind = ReviewKind.EARLY
        else:
            days_late = max(days_late, 0)
        result, carried, lapsed = _review(ctx, state.interval_days, ease, days_late, grade)
        if lapsed:
            lapses += 1
            leech = leech_threshold_met(lapses, options.leech_threshold)
    else:  # relearning
        carried_in = _Review(state.interval_days, ease)
        result, carried = _relearn(ctx, state.remaining_steps, carried_in, grade)

    if isinstance(result, _Review):
        base = SchedulingState(reps=reps, lapses=lapses)
        return Answer(_place_review(result, base, at), kind, leech)
    assert carried is not None
    base = SchedulingState(
        interval_days=carried.days, ease=_ease_permille(carried.ease), reps=reps, lapses=lapses
    )
    placed = _place_learning(result, CardState.RELEARNING, base, at, seed, options.fuzz)
    return Answer(placed, kind, leech)
