"""Simulated learners for fitting FSRS (tests/test_fsrs_optimize.py, `python -m benchmarks fsrs`):

A learner answers each card when its schedule says so; whether it recalls follows its *true*
parameters (not srs's), drawn per learner around the defaults. Grades: a first look is
Again/Hard/Good/Easy 24/9/50/17 % (FSRS's simulator shares); later, recalled with the true
probability, then Hard/Good/Easy 22/63/15 %.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import datetime, timedelta

from srs.memory.model import FsrsModel, default_model
from srs.model import Grade, Memory, ReviewKind

FIRST = (0.24, 0.09, 0.50, 0.17)
PASSED = (0.22, 0.63, 0.15)


def true_parameters(seed: int) -> tuple[float, ...]:
    """A learner's parameters: the defaults moved by amounts the fit should notice."""
    rng = random.Random(seed)
    w = list(default_model().w)
    for i in range(4):
        w[i] = min(max(w[i] * rng.lognormvariate(1.0, 0.3), 0.01), 90.0)
    w[4] = min(max(w[4] + rng.gauss(0.8, 0.3), 1.0), 9.5)
    w[8] = min(max(w[8] * rng.lognormvariate(-0.4, 0.1), 0.1), 4.0)
    w[20] = min(max(w[20] * rng.lognormvariate(1.1, 0.1), 0.1), 0.8)
    return tuple(round(x, 4) for x in w)


def grade_for(rng: random.Random, model: FsrsModel, memory: Memory | None, days: float) -> Grade:
    """The learner's answer after `days` (None memory: a first look)."""
    if memory is None:
        return Grade(rng.choices((1, 2, 3, 4), FIRST)[0])
    if rng.random() >= model.retrievability(days, memory.stability):
        return Grade.AGAIN
    return Grade(rng.choices((2, 3, 4), PASSED)[0])


def schedule(
    model: FsrsModel, seed: int, cards: int, days: int, start: datetime
) -> Iterator[tuple[int, int, datetime, Grade, ReviewKind]]:
    """(card, day, instant, grade, kind) of a learner studying `cards` new cards over `days`
    days on a simple FSRS schedule (90 % retention by srs's default model, a 10-minute repeat
    after Again), at 09:00 and a few minutes: the card's true memory decides the grade."""
    rng = random.Random(seed)
    sched = default_model()
    per_day = max(1, cards * 2 // days)
    due: dict[int, tuple[int, int]] = {}  # card -> (day, minutes after 09:00)
    truth: dict[int, Memory] = {}
    belief: dict[int, Memory] = {}
    graduated: set[int] = set()
    last_day: dict[int, int] = {}
    introduced = 0
    for day in range(days):
        while introduced < cards and introduced < (day + 1) * per_day:
            due[introduced] = (day, 0)
            introduced += 1
        today = sorted((m, c) for c, (d, m) in due.items() if d == day)
        queue = [(m, c) for m, c in today]
        while queue:
            minute, card = queue.pop(0)
            at = start + timedelta(days=day, hours=9, minutes=minute)
            memory = truth.get(card)
            elapsed = 0 if memory is None else day - last_day[card]
            real = 0.0 if memory is None else (at - memory.last_review).total_seconds() / 86400
            grade = grade_for(rng, model, memory, float(elapsed) if elapsed else real)
            if card not in graduated:
                kind = ReviewKind.LEARN
            else:
                kind = ReviewKind.REVIEW if elapsed else ReviewKind.RELEARN
            yield card, day, at, grade, kind
            truth[card] = _step(model, memory, elapsed, grade, at)
            belief[card] = _step(sched, belief.get(card), elapsed, grade, at)
            last_day[card] = day
            if grade == Grade.AGAIN and minute < 60:
                queue.append((minute + 10, card))
                queue.sort()
                continue
            # srs's own belief picks the interval (default parameters), as a real app would.
            graduated.add(card)
            ivl = sched.interval(belief[card].stability, 0.9) * rng.uniform(0.9, 1.1)
            due[card] = (day + max(1, round(ivl)), rng.randrange(0, 30))


def _step(model: FsrsModel, memory: Memory | None, days: int, grade: Grade, at: datetime) -> Memory:
    if memory is None:
        s, d = model.step(None, 0.0, 0, int(grade))
    else:
        s, d = model.step(memory.stability, memory.difficulty, days, int(grade))
    return Memory(s, d, at)
