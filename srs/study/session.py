"""A study session: which card comes next, limits, an undo stack, and the end-of-session figures.

The terminal reviewer (`srs.cli.review_screen`) is a thin screen over this; any other front end
(a GUI, a test) can drive the same session. Every action goes through the collection, which
commits it at once, so a session holds no unsaved state: killing the process loses nothing
answered.

Time comes from the caller (`now`), so tests and `--now` can pin it; the session itself never
reads the clock.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from pathlib import Path

from srs.collection import AnswerOutcome, Collection
from srs.dates import day_start, from_ms, to_ms
from srs.errors import CardNotFound, SrsError
from srs.model import Grade, SchedulingState, value_class
from srs.store.scope import QueueFilter
from srs.study.mcq import Lettered, lettered
from srs.study.queue import QueueCounts
from srs.views import CardView

__all__ = [
    "AgainCard",
    "Current",
    "Edited",
    "Limits",
    "Session",
    "StopReason",
    "Summary",
]


@value_class
class Limits:
    """Caps for one session (None = no cap beyond the deck's daily limits)."""

    max_cards: int | None = None  # answers in this session
    max_new: int | None = None  # new cards introduced in this session
    minutes: float | None = None  # wall-clock minutes; checked between cards


class StopReason(StrEnum):
    """Why `Session.next` returned no card."""

    EMPTY = "empty"  # nothing due now (nor within the learn-ahead limit)
    MAX_CARDS = "max-cards"
    TIME = "time"


@value_class
class Current:
    """The card to show next and the queue bucket it came from ('new', 'learning', 'review')."""

    card: CardView
    bucket: str


@value_class
class _Action:
    """One undoable step: an answer (its review row) or a skip/suspend (the card's flags before)."""

    kind: str  # "answer" | "skip" | "suspend"
    card_id: str
    review_id: int | None = None
    before: dict[str, object] | None = None


@value_class
class Edited:
    """A card after its file was edited and re-imported (None when it was deleted)."""

    card: CardView | None
    kept_history: bool  # False: the edit made a new card (the old one is orphaned)


@value_class
class AgainCard:
    """A card answered Again in the session, with where to rewrite it."""

    id: str
    source: str  # path:line
    front: str  # first line of the prompt


@value_class
class Summary:
    """The end-of-session figures (all counted in SQL from this session's review rows)."""

    answers: int
    cards: int  # distinct cards answered
    new: int  # answers by the card's state before answering
    learning: int  # learning + relearning
    review: int
    seconds: float  # wall-clock length of the session
    answer_ms: int  # time recorded in the review log (capped per answer)
    grades: dict[Grade, int]
    review_passed: int  # review answers not graded Again
    new_leeches: tuple[AgainCard, ...]
    again: tuple[AgainCard, ...]
    due_tomorrow: int
    forecast: tuple[tuple[date, int], ...]  # the next 7 scheduler days
    learning_later: int  # learning cards due later today, beyond the learn-ahead limit
    next_learning_at: datetime | None
    left: QueueCounts  # still due now (new cards within the limits), e.g. after quitting

    @property
    def retention(self) -> float | None:
        """Share of review answers not graded Again (None without review answers)."""
        return self.review_passed / self.review if self.review else None

    @property
    def pace(self) -> float | None:
        """Seconds per answer over the session's wall-clock time."""
        return self.seconds / self.answers if self.answers else None

    def share(self, grade: Grade) -> float:
        return self.grades.get(grade, 0) / self.answers if self.answers else 0.0


@dataclass
class Session:
    """One review session over a collection, a filter and limits."""

    col: Collection
    now: Callable[[], datetime]
    flt: QueueFilter = field(default_factory=QueueFilter)
    limits: Limits = field(default_factory=Limits)
    started_at: datetime = field(init=False)
    stop_reason: StopReason | None = field(init=False, default=None)
    _actions: list[_Action] = field(init=False, default_factory=list)
    _reviews: list[int] = field(init=False, default_factory=list)
    _forced: str | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        self.started_at = self.now()
        self.col.queue(self.started_at, self.flt, limit=0)  # raises DeckNotFound early

    # -- figures for the header ----------------------------------------------------------------

    @property
    def answered(self) -> int:
        """Answers given in this session (undone ones do not count)."""
        return len(self._reviews)

    def elapsed(self) -> timedelta:
        return self.now() - self.started_at

    def new_studied(self) -> int:
        """New cards introduced in this session."""
        return self.col.store.new_cards_among(self._reviews)

    def _new_left(self) -> int | None:
        if self.limits.max_new is None:
            return None
        return max(self.limits.max_new - self.new_studied(), 0)

    def counts(self) -> QueueCounts:
        """New / learning / due left now, with the session's new-card cap applied."""
        now = self.now()
        counts = self.col.counts(now, self.flt)
        # Anki counts a re-queued learning card as soon as it is within the learn-ahead limit.
        soon = self._learning_ahead_count(now)
        # Exam mode shows each card once a day: a learning step due soon will not come back.
        if soon and self.col.exam_date_in_force(now, self.flt.deck) is None:
            counts = QueueCounts(counts.new, counts.learning + soon, counts.review)
        new_left = self._new_left()
        if new_left is not None and counts.new > new_left:
            counts = QueueCounts(new_left, counts.learning, counts.review)
        return counts

    def position(self, counts: QueueCounts) -> tuple[int, int]:
        """(this card's number, cards in the session so far plus those left)."""
        total = self.answered + max(counts.total, 1)
        if self.limits.max_cards is not None:
            total = min(total, self.limits.max_cards)
        return self.answered + 1, total

    # -- choosing the next card ------------------------------------------------------------------

    def next(self) -> Current | None:
        """The card to show now, or None (with `stop_reason` set) when the session is over."""
        self.stop_reason = None
        if self._forced is not None:
            forced, self._forced = self._forced, None
            current = self._studyable(forced)
            if current is not None:
                return current
        limits = self.limits
        if limits.max_cards is not None and self.answered >= limits.max_cards:
            self.stop_reason = StopReason.MAX_CARDS
            return None
        if limits.minutes is not None and self.elapsed() >= timedelta(minutes=limits.minutes):
            self.stop_reason = StopReason.TIME
            return None
        now = self.now()
        queue = self.col.queue(now, self.flt, limit=1)
        if queue and queue[0][1] == "new" and self._new_left() == 0:
            queue = [item for item in self.col.queue(now, self.flt) if item[1] != "new"][:1]
            if not queue:
                queue = [(card_id, "learning") for card_id in self._learn_ahead(now)]
        if not queue:
            self.stop_reason = StopReason.EMPTY
            return None
        card_id, bucket = queue[0]
        return Current(self.col.card(card_id), bucket)

    def _learning_ahead(self, now: datetime, *, due_too: bool) -> tuple[int, str | None]:
        """Learning cards due within the learn-ahead limit (`due_too`: also those due now)."""
        minutes = self.col.options(self.flt.deck).learn_ahead_minutes
        return self.col.store.learning_ahead(
            self.flt,
            to_ms(now),
            to_ms(now + timedelta(minutes=minutes)),
            self.col.moment(now).today.toordinal(),
            due_too=due_too,
        )

    def _learning_ahead_count(self, now: datetime) -> int:
        return self._learning_ahead(now, due_too=False)[0]

    def _learn_ahead(self, now: datetime) -> list[str]:
        """Learning cards due within the learn-ahead limit (when only capped new cards are left)."""
        first = self._learning_ahead(now, due_too=True)[1]
        return [first] if first is not None else []

    def _studyable(self, card_id: str) -> Current | None:
        try:
            card = self.col.card(card_id)
        except CardNotFound:
            return None
        today = self.col.moment(self.now()).today
        if card.suspended or card.orphaned or (card.buried_until and card.buried_until > today):
            return None
        bucket = card.scheduling.state.value
        return Current(card, "learning" if bucket == "relearning" else bucket)

    # -- acting on the current card --------------------------------------------------------------

    def preview(self, card_id: str) -> dict[Grade, tuple[SchedulingState, str]]:
        """The interval label each grade would give now (the answer buttons)."""
        return self.col.preview(card_id, self.now())

    def options(self, card: CardView) -> tuple[Lettered, ...]:
        """A multiple-choice card's options in this showing's shuffled order, lettered.

        The showing is the card's review count: a card back the same day (after Again) gets a
        new order, and an undo (which restores the count) gets the order it had.
        """
        today = self.col.moment(self.now()).today
        return lettered(card.id, card.options, today, card.scheduling.reps)

    def answer(self, card_id: str, grade: Grade, duration_ms: int) -> AnswerOutcome:
        """Record an answer (committed before this returns)."""
        outcome = self.col.answer(card_id, grade, self.now(), duration_ms)
        self._reviews.append(outcome.review_id)
        self._actions.append(_Action("answer", outcome.card_id, review_id=outcome.review_id))
        return outcome

    def skip(self, card_id: str) -> CardView:
        """Bury the card until tomorrow (undoable within the session)."""
        before = self.col.store.card_snapshot(card_id)
        card = self.col.bury(card_id, self.now())
        self._actions.append(_Action("skip", card.id, before=before))
        return card

    def suspend(self, card_id: str) -> CardView:
        """Suspend the card (undoable within the session)."""
        before = self.col.store.card_snapshot(card_id)
        card = self.col.set_suspended(card_id, True)
        self._actions.append(_Action("suspend", card.id, before=before))
        return card

    def undo(self) -> tuple[str, CardView]:
        """Take back the latest answer, skip or suspend of this session; the card is shown next.

        Returns what was undone ("answer", "skip", "suspend") and the card as restored.
        """
        if not self._actions:
            raise SrsError("nothing to undo in this session")
        action = self._actions[-1]
        if action.kind == "answer":
            assert action.review_id is not None
            card = self.col.undo(action.review_id)
            self._reviews.remove(action.review_id)
        else:
            assert action.before is not None
            with self.col.store.transaction():
                self.col.store.restore_snapshot(action.card_id, dict(action.before))
            card = self.col.card(action.card_id)
        self._actions.pop()
        self._forced = card.id
        return action.kind, card

    def show_again(self, card_id: str) -> None:
        """Make `next` return this card (if still studyable), e.g. after editing it."""
        self._forced = card_id

    # -- editing ------------------------------------------------------------------------------

    def reimport(self, card: CardView) -> Edited:
        """Re-read the card's deck file after an edit and find the card as it is now.

        The importer's identity rules decide: a small edit keeps the card (and its history),
        perhaps under a new id; a rewrite makes a new card next to where the old one was (the
        old one is orphaned with its history); a deleted card gives `Edited(None, False)`.
        DeckError (with every problem) when the edited file no longer parses; nothing is
        written then. The file is re-read under the deck name it was first imported with, so a
        file that came from a folder import keeps its folder-based deck name.
        """
        store = self.col.store
        kind, ordinal = store.card_slot(card.id)
        before = store.card_ids_in_file(card.path)
        report = self.col.reimport_file(Path(card.path), self.now())
        try:
            updated: CardView | None = self.col.card(card.id)
        except CardNotFound:
            updated = None
        if updated is not None and not updated.orphaned:
            return Edited(updated, kept_history=True)
        new_note = dict(report.relinks).get(card.note_id)
        new_id = store.live_card_at(new_note, kind, ordinal)
        if new_id is not None:
            self._actions = [
                _Action(a.kind, new_id, a.review_id, a.before) if a.card_id == card.id else a
                for a in self._actions
            ]
            return Edited(self.col.card(new_id), kept_history=True)
        # Rewritten beyond recognition: the card this import added nearest the old line.
        added = store.card_ids_in_file(card.path) - before
        nearest = store.card_nearest_line(added, kind, card.line)
        if nearest is None:
            return Edited(None, kept_history=False)
        return Edited(self.col.card(nearest), kept_history=False)

    # -- the end ------------------------------------------------------------------------------

    def summary(self) -> Summary:
        """The figures shown when the session ends."""
        totals = self.col.store.answer_totals(self._reviews)
        now = self.now()
        forecast = self._forecast(now)
        later, next_at = self._learning_later(now)
        return Summary(
            answers=totals.answers,
            cards=totals.cards,
            new=totals.new,
            learning=totals.learning,
            review=totals.review,
            seconds=(now - self.started_at).total_seconds(),
            answer_ms=totals.duration_ms,
            grades=totals.grades,
            review_passed=totals.review_passed,
            new_leeches=tuple(self._brief(i) for i in totals.new_leeches),
            again=tuple(self._brief(i) for i in totals.again),
            due_tomorrow=forecast[0][1],
            forecast=forecast,
            learning_later=later,
            next_learning_at=next_at,
            left=self.counts(),
        )

    def _brief(self, card_id: str) -> AgainCard:
        card = self.col.card(card_id)
        lines = card.front.strip().splitlines()
        return AgainCard(card.id, card.source, lines[0] if lines else "")

    def _day_start_ms(self, day: date) -> int:
        return to_ms(day_start(day, self.col.zone, self.col.day_starts_at))

    def _forecast(self, now: datetime) -> tuple[tuple[date, int], ...]:
        """Cards due on each of the next 7 days, from tomorrow: overdue day-based cards count
        on tomorrow; intraday learning still due today is not counted (srs's one forecast,
        `StatsQueries.due_forecast`)."""
        tomorrow = self.col.moment(now).today + timedelta(days=1)
        days = self.col.store.due_forecast(
            tomorrow.toordinal(),
            7,
            self._day_start_ms(tomorrow + timedelta(days=1)),
            flt=self.flt,
            learning_from_ms=self._day_start_ms(tomorrow),
        )
        return tuple((day.day, day.total) for day in days)

    def _learning_later(self, now: datetime) -> tuple[int, datetime | None]:
        """Learning cards due later today but beyond the learn-ahead limit (Anki stops there)."""
        at = self.col.moment(now)
        minutes = self.col.options(self.flt.deck).learn_ahead_minutes
        count, first_ms = self.col.store.learning_between(
            self.flt, to_ms(now + timedelta(minutes=minutes)), to_ms(at.next_day_at)
        )
        return count, (from_ms(first_ms) if first_ms is not None else None)
