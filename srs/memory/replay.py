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

from collections.abc import Callable
from typing import Any

from srs.memory.model import FsrsModel, model_for
from srs.model import value_class
from srs.options import Options
from srs.store import Store
from srs.store.scope import QueueFilter

__all__ = ["Progress", "Rederived", "rederive_memory"]

Progress = Callable[[int, int], None]  # (answers replayed, answers in total)

_ALL = QueueFilter()
_PROGRESS_EVERY = 50_000
_WRITE_EVERY = 10_000


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
    """Replay the log of every card in `flt` into its memory state, in one transaction.

    `options_of(deck)` gives the options in force for a deck (`Collection.options`); a card's
    deck decides its parameters.
    """
    total = store.logged_grade_count(flt)
    decks = store.card_deck_names(flt)
    models: dict[str, FsrsModel] = {}
    # card id -> [stability, difficulty, last answer's day, last answer's ms, model.step]
    states: dict[str, list[Any]] = {}
    done = 0
    if progress is not None:
        progress(0, total)
    with store.transaction():
        get = states.get
        countdown = _PROGRESS_EVERY
        for card_id, reviewed_ms, day, grade, _kind, state_before in store.raw_grades(flt):
            state = get(card_id)
            if state is None:
                deck = decks[card_id]
                model = models.get(deck)
                if model is None:
                    model = models[deck] = model_for(options_of(deck).fsrs_parameters)
                step = model.step
                s, d = step(None, 0.0, 0, grade)
                states[card_id] = [s, d, day, reviewed_ms, step]
            else:
                step = state[4]
                if state_before == "new":  # reset to new: memory starts over
                    s, d = step(None, 0.0, 0, grade)
                else:
                    elapsed = day - state[2]
                    s, d = step(state[0], state[1], elapsed if elapsed > 0 else 0, grade)
                state[0], state[1], state[2], state[3] = s, d, day, reviewed_ms
            countdown -= 1
            if not countdown:
                done += _PROGRESS_EVERY
                countdown = _PROGRESS_EVERY
                if progress is not None:
                    progress(done, total)
        done += _PROGRESS_EVERY - countdown
        rows = [(st[0], st[1], st[3], card_id) for card_id, st in states.items()]
        for start in range(0, len(rows), _WRITE_EVERY):
            store.set_memories(rows[start : start + _WRITE_EVERY])
    if progress is not None:
        progress(done, total)
    return Rederived(len(states), done)
