"""Fit FSRS-6's parameters to the learner's review log (`srs fsrs optimize`).

The fit is fsrs-rs's (open-spaced-repetition's Rust optimizer, the one inside Anki), through
the `fsrs-rs-python` wheel, an optional extra (`pip install 'srs[fsrs]'`) imported only here.
So that Anki and srs fit the same parameters from the same history, the log is turned into
training items by Anki's rules (rslib `scheduler/fsrs/params.rs`, `reviews_for_fsrs` with
`training = true`), and the optimizer runs with Anki's settings (8 epochs, short-term on, the
number of relearning steps that fit in a day):

- per card, only the answers from the start of its latest run of learning answers on (a card
  reset to new starts over); a card that was never in learning is left out;
- the days between two answers are scheduler days (Anki: days before its next rollover);
- one item per answer after the first that came at least a day after the one before: the
  card's answers up to it, the last one being the outcome to predict;
- items in time order, each with its card.

The report says how well the parameters predict answers they were not fitted on: the items are
split by time, the earlier 80 % fit, the later 20 % scored with log loss and RMSE(bins)
(fsrs-rs's `evaluate`, the FSRS benchmark's metrics), for the default parameters, the ones in
force and the fit. The parameters offered are then fitted on every item, as Anki does. They are
applied only with at least `MIN_REVIEWS` reviews (Anki's advice: optimise once you have 1000+)
and when the held-out log loss of the fit is lower than that of the parameters in force.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

from srs.errors import ConfigError
from srs.model import ReviewKind, value_class
from srs.options import Options
from srs.store import Store
from srs.store.memory import LoggedGrade
from srs.store.scope import QueueFilter

__all__ = [
    "HELD_OUT_SHARE",
    "MIN_REVIEWS",
    "Metrics",
    "Optimized",
    "TrainingSet",
    "evaluate",
    "fit",
    "optimize",
    "relearning_steps_in_a_day",
    "training_set",
]

MIN_REVIEWS = 1000  # Anki: "once you've accumulated 1000+ reviews", optimise
HELD_OUT_SHARE = 0.2  # the latest fifth of the items scores the fits
EPOCHS = 8  # Anki's TrainingConfig for compute_params
INSTALL_HINT = "fitting FSRS parameters needs fsrs-rs-python: pip install 'srs[fsrs]'"
_DAY_MINUTES = 1440


def _fsrs_rs() -> Any:
    """The fsrs-rs-python module, or a one-line ConfigError saying how to install it."""
    try:
        import fsrs_rs_python
    except ImportError:
        raise ConfigError(INSTALL_HINT) from None
    return fsrs_rs_python


@value_class
class TrainingSet:
    """A review log as FSRS training items, in time order.

    `items[i]` is a list of (grade, days since the previous answer) ending with the answer to
    predict; `cards[i]` its card (an index, as fsrs-rs wants integers); `reviews` counts the
    answers the items were made from (Anki's "reviews" figure).
    """

    items: tuple[tuple[tuple[int, int], ...], ...]
    cards: tuple[int, ...]
    reviews: int

    def split(self, share: float = HELD_OUT_SHARE) -> tuple[TrainingSet, TrainingSet]:
        """(earlier, later): the later `share` of the items by time, and the rest."""
        cut = len(self.items) - math.ceil(len(self.items) * share)
        return (
            TrainingSet(self.items[:cut], self.cards[:cut], 0),
            TrainingSet(self.items[cut:], self.cards[cut:], 0),
        )


def _card_items(
    log: Sequence[LoggedGrade],
) -> tuple[list[tuple[int, tuple[tuple[int, int], ...]]], int]:
    """One card's (instant, item) pairs and the answers they use (Anki's `reviews_for_fsrs`)."""
    start: int | None = None
    for index in range(len(log) - 1, -1, -1):
        if log[index].kind == ReviewKind.LEARN:
            start = index
        elif start is not None:
            break  # the answer before the latest run of learning answers
    if start is None:
        return [], 0  # never in learning (history imported mid-way): Anki leaves it out
    kept = log[start:]
    reviews: list[tuple[int, int]] = []
    out: list[tuple[int, tuple[tuple[int, int], ...]]] = []
    previous_day = kept[0].review_day
    for index, row in enumerate(kept):
        delta = row.review_day - previous_day
        previous_day = row.review_day
        reviews.append((row.grade, delta))
        if index >= 1 and delta > 0:
            out.append((row.reviewed_ms, tuple(reviews)))
    return out, (len(kept) if out else 0)


def training_set(log: Iterable[LoggedGrade]) -> TrainingSet:
    """Items from a log in log order (`Store.logged_grades`); answers are grouped by card."""
    by_card: dict[str, list[LoggedGrade]] = {}
    for row in log:
        answers = by_card.get(row.card_id)
        if answers is None:
            by_card[row.card_id] = [row]
        else:
            answers.append(row)
    keyed: list[tuple[int, int, tuple[tuple[int, int], ...]]] = []
    reviews = 0
    for card_index, answers in enumerate(by_card.values()):
        items, used = _card_items(answers)
        reviews += used
        keyed.extend((at, card_index, item) for at, item in items)
    keyed.sort(key=lambda entry: (entry[0], entry[1]))
    return TrainingSet(
        tuple(item for _, _, item in keyed), tuple(card for _, card, _ in keyed), reviews
    )


def relearning_steps_in_a_day(options: Options) -> int:
    """Relearning steps that fit in one day, as Anki counts them for the optimizer."""
    count, total = 0, 0.0
    for minutes in options.relearning_steps:
        total += minutes
        if total >= _DAY_MINUTES:
            break
        count += 1
    return count


def _rs_items(data: TrainingSet) -> list[Any]:
    """fsrs-rs items; a review shared by consecutive items of a card is built once."""
    rs = _fsrs_rs()
    made: dict[tuple[int, int], Any] = {}
    out = []
    for item in data.items:
        reviews = []
        for review in item:
            built = made.get(review)
            if built is None:
                built = made[review] = rs.FSRSReview(*review)
            reviews.append(built)
        out.append(rs.FSRSItem(reviews))
    return out


def fit(
    data: TrainingSet, relearning_steps: int = 1, rs_items: list[Any] | None = None
) -> tuple[float, ...]:
    """FSRS-6 parameters fitted to `data` by fsrs-rs with Anki's settings, rounded to 4
    decimals (as Anki shows them) and kept within the `fsrs` package's bounds.

    `rs_items`: `data`'s items already converted for fsrs-rs (converting costs time)."""
    rs = _fsrs_rs()
    fitted = rs.FSRS(rs.DEFAULT_PARAMETERS).compute_parameters(
        _rs_items(data) if rs_items is None else rs_items,
        card_ids=list(data.cards),
        enable_short_term=True,
        num_relearning_steps=relearning_steps,
        training_config=rs.TrainingConfig(num_epochs=EPOCHS),
    )
    from fsrs.scheduler import LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS

    return tuple(
        min(max(round(float(w), 4), low), high)
        for w, low, high in zip(
            fitted, LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS, strict=True
        )
    )


