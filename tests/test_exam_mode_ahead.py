"""Exam mode studies cards ahead of their due day: SM-2 answers them as early reviews.

The plan picks cards by predicted recall, so a review card often comes up before SM-2 would
show it. Answered as on time (what an Anki deck does with a card that is not due), every look
multiplies the interval by the ease: a card looked at daily for a month ended decades out,
which the learner meets after the exam and the phone meets through `srs sync`. Anki's own
answer to studying ahead is its filtered decks with rescheduling; srs gives the same intervals
(tests/test_anki_differential.py proves them against the engine).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import srs
from srs.model import CardState, Grade, ReviewKind

START = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def _daily_goods(tmp_path: Path, exam_date: date | None) -> tuple[int, list[ReviewKind]]:
    """One card learnt on START, then answered Good every day for 30 days: its interval and
    the kinds of the answers logged."""
    tmp_path.mkdir()
    deck = tmp_path / "d.md"
    deck.write_text("Question? :: answer\n", encoding="utf-8")
    with srs.open_collection(tmp_path / "c.db", now=START) as col:
        col.import_paths([deck], START)
        col.set_option("fuzz", "off")
        if exam_date is not None:
            col.set_option("exam_date", exam_date.isoformat(), now=START)
        card_id = next(iter(col.store.card_ids()))
        col.answer(card_id, Grade.GOOD, START)
        col.answer(card_id, Grade.GOOD, START + timedelta(minutes=11))
        for day in range(1, 31):
            outcome = col.answer(card_id, Grade.GOOD, START + timedelta(days=day))
        assert outcome.state.state == CardState.REVIEW
        kinds = [r.kind for r in col.store.card_reviews_since(card_id, 0)]
        return outcome.state.interval_days, kinds


def test_daily_looks_in_exam_mode_do_not_push_a_card_years_out(tmp_path: Path) -> None:
    interval, kinds = _daily_goods(tmp_path / "exam", date(2027, 1, 20))
    assert interval <= 7  # grows with the days actually elapsed (one per look)
    assert kinds.count(ReviewKind.EARLY) >= 25
    # The same answers outside exam mode count as on time, as in an Anki deck.
    interval_off, kinds_off = _daily_goods(tmp_path / "off", None)
    assert interval_off > 3650
    assert ReviewKind.EARLY not in kinds_off


def test_the_buttons_show_the_early_review_a_card_gets_in_exam_mode(tmp_path: Path) -> None:
    deck = tmp_path / "d.md"
    deck.write_text("Question? :: answer\n", encoding="utf-8")
    with srs.open_collection(tmp_path / "c.db", now=START) as col:
        col.import_paths([deck], START)
        col.set_option("fuzz", "off")
        col.set_option("exam_date", "2027-01-20", now=START)
        card_id = next(iter(col.store.card_ids()))
        col.answer(card_id, Grade.GOOD, START)
        col.answer(card_id, Grade.GOOD, START + timedelta(minutes=11))
        col.answer(card_id, Grade.GOOD, START + timedelta(days=1))  # on time: 3 days
        early = START + timedelta(days=2)
        preview = col.preview(card_id, early)
        outcome = col.answer(card_id, Grade.GOOD, early)
        assert preview[Grade.GOOD][0].interval_days == outcome.state.interval_days == 3
        assert outcome.answer.review_kind == ReviewKind.EARLY
