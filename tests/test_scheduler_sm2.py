"""Golden vectors and invariants for the `sm2` scheduler (Anki v3 SM-2).

Expected values come from Anki: its engine (checked on anki 26.9.3, see
/work/shared/reference/anki-sm2.md) and the unit tests in ankitects/anki rslib (steps.rs,
fuzz.rs, review.rs). None is copied from srs's own output.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from srs.dates import Moment, moment
from srs.errors import ConfigError
from srs.model import CardState, Grade, ReviewKind, SchedulingState
from srs.options import Options
from srs.scheduler import card_seed, describe_interval, get_scheduler
from srs.scheduler.fuzz import constrained_fuzz_bounds, with_review_fuzz
from srs.scheduler.sm2 import answer, leech_threshold_met

preview = get_scheduler("sm2").preview

NOON = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)  # next rollover (04:00 UTC) is 16 h away
TODAY = date(2026, 11, 28)
NO_FUZZ = Options(fuzz=False)


def at(now: datetime = NOON) -> Moment:
    return moment(now, UTC, 4)


def review_card(ivl: int, ease: int, days_late: int = 0, lapses: int = 0) -> SchedulingState:
    return SchedulingState(
        state=CardState.REVIEW,
        due_day=TODAY - timedelta(days=days_late),
        interval_days=ivl,
        ease=ease,
        reps=5,
        lapses=lapses,
    )


def days(state: SchedulingState, when: Moment | None = None) -> int:
    assert state.due_day is not None, state
    return (state.due_day - (when or at()).today).days


def secs(state: SchedulingState, when: Moment | None = None) -> int:
    assert state.due_at is not None, state
    return int((state.due_at - (when or at()).now).total_seconds())


def buttons(card: SchedulingState, options: Options = NO_FUZZ) -> tuple[int, int, int]:
    result = preview(card, at(), options, seed=1)
    return (
        result[Grade.HARD].interval_days,
        result[Grade.GOOD].interval_days,
        result[Grade.EASY].interval_days,
    )


# --- learning ------------------------------------------------------------------------------------


def test_new_card_good_good_then_reviews_follow_anki() -> None:
    """Anki engine, default preset, on time: Good x6 gives 10m, 1d, 3d, 8d, 20d, 50d."""
    card = SchedulingState()
    when = at()
    first = answer(card, Grade.GOOD, when, NO_FUZZ, 0)
    assert first.review_kind == ReviewKind.LEARN
    assert first.state.state == CardState.LEARNING
    assert secs(first.state) == 600 and first.state.remaining_steps == 1
    card = first.state
    seen = []
    for _ in range(5):
        result = answer(card, Grade.GOOD, when, NO_FUZZ, 0)
        card = result.state
        seen.append(card.interval_days)
        assert card.ease == 2500
        when = at(datetime.combine(card.due_day, NOON.time(), UTC))  # type: ignore[arg-type]
    assert seen == [1, 3, 8, 20, 50]


@pytest.mark.parametrize(
    ("steps", "remaining", "again", "hard", "good"),
    [
        # rslib steps.rs `delay_secs` vectors
        ((10.0,), 1, 600, 900, None),
        ((1.0, 10.0), 2, 60, 330, 600),
        ((1.0, 10.0), 1, 60, 600, None),
        ((1.0, 10.0, 100.0), 3, 60, 330, 600),
        ((1.0, 10.0, 100.0), 2, 60, 600, 6000),
        ((1.0, 10.0, 100.0), 1, 60, 6000, None),
    ],
)
def test_learning_step_delays(
    steps: tuple[float, ...], remaining: int, again: int, hard: int, good: int | None
) -> None:
    options = Options(learning_steps=steps, fuzz=False)
    card = SchedulingState(state=CardState.LEARNING, due_at=NOON, remaining_steps=remaining)
    result = preview(card, at(), options, 0)
    assert secs(result[Grade.AGAIN]) == again
    assert result[Grade.AGAIN].remaining_steps == len(steps)
    assert secs(result[Grade.HARD]) == hard
    assert result[Grade.HARD].remaining_steps == remaining
    if good is None:
        assert result[Grade.GOOD].state == CardState.REVIEW
        assert result[Grade.GOOD].interval_days == 1
    else:
        assert secs(result[Grade.GOOD]) == good
        assert result[Grade.GOOD].remaining_steps == remaining - 1
    easy = result[Grade.EASY]
    assert (easy.state, easy.interval_days, easy.ease) == (CardState.REVIEW, 4, 2500)


def test_hard_on_a_single_multi_day_step_is_at_most_one_day_longer() -> None:
    """steps.rs: a 3-day step gives Hard 4 days, not 4.5; both cross the rollover -> whole days."""
    options = Options(learning_steps=(3 * 1440.0,), fuzz=False)
    result = preview(SchedulingState(), at(), options, 0)
    assert days(result[Grade.AGAIN]) == 3 and result[Grade.AGAIN].state == CardState.LEARNING
    assert days(result[Grade.HARD]) == 4


def test_learning_step_crossing_rollover_becomes_whole_days() -> None:
    """Anki manual: next day starts in 5 h and the delay is 6 h -> due tomorrow (day learning)."""
    when = at(datetime(2026, 11, 28, 23, 0, tzinfo=UTC))
    assert when.secs_until_rollover == 5 * 3600
    card = SchedulingState(state=CardState.LEARNING, due_at=when.now, remaining_steps=2)
    options = Options(learning_steps=(60.0, 360.0), fuzz=False)
    good = answer(card, Grade.GOOD, when, options, 0).state
    assert good.due_at is None and days(good, when) == 1
    # exactly at the rollover counts as crossing it; one second less stays intraday
    exact = Options(learning_steps=(60.0, 300.0), fuzz=False)
    assert days(answer(card, Grade.GOOD, when, exact, 0).state, when) == 1
    before = at(datetime(2026, 11, 28, 22, 59, 59, tzinfo=UTC))
    assert secs(answer(card, Grade.GOOD, before, exact, 0).state, before) == 300 * 60
    # 30 h later than 5 h before the rollover: (30 h - 5 h) // 24 h + 1 = 2 days
    long = Options(learning_steps=(60.0, 1800.0), fuzz=False)
    assert days(answer(card, Grade.GOOD, when, long, 0).state, when) == 2


def test_no_learning_steps_graduates_on_any_button() -> None:
    options = Options(learning_steps=(), graduating_interval=3, easy_interval=5, fuzz=False)
    result = preview(SchedulingState(), at(), options, 0)
    assert [result[g].interval_days for g in Grade] == [3, 3, 3, 5]


def test_easy_interval_below_graduating_interval_is_kept() -> None:
    """Anki's SM-2 does not force Easy above Good when graduating (grad 3 / easy 2)."""
    options = Options(graduating_interval=3, easy_interval=2, fuzz=False)
    card = SchedulingState(state=CardState.LEARNING, due_at=NOON, remaining_steps=1)
    result = preview(card, at(), options, 0)
    assert (result[Grade.GOOD].interval_days, result[Grade.EASY].interval_days) == (3, 2)


