"""FSRS-6 scheduling (`scheduler = fsrs`): intervals from the memory model at a desired retention.

A pure function of (state, grade, moment, options, seed), like `sm2.answer`. The rules follow
the `fsrs` package's `Scheduler.review_card` (open-spaced-repetition/py-fsrs 6.x), which
tests/test_scheduler_fsrs.py checks answer for answer:

- A new card starts at the first learning step. Again goes back to the first step; Hard repeats
  the current step (on the first step: halfway to the second, or 1.5 x a lone step); Good moves
  on and graduates after the last step; Easy graduates at once. Relearning after a lapse works
  the same with the relearning steps. No steps: the card goes straight to review.
- A review interval is the number of days until predicted recall falls to
  `desired_retention`, rounded, at least 1 and at most `maximum_interval`.
- Memory (stability, difficulty) is updated on every answer by `srs.memory.model.remember`, the one
  place FSRS's formulas live. Elapsed time counts scheduler days (as Anki does), not the real
  time rounded down (as the package does); the two agree whenever answers fall at the same
  time of day.

Where srs differs from the package, on purpose: placement on srs's calendar (an intraday step
gets a due instant, a step past the rollover and a review interval get a scheduler day, as in
`sm2`); learning-step fuzz as in `sm2`; review fuzz uses the package's range but a deterministic
draw from `seed` (no global random state), and never leaves the range (the package's rounding
can go one day over). Ease is not used and is carried unchanged, so switching back to `sm2`
keeps it. Reps, lapses and leeches are counted as `sm2` counts them.
"""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import timedelta

from srs.dates import Moment
from srs.memory.model import model_for, remember
from srs.model import Answer, CardState, Grade, Memory, ReviewKind, SchedulingState
from srs.options import Options
from srs.scheduler.fuzz import fuzz_factor, learning_fuzz_secs
from srs.scheduler.sm2 import leech_threshold_met

__all__ = ["answer", "elapsed_scheduler_days", "fuzz_range", "memory_after", "review_interval"]

DAY_SECS = 86_400

# (start, end, factor): the package's FUZZ_RANGES (the same as Anki's).
_FUZZ_RANGES = ((2.5, 7.0, 0.15), (7.0, 20.0, 0.1), (20.0, math.inf, 0.05))


def elapsed_scheduler_days(memory: Memory | None, at: Moment) -> int:
    """Scheduler days from the last answer to `at` (0 on the same day; rollovers crossed).

    The day of `at` starts one day before its next rollover; an answer before that start is
    ceil(gap / 1 day) days back. Off by one only across a DST change within the gap's last day.
    """
    if memory is None:
        return 0
    today_start = at.day_began
    gap = (today_start - memory.last_review).total_seconds()
    return 0 if gap <= 0 else math.ceil(gap / DAY_SECS)


def memory_after(
    state: SchedulingState, grade: Grade, at: Moment, parameters: tuple[float, ...] = ()
) -> Memory:
    """The FSRS memory an answer leaves, counted in scheduler days, with the learner's
    `parameters` (the `fsrs_parameters` option; () = the defaults). The one rule for it: the
    fsrs scheduler schedules by it, and the collection keeps it beside any other scheduler."""
    # A new card starts from no memory, even if an old one was left behind by a reset.
    before = None if state.state == CardState.NEW else state.memory
    return remember(
        before,
        grade,
        at.now,
        elapsed_days=elapsed_scheduler_days(before, at),
        model=model_for(parameters),
    )


def review_interval(memory: Memory, options: Options) -> int:
    """Whole days until recall falls to the desired retention, in [1, maximum_interval]."""
    days = model_for(options.fsrs_parameters).interval(memory.stability, options.desired_retention)
    return min(max(round(days), 1), max(options.maximum_interval, 1))


def fuzz_range(interval: int, maximum: int) -> tuple[int, int]:
    """The package's fuzz range for an interval of 3 days or more (`_get_fuzz_range`)."""
    delta = 1.0
    for start, end, factor in _FUZZ_RANGES:
        delta += factor * max(min(float(interval), end) - start, 0.0)
    low = max(2, round(interval - delta))
    high = min(round(interval + delta), maximum)
    return min(low, high), high


def _fuzzed(interval: int, options: Options, seed: int, reps: int) -> int:
    if not options.fuzz or interval < 2.5:
        return interval
    low, high = fuzz_range(interval, max(options.maximum_interval, 1))
    return low + int(fuzz_factor(seed, reps) * (high - low + 1))


def _steps(minutes: tuple[float, ...]) -> tuple[int, ...]:
    return tuple(max(round(m * 60), 1) for m in minutes)


def _next_step(steps: tuple[int, ...], index: int, grade: Grade) -> tuple[int, int] | None:
    """(next step index, delay in seconds) for a (re)learning card, or None to graduate."""
    if not steps or (index >= len(steps) and grade != Grade.AGAIN):
        return None
    if grade == Grade.AGAIN:
        return 0, steps[0]
    if grade == Grade.HARD:
        if index == 0 and len(steps) == 1:
            return 0, steps[0] * 3 // 2
        if index == 0:
            return 0, (steps[0] + steps[1]) // 2
        return index, steps[index]
    if grade == Grade.GOOD and index + 1 < len(steps):
        return index + 1, steps[index + 1]
    return None  # Good after the last step, or Easy


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

    `ahead` changes nothing: FSRS grows memory by the days actually elapsed, so a card
    studied before its due day already gains only what that early look is worth."""
    grade = Grade(grade)
    reps = state.reps + 1
    lapses = state.lapses
    leech = False
    kind = ReviewKind.of(state.state)
    memory = memory_after(state, grade, at, options.fsrs_parameters)

    if state.state in (CardState.NEW, CardState.LEARNING, CardState.RELEARNING):
        learning = state.state != CardState.RELEARNING
        steps = _steps(options.learning_steps if learning else options.relearning_steps)
        remaining = len(steps) if state.state == CardState.NEW else state.remaining_steps
        step = _next_step(steps, max(len(steps) - remaining, 0), grade)
    elif grade == Grade.AGAIN:
        lapses += 1
        leech = leech_threshold_met(lapses, options.leech_threshold)
        steps = _steps(options.relearning_steps)
        step = (0, steps[0]) if steps else None
        learning = False
    else:
        step = None
        steps = ()
        learning = False

    interval = state.interval_days if state.state != CardState.NEW else 0
    if step is None:
        days = _fuzzed(review_interval(memory, options), options, seed, state.reps)
        placed = SchedulingState(
            state=CardState.REVIEW,
            due_day=at.today + timedelta(days=days),
            interval_days=days,
            # FSRS has no ease; a graduating card gets the preset's starting ease (as Anki
            # gives its FSRS cards) so that an export to Anki's SM-2 reads a sane factor.
            ease=state.ease or round(options.starting_ease * 1000),
            reps=reps,
            lapses=lapses,
            memory=memory,
        )
        return Answer(placed, kind, leech)

    index, delay = step
    placed = SchedulingState(
        state=CardState.LEARNING if learning else CardState.RELEARNING,
        interval_days=interval,
        ease=state.ease,
        reps=reps,
        lapses=lapses,
        remaining_steps=len(steps) - index,
        memory=memory,
    )
    until_rollover = at.secs_until_rollover
    if delay >= until_rollover:
        days = (delay - until_rollover) // DAY_SECS + 1
        placed = replace(placed, due_day=at.today + timedelta(days=days))
    else:
        secs = learning_fuzz_secs(delay, seed, reps - 1, options.fuzz)
        placed = replace(placed, due_at=at.now + timedelta(seconds=secs))
    return Answer(placed, kind, leech)
