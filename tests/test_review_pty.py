"""`srs review` driven for real: the installed command in a pseudo-terminal, keys sent one by one.

Each test imports a small deck through the library, runs `python -m srs review` under pexpect
with `--now` fixed and the zone pinned, presses keys, waits for what the screen must show, and
then checks the collection through the library (review rows, card states).
"""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pexpect
import pytest

from srs.collection import Collection
from srs.dates import user_timezone
from srs.model import CardState, Grade

NOW = "2026-03-02T10:00:00Z"
NOW_DT = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
ROOT = Path(__file__).resolve().parent.parent

# CSI sequences (colours, clear screen, cursor moves), OSC strings, and charset selections.
ANSI = re.compile(
    r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[()=>][0-9A-Za-z]?"
)

BASIC = """# Basics

Q: What is two plus two?
A: Four.

Capital of France :: Paris

Capital of Italy :: Rome
"""

MCQ = """# Metrics

Q: Which metric suits an imbalanced fraud dataset?
- [ ] Accuracy
  - Dominated by the majority class.
- [x] PR AUC
- [ ] Mean squared error
  - A regression loss.
Explanation: PR AUC focuses on the minority class.
"""


class Screen:
    """A running `srs review`: send keys, wait for text (ANSI codes stripped)."""

    def __init__(self, child: pexpect.spawn) -> None:
        self.child = child
        self.raw = ""
        self.seen = 0  # offset in the stripped text up to which output was consumed

    @property
    def text(self) -> str:
        return ANSI.sub("", self.raw)

    def _pump(self, timeout: float) -> bool:
        try:
            self.raw += self.child.read_nonblocking(65536, timeout=timeout)
        except pexpect.TIMEOUT:
            return False
        return True

    def expect(self, needle: str, timeout: float = 10.0) -> str:
        """Wait until `needle` appears in new output; returns the output up to and past it."""
        deadline = time.monotonic() + timeout
        while True:
            text = self.text
            found = text.find(needle, self.seen)
            if found != -1:
                chunk = text[self.seen : found + len(needle)]
                self.seen = found + len(needle)
                return chunk
            if time.monotonic() > deadline:
                raise AssertionError(f"{needle!r} not shown; screen:\n{text[self.seen :][-2000:]}")
            try:
                self._pump(0.2)
            except pexpect.EOF:
                raise AssertionError(
                    f"srs exited before showing {needle!r}; output:\n{text[-2000:]}"
                ) from None

    def press(self, keys: str) -> None:
        self.child.send(keys)

    def finish(self, timeout: float = 10.0) -> int:
        """Wait for the process to exit; its exit status."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                self._pump(0.2)
            except pexpect.EOF:
                break
            if time.monotonic() > deadline:
                raise AssertionError("srs review did not exit")
        self.child.close()
        status = self.child.exitstatus
        return status if status is not None else -(self.child.signalstatus or 0)


@pytest.fixture
def decks(tmp_path: Path) -> Path:
    root = tmp_path / "decks"
    root.mkdir()
    (root / "basic.md").write_text(BASIC, encoding="utf-8")
    (root / "mcq.md").write_text(MCQ, encoding="utf-8")
    return root


@pytest.fixture
def col(db_path: Path, decks: Path) -> Iterator[Collection]:
    collection = Collection.open(db_path, user_timezone())
    collection.import_paths([decks], NOW_DT)
    yield collection
    collection.close()


def spawn(
    db_path: Path,
    *args: str,
    cols: int = 80,
    rows: int = 40,
    env: dict[str, str] | None = None,
    command: str = "review",
    now: str = NOW,
) -> Screen:
    """`srs --now NOW COMMAND ARGS` (default: `review`) in a pseudo-terminal of rows x cols."""
    environment = dict(os.environ)
    environment.update(
        SRS_DB=str(db_path),
        TZ="UTC",
        SRS_TZ="UTC",
        NO_COLOR="1",
        TERM="xterm",
        PYTHONPATH=str(ROOT),
    )
    environment.update(env or {})
    child = pexpect.spawn(
        sys.executable,
        ["-m", "srs", "--now", now, command, *args],
        env=environment,
        dimensions=(rows, cols),
        encoding="utf-8",
        codec_errors="replace",
        cwd=str(db_path.parent),
        timeout=10,
    )
    return Screen(child)


def reviews(col: Collection) -> list[sqlite3.Row]:
    return list(col.store.execute("SELECT * FROM reviews ORDER BY id"))


def card_by_front(col: Collection, front: str) -> str:
    return next(c.id for c in col.cards() if c.front == front)


def test_reveal_grade_and_quit(col: Collection, db_path: Path) -> None:
    screen = spawn(db_path, "--deck", "basic")
    screen.expect("basic › Basics")
    screen.expect("new 3 · learn 0 · due 0")
    screen.expect("What is two plus two?")
    time.sleep(0.3)  # thinking time, to be measured
    screen.press(" ")
    screen.expect("Four.")
    shown = screen.expect("4 Easy")
    assert re.search(r"1 Again \S+ +2 Hard \S+ +3 Good \S+ +4 Easy", shown.replace("\n", " "))
    screen.press("4")
    screen.expect("Saved: Easy")
    screen.expect("Capital of France")
    screen.press("\r")  # Enter reveals
    screen.expect("Paris")
    screen.press(" ")  # Space = Good
    screen.expect("Saved: Good")
    screen.expect("Capital of Italy")
    screen.press("q")
    screen.expect("Session ended")
    screen.expect("Studied 2 cards")
    assert screen.finish() == 0

    rows = reviews(col)
    first, second = (
        card_by_front(col, "What is two plus two?"),
        card_by_front(col, "Capital of France"),
    )
    assert [(r["card_id"], r["grade"]) for r in rows] == [(first, Grade.EASY), (second, Grade.GOOD)]
    assert rows[0]["duration_ms"] >= 300  # measured, not invented
    reviewed_at = datetime.fromtimestamp(rows[0]["reviewed_at"] / 1000, UTC)
    assert NOW_DT <= reviewed_at < NOW_DT + timedelta(seconds=30)  # --now plus elapsed time
    assert col.card(first).scheduling.state is CardState.REVIEW
    assert col.card(second).scheduling.state is CardState.LEARNING
    assert col.card(card_by_front(col, "Capital of Italy")).scheduling.state is CardState.NEW


def test_again_card_returns_and_counts_update(col: Collection, db_path: Path) -> None:
    screen = spawn(db_path, "--deck", "basic", "--max-new", "1")
    screen.expect("new 1 · learn 0 · due 0")
    screen.expect("What is two plus two?")
    screen.press(" ")
    screen.expect("1 Again")
    screen.press("1")
    screen.expect("Saved: Again")
    # The only card left is the Again card: it is re-queued and counted as learning.
    screen.expect("new 0 · learn 1 · due 0")
    screen.expect("What is two plus two?")
    screen.press(" ")
    screen.expect("4 Easy")
    screen.press("3")
    screen.expect("Saved: Good")
    screen.press("q")
    assert screen.finish() == 0
    card = card_by_front(col, "What is two plus two?")
    assert [(r["card_id"], r["grade"]) for r in reviews(col)] == [(card, 1), (card, 3)]


def test_undo_restores_the_card(col: Collection, db_path: Path) -> None:
    first = card_by_front(col, "What is two plus two?")
    before = col.store.card_snapshot(first)
    screen = spawn(db_path, "--deck", "basic")
    screen.expect("What is two plus two?")
    screen.press(" ")
    screen.expect("Four.")
    screen.press("3")
    screen.expect("Capital of France")
    screen.press("u")
    screen.expect("Undid the answer")
    screen.expect("What is two plus two?")  # back on screen
    screen.press("u")
    screen.expect("nothing to undo")
    screen.press(" ")
    screen.expect("Four.")
    screen.press("1")
    screen.expect("Saved: Again")
    screen.press("q")
    assert screen.finish() == 0
    rows = reviews(col)
    assert [(r["card_id"], r["grade"]) for r in rows] == [(first, 1)]
    assert json.loads(rows[0]["before"]) == before


def test_skip_and_suspend(col: Collection, db_path: Path) -> None:
    screen = spawn(db_path, "--deck", "basic")
    screen.expect("What is two plus two?")
    screen.press("s")
    screen.expect("Skipped")
    screen.expect("Capital of France")
    screen.press("!")
    screen.expect("Suspended")
    screen.expect("Capital of Italy")
    screen.press("q")
    assert screen.finish() == 0
    assert reviews(col) == []
    skipped = col.card(card_by_front(col, "What is two plus two?"))
    assert skipped.buried_until == (NOW_DT + timedelta(days=1)).date()
    assert col.card(card_by_front(col, "Capital of France")).suspended
    italy = col.card(card_by_front(col, "Capital of Italy"))
    assert not italy.suspended and italy.buried_until is None


def mcq_letters(shown: str) -> dict[str, str]:
    """Option text -> the letter the screen gave it."""
    return {m.group(2).strip(): m.group(1) for m in re.finditer(r"([a-d])\) ([^\n]+)", shown)}


@pytest.mark.parametrize("right", [True, False])
def test_mcq_right_and_wrong(col: Collection, db_path: Path, right: bool) -> None:
    screen = spawn(db_path, "--deck", "mcq")
    screen.expect("Which metric suits")
    shown = screen.expect("Your answer:")
    letters = mcq_letters(shown)
    assert set(letters) == {"Accuracy", "PR AUC", "Mean squared error"}
    chosen = letters["PR AUC"] if right else letters["Accuracy"]
    screen.press(chosen)
    screen.expect(f"Your answer: {chosen}_")
    screen.press("\r")
    if right:
        screen.expect("Correct.")
        screen.expect("PR AUC focuses on the minority class.")
        screen.expect("Enter accepts Good")
    else:
        screen.expect("wrong")
        screen.expect("Dominated by the majority class.")  # the rationale of the wrong pick
        screen.expect("Not quite.")
        screen.expect("PR AUC focuses on the minority class.")
        screen.expect("Enter accepts Again")
    screen.press("\r")  # accept the suggestion
    screen.expect("Saved:")
    screen.press("q")
    assert screen.finish() == 0
    assert [r["grade"] for r in reviews(col)] == [Grade.GOOD if right else Grade.AGAIN]


def test_mcq_suggestion_can_be_overridden(col: Collection, db_path: Path) -> None:
    screen = spawn(db_path, "--deck", "mcq")
    shown = screen.expect("Your answer:")
    letters = mcq_letters(shown)
    screen.press(f"{letters['Accuracy']}\r")
    screen.expect("Not quite.")
    screen.press("2")  # Hard instead of the suggested Again
    screen.expect("Saved: Hard")
    screen.press("q")
    assert screen.finish() == 0
    assert [r["grade"] for r in reviews(col)] == [Grade.HARD]


def test_session_ends_by_itself_with_summary(col: Collection, db_path: Path) -> None:
    screen = spawn(db_path, "--deck", "basic", "--max-cards", "2")
    for _ in range(2):
        screen.expect("Space show answer")
        screen.press(" ")
        screen.expect("4 Easy")
        screen.press("4")
    summary = screen.expect("Next 7 days:")
    assert "Card limit reached." in summary
    assert "Easy 100%" in summary
    assert screen.finish() == 0
    assert len(reviews(col)) == 2


def test_edit_reimports_and_continues(col: Collection, db_path: Path, decks: Path) -> None:
    editor = db_path.parent / "fake_editor.py"
    log = db_path.parent / "editor.log"
    editor.write_text(
        "import sys, pathlib\n"
        f"pathlib.Path({str(log)!r}).write_text(' '.join(sys.argv[1:]))\n"
        "p = pathlib.Path(sys.argv[-1])\n"
        "p.write_text(p.read_text().replace('A: Four.', 'A: Four (4).'))\n",
        encoding="utf-8",
    )
    screen = spawn(
        db_path, "--deck", "basic", env={"EDITOR": f"{sys.executable} {editor}", "VISUAL": ""}
    )
    screen.expect("What is two plus two?")
    screen.press(" ")
    screen.expect("Four.")
    screen.press("e")
    screen.expect("Re-imported")
    screen.expect("What is two plus two?")
    screen.press(" ")
    screen.expect("Four (4).")
    screen.press("3")
    screen.expect("Saved: Good")
    screen.press("q")
    assert screen.finish() == 0
    rows = reviews(col)
    assert len(rows) == 1
    edited = col.card(rows[0]["card_id"])  # a small edit keeps the card (maybe under a new id)
    assert (edited.front, edited.back) == ("What is two plus two?", "Four (4).")
    assert not edited.orphaned and edited.scheduling.reps == 1
    assert [c.id for c in col.orphans()] == []
    assert log.read_text() == f"+{edited.line} {(decks / 'basic.md').resolve()}"


def test_escape_sequences_in_cards_are_shown_escaped(
    db_path: Path, decks: Path, col: Collection
) -> None:
    (decks / "evil.md").write_text(
        "# Evil\n\nQ: Clear A\x1b[2JB and \u202eevil\u202c here?\nA: Bell\x07 done.\n",
        encoding="utf-8",
    )
    col.import_paths([decks], NOW_DT)
    card = card_by_front(col, "Clear A\x1b[2JB and \u202eevil\u202c here?")
    with col.store.transaction():  # a carriage return cannot come through the parser; force one
        col.store.execute("UPDATE cards SET back = 'Bell\x07 done.\rOVER' WHERE id = ?", (card,))
    screen = spawn(db_path, "--deck", "evil")
    screen.expect(r"Clear A\x1b[2JB and \u202eevil\u202c here?")
    screen.press(" ")
    screen.expect(r"Bell\x07 done.\x0dOVER")
    screen.press("q")
    assert screen.finish() == 0
    raw = screen.raw
    assert "A\x1b[2JB" not in raw and "\u202e" not in raw and "\x07" not in raw
    assert not re.search(r"\r(?!\n)", raw.replace("\r\r\n", "\r\n"))


def test_markup_in_cards_is_not_interpreted(db_path: Path, decks: Path, col: Collection) -> None:
    (decks / "markup.md").write_text(
        "# Markup\n\nQ: Is [bold red]this[/bold red] :smile: plain?\nA: **Yes**.\n",
        encoding="utf-8",
    )
    col.import_paths([decks], NOW_DT)
    screen = spawn(db_path, "--deck", "markup")
    screen.expect("Is [bold red]this[/bold red] :smile: plain?")
    screen.press(" ")
    screen.expect("Yes.")
    screen.press("q")
    assert screen.finish() == 0


def test_narrow_terminal(col: Collection, db_path: Path) -> None:
    screen = spawn(db_path, "--deck", "basic", cols=40)
    screen.expect("What is two plus two?")
    screen.press(" ")
    screen.expect("4 Easy")
    screen.press("3")
    screen.expect("Saved: Good")
    screen.press("q")
    screen.expect("Still due now")  # (no 7-day table: nothing is due in the coming week)
    assert screen.finish() == 0
    lines = screen.text.replace("\r", "").split("\n")
    assert max(len(line.rstrip()) for line in lines) <= 40


def test_a_long_deck_path_folds_between_its_parts_at_40_columns(
    db_path: Path, tmp_path: Path
) -> None:
    """A deck named after its folders has no spaces: the header folds after a `/` or at a
    heading's space, never inside a folder's name (rich alone folded mid-word)."""
    folder = tmp_path / "nested" / "aws-machine-learning-specialty" / "data-preparation-and-eng"
    folder.mkdir(parents=True)
    (folder / "streaming-ingestion-services.md").write_text(
        "# Streaming ingestion with Amazon Kinesis\n\nKinesis default retention :: 24 hours\n",
        encoding="utf-8",
    )
    with Collection.open(db_path, user_timezone()) as collection:
        collection.import_paths([tmp_path / "nested"], NOW_DT)
    screen = spawn(db_path, cols=40)
    screen.expect("Kinesis default retention")
    screen.press("q")
    assert screen.finish() == 0
    lines = [line.rstrip() for line in screen.text.replace("\r", "").split("\n")]
    header = lines[: next(i for i, line in enumerate(lines) if line.startswith("new "))]
    header = [line for line in header if line]
    assert header == [
        "aws-machine-learning-specialty/",
        "data-preparation-and-eng/",
        "streaming-ingestion-services › Streaming",
        "ingestion with Amazon Kinesis",
    ], header


def test_help_and_unknown_keys(col: Collection, db_path: Path) -> None:
    screen = spawn(db_path, "--deck", "basic")
    screen.expect("What is two plus two?")
    screen.press("?")
    screen.expect("undo the last answer")
    screen.press("x")
    screen.expect("What is two plus two?")
    screen.press("3")
    screen.expect("Show the answer first")
    screen.press("z")
    screen.expect("Unknown key")
    screen.press("q")
    assert screen.finish() == 0
    assert reviews(col) == []


def test_ctrl_c_saves_and_exits_130(col: Collection, db_path: Path) -> None:
    screen = spawn(db_path, "--deck", "basic")
    screen.expect("What is two plus two?")
    screen.press(" ")
    screen.expect("Four.")
    screen.press("3")
    screen.expect("Saved: Good")
    screen.press("\x03")
    screen.expect("Interrupted")
    assert screen.finish() == 130
    assert len(reviews(col)) == 1


def test_two_sessions_at_once(col: Collection, db_path: Path) -> None:
    one, two = spawn(db_path, "--deck", "basic"), spawn(db_path, "--deck", "basic")
    for _ in range(3):  # interleaved answers, same cards, two processes
        for screen in (one, two):
            screen.expect("show answer")
            screen.press(" ")
            screen.expect("4 Easy")
            screen.press("1")
            screen.expect("Saved: Again")
    for screen in (one, two):
        screen.press("q")
        assert screen.finish() == 0
    assert len(reviews(col)) == 6
    assert col.store.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def kill_mid_session(col: Collection, db_path: Path, deck: str, answers: int) -> None:
    screen = spawn(db_path, "--deck", deck)
    for _ in range(answers):
        screen.expect("show answer")  # a card is on screen
        screen.press(" ")
        screen.expect("4 Easy")
        screen.press("1")
        screen.expect("Saved: Again")  # shown only after the commit
    screen.child.kill(signal.SIGKILL)
    screen.child.close(force=True)
    with Collection.open(db_path) as fresh:
        assert len(reviews(fresh)) == answers
        assert fresh.store.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_sigkill_mid_session_loses_no_answer(col: Collection, db_path: Path) -> None:
    kill_mid_session(col, db_path, "basic", 5)


@pytest.mark.slow
def test_sigkill_after_many_answers(col: Collection, db_path: Path, decks: Path) -> None:
    many = "".join(f"Item {i} :: value {i}\n\n" for i in range(60))
    (decks / "many.md").write_text("# Many\n\n" + many, encoding="utf-8")
    col.import_paths([decks], NOW_DT)
    col.set_option("new_per_day", "100")
    kill_mid_session(col, db_path, "many", 40)


def test_terminal_is_restored_after_ctrl_c(col: Collection, db_path: Path) -> None:
    environment = dict(
        os.environ, SRS_DB=str(db_path), NO_COLOR="1", TERM="xterm", PYTHONPATH=str(ROOT)
    )
    # The shell traps SIGINT (so it survives Ctrl-C) and reports the terminal settings after.
    command = (
        f"trap 'echo' INT; {sys.executable} -m srs --now {NOW} review --deck basic;"
        " stty -a; echo END"
    )
    child = pexpect.spawn("sh", ["-c", command], env=environment, encoding="utf-8", timeout=10)
    screen = Screen(child)
    screen.expect("What is two plus two?")
    screen.press("\x03")
    settings = screen.expect("END")
    assert re.search(r"(?<!-)icanon", settings) and re.search(r"(?<![-\w])echo\b", settings)
    screen.finish()


def test_unknown_deck(col: Collection, db_path: Path) -> None:
    screen = spawn(db_path, "--deck", "nope")
    screen.expect("no deck named 'nope'")
    assert screen.finish() == 1


def test_stdin_not_a_terminal(col: Collection, db_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "srs", "--now", NOW, "review"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=dict(os.environ, SRS_DB=str(db_path), PYTHONPATH=str(ROOT)),
        timeout=30,
    )
    assert result.returncode == 1
    assert "srs next" in result.stderr and "srs answer" in result.stderr
    assert reviews(col) == []
