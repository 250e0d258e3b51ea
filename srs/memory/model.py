"""The FSRS-6 memory model: how well each card is remembered, and its recall on any day.

A card's memory is its stability S (days until recall falls to 90 %), its difficulty D (1..10)
and the instant of its last answer. Each answer updates them by FSRS-6's formulas with the
default parameters of the `fsrs` package (open-spaced-repetition/py-fsrs, the reference
implementation), or with the learner's own (`model_for(options.fsrs_parameters)`, fitted by
`srs fsrs optimize`, see `srs.memory.optimize`); tests/test_memory.py checks every update
against `fsrs.Scheduler.review_card`.

The formulas are written out here as plain float arithmetic, in the package's order of
operations, so that a prediction costs a few microseconds and `srs --help` never imports
`fsrs`: the package is imported once, lazily, for its default parameters.

Two conventions, both the package's unless a caller says otherwise:

- An update counts elapsed time in whole days. By default that is the real time since the last
  answer rounded down (as the package does); the scheduler passes scheduler days instead
  (`elapsed_days`), as Anki does, so that a card answered at 21:00 and again at 08:00 the next
  morning counts as one day later, not as a same-day repeat.
- `recall` evaluates the forgetting curve at the real elapsed time (fractional days). At whole
  days it equals `fsrs.Scheduler.get_card_retrievability`; between them it does not step down at
  midnight of the last answer's time of day, which suits predictions for an exam on a given day.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import field
from datetime import date, datetime
from functools import cache

from srs.model import Grade, Memory, value_class

__all__ = [
    "FsrsModel",
    "default_model",
    "interval_for",
    "model_for",
    "recall",
    "recall_many",
    "remember",
    "replay",
]

_DAY_SECS = 86_400.0
STABILITY_MIN = 0.001  # fsrs.scheduler.STABILITY_MIN
MIN_DIFFICULTY = 1.0
MAX_DIFFICULTY = 10.0


@value_class
class FsrsModel:
    """FSRS-6 with one parameter vector `w` (21 weights); pure math, no validation.

    The app uses `default_model()`; the exam simulation builds learners from perturbed weights.
    """

    w: tuple[float, ...]
    neg_decay: float = field(init=False)  # the package's _DECAY = -w[20]
    factor: float = field(init=False)  # chosen so that R = 0.9 when t = S
    # D0(Easy), unclamped: the mean-reversion target of every difficulty update (a constant
    # of the parameters, computed once: a replay of 1M answers would compute it 1M times)
    easy_target: float = field(init=False)

    def __post_init__(self) -> None:
        if len(self.w) != 21:
            raise ValueError(f"FSRS-6 has 21 parameters, got {len(self.w)}")
        neg = -self.w[20]
        object.__setattr__(self, "neg_decay", neg)
        object.__setattr__(self, "factor", 0.9 ** (1 / neg) - 1)
        object.__setattr__(self, "easy_target", self.initial_difficulty(4, clamp=False))

    @property
    def stability_scale(self) -> float:
        """The calibration's correction k this model plans with (1.0: none; a
        `srs.memory.calibration.ScaledModel` says otherwise)."""
        return 1.0

    def retrievability(self, elapsed_days: float, stability: float) -> float:
        """Recall probability `elapsed_days` after the last answer: the forgetting curve
        R = (1 + factor * t / S) ** -w[20]."""
        if elapsed_days <= 0:
            return 1.0
        return float((1 + self.factor * elapsed_days / stability) ** self.neg_decay)

    def interval(self, stability: float, desired_retention: float) -> float:
        """Days until recall falls to `desired_retention` (not rounded, not clamped)."""
        return float((stability / self.factor) * ((desired_retention ** (1 / self.neg_decay)) - 1))

    def initial_stability(self, grade: int) -> float:
        return max(self.w[grade - 1], STABILITY_MIN)

    def initial_difficulty(self, grade: int, clamp: bool = True) -> float:
        value: float = self.w[4] - (math.e ** (self.w[5] * (grade - 1))) + 1
        return min(max(value, MIN_DIFFICULTY), MAX_DIFFICULTY) if clamp else value

    def next_difficulty(self, difficulty: float, grade: int) -> float:
        w = self.w
        target = self.easy_target
        delta = -(w[6] * (grade - 3))
        damped = difficulty + (10.0 - difficulty) * delta / 9.0
        value = w[7] * target + (1 - w[7]) * damped
        return min(max(value, MIN_DIFFICULTY), MAX_DIFFICULTY)

    def short_term_stability(self, stability: float, grade: int) -> float:
        w = self.w
        increase: float = (math.e ** (w[17] * (grade - 3 + w[18]))) * (stability ** -w[19])
        if grade >= 2:
            increase = max(increase, 1.0)
        return max(stability * increase, STABILITY_MIN)

    def next_stability(
        self, difficulty: float, stability: float, retrievability: float, grade: int
    ) -> float:
        w = self.w
        value: float
        if grade == 1:
            long_term: float = (
                w[11]
                * (difficulty ** -w[12])
                * (((stability + 1) ** (w[13])) - 1)
                * (math.e ** ((1 - retrievability) * w[14]))
            )
            short_term = stability / (math.e ** (w[17] * w[18]))
            value = min(long_term, short_term)
        else:
            hard_penalty = w[15] if grade == 2 else 1
            easy_bonus = w[16] if grade == 4 else 1
            value = stability * (
                1
                + (math.e ** (w[8]))
                * (11 - difficulty)
                * (stability ** -w[9])
                * ((math.e ** ((1 - retrievability) * w[10])) - 1)
                * hard_penalty
                * easy_bonus
            )
        return max(value, STABILITY_MIN)

    def step(
        self, stability: float | None, difficulty: float, elapsed_days: int, grade: int
    ) -> tuple[float, float]:
        """(S, D) after an answer `elapsed_days` whole days after the last; S None = first."""
        if stability is None:
            return self.initial_stability(grade), self.initial_difficulty(grade)
        if elapsed_days < 1:
            return self.short_term_stability(stability, grade), self.next_difficulty(
                difficulty, grade
            )
        r = self.retrievability(float(elapsed_days), stability)
        return (
            self.next_stability(difficulty, stability, r, grade),
            self.next_difficulty(difficulty, grade),
        )


# The `fsrs` package's `fsrs.scheduler.DEFAULT_PARAMETERS` (tests/test_memory.py pins them
# equal): copied, because importing the package costs exam mode's start-up ~7 ms.
DEFAULT_PARAMETERS = (
    0.212, 1.2931, 2.3065, 8.2956, 6.4133, 0.8334, 3.0194, 0.001, 1.8722, 0.1666, 0.796,
    1.4835, 0.0614, 0.2629, 1.6483, 0.6014, 1.8729, 0.5425, 0.0912, 0.0658, 0.1542,
)  # fmt: skip


@cache
def default_model() -> FsrsModel:
    """FSRS-6 with the `fsrs` package's default parameters."""
    return FsrsModel(DEFAULT_PARAMETERS)


