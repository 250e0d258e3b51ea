"""The exam simulation's learner worlds (issue 22): each family forgets by its own law, and
exam mode's calibration sees how far srs's FSRS-6 model is from it."""

from __future__ import annotations

import pytest

from benchmarks.exam_sim import WORLDS, Run, TrueCard, make_learner
from srs.memory.calibration import ScaledModel


def studied(world: str, policy: str = "exam", days: int = 40) -> Run:
    run = Run(make_learner(1, 120, world), 120, policy, 5)
    for day in range(days):
        run.study_day(day, days)
    return run


@pytest.mark.parametrize("world", WORLDS)
def test_every_world_forgets_and_differs_per_learner(world: str) -> None:
    a, b = make_learner(1, 10, world), make_learner(2, 10, world)
    assert (a.model.w, a.params) != (b.model.w, b.params)
    card = TrueCard(a, 0)
    card.answer(a, 0, 0.0, 0)
    day = 86_400.0
    assert 1.0 >= card.recall_at(a, day) > card.recall_at(a, 10 * day) > 0.0


def test_hlr_learners_forget_faster_than_srs_predicts_and_the_plan_corrects_for_it() -> None:
    run = studied("hlr")
    cal = run.calibration()
    assert cal.enough
    assert cal.gap is not None and cal.gap < -0.05
    assert cal.stability_scale < 1.0
    model = run.planning_model(39)
    assert isinstance(model, ScaledModel) and model.scale < 1.0


def test_fsrs_learners_are_predicted_about_right() -> None:
    cal = studied("fsrs").calibration()
    assert cal.enough
    assert cal.gap is not None and abs(cal.gap) < 0.06


def test_exam_fixed_never_corrects() -> None:
    run = studied("hlr", "exam-fixed", days=20)
    assert not isinstance(run.planning_model(19), ScaledModel)
