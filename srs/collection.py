"""The composition root: the use cases the CLI (and any script) calls.

Wires the parser, the store, the scheduler and the queue together; nothing below imports it.
Every method takes `now` (or a `Moment`) explicitly: only the CLI reads the clock.
The importer, the reader and the scheduler are imported by the methods that use them, so a
command such as `srs next` starts without loading what it never calls.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any

from srs.dates import Moment, from_ms, moment, scheduler_date, to_ms, user_timezone
from srs.digests import blake2b
from srs.errors import CardNotFound, ConfigError, DeckNotFound, NothingToExport
from srs.model import (
    Answer,
    CardState,
    Grade,
    Note,
    ReviewKind,
    ReviewRecord,
    SchedulingState,
    value_class,
    with_leech_tag,
)
from srs.options import OPTION_NAMES, Options, format_option, parse_option, with_values
from srs.progress import Progress, no_progress
from srs.store import Store, StoredNote, state_to_columns
from srs.store.reviews import NewReview
from srs.store.scope import QueueFilter
from srs.study.queue import QueueCounts, build_queue, deck_counts, queue_counts
from srs.views import CardView, display_path

if TYPE_CHECKING:
    from srs.anki import ExportNote, ExportReview, ExportSummary, FsrsPreset
    from srs.decks.builder import CardHistory
    from srs.decks.importer import ImportReport
    from srs.decks.reader import WrittenDeck
    from srs.exam.blueprints import Blueprint
    from srs.exam.lifecycle import ExamStatus
    from srs.memory.calibration import Calibration
    from srs.memory.exam_mode import ExamPlan, Readiness
    from srs.memory.optimize import Optimized
    from srs.memory.planner import PlanCard
    from srs.memory.replay import Rederived
    from srs.stats import Stats

ALL_CARDS = QueueFilter()

# Options that belong to the whole collection, never to one deck (as in Anki).
COLLECTION_ONLY = ("day_starts_at", "exam")


@value_class
class OutsideAnswer:
    """An answer given in another program (Anki), to merge into a card's history."""

    reviewed_at: datetime
    grade: Grade
    duration_ms: int = 0
    key: int = 0  # the other program's id for it (Anki's review-log id)
    ahead: bool = False  # studied ahead there (Anki's revlog type 3: a filtered deck)


@value_class
class AnswerOutcome:
    """What `answer` did: the review-log row it wrote and what it changed on the card.

    Not the whole card: an answer does not read the note's text (whoever shows the card has
    it; `Collection.card` reads it again).
    """

    review_id: int
    card_id: str
    state: SchedulingState  # the card's scheduling after the answer
    suspended: bool  # suspended now (a leech, with `leech_action = suspend`)
    leech: bool  # a leech now (answering may have just made it one: `answer.leech`)
    answer: Answer


