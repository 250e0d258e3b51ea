"""A cram (drill) session: study chosen cards without touching the schedule.

The evening before the exam, a learner wants to drill the weakest domain or the cards missed
this week, whatever is due. A cram session picks cards by deck, tag, exam domain and recent
failures, and keeps everything in memory: no review-log row, no card state, no bury or suspend
is written, so the schedule is exactly as it was afterwards and a killed session leaves nothing
half-written (it wrote nothing at all). Again brings a card back a few cards later, Hard at the
end, Good and Easy drop it, as Anki's filtered decks do with rescheduling off.

It offers the methods `srs.cli.review_screen.Reviewer` uses of `Session`, so one screen serves both.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from srs.collection import Collection
from srs.dates import to_ms
from srs.errors import SrsError
from srs.model import Grade, value_class
from srs.store.scope import QueueFilter
from srs.study.mcq import Lettered, lettered
from srs.study.queue import QueueCounts
from srs.study.session import AgainCard, Current, Edited, Limits, Session, StopReason
from srs.views import CardView

__all__ = ["AGAIN_GAP", "CramFilter", "CramSession", "CramSummary", "cram_cards"]

AGAIN_GAP = 3  # a card answered Again comes back after this many other cards


@value_class
class CramFilter:
    """Which cards a cram session drills (all of them must hold)."""

    deck: str | None = None
    tag: str | None = None
    domain: str | None = None  # an exam domain id of the collection's target exam
    failed_since_days: int | None = None  # answered Again within this many days


def cram_cards(col: Collection, now: datetime, flt: CramFilter) -> list[str]:
    """The card ids to drill, most failed (within the window) first, then in deck order.

    Suspended and orphaned cards are left out; buried and not-yet-due ones are not (a drill
    ignores the schedule).
    """
    col.queue(now, QueueFilter(flt.deck, flt.tag), limit=0)  # DeckNotFound for a bad deck
    failed: dict[str, int] = {}
    if flt.failed_since_days is not None:
        since = now - timedelta(days=flt.failed_since_days)
        failed = col.store.failed_since(to_ms(since))
    exam = col.target_exam(now) if flt.domain is not None else None
    chosen: list[tuple[int, int, str]] = []
    for position, card in enumerate(
        col.store.card_views(QueueFilter(flt.deck, flt.tag), studying=True)
    ):
        if flt.domain is not None and not _in_domain(card, exam, flt.domain):
            continue
        if flt.failed_since_days is not None and card.id not in failed:
            continue
        chosen.append((-failed.get(card.id, 0), position, card.id))
    return [card_id for *_, card_id in sorted(chosen)]


def _in_domain(card: CardView, exam: str | None, domain: str) -> bool:
    if exam is not None:
        return card.domain_for(exam) == domain
    return any(d == domain for _, d in card.exam_domains)


@value_class
class CramSummary:
    """The end of a cram session: what was drilled (nothing of it was saved)."""

    answers: int
    cards: int
    grades: dict[Grade, int]
    missed: tuple[AgainCard, ...]  # answered Again at least once, first miss first
    seconds: float
    left: int  # cards not yet answered Good or Easy (quit early)

    def share(self, grade: Grade) -> float:
        return self.grades.get(grade, 0) / self.answers if self.answers else 0.0


@value_class
class _Step:
    """One undoable cram action: the queue before it, and the answer it added (if any)."""

    queue: tuple[str, ...]
    card_id: str
    grade: Grade | None


@dataclass
class CramSession:
    """A drill over `cram_cards`, in memory only; the collection is only read."""

    col: Collection
    now: Callable[[], datetime]
    cram: CramFilter = field(default_factory=CramFilter)
    limits: Limits = field(default_factory=Limits)
    started_at: datetime = field(init=False)
    stop_reason: StopReason | None = field(init=False, default=None)
    total: int = field(init=False)  # cards picked at the start
    _queue: list[str] = field(init=False)
    _steps: list[_Step] = field(init=False, default_factory=list)
    _shows: dict[str, int] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        self.started_at = self.now()
        self._queue = cram_cards(self.col, self.started_at, self.cram)
        self.total = len(self._queue)

    @property
    def flt(self) -> QueueFilter:
        return QueueFilter(self.cram.deck, self.cram.tag)

    @property
    def answers(self) -> list[tuple[str, Grade]]:
        return [(s.card_id, s.grade) for s in self._steps if s.grade is not None]

    @property
    def answered(self) -> int:
        return len(self.answers)

    def elapsed(self) -> timedelta:
        return self.now() - self.started_at

    def counts(self) -> QueueCounts:
        """Cards left: those coming back after a miss as learning, the rest as review."""
        missed = {card_id for card_id, grade in self.answers if grade is Grade.AGAIN}
        back = sum(1 for card_id in self._queue if card_id in missed)
        return QueueCounts(0, back, len(self._queue) - back)

    def position(self, counts: QueueCounts) -> tuple[int, int]:
        total = self.answered + max(counts.total, 1)
        if self.limits.max_cards is not None:
            total = min(total, self.limits.max_cards)
        return self.answered + 1, total

    def next(self) -> Current | None:
        self.stop_reason = None
        if self.limits.max_cards is not None and self.answered >= self.limits.max_cards:
            self.stop_reason = StopReason.MAX_CARDS
            return None
        if self.limits.minutes is not None and self.elapsed() >= timedelta(
            minutes=self.limits.minutes
        ):
            self.stop_reason = StopReason.TIME
            return None
        if not self._queue:
            self.stop_reason = StopReason.EMPTY
            return None
        return Current(self.col.card(self._queue[0]), "cram")

    def options(self, card: CardView) -> tuple[Lettered, ...]:
        """Shuffled afresh for each showing in the drill (the count of earlier showings)."""
        today = self.col.moment(self.now()).today
        shows = sum(1 for card_id, _ in self.answers if card_id == card.id)
        return lettered(card.id, card.options, today, card.scheduling.reps + 1 + shows)

    def answer(self, card_id: str, grade: Grade, duration_ms: int) -> None:
        """Note the answer (in memory) and place the card: Again soon, Hard last, else done."""
        del duration_ms  # nothing is logged
        self._steps.append(_Step(tuple(self._queue), card_id, Grade(grade)))
        self._queue.remove(card_id)
        if grade is Grade.AGAIN:
            self._queue.insert(min(AGAIN_GAP, len(self._queue)), card_id)
        elif grade is Grade.HARD:
            self._queue.append(card_id)

    def skip(self, card_id: str) -> None:
        """Leave the card out of this drill (nothing is buried)."""
        self._steps.append(_Step(tuple(self._queue), card_id, None))
        self._queue.remove(card_id)

    def suspend(self, card_id: str) -> None:
        raise SrsError("a cram session changes no card; suspend it in `srs review`")

    def undo(self) -> tuple[str, CardView]:
        if not self._steps:
            raise SrsError("nothing to undo in this session")
        step = self._steps.pop()
        self._queue = list(step.queue)
        self._queue.remove(step.card_id)
        self._queue.insert(0, step.card_id)
        return ("answer" if step.grade is not None else "skip"), self.col.card(step.card_id)

    def reimport(self, card: CardView) -> Edited:
        """An edit is a deck change, not a schedule change: re-import as a normal session does."""
        edited = Session(self.col, self.now, self.flt).reimport(card)
        if edited.card is not None and edited.card.id != card.id:
            self._queue = [edited.card.id if c == card.id else c for c in self._queue]
        return edited

    def show_again(self, card_id: str) -> None:
        if card_id in self._queue:
            self._queue.remove(card_id)
        self._queue.insert(0, card_id)

    def summary(self) -> CramSummary:
        grades: dict[Grade, int] = {}
        missed: list[str] = []
        for card_id, grade in self.answers:
            grades[grade] = grades.get(grade, 0) + 1
            if grade is Grade.AGAIN and card_id not in missed:
                missed.append(card_id)
        return CramSummary(
            answers=self.answered,
            cards=len({card_id for card_id, _ in self.answers}),
            grades=grades,
            missed=tuple(self._brief(card_id) for card_id in missed),
            seconds=self.elapsed().total_seconds(),
            left=len(self._queue),
        )

    def _brief(self, card_id: str) -> AgainCard:
        card = self.col.card(card_id)
        lines = card.front.strip().splitlines()
        return AgainCard(card.id, card.source, lines[0] if lines else "")
