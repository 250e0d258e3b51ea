"""Import, identity across edits, orphans, the daily queue, answers and undo (library)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from srs.collection import Collection
from srs.errors import DeckError
from srs.model import CardState, Grade
from srs.store.scope import QueueFilter

NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)


def card_by_front(col: Collection, text: str):  # type: ignore[no-untyped-def]
    matches = [c for c in col.cards() if text in c.front + "\n" + c.back]
    assert len(matches) == 1, [c.front for c in col.cards()]
    return matches[0]


def history(col: Collection, card_id: str) -> list[tuple[int, int]]:
    rows = col.store.execute(
        "SELECT grade, reviewed_at FROM reviews WHERE card_id = ? ORDER BY id", (card_id,)
    )
    return [(r[0], r[1]) for r in rows]


def test_import_creates_every_card_form(collection: Collection, deck_dir: Path) -> None:
    report = collection.import_paths([deck_dir], NOW)
    # heading, Q/A, one-liner, both-ways (2), cloze (2), MCQ (1)
    assert report.added == 6
    assert report.cards == 8
    kinds = sorted(c.kind.value for c in collection.cards())
    assert kinds == ["basic", "basic", "basic", "basic", "cloze", "cloze", "mcq", "reversed"]
    decks = {d["name"]: d for d in collection.decks(NOW)}
    assert decks["aws/kinesis"]["total"] == 3
    assert decks["ml"]["total"] == 5
    assert all(c.domain_for("MLA-C01") == "1" for c in collection.cards("aws"))
    assert all(c.domain_for("MLS-C01") == "1" for c in collection.cards("aws"))


def test_reimport_unchanged_writes_nothing(collection: Collection, deck_dir: Path) -> None:
    collection.import_paths([deck_dir], NOW)
    changes_before = collection.store.conn.total_changes
    report = collection.import_paths([deck_dir], NOW + timedelta(hours=1))
    assert (report.added, report.updated, report.unchanged) == (0, 0, 6)
    assert collection.store.conn.total_changes == changes_before


def test_editing_an_answer_keeps_id_and_history(collection: Collection, deck_dir: Path) -> None:
    collection.import_paths([deck_dir], NOW)
    card = card_by_front(collection, "replays a stream")
    collection.answer(card.id, Grade.GOOD, NOW)
    collection.answer(card.id, Grade.GOOD, NOW + timedelta(minutes=2))
    path = deck_dir / "aws" / "kinesis.md"
    path.write_text(
        path.read_text().replace("records are retained", "records stay for 24 hours by default")
    )
    report = collection.import_paths([deck_dir], NOW + timedelta(hours=1))
    assert report.updated == 1 and report.added == 0
    after = collection.card(card.id)
    assert "24 hours" in after.back
    assert len(history(collection, card.id)) == 2
    assert after.scheduling == collection.card(card.id).scheduling
    assert after.scheduling.reps == 2


def test_rewording_a_question_relinks_its_history(collection: Collection, deck_dir: Path) -> None:
    collection.import_paths([deck_dir], NOW)
    card = card_by_front(collection, "Firehose do")
    collection.answer(card.id, Grade.EASY, NOW)
    path = deck_dir / "aws" / "kinesis.md"
    path.write_text(path.read_text().replace("What does Kinesis", "What does Amazon Kinesis"))
    report = collection.import_paths([deck_dir], NOW + timedelta(hours=1))
    assert (report.relinked, report.added, report.orphaned) == (1, 0, 0)
    moved = card_by_front(collection, "Amazon Kinesis Data Firehose")
    assert moved.id != card.id
    assert len(history(collection, moved.id)) == 1
    assert moved.scheduling.state is CardState.REVIEW


def test_vanished_card_is_orphaned_then_revived(collection: Collection, deck_dir: Path) -> None:
    collection.import_paths([deck_dir], NOW)
    card = card_by_front(collection, "unit of capacity")
    collection.answer(card.id, Grade.GOOD, NOW)
    path = deck_dir / "aws" / "kinesis.md"
    original = path.read_text()
    shard = "Shard :: the unit of capacity of a Kinesis data stream\n"
    path.write_text(original.replace(shard, ""))
    report = collection.import_paths([deck_dir], NOW)
    assert report.orphaned == 1
    assert [c.id for c in collection.orphans()] == [card.id]
    assert card.id not in [cid for cid, _ in collection.queue(NOW + timedelta(days=30))]
    path.write_text(original)
    report = collection.import_paths([deck_dir], NOW)
    assert report.revived == 1 and report.orphaned == 0
    assert not collection.card(card.id).orphaned
    assert len(history(collection, card.id)) == 1


def test_purge_removes_orphans_and_their_history(collection: Collection, deck_dir: Path) -> None:
    collection.import_paths([deck_dir], NOW)
    card = card_by_front(collection, "unit of capacity")
    collection.answer(card.id, Grade.GOOD, NOW)
    (deck_dir / "aws" / "kinesis.md").unlink()
    assert collection.import_paths([deck_dir], NOW).orphaned == 3
    assert collection.purge_orphans() == 3
    assert history(collection, card.id) == []
    assert collection.orphans() == []


def test_moving_a_card_to_another_file_keeps_it(collection: Collection, deck_dir: Path) -> None:
    collection.import_paths([deck_dir], NOW)
    card = card_by_front(collection, "unit of capacity")
    collection.answer(card.id, Grade.GOOD, NOW)
    path = deck_dir / "aws" / "kinesis.md"
    line = "Shard :: the unit of capacity of a Kinesis data stream\n"
    path.write_text(path.read_text().replace(line, ""))
    (deck_dir / "streams.md").write_text(line)
    report = collection.import_paths([deck_dir], NOW)
    assert report.orphaned == 0 and report.added == 0
    moved = collection.card(card.id)
    assert moved.deck == "streams"
    assert moved.path.endswith("streams.md")
    assert len(history(collection, card.id)) == 1


def test_bad_deck_writes_nothing(collection: Collection, deck_dir: Path) -> None:
    collection.import_paths([deck_dir], NOW)
    rows_before = list(collection.store.execute("SELECT * FROM notes ORDER BY id"))
    (deck_dir / "ml.md").write_text("Q: a question without an answer\n")
    (deck_dir / "new.md").write_text("Fresh :: card\n")
    with pytest.raises(DeckError) as raised:
        collection.import_paths([deck_dir], NOW)
    assert any(p.path.endswith("ml.md") and p.line == 1 for p in raised.value.problems)
    assert list(collection.store.execute("SELECT * FROM notes ORDER BY id")) == rows_before


def test_queue_order_learning_then_review_then_new(collection: Collection, deck_dir: Path) -> None:
    collection.import_paths([deck_dir], NOW)
    collection.set_option("bury_siblings", "off")
    ids = [cid for cid, _ in collection.queue(NOW)]
    assert len(ids) == 8
    first, second = ids[0], ids[1]
    collection.answer(first, Grade.EASY, NOW)  # review, due in 4 days
    collection.answer(second, Grade.AGAIN, NOW)  # learning, due in 1 minute
    later = NOW + timedelta(days=5)
    queue = collection.queue(later)
    buckets = [bucket for _, bucket in queue]
    assert queue[0] == (second, "learning")
    assert queue[1] == (first, "review")
    assert buckets[2:] == ["new"] * 6


def test_daily_new_limit_counts_today(collection: Collection, deck_dir: Path) -> None:
    collection.import_paths([deck_dir], NOW)
    collection.set_option("new_per_day", "2")
    collection.set_option("bury_siblings", "off")
    queue = collection.queue(NOW)
    assert [b for _, b in queue] == ["new", "new"]
    collection.answer(queue[0][0], Grade.EASY, NOW)
    assert [b for _, b in collection.queue(NOW)] == ["new"]
    # 04:00 the next day is a new scheduler day: the limit is fresh again.
    assert [b for _, b in collection.queue(NOW + timedelta(hours=19))] == ["new", "new"]
    assert [b for _, b in collection.queue(NOW + timedelta(hours=18, minutes=59))] == ["new"]


def test_answered_card_buries_its_siblings(collection: Collection, deck_dir: Path) -> None:
    collection.import_paths([deck_dir], NOW)
    cloze = [c for c in collection.cards() if c.kind.value == "cloze"]
    collection.answer(cloze[0].id, Grade.EASY, NOW)
    queued = [cid for cid, _ in collection.queue(NOW)]
    assert cloze[1].id not in queued
    assert cloze[1].id in [cid for cid, _ in collection.queue(NOW + timedelta(days=1))]


def test_undo_restores_the_exact_state(collection: Collection, deck_dir: Path) -> None:
    collection.import_paths([deck_dir], NOW)
    card = card_by_front(collection, "unit of capacity")
    collection.answer(card.id, Grade.GOOD, NOW)
    collection.answer(card.id, Grade.GOOD, NOW + timedelta(minutes=1))
    middle = collection.card(card.id)
    outcome = collection.answer(card.id, Grade.AGAIN, NOW + timedelta(minutes=12))
    assert outcome.state != middle.scheduling
    restored = collection.undo(outcome.review_id)
    assert restored.scheduling == middle.scheduling
    assert len(history(collection, card.id)) == 2


def test_skip_and_suspend_leave_the_queue(collection: Collection, deck_dir: Path) -> None:
    collection.import_paths([deck_dir], NOW)
    first, second = [cid for cid, _ in collection.queue(NOW, limit=2)]
    collection.bury(first, NOW)
    collection.set_suspended(second)
    queued = [cid for cid, _ in collection.queue(NOW)]
    assert first not in queued and second not in queued
    tomorrow = [cid for cid, _ in collection.queue(NOW + timedelta(days=1))]
    assert first in tomorrow and second not in tomorrow


def test_deck_and_tag_filters(collection: Collection, deck_dir: Path) -> None:
    collection.import_paths([deck_dir], NOW)
    in_aws = {cid for cid, _ in collection.queue(NOW, QueueFilter(deck="aws"))}
    assert in_aws == {c.id for c in collection.cards("aws")}
    tagged = {cid for cid, _ in collection.queue(NOW, QueueFilter(tag="aws"))}
    assert tagged == in_aws


def imported_at(col: Collection) -> dict[str, int]:
    return {Path(p).name: t for p, t in col.store.execute("SELECT path, imported_at FROM files")}


def test_unchanged_files_are_not_read_again(collection: Collection, deck_dir: Path) -> None:
    collection.import_paths([deck_dir], NOW)
    first = imported_at(collection)
    assert set(first) == {"kinesis.md", "ml.md"}
    path = deck_dir / "ml.md"
    path.write_text(path.read_text().replace("focus on it", "focus on the fraud class"))
    report = collection.import_paths([deck_dir], NOW + timedelta(hours=1))
    assert (report.updated, report.unchanged, report.files, report.cards) == (1, 5, 2, 8)
    second = imported_at(collection)
    assert second["kinesis.md"] == first["kinesis.md"]  # skipped: same bytes
    assert second["ml.md"] > first["ml.md"]


def test_a_new_file_repeating_an_id_of_an_unchanged_file_is_caught(
    collection: Collection, deck_dir: Path
) -> None:
    (deck_dir / "one.md").write_text("Q: first\nA: one\n<!-- id: same -->\n")
    collection.import_paths([deck_dir], NOW)
    (deck_dir / "two.md").write_text("Q: second\nA: two\n<!-- id: same -->\n")
    with pytest.raises(DeckError) as raised:
        collection.import_paths([deck_dir], NOW)
    assert "one.md" in str(raised.value) and "two.md" in str(raised.value)


def test_a_deleted_file_restored_unchanged_revives_its_cards(
    collection: Collection, deck_dir: Path
) -> None:
    collection.import_paths([deck_dir], NOW)
    path = deck_dir / "ml.md"
    text = path.read_text()
    path.unlink()
    assert collection.import_paths([deck_dir], NOW).orphaned == 3  # notes: PCA, cloze, MCQ
    path.write_text(text)
    report = collection.import_paths([deck_dir], NOW)
    assert report.revived == 3 and report.orphaned == 0
    assert collection.orphans() == []


def test_reimporting_one_file_keeps_its_folder_deck(collection: Collection, deck_dir: Path) -> None:
    collection.import_paths([deck_dir], NOW)
    card = card_by_front(collection, "unit of capacity")
    assert card.deck == "aws/kinesis"
    path = deck_dir / "aws" / "kinesis.md"
    path.write_text(path.read_text().replace("unit of capacity", "unit of throughput capacity"))
    report = collection.reimport_file(path, NOW)
    assert report.updated == 1 and report.orphaned == 0
    after = collection.card(card.id)
    assert after.deck == "aws/kinesis" and "throughput" in after.back
    # The other file was not in scope: nothing of it was orphaned.
    assert collection.orphans() == []


def test_reimporting_one_file_catches_an_id_used_elsewhere(
    collection: Collection, deck_dir: Path
) -> None:
    (deck_dir / "one.md").write_text("Q: first\nA: one\n<!-- id: same -->\n")
    collection.import_paths([deck_dir], NOW)
    path = deck_dir / "ml.md"
    path.write_text(path.read_text() + "\nQ: second\nA: two\n<!-- id: same -->\n")
    with pytest.raises(DeckError, match=r"duplicate id 'same' \(also used at .*one.md:1\)"):
        collection.reimport_file(path, NOW)


def test_answer_returns_the_card_as_stored(collection: Collection, deck_dir: Path) -> None:
    collection.import_paths([deck_dir], NOW)
    collection.set_option("leech_threshold", "1")
    collection.set_option("leech_action", "suspend")
    card = card_by_front(collection, "unit of capacity")
    for minutes, grade in ((0, Grade.EASY), (60 * 24 * 5, Grade.AGAIN)):
        outcome = collection.answer(card.id[:6], grade, NOW + timedelta(minutes=minutes))
        stored = collection.card(card.id)
        assert outcome.card_id == stored.id
        assert (outcome.state, outcome.suspended, outcome.leech) == (
            stored.scheduling,
            stored.suspended,
            stored.leech,
        )
    assert outcome.answer.leech and outcome.suspended and "leech" in stored.tags


def test_deck_counts_follow_answers_limits_and_burying(
    collection: Collection, deck_dir: Path
) -> None:
    collection.import_paths([deck_dir], NOW)
    cloze = [c for c in collection.cards("ml") if c.kind.value == "cloze"]
    basic = card_by_front(collection, "unit of capacity")
    collection.answer(cloze[0].id, Grade.AGAIN, NOW)  # learning, due in a minute
    collection.answer(basic.id, Grade.EASY, NOW)  # review, due in a few days
    counts = {d["name"]: d for d in collection.decks(NOW + timedelta(minutes=2))}
    # ml: 5 cards, the answered cloze is learning, its sibling buried, 3 new left.
    assert counts["ml"] == {"name": "ml", "total": 5, "new": 3, "learning": 1, "due": 0} | {
        "kind": "deck",
        "depth": 0,
    }
    assert counts["aws/kinesis"]["new"] == 2
    later = {d["name"]: d for d in collection.decks(NOW + timedelta(days=10))}
    assert later["aws/kinesis"]["due"] == 1 and later["aws/kinesis"]["new"] == 2
    assert later["ml"]["new"] == 4  # the sibling is back the next day
    collection.set_option("new_per_day", "1", deck="ml")
    rows = collection.decks(NOW)
    assert {d["name"]: d["new"] for d in rows if d["kind"] == "deck"} == {"aws/kinesis": 2, "ml": 0}
    assert {d["name"]: d["new"] for d in rows if d["kind"] != "deck"} == {"aws": 2, "": 2}


def test_a_sub_deck_limit_caps_its_cards_when_the_parent_is_studied(
    collection: Collection, deck_dir: Path
) -> None:
    """As in Anki v3: studying everything never takes more from a deck than its own limit."""
    (deck_dir / "aws" / "more.md").write_text(
        "".join(f"Extra {i} :: answer {i}\n" for i in range(6)), encoding="utf-8"
    )
    collection.import_paths([deck_dir], NOW)
    collection.set_option("bury_siblings", "off")
    collection.set_option("new_per_day", "2", deck="aws/more")
    collection.set_option("new_per_day", "5", deck="aws")  # a parent holding no cards itself
    decks = {c.id: c.deck for c in collection.cards()}
    queued = [decks[cid] for cid, _ in collection.queue(NOW)]
    assert queued.count("aws/kinesis") == 3
    assert queued.count("aws/more") == 2  # its own limit, though "aws" would allow more
    assert queued.count("ml") == 5
    assert collection.counts(NOW).new == 10
    # Studying one of the sub-deck's cards uses up its limit (and the parent's) for today.
    first_more = next(cid for cid, _ in collection.queue(NOW) if decks[cid] == "aws/more")
    collection.answer(first_more, Grade.EASY, NOW)
    queued = [decks[cid] for cid, _ in collection.queue(NOW)]
    assert queued.count("aws/more") == 1
    assert sum(deck.startswith("aws/") for deck in queued) == 4
    assert collection.counts(NOW).new == 9
    # The parent's limit binds too: with room for 3 more, the first 3 in deck order come.
    collection.set_option("new_per_day", "4", deck="aws")
    queued = [decks[cid] for cid, _ in collection.queue(NOW)]
    assert sum(deck.startswith("aws/") for deck in queued) == 3
    # Without sub-deck limits the whole-collection limit alone applies.
    assert len(collection.queue(NOW, QueueFilter(deck="aws/kinesis"))) == 3


def test_moment_keeps_the_rollover_and_agrees_with_the_pure_function(db_path: Path) -> None:
    """`Collection.moment` reuses the next rollover within a scheduler day; across DST changes
    (a midnight one included), day-start hours and days it equals `srs.dates.moment`."""
    from dateutil import tz

    from srs.dates import moment

    zones = [tz.gettz(name) for name in ("Europe/Berlin", "America/Havana", "Australia/Lord_Howe")]
    starts = [datetime(2026, 3, 7, tzinfo=UTC), datetime(2026, 10, 24, tzinfo=UTC)]
    for zone in zones:
        assert zone is not None
        with Collection.open(db_path, zone) as col:
            for hour in (0, 1, 4, 23):
                col.set_option("day_starts_at", str(hour))
                for start in starts:
                    for step in range(0, 5 * 24 * 4):  # every 15 minutes for 5 days
                        now = start + timedelta(minutes=15 * step)
                        assert col.moment(now) == moment(now, zone, hour), (zone, hour, now)
            noon = datetime(2026, 6, 1, 12, tzinfo=zone)
            for hour in (1, 4, 1):  # the same day, another rollover
                col.set_option("day_starts_at", str(hour))
                assert col.moment(noon) == moment(noon, zone, hour)