@cache
def model_for(parameters: tuple[float, ...] = ()) -> FsrsModel:
    """The model with the learner's parameters (an option's value); () = the defaults.

    Cached per vector, so every answer and prediction with the same options shares one model.
    """
    if not parameters:
        return default_model()
    return FsrsModel(tuple(float(w) for w in parameters))


def _whole_days(since: datetime, at: datetime) -> int:
    """Whole days from `since` to `at`, rounded down, never negative (the package's rule)."""
    return max(0, (at - since).days)


def remember(
    memory: Memory | None,
    grade: Grade,
    at: datetime,
    *,
    elapsed_days: int | None = None,
    model: FsrsModel | None = None,
) -> Memory:
    """The memory after answering `grade` at instant `at` (UTC aware).

    `elapsed_days` overrides the whole days since the last answer (the scheduler passes
    scheduler days); by default it is the real time rounded down, as `fsrs` computes it.
    `model` defaults to the default parameters.
    """
    model = model or default_model()
    if memory is None:
        s, d = model.step(None, 0.0, 0, int(grade))
    else:
        days = _whole_days(memory.last_review, at) if elapsed_days is None else elapsed_days
        s, d = model.step(memory.stability, memory.difficulty, max(days, 0), int(grade))
    return Memory(stability=s, difficulty=d, last_review=at)


def replay(
    answers: Iterable[tuple[datetime, Grade]],
    *,
    day_of: Callable[[datetime], date] | None = None,
    model: FsrsModel | None = None,
) -> Memory | None:
    """The memory a review log leads to (answers in time order); None for an empty log.

    With `day_of` (an instant's scheduler day), elapsed days are counted in scheduler days, as
    the `fsrs` scheduler counts them; without it, in real whole days, as the package does.
    """
    memory: Memory | None = None
    for at, grade in answers:
        days: int | None = None
        if day_of is not None and memory is not None:
            days = (day_of(at) - day_of(memory.last_review)).days
        memory = remember(memory, grade, at, elapsed_days=days, model=model)
    return memory


def recall(memory: Memory | None, at: datetime, model: FsrsModel | None = None) -> float:
    """Predicted recall probability at instant `at`; 0.0 for a card never studied."""
    if memory is None:
        return 0.0
    elapsed = (at - memory.last_review).total_seconds() / _DAY_SECS
    return (model or default_model()).retrievability(elapsed, memory.stability)


def recall_many(
    memories: Sequence[Memory | None], at: datetime, model: FsrsModel | None = None
) -> list[float]:
    """`recall` for many cards at one instant (one model lookup, one timestamp)."""
    model = model or default_model()
    now = at.timestamp()
    out: list[float] = []
    for memory in memories:
        if memory is None:
            out.append(0.0)
            continue
        elapsed = (now - memory.last_review.timestamp()) / _DAY_SECS
        out.append(model.retrievability(elapsed, memory.stability))
    return out


def interval_for(
    memory: Memory | None, desired_retention: float, model: FsrsModel | None = None
) -> float:
    """Days from the last answer until recall falls to `desired_retention` (0.0 if unseen)."""
    if memory is None:
        return 0.0
    return (model or default_model()).interval(memory.stability, desired_retention)
