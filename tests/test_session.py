"""The review session library: next card, re-queueing, limits, undo, edits, summary figures."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from srs.collection import Collection
from srs.dates import user_timezone
from srs.errors import DeckError, SrsError
from srs.model import CardKind, CardState, Grade, McqOption
from srs.store.scope import QueueFilter
from srs.study.mcq import check, lettered, parse_letters, shuffle_seed
from srs.study.session import Limits, Session, StopReason

START = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


class Clock:
    """A clock the test moves by hand (the session never reads the real one)."""

    def __init__(self, at: datetime = START) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at

    def advance(self, **kw: float) -> None:
        self.at += timedelta(**kw)


@pytest.fixture
def col(db_path: Path, deck_dir: Path) -> Iterator[Collection]:
    collection = Collection.open(db_path, user_timezone())
    collection.import_paths([deck_dir], START)
    yield collection
    collection.close()


def review_rows(col: Collection) -> list[tuple[str, int]]:
    return [
        (r[0], r[1]) for r in col.store.execute("SELECT card_id, grade FROM reviews ORDER BY id")
    ]


def study_all(session: Session, grade: Grade = Grade.GOOD, limit: int = 100) -> list[str]:
    """Answer every card the session offers (with the same grade); the ids in order."""
    seen = []
    for _ in range(limit):
        current = session.next()
        if current is None:
            return seen
        seen.append(current.card.id)
        session.answer(current.card.id, grade, 1500)
    raise AssertionError("session did not end")


def test_answers_are_committed_and_counts_follow(col: Collection, db_path: Path) -> None:
    clock = Clock()
    session = Session(col, clock)
    before = session.counts()
    assert before.new > 0 and before.learning == 0
    current = session.next()
    assert current is not None and current.bucket == "new"
    session.answer(current.card.id, Grade.AGAIN, 2000)
    # Visible from a second connection at once: nothing is held back until the session ends.
    with Collection.open(db_path) as other:
        assert review_rows(other) == [(current.card.id, 1)]
    after = session.counts()
    assert after.new == before.new - 1
    assert after.learning == 1  # the Again card is re-queued (within the learn-ahead limit)
    assert session.answered == 1


def test_again_card_comes_back_in_the_same_session(col: Collection) -> None:
    clock = Clock()
    session = Session(col, clock, QueueFilter(deck="aws"))
    first = session.next()
    assert first is not None
    session.answer(first.card.id, Grade.AGAIN, 1000)
    shown = [first.card.id]
    while (current := session.next()) is not None:
        shown.append(current.card.id)
        session.answer(current.card.id, Grade.EASY, 1000)
        clock.advance(seconds=5)
    # With nothing else left, the Again card comes back before its step is due (learn ahead).
    assert shown.count(first.card.id) == 2
    assert session.stop_reason is StopReason.EMPTY


def test_learning_card_beyond_learn_ahead_ends_the_session(col: Collection) -> None:
    col.set_option("learn_ahead_minutes", "0")
    clock = Clock()
    session = Session(col, clock, QueueFilter(deck="aws/kinesis"))
    ids = study_all(session, Grade.GOOD)
    assert len(ids) == 3 and session.stop_reason is StopReason.EMPTY
    summary = session.summary()
    assert summary.learning_later == 3
    assert summary.next_learning_at is not None and summary.next_learning_at > clock()
    clock.advance(minutes=30)
    assert session.next() is not None  # the steps are due now


def test_max_cards_and_max_new(col: Collection) -> None:
    session = Session(col, Clock(), limits=Limits(max_cards=2))
    assert len(study_all(session, Grade.EASY)) == 2
    assert session.stop_reason is StopReason.MAX_CARDS

    session = Session(col, Clock(), limits=Limits(max_new=1))
    counts = session.counts()
    assert counts.new == 1
    ids = study_all(session, Grade.EASY)
    assert len(ids) == 1  # the other new cards stay for another session
    assert session.counts().new == 0 and session.stop_reason is StopReason.EMPTY


def test_max_new_still_studies_learning_cards(col: Collection) -> None:
    clock = Clock()
    session = Session(col, clock, limits=Limits(max_new=1))
    current = session.next()
    assert current is not None
    session.answer(current.card.id, Grade.AGAIN, 1000)
    again = session.next()  # only capped new cards are due now: learn ahead
    assert again is not None and again.card.id == current.card.id and again.bucket == "learning"


def test_minutes_limit(col: Collection) -> None:
    clock = Clock()
    session = Session(col, clock, limits=Limits(minutes=1))
    current = session.next()
    assert current is not None
    clock.advance(seconds=61)
    session.answer(current.card.id, Grade.GOOD, 61_000)
    assert session.next() is None and session.stop_reason is StopReason.TIME


def test_undo_is_repeatable_and_exact(col: Collection) -> None:
    clock = Clock()
    session = Session(col, clock)
    done = []
    for grade in (Grade.GOOD, Grade.AGAIN, Grade.EASY):
        current = session.next()
        assert current is not None
        done.append((current.card.id, col.store.card_snapshot(current.card.id)))
        session.answer(current.card.id, grade, 1000)
        clock.advance(seconds=10)
    assert len(review_rows(col)) == 3
    for card_id, snapshot in reversed(done):
        kind, card = session.undo()
        assert (kind, card.id) == ("answer", card_id)
        assert col.store.card_snapshot(card_id) == snapshot
        nxt = session.next()  # the undone card is shown again, first
        assert nxt is not None and nxt.card.id == card_id
    assert review_rows(col) == [] and session.answered == 0
    with pytest.raises(SrsError):
        session.undo()


def test_skip_and_suspend_leave_the_queue_and_undo(col: Collection) -> None:
    session = Session(col, Clock())
    first = session.next()
    assert first is not None
    session.skip(first.card.id)
    assert col.card(first.card.id).buried_until == (START + timedelta(days=1)).date()
    second = session.next()
    assert second is not None and second.card.id != first.card.id
    session.suspend(second.card.id)
    assert col.card(second.card.id).suspended
    third = session.next()
    assert third is not None and third.card.id not in (first.card.id, second.card.id)
    assert review_rows(col) == []  # neither is an answer

    assert session.undo()[0] == "suspend" and not col.card(second.card.id).suspended
    assert session.undo()[0] == "skip" and col.card(first.card.id).buried_until is None
    nxt = session.next()
    assert nxt is not None and nxt.card.id == first.card.id


def test_summary_figures(col: Collection) -> None:
    col.set_option("leech_threshold", "1")
    clock = Clock()
    session = Session(col, clock, QueueFilter(deck="aws/kinesis"))
    ids = study_all(session, Grade.EASY)  # three new cards straight to review
    assert len(ids) == 3

    # On the first card's due day: one lapse (a leech at threshold 1), the others pass.
    clock.at = START + timedelta(days=30)
    later = Session(col, clock, QueueFilter(deck="aws/kinesis"))
    grades = [Grade.AGAIN, Grade.GOOD, Grade.HARD]
    answered = []
    while (current := later.next()) is not None and grades:
        assert current.bucket == "review"
        grade = grades.pop(0)
        answered.append((current.card.id, grade))
        later.answer(current.card.id, grade, 70_000 if grade is Grade.AGAIN else 4000)
        clock.advance(seconds=20)
    assert len(answered) == 3
    summary = later.summary()
    assert (summary.answers, summary.cards) == (3, 3)
    assert (summary.new, summary.learning, summary.review) == (0, 0, 3)
    assert summary.review_passed == 2 and summary.retention == pytest.approx(2 / 3)
    assert summary.grades == {Grade.AGAIN: 1, Grade.GOOD: 1, Grade.HARD: 1}
    assert summary.share(Grade.GOOD) == pytest.approx(1 / 3)
    assert summary.answer_ms == 60_000 + 4000 + 4000  # one answer capped at 60 s
    assert summary.seconds == pytest.approx(60) and summary.pace == pytest.approx(20)
    lapsed = answered[0][0]
    assert [b.id for b in summary.again] == [lapsed]
    assert summary.again[0].source == col.card(lapsed).source
    assert [b.id for b in summary.new_leeches] == [lapsed]

    # The forecast counts exactly the cards due on each day, by their stored due day.
    today = col.moment(clock()).today
    expected = {today + timedelta(days=i): 0 for i in range(1, 8)}
    for card in col.cards("aws/kinesis"):
        due = card.scheduling.due_day
        if due is not None and due in expected:
            expected[due] += 1
        if card.scheduling.due_at is not None:
            due_day = col.moment(card.scheduling.due_at).today
            if due_day in expected:
                expected[due_day] += 1
    assert dict(summary.forecast) == expected
    assert summary.due_tomorrow == expected[today + timedelta(days=1)]


def test_summary_counts_only_this_session(col: Collection) -> None:
    clock = Clock()
    first = Session(col, clock)
    current = first.next()
    assert current is not None
    first.answer(current.card.id, Grade.AGAIN, 1000)
    second = Session(col, clock)
    assert second.summary().answers == 0
    nxt = second.next()
    assert nxt is not None
    second.answer(nxt.card.id, Grade.GOOD, 1000)
    assert second.summary().answers == 1 and first.summary().answers == 1


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_small_edit_keeps_the_card_and_its_history(col: Collection, deck_dir: Path) -> None:
    session = Session(col, Clock(), QueueFilter(deck="aws/kinesis"))
    target = next(c for c in col.cards("aws/kinesis") if c.front == "Shard")
    session.answer(target.id, Grade.GOOD, 1000)
    path = deck_dir / "aws" / "kinesis.md"
    edit(path, "of a Kinesis data stream", "of a Kinesis data stream (1 MB/s)")
    edited = session.reimport(col.card(target.id))
    assert edited.kept_history and edited.card is not None
    assert edited.card.back == "the unit of capacity of a Kinesis data stream (1 MB/s)"
    assert edited.card.deck == "aws/kinesis"  # not "kinesis", as a lone-file import would name it
    assert {c.deck for c in col.cards()} == {"aws/kinesis", "ml"}
    assert edited.card.scheduling.reps == 1  # same history, whatever its id now
    kind, undone = session.undo()  # the undo stack follows a relinked id
    assert kind == "answer" and undone.id == edited.card.id and undone.scheduling.reps == 0


def test_rewrite_gives_the_new_card(col: Collection, deck_dir: Path) -> None:
    session = Session(col, Clock())
    target = next(c for c in col.cards("aws/kinesis") if c.front == "Shard")
    edit(
        deck_dir / "aws" / "kinesis.md",
        "Shard :: the unit of capacity of a Kinesis data stream",
        "Partition key :: decides which shard receives a record",
    )
    edited = session.reimport(target)
    assert not edited.kept_history and edited.card is not None
    assert edited.card.front == "Partition key"
    assert col.card(target.id).orphaned


def test_edit_that_breaks_the_file_writes_nothing(col: Collection, deck_dir: Path) -> None:
    session = Session(col, Clock())
    target = next(c for c in col.cards("aws/kinesis") if c.front == "Shard")
    path = deck_dir / "aws" / "kinesis.md"
    path.write_text("---\ntags: [unclosed\n---\n# x\n", encoding="utf-8")
    with pytest.raises(DeckError):
        session.reimport(target)
    assert not col.card(target.id).orphaned and len(list(col.cards())) == 8


def test_edit_that_removes_the_card(col: Collection, deck_dir: Path) -> None:
    session = Session(col, Clock())
    target = next(c for c in col.cards("aws/kinesis") if c.front == "Shard")
    edit(
        deck_dir / "aws" / "kinesis.md",
        "Shard :: the unit of capacity of a Kinesis data stream",
        "",
    )
    assert session.reimport(target).card is None
    assert col.card(target.id).orphaned


# -- multiple choice ---------------------------------------------------------------------------

OPTIONS = tuple(McqOption(f"option {i}", i in (1, 3), f"why {i}") for i in range(5))


def test_mcq_order_is_stable_per_card_and_day() -> None:
    day = START.date()
    first = lettered("card-1", OPTIONS, day)
    assert first == lettered("card-1", OPTIONS, day)
    assert [x.letter for x in first] == list("abcde")
    assert sorted(x.index for x in first) == list(range(5))
    assert all(x.option is OPTIONS[x.index] for x in first)
    orders = {
        tuple(x.index for x in lettered("card-1", OPTIONS, day + timedelta(days=n)))
        for n in range(20)
    }
    assert len(orders) > 1  # another day, another order
    # The order is a seeded shuffle; reproduce it independently of the module's own code path.
    expected = list(range(5))
    random.Random(shuffle_seed("card-1", day)).shuffle(expected)
    assert [x.index for x in first] == expected


def test_mcq_check_and_suggested_grade() -> None:
    options = lettered("card-2", OPTIONS, START.date())
    right = frozenset(x.letter for x in options if x.option.correct)
    result = check(options, right)
    assert result.is_correct and result.suggested_grade is Grade.GOOD
    assert {result.verdict(x) for x in options} == {"hit", "ok"}

    one = next(iter(sorted(right)))
    partial = check(options, frozenset({one}))
    assert not partial.is_correct and partial.suggested_grade is Grade.AGAIN
    assert sorted(partial.verdict(x) for x in options).count("missed") == 1

    wrong_letter = next(x.letter for x in options if not x.option.correct)
    wrong = check(options, right | {wrong_letter})
    assert not wrong.is_correct
    assert [wrong.verdict(x) for x in options].count("wrong") == 1


@pytest.mark.parametrize(
    ("typed", "letters"),
    [("b", {"b"}), ("a,c", {"a", "c"}), ("A C", {"a", "c"}), ("ca", {"a", "c"})],
)
def test_parse_letters(typed: str, letters: set[str]) -> None:
    assert parse_letters(typed, 4) == frozenset(letters)


@pytest.mark.parametrize("typed", ["", ",", "e", "a1"])
def test_parse_letters_rejects(typed: str) -> None:
    with pytest.raises(SrsError):
        parse_letters(typed, 4)


def test_session_mcq_options_use_the_scheduler_day(col: Collection) -> None:
    card = next(c for c in col.cards() if c.kind is CardKind.MCQ)
    clock = Clock(datetime(2026, 3, 3, 3, 0, tzinfo=UTC))  # before the 4 am rollover: 2 March
    session = Session(col, clock)
    assert session.options(card) == lettered(card.id, card.options, START.date())
    assert card.scheduling.state is CardState.NEW
