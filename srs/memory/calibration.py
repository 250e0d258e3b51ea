"""Calibration: how well srs's memory model predicts the learner's own answers.

Every answer to a card seen on an earlier scheduler day has a prediction: the FSRS-6 recall
probability of the card at that instant, from the memory it had before the answer, with the
parameters in force (`fsrs_parameters`). The answer path writes it beside the log (the
`predictions` table, m014); answers logged before (or imported, or pulled by a sync) get theirs
from one replay of their cards' logs, the first time a measurement needs them
(`fill_predictions`), and a change of parameters makes them all again in the replay that
re-derives memory (`srs.memory.replay`). First looks, answers given as a new card and repeats
on the same scheduler day have none (-1), as the FSRS benchmark leaves them out.

The measurement (`measure`) is one grouped read of the predictions:

- **predicted** and **recalled**: the mean predicted recall and the share of answers above
  Again; **gap** = recalled - predicted (negative: the learner forgets faster than the model).
- **log loss**: -mean(y ln p + (1 - y) ln(1 - p)) (0.69 is a coin toss).
- **RMSE(bins)**: answers in 20 bins of equal width by prediction; the root of the
  answer-weighted mean of (mean prediction - share recalled)^2 over the bins.
- **stability scale** k: the one number that, multiplied into every stability, makes the model
  fit these answers best (least log loss; 1.0 = no correction). The forgetting curve depends on
  t / S only, so k follows from the predictions alone: R' = (1 + (R^(-1/w20) - 1) / k)^(-w20).
  Exam mode plans with it (`corrected_model`) from `MIN_ANSWERS` answers on; it is kept
  within `SCALE_RANGE`. After `srs fsrs optimize --apply` the gap is usually small and k near 1.

The forecast's interval (`forecast_interval`) is widened by RMSE(bins), more below the
projection the more days are left (docs/exam-mode.md has the rule and the simulation behind it).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import field
from typing import Any

from srs.memory.model import FsrsModel
from srs.model import value_class
from srs.options import Options
from srs.store import Store
from srs.store.calibration import BIN_SCALE, PredictionGroup

__all__ = [
    "BINS",
    "MIN_ANSWERS",
    "Calibration",
    "corrected_model",
    "describe",
    "fill_predictions",
    "forecast_interval",
    "measure",
    "prediction",
    "rescaled",
]

BINS = 20
MIN_ANSWERS = 100  # fewer answers with a prediction: no correction, the figures are shown only
_DAY_MS = 86_400_000.0
_EPS = 1e-4
SCALE_RANGE = (0.2, 5.0)  # the correction never goes past these


def prediction(
    model: FsrsModel,
    stability: float | None,
    last_ms: int,
    last_day: int,
    at_ms: int,
    day: int,
    new_before: bool,
) -> float:
    """The predicted recall of an answer at `at_ms` on scheduler day `day`; -1 when the
    answer has none (a first look, an answer as a new card, or a repeat on the same day)."""
    if stability is None or new_before or day - last_day < 1:
        return -1.0
    return model.retrievability((at_ms - last_ms) / _DAY_MS, stability)


def rescaled(p: float, scale: float, decay: float) -> float:
    """A prediction `p` of the curve with decay `decay` once every stability is x `scale`."""
    if scale == 1.0 or p <= 0.0 or p >= 1.0:
        return p
    return float((1 + (p ** (-1 / decay) - 1) / scale) ** -decay)


@value_class
class CalibrationBin:
    low: float
    answers: int
    predicted: float
    recalled: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "low": round(self.low, 2),
            "answers": self.answers,
            "predicted": round(self.predicted, 4),
            "recalled": round(self.recalled, 4),
        }


@value_class
class Calibration:
    """Predicted against actual recall over the answers with a prediction."""

    answers: int
    predicted: float | None = None  # mean predicted recall
    recalled: float | None = None  # share of answers above Again
    log_loss: float | None = None
    rmse_bins: float | None = None
    stability_scale: float = 1.0  # the correction that fits best (1.0: none)
    bins: tuple[CalibrationBin, ...] = field(default=(), compare=False)  # not kept with a plan

    @property
    def gap(self) -> float | None:
        """recalled - predicted (negative: the learner forgets faster than the model says)."""
        if self.predicted is None or self.recalled is None:
            return None
        return self.recalled - self.predicted

    @property
    def enough(self) -> bool:
        """Enough answers to correct the model by them."""
        return self.answers >= MIN_ANSWERS

    def kept(self) -> dict[str, Any]:
        """What a kept plan holds of it (`from_kept` reads it back; no bins)."""
        return {
            "answers": self.answers,
            "predicted": self.predicted,
            "recalled": self.recalled,
            "log_loss": self.log_loss,
            "rmse_bins": self.rmse_bins,
            "stability_scale": self.stability_scale,
        }

    @classmethod
    def from_kept(cls, data: dict[str, Any]) -> Calibration:
        return cls(
            int(data["answers"]),
            data["predicted"],
            data["recalled"],
            data["log_loss"],
            data["rmse_bins"],
            float(data["stability_scale"]),
        )

    def to_dict(self) -> dict[str, Any]:
        def r(x: float | None) -> float | None:
            return None if x is None else round(x, 4)

        return {
            "answers": self.answers,
            "predicted": r(self.predicted),
            "recalled": r(self.recalled),
            "gap": r(self.gap),
            "log_loss": r(self.log_loss),
            "rmse_bins": r(self.rmse_bins),
            "stability_scale": round(self.stability_scale, 4),
            "correcting": self.enough and self.stability_scale != 1.0,
            "bins": [b.to_dict() for b in self.bins],
        }


def describe(data: dict[str, Any], *, as_planned: bool = False) -> list[str]:
    """A calibration (`Calibration.to_dict()`) as plain sentences for `srs stats`/`srs plan`
    (`as_planned`: the one today's plan was made with, as the day began)."""
    answers = int(data.get("answers") or 0)
    if not answers:
        return [
            "No reviews to measure yet: srs compares the recall it predicts with your answers"
            " once you review cards on later days."
        ]
    gap = 100 * float(data["gap"])
    when = "When today's plan was made, on" if as_planned else "On"
    lines = [
        f"{when} your {answers} reviews the model predicted {100 * data['predicted']:.1f}% recall;"
        f" you recalled {100 * data['recalled']:.1f}% ({gap:+.1f} points).",
        f"Log loss {data['log_loss']:.3f}, RMSE(bins) {100 * data['rmse_bins']:.1f}%.",
    ]
    if answers < MIN_ANSWERS:
        lines.append(f"Exam mode corrects the model from {MIN_ANSWERS} reviews on.")
    elif data["correcting"]:
        lines.append(f"Exam mode plans with every stability x{data['stability_scale']:.2f}.")
    return lines


def _log_loss(groups: Sequence[tuple[float, int, int]], scale: float, decay: float) -> float:
    total = 0.0
    n = 0
    for p, answers, recalled in groups:
        q = min(max(rescaled(p, scale, decay), _EPS), 1 - _EPS)
        total -= recalled * math.log(q) + (answers - recalled) * math.log(1 - q)
        n += answers
    return total / n if n else 0.0


def _best_scale(groups: Sequence[tuple[float, int, int]], decay: float) -> float:
    """The stability scale of least log loss (golden-section search on log k)."""
    lo, hi = (math.log(x) for x in SCALE_RANGE)
    g = (math.sqrt(5) - 1) / 2
    a, b = hi - g * (hi - lo), lo + g * (hi - lo)
    fa, fb = _log_loss(groups, math.exp(a), decay), _log_loss(groups, math.exp(b), decay)
    for _ in range(40):
        if fa < fb:
            hi, b, fb = b, a, fa
            a = hi - g * (hi - lo)
            fa = _log_loss(groups, math.exp(a), decay)
        else:
            lo, a, fa = a, b, fb
            b = lo + g * (hi - lo)
            fb = _log_loss(groups, math.exp(b), decay)
    return math.exp((lo + hi) / 2)


def measure(groups: Sequence[PredictionGroup], model: FsrsModel) -> Calibration:
    """The calibration of `model` on the answers grouped by prediction (`prediction_groups`)."""
    answers = sum(g.answers for g in groups)
    if not answers:
        return Calibration(0)
    means = [(g.predicted / g.answers, g.answers, g.recalled) for g in groups if g.answers]
    predicted = sum(g.predicted for g in groups) / answers
    recalled = sum(g.recalled for g in groups) / answers
    decay = model.w[20]
    log_loss = _log_loss(means, 1.0, decay)
    per_bin: dict[int, list[float]] = {}
    for g in groups:
        b = min(g.milli * BINS // BIN_SCALE, BINS - 1)
        acc = per_bin.setdefault(b, [0.0, 0.0, 0.0])
        acc[0] += g.answers
        acc[1] += g.predicted
        acc[2] += g.recalled
    bins = tuple(
        CalibrationBin(b / BINS, int(n), p / n, y / n) for b, (n, p, y) in sorted(per_bin.items())
    )
    rmse = math.sqrt(sum(x.answers * (x.predicted - x.recalled) ** 2 for x in bins) / answers)
    scale = round(_best_scale(means, decay), 3) if answers >= MIN_ANSWERS else 1.0
    return Calibration(answers, predicted, recalled, log_loss, rmse, scale, bins)


def corrected_model(model: FsrsModel, calibration: Calibration | None) -> FsrsModel:
    """`model` with the calibration's stability scale folded into its initial stabilities and
    curve, for planning: every stability counts k times (see the module's docstring)."""
    if calibration is None or not calibration.enough or calibration.stability_scale == 1.0:
        return model
    return ScaledModel(model.w, calibration.stability_scale)


class ScaledModel(FsrsModel):
    """FSRS-6 whose forgetting curve reads every stability x `scale` (planning only: memory
    updates keep the learner's parameters)."""

    scale: float

    def __init__(self, w: tuple[float, ...], scale: float) -> None:
        FsrsModel.__init__(self, w)
        object.__setattr__(self, "scale", scale)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ScaledModel) and self.w == other.w and self.scale == other.scale

    def __hash__(self) -> int:
        return hash((self.w, self.scale))

    def __repr__(self) -> str:
        return f"ScaledModel(w={self.w!r}, scale={self.scale!r})"

    @property
    def stability_scale(self) -> float:
        return self.scale

    def retrievability(self, elapsed_days: float, stability: float) -> float:
        return FsrsModel.retrievability(self, elapsed_days, stability * self.scale)

    def interval(self, stability: float, desired_retention: float) -> float:
        return FsrsModel.interval(self, stability * self.scale, desired_retention)


FORECAST_BASE = 0.04  # each side of the forecast's interval, however well calibrated
FORECAST_UNKNOWN = 0.15  # the miss assumed with too few answers to measure it
FORECAST_COMPOUND_DAYS = 15.0  # below: the miss once more for every this many days left


def forecast_interval(
    share: float, calibration: Calibration | None, days_left: int
) -> tuple[float, float]:
    """The interval around a projected exam-day share of cards recalled, widened by how far
    the model has missed the learner's answers: RMSE(bins), the binned gap (never less than
    the mean gap; a model can be right on average and wrong in every bin).

    Above: the projection + 4 points + the miss. Below: the projection - 4 points - the miss
    x (1 + days left / 15): an error of the model compounds with every review it plans, and
    the simulation (benchmarks/exam_sim.py, learners of other memory families) measured the
    projection made halfway to the exam missing the truth by several times the miss seen
    then, always on the optimistic side. With fewer than `MIN_ANSWERS` answers the miss
    counts as 15 points."""
    if calibration is None or not calibration.enough or calibration.rmse_bins is None:
        miss = FORECAST_UNKNOWN
    else:
        miss = max(calibration.rmse_bins, abs(calibration.gap or 0.0))
    below = FORECAST_BASE + miss * (1 + max(days_left, 0) / FORECAST_COMPOUND_DAYS)
    above = FORECAST_BASE + miss
    return max(share - below, 0.0), min(share + above, 1.0)


def fill_predictions(
    store: Store,
    options_of: Callable[[str], Options],
    progress: Callable[[int, int | None], None] | None = None,
) -> int:
    """Compute the predictions not computed yet (replaying those cards' whole logs, in one
    transaction); the number of answers replayed."""
    from srs.memory.replay import replay_log
    from srs.store.scope import QueueFilter

    top = store.last_review_id()  # before the look: what is logged later is looked at later
    cards = store.unpredicted_cards()
    if not cards:
        store.predictions_filled(top)  # the answers since the last look all had theirs
        return 0
    decks = store.card_deck_names(QueueFilter())
    tick = None if progress is None else lambda done: progress(done, None)
    with store.transaction():
        replayed = replay_log(store.graded_rows(cards), decks, options_of, tick)
        store.set_predictions(replayed.predictions)
        store.predictions_filled(top)
    return replayed.answers
