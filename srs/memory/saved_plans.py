"""Today's exam-mode plan, kept in the collection (m010) so each command reads it.

Planning looks at every card (100k cards: ~1 s in `srs.memory.planner` plus reading them), and
every exam-mode command needs the plan: `srs next`, each card of `srs review`, `srs plan`. The
plan is made as of the start of the scheduler day, so it stays the same all day unless the
cards themselves change; the store drops kept plans when they do (the triggers of m010, and its
inserts of cards and domains), and the key below covers the rest (day, deck filter, options,
target exam). A collection that stays open holds its plan while the kept row is there
(`Collection.plan`), so a change from any process reaches it.

A kept plan comes back without its cards; they are read again (as of the start of the day,
which gives the same cards) only if something asks for them, such as `srs plan`'s summary.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, fields
from datetime import date, datetime, tzinfo
from typing import Any, overload

from srs.dates import Moment
from srs.digests import blake2b
from srs.errors import CollectionError
from srs.memory.calibration import Calibration, corrected_model
from srs.memory.exam_mode import (
    DomainReadiness,
    ExamPlan,
    Readiness,
    backfill_memory,
    exam_plan,
    plan_cards,
)
from srs.memory.model import FsrsModel, model_for
from srs.memory.planner import DayPlan, PlanCard, StudyCosts
from srs.options import Options
from srs.progress import Progress, no_progress
from srs.store import Store
from srs.store.scope import QueueFilter

__all__ = [
    "PLAN_FORMAT",
    "kept_plan",
    "kept_readiness",
    "plan_from_json",
    "plan_key",
    "plan_to_json",
]

PLAN_FORMAT = 2  # bump when the planner's rules or the JSON below change (2: calibration)


def plan_key(at: Moment, flt: QueueFilter, options: Options, exam: str | None) -> str:
    """What a kept plan was made from, digested (the cards are not in it: whatever changes
    them drops the kept plans)."""
    text = repr((PLAN_FORMAT, at.today.toordinal(), flt, options, exam))
    return blake2b(text.encode(), digest_size=16).hexdigest()


def plan_to_json(plan: ExamPlan) -> str:
    """The plan without its cards (they are read again on demand)."""
    return json.dumps(
        {
            "day": asdict(plan.day),
            "exam_day": plan.exam_day.isoformat(),
            "costs": asdict(plan.costs),
            "calibration": None if plan.calibration is None else plan.calibration.kept(),
        }
    )


def plan_from_json(
    text: str, cards: Sequence[PlanCard], model: FsrsModel | None = None
) -> ExamPlan:
    data = json.loads(text)
    day: dict[str, Any] = data["day"]
    names = {f.name for f in fields(DayPlan)}
    values: dict[str, Any] = {
        k: tuple(v) if isinstance(v, list) else v for k, v in day.items() if k in names
    }
    day_plan = DayPlan(**values)
    kept = data["calibration"]
    calibration = None if kept is None else Calibration.from_kept(kept)
    return ExamPlan(
        day_plan,
        date.fromisoformat(data["exam_day"]),
        StudyCosts(**data["costs"]),
        cards,
        frozenset(),
        0.0,
        model=None if model is None else corrected_model(model, calibration),
        calibration=calibration,
    )


class LazyCards(Sequence[PlanCard]):
    """The plan's cards, read from the store the first time they are needed."""

    def __init__(self, load: Callable[[], Sequence[PlanCard]]) -> None:
        self._load = load
        self._cards: tuple[PlanCard, ...] | None = None

    def _all(self) -> tuple[PlanCard, ...]:
        if self._cards is None:
            self._cards = tuple(self._load())
        return self._cards

    @overload
    def __getitem__(self, index: int) -> PlanCard: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[PlanCard]: ...
    def __getitem__(self, index: int | slice) -> PlanCard | Sequence[PlanCard]:
        return self._all()[index]

    def __len__(self) -> int:
        return len(self._all())

    def __iter__(self) -> Iterator[PlanCard]:
        return iter(self._all())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, LazyCards):
            other = other._all()
        return self._all() == other

    __hash__ = None  # type: ignore[assignment]


def kept_plan(
    store: Store,
    at: Moment,
    options: Options,
    flt: QueueFilter,
    exam: str | None,
    *,
    zone: tzinfo,
    day_starts_at: int,
    progress: Progress = no_progress,
    calibrate: Callable[[], Calibration] | None = None,
) -> tuple[ExamPlan, bool]:
    """Today's plan: the kept one if it still applies, else made now and kept; and whether it
    is kept (not on a collection that cannot be written). A plan made now is made with the
    model corrected by `calibrate()` (the learner's calibration as it is now); the kept plan
    keeps that calibration, so every command of the day plans with the same."""
    key = plan_key(at, flt, options, exam)
    model = model_for(options.fsrs_parameters)  # in the key too: options hold the parameters
    text = store.saved_day_plan(key)
    if text is not None:
        cards = LazyCards(lambda: plan_cards(store, flt, at, exam, as_of=at.day_began))
        try:
            return plan_from_json(text, cards, model), True
        except (KeyError, TypeError, ValueError):  # kept by another srs version: plan again
            pass
    backfill_memory(store, zone, day_starts_at, model, progress)
    calibration = None if calibrate is None else calibrate()
    plan = exam_plan(store, at, options, flt, exam, calibration)
    try:
        store.save_day_plan(key, at.today, plan_to_json(plan))
    except CollectionError:  # a read-only collection plans every time
        return plan, False
    return plan, True


def readiness_to_json(ready: Readiness) -> str:
    """A readiness without what the caller knows (exam, exam instant, domain names)."""
    return json.dumps(
        {
            "cards": ready.cards,
            "recall": ready.recall,
            "projected": ready.projected,
            "low": ready.low,
            "high": ready.high,
            "calibration": None if ready.calibration is None else ready.calibration.kept(),
            "domains": [[d.domain, d.cards, d.recall, d.projected] for d in ready.domains],
        }
    )


def readiness_from_json(
    text: str, exam: str | None, exam_at: datetime, names: dict[str, str]
) -> Readiness:
    data = json.loads(text)
    return Readiness(
        exam=exam,
        exam_at=exam_at,
        cards=int(data["cards"]),
        recall=float(data["recall"]),
        domains=tuple(
            DomainReadiness(str(domain), names.get(str(domain)), int(cards), recall, projected)
            for domain, cards, recall, projected in data["domains"]
        ),
        projected=data["projected"],
        low=data["low"],
        high=data["high"],
        calibration=None
        if data["calibration"] is None
        else Calibration.from_kept(data["calibration"]),
    )


def kept_readiness(
    store: Store,
    at: Moment,
    options: Options,
    flt: QueueFilter,
    exam: str | None,
    *,
    exam_at: datetime,
    names: dict[str, str],
    compute: Callable[[], Readiness],
) -> Readiness:
    """The readiness of today's kept plan before anything is answered today: `compute()`
    once a day (as of the start of the day, like the plan), then read back with the plan.

    It is kept beside the plan under the plan's key, so the same triggers and day change
    drop it."""
    key = plan_key(at, flt, options, exam) + "-readiness"
    text = store.saved_day_plan(key)
    if text is not None:
        try:
            return readiness_from_json(text, exam, exam_at, names)
        except (KeyError, TypeError, ValueError):  # kept by another srs version: compute again
            pass
    ready = compute()
    with contextlib.suppress(CollectionError):  # a read-only collection computes every time
        store.save_day_plan(key, at.today, readiness_to_json(ready))
    return ready
