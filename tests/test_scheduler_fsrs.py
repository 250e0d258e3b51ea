"""The `fsrs` scheduler against the `fsrs` package's `Scheduler.review_card`, plus properties.

Expected values come from the package (open-spaced-repetition/py-fsrs), never from srs's own
output. Day-later answers fall at the time of day of the answer before, so the package's
real-time day count and srs's scheduler days agree.
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import fsrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from srs.dates import Moment, moment
from srs.memory.model import remember
from srs.model import CardState, Grade, Memory, ReviewKind, SchedulingState
from srs.options import Options
from srs.scheduler import card_seed, get_scheduler
from srs.scheduler.fsrs import answer, elapsed_scheduler_days, fuzz_range

NOON = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
STATE_OF = {
    CardState.NEW: fsrs.State.Learning,
    CardState.LEARNING: fsrs.State.Learning,
    CardState.REVIEW: fsrs.State.Review,
    CardState.RELEARNING: fsrs.State.Relearning,
}


def at(now: datetime) -> Moment:
    return moment(now, UTC, 4)


def _preset(rng: random.Random) -> Options:
    steps = [(), (1.0,), (1.0, 10.0), (2.0, 10.0, 60.0), (10.0,), (5.0, 30.0)]
    return Options(
        scheduler="fsrs",
        learning_steps=rng.choice(steps),
        relearning_steps=rng.choice(steps),
        desired_retention=rng.choice([0.7, 0.8, 0.85, 0.9, 0.95, 0.99]),
        maximum_interval=rng.choice([36500, 365, 30, 7]),
        fuzz=False,
    )


def _reference(options: Options) -> fsrs.Scheduler:
    return fsrs.Scheduler(
        desired_retention=options.desired_retention,
        learning_steps=[timedelta(minutes=m) for m in options.learning_steps],
        relearning_steps=[timedelta(minutes=m) for m in options.relearning_steps],
        maximum_interval=options.maximum_interval,
        enable_fuzzing=False,
    )


@pytest.mark.parametrize("seed", range(60))
def test_answers_agree_with_the_package(seed: int) -> None:
    rng = random.Random(seed)
    options = _preset(rng)
    reference = _reference(options)
    card = fsrs.Card(card_id=1, due=NOON)
    state = SchedulingState()
    now = NOON
    for _ in range(rng.randint(5, 40)):
        grade = Grade(rng.choice([1, 2, 3, 3, 3, 4]))
        card, _ = reference.review_card(card, fsrs.Rating(int(grade)), now)
        result = answer(state, grade, at(now), options, seed=7)
        state = result.state
        assert state.memory is not None
        assert state.memory.stability == pytest.approx(card.stability, rel=1e-12)
        assert state.memory.difficulty == pytest.approx(card.difficulty, rel=1e-12)
        assert STATE_OF[state.state] == card.state
        if state.due_at is not None:
            assert state.due_at == card.due
            now = state.due_at  # answered when due, same day
        else:
            assert state.due_day is not None
            days = (state.due_day - at(now).today).days
            assert now + timedelta(days=days) == card.due
            if state.state == CardState.REVIEW:
                assert state.interval_days == days
            # answer on the due day or a little late, at the last answer's time of day, so that
            # the package's real-time day count equals srs's scheduler days
            late = rng.choice([0, 0, 0, 1, 3, 20])
            now += timedelta(days=days + late)
        if not 12 <= now.hour < 24:
            break  # steps pushed the time of day towards the 04:00 rollover


def test_a_lapse_counts_and_relearns() -> None:
    options = Options(scheduler="fsrs", fuzz=False)
    state = SchedulingState()
    now = NOON
    for grade in (Grade.GOOD, Grade.GOOD, Grade.GOOD):
        state = answer(state, grade, at(now), options, 1).state
        now = state.due_at or datetime.combine(state.due_day or date.min, NOON.timetz())
    assert state.state == CardState.REVIEW
    result = answer(state, Grade.AGAIN, at(now), options, 1)
    assert result.review_kind == ReviewKind.REVIEW
    assert result.state.state == CardState.RELEARNING
    assert result.state.lapses == 1
    assert result.state.reps == 4
    assert result.state.due_at == now + timedelta(minutes=10)
    back = answer(result.state, Grade.GOOD, at(now + timedelta(minutes=10)), options, 1)
    assert back.review_kind == ReviewKind.RELEARN
    assert back.state.state == CardState.REVIEW


def test_leech_at_the_threshold_as_sm2() -> None:
    options = Options(scheduler="fsrs", leech_threshold=3, relearning_steps=())
    memory = Memory(stability=5.0, difficulty=5.0, last_review=NOON - timedelta(days=5))
    state = SchedulingState(
        state=CardState.REVIEW, due_day=at(NOON).today, interval_days=5, lapses=2, memory=memory
    )
    result = answer(state, Grade.AGAIN, at(NOON), options, 1)
    assert result.leech and result.state.lapses == 3
    assert result.state.state == CardState.REVIEW  # no relearning steps


def test_scheduler_days_count_an_overnight_gap_as_a_day() -> None:
    evening = datetime(2026, 3, 2, 21, 0, tzinfo=UTC)
    memory = remember(None, Grade.GOOD, evening)
    morning = at(evening + timedelta(hours=11))  # 08:00, after the 04:00 rollover
    assert elapsed_scheduler_days(memory, morning) == 1
    assert elapsed_scheduler_days(memory, at(evening + timedelta(hours=6))) == 0
    assert elapsed_scheduler_days(memory, at(evening + timedelta(days=3))) == 3
    state = SchedulingState(state=CardState.REVIEW, due_day=morning.today, memory=memory)
    result = answer(state, Grade.GOOD, morning, Options(scheduler="fsrs"), 1)
    assert result.state.memory == remember(memory, Grade.GOOD, morning.now, elapsed_days=1)


def test_a_step_past_the_rollover_becomes_days() -> None:
    late = datetime(2026, 3, 2, 3, 30, tzinfo=UTC)  # rollover at 04:00, 30 minutes away
    options = Options(scheduler="fsrs", learning_steps=(60.0,), fuzz=False)
    result = answer(SchedulingState(), Grade.AGAIN, at(late), options, 1)
    assert result.state.due_at is None
    assert result.state.due_day == at(late).today + timedelta(days=1)


@given(
    interval=st.integers(3, 36500),
    maximum=st.integers(3, 36500),
    seed=st.integers(0, 2**32),
)
@settings(max_examples=300, deadline=None)
def test_fuzz_stays_inside_the_packages_range(interval: int, maximum: int, seed: int) -> None:
    interval = min(interval, maximum)
    memory = Memory(stability=float(interval), difficulty=5.0, last_review=NOON - timedelta(days=1))
    options = Options(scheduler="fsrs", maximum_interval=maximum, relearning_steps=())
    card = SchedulingState(state=CardState.REVIEW, interval_days=1, reps=3, memory=memory)
    out = answer(card, Grade.GOOD, at(NOON), options, seed).state
    unfuzzed = answer(card, Grade.GOOD, at(NOON), replace(options, fuzz=False), 0)
    low, high = fuzz_range(unfuzzed.state.interval_days, maximum)
    if unfuzzed.state.interval_days >= 3:
        assert low <= out.interval_days <= high
    else:
        assert out.interval_days == unfuzzed.state.interval_days
    assert 1 <= out.interval_days <= maximum


@given(
    grades=st.lists(st.sampled_from(list(Grade)), min_size=1, max_size=20),
    gaps=st.lists(st.integers(0, 200), min_size=20, max_size=20),
    retention=st.sampled_from([0.7, 0.8, 0.9, 0.97]),
)
@settings(max_examples=150, deadline=None)
def test_invariants_with_fuzz(grades: list[Grade], gaps: list[int], retention: float) -> None:
    options = Options(scheduler="fsrs", desired_retention=retention, maximum_interval=1000)
    scheduler = get_scheduler("fsrs")
    seed = card_seed("card-1")
    state = SchedulingState()
    now = NOON
    for grade, gap in zip(grades, gaps, strict=False):
        moment_ = at(now)
        preview = scheduler.preview(state, moment_, options, seed)
        result = scheduler.answer(state, grade, moment_, options, seed)
        assert preview[grade] == result.state
        state = result.state
        assert state.reps >= 1 and state.memory is not None
        assert state.memory.last_review == now
        if state.state == CardState.REVIEW:
            assert state.due_day is not None and 1 <= state.interval_days <= 1000
            assert state.due_at is None
        else:
            assert (state.due_at is None) != (state.due_day is None)
        now += timedelta(days=gap, minutes=10)


def test_higher_retention_gives_shorter_intervals() -> None:
    memory = Memory(stability=30.0, difficulty=5.0, last_review=NOON - timedelta(days=30))
    card = SchedulingState(state=CardState.REVIEW, interval_days=30, reps=4, memory=memory)
    intervals = [
        answer(card, Grade.GOOD, at(NOON), Options(desired_retention=r, fuzz=False), 1).state
        for r in (0.7, 0.8, 0.9, 0.95)
    ]
    days = [s.interval_days for s in intervals]
    assert days == sorted(days, reverse=True) and len(set(days)) == 4


def test_registered_as_fsrs() -> None:
    assert get_scheduler("fsrs").name == "fsrs"


def test_a_graduating_card_gets_the_starting_ease_so_anki_exports_stay_sane() -> None:
    # FSRS has no ease; Anki's SM-2 would read factor 0 on an exported review card as an
    # ease of 0 %. srs gives a card the preset's starting ease when it first graduates and
    # then keeps it, as Anki does for cards it schedules with FSRS.
    options = Options(scheduler="fsrs", starting_ease=2.3)
    state = answer(SchedulingState(), Grade.EASY, at(NOON), options, 1).state
    assert (state.state, state.ease) == (CardState.REVIEW, 2300)
    again = answer(state, Grade.AGAIN, at(NOON + timedelta(days=5)), options, 1).state
    assert again.ease == 2300
    stepped = answer(SchedulingState(), Grade.GOOD, at(NOON), options, 1).state
    assert stepped.state == CardState.LEARNING and stepped.ease == 0
