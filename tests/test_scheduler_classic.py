"""`sm2-classic`: Wozniak's SM-2 against the reference vectors (reading A, exact EF).

Vectors are from /work/shared/reference/anki-sm2.md section 1 (computed there with exact EF and
checked against PyPI `sm-2` 0.3.0 where that package's float EF does not drift). Qualities 0 and
2 are given with the Again button: under the chosen reading a failure never changes EF, so every
q < 3 behaves the same.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from srs.dates import Moment, moment
from srs.model import CardState, Grade, ReviewKind, SchedulingState
from srs.options import Options
from srs.scheduler import get_scheduler
from srs.scheduler.classic import GRADE_TO_QUALITY, ef_delta

START = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
Q_TO_GRADE = {
    0: Grade.AGAIN,
    1: Grade.AGAIN,
    2: Grade.AGAIN,
    3: Grade.HARD,
    4: Grade.GOOD,
    5: Grade.EASY,
}
CLASSIC = get_scheduler("sm2-classic")


def at(now: datetime) -> Moment:
    return moment(now, UTC, 4)


DEFAULTS = Options()


def run(qualities: list[int], options: Options = DEFAULTS) -> list[str]:
    """Answer each quality when the card is next due; describe each result like the reference."""
    state = SchedulingState()
    now = START
    out = []
    for q in qualities:
        if state.due_day is not None:
            now = datetime.combine(state.due_day, START.time(), UTC)
        elif state.due_at is not None:
            now = state.due_at
        state = CLASSIC.answer(state, Q_TO_GRADE[q], at(now), options, 0).state
        waiting = state.state in (CardState.LEARNING, CardState.RELEARNING)
        star = "*" if waiting and state.interval_days >= 1 else ""
        assert state.ease % 10 == 0
        out.append(f"I={state.interval_days},EF={state.ease / 1000:.2f}{star}")
    return out


VECTORS = {
    (5, 5, 5, 5, 5): "I=1,EF=2.60; I=6,EF=2.70; I=17,EF=2.80; I=50,EF=2.90; I=150,EF=3.00",
    (4, 4, 4, 4, 4, 4): "I=1,EF=2.50; I=6,EF=2.50; I=15,EF=2.50; I=38,EF=2.50; I=95,EF=2.50; "
    "I=238,EF=2.50",
    (3, 4, 3, 4, 4, 4): "I=1,EF=2.36*; I=1,EF=2.36; I=6,EF=2.22*; I=6,EF=2.22; I=14,EF=2.22; "
    "I=32,EF=2.22",
    (4, 4, 4, 1, 4, 4, 4): "I=1,EF=2.50; I=6,EF=2.50; I=15,EF=2.50; I=0,EF=2.50; I=1,EF=2.50; "
    "I=6,EF=2.50; I=15,EF=2.50",
    (5, 5, 5, 2, 3, 4, 4, 4): "I=1,EF=2.60; I=6,EF=2.70; I=17,EF=2.80; I=0,EF=2.80; "
    "I=1,EF=2.66*; I=1,EF=2.66; I=6,EF=2.66; I=16,EF=2.66",
    (5, 5, 5, 0, 1, 5, 5, 5): "I=1,EF=2.60; I=6,EF=2.70; I=17,EF=2.80; I=0,EF=2.80; "
    "I=0,EF=2.80; I=1,EF=2.90; I=6,EF=3.00; I=19,EF=3.10",
    (3, 3, 4, 3, 4, 3, 4, 3, 4, 3, 4, 3, 4, 3, 4, 4): "I=1,EF=2.36*; I=1,EF=2.36*; I=1,EF=2.36; "
    "I=6,EF=2.22*; I=6,EF=2.22; I=13,EF=2.08*; I=13,EF=2.08; I=26,EF=1.94*; I=26,EF=1.94; "
    "I=47,EF=1.80*; I=47,EF=1.80; I=79,EF=1.66*; I=79,EF=1.66; I=121,EF=1.52*; I=121,EF=1.52; "
    "I=184,EF=1.52",
}


@pytest.mark.parametrize("qualities", list(VECTORS))
def test_reference_vectors(qualities: tuple[int, ...]) -> None:
    assert "; ".join(run(list(qualities))) == VECTORS[qualities]


@pytest.mark.parametrize(
    ("qualities", "exact"),
    [  # sequences where float EF with ceil gives one day more; integer hundredths must not
        ([4, 4, 4, 5, 5, 5, 5, 5], [1, 6, 15, 39, 106, 297, 862, 2586]),
        ([4, 4, 5, 4, 5, 5, 4, 4], [1, 6, 16, 42, 114, 320, 896, 2509]),
        ([4, 4, 5, 4, 5, 5, 4, 5], [1, 6, 16, 42, 114, 320, 896, 2599]),
    ],
)
def test_integer_ef_does_not_drift(qualities: list[int], exact: list[int]) -> None:
    assert [int(r.split(",")[0][2:]) for r in run(qualities)] == exact


def test_ef_deltas_and_grade_mapping() -> None:
    assert [ef_delta(q) for q in range(6)] == [-80, -54, -32, -14, 0, 10]
    assert GRADE_TO_QUALITY == {Grade.AGAIN: 1, Grade.HARD: 3, Grade.GOOD: 4, Grade.EASY: 5}


def test_ef_floor_is_1_3() -> None:
    results = run([3] + [4, 3] * 12)
    assert results[-1].startswith("I=") and "EF=1.30" in results[-1]


def test_same_day_repeat_is_due_after_the_learn_ahead_limit() -> None:
    state = CLASSIC.answer(SchedulingState(), Grade.HARD, at(START), Options(), 0).state
    assert state.state == CardState.LEARNING and state.remaining_steps == 1
    assert state.due_at == START + timedelta(minutes=20) and state.due_day is None


def test_lapse_counts_and_leech() -> None:
    state = SchedulingState(
        state=CardState.REVIEW, due_day=START.date(), interval_days=40, ease=2500, lapses=7
    )
    result = CLASSIC.answer(state, Grade.AGAIN, at(START), Options(), 0)
    assert result.review_kind == ReviewKind.REVIEW
    assert result.leech and result.state.lapses == 8
    assert (result.state.state, result.state.interval_days) == (CardState.RELEARNING, 0)
    again = CLASSIC.answer(result.state, Grade.AGAIN, at(START), Options(), 0)
    assert again.review_kind == ReviewKind.RELEARN and again.state.lapses == 8


def test_maximum_interval_caps() -> None:
    assert run([5] * 6, Options(maximum_interval=40))[-4:] == [
        "I=17,EF=2.80",
        "I=40,EF=2.90",
        "I=40,EF=3.00",
        "I=40,EF=3.10",
    ]


def test_preview_matches_answer() -> None:
    state = SchedulingState(
        state=CardState.REVIEW, due_day=START.date(), interval_days=6, ease=2500
    )
    shown = CLASSIC.preview(state, at(START), Options(), 0)
    assert [shown[g].interval_days for g in Grade] == [
        0,
        15,
        15,
        16,
    ]  # ceil(6 x 2.36), ceil(6 x 2.50), ceil(6 x 2.60)
    for grade in Grade:
        assert CLASSIC.answer(state, grade, at(START), Options(), 0).state == shown[grade]
