"""After the exam day, srs goes back to the normal schedule by itself and says so once.

The exam day is the user's scheduler day (`Moment.today`): exam mode holds through the exam
day and ends when the next scheduler day begins (04:00 local by default, UTC in the tests).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from srs.cli.app import app

runner = CliRunner()
START = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
EXAM = "2026-11-30"  # two days after START
EXAM_DAY = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
# 03:00 on 1 December still belongs to the scheduler day of 30 November (day starts at 04:00).
LAST_HOUR_OF_EXAM_DAY = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)
DAY_AFTER = datetime(2026, 12, 1, 5, 0, tzinfo=UTC)
LATER = START + timedelta(days=4)  # the cards learnt at START fall due (easy: 4 days)
NOTICE = "Exam mode ended on 2026-11-30: normal scheduling is back"


def invoke(db: Path, now: datetime, *args: str) -> Any:
    return runner.invoke(app, ["--db", str(db), "--now", now.isoformat(), *args])


def cli(db: Path, now: datetime, *args: str) -> Any:
    result = invoke(db, now, *args)
    assert result.exit_code == 0, result.output
    return result


def _collection(tmp_path: Path) -> Path:
    """30 cards; 10 of them learnt at START with Easy (due 4 days later), exam on EXAM."""
    folder = tmp_path / "decks"
    folder.mkdir()
    lines = [f"Question {i}? :: answer {i}\n" for i in range(30)]
    (folder / "d.md").write_text("\n".join(lines), encoding="utf-8")
    db = tmp_path / "c.db"
    cli(db, START, "import", str(folder))
    cli(db, START, "config", "set", "fuzz", "off")
    for _ in range(10):
        card = json.loads(cli(db, START, "next", "--json").stdout)
        cli(db, START, "answer", card["id"], "easy")
    cli(db, START, "config", "set", "exam_date", EXAM)
    return db


def test_after_the_exam_day_reviews_and_counts_come_back(tmp_path: Path) -> None:
    db = _collection(tmp_path)
    for now in (LATER, DAY_AFTER):
        card = json.loads(cli(db, now, "next", "--json").stdout)
        assert card is not None
        decks = json.loads(cli(db, now, "decks", "--json").stdout)
        row = next(r for r in decks if r["name"] == "d")
        # SM-2 as without an exam date: 20 new a day, and the 10 learnt cards due on day 4.
        assert row["new"] == 20
        assert row["due"] == (10 if now == LATER else 0)
    stats = json.loads(cli(db, LATER, "stats", "--json").stdout)
    assert stats["readiness"] is None  # no readiness for an exam that is over
    # The same answers as with the date cleared.
    cli(db, LATER, "config", "set", "exam_date", "off")
    cleared = json.loads(cli(db, LATER, "decks", "--json").stdout)
    cli(db, START, "config", "set", "exam_date", EXAM)
    assert json.loads(cli(db, LATER, "decks", "--json").stdout) == cleared


def test_exam_mode_holds_through_the_exam_day_of_the_scheduler(tmp_path: Path) -> None:
    db = _collection(tmp_path)
    for now in (EXAM_DAY, LAST_HOUR_OF_EXAM_DAY):
        plan = json.loads(cli(db, now, "plan", "--json").stdout)
        assert plan["days_left"] == 0 and plan["phase"] != "done"
        assert NOTICE not in cli(db, now, "next").stdout
        assert NOTICE not in cli(db, now, "decks").stdout
    assert json.loads(cli(db, DAY_AFTER, "plan", "--json").stdout)["phase"] == "done"


def test_the_end_of_exam_mode_is_said_once_per_command(tmp_path: Path) -> None:
    db = _collection(tmp_path)
    for command in (["next"], ["decks"], ["plan"]):
        out = cli(db, LATER, *command).stdout
        assert out.count(NOTICE) == 1, out
        assert "srs config set exam_date off" in out
    # JSON stays JSON: the notice is for people.
    assert json.loads(cli(db, LATER, "next", "--json").stdout) is not None
    # Cleared: nothing more to say.
    cli(db, LATER, "config", "set", "exam_date", "off")
    assert "Exam mode" not in cli(db, LATER, "next").stdout
    assert "Exam mode" not in cli(db, LATER, "decks").stdout


def test_a_past_exam_date_is_refused_and_today_is_accepted(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    result = invoke(db, DAY_AFTER, "config", "set", "exam_date", EXAM)
    assert result.exit_code == 1
    assert "exam_date 2026-11-30 is in the past (today is 2026-12-01)" in result.output
    assert cli(db, DAY_AFTER, "config", "get", "exam_date").stdout.strip() == "off"
    # The scheduler day decides: at 03:00 on 1 December it is still 30 November.
    cli(db, LAST_HOUR_OF_EXAM_DAY, "config", "set", "exam_date", EXAM)
    assert cli(db, DAY_AFTER, "config", "get", "exam_date").stdout.strip() == EXAM


def test_review_after_the_exam_shows_due_cards_and_the_notice_once(tmp_path: Path) -> None:
    from tests.test_review_pty import spawn

    db = _collection(tmp_path)
    for cols in (100, 40):
        screen = spawn(db, "--max-cards", "1", cols=cols, now=LATER.isoformat())
        screen.expect("Question")  # a card, where exam mode used to end every review
        assert "exam plan" not in screen.text
        screen.press(" ")
        screen.press("3")
        screen.expect("Card limit reached")
        assert screen.finish() == 0
        assert " ".join(screen.text.split()).count(NOTICE) == 1, screen.text


def test_plan_counts_days_in_words(tmp_path: Path) -> None:
    db = _collection(tmp_path)  # 30 cards: one day of 20 minutes reviews them all
    out = " ".join(cli(db, START, "plan").stdout.split())  # wrapped at words (80 in a pipe)
    assert "2 days left" in out and "end phase starts 1 day before the exam" in out
    assert "1 days" not in cli(db, EXAM_DAY - timedelta(days=1), "plan").stdout
