"""`srs exam` driven for real: the command in a pseudo-terminal with a seed, keys one by one.

Each test imports a small deck with the TEST-01 blueprint, works out the answer key of the
seeded draw through the library (the same draw the command makes), presses keys, waits for
what the screen must show, and then checks the attempt stored in the collection.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_exam import NOW, NOW_DT, mcq, write_exam_deck
from test_review_pty import Screen
from test_review_pty import spawn as spawn_srs

from srs.collection import Collection
from srs.dates import user_timezone
from srs.exam.draw import Question, draw
from srs.model import OPTION_LETTERS


@pytest.fixture
def decks(tmp_path: Path) -> Path:
    return write_exam_deck(tmp_path / "decks", {"1": 3, "2": 2, "3": 2})


@pytest.fixture
def col(db_path: Path, decks: Path) -> Iterator[Collection]:
    collection = Collection.open(db_path, user_timezone())
    collection.import_paths([decks], NOW_DT)
    yield collection
    collection.close()


def spawn(db_path: Path, *args: str, cols: int = 100) -> Screen:
    return spawn_srs(db_path, *args, cols=cols, rows=50, command="exam", now=NOW)


def questions(col: Collection, seed: int, count: int) -> tuple[Question, ...]:
    return draw(col.cards(), col.blueprint("TEST-01"), count, seed).questions


def right(q: Question) -> str:
    return "".join(q.letters(q.correct))


def wrong(q: Question) -> str:
    return next(OPTION_LETTERS[i] for i, index in enumerate(q.order) if index not in q.correct)


def attempt(col: Collection) -> tuple[dict[str, object], list[dict[str, object]]]:
    row = col.store.execute("SELECT * FROM exam_attempts ORDER BY id DESC").fetchone()
    answers = col.store.execute(
        "SELECT * FROM exam_answers WHERE attempt_id = ? ORDER BY position", (row["id"],)
    ).fetchall()
    return dict(row), [dict(a) for a in answers]


def test_answer_flag_revisit_submit(col: Collection, db_path: Path) -> None:
    qs = questions(col, 5, 4)
    screen = spawn(db_path, "--exam", "TEST-01", "--seed", "5", "--questions", "4")
    screen.expect("Time left 8:00")  # 4 of the 10 questions: 4/10 of 20 minutes
    screen.expect("Question 1 of 4")
    screen.expect("Your answer: _")
    screen.press(right(qs[0]))
    screen.expect(f"Your answer: {','.join(right(qs[0]))}_")
    screen.press("\r")
    screen.expect("Question 2 of 4")  # the message line comes under the question
    screen.expect("Saved: ")
    screen.press("f")
    screen.expect("Question 2 flagged.")
    screen.press("n")
    screen.expect("Question 3 of 4")
    screen.press(wrong(qs[2]) + "\r")
    screen.expect("Question 4 of 4")  # the next unanswered one
    screen.press("p")
    screen.expect("Question 3 of 4")
    screen.press("p")
    screen.expect("Question 2 of 4")
    screen.expect("[flagged]")
    screen.press(right(qs[1]) + "\r")
    screen.expect("Question 4 of 4")
    screen.press("g")  # the list: where everything stands
    listed = screen.expect("Esc back")
    assert re.search(r"2\s+answered\s+flagged", listed)
    assert re.search(r"4\*\s+-", listed)
    screen.press("s")
    screen.expect("1 unanswered, 1 flagged. Submit now? (y/n)")
    screen.press("n")
    screen.expect("Not submitted.")
    screen.press("4\r")
    screen.expect("Question 4 of 4")
    screen.press(right(qs[3]) + "\r")
    screen.expect("All questions are answered")
    screen.press("s")
    screen.expect("0 unanswered, 1 flagged. Submit now? (y/n)")
    screen.press("y")
    report = screen.expect("By domain:")
    assert "Score: 3 / 4 (75 %) - PASS (pass mark 70 %)" in report
    assert "Seed: 5 (srs exam --exam TEST-01 --seed 5 --questions 4 repeats this draw)" in report
    screen.expect("Missed (1):")
    screen.expect("Q3 · domain")
    screen.expect("Explanation: ")
    assert screen.finish() == 0

    row, answers = attempt(col)
    assert row["status"] == "submitted" and row["correct"] == 3 and row["passed"] == 1
    assert [a["flagged"] for a in answers] == [0, 1, 0, 0]
    assert [a["correct"] for a in answers] == [1, 1, 0, 1]
    assert all(a["answered_at"] >= row["started_at"] for a in answers)
    result = json.loads(str(row["result"]))
    assert result["flagged"] == [2] and result["missed"][0]["position"] == 3


def test_select_two_needs_two(col: Collection, db_path: Path) -> None:
    qs = questions(col, 1, 7)  # every question: the select-two one is among them
    two = next(q for q in qs if q.select == 2)
    screen = spawn(db_path, "--seed", "1", "--questions", "7")
    screen.expect("Question 1 of 7")
    screen.press("g")
    screen.expect("Esc back")
    screen.press(f"{two.position + 1}\r")
    screen.expect(f"Question {two.position + 1} of 7")
    screen.expect("Choose 2.")
    first, second = right(two)
    screen.press(first + "\r")
    screen.expect("Choose exactly 2 options (you chose 1).")
    screen.press(second + "\r")
    screen.expect("Saved:")
    screen.press("q")
    screen.expect("Leave the exam?")
    screen.press("y")
    screen.expect("Exam interrupted; 1 of 7 answers are saved.")
    assert screen.finish() == 0
    row, answers = attempt(col)
    assert row["status"] == "interrupted"
    assert answers[two.position]["correct"] == 1
    assert json.loads(str(answers[two.position]["chosen"])) == sorted(two.correct)


def test_time_runs_out(col: Collection, db_path: Path) -> None:
    qs = questions(col, 2, 4)
    screen = spawn(db_path, "--seed", "2", "--questions", "4", "--minutes", "0.1")
    screen.expect("Time left 0:06")
    screen.press(right(qs[0]) + "\r")
    screen.expect("Question 2 of 4")
    screen.expect("Time left 0:02", timeout=8)  # the clock ticks on its own
    report = screen.expect("By domain:", timeout=10)
    assert "Time is up: unanswered questions count as wrong." in report
    assert "Score: 1 / 4 (25 %) - FAIL" in report
    assert "Time used: 0:06 of 0:06" in report
    assert screen.finish() == 0
    row, answers = attempt(col)
    assert row["status"] == "timed_out" and row["correct"] == 1
    assert row["time_limit_s"] == 6
    assert [a["chosen"] is not None for a in answers] == [True, False, False, False]


def test_ctrl_c_keeps_answers_and_resume_goes_on(col: Collection, db_path: Path) -> None:
    qs = questions(col, 3, 4)
    screen = spawn(db_path, "--seed", "3", "--questions", "4")
    screen.expect("Question 1 of 4")
    screen.press(right(qs[0]) + "\r")
    screen.expect("Question 2 of 4")
    screen.press("f")
    screen.expect("flagged")
    screen.press("\x03")
    screen.expect("Exam interrupted; 1 of 4 answers are saved.")
    screen.expect("`srs exam --resume` continues it with")
    assert screen.finish() == 130
    row, answers = attempt(col)
    assert row["status"] == "interrupted" and row["finished_at"] is not None
    assert answers[0]["correct"] == 1 and answers[1]["flagged"] == 1

    screen = spawn(db_path, "--resume")
    screen.expect("answered 1 of 4 · flagged 1")
    screen.expect("Question 2 of 4")  # where it stopped
    screen.expect("[flagged]")
    for q in qs[1:]:
        screen.expect("Your answer: _")
        screen.press(right(q) + "\r")
    screen.expect("All questions are answered")
    screen.press("s")
    screen.expect("Submit now? (y/n)")  # one question is still flagged
    screen.press("y")
    screen.expect("Score: 4 / 4 (100 %) - PASS")
    assert screen.finish() == 0
    row, _ = attempt(col)
    assert row["status"] == "submitted" and row["correct"] == 4
    assert col.store.execute("SELECT COUNT(*) FROM exam_attempts").fetchone()[0] == 1


def test_practice_shows_the_answer(col: Collection, db_path: Path) -> None:
    qs = questions(col, 4, 2)
    screen = spawn(db_path, "--seed", "4", "--questions", "2", "--practice")
    screen.expect("Time 0:0")  # practice is untimed: the clock counts up
    screen.expect("Question 1 of 2")
    screen.press(wrong(qs[0]) + "\r")
    shown = screen.expect("Not quite.")
    assert "wrong" in shown and "right answer" in shown
    assert "Why not:" in shown and "Why: " in shown  # the rationales
    screen.expect("Rule of thumb")  # the explanation
    rest = screen.expect("Enter or n: next question.")
    assert "Not quite." not in rest  # the verdict is said once
    screen.press("\r")
    screen.expect("Question 2 of 2")
    screen.press(right(qs[1]) + "\r")
    screen.expect("Correct.")
    screen.press("s")  # everything answered, nothing flagged: no confirmation
    screen.expect("practice exam")
    screen.expect("Score: 1 / 2 (50 %) - FAIL")
    assert screen.finish() == 0
    row, _ = attempt(col)
    assert row["practice"] == 1 and row["time_limit_s"] == 0 and row["status"] == "submitted"


def test_escape_sequences_are_shown_escaped(tmp_path: Path, db_path: Path) -> None:
    decks = write_exam_deck(
        tmp_path / "evil", {"1": 2}, extra=mcq("evil", "Clear A\x1b[2JB and \u202eevil\u202c ?")
    )
    with Collection.open(db_path) as col:
        col.import_paths([decks], NOW_DT)
        qs = questions(col, 1, 3)
    evil = next(q for q in qs if "Clear" in q.card.front)
    screen = spawn(db_path, "--seed", "1", "--questions", "3")
    screen.expect("Your answer: _")
    screen.press("g")
    screen.expect("Esc back")
    screen.press(f"{evil.position + 1}\r")
    screen.expect(r"Clear A\x1b[2JB and \u202eevil\u202c ?")
    screen.press(wrong(evil) + "\r")
    screen.press("s")
    screen.expect("Submit now?")
    screen.press("y")
    screen.expect("Missed")
    screen.expect(r"Clear A\x1b[2JB and \u202eevil\u202c ?")
    assert screen.finish() == 0
    assert "A\x1b[2JB" not in screen.raw and "\u202e" not in screen.raw


def test_keys_and_unknown_key(col: Collection, db_path: Path) -> None:
    screen = spawn(db_path, "--seed", "6", "--questions", "3")
    screen.expect("Question 1 of 3")
    screen.press("p")
    screen.expect("That is the first question.")
    screen.press("\r")
    screen.expect("Choose an option first")
    screen.press("z")
    screen.expect("Unknown key.")
    screen.press("q")
    screen.expect("Leave the exam?")
    screen.press("n")
    screen.expect("Question 1 of 3")
    screen.press("q")
    screen.press("y")
    screen.expect("Exam interrupted; 0 of 3 answers are saved.")
    assert screen.finish() == 0


def test_narrow_terminal(col: Collection, db_path: Path) -> None:
    qs = questions(col, 7, 2)
    screen = spawn(db_path, "--seed", "7", "--questions", "2", cols=40)
    screen.expect("Question 1 of 2")
    screen.press(right(qs[0]) + "\r")
    screen.expect("Question 2 of 2")
    screen.press("f")
    screen.press("g")
    # Every column of the question list survives 40 columns (a rich table dropped some).
    screen.expect(" # status   flag    dom question")
    screen.expect(f"1  answered         {qs[0].domain:<3} ")
    screen.expect(f"2* -        flagged {qs[1].domain:<3} ")
    screen.press("\x1b")
    screen.press("q")
    screen.press("y")
    screen.expect("Exam interrupted")
    assert screen.finish() == 0


def test_unknown_exam_in_a_terminal(col: Collection, db_path: Path) -> None:
    screen = spawn(db_path, "--exam", "NOPE")
    screen.expect("Error: no blueprint for exam 'NOPE'")
    assert screen.finish() == 1
    assert col.store.execute("SELECT COUNT(*) FROM exam_attempts").fetchone()[0] == 0


@pytest.mark.parametrize("cols", [40, 100])
def test_report_in_a_terminal_wraps_at_words(col: Collection, db_path: Path, cols: int) -> None:
    """Issue 18 item 4: the report printed to a real terminal keeps words whole and indents."""
    screen = spawn(
        db_path, "--exam", "TEST-01", "--seed", "5", "--questions", "3", "--answers", "-,-,-",
        cols=cols,
    )  # fmt: skip
    assert screen.finish() == 0
    lines = screen.text.replace("\r\n", "\n").splitlines()
    assert all(len(line) <= cols for line in lines), lines
    assert "Missed (3):" in lines
    stems = [line for line in lines if "which option is right?" in line or "(Select TWO.)" in line]
    assert stems and all(line.startswith("  ") for line in stems)
    assert any(line.startswith("  Your answer: not answered") for line in lines)


@pytest.mark.parametrize("cols", [100, 40])
def test_options_render_markdown_on_the_screen(db_path: Path, tmp_path: Path, cols: int) -> None:
    """Issue 18 item 4: inline code in options shows as code, not as raw backticks."""
    from test_exam import write_long_deck

    with Collection.open(db_path, user_timezone()) as c:
        c.import_paths([write_long_deck(tmp_path / "long")], NOW_DT)
    screen = spawn(db_path, "--exam", "TEST-01", "--seed", "1", "--questions", "3", cols=cols)
    shown = screen.expect("Your answer: _")
    assert "Right code" in shown and "Wrong one code" in shown
    assert "`" not in shown
    screen.press("q")
    screen.expect("(y/n)")
    screen.press("y")
    assert screen.finish() == 0


TALL = " ".join(f"Clause {i:02d} of a long explanation." for i in range(1, 81))


@pytest.mark.parametrize("cols", [100, 40])
def test_tall_practice_feedback_is_paged_under_the_question(
    db_path: Path, tmp_path: Path, cols: int
) -> None:
    """Issue 18: practice feedback taller than the terminal is paged like a tall answer in
    `srs review`: the clock, the question and the keys stay, the feedback scrolls."""
    from test_exam import BLUEPRINT
    from test_review_daily_pty import last_screen

    root = tmp_path / "tall"
    (root / "exams").mkdir(parents=True)
    (root / "exams" / "test-01.yaml").write_text(BLUEPRINT, encoding="utf-8")
    (root / "d1.md").write_text(
        "---\nexam_domains: {TEST-01: 1}\n---\n# Tall\n\nQ: Which one is tall?\n"
        f"- [ ] Short\n  - Why not: too short.\n- [x] Tall\n  - Why: it is.\nExplanation: {TALL}\n",
        encoding="utf-8",
    )
    with Collection.open(db_path, user_timezone()) as c:
        c.import_paths([root], NOW_DT)
        (q,) = questions(c, 1, 1)
    screen = spawn_srs(
        db_path, "--seed", "1", "--questions", "1", "--practice",
        cols=cols, rows=24, command="exam", now=NOW,
    )  # fmt: skip
    screen.expect("Your answer: _")
    screen.press(wrong(q) + "\r")
    screen.expect("PgDn")
    first = last_screen(screen)
    text = "\n".join(first)
    assert len(first) <= 24, first
    assert "Time 0:0" in text and "Question 1 of 1" in text and "Which one is tall?" in text
    assert "Clause 80" not in text and "Enter/n next" in text
    screen.press("\x1b[6~")  # PgDn
    screen.expect("PgDn")
    text = "\n".join(last_screen(screen))
    assert "Which one is tall?" in text and "Not quite." not in text
    start = int(re.findall(r"lines (\d+)-", text)[-1])
    screen.press("j")
    screen.expect(f"lines {start + 1}-")
    for _ in range(20):  # to the end and past it: the window stops at the last line
        screen.press("\x1b[6~")
        screen.expect("PgDn")
    # A press past the end draws nothing and the clock redraws every second, so the newest
    # frame may still be arriving: wait until it is whole (its key line is drawn last).
    while "PgDn" not in (text := "\n".join(last_screen(screen))):
        screen.expect("PgDn")
    assert "Clause 80 of a long explanation." in " ".join(text.split())
    assert "Question 1 of 1" in text and "Enter/n next" in text
    screen.press("s")
    screen.expect("Score: 0 / 1")
    assert screen.finish() == 0


@pytest.mark.parametrize("cols", [100, 40])
def test_a_tall_question_is_paged_with_the_clock_and_answer_line_kept(
    db_path: Path, tmp_path: Path, cols: int
) -> None:
    """Daily use at 40 columns: a long scenario with long options scrolled the clock and the
    question number off the screen; the options are paged, the answer line kept."""
    from test_exam import BLUEPRINT
    from test_review_daily_pty import last_screen

    root = tmp_path / "tall"
    (root / "exams").mkdir(parents=True)
    (root / "exams" / "test-01.yaml").write_text(BLUEPRINT, encoding="utf-8")
    stem = " ".join(f"Clause {i:02d} of a scenario." for i in range(1, 9))
    option = " ".join(f"Step {i:02d} of this option." for i in range(1, 21))
    (root / "d1.md").write_text(
        f"---\nexam_domains: {{TEST-01: 1}}\n---\n# Tall\n\nQ: {stem}\n"
        f"- [ ] First. {option}\n- [x] Second. {option}\n- [ ] Third. {option}\n"
        f"- [ ] Fourth. {option}\nExplanation: Short.\n",
        encoding="utf-8",
    )
    with Collection.open(db_path, user_timezone()) as c:
        c.import_paths([root], NOW_DT)
        (q,) = questions(c, 1, 1)
    screen = spawn_srs(
        db_path, "--seed", "1", "--questions", "1", "--practice",
        cols=cols, rows=24, command="exam", now=NOW,
    )  # fmt: skip
    screen.expect("PgDn")
    first = last_screen(screen)
    text = "\n".join(first)
    assert len(first) <= 24, first
    assert "Time 0:0" in text and "Question 1 of 1" in text and "Your answer: _" in text
    screen.press("\x1b[6~")  # PgDn: the options move, the answer line stays
    screen.expect("PgDn")
    assert "Your answer: _" in "\n".join(last_screen(screen))
    screen.press(right(q) + "\r")
    screen.expect("Enter or n: next question.")  # the feedback, paged in its turn
    assert "feedback lines 1-" in "\n".join(last_screen(screen)) or cols < 50
    screen.press("s")
    screen.expect("Score: 1 / 1")
    assert screen.finish() == 0