@value_class
class Metrics:
    """How well parameters predict answers: log loss (lower is better; 0.69 is a coin toss)
    and RMSE(bins), the gap between predicted and actual recall over bins of similar answers."""

    log_loss: float
    rmse_bins: float

    def to_dict(self) -> dict[str, float]:
        return {"log_loss": round(self.log_loss, 6), "rmse_bins": round(self.rmse_bins, 6)}


def evaluate(
    parameters: Sequence[float], data: TrainingSet, rs_items: list[Any] | None = None
) -> Metrics:
    """fsrs-rs's evaluation of `parameters` on `data` (empty parameters: the defaults)."""
    rs = _fsrs_rs()
    weights = list(parameters) or list(rs.DEFAULT_PARAMETERS)
    result = rs.FSRS(weights).evaluate(_rs_items(data) if rs_items is None else rs_items)
    return Metrics(float(result.log_loss), float(result.rmse_bins))


@value_class
class Optimized:
    """The outcome of `srs fsrs optimize`: the fit, its held-out scores and the verdict."""

    deck: str | None
    reviews: int  # answers the items were made from
    items: int  # answers predicted (training items)
    held_out: int  # of which scored, not fitted on
    parameters: tuple[float, ...]  # fitted on every item (what --apply stores)
    current: tuple[float, ...]  # in force before (() = the defaults)
    default_metrics: Metrics | None  # on the held-out items
    current_metrics: Metrics | None
    fitted_metrics: Metrics | None  # parameters fitted on the earlier items
    enough: bool
    better: bool
    reason: str  # why it can or cannot be applied
    applied: bool = False

    @property
    def can_apply(self) -> bool:
        return self.enough and self.better

    def to_dict(self) -> dict[str, Any]:
        def metrics(value: Metrics | None) -> dict[str, float] | None:
            return None if value is None else value.to_dict()

        return {
            "deck": self.deck,
            "reviews": self.reviews,
            "items": self.items,
            "held_out_items": self.held_out,
            "min_reviews": MIN_REVIEWS,
            "parameters": list(self.parameters),
            "current_parameters": list(self.current) or None,
            "held_out": {
                "default": metrics(self.default_metrics),
                "current": metrics(self.current_metrics),
                "fitted": metrics(self.fitted_metrics),
            },
            "enough_reviews": self.enough,
            "better": self.better,
            "can_apply": self.can_apply,
            "applied": self.applied,
            "reason": self.reason,
        }