# --- review --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ivl", "ease", "late", "expected"),
    [
        # anki-sm2.md 2.7 tie-trap vectors (engine, fuzz off)
        (5, 2500, 0, (6, 13, 16)),  # 12.5 -> 13: half away from zero, not Python's round()
        (9, 2500, 0, (11, 23, 29)),  # 22.5 -> 23
        (10, 2500, 8, (12, 35, 58)),  # easy 58.5 exact, f32 just below .5 -> 58
        (11, 2100, 8, (13, 31, 52)),  # good 31.5 exact, f32 just below .5 -> 31
        (7, 3000, 8, (8, 33, 58)),
    ],
)
def test_review_tie_traps(ivl: int, ease: int, late: int, expected: tuple[int, int, int]) -> None:
    assert buttons(review_card(ivl, ease, late)) == expected


def test_answering_early_counts_as_on_time() -> None:
    """Engine: ivl 10 due in 5 days gives 12/25/33, the same as on time."""
    early = review_card(10, 2500, days_late=-5)
    assert buttons(early) == buttons(review_card(10, 2500)) == (12, 25, 33)


def test_maximum_interval_is_the_only_thing_that_ties_buttons() -> None:
    assert buttons(review_card(30000, 2500)) == (36000, 36500, 36500)
    assert buttons(review_card(10, 2500), Options(maximum_interval=20, fuzz=False)) == (12, 20, 20)


