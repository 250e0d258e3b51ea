"""Anki's interval fuzz and learning-step fuzz (rslib `states/fuzz.rs`, `answering/learning.rs`).

Fuzz spreads cards that were learned together over neighbouring days. It is deterministic: the
random draw is seeded by the card and its repetition count, so the interval a button shows in a
preview is the interval the answer applies. We cannot reproduce Rust's `StdRng` stream, so the
draw differs from Anki's, but the bounds are Anki's exactly.
"""

from __future__ import annotations

import random

from srs.scheduler.f32 import add, f32, mul, round_half_away, to_u32

__all__ = [
    "constrained_fuzz_bounds",
    "fuzz_bounds",
    "fuzz_delta",
    "fuzz_factor",
    "learning_fuzz_secs",
    "with_review_fuzz",
]

# (start, end, factor): each day of the interval inside [start, end) adds factor days of fuzz.
_FUZZ_RANGES = ((2.5, 7.0, 0.15), (7.0, 20.0, 0.1), (20.0, f32(3.4028234663852886e38), 0.05))


def fuzz_factor(seed: int, reps: int) -> float:
    """The uniform draw in [0, 1) for one answer; an exact f32 so that it can never round to 1."""
    return random.Random(seed + reps).getrandbits(24) / (1 << 24)


def fuzz_delta(interval: float) -> float:
    """Days an interval may move either way: 0 below 2.5, else 1 + 15 %/10 %/5 % per range."""
    if interval < 2.5:
        return 0.0
    delta = 1.0
    for start, end, factor in _FUZZ_RANGES:
        delta = add(delta, mul(factor, max(add(min(interval, end), -start), 0.0)))
    return delta


def fuzz_bounds(interval: float) -> tuple[int, int]:
    """Unconstrained (lower, upper) fuzz bounds for an interval in days."""
    delta = fuzz_delta(interval)
    return (
        to_u32(round_half_away(add(interval, -delta))),
        to_u32(round_half_away(add(interval, delta))),
    )


def constrained_fuzz_bounds(interval: float, minimum: int, maximum: int) -> tuple[int, int]:
    """Fuzz bounds kept inside [minimum, maximum], at least two days wide where that is allowed."""
    minimum = min(minimum, maximum)
    interval = min(max(f32(interval), float(minimum)), float(maximum))
    lower, upper = fuzz_bounds(interval)
    lower = min(max(lower, minimum), maximum)
    upper = min(max(upper, minimum), maximum)
    if upper == lower and 2 < upper < maximum:
        upper = lower + 1
    return lower, upper


def with_review_fuzz(interval: float, minimum: int, maximum: int, factor: float | None) -> int:
    """The interval in days: fuzzed inside the bounds, or (factor None) rounded and clamped."""
    if factor is None:
        return min(max(to_u32(round_half_away(f32(interval))), minimum), maximum)
    lower, upper = constrained_fuzz_bounds(interval, minimum, maximum)
    return to_u32(add(float(lower), mul(factor, float(1 + upper - lower))) // 1)


def learning_fuzz_secs(secs: int, seed: int, reps: int, fuzz: bool) -> int:
    """A learning step's delay plus up to 25 % (at most 5 minutes) of random extra seconds."""
    if not fuzz:
        return secs
    upper_exclusive = secs + to_u32(min(mul(float(secs), 0.25), 300.0) // 1)
    if secs >= upper_exclusive:
        return secs
    return random.Random(seed + reps).randrange(secs, upper_exclusive)