def optimize(store: Store, options: Options, deck: str | None = None) -> Optimized:
    """Fit parameters to the log of the cards in `deck` (default: all studyable cards) and
    score them on the latest answers; nothing is written (see `Collection.optimize_fsrs`)."""
    _fsrs_rs()  # a missing extra is reported before any work
    data = training_set(store.logged_grades(QueueFilter(deck=deck), studying=True))
    steps = relearning_steps_in_a_day(options)
    current = options.fsrs_parameters
    enough = data.reviews >= MIN_REVIEWS
    if not data.items:
        return Optimized(
            deck, data.reviews, 0, 0, current, current, None, None, None, False, False,
            "no answers to learn from yet: a card counts once it has been answered on two days",
        )  # fmt: skip
    earlier, later = data.split()
    converted = _rs_items(data)
    cut = len(earlier.items)
    parameters = fit(data, steps, converted)
    default_m = current_m = fitted_m = None
    better = False
    if earlier.items and later.items:
        scored = converted[cut:]
        default_m = evaluate((), later, scored)
        current_m = evaluate(current, later, scored) if current else default_m
        fitted_m = evaluate(fit(earlier, steps, converted[:cut]), later, scored)
        better = fitted_m.log_loss < current_m.log_loss
    against = "the parameters in force" if current else "the default parameters"
    if not enough:
        reason = (
            f"{data.reviews} reviews; Anki advises optimising from {MIN_REVIEWS} reviews on,"
            " so the parameters are not applied yet"
        )
    elif fitted_m is None or current_m is None:
        reason = "too few answers to hold some back for scoring; not applied"
    elif not better:
        reason = (
            f"on the latest {len(later.items)} answers the fit predicts no better than {against}"
            f" (log loss {fitted_m.log_loss:.4f} vs {current_m.log_loss:.4f}); not applied"
        )
    else:
        reason = (
            f"on the latest {len(later.items)} answers, which the fit did not see, it predicts"
            f" better than {against} (log loss {fitted_m.log_loss:.4f} vs"
            f" {current_m.log_loss:.4f})"
        )
    return Optimized(
        deck, data.reviews, len(data.items), len(later.items), parameters, current,
        default_m, current_m, fitted_m, enough, better, reason,
    )  # fmt: skip
