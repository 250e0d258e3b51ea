"""The note builder and review history carried in with notes (a second format's seam)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from srs.decks.builder import CardHistory, NoteDraft, build_note, note_history
from srs.decks.importer import sync
from srs.decks.markdown import parse_text
from srs.model import CardState, Grade, McqOption, NoteKind, ParsedDeck, ReviewKind
from srs.model import SchedulingState as State
from srs.store import Store
from srs.store.history import PastReview

NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
DAY = date(2026, 11, 20)


def draft(kind: NoteKind, front: str, back: str, **fields: object) -> NoteDraft:
    return NoteDraft(kind, front, back, "Imported", "deck.csv", 1, **fields)  # type: ignore[arg-type]


def test_the_builder_gives_the_parsers_ids_and_stamps() -> None:
    text = (
        "Q: What is PCA?\nA: A projection.\n\n"
        "Both ways ::: sides\n\n"
        "C: {{c1::L1}} zeroes; {{c2::L2}} shrinks; {{c3::L1}} again.\nA: extra\n\n"
        "Q: Pick one\n- [ ] no\n- [x] yes\n"
    )
    parsed = parse_text(text, display="deck.md", default_deck="deck")
    drafts = [
        draft(NoteKind.BASIC, "What is PCA?", "A projection."),
        draft(NoteKind.BOTH, "Both ways", "sides"),
        draft(NoteKind.CLOZE, "{{c1::L1}} zeroes; {{c2::L2}} shrinks; {{c3::L1}} again.", "extra"),
        draft(
            NoteKind.MCQ, "Pick one", "", options=(McqOption("no", False), McqOption("yes", True))
        ),
    ]
    built = [build_note(d) for d in drafts]
    assert [n.id for n in built] == [n.id for n in parsed.notes]
    assert [n.content_hash for n in built] == [n.content_hash for n in parsed.notes]
    assert [n.cards for n in built] == [n.cards for n in parsed.notes]
    assert [c.id.split(":", 1)[1] for c in built[2].cards][2].endswith("-2")


def review(hours: int, grade: Grade, after: State) -> PastReview:
    return PastReview(
        reviewed_at=NOW - timedelta(days=8) + timedelta(hours=hours),
        review_day=DAY,
        grade=grade,
        kind=ReviewKind.LEARN,
        before=State(),
        after=after,
        duration_ms=4000,
    )


def test_history_lands_once_also_after_a_second_import(tmp_path: Path) -> None:
    state = State(state=CardState.REVIEW, due_day=date(2026, 12, 1), interval_days=9, reps=2)
    learning = State(state=CardState.LEARNING, remaining_steps=1, reps=1)
    both = draft(
        NoteKind.BOTH,
        "Kinesis",
        "streams",
        history=(
            CardHistory(
                ordinal=1,
                state=state,
                reviews=(review(0, Grade.GOOD, learning), review(1, Grade.EASY, state)),
            ),
        ),
    )
    plain = draft(NoteKind.BASIC, "S3", "objects")
    notes = [build_note(both), build_note(plain)]
    history = note_history(notes[0], both)
    reverse = notes[0].cards[1].id
    assert list(history) == [reverse]
    deck = ParsedDeck("deck.csv", tuple(notes))
    with Store.open(tmp_path / "collection.db") as store:
        for run in range(2):
            report = sync(store, [deck], {"deck.csv": "/decks/deck.csv"}, [], 1000, history=history)
            assert (report.added, report.unchanged) == ((2, 0) if run == 0 else (0, 2))
            stored = {
                card.spec.id: card
                for item in store.stored_notes("1", {}, with_reviews=True)
                for card in item.cards
            }
            assert stored[reverse].state == state
            assert [(r.grade, r.after.state) for r in stored[reverse].reviews] == [
                (Grade.GOOD, CardState.LEARNING),
                (Grade.EASY, CardState.REVIEW),
            ]
            others = [card for card_id, card in stored.items() if card_id != reverse]
            assert [(c.state, c.reviews) for c in others] == [(State(), ())] * 2


def test_history_for_a_card_the_note_does_not_have() -> None:
    note_draft = draft(NoteKind.BASIC, "Q", "A", history=(CardHistory(ordinal=1),))
    with pytest.raises(ValueError, match="no card 1"):
        note_history(build_note(note_draft), note_draft)


def test_a_registered_format_carries_history_through_an_import(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from srs.collection import Collection
    from srs.decks.discover import DeckFile
    from srs.decks.formats import READERS, DeckRead

    state = State(state=CardState.REVIEW, due_day=date(2026, 12, 3), interval_days=4, reps=1)

    def read_tsv(deck_file: DeckFile) -> DeckRead:
        """front<TAB>back lines; the second asks the first's question (disambiguated)."""
        lines = deck_file.path.read_text().splitlines()
        drafts = [
            NoteDraft(
                NoteKind.BASIC,
                *line.split("\t"),
                deck_file.default_deck,
                deck_file.display,
                number,
                history=(CardHistory(0, state, (review(0, Grade.GOOD, state),)),)
                if number == 2
                else (),
            )
            for number, line in enumerate(lines, 1)
        ]
        notes = [build_note(d) for d in drafts]
        history = {
            k: v for n, d in zip(notes, drafts, strict=True) for k, v in note_history(n, d).items()
        }
        return DeckRead(ParsedDeck(deck_file.display, tuple(notes)), history)

    monkeypatch.setitem(READERS, ".tsv", read_tsv)
    folder = tmp_path / "decks"
    folder.mkdir()
    (folder / "words.tsv").write_text("Same?\tyes\nSame?\tno\n")
    with Collection.open(tmp_path / "collection.db") as col:
        for _ in range(2):
            report = col.import_paths([folder], NOW)
            assert report.cards == 2
            cards = [
                (card.spec.back, card.state, len(card.reviews))
                for item in col.store.stored_notes("1", {}, with_reviews=True)
                for card in item.cards
            ]
            assert sorted(cards, key=lambda c: c[0]) == [("no", state, 1), ("yes", State(), 0)]


