"""Rules many queries share, written once: which cards can be studied, and a deck's scope.

Every query that needs one of these rules builds its SQL from here, so "a card can be
studied" or "a deck includes its sub-decks" cannot drift apart between the queue, the deck
list, statistics and exam mode.
"""

from __future__ import annotations

from typing import Any

from srs.model import value_class
from srs.store.sql import like_escape

# A card can be studied: not suspended, and still in its deck file (not orphaned). Written as
# the partial indexes of migration m004 are, so SQLite can use them.
STUDYABLE = "c.suspended = 0 AND c.orphaned = 0"
# Not skipped until a later scheduler day (`:today` is the day's ordinal).
NOT_BURIED = "(c.buried_until IS NULL OR c.buried_until <= :today)"

# The queue's buckets: the partial-index conditions, as the indexes are written.
NEW = f"c.state = 'new' AND {STUDYABLE}"
REVIEW = f"c.state = 'review' AND {STUDYABLE}"
LEARNING = f"c.due_at IS NOT NULL AND {STUDYABLE}"
DAY_LEARNING = f"c.state IN ('learning', 'relearning') AND c.due_at IS NULL AND {STUDYABLE}"

# A deck and its sub-decks ("AWS ML" holds "AWS ML/Model Development"), over a `deck_id`.
IN_DECK = (
    "deck_id IN (SELECT id FROM decks WHERE name = :deck OR name LIKE :deck_prefix ESCAPE '\\')"
)
# A note carrying a tag.
WITH_TAG = "c.note_id IN (SELECT n.id FROM notes n, json_each(n.tags) t WHERE t.value = :tag)"


def deck_params(deck: str) -> dict[str, Any]:
    """The parameters `IN_DECK` needs."""
    return {"deck": deck, "deck_prefix": like_escape(deck) + "/%"}


@value_class
class QueueFilter:
    """Which cards a command works on: a deck (with its sub-decks) and/or a tag."""

    deck: str | None = None
    tag: str | None = None

    def sql(self, *, studying: bool = True) -> tuple[str, dict[str, Any]]:
        """A WHERE fragment over `cards c`; `studying` leaves out suspended and orphaned cards."""
        clauses = [STUDYABLE] if studying else ["1"]
        params: dict[str, Any] = {}
        if self.deck:
            clauses.append("c." + IN_DECK)
            params |= deck_params(self.deck)
        if self.tag:
            clauses.append(WITH_TAG)
            params["tag"] = self.tag
        return " AND ".join(clauses), params
