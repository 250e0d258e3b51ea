"""Scheduling and study options, their valid ranges, and their text form for `srs config`.

Ranges follow Anki's own (`ensure_deck_config_values_valid`) so that anything srs accepts can be
exported to Anki unchanged. Anki silently resets an out-of-range value to the default; srs refuses
it instead and names the valid range, because a silent reset hides the user's mistake.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Callable, Mapping
from datetime import date

from srs.errors import ConfigError
from srs.model import value_class

__all__ = [
    "OPTION_NAMES",
    "SCHEDULER_CHOICES",
    "Options",
    "format_option",
    "parse_option",
    "with_values",
]

MAX_DAYS = 36500
_MINUTES_PER_DAY = 1440


@value_class
class Options:
    """Every option the scheduler and the daily queue read (defaults = Anki's "Default" preset)."""

    learning_steps: tuple[float, ...] = (1.0, 10.0)  # minutes
    graduating_interval: int = 1
    easy_interval: int = 4
    starting_ease: float = 2.5
    easy_bonus: float = 1.3
    interval_modifier: float = 1.0
    hard_interval: float = 1.2
    maximum_interval: int = 36500
    relearning_steps: tuple[float, ...] = (10.0,)
    new_interval: float = 0.0
    minimum_interval: int = 1
    leech_threshold: int = 8
    leech_action: str = "tag"  # "tag" | "suspend"
    new_per_day: int = 20
    reviews_per_day: int = 200
    day_starts_at: int = 4  # 0..23
    fuzz: bool = True
    bury_siblings: bool = True
    scheduler: str = "sm2"  # one of SCHEDULER_CHOICES
    learn_ahead_minutes: int = 20
    desired_retention: float = 0.9  # FSRS: the recall probability at which a card falls due
    exam: str = ""  # target exam code; "" = the blueprint whose status is current
    exam_date: date | None = None  # set: `srs review` follows the exam-mode plan to this day
    daily_minutes: int = 20  # exam mode's daily study budget
    # FSRS-6's 21 weights fitted to the learner (`srs fsrs optimize --apply`); () = the defaults
    fsrs_parameters: tuple[float, ...] = ()


OPTION_NAMES: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(Options))

_STEP_UNITS = {"s": 1 / 60, "m": 1.0, "h": 60.0, "d": float(_MINUTES_PER_DAY)}
_STEP_RE = re.compile(r"^(\d+(?:\.\d+)?)([smhd]?)$")
_TRUE = {"on", "true", "yes", "1"}
_FALSE = {"off", "false", "no", "0"}


def _int_range(low: int, high: int) -> Callable[[str, str], object]:
    def parse(key: str, text: str) -> object:
        try:
            value = int(text.strip())
        except ValueError:
            raise ConfigError(
                f"{key} must be a whole number between {low} and {high} (got {text!r})"
            ) from None
        if not low <= value <= high:
            raise ConfigError(f"{key} must be between {low} and {high} (got {value})")
        return value

    return parse


def _float_range(low: float, high: float) -> Callable[[str, str], object]:
    def parse(key: str, text: str) -> object:
        try:
            value = float(text.strip())
        except ValueError:
            raise ConfigError(
                f"{key} must be a number between {low:g} and {high:g} (got {text!r})"
            ) from None
        if not math.isfinite(value) or not low <= value <= high:
            raise ConfigError(f"{key} must be between {low:g} and {high:g} (got {text.strip()})")
        return value

    return parse


# The `scheduler` option's values. The registry in `srs.scheduler` (below this module, which
# must not load the schedulers to read options) refuses to start unless it registers exactly
# these, so the two cannot drift apart.
SCHEDULER_CHOICES = ("sm2", "sm2-classic", "fsrs")


def _choice(*choices: str) -> Callable[[str, str], object]:
    def parse(key: str, text: str) -> object:
        value = text.strip().lower()
        if value not in choices:
            raise ConfigError(f"{key} must be one of {', '.join(choices)} (got {text!r})")
        return value

    return parse


def _bool(key: str, text: str) -> object:
    value = text.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ConfigError(f"{key} must be on or off (got {text!r})")


def _exam_code(key: str, text: str) -> object:
    """An exam code as blueprints spell it (checked against the known blueprints by the caller)."""
    value = text.strip().upper()
    if value in ("", "NONE", "DEFAULT", "CURRENT"):
        return ""
    if not re.fullmatch(r"[A-Z0-9][A-Z0-9._-]{0,39}", value):
        raise ConfigError(f"{key} must be an exam code such as MLA-C01 (got {text!r})")
    return value


def _optional_date(key: str, text: str) -> object:
    """A calendar day (YYYY-MM-DD), or off/none to clear it."""
    value = text.strip().lower()
    if value in ("", "none", "off"):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ConfigError(f"{key} must be a date like 2027-03-31, or off (got {text!r})") from None


FSRS_PARAMETER_COUNT = 21
# FSRS-5's last two weights, used to complete a 19-number vector copied from an older Anki:
# no short-term stability exponent and FSRS-5's fixed decay.
_FSRS5_TAIL = (0.0, 0.5)


