"""`srs review` in exam mode, for real: the pseudo-terminal session studies today's plan."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from test_review_pty import NOW_DT, Screen, spawn

from srs.collection import Collection
from srs.dates import user_timezone


def exam_collection(tmp_path: Path, terms: int) -> Path:
    """A collection of `terms` one-liners in exam mode (exam on 2026-05-01)."""
    root = tmp_path / "decks"
    root.mkdir()
    (root / "terms.md").write_text(
        "\n".join(f"Term number {i} :: meaning {i}\n" for i in range(terms)), encoding="utf-8"
    )
    db = tmp_path / "c.db"
    with Collection.open(db, user_timezone()) as col:
        col.import_paths([root], NOW_DT)
        col.set_option("exam_date", "2026-05-01")
    return db


def test_review_studies_the_plan_not_the_daily_limits(tmp_path: Path) -> None:
    db = exam_collection(tmp_path, 30)
    with Collection.open(db, user_timezone()) as col:
        # One minute a day at 20 s per new card: the plan introduces three cards, where the
        # daily limit alone (new_per_day 20) would show twenty. Answered in well under a
        # minute, they leave time for two re-plans of three more each (three plans a day).
        col.set_option("daily_minutes", "1")
        assert len(col.plan(NOW_DT).day.new) == 3
    screen: Screen = spawn(db)
    screen.expect("new 3 · learn 0 · due 0  1/3  0:00  exam plan: 60 d left")
    for _ in range(9):
        screen.expect("Term number")
        screen.press(" ")
        screen.expect("4 Easy")
        screen.press("4")
    screen.expect("Studied 9 cards (9 answers: 9 new")
    assert screen.finish() == 0
    with Collection.open(db, user_timezone()) as col:
        answered = [r[0] for r in col.store.execute("SELECT card_id FROM reviews ORDER BY id")]
        rounds = col.plan(NOW_DT + timedelta(minutes=5)).rounds
    assert [len(day.new) for day in rounds] == [3, 3, 3]
    assert answered == [card_id for day in rounds for card_id in day.new]


def test_a_card_suspended_in_exam_mode_is_not_shown_again(tmp_path: Path) -> None:
    """`!` suspends the card on screen: the next card is another one. (The session held
    today's plan in memory, keyed by the card count, which a suspension does not change, so
    the suspended card came straight back.)"""
    db = exam_collection(tmp_path, 5)
    with Collection.open(db, user_timezone()) as col:
        first, second = col.plan(NOW_DT).day.queue[:2]
        fronts = {card_id: col.card(card_id).front for card_id in (first, second)}
    screen: Screen = spawn(db)
    screen.expect(fronts[first])
    screen.expect("Space show answer")
    screen.press("!")
    shown = screen.expect("Space show answer")
    assert "Suspended the last card" in shown
    assert fronts[second] in shown and fronts[first] not in shown
    screen.press("q")
    assert screen.finish() == 0
    with Collection.open(db, user_timezone()) as col:
        assert col.card(first).suspended