def test_hard_interval_at_most_one_may_shrink_the_interval() -> None:
    assert buttons(review_card(10, 2500), Options(hard_interval=1.0, fuzz=False))[0] == 10
    assert buttons(review_card(10, 2500), Options(hard_interval=0.5, fuzz=False))[0] == 5


def test_low_hard_multiplier_does_not_pull_good_down() -> None:
    """review.rs `low_hard_multiplier_does_not_pull_good_down` (0.1 there; 0.5 is our floor)."""
    assert buttons(review_card(2, 1300), Options(hard_interval=0.5, fuzz=False)) == (1, 3, 4)


def test_ease_changes_and_floor() -> None:
    result = preview(review_card(10, 2500), at(), NO_FUZZ, 0)
    assert [result[g].ease for g in Grade] == [2300, 2350, 2500, 2650]
    floor = preview(review_card(10, 1400), at(), NO_FUZZ, 0)
    assert [floor[g].ease for g in Grade] == [1300, 1300, 1400, 1550]


def test_lapse_relearn_and_graduate() -> None:
    options = Options(new_interval=0.5, fuzz=False)
    card = review_card(20, 2500, lapses=2)
    lapse = answer(card, Grade.AGAIN, at(), options, 0)
    assert lapse.review_kind == ReviewKind.REVIEW and not lapse.leech
    relearn = lapse.state
    assert (relearn.state, relearn.interval_days, relearn.ease, relearn.lapses) == (
        CardState.RELEARNING,
        10,
        2300,
        3,
    )
    assert secs(relearn) == 600 and relearn.remaining_steps == 1
    result = preview(relearn, at(), options, 0)
    assert secs(result[Grade.HARD]) == 900  # single 10m step: 1.5x
    assert (result[Grade.GOOD].state, result[Grade.GOOD].interval_days) == (CardState.REVIEW, 10)
    assert result[Grade.EASY].interval_days == 11  # carried interval + 1, no multiplier
    again = result[Grade.AGAIN]  # lapses the carried interval again, not ease or count
    assert (again.interval_days, again.ease, again.lapses) == (5, 2300, 3)
    assert answer(relearn, Grade.GOOD, at(), options, 0).review_kind == ReviewKind.RELEARN


def test_lapse_respects_minimum_interval_and_ignores_interval_modifier() -> None:
    options = Options(minimum_interval=3, interval_modifier=2.0, fuzz=False)
    assert answer(review_card(50, 2500), Grade.AGAIN, at(), options, 0).state.interval_days == 3
    no_steps = Options(relearning_steps=(), new_interval=0.5, interval_modifier=2.0, fuzz=False)
    direct = answer(review_card(50, 2500), Grade.AGAIN, at(), no_steps, 0).state
    assert (direct.state, direct.interval_days, days(direct)) == (CardState.REVIEW, 25, 25)


@pytest.mark.parametrize(
    ("threshold", "leeches", "not_leeches"),
    [  # review.rs `leech_threshold` vectors
        (3, [3, 5, 7], [0, 1, 2, 4, 6]),
        (8, [8, 12], [7, 9, 10, 11, 13]),
        (1, [1, 2, 3], [0]),
    ],
)
def test_leech_threshold(threshold: int, leeches: list[int], not_leeches: list[int]) -> None:
    assert all(leech_threshold_met(n, threshold) for n in leeches)
    assert not any(leech_threshold_met(n, threshold) for n in not_leeches)


def test_leech_is_reported_on_the_lapse_that_meets_the_threshold() -> None:
    options = Options(fuzz=False)
    assert answer(review_card(5, 2000, lapses=7), Grade.AGAIN, at(), options, 0).leech
    assert not answer(review_card(5, 2000, lapses=8), Grade.AGAIN, at(), options, 0).leech
    assert not answer(review_card(5, 2000, lapses=7), Grade.GOOD, at(), options, 0).leech


