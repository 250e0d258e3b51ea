"""The exam-mode planner (srs/memory/planner.py): phases, budgets, orders and the forecast."""

from __future__ import annotations

import math
import random
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from srs.memory.model import interval_for, recall
from srs.memory.planner import DayPlan, PlanCard, StudyCosts, end_phase_days, forecast, plan_day
from srs.model import Memory

NOW = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)
TODAY = date(2026, 5, 4)


def card(i: int, stability: float, days_ago: float, difficulty: float = 5.0) -> PlanCard:
    memory = Memory(stability, difficulty, NOW - timedelta(days=days_ago))
    return PlanCard(f"c{i}", memory)


def deck(seen: int, unseen: int, seed: int = 1) -> list[PlanCard]:
    rng = random.Random(seed)
    cards = [card(i, rng.uniform(0.5, 60.0), rng.uniform(0.6, 40.0)) for i in range(seen)]
    return cards + [PlanCard(f"n{i}", None) for i in range(unseen)]


def plan(cards: list[PlanCard], days: int, budget: float = 600.0, **kw: object) -> DayPlan:
    return plan_day(cards, NOW, TODAY, TODAY + timedelta(days=days), budget, **kw)  # type: ignore[arg-type]


def test_end_phase_is_the_time_to_review_every_card_once() -> None:
    assert end_phase_days(1000, 600.0, StudyCosts()) == 22  # about three weeks at 10 min
    assert end_phase_days(1000, 1200.0, StudyCosts()) == 11
    assert end_phase_days(0, 600.0, StudyCosts()) == 0
    cards = deck(900, 100)
    assert plan(cards, 23).phase == "middle"
    assert plan(cards, 22).phase == "end"
    assert plan(cards, 0).phase == "end"  # exam day itself
    done = plan(cards, -1)
    assert done.phase == "done" and done.queue == ()


def test_middle_phase_due_reviews_at_the_retention_then_new_then_fill() -> None:
    cards = [card(0, 10.0, 30.0), card(1, 10.0, 1.0), card(2, 100.0, 20.0)]
    cards += [PlanCard(f"n{i}", None) for i in range(5)]
    result = plan(cards, 200, budget=3600.0)
    assert result.phase == "middle"
    assert result.desired_retention == 0.90  # 5 new cards: far under a tenth of the time
    assert result.reviews == ("c0",)  # 30 days since, interval at 0.90 is 10 days
    assert result.new == tuple(f"n{i}" for i in range(5))
    assert set(result.fill) <= {"c1", "c2"}
    assert result.queue[:2] == ("c0", "n0")
    assert result.fully_introduced_by_exam


@pytest.mark.parametrize(
    ("unseen", "days", "retention"),
    [(100, 100, 0.90), (500, 100, 0.85), (900, 60, 0.80)],
)
def test_retention_follows_the_share_of_time_first_presentations_need(
    unseen: int, days: int, retention: float
) -> None:
    # 100 x 20 s = 2,000 s of 60,000 s (3 %); 500 -> 17 %; 900 x 20 s of 36,000 s -> 50 %
    assert plan(deck(1000 - unseen, unseen), days).desired_retention == retention


def test_new_cards_at_least_20_and_enough_for_40_percent_of_the_time() -> None:
    few = plan(deck(0, 1000), 180, budget=3600.0)
    assert len(few.new) == 20  # 1000 / 72 days = 14 -> at least 20
    many = plan(deck(0, 1000), 60, budget=3600.0)
    assert len(many.new) == math.ceil(1000 / 24)
    short = plan(deck(0, 1000), 60, budget=300.0)
    assert len(short.new) == 15  # the budget caps them: 300 s / 20 s
    assert not short.fully_introduced_by_exam


def test_the_plan_fits_the_budget() -> None:
    cards = deck(700, 300)
    for days in (200, 90, 30, 10, 1):
        result = plan(cards, days)
        spent = result.review_seconds + result.new_seconds + result.fill_seconds
        assert spent <= 600.0 + 32.0, days
        assert len(set(result.queue)) == len(result.queue)


def test_end_phase_unseen_first_then_strong_cards_before_weak() -> None:
    cards = deck(400, 10)
    result = plan(cards, 4, budget=1200.0)
    assert result.phase == "end"
    assert result.queue[:10] == tuple(f"n{i}" for i in range(10))
    by_id = {c.id: c.memory for c in cards if c.memory is not None}
    stabilities = [by_id[i].stability for i in result.reviews]
    assert stabilities == sorted(stabilities, reverse=True)
    assert result.reviews  # time left after the unseen cards goes to reviews


