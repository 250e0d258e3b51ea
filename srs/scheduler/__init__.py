"""Schedulers: pure functions from (state, grade, moment, options, seed) to the next state.

One small interface (`Scheduler`) so that the store and the queue never know which algorithm runs:
`sm2` is Anki's v3 SM-2 answer for answer, `sm2-classic` is Wozniak's textbook SM-2, `fsrs` is
FSRS-6 at a desired retention (the `fsrs` package's rules and default parameters). A new
algorithm is a new module here plus one line in `_SCHEDULERS`.
"""

from __future__ import annotations

import hashlib
from typing import Protocol

from srs.dates import Moment
from srs.errors import ConfigError
from srs.model import Answer, Grade, SchedulingState, value_class
from srs.options import SCHEDULER_CHOICES, Options
from srs.scheduler import classic, fsrs, sm2

__all__ = ["SCHEDULER_NAMES", "Scheduler", "card_seed", "describe_interval", "get_scheduler"]


class Scheduler(Protocol):
    """What the collection calls; implementations hold no state of their own."""

    @property
    def name(self) -> str:
        """The name users pick with `srs config set scheduler NAME`."""
        ...

    def answer(
        self,
        state: SchedulingState,
        grade: Grade,
        at: Moment,
        options: Options,
        seed: int,
        *,
        ahead: bool = False,
    ) -> Answer:
        """The state after answering `grade` at `at`, and the review-log facts. `ahead`: the
        card is studied ahead of its schedule (exam mode; Anki's filtered decks with
        rescheduling), so a review before its due day is an early review."""
        ...

    def preview(
        self,
        state: SchedulingState,
        at: Moment,
        options: Options,
        seed: int,
        *,
        ahead: bool = False,
    ) -> dict[Grade, SchedulingState]:
        """The state each grade would give; equal to what `answer` applies for that grade."""
        ...


class AnswerFunction(Protocol):
    """An algorithm module's pure `answer`."""

    def __call__(
        self,
        state: SchedulingState,
        grade: Grade,
        at: Moment,
        options: Options,
        seed: int,
        *,
        ahead: bool = False,
    ) -> Answer: ...


@value_class
class PureScheduler:
    """A `Scheduler` made from an algorithm module's pure `answer` function."""

    name: str
    answer_function: AnswerFunction

    def answer(
        self,
        state: SchedulingState,
        grade: Grade,
        at: Moment,
        options: Options,
        seed: int,
        *,
        ahead: bool = False,
    ) -> Answer:
        """The algorithm's answer, as is."""
        return self.answer_function(state, grade, at, options, seed, ahead=ahead)

    def preview(
        self,
        state: SchedulingState,
        at: Moment,
        options: Options,
        seed: int,
        *,
        ahead: bool = False,
    ) -> dict[Grade, SchedulingState]:
        """Each grade answered from the same state: what the buttons show is what applies."""
        return {
            g: self.answer_function(state, g, at, options, seed, ahead=ahead).state for g in Grade
        }


_SCHEDULERS: dict[str, Scheduler] = {
    "sm2": PureScheduler("sm2", sm2.answer),
    "sm2-classic": PureScheduler("sm2-classic", classic.answer),
    "fsrs": PureScheduler("fsrs", fsrs.answer),
}
SCHEDULER_NAMES: tuple[str, ...] = tuple(_SCHEDULERS)
if SCHEDULER_NAMES != SCHEDULER_CHOICES:  # pragma: no cover - caught by any test run
    raise RuntimeError("srs.options.SCHEDULER_CHOICES must name exactly the registered schedulers")


def get_scheduler(name: str) -> Scheduler:
    """The scheduler called `name`; ConfigError listing the valid names otherwise."""
    try:
        return _SCHEDULERS[name]
    except KeyError:
        raise ConfigError(
            f"unknown scheduler {name!r}; valid schedulers: {', '.join(SCHEDULER_NAMES)}"
        ) from None


def card_seed(card_id: str) -> int:
    """A stable integer for a card id (first 8 bytes of its SHA-256), the base of its fuzz seed.

    Anki seeds fuzz with card id + repetitions; our card ids are strings, so we hash them. The
    value never depends on the process (unlike `hash()`), so a preview and the later answer agree.
    """
    return int.from_bytes(hashlib.sha256(card_id.encode("utf-8")).digest()[:8], "big")


_MINUTE = 60.0
_HOUR = 3600.0
_DAY = 86400.0
_MONTH = 30.417 * _DAY  # Anki's Timespan: a month is 365/12 days
_YEAR = 365.0 * _DAY


def _span(secs: float) -> str:
    """Anki's `answer_button_time`: the natural unit; months and years keep one decimal."""
    if secs < _MINUTE:
        return "<1m"
    for limit, size, unit in ((_HOUR, _MINUTE, "m"), (_DAY, _HOUR, "h"), (_MONTH, _DAY, "d")):
        if secs < limit:
            return f"{int(secs / size + 0.5)}{unit}"
    size, unit = (_MONTH, "mo") if secs < _YEAR else (_YEAR, "y")
    amount = round(secs / size, 1)
    return f"{amount:g}{unit}"


def describe_interval(
    state_before: SchedulingState, state_after: SchedulingState, at: Moment
) -> str:
    """The button label for a result, as Anki shows it: "<1m", "10m", "1d", "3.5mo", "1.2y".

    Intraday steps are measured to their due instant, so learning-step fuzz can show a step of 10
    minutes as "11m"; day results count calendar days from today. `state_before` is accepted for
    schedulers whose labels depend on it; Anki's SM-2 labels do not.
    """
    del state_before
    if state_after.due_day is not None:
        return _span((state_after.due_day - at.today).days * _DAY)
    if state_after.due_at is not None:
        return _span(max((state_after.due_at - at.now).total_seconds(), 0.0))
    return "new"
