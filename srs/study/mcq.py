"""Multiple-choice cards in a review: lettered shuffled options, answer check, suggested grade.

The order is shuffled so that a learner cannot memorise "the answer is b", yet it must stay the
same for one showing of a card (a redraw, an undo, an edit or a second session must not reorder
the options under the user), and change when the card comes back, even the same day (a card
answered Again returns minutes later; the same order would give the answer away). So the seed
is the card id, the scheduler date and the showing (the card's review count, which an undo
restores), hashed with SHA-256 (never `hash()`, which changes with every process).
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Sequence
from datetime import date

from srs.errors import SrsError
from srs.model import OPTION_LETTERS, Grade, McqOption, value_class


@value_class
class Lettered:
    """One option as shown: its letter on screen and its index in the authored order."""

    letter: str
    index: int
    option: McqOption


@value_class
class McqResult:
    """How a typed answer compares with the key."""

    chosen: frozenset[str]  # letters the user typed
    correct: frozenset[str]  # letters of the correct options
    options: tuple[Lettered, ...]

    @property
    def is_correct(self) -> bool:
        """All correct options chosen and nothing else (no partial credit, as in the exam)."""
        return self.chosen == self.correct

    @property
    def suggested_grade(self) -> Grade:
        """Good for a right answer, Again for a wrong one; the user may override either."""
        return Grade.GOOD if self.is_correct else Grade.AGAIN

    def verdict(self, item: Lettered) -> str:
        """Per option: 'hit' (correct, chosen), 'missed' (correct, not chosen),
        'wrong' (chosen, not correct) or 'ok' (neither)."""
        chosen = item.letter in self.chosen
        if item.option.correct:
            return "hit" if chosen else "missed"
        return "wrong" if chosen else "ok"


def shuffle_seed(card_id: str, day: date, showing: int = 0) -> int:
    """A process-independent seed for one showing of a card on one scheduler day."""
    key = f"{card_id}|{day.isoformat()}" + (f"|{showing}" if showing else "")
    digest = hashlib.sha256(key.encode()).digest()
    return int.from_bytes(digest[:8], "big")


def lettered(
    card_id: str, options: Sequence[McqOption], day: date, showing: int = 0
) -> tuple[Lettered, ...]:
    """The options in this showing's order for this card, lettered a, b, c, ...

    `showing` tells showings of one day apart; the reviewer passes the card's review count.
    """
    order = list(range(len(options)))
    random.Random(shuffle_seed(card_id, day, showing)).shuffle(order)
    return tuple(Lettered(OPTION_LETTERS[pos], idx, options[idx]) for pos, idx in enumerate(order))


def select_count(options: Sequence[Lettered]) -> int:
    """How many options the question asks for (its correct ones), as the exam's "Choose N"."""
    return sum(1 for item in options if item.option.correct)


def parse_letters(text: str, count: int, select: int = 0) -> frozenset[str]:
    """Letters typed by the user (`b`, `a,c`, `a c`, `AC`); SrsError names a bad one.

    With `select` 1 (a one-answer question), several letters are refused with a hint rather
    than graded as a wrong answer: typing two letters there is a slip, not a guess.
    """
    valid = OPTION_LETTERS[:count]
    chosen: set[str] = set()
    for ch in text.lower():
        if ch in ", ;":
            continue
        if ch not in valid:
            raise SrsError(f"{ch!r} is not an option; type letters a-{valid[-1]}")
        chosen.add(ch)
    if not chosen:
        raise SrsError(f"type the letter(s) of your answer, a-{valid[-1]}")
    if select == 1 and len(chosen) > 1:
        raise SrsError("one answer only: Esc clears, then type one letter")
    return frozenset(chosen)


def check(options: Sequence[Lettered], chosen: frozenset[str]) -> McqResult:
    """Compare the chosen letters with the correct options."""
    correct = frozenset(item.letter for item in options if item.option.correct)
    return McqResult(chosen, correct, tuple(options))