# --- fuzz ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("interval", "minimum", "maximum", "lower", "middle", "upper"),
    [  # fuzz.rs `with_review_fuzz` vectors at factor 0.0 / 0.5 / 0.99
        (1.0, 1, 1000, 1, 1, 1),
        (2.49, 1, 1000, 2, 2, 2),
        (2.5, 1, 1000, 2, 3, 4),
        (7.0, 1, 1000, 5, 7, 9),
        (17.0, 1, 1000, 14, 17, 20),
        (37.0, 1, 1000, 33, 37, 41),
        (2.0, 2, 1000, 2, 2, 2),
        (2.0, 3, 1000, 3, 4, 4),
        (2.0, 3, 3, 3, 3, 3),
        (6.9, 3, 1000, 5, 7, 9),
        (7.1, 3, 1000, 5, 7, 9),
        (19.9, 3, 1000, 17, 20, 23),
        (20.1, 3, 1000, 17, 20, 23),
        (100.0, 101, 1000, 101, 105, 108),
        (100.0, 1, 99, 92, 96, 99),
        (100.0, 97, 103, 97, 100, 103),
    ],
)
def test_fuzz_vectors(
    interval: float, minimum: int, maximum: int, lower: int, middle: int, upper: int
) -> None:
    assert with_review_fuzz(interval, minimum, maximum, 0.0) == lower
    assert with_review_fuzz(interval, minimum, maximum, 0.5) == middle
    assert with_review_fuzz(interval, minimum, maximum, 0.99) == upper


def test_fuzz_off_rounds_and_clamps() -> None:
    assert with_review_fuzz(1.5, 1, 100, None) == 2
    assert with_review_fuzz(0.1, 1, 100, None) == 1
    assert with_review_fuzz(101.0, 1, 100, None) == 100


# anki-sm2.md 2.6 bounds table (120/250/325 engine-verified over 600 cards)
FUZZ_TABLE = [
    (3, 2, 4),
    (5, 4, 6),
    (7, 5, 9),
    (10, 8, 12),
    (17, 14, 20),
    (20, 17, 23),
    (37, 33, 41),
    (50, 46, 54),
    (100, 93, 107),
    (120, 112, 128),
    (250, 236, 264),
    (325, 307, 343),
    (365, 345, 385),
]


@pytest.mark.parametrize(("interval", "lower", "upper"), FUZZ_TABLE)
def test_fuzzed_easy_graduation_covers_exactly_the_bounds(
    interval: int, lower: int, upper: int
) -> None:
    assert constrained_fuzz_bounds(float(interval), 1, 36500) == (lower, upper)
    options = Options(easy_interval=interval)
    seen = {
        answer(SchedulingState(), Grade.EASY, at(), options, seed).state.interval_days
        for seed in range(60 * (upper - lower + 1))
    }
    assert seen == set(range(lower, upper + 1))


def test_learning_step_fuzz_adds_up_to_a_quarter_capped_at_five_minutes() -> None:
    card = SchedulingState(state=CardState.LEARNING, due_at=NOON, remaining_steps=2)
    ten = [secs(answer(card, Grade.GOOD, at(), Options(), s).state) for s in range(300)]
    assert min(ten) == 600 and 740 <= max(ten) <= 749
    hour = Options(learning_steps=(1.0, 60.0))
    sixty = [secs(answer(card, Grade.GOOD, at(), hour, s).state) for s in range(300)]
    assert min(sixty) >= 3600 and 3880 <= max(sixty) <= 3899
    assert {secs(answer(card, Grade.GOOD, at(), NO_FUZZ, s).state) for s in range(20)} == {600}


def test_fuzz_is_deterministic_per_card_and_repetition() -> None:
    card = review_card(100, 2500)
    seed = card_seed("note-1")
    first = preview(card, at(), Options(), seed)
    assert first == preview(card, at(), Options(), seed)
    assert answer(card, Grade.GOOD, at(), Options(), seed).state == first[Grade.GOOD]
    spread = {
        preview(card, at(), Options(), card_seed(f"n{i}"))[Grade.GOOD].interval_days
        for i in range(50)
    }
    assert len(spread) > 5
    assert card_seed("note-1") == card_seed("note-1") != card_seed("note-2")


# --- invariants with fuzz on ----------------------------------------------------------------------


def _delta(x: float) -> float:
    """Anki's fuzz delta, written out independently of srs.scheduler.fuzz."""
    if x < 2.5:
        return 0.0
    return 1 + 0.15 * max(min(x, 7) - 2.5, 0) + 0.1 * max(min(x, 20) - 7, 0) + 0.05 * max(x - 20, 0)


