"""The FSRS-6 memory model against the `fsrs` package (open-spaced-repetition/py-fsrs).

Every expected value comes from `fsrs.Scheduler` itself, never from srs's own output.
"""

from __future__ import annotations

import random
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta

import fsrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from srs.memory.model import (
    FsrsModel,
    default_model,
    interval_for,
    recall,
    recall_many,
    remember,
    replay,
)
from srs.model import Grade, Memory

START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
REFERENCE = fsrs.Scheduler(enable_fuzzing=False)


def _gap(rng: random.Random) -> timedelta:
    """Same-day repeats, day-ish gaps (23-25 h) and long gaps, to reach every branch."""
    kind = rng.random()
    if kind < 0.25:
        return timedelta(minutes=rng.randint(1, 600))
    if kind < 0.4:
        return timedelta(hours=rng.uniform(20.0, 28.0))
    return timedelta(days=rng.randint(1, 120), minutes=rng.randint(-300, 300))


def _sequence(seed: int, length: int) -> list[tuple[datetime, Grade]]:
    rng = random.Random(seed)
    at = START
    out = []
    for _ in range(length):
        out.append((at, Grade(rng.choice([1, 2, 3, 3, 3, 4]))))
        at += _gap(rng)
    return out


def test_default_parameters_are_the_packages() -> None:
    assert default_model().w == tuple(fsrs.scheduler.DEFAULT_PARAMETERS)
    assert default_model().factor == pytest.approx(REFERENCE._FACTOR, rel=0, abs=0)


@pytest.mark.parametrize("seed", range(40))
def test_remember_follows_the_package_answer_for_answer(seed: int) -> None:
    card = fsrs.Card(card_id=1, due=START)
    memory: Memory | None = None
    for at, grade in _sequence(seed, 30):
        card, _ = REFERENCE.review_card(card, fsrs.Rating(int(grade)), at)
        memory = remember(memory, grade, at)
        assert memory.stability == pytest.approx(card.stability, rel=1e-12)
        assert memory.difficulty == pytest.approx(card.difficulty, rel=1e-12)
        assert memory.last_review == card.last_review


def test_replay_equals_answers_one_by_one_and_the_packages_reschedule() -> None:
    answers = _sequence(7, 25)
    memory = None
    for at, grade in answers:
        memory = remember(memory, grade, at)
    assert replay(answers) == memory
    logs = [
        fsrs.ReviewLog(
            card_id=1, rating=fsrs.Rating(int(g)), review_datetime=t, review_duration=None
        )
        for t, g in answers
    ]
    card = REFERENCE.reschedule_card(fsrs.Card(card_id=1, due=START), logs)
    assert memory is not None
    assert memory.stability == pytest.approx(card.stability, rel=1e-12)
    assert replay([]) is None


def test_replay_in_scheduler_days_counts_an_overnight_gap_as_a_day() -> None:
    evening = datetime(2026, 1, 5, 21, 0, tzinfo=UTC)
    morning = evening + timedelta(hours=11)  # next scheduler day with a 4 am start

    def day_of(at: datetime) -> date:
        return (at - timedelta(hours=4)).date()

    answers = [(evening, Grade.GOOD), (morning, Grade.GOOD)]
    real = replay(answers)  # the package: 11 h is the same day -> short-term stability
    by_day = replay(answers, day_of=day_of)
    assert real is not None and by_day is not None
    first = remember(None, Grade.GOOD, evening)
    assert by_day == remember(first, Grade.GOOD, morning, elapsed_days=1)
    assert by_day.stability > real.stability


@pytest.mark.parametrize("days", [0, 1, 2, 5, 17, 100, 1000])
def test_recall_at_whole_days_equals_the_packages_retrievability(days: int) -> None:
    memory = replay(_sequence(3, 6))
    assert memory is not None
    card = fsrs.Card(
        card_id=1,
        state=fsrs.State.Review,
        stability=memory.stability,
        difficulty=memory.difficulty,
        last_review=memory.last_review,
    )
    at = memory.last_review + timedelta(days=days)
    assert recall(memory, at) == pytest.approx(
        REFERENCE.get_card_retrievability(card, at), rel=1e-12
    )
    assert recall_many([memory, None], at) == [recall(memory, at), 0.0]


def test_recall_is_the_forgetting_curve_in_fractional_days() -> None:
    memory = Memory(stability=10.0, difficulty=5.0, last_review=START)
    assert recall(None, START) == 0.0
    assert recall(memory, START) == 1.0
    assert recall(memory, START + timedelta(days=10)) == pytest.approx(0.9)
    half = recall(memory, START + timedelta(days=10, hours=12))
    assert recall(memory, START + timedelta(days=11)) < half < 0.9


@given(
    stability=st.floats(0.01, 5000.0),
    retention=st.floats(0.7, 0.99),
)
@settings(max_examples=200, deadline=None)
def test_interval_for_is_where_recall_reaches_the_desired_retention(
    stability: float, retention: float
) -> None:
    memory = Memory(stability=stability, difficulty=5.0, last_review=START)
    days = interval_for(memory, retention)
    reference = fsrs.Scheduler(desired_retention=retention, maximum_interval=10**9)
    assert max(round(days), 1) == reference._next_interval(stability=stability)
    assert default_model().retrievability(days, stability) == pytest.approx(retention)
    assert interval_for(None, retention) == 0.0


@given(
    grades=st.lists(st.sampled_from(list(Grade)), min_size=1, max_size=15),
    gaps=st.lists(st.integers(0, 400), min_size=15, max_size=15),
)
@settings(max_examples=100, deadline=None)
def test_memory_stays_in_range(grades: list[Grade], gaps: list[int]) -> None:
    at = START
    memory = None
    for grade, gap in zip(grades, gaps, strict=False):
        memory = remember(memory, grade, at)
        assert memory.stability >= 0.001
        assert 1.0 <= memory.difficulty <= 10.0
        at += timedelta(days=gap)


def test_a_model_needs_21_weights() -> None:
    with pytest.raises(ValueError, match="21 parameters"):
        FsrsModel((1.0,) * 19)


def test_the_cli_does_not_import_fsrs() -> None:
    code = (
        "import sys, srs.cli, srs.memory.model, srs.memory.planner; sys.exit('fsrs' in sys.modules)"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
