"""Re-derive every card's FSRS memory from its review log, with the parameters now in force.

The memory kept on each card (stability, difficulty, last answer) is the result of every answer
under the parameters in force when it was given. When the parameters change (`srs fsrs optimize
--apply`, `srs config set fsrs_parameters ...`), the old states would mix two models, so the log
is replayed: each card from its first answer, or from its latest answer given as a new card
(a reset), counting elapsed time in scheduler days as the answer path does
(`srs.scheduler.fsrs.memory_after`; the two differ only across a DST change). Each card uses the
parameters of its own deck (options are inherited by sub-decks).

The loop is plain float arithmetic over rows streamed from SQLite, one UPDATE batch per 10k
cards, with `progress(done, total)` called every few thousand answers so a large collection
shows it is moving (1M answers take a few seconds).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from srs.memory.model import FsrsModel, model_for
from srs.options import Options
from srs.store import Store
from srs.store.scope import QueueFilter

__all__ = ["Progress", "Rederived", "rederive_memory"]

Progress = Callable[[int, int], None]  # (answers replayed, answers in total)

_ALL = QueueFilter()
_PROGRESS_EVERY = 50_000
_WRITE_EVERY = 10_000


@dataclass(frozen=True, slots=True)
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
    models: dict[str, FsrsModel] = {}
    pending: list[tuple[float, float, int, str]] = []
    cards = done = 0
    card: str | None = None
    model: FsrsModel | None = None
    s = d = 0.0
    last_day = last_ms = 0
    fresh = True
    if progress is not None:
        progress(0, total)
    with store.transaction():
        for row in store.logged_grades(flt):
            card_id, deck, reviewed_ms, day, grade, _kind, state_before = row
            if card_id != card:
                if card is not None:
                    pending.append((s, d, last_ms, card))
                    cards += 1
                    if len(pending) >= _WRITE_EVERY:
                        store.set_memories(pending)
                        pending.clear()
                card = card_id
                model = models.get(deck)
                if model is None:
                    model = models[deck] = model_for(options_of(deck).fsrs_parameters)
                fresh = True
            assert model is not None
            if fresh or state_before == "new":
                s, d = model.step(None, 0.0, 0, grade)
                fresh = False
            else:
                s, d = model.step(s, d, max(day - last_day, 0), grade)
            last_day, last_ms = day, reviewed_ms
            done += 1
            if progress is not None and done % _PROGRESS_EVERY == 0:
                progress(done, total)
        if card is not None:
            pending.append((s, d, last_ms, card))
            cards += 1
        store.set_memories(pending)
    if progress is not None:
        progress(done, total)
    return Rederived(cards, done)