def _fsrs_parameters(key: str, text: str) -> object:
    """21 FSRS-6 weights (as Anki's deck options show them), or default/off for the defaults.

    Each weight must lie within the bounds the `fsrs` package clamps to, so that a vector srs
    accepts behaves the same in srs, in the package and in Anki. 19 weights (FSRS-5, as older
    Anki versions show them) are completed with FSRS-5's decay.
    """
    value = text.strip().lower()
    if value in ("", "default", "defaults", "off", "none"):
        return ()
    tokens = [t for t in re.split(r"[\s,]+", text.strip().strip("[]")) if t]
    try:
        weights = [float(t) for t in tokens]
    except ValueError:
        raise ConfigError(
            f"{key} must be {FSRS_PARAMETER_COUNT} numbers separated by commas, or default"
        ) from None
    if len(weights) == FSRS_PARAMETER_COUNT - 2:
        weights += _FSRS5_TAIL
    if len(weights) != FSRS_PARAMETER_COUNT:
        raise ConfigError(
            f"{key} must be {FSRS_PARAMETER_COUNT} numbers (FSRS-6), got {len(weights)}"
        )
    from fsrs.scheduler import LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS

    for index, (weight, low, high) in enumerate(
        zip(weights, LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS, strict=True)
    ):
        if not math.isfinite(weight) or not low <= weight <= high:
            raise ConfigError(f"{key}: weight w{index} must be between {low:g} and {high:g}")
    return tuple(weights)


def _steps(key: str, text: str) -> object:
    """Steps as Anki writes them: "1m 10m 1h 2d"; a bare number means minutes."""
    steps: list[float] = []
    for token in text.replace(",", " ").split():
        match = _STEP_RE.match(token.lower())
        if not match:
            raise ConfigError(f"{key}: cannot read step {token!r}; write steps like '1m 10m 1h 2d'")
        minutes = float(match.group(1)) * _STEP_UNITS[match.group(2) or "m"]
        if not 0 < minutes <= MAX_DAYS * _MINUTES_PER_DAY:
            raise ConfigError(
                f"{key}: each step must be longer than 0 and at most {MAX_DAYS}d (got {token})"
            )
        steps.append(minutes)
    return tuple(steps)


_PARSERS: dict[str, Callable[[str, str], object]] = {
    "learning_steps": _steps,
    "graduating_interval": _int_range(1, MAX_DAYS),
    "easy_interval": _int_range(1, MAX_DAYS),
    "starting_ease": _float_range(1.31, 5.0),
    "easy_bonus": _float_range(1.0, 5.0),
    "interval_modifier": _float_range(0.5, 2.0),
    "hard_interval": _float_range(0.5, 1.3),
    "maximum_interval": _int_range(1, MAX_DAYS),
    "relearning_steps": _steps,
    "new_interval": _float_range(0.0, 1.0),
    "minimum_interval": _int_range(1, MAX_DAYS),
    "leech_threshold": _int_range(1, 9999),
    "leech_action": _choice("tag", "suspend"),
    "new_per_day": _int_range(0, 9999),
    "reviews_per_day": _int_range(0, 9999),
    "day_starts_at": _int_range(0, 23),
    "fuzz": _bool,
    "bury_siblings": _bool,
    "scheduler": _choice(*SCHEDULER_CHOICES),
    "learn_ahead_minutes": _int_range(0, 1440),
    "desired_retention": _float_range(0.7, 0.99),
    "exam": _exam_code,
    "exam_date": _optional_date,
    "daily_minutes": _int_range(1, 1440),
    "fsrs_parameters": _fsrs_parameters,
}
assert set(_PARSERS) == set(OPTION_NAMES)


def _check_key(key: str) -> None:
    if key not in _PARSERS:
        raise ConfigError(f"unknown option {key!r}; valid options: {', '.join(OPTION_NAMES)}")


def parse_option(key: str, text: str) -> object:
    """Parse the user's text for option `key`; refuse it with the valid range if it is wrong."""
    _check_key(key)
    return _PARSERS[key](key, text)


def _format_step(minutes: float) -> str:
    for unit, size in (("d", _MINUTES_PER_DAY), ("h", 60)):
        if minutes >= size and minutes % size == 0:
            return f"{int(minutes // size)}{unit}"
    if minutes == int(minutes):
        return f"{int(minutes)}m"
    seconds = minutes * 60
    if abs(seconds - round(seconds)) < 1e-9:
        return f"{round(seconds)}s"
    return f"{minutes:g}m"


def format_option(key: str, value: object) -> str:
    """The text form of an option value; `parse_option(key, format_option(key, v)) == v`."""
    _check_key(key)
    if key in ("learning_steps", "relearning_steps"):
        assert isinstance(value, tuple)
        return " ".join(_format_step(float(step)) for step in value)
    if isinstance(value, bool):
        return "on" if value else "off"
    if key == "exam_date":
        return "off" if value is None else str(value)
    if key == "exam" and value == "":
        return "current"
    if key == "fsrs_parameters":
        assert isinstance(value, tuple)
        return ", ".join(repr(float(w)) for w in value) if value else "default"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def with_values(base: Options, values: Mapping[str, object]) -> Options:
    """`base` with already-parsed values applied (unknown keys are refused)."""
    for key in values:
        _check_key(key)
    return dataclasses.replace(base, **values)  # type: ignore[arg-type]
