"""Why a review session ended, in facts a screen can turn into one plain sentence.

"Nothing more is due now" alone hid the common reasons a session ends early: the daily new-card
limit (with new cards still waiting), the session's `--max-new`, an empty collection, an exam
plan that is done for the day. `ending` gathers those facts once, when the session is over, so
the screen can say which one applies and what to do about it.
"""

from __future__ import annotations

from datetime import date, datetime

from srs.dates import day_start, from_ms
from srs.model import value_class
from srs.study.session import Session, StopReason

__all__ = ["Ending", "ending"]


@value_class
class Ending:
    """The facts behind a session's end."""

    reason: StopReason | None  # None: the user quit
    collection_cards: int  # cards in the whole collection (0: nothing imported yet)
    cards: int  # studyable cards the session's filter covers
    new_waiting: int  # new cards the filter covers that the limits held back
    new_per_day: int
    reviews_waiting: bool  # reviews due today that the daily review limit held back
    reviews_per_day: int
    max_new: int | None  # the session's --max-new, when it is what held them back
    exam_mode: bool
    today: date  # the scheduler day the session ended on
    next_due: datetime | None  # the earliest moment a held-back card is due (not new ones)
    next_due_day: date | None  # its scheduler day, when it is a day-based card


def ending(session: Session) -> Ending:
    """The facts behind `session.stop_reason` (read from the collection as it is now)."""
    col, now = session.col, session.now()
    opts = col.options(session.flt.deck)
    today = col.moment(now).today
    cards, new, due_ms, due_day = col.store.idle_facts(session.flt, today.toordinal())
    held_by_session = (
        session.limits.max_new is not None and session.new_studied() >= session.limits.max_new
    )
    next_due = from_ms(due_ms) if due_ms is not None else None
    next_day = None
    if due_day is not None and due_day > today.toordinal():
        day = date.fromordinal(due_day)
        starts = day_start(day, col.zone, col.day_starts_at)
        if next_due is None or starts < next_due:
            next_due, next_day = starts, day
    return Ending(
        reason=session.stop_reason,
        collection_cards=col.store.card_count(),
        cards=cards,
        new_waiting=new if session.stop_reason is StopReason.EMPTY else 0,
        new_per_day=opts.new_per_day,
        reviews_waiting=due_day is not None and due_day <= today.toordinal(),
        reviews_per_day=opts.reviews_per_day,
        max_new=session.limits.max_new if held_by_session else None,
        exam_mode=opts.exam_date is not None,
        today=today,
        next_due=next_due,
        next_due_day=next_day,
    )