@pytest.mark.parametrize("bulk", [False, True])
def test_a_large_history_into_an_empty_log_gives_the_same_rows_and_indexes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bulk: bool
) -> None:
    """A big history of new cards into an empty log is written with the log's indexes built
    after the rows: the rows, the indexes and their use are those of the one-by-one path."""
    import srs.store.history as history_module

    monkeypatch.setattr(history_module, "_BULK", 50 if bulk else 10**9)
    notes = [build_note(draft(NoteKind.BASIC, f"Q{i}", f"A{i}")) for i in range(10)]
    card_ids = [note.cards[0].id for note in notes]
    items = [
        (card_id, review(hours, Grade.GOOD, State(state=CardState.REVIEW, interval_days=hours)))
        for card_id in card_ids
        for hours in (3, 1, 2, 1)  # the same instant twice for a new card: kept twice, as before
    ]
    deck = ParsedDeck("deck.csv", tuple(notes))
    with Store.open(tmp_path / "collection.db") as store:
        sync(store, [deck], {"deck.csv": "/decks/deck.csv"}, [], 1000)
        with store.transaction():
            added = store.add_past_reviews_of(items, new_cards=frozenset(card_ids))
        assert added == 40
        rows = store.conn.execute("SELECT * FROM reviews ORDER BY id").fetchall()
        assert [(r["card_id"], r["interval_after"]) for r in rows] == [
            (card_id, r.after.interval_days) for card_id, r in items
        ]
        indexes = store.conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE tbl_name = 'reviews' AND type = 'index'"
        ).fetchall()
        assert sorted(name for name, _ in indexes) == ["reviews_card", "reviews_stats"]
        assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        with pytest.raises(RuntimeError), store.transaction():
            store.conn.execute("DELETE FROM reviews")
            store.add_past_reviews_of(items, new_cards=frozenset(card_ids))
            raise RuntimeError("rolled back")
        again = store.conn.execute("SELECT name FROM sqlite_master WHERE tbl_name = 'reviews'")
        assert sorted(row[0] for row in again) == [
            "calibration_cache_review_removed",
            "predictions_review_removed",
            "reviews",
            "reviews_card",
            "reviews_stats",
        ]
        assert len(store.conn.execute("SELECT id FROM reviews").fetchall()) == 40
