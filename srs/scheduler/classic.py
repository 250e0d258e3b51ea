"""Wozniak's original SM-2 (SuperMemo 2, 1987/1990), the `sm2-classic` scheduler.

The textbook algorithm: quality q in 0..5; E-Factor EF' = EF + (0.1 - (5-q)(0.08 + (5-q)0.02)),
floor 1.3, no ceiling; I(1) = 1, I(2) = 6, I(n) = I(n-1) × EF rounded up; q < 3 restarts the
repetitions; items graded below 4 are repeated the same day until they score 4 or more.

Choices where the paper is ambiguous (docs/scheduler.md has the reasoning):
- Buttons map to q as Again=1, Hard=3, Good=4, Easy=5.
- I(n) uses the EF updated by this answer (reading "A", as PyPI `sm-2` and most ports do).
- A failure (q < 3) leaves EF unchanged ("without changing the E-Factor", step 6).
- "Round up" is a ceiling, computed on integers: EF is kept in hundredths (every EF change is a
  multiple of 0.02), so I × EF never drifts; float EF gives 151 instead of 150 after five q=5.
- A same-day repeat changes nothing; the first answer of 4 or 5 ends it.

Encoding in `SchedulingState` (no extra fields needed):
- `ease` = EF in permille, always a multiple of 10 (EF 2.36 -> 2360); 0 on a new card means 2.50.
- The repetition number n is not stored: I(1) = 1 and I(2) = 6 while every later interval is at
  least ceil(6 × 1.3) = 8, so the last interval tells which rule comes next
  (0 -> I(1), 1 -> I(2), otherwise × EF).
- A card waiting for its same-day repeat is LEARNING (or RELEARNING after a lapse) with
  `remaining_steps` 1 and `due_at` = now + the learn-ahead limit, so the daily queue shows it once
  nothing else is left, i.e. at the end of the session as the paper says. `interval_days` 0 means
  it failed (its next answer is repetition 1); `interval_days` >= 1 means it passed with q = 3 and
  already has its next interval, which starts when the repeat scores 4 or 5.
No fuzz, no days-late bonus and no learning steps: those are Anki's additions, not Wozniak's.
The maximum interval and the leech threshold still apply.
"""

from __future__ import annotations

from datetime import timedelta

from srs.dates import Moment
from srs.model import Answer, CardState, Grade, ReviewKind, SchedulingState
from srs.options import Options
from srs.scheduler.sm2 import leech_threshold_met

__all__ = ["GRADE_TO_QUALITY", "INITIAL_EF", "MINIMUM_EF", "answer", "ef_delta"]

GRADE_TO_QUALITY: dict[Grade, int] = {Grade.AGAIN: 1, Grade.HARD: 3, Grade.GOOD: 4, Grade.EASY: 5}
INITIAL_EF = 250  # hundredths
MINIMUM_EF = 130


def ef_delta(q: int) -> int:
    """EF change in hundredths for quality q: +10, 0, -14, -32, -54, -80 for q = 5..0."""
    miss = 5 - q
    return 10 - miss * (8 + miss * 2)


def _next_interval(previous: int, ef: int) -> int:
    if previous <= 0:
        return 1
    if previous == 1:
        return 6
    return (previous * ef + 99) // 100  # ceil(previous × EF) in integers


def answer(
    state: SchedulingState,
    grade: Grade,
    at: Moment,
    options: Options,
    seed: int = 0,
    *,
    ahead: bool = False,
) -> Answer:
    """Answer a card with classic SM-2. `seed` is unused (there is no fuzz), and so is
    `ahead`: the textbook algorithm has no rule for a card studied before its date."""
    q = GRADE_TO_QUALITY[Grade(grade)]
    ef = state.ease // 10 if state.ease > 0 else INITIAL_EF
    reps = state.reps + 1
    kind = {
        CardState.REVIEW: ReviewKind.REVIEW,
        CardState.RELEARNING: ReviewKind.RELEARN,
    }.get(state.state, ReviewKind.LEARN)
    was_reviewing = state.state in (CardState.REVIEW, CardState.RELEARNING)
    waiting_state = CardState.RELEARNING if was_reviewing else CardState.LEARNING
    repeat_at = at.now + timedelta(minutes=options.learn_ahead_minutes)

    def wait(interval: int, ef100: int, lapses: int) -> SchedulingState:
        return SchedulingState(
            state=waiting_state,
            due_at=repeat_at,
            interval_days=interval,
            ease=ef100 * 10,
            reps=reps,
            lapses=lapses,
            remaining_steps=1,
        )

    def review(interval: int, ef100: int) -> SchedulingState:
        return SchedulingState(
            state=CardState.REVIEW,
            due_day=at.today + timedelta(days=interval),
            interval_days=interval,
            ease=ef100 * 10,
            reps=reps,
            lapses=state.lapses,
        )

    in_same_day_repeat = state.state in (CardState.LEARNING, CardState.RELEARNING)
    if in_same_day_repeat and state.interval_days >= 1:
        # Passed with q = 3 earlier: this repeat only decides when the drilling ends.
        if q >= 4:
            return Answer(review(state.interval_days, ef), kind)
        return Answer(wait(state.interval_days, ef, state.lapses), kind)

    if q < 3:
        lapses = state.lapses + 1 if state.state == CardState.REVIEW else state.lapses
        leech = state.state == CardState.REVIEW and leech_threshold_met(
            lapses, options.leech_threshold
        )
        return Answer(wait(0, ef, lapses), kind, leech)

    new_ef = max(ef + ef_delta(q), MINIMUM_EF)
    previous = state.interval_days if state.state == CardState.REVIEW else 0
    interval = min(_next_interval(previous, new_ef), max(options.maximum_interval, 1))
    if q == 3:
        return Answer(wait(interval, new_ef, state.lapses), kind)
    return Answer(review(interval, new_ef), kind)