def test_end_phase_keeps_weak_cards_for_the_last_days() -> None:
    strong, weak = card(0, 40.0, 60.0), card(1, 2.0, 3.0)
    early = plan([strong, weak], 2, budget=15.0)  # room for one review a day
    assert early.phase == "end"
    assert early.reviews == ("c0",)
    reviewed = PlanCard("c0", Memory(120.0, 5.0, NOW - timedelta(days=2)))
    assert plan([reviewed, weak], 1, budget=15.0).reviews == ("c1",)


def test_cards_studied_today_are_not_planned_again() -> None:
    cards = [card(0, 10.0, 30.0), card(1, 10.0, 0.01)]
    result = plan(cards, 100, studied_since=NOW - timedelta(hours=2))
    assert "c1" not in result.queue
    assert "c0" in result.queue


@given(seed=st.integers(0, 10_000), days=st.integers(-3, 200), budget=st.integers(60, 7200))
@settings(max_examples=60, deadline=None)
def test_plans_are_deterministic_and_consistent(seed: int, days: int, budget: int) -> None:
    cards = deck(50, 30, seed)
    first = plan(cards, days, float(budget))
    assert first == plan(cards, days, float(budget))
    assert set(first.new) <= {c.id for c in cards if c.memory is None}
    assert not set(first.reviews + first.fill) & set(first.new)
    assert first.phase == (
        "done" if days < 0 else "end" if days <= first.end_phase_days else "middle"
    )


def test_forecast_is_the_mean_recall_at_the_exam_with_unseen_cards_at_zero() -> None:
    cards = [card(0, 10.0, 0.0), card(1, 50.0, 5.0), PlanCard("n", None)]
    exam = NOW + timedelta(days=10)
    expected = (recall(cards[0].memory, exam) + recall(cards[1].memory, exam)) / 3
    assert forecast(cards, exam) == pytest.approx(expected)
    assert forecast(cards[:1], exam) == pytest.approx(0.9)
    assert forecast([], exam) == 0.0


def test_due_follows_the_fsrs_interval_at_the_chosen_retention() -> None:
    memory = Memory(20.0, 5.0, NOW - timedelta(days=25))
    assert round(interval_for(memory, 0.90)) == 20 and round(interval_for(memory, 0.85)) == 38
    idle = plan([PlanCard("a", memory), PlanCard("n", None)], 300)
    assert idle.desired_retention == 0.90 and idle.reviews == ("a",)
    busy = plan([PlanCard("a", memory), *deck(0, 1000)], 300)
    assert busy.desired_retention == 0.85 and busy.reviews == ()


def _projected(cards: list[PlanCard], days: int, budget: float, **kw: object) -> dict[str, float]:
    from srs.memory.planner import project

    exam_day = TODAY + timedelta(days=days)
    exam_at = NOW + timedelta(days=days)
    return project(cards, NOW, TODAY, exam_day, exam_at, budget, **kw)  # type: ignore[arg-type]


def test_projection_is_seeded_and_more_time_knows_more() -> None:
    cards = deck(100, 300)
    small = _projected(cards, 60, 300.0)
    assert small == _projected(cards, 60, 300.0)  # same seed, same run
    assert small != _projected(cards, 60, 300.0, seed=1)
    large = _projected(cards, 60, 1200.0)
    assert sum(large.values()) > sum(small.values()) > forecast(cards, NOW + timedelta(days=60))
    nothing = _projected(cards, 60, 300.0, today_budget=0.0)
    assert sum(nothing.values()) < sum(small.values())  # today's time counts too


def test_projection_keeps_unseen_cards_at_zero_without_time_and_samples_big_decks() -> None:
    from srs.memory.planner import PROJECTION_SAMPLE

    unseen = [PlanCard(f"n{i}", None) for i in range(5)]
    assert _projected(unseen, 0, 600.0) == dict.fromkeys((c.id for c in unseen), 0.0)
    big = deck(PROJECTION_SAMPLE, 2 * PROJECTION_SAMPLE)
    projected = _projected(big, 3, 600.0)
    assert len(projected) == PROJECTION_SAMPLE and set(projected) <= {c.id for c in big}