@settings(max_examples=300, deadline=None)
@given(
    ivl=st.integers(1, 20000),
    ease=st.integers(130, 400).map(lambda e: e * 10),
    late=st.integers(-30, 200),
    hard=st.sampled_from([0.5, 0.8, 1.0, 1.1, 1.2, 1.3]),
    bonus=st.sampled_from([1.0, 1.15, 1.3, 2.0]),
    modifier=st.sampled_from([0.5, 0.8, 1.0, 1.5, 2.0]),
    maximum=st.sampled_from([30, 365, 36500]),
    seed=st.integers(0, 2**63),
)
def test_review_invariants_with_fuzz(
    ivl: int,
    ease: int,
    late: int,
    hard: float,
    bonus: float,
    modifier: float,
    maximum: int,
    seed: int,
) -> None:
    options = Options(
        hard_interval=hard, easy_bonus=bonus, interval_modifier=modifier, maximum_interval=maximum
    )
    card = review_card(ivl, ease, late)
    fuzzed = preview(card, at(), options, seed)
    for grade in Grade:
        state = fuzzed[grade]
        assert state.ease >= 1300
        assert state.lapses == card.lapses + (grade == Grade.AGAIN)
        if state.state == CardState.REVIEW:
            assert 1 <= state.interval_days <= maximum
            assert days(state) == state.interval_days
    hard_days, good_days, easy_days = (
        fuzzed[g].interval_days for g in (Grade.HARD, Grade.GOOD, Grade.EASY)
    )
    # Each button lies in Anki's fuzz window around its raw value, written out here with plain
    # floats (1 day of slack for f32 rounding), with the minimum the previous button sets.
    elapsed = max(late, 0)
    hard_min = ivl + 1 if hard > 1 else 1
    good_min = hard_days + 1 if hard > 1 else ivl + 1
    windows = [
        (hard_days, ivl * hard * modifier, hard_min),
        (good_days, (ivl + elapsed / 2) * ease / 1000 * modifier, good_min),
        (easy_days, (ivl + elapsed) * ease / 1000 * bonus * modifier, good_days + 1),
    ]
    for result, raw, minimum in windows:
        low, high = _window(raw, min(minimum, maximum), maximum)
        assert low - 1 <= result <= high + 1, (result, raw, minimum, low, high)
    assert hard_days <= good_days <= easy_days  # ordering, ties only at the maximum
    if easy_days < maximum:
        assert good_days < easy_days
    if hard > 1.0 and good_days < maximum:
        assert ivl < hard_days < good_days
    assert answer(card, Grade.GOOD, at(), options, seed).state == fuzzed[Grade.GOOD]


def _window(raw: float, minimum: int, maximum: int) -> tuple[int, int]:
    x = min(max(raw, minimum), maximum)
    low = min(max(int(x - _delta(x) + 0.5), minimum), maximum)
    high = min(max(int(x + _delta(x) + 0.5), minimum), maximum)
    if low == high and 2 < high < maximum:
        high = low + 1
    return low, high


def _fields(options: Options) -> dict[str, object]:
    return {name: getattr(options, name) for name in Options.__dataclass_fields__}


# --- labels and interface -------------------------------------------------------------------------


def test_describe_interval_labels() -> None:
    when = at()
    before = SchedulingState()

    def label(**kwargs: object) -> str:
        return describe_interval(before, SchedulingState(**kwargs), when)  # type: ignore[arg-type]

    assert label(state=CardState.LEARNING, due_at=NOON + timedelta(seconds=30)) == "<1m"
    assert label(state=CardState.LEARNING, due_at=NOON + timedelta(minutes=10)) == "10m"
    assert label(state=CardState.LEARNING, due_at=NOON + timedelta(hours=3)) == "3h"
    assert label(state=CardState.REVIEW, due_day=TODAY + timedelta(days=1)) == "1d"
    assert label(state=CardState.REVIEW, due_day=TODAY + timedelta(days=106)) == "3.5mo"
    assert label(state=CardState.REVIEW, due_day=TODAY + timedelta(days=438)) == "1.2y"


def test_get_scheduler() -> None:
    assert get_scheduler("sm2").name == "sm2"
    assert get_scheduler("sm2-classic").name == "sm2-classic"
    assert get_scheduler("fsrs").name == "fsrs"
    with pytest.raises(ConfigError, match="valid schedulers: sm2, sm2-classic, fsrs"):
        get_scheduler("anki")
