"""Re-derive every card's FSRS memory from its review log, with the parameters now in force.

The memory kept on each card (stability, difficulty, last answer) is the result of every answer
under the parameters in force when it was given. When the parameters change (`srs fsrs optimize
--apply`, `srs config set fsrs_parameters ...`), the old states would mix two models, so the log
is replayed: each card from its first answer, or from its latest answer given as a new card
(a reset), counting elapsed time in scheduler days as the answer path does
(`srs.scheduler.fsrs.memory_after`; the two differ only across a DST change). Each card uses the
parameters of its own deck (options are inherited by sub-decks).

The loop is plain float arithmetic over the log streamed from SQLite in its own order (one
state per card in a dict: sorting a million rows by card would cost more than the replay),
UPDATEs in batches of 10k cards, with `progress(done, total)` called every 50k answers so a
large collection shows it is moving (1M answers take a few seconds).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from srs.memory.model import FsrsModel, model_for
from srs.model import value_class
from srs.options import Options
from srs.store import Store
from srs.store.calibration import GradedRow
from srs.store.scope import QueueFilter

__all__ = ["Progress", "Rederived", "Replayed", "rederive_memory", "replay_log"]

Progress = Callable[[int, int], None]  # (answers replayed, answers in total)

_ALL = QueueFilter()
_PROGRESS_EVERY = 50_000
_WRITE_EVERY = 10_000
_DAY_MS = 86_400_000.0


@value_class
class Rederived:
    """What a replay did."""

    cards: int
    reviews: int


def rederive_memory(
    store: Store,
    options_of: Callable[[str], Options],
    flt: QueueFilter = _ALL,
    progress: Progress | None = None,
) -> Rederived:
    """Replay the log of every card in `flt` into its memory state and each answer's
    prediction (`srs.memory.calibration`), in one transaction.

    `options_of(deck)` gives the options in force for a deck (`Collection.options`); a card's
    deck decides its parameters. The whole log replaces every prediction and marks them all
    known (`predictions_filled`), where no row means no prediction: only the answers with one
    are written (about half of a real log is first looks and same-day steps). A deck's replay
    replaces its answers' rows one by one, so it writes them all.
    """
    total = store.logged_grade_count(flt)
    decks = store.card_deck_names(flt)
    if progress is not None:
        progress(0, total)
    whole = flt == _ALL
    # 100k cards updated in log order touch pages all over the cards table and its indexes.
    with store.large_cache(), store.transaction():
        replayed = replay_log(
            store.graded_rows(flt=flt),
            decks,
            options_of,
            None if progress is None else lambda done: progress(done, total),
            unknown=not whole,
        )
        rows = [(st[0], st[1], st[3], card_id) for card_id, st in replayed.states.items()]
        for start in range(0, len(rows), _WRITE_EVERY):
            store.set_memories(rows[start : start + _WRITE_EVERY])
        if whole:
            store.clear_predictions()  # one truncation; every answer gets a new one below
        store.set_predictions(replayed.predictions)  # (a deck's replace theirs)
        if whole:
            store.predictions_filled(store.last_review_id())
    if progress is not None:
        progress(replayed.answers, total)
    return Rederived(len(replayed.states), replayed.answers)


@value_class
class Replayed:
    """What `replay_log` computed."""

    states: dict[str, list[Any]]  # card id -> [stability, difficulty, day, ms, model]
    predictions: list[tuple[int, float, int]]  # (review id, prediction, recalled)
    answers: int  # answers replayed (with a prediction or not)


def replay_log(
    rows: Iterable[GradedRow],
    decks: Mapping[str, str],
    options_of: Callable[[str], Options],
    tick: Callable[[int], None] | None = None,
    *,
    unknown: bool = True,
) -> Replayed:
    """Step each card's memory through its answers (`rows` in log order), predicting each
    answer from the memory before it.

    Returns the memory of each card (card id -> [stability, difficulty, last answer's day,
    last answer's ms, model]) and a (review id, prediction, recalled) row per answer: the
    recall the model gave the card at that instant, or -1 for an answer with none (a first
    look, an answer given as a new card, a repeat on the same scheduler day), as
    `srs.memory.calibration.prediction` defines it; without those when not `unknown`.
    `tick(done)` is called every 50k answers.
    """
    models: dict[str, FsrsModel] = {}
    states: dict[str, list[Any]] = {}
    predictions: list[tuple[int, float, int]] = []
    add = predictions.append
    get = states.get
    done = 0
    countdown = _PROGRESS_EVERY
    for review_id, card_id, reviewed_ms, day, grade, state_before in rows:
        state = get(card_id)
        if state is None:
            deck = decks.get(card_id, "")
            model = models.get(deck)
            if model is None:
                model = models[deck] = model_for(options_of(deck).fsrs_parameters if deck else ())
            s, d = model.step(None, 0.0, 0, grade)
            states[card_id] = [s, d, day, reviewed_ms, model]
            if unknown:
                add((review_id, -1.0, grade > 1))
        else:
            model = state[4]
            elapsed = day - state[2]
            if state_before == "new":  # reset to new: memory starts over
                if unknown:
                    add((review_id, -1.0, grade > 1))
                s, d = model.step(None, 0.0, 0, grade)
            else:
                if elapsed >= 1:
                    recall = model.retrievability((reviewed_ms - state[3]) / _DAY_MS, state[0])
                    add((review_id, recall, grade > 1))
                elif unknown:
                    add((review_id, -1.0, grade > 1))
                s, d = model.step(state[0], state[1], elapsed if elapsed > 0 else 0, grade)
            state[0], state[1], state[2], state[3] = s, d, day, reviewed_ms
        countdown -= 1
        if not countdown:
            countdown = _PROGRESS_EVERY
            done += _PROGRESS_EVERY
            if tick is not None:
                tick(done)
    return Replayed(states, predictions, done + _PROGRESS_EVERY - countdown)