class Collection:
    """An open collection; use as a context manager or call `close()`."""

    def __init__(self, store: Store, zone: tzinfo | None = None) -> None:
        self.store = store
        self.zone = zone or user_timezone()
        self._options: dict[str, Options] = {}
        # The next rollover of the latest `moment`'s scheduler day, keyed by (day, start hour).
        self._rollover: tuple[date, int, datetime] | None = None
        self._blueprints: list[Blueprint] | None = None
        self._plans: dict[str, tuple[ExamPlan, bool]] = {}  # key -> (plan, kept in the file)
        # Where long work reports how far it got (`srs.progress`); the CLI sets a reporter.
        self.progress: Progress = no_progress

    @classmethod
    def open(
        cls, path: Path, zone: tzinfo | None = None, *, now: datetime | None = None
    ) -> Collection:
        """Open or create the collection file at `path` (`now`: see `Store.open`)."""
        return cls(Store.open(path, now), zone)

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Collection:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- time and options --------------------------------------------------------------------

    @property
    def day_starts_at(self) -> int:
        return self.options().day_starts_at

    def moment(self, now: datetime) -> Moment:
        """`now` with its scheduler day, for this collection's day-start hour.

        The next rollover is kept for the day it was found for: finding it resolves a local
        time in the user's zone (~20 us with the local zone), and a review session asks at
        every answer. The day itself is found for every `now`.
        """
        hour = self.day_starts_at
        now = now.astimezone(UTC)
        today = scheduler_date(now, self.zone, hour)
        kept = self._rollover
        if kept is not None and kept[0] == today and kept[1] == hour:
            return Moment(now, today, kept[2])
        found = moment(now, self.zone, hour)
        self._rollover = (found.today, hour, found.next_day_at)
        return found

    def options(self, deck: str | None = None) -> Options:
        """Options in force for a deck: defaults, then the collection's, then each ancestor's.

        Cached for the life of this object (one command or one review session); changing an
        option through this object clears the cache.
        """
        key = deck or ""
        if key not in self._options:
            self._options[key] = self._read_options(deck)
        return self._options[key]

    def _read_options(self, deck: str | None) -> Options:
        values: dict[str, Any] = dict(self.store.config_values(""))
        if deck:
            parts = deck.split("/")
            for depth in range(1, len(parts) + 1):
                values |= self.store.config_values("/".join(parts[:depth]))
        # JSON keeps step lists as lists; Options holds tuples.
        values = {k: tuple(v) if isinstance(v, list) else v for k, v in values.items()}
        if isinstance(values.get("exam_date"), str):  # JSON keeps days as ISO text
            values["exam_date"] = date.fromisoformat(values["exam_date"])
        return with_values(Options(), values)

    def set_option(
        self,
        key: str,
        text: str,
        deck: str | None = None,
        *,
        now: datetime | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> Any:
        """Validate and store an option; returns the parsed value.

        Given `now` (the CLI always gives it), an exam date before today's scheduler day is
        refused: exam mode would be over before it began. Changing `fsrs_parameters` replays
        the review log of the cards it applies to into their memory state (`rederive_memory`;
        `progress(done, total)` follows it)."""
        value = parse_option(key, text)
        if key == "exam_date" and isinstance(value, date) and now is not None:
            today = self.moment(now).today
            if value < today:
                raise ConfigError(
                    f"exam_date {value} is in the past (today is {today}); give the day of"
                    " the exam, today or later, or off"
                )
        if deck and key in COLLECTION_ONLY:
            raise ConfigError(f"{key} applies to the whole collection; set it without --deck")
        if key == "exam" and value:
            self.blueprint(str(value))  # refuses an exam without a blueprint, naming the known
        if key == "scheduler":
            from srs.scheduler import get_scheduler

            get_scheduler(str(value))
        self._require_deck(deck)  # a parent deck (holding only sub-decks) counts
        stored = list(value) if isinstance(value, tuple) else value
        stored = stored.isoformat() if isinstance(stored, date) else stored
        before = self.options(deck).fsrs_parameters if key == "fsrs_parameters" else None
        self.store.set_config(key, stored, deck or "")
        self._options.clear()
        if key == "fsrs_parameters" and value != before:
            self.rederive_memory(deck, progress)
        return value

    def exam_date_in_force(self, now: datetime, deck: str | None = None) -> date | None:
        """The exam date while exam mode is on, else None.

        Exam mode runs through the exam day itself (the user's scheduler day, so 03:00 the
        next morning still counts with the default 4 am start); from the next scheduler day on
        the normal schedule is back by itself, whether or not the date is cleared.
        """
        exam_date = self.options(deck).exam_date
        if exam_date is None or self.moment(now).today > exam_date:
            return None
        return exam_date

    def studies_ahead(self, now: datetime, deck: str | None = None) -> bool:
        """Whether answers are given ahead of the schedule: in exam mode, whose plan picks
        cards by predicted recall, not due day, a review card shown before its due day is an
        early review (Anki's filtered decks with rescheduling), not an on-time one."""
        return self.exam_date_in_force(now, deck) is not None

    def exam_date_passed(self, now: datetime, deck: str | None = None) -> date | None:
        """The exam date if one is set and its day is over (exam mode ended), else None."""
        exam_date = self.options(deck).exam_date
        if exam_date is None or self.exam_date_in_force(now, deck) is not None:
            return None
        return exam_date

    def rederive_memory(
        self, deck: str | None = None, progress: Callable[[int, int], None] | None = None
    ) -> Rederived:
        """Replay the log of every card in a deck (default: all) into its FSRS memory and the
        predictions calibration measures, with the parameters each card's deck now has
        (`srs.memory.replay`)."""
        from srs.memory.replay import rederive_memory

        self._require_deck(deck)
        self._plans.clear()
        flt = QueueFilter(deck=deck)
        return rederive_memory(self.store, self.options, flt, progress)

    def calibration(self, flt: QueueFilter = ALL_CARDS) -> Calibration:
        """How well the memory model predicted the learner's answers (`srs.memory.calibration`),
        over the answers to the cards of `flt`, with the parameters of its deck.

        Predictions not computed yet (a log from before m012, an import) are computed first,
        once, by replaying those cards' logs."""
        from srs.memory.calibration import fill_predictions, measure
        from srs.memory.model import model_for

        if flt.deck:
            self._require_deck(flt.deck)
        progress = self.progress
        fill_predictions(
            self.store, self.options, lambda done, total: progress("predicting recall", done, total)
        )
        model = model_for(self.options(flt.deck).fsrs_parameters)
        return measure(self.store.prediction_groups(QueueFilter(deck=flt.deck)), model)

    def option_rows(self, deck: str | None = None) -> list[tuple[str, str]]:
        """(name, formatted value) of every option in force for a deck."""
        opts = self.options(deck)
        return [(name, format_option(name, getattr(opts, name))) for name in OPTION_NAMES]

    # -- import ------------------------------------------------------------------------------

    def import_paths(
        self,
        paths: Sequence[Path],
        now: datetime,
        history: Mapping[str, CardHistory] | None = None,
        *,
        written: Mapping[str, WrittenDeck] | None = None,
    ) -> ImportReport:
        """Import deck files and folders in one transaction (nothing written on any error);
        `history` is review history carried for their cards, `written` files the caller has
        just written and parsed (see `srs.decks.importer.import_paths`)."""
        from srs.decks.importer import import_paths

        report = import_paths(
            self.store,
            paths,
            now,
            self.blueprints(),
            history,
            written=written,
            progress=self.progress,
        )
        self._blueprints = None
        return report

    def reimport_file(self, path: Path, now: datetime) -> ImportReport:
        """Import one deck file again (after an edit), under the deck name it already has.

        A file first imported as part of a folder keeps its folder-based deck name, and its
        cards are compared with the rest of the collection for duplicate ids.
        """
        from srs.decks.importer import reimport_file

        return reimport_file(self.store, path, now)

    # -- exams -------------------------------------------------------------------------------

    def blueprints(self) -> list[Blueprint]:
        """The exam blueprints imported into this collection, by code."""
        if self._blueprints is None:
            from srs.exam.blueprints import blueprint_from_json

            documents = self.store.blueprint_documents()
            self._blueprints = [blueprint_from_json(data) for data in documents]
        return self._blueprints

    def blueprint(self, code: str | None = None, now: datetime | None = None) -> Blueprint:
        """One exam's blueprint (default: the target exam at `now`); ConfigError naming the
        known ones. Without a code or `now` there is no target, as in an empty collection."""
        code = (code or (self.target_exam(now) if now else None) or "").upper()
        for blueprint in self.blueprints():
            if blueprint.code == code:
                return blueprint
        known = ", ".join(b.code for b in self.blueprints()) or "none yet"
        if not code and self.blueprints():
            raise ConfigError(f"no exam chosen (known exams: {known})")
        if not code:
            raise ConfigError(
                "no exam blueprint in this collection; import a deck folder with an"
                " exams/*.yaml file"
            )
        raise ConfigError(f"no blueprint for exam {code!r} (known exams: {known})")

    def target_exam(self, now: datetime) -> str | None:
        """The exam that cards' `domain` follows: the `exam` option, else the one
        `srs.exam.lifecycle.pick_current` picks for the day of `now` (in the user's zone)."""
        chosen = self.options().exam
        if chosen:
            return chosen
        from srs.exam.lifecycle import pick_current

        current = pick_current(self.blueprints(), self.calendar_day(now))
        if current is not None:
            return current.code
        # No blueprint imported: the exam most cards are mapped to, so domains still show.
        return self.store.most_mapped_exam()

    def calendar_day(self, now: datetime) -> date:
        """The date of `now` in the user's zone: exams start and end on calendar days."""
        return now.astimezone(self.zone).date()

    def exam_status(self, now: datetime, code: str | None = None) -> ExamStatus | None:
        """The status on the day of `now` of an exam (default: the target exam); None when
        the exam has no blueprint here (nothing to say about its lifecycle)."""
        from srs.exam.lifecycle import exam_status

        code = (code or self.target_exam(now) or "").upper()
        blueprint = next((b for b in self.blueprints() if b.code == code), None)
        return exam_status(blueprint, self.calendar_day(now)) if blueprint else None

    def domain_names(self, exam: str | None) -> dict[str, str]:
        """Domain id -> name from the exam's blueprint ({} without one)."""
        blueprint = next((b for b in self.blueprints() if b.code == exam), None)
        return {d.id: d.name for d in blueprint.domains} if blueprint else {}

    # -- reading -----------------------------------------------------------------------------

    def card(self, card_id: str) -> CardView:
        """One card by id (a unique prefix of an id works too)."""
        card = self.store.card_view(card_id) or self.store.card_view(self._typed_id(card_id))
        assert card is not None  # `_typed_id` names a card that exists
        return card

    def _typed_id(self, prefix: str) -> str:
        """The one card id starting with `prefix` (ids are typed shortened); CardNotFound for
        none or several."""
        matches = self.store.card_ids_with_prefix(prefix)
        if len(matches) > 1:
            raise CardNotFound(f"card id {prefix!r} is ambiguous: {', '.join(matches)}, ...")
        if not matches:
            raise CardNotFound(f"no card with id {prefix!r}; see `srs cards`")
        return matches[0]

    def cards(self, deck: str | None = None, tag: str | None = None) -> Iterator[CardView]:
        """All cards (including suspended and orphaned), filtered, in deck order."""
        self._require_deck(deck)
        yield from self.store.card_views(QueueFilter(deck, tag))

    def short_ids(self, cards: Sequence[CardView]) -> dict[str, str]:
        """Card id -> the shortest prefix that `card` resolves to that card alone."""
        from srs.views import short_ids

        return short_ids(self.store.card_ids(), [c.id for c in cards])

    def orphans(self) -> list[CardView]:
        """Cards whose text vanished from their deck file, kept with their history."""
        return self.store.orphaned_card_views()

    def purge_orphans(self) -> int:
        """Delete orphaned cards and notes with their history; returns the card count."""
        return self.store.purge_orphans()

    def decks(self, now: datetime) -> list[dict[str, Any]]:
        """`srs decks`: each deck with its sub-decks, bare parents, then the collection total;
        new / learning / due as `srs review --deck NAME` (or `srs review`) gives them now.

        In exam mode (a collection-wide `exam_date` in force) the counts are what is left of
        today's plan in each deck, as `srs review` will show them.
        """
        from srs.study.deck_list import daily_caps, deck_rows

        at = self.moment(now)
        studied = self.store.studied_today_per_deck(at.today.toordinal())
        own = deck_counts(self.store, at, self.options, studied)
        if self.exam_date_in_force(now) is None:
            caps = daily_caps(self.store, self.options, studied)
            return [row.to_dict() for row in deck_rows(own, caps)]
        left: dict[str, dict[str, int]] = {}
        queue = self.queue(now)
        decks_of = self.store.card_decks([card_id for card_id, _ in queue])
        for card_id, bucket in queue:
            counts = left.setdefault(decks_of[card_id], {"new": 0, "learning": 0, "review": 0})
            counts[bucket] += 1
        planned = []
        for row in own:
            counts = left.get(row.name, {"new": 0, "learning": 0, "review": 0})
            planned.append(
                replace(row, new=counts["new"], learning=counts["learning"], due=counts["review"])
            )
        return [row.to_dict() for row in deck_rows(planned, None)]

    def _require_deck(self, deck: str | None) -> None:
        if deck:
            names = self.store.deck_names()
            if deck not in names and not any(n.startswith(deck + "/") for n in names):
                raise DeckNotFound(f"no deck named {deck!r}; see `srs decks`")

    # -- studying ----------------------------------------------------------------------------

    def queue(
        self, now: datetime, flt: QueueFilter = ALL_CARDS, limit: int | None = None
    ) -> list[tuple[str, str]]:
        """Today's queue as (card id, bucket) pairs (exam mode: today's plan, see `plan`)."""
        self._require_deck(flt.deck)
        if self.exam_date_in_force(now, flt.deck) is not None:
            from srs.memory.exam_mode import plan_queue

            queue = plan_queue(self.store, self.moment(now), self.plan(now, flt))
            return queue if limit is None else queue[:limit]
        return build_queue(
            self.store, self.moment(now), self.options(flt.deck), flt, limit, self.options
        )

    def counts(self, now: datetime, flt: QueueFilter = ALL_CARDS) -> QueueCounts:
        """New / learning / review counts left today."""
        if self.exam_date_in_force(now, flt.deck) is not None:
            from srs.memory.exam_mode import plan_counts

            return plan_counts(self.queue(now, flt))
        return queue_counts(self.store, self.moment(now), self.options(flt.deck), flt, self.options)

    def plan(self, now: datetime, flt: QueueFilter = ALL_CARDS) -> ExamPlan:
        """Today's exam-mode plan (the deck's `exam_date` must be set).

        The first plan is made from the collection as the day began and kept in it for the day
        (`srs.memory.saved_plans`; its cards are read again only when asked for, while the
        collection is open), so answers given since do not change it; once it is done,
        re-plans use the time left (`srs.memory.exam_mode.with_progress`).
        """
        from srs.memory.exam_mode import with_progress
        from srs.memory.saved_plans import kept_plan, plan_key

        opts = self.options(flt.deck)
        if opts.exam_date is None:
            raise ConfigError("no exam date; set one with `srs config set exam_date YYYY-MM-DD`")
        at = self.moment(now)
        exam = self.target_exam(now)
        key = plan_key(at, flt, opts, exam)
        held = self._plans.get(key)
        # Whatever a plan depends on drops the kept one when it changes, in this process or
        # another (m010's triggers, the store's inserts): a plan held in memory is used while
        # its kept row is there. (It was held by card count, which a suspension keeps.)
        if held is None or (held[1] and not self.store.has_day_plan(key)):
            held = kept_plan(
                self.store,
                at,
                opts,
                flt,
                exam,
                zone=self.zone,
                day_starts_at=self.day_starts_at,
                progress=self.progress,
                calibrate=lambda: self.calibration(flt),
            )
            self._plans = {key: held}
        budget = opts.daily_minutes * 60.0
        return with_progress(self.store, at, held[0], flt, exam, budget)

    def readiness(self, now: datetime, flt: QueueFilter = ALL_CARDS) -> Readiness:
        """Expected exam-day recall, overall and per domain of the target exam.

        Before anything is answered today it is a function of today's plan: computed as of
        the start of the day, like the plan, and kept with it (`saved_plans.kept_readiness`).
        After an answer it is computed from the memory as it is now, so today's work counts.
        """
        from srs.dates import day_start
        from srs.memory.exam_mode import plan_cards, readiness
        from srs.memory.planner import project
        from srs.memory.saved_plans import kept_readiness

        plan = self.plan(now, flt)
        exam = self.target_exam(now)
        names = self.domain_names(exam)
        exam_at = day_start(plan.exam_day, self.zone, self.day_starts_at)
        at = self.moment(now)
        opts = self.options(flt.deck)
        budget = opts.daily_minutes * 60.0

        def compute(cards: Sequence[PlanCard], since: datetime, today_budget: float) -> Readiness:
            projected = project(
                cards,
                since,
                at.today,
                plan.exam_day,
                exam_at,
                budget,
                plan.costs,
                today_budget=today_budget,
                studied_since=at.day_began,
                model=plan.model,
            )
            return readiness(
                cards, exam_at, exam, names, projected, plan.model, plan.calibration, since
            )

        if not plan.answered_today:  # the plan's cards as the day began: same all day
            return kept_readiness(
                self.store,
                at,
                opts,
                flt,
                exam,
                exam_at=exam_at,
                names=names,
                compute=lambda: compute(plan.cards, at.day_began, budget),
            )
        # Memory as it is now (the plan holds the start of today's), so today's work counts.
        cards = plan_cards(self.store, flt, at, exam)
        return compute(cards, at.now, max(budget - plan.seconds_today, 0.0))

    def next_card(self, now: datetime, flt: QueueFilter = ALL_CARDS) -> CardView | None:
        """The card to study now, or None when nothing is due."""
        queue = self.queue(now, flt, limit=1)
        return self.card(queue[0][0]) if queue else None

    def preview(self, card_id: str, now: datetime) -> dict[Grade, tuple[SchedulingState, str]]:
        """The state each grade would give, with Anki's button label ("10m", "3d")."""
        card = self.card(card_id)
        at = self.moment(now)
        opts = self.options(card.deck)
        from srs.scheduler import card_seed, describe_interval, get_scheduler

        scheduler = get_scheduler(opts.scheduler)
        seed = card_seed(card.id)
        ahead = self.studies_ahead(now, card.deck)
        states = scheduler.preview(card.scheduling, at, opts, seed, ahead=ahead)
        # Anki labels a learning step by its length, before the learning fuzz moves its due
        # instant by up to 25 %; review intervals are labelled fuzzed (the fuzz is seeded).
        unfuzzed = scheduler.preview(
            card.scheduling, at, replace(opts, fuzz=False), seed, ahead=ahead
        )
        # Steps due within the learn-ahead limit read "<10m", as on Anki's buttons.
        collapse = timedelta(minutes=opts.learn_ahead_minutes)
        labels = {}
        for grade, state in states.items():
            shown = unfuzzed[grade] if state.due_at else state
            label = describe_interval(card.scheduling, shown, at)
            if shown.due_at is not None and shown.due_at - at.now < collapse:
                label = label if label.startswith("<") else f"<{label}"
            labels[grade] = (state, label)
        return labels

    def answer(
        self, card_id: str, grade: Grade, now: datetime, duration_ms: int = 0
    ) -> AnswerOutcome:
        """Record an answer: new card state and its review-log row, in one transaction.

        The card is read inside the write transaction, so two sessions answering the same card
        at once apply one answer after the other, never both to the same old state.
        """
        from srs.scheduler import card_seed, get_scheduler

        at = self.moment(now)
        with self.store.transaction():
            card = self.store.answering(card_id) or self.store.answering(self._typed_id(card_id))
            assert card is not None  # `_typed_id` names a card that exists
            before = card.state
            opts = self.options(card.deck)
            scheduler = get_scheduler(opts.scheduler)
            result = scheduler.answer(
                before,
                grade,
                at,
                opts,
                card_seed(card.card_id),
                ahead=self.studies_ahead(now, card.deck),
            )
            if result.state.memory is None:
                # A scheduler without a memory model: keep FSRS's beside it, for exam mode.
                from srs.scheduler.fsrs import memory_after

                memory = memory_after(before, grade, at, opts.fsrs_parameters)
                result = replace(result, state=replace(result.state, memory=memory))
            predicted = _predicted(before, at, opts.fsrs_parameters)
            flags: dict[str, Any] = {"buried_until": None}
            if result.leech:
                flags["leech"] = 1
                if opts.leech_action == "suspend":
                    flags["suspended"] = 1
            self.store.update_card_state(card.card_id, result.state, flags=flags)
            after = card.snapshot | state_to_columns(result.state) | flags
            review_id = self.store.add_review(
                NewReview(
                    card_id=card.card_id,
                    reviewed_ms=to_ms(at.now),
                    review_day=at.today.toordinal(),
                    grade=grade,
                    kind=result.review_kind,
                    scheduler=scheduler.name,
                    state_before=before,
                    state_after=result.state,
                    duration_ms=max(0, min(duration_ms, MAX_ANSWER_MS)),
                    before=card.snapshot,
                    after=after,
                    predicted=predicted,
                )
            )
        return AnswerOutcome(
            review_id,
            card.card_id,
            result.state,
            bool(after["suspended"]),
            bool(after["leech"]),
            result,
        )

    def merge_answers(
        self,
        card_id: str,
        answers: Sequence[OutsideAnswer],
        scheduler_name: str = "anki",
        slack_ms: int = 0,
    ) -> list[tuple[OutsideAnswer, int, bool]]:
        """Log answers given elsewhere (Anki, through `srs sync`) to a card, each once, and set
        the card's state to what replaying all its answers in time order gives.

        srs's own answers given after the earliest of them are replayed with them (from the
        state before the first such answer), so a card answered on both sides keeps both
        answers. An answer already logged at the same instant (or up to `slack_ms` before, not
        yet carried: srs's own answer that the other side stored a few ms later) is that
        answer: it is returned with its review id and not replayed. Returns (answer, review
        id, added to the log) triples. Runs in the caller's transaction (or its own).
        """
        from srs.scheduler import card_seed, get_scheduler
        from srs.scheduler.fsrs import memory_after
        from srs.store.history import PastReview

        done: list[tuple[OutsideAnswer, int, bool]] = []
        with self.store.transaction():
            card = self.card(card_id)
            fresh = []
            for item in answers:
                existing = self.store.review_id_at(card.id, to_ms(item.reviewed_at), slack_ms)
                if existing is None:
                    fresh.append(item)
                else:
                    done.append((item, existing, False))
            if not fresh:
                return done
            fresh.sort(key=lambda item: item.reviewed_at)
            own = self.store.card_reviews_since(card.id, to_ms(fresh[0].reviewed_at))
            state = own[0].before if own else card.scheduling
            opts = self.options(card.deck)
            scheduler = get_scheduler(opts.scheduler)
            seed = card_seed(card.id)
            events: list[tuple[datetime, int, Grade, bool, OutsideAnswer | None]] = [
                (review.reviewed_at, 0, review.grade, review.kind == ReviewKind.EARLY, None)
                for review in own
            ] + [(item.reviewed_at, 1, item.grade, item.ahead, item) for item in fresh]
            events.sort(key=lambda event: (event[0], event[1]))
            for at_instant, _, grade, ahead, outside in events:
                at = self.moment(at_instant)
                result = scheduler.answer(state, grade, at, opts, seed, ahead=ahead)
                after = result.state
                if after.memory is None:
                    memory = memory_after(state, grade, at, opts.fsrs_parameters)
                    after = replace(after, memory=memory)
                if outside is not None:
                    review = PastReview(
                        outside.reviewed_at,
                        at.today,
                        grade,
                        result.review_kind,
                        state,
                        after,
                        max(0, min(outside.duration_ms, MAX_ANSWER_MS)),
                        scheduler_name,
                    )
                    review_id = self.store.add_past_review_unchecked(card.id, review)
                    done.append((outside, review_id, True))
                state = after
            self.store.update_card_state(card.id, state, flags={"buried_until": None})
        return done

    def undo(self, review_id: int | None = None) -> CardView:
        """Take back an answer (the latest, or a given one that is its card's latest)."""
        with self.store.transaction():
            answer = self.store.logged_answer(review_id)
            if answer is None:
                raise CardNotFound("nothing to undo")
            if self.store.answered_since(answer):
                raise CardNotFound(
                    "that card was answered again since; undo the later answer first"
                )
            self.store.restore_snapshot(answer.card_id, answer.before)
            self.store.delete_review(answer.id)
        return self.card(answer.card_id)

    def buried_until(self, card: CardView, now: datetime) -> date | None:
        """The scheduler day a buried card comes back (skipped, or a sibling studied today),
        or None when it is not buried."""
        today = self.moment(now).today
        if card.buried_until is not None and card.buried_until > today:
            return card.buried_until
        if card.id in self.store.buried_siblings(today.toordinal()):
            return today + timedelta(days=1)
        return None

    def bury(self, card_id: str, now: datetime) -> CardView:
        """Skip a card until tomorrow's scheduler day."""
        card = self.card(card_id)
        tomorrow = self.moment(now).today + timedelta(days=1)
        self.store.bury_card(card.id, tomorrow.toordinal())
        return self.card(card.id)

    def set_suspended(self, card_id: str, suspended: bool = True) -> CardView:
        """Suspend (or unsuspend) a card: it leaves every queue until unsuspended."""
        card = self.card(card_id)
        self.store.set_card_suspended(card.id, suspended)
        return self.card(card.id)

    # -- memory model ------------------------------------------------------------------------

    def optimize_fsrs(
        self,
        deck: str | None = None,
        *,
        apply: bool = False,
        progress: Callable[[int, int], None] | None = None,
    ) -> Optimized:
        """Fit FSRS-6 parameters to the log of a deck (default: the collection) and, with
        `apply`, store them as that scope's `fsrs_parameters` when `srs.memory.optimize`
        judges them fit to use (memory is then replayed, `progress` following it)."""
        from srs.memory.optimize import optimize
        from srs.options import format_option

        self._require_deck(deck)
        result = optimize(self.store, self.options(deck), deck)
        if apply and result.can_apply and result.parameters != result.current:
            text = format_option("fsrs_parameters", result.parameters)
            self.set_option("fsrs_parameters", text, deck, progress=progress)
            result = replace(result, applied=True)
        return result

    # -- statistics --------------------------------------------------------------------------

    def stats(self, now: datetime, *, deck: str | None = None, days: int = 30) -> Stats:
        """Every figure of `srs stats`, computed in SQL as of `now`."""
        from srs.stats import compute_stats

        exam = self.target_exam(now)
        names = self.domain_names(exam)
        figures = compute_stats(
            self.store,
            self.moment(now),
            deck=deck,
            days=days,
            exam=exam,
            domain_names=names,
            progress=self.progress,
        )
        figures = replace(figures, calibration=self.calibration(QueueFilter(deck=deck)).to_dict())
        if self.exam_date_in_force(now, deck) is None:
            return figures
        ready = self.readiness(now, QueueFilter(deck=deck))
        return replace(figures, readiness=ready.to_dict())

    # -- export ------------------------------------------------------------------------------

    def export_anki(
        self,
        out: Path,
        now: datetime,
        *,
        decks: Sequence[str] = (),
        tag: str | None = None,
        with_scheduling: bool = False,
    ) -> ExportSummary:
        """Write the chosen decks (all by default) as an Anki `.apkg` package."""
        from srs.anki import export_apkg

        for deck in decks:
            self._require_deck(deck)
        fresh: list[tuple[str, str, str]] = []
        try:
            summary = export_apkg(
                out,
                self._export_notes(decks, tag, fresh),
                with_scheduling=with_scheduling,
                now=now,
                zone=self.zone,
                day_starts_at=self.day_starts_at,
                fsrs_presets=self.fsrs_presets() if with_scheduling else None,
            )
        except NothingToExport:
            filters = [f"--deck {d}" for d in decks] + ([f"--tag {tag}"] if tag else [])
            what = (
                f"no note matches {' '.join(filters)}"
                if filters
                else "the collection has no notes (import a deck first)"
            )
            raise NothingToExport(f"{what}; nothing written to {out}") from None
        if fresh:
            self.store.save_rendered(fresh)
        return summary

    def fsrs_presets(self) -> dict[str, FsrsPreset]:
        """srs deck name -> its fitted FSRS settings, for decks whose parameters are not the
        defaults (their Anki preset carries them)."""
        from srs.anki import FsrsPreset

        presets = {}
        for deck in self.store.deck_names():
            opts = self.options(deck)
            if opts.fsrs_parameters:
                presets[deck] = FsrsPreset(opts.fsrs_parameters, opts.desired_retention)
        return presets

    def _export_notes(
        self, decks: Sequence[str], tag: str | None, fresh: list[tuple[str, str, str]]
    ) -> Iterator[ExportNote]:
        """Notes to export; HTML is taken from the collection or rendered and added to `fresh`."""
        return self.export_notes(self.store.notes_to_export(decks, tag), fresh)

    def export_notes(
        self, notes: Iterable[StoredNote], fresh: list[tuple[str, str, str]]
    ) -> Iterator[ExportNote]:
        """Stored notes as the Anki export (and `srs sync`) write them; HTML is taken from the
        collection or rendered and added to `fresh` (for `store.save_rendered`)."""
        from srs.anki import ExportCard, ExportNote
        from srs.render import decode_rendered, encode_rendered, render_markdown

        done = 0
        for done, stored in enumerate(notes, start=1):
            self.progress("exporting notes", done - 1, None)
            note, cards = stored.note, stored.cards
            key = rendered_key(note)
            if stored.rendered is not None and stored.rendered_key == key:
                rendered = decode_rendered(stored.rendered)
            else:
                rendered = {text: render_markdown(text) for text in note_texts(note)}
                fresh.append((note.id, key, encode_rendered(rendered)))
            note = replace(note, tags=with_leech_tag(note.tags, any(c.leech for c in cards)))
            yield ExportNote(
                note=replace(note, path=display_path(note.path)),
                cards=tuple(
                    ExportCard(
                        spec=card.spec,
                        state=card.state,
                        suspended=card.suspended,
                        position=card.position,
                        reviews=export_reviews(card.reviews),
                    )
                    for card in cards
                ),
                modified_at=from_ms(stored.modified_ms),
                media_root=_folder(note.path),
                rendered=rendered,
            )
        self.progress("exporting notes", done, done)


@functools.lru_cache(maxsize=1024)
def _folder(path: str) -> Path:
    """The folder of a deck file (cached: all notes of a file share it)."""
    return Path(path).parent


def note_texts(note: Note) -> list[str]:
    """Every Markdown text of a note that an export renders."""
    texts = [note.front, note.back]
    for option in note.options:
        texts += (option.text, option.rationale)
    return texts


def rendered_key(note: Note) -> str:
    """What HTML kept for a note depends on: its texts and the renderer."""
    from srs.render import render_fingerprint

    digest = blake2b(render_fingerprint().encode(), digest_size=16)
    for text in note_texts(note):
        digest.update(f"{len(text)}:{text}".encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def export_reviews(reviews: Sequence[ReviewRecord]) -> tuple[ExportReview, ...]:
    """Review-log rows in Anki's terms: intervals in days, learning steps as negative seconds."""
    from srs.anki import ExportReview

    rows = []
    last_interval = 0
    for review in reviews:
        after = review.after
        if after.due_at is not None:
            interval = -round((after.due_at - review.reviewed_at).total_seconds())
        else:
            interval = after.interval_days
        rows.append(
            ExportReview(
                reviewed_at=review.reviewed_at,
                grade=review.grade,
                kind=review.kind,
                interval_before=last_interval,
                interval_after=interval,
                ease_after=after.ease if review.kind is not ReviewKind.LEARN else 0,
                duration_ms=review.duration_ms,
            )
        )
        last_interval = interval
    return tuple(rows)


MAX_ANSWER_MS = 60_000  # Anki's default cap on the time recorded for one answer


def _predicted(state: SchedulingState, at: Moment, parameters: tuple[float, ...]) -> float | None:
    """The recall the memory model predicts for an answer now (`srs.memory.calibration`):
    -1 for none; None when the card's memory is not derived yet (a replay fills it in)."""
    from srs.memory.calibration import prediction
    from srs.memory.model import model_for
    from srs.scheduler.fsrs import elapsed_scheduler_days

    if state.state == CardState.NEW:
        return -1.0
    memory = state.memory
    if memory is None:
        return None
    days = elapsed_scheduler_days(memory, at)
    last = to_ms(memory.last_review)
    return prediction(model_for(parameters), memory.stability, last, 0, to_ms(at.now), days, False)
