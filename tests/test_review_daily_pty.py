"""Issue 18 (a week of daily use), the review screen: each test drives the real `srs review`.

Multiple choice (every rationale, a new order per showing, "Choose N", one answer only), why a
session ended, the leech notice, a deck file that vanished, resize, paging, distinct buttons,
exam-mode buttons, cram sessions, images and math.
"""

from __future__ import annotations

import re
import signal
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from test_review_pty import ANSI, NOW_DT, Screen, card_by_front, mcq_letters, reviews, spawn

from srs.collection import Collection
from srs.dates import user_timezone
from srs.model import Grade

ONE = """# Metrics

Q: Which metric suits an imbalanced fraud dataset?
- [ ] Accuracy
  - Why not: Dominated by the majority class.
- [x] PR AUC
  - Why: It ignores the many true negatives.
- [ ] Mean squared error
  - Why not: A regression loss.
"""

TWO = """# Pick two

Q: Which two are AWS streaming services?
- [x] Kinesis Data Streams
  - Why: Shards of ordered records.
- [x] Amazon MSK
  - Why: Managed Kafka.
- [ ] Amazon RDS
  - Why not: A relational database.
- [ ] AWS Glue
  - Why not: An ETL service.
"""


@pytest.fixture
def decks(tmp_path: Path) -> Path:
    root = tmp_path / "decks"
    root.mkdir()
    (root / "one.md").write_text(ONE, encoding="utf-8")
    (root / "two.md").write_text(TWO, encoding="utf-8")
    return root


@pytest.fixture
def col(db_path: Path, decks: Path) -> Iterator[Collection]:
    collection = Collection.open(db_path, user_timezone())
    collection.import_paths([decks], NOW_DT)
    yield collection
    collection.close()


def quit_(screen: Screen) -> None:
    screen.press("q")
    assert screen.finish() == 0


# -- multiple choice -----------------------------------------------------------------------------


@pytest.mark.parametrize("cols", [100, 40])
def test_mcq_shows_every_rationale_after_a_miss(col: Collection, db_path: Path, cols: int) -> None:
    screen = spawn(db_path, "--deck", "one", cols=cols)
    letters = mcq_letters(screen.expect("Your answer:"))
    screen.press(letters["Accuracy"] + "\r")
    shown = screen.expect("Not quite.")
    flat = " ".join(shown.split())
    assert "Why: It ignores the many true negatives." in flat  # the correct option's rationale
    assert "Why not: Dominated by the majority class." in flat
    assert "Why not: A regression loss." in flat
    quit_(screen)


def test_colour_screen_marks_the_verdicts(col: Collection, db_path: Path) -> None:
    """With colour (NO_COLOR empty counts as unset, as no-color.org says), the same screen."""
    screen = spawn(db_path, "--deck", "one", env={"NO_COLOR": ""})
    letters = mcq_letters(screen.expect("Your answer:"))
    screen.press(letters["Accuracy"] + "\r")
    shown = " ".join(screen.expect("Not quite.").split())
    assert "wrong · Why not: Dominated by the majority class." in shown
    assert "missed · Why: It ignores the many true negatives." in shown
    assert re.search(r"\x1b\[[0-9;]*31m", screen.raw)  # red for the wrong pick
    quit_(screen)


def test_select_two_says_choose_two(col: Collection, db_path: Path) -> None:
    screen = spawn(db_path, "--deck", "two")
    screen.expect("Choose 2.")
    screen.expect("Your answer:")
    quit_(screen)


def test_one_answer_question_refuses_several_letters(col: Collection, db_path: Path) -> None:
    screen = spawn(db_path, "--deck", "one")
    letters = mcq_letters(screen.expect("Your answer:"))
    assert "Choose" not in screen.text
    screen.press(f"{letters['Accuracy']}{letters['PR AUC']}\r")
    screen.expect("one answer only")
    screen.expect("Your answer:")  # still on the question: nothing revealed, nothing saved
    assert "Not quite." not in screen.text
    screen.press("\x1b")  # Esc clears
    screen.press(letters["PR AUC"] + "\r")
    screen.expect("Correct.")
    quit_(screen)
    assert reviews(col) == []


def test_mcq_order_changes_when_the_card_comes_back_the_same_day(
    col: Collection, db_path: Path
) -> None:
    """Answered Again, the card comes back minutes later: a new order, stable across undo."""
    col.set_option("learning_steps", "1m 10m")
    orders = []
    screen = spawn(db_path, "--deck", "one")
    for _ in range(6):  # each showing: Again (comes back), so six showings in one day
        shown = screen.expect("Your answer:")
        orders.append(tuple(sorted(mcq_letters(shown).items(), key=lambda kv: kv[1])))
        screen.press("\r")  # reveal without an answer
        screen.expect("4 Easy")
        screen.press("1")
        screen.expect("Saved: Again")
    screen.expect("Your answer:")  # the seventh showing
    screen.press("u")  # undo the sixth answer: the sixth showing comes back in its own order
    screen.expect("Undid the answer")
    shown = screen.expect("Your answer:")
    again = tuple(sorted(mcq_letters(shown).items(), key=lambda kv: kv[1]))
    assert again == orders[-1]
    quit_(screen)
    assert len(set(orders)) > 1, orders
    assert len(reviews(col)) == 5


# -- why a session ended -------------------------------------------------------------------------


def answer_all(screen: Screen, count: int, key: str = "4") -> None:
    for _ in range(count):
        screen.expect("Space show answer")
        screen.press(" ")
        screen.expect("4 Easy")
        screen.press(key)


def test_empty_collection_says_import_first(db_path: Path) -> None:
    screen = spawn(db_path)
    screen.expect("The collection is empty")
    screen.expect("import first: srs import decks")
    assert screen.finish() == 0
    assert "Next 7 days" not in screen.text  # nothing to forecast: no table of zeros


def test_daily_new_limit_says_how_to_change_it(col: Collection, db_path: Path, decks: Path) -> None:
    (decks / "basic.md").write_text(
        "# Basics\n\nOne :: 1\n\nTwo :: 2\n\nThree :: 3\n", encoding="utf-8"
    )
    col.import_paths([decks], NOW_DT)
    col.set_option("new_per_day", "1")
    screen = spawn(db_path, "--deck", "basic", cols=40)
    answer_all(screen, 1)
    shown = " ".join(screen.expect("Next 7 days").split())
    assert "Daily limit of 1 new card reached" in shown
    assert "2 more new cards wait" in shown
    assert "srs config set new_per_day N" in shown
    assert screen.finish() == 0


def test_session_max_new_is_named(col: Collection, db_path: Path, decks: Path) -> None:
    (decks / "basic.md").write_text("# Basics\n\nOne :: 1\n\nTwo :: 2\n", encoding="utf-8")
    col.import_paths([decks], NOW_DT)
    screen = spawn(db_path, "--deck", "basic", "--max-new", "1")
    answer_all(screen, 1)
    shown = " ".join(screen.expect("Next 7 days").split())
    assert "--max-new 1 reached" in shown
    assert screen.finish() == 0


def test_nothing_due_says_when_the_next_card_is(
    col: Collection, db_path: Path, decks: Path
) -> None:
    (decks / "basic.md").write_text("# Basics\n\nOne :: 1\n\nTwo :: 2\n", encoding="utf-8")
    col.import_paths([decks], NOW_DT)
    screen = spawn(db_path, "--deck", "basic")
    answer_all(screen, 2)  # Easy: both graduate to days away
    shown = " ".join(screen.expect("Next 7 days").split())
    due = min(col.card(c.id).scheduling.due_day for c in col.cards() if c.deck == "basic")
    assert due is not None
    days = (due - NOW_DT.date()).days
    assert f"Nothing more is due now; the next card is due {due:%a %Y-%m-%d} (in {days} days)" in (
        shown
    )
    assert "Daily limit" not in shown
    assert screen.finish() == 0


# -- leeches, vanished files, buttons ------------------------------------------------------------


def one_card_deck(col: Collection, decks: Path, at: datetime = NOW_DT) -> str:
    (decks / "basic.md").write_text("# Basics\n\nOne :: 1\n", encoding="utf-8")
    col.import_paths([decks], at)
    return card_by_front(col, "One")


def test_leech_is_announced_when_it_happens(col: Collection, db_path: Path, decks: Path) -> None:
    card = one_card_deck(col, decks, NOW_DT - timedelta(days=30))
    col.set_option("leech_threshold", "1")
    col.answer(card, Grade.EASY, NOW_DT - timedelta(days=30))  # a review card, due long ago
    screen = spawn(db_path, "--deck", "basic", cols=40)
    screen.expect("Space show answer")
    screen.press(" ")
    screen.expect("4 Easy")
    screen.press("1")
    screen.expect("Saved: Again")
    shown = " ".join(screen.expect("Space show answer").split())  # the card is back (relearning)
    assert "Leech: this card has lapsed 1 time; rewrite or split it (decks/basic.md:3)" in shown
    quit_(screen)
    assert col.card(card).leech


def test_a_long_leech_path_keeps_its_file_name_whole_at_40_columns(
    col: Collection, db_path: Path, decks: Path
) -> None:
    folder = decks / "aws-machine-learning" / "data-preparation"
    folder.mkdir(parents=True)
    (folder / "ingestion-and-streaming.md").write_text("# Basics\n\nOne :: 1\n", "utf-8")
    col.import_paths([decks], NOW_DT - timedelta(days=30))
    card = card_by_front(col, "One")
    col.set_option("leech_threshold", "1")
    col.answer(card, Grade.EASY, NOW_DT - timedelta(days=30))
    screen = spawn(db_path, "--deck", "aws-machine-learning", cols=40)
    screen.expect("Space show answer")
    screen.press(" ")
    screen.expect("4 Easy")
    screen.press("1")
    screen.expect("Saved: Again")
    screen.expect("Space show answer")
    lines = [line.rstrip() for line in last_screen(screen)]
    # The path loses its start, not a piece of its file name to the next line.
    assert any(
        line.startswith("(…") and line.endswith("/ingestion-and-streaming.md:3).") for line in lines
    ), lines
    assert max(len(line) for line in lines) <= 40
    quit_(screen)


def test_edit_of_a_vanished_file_says_so(col: Collection, db_path: Path, decks: Path) -> None:
    one_card_deck(col, decks)
    (decks / "basic.md").unlink()
    editor = db_path.parent / "editor-ran"
    screen = spawn(db_path, "--deck", "basic", env={"EDITOR": f"touch {editor}", "VISUAL": ""})
    screen.expect("Space show answer")
    screen.press("e")
    shown = " ".join(screen.expect("Space show answer").split())  # still on the card
    assert "basic.md no longer exists" in shown
    quit_(screen)
    assert not editor.exists()


def test_fsrs_buttons_with_one_interval_say_why(
    col: Collection, db_path: Path, decks: Path
) -> None:
    card = one_card_deck(col, decks)
    col.set_option("scheduler", "fsrs")
    screen = spawn(db_path, "--deck", "basic")
    for key in "113":  # Again, Again, Good: one learning step left
        screen.expect("Space show answer")
        screen.press(" ")
        screen.expect("4 Easy")
        screen.press(key)
        screen.expect("Saved:")
    labels = {g: label for g, (_, label) in col.preview(card, NOW_DT).items()}
    assert labels[Grade.GOOD] == labels[Grade.EASY]  # the case this test is about
    screen.expect("Space show answer")
    screen.press(" ")
    shown = " ".join(screen.expect("4 Easy").split())
    shown += " ".join(screen.expect("Space/Enter").split())
    assert f"Good and Easy both give {labels[Grade.GOOD]}" in shown
    assert re.search(r"stability [\d.]+ d .* [\d.]+ d", shown), shown
    quit_(screen)


def test_exam_mode_buttons_show_what_exam_mode_does(
    col: Collection, db_path: Path, decks: Path
) -> None:
    """Exam mode shows each card once a day (`plan_queue`: no same-day learning steps), so no
    button promises `<10m` (daily use: cards answered Good <10m never came back, and the status
    line counted them under "learn")."""
    one_card_deck(col, decks)
    col.set_option("exam_date", "2026-04-01")
    screen = spawn(db_path, "--deck", "basic")
    screen.expect("exam plan:")
    screen.expect("Space show answer")
    screen.press(" ")
    shown = " ".join(screen.expect("4 Easy").split())
    shown += " " + " ".join(screen.expect("Space/Enter").split())
    assert re.search(r"1 Again plan +2 Hard plan +3 Good plan +4 Easy plan", shown), shown
    assert "the exam plan picks the day" in shown
    screen.press("3")
    screen.expect("Today's exam plan is done")  # the card does not come back in 10 minutes
    screen.expect("Studied 1 card")
    assert screen.finish() == 0


# -- resize and tall answers ---------------------------------------------------------------------

LONG_FRONT = "Which service " + "really " * 12 + "loads streams into S3?"


def last_screen(screen: Screen) -> list[str]:
    """The lines drawn since the last screen clear."""
    raw = screen.raw[screen.raw.rfind("\x1b[2J") :]
    return ANSI.sub("", raw).replace("\r", "").split("\n")


def test_resize_redraws_at_the_new_width(col: Collection, db_path: Path, decks: Path) -> None:
    (decks / "basic.md").write_text(f"# Basics\n\nQ: {LONG_FRONT}\nA: Firehose.\n", "utf-8")
    col.import_paths([decks], NOW_DT)
    screen = spawn(db_path, "--deck", "basic", cols=100)
    screen.expect("Space show answer")
    assert "─" * 100 in screen.text
    screen.child.setwinsize(40, 40)
    screen.expect("Space show answer")  # drawn again, without a key
    lines = last_screen(screen)
    assert max(len(line.rstrip()) for line in lines) <= 40
    assert "─" * 40 in "\n".join(lines)
    screen.press(" ")
    screen.expect("Firehose.")
    quit_(screen)
    assert reviews(col) == []


@pytest.mark.parametrize("cols", [100, 40])
def test_a_tall_answer_is_paged_under_the_question(
    col: Collection, db_path: Path, decks: Path, cols: int
) -> None:
    back = "\n\n".join(f"Answer line {i:02d}." for i in range(1, 61))
    (decks / "basic.md").write_text(f"# Basics\n\nQ: Tall one?\nA: {back}\n", "utf-8")
    col.import_paths([decks], NOW_DT)
    screen = spawn(db_path, "--deck", "basic", cols=cols, rows=24)
    screen.expect("Space show answer")
    screen.press(" ")
    screen.expect("PgDn")
    first = last_screen(screen)
    assert len(first) <= 24
    text = "\n".join(first)
    assert "Tall one?" in text and "Answer line 01." in text and "Answer line 60." not in text
    assert "4 Easy" in text  # the buttons stay on screen
    screen.press("\x1b[6~")  # PgDn
    screen.expect("PgDn")
    text = "\n".join(last_screen(screen))
    assert "Tall one?" in text and "Answer line 01." not in text
    start = int(re.findall(r"lines (\d+)-", text)[-1])
    screen.press("j")  # one line down
    screen.expect(f"lines {start + 1}-")
    screen.press("\x1b[6~" * 12)  # to the end, and past it: the window stops at the last line
    screen.expect("Answer line 60.")
    screen.expect("PgDn")
    text = "\n".join(last_screen(screen))
    assert "Tall one?" in text and "4 Easy" in text
    screen.press("\x1b[A")  # up one line
    screen.press("3")
    screen.expect("Saved: Good")
    quit_(screen)
    assert [r["grade"] for r in reviews(col)] == [Grade.GOOD]


# -- cram ------------------------------------------------------------------------------------------

DOMAIN_ONE = """---
exam_domains: {TEST-01: 1}
---
# Prep

Kinesis shard :: a unit of stream capacity

Glue crawler :: infers a table schema
"""

DOMAIN_TWO = """---
exam_domains: {TEST-01: 2}
---
# Models

XGBoost objective for binary labels :: binary:logistic
"""


@pytest.fixture
def cram_col(col: Collection, decks: Path) -> Collection:
    (decks / "prep.md").write_text(DOMAIN_ONE, encoding="utf-8")
    (decks / "models.md").write_text(DOMAIN_TWO, encoding="utf-8")
    col.import_paths([decks], NOW_DT - timedelta(days=20))
    return col


def snapshots(col: Collection) -> dict[str, dict[str, object]]:
    return {card.id: col.store.card_snapshot(card.id) for card in col.cards()}


@pytest.mark.parametrize("cols", [100, 40])
def test_cram_drills_without_touching_the_schedule(
    cram_col: Collection, db_path: Path, cols: int
) -> None:
    col = cram_col
    before = snapshots(col)
    screen = spawn(db_path, "--cram", "--deck", "prep", cols=cols)
    shown = " ".join(screen.expect("Space show answer").split())
    assert "cram" in shown and "not saved" in shown
    first = "Kinesis shard" if "Kinesis shard" in shown else "Glue crawler"
    screen.press(" ")
    shown = " ".join(screen.expect("Space/Enter").split())
    assert "answers are not saved" in shown
    screen.press("1")  # Again: it comes back in this session
    screen.expect("Not saved (cram): Again.")
    answered = [first]
    for _ in range(2):
        shown = screen.expect("Space show answer")
        answered.append("Kinesis shard" if "Kinesis shard" in shown else "Glue crawler")
        screen.press(" ")
        screen.expect("4 Easy")
        screen.press("3")
    summary = " ".join(screen.expect("Drilled").split())
    summary += " " + " ".join(screen.expect("the review log.").split())
    assert answered[-1] == first  # the missed card came back
    assert "Cram done" in summary
    assert screen.finish() == 0
    assert reviews(col) == [] and snapshots(col) == before


def test_cram_by_domain(cram_col: Collection, db_path: Path) -> None:
    screen = spawn(db_path, "--cram", "--domain", "2")
    screen.expect("XGBoost objective")
    screen.press(" ")
    screen.expect("4 Easy")
    screen.press("3")
    shown = " ".join(screen.expect("the review log.").split())
    assert "Drilled 1 card" in shown
    assert screen.finish() == 0
    assert reviews(cram_col) == []


def test_cram_failed_since(cram_col: Collection, db_path: Path) -> None:
    col = cram_col
    old, recent = card_by_front(col, "Kinesis shard"), card_by_front(col, "Glue crawler")
    col.answer(old, Grade.AGAIN, NOW_DT - timedelta(days=10))
    col.answer(recent, Grade.AGAIN, NOW_DT - timedelta(days=2))
    before, logged = snapshots(col), len(reviews(col))
    screen = spawn(db_path, "--cram", "--failed-since", "5")
    screen.expect("Glue crawler")
    screen.press(" ")
    screen.expect("4 Easy")
    screen.press("4")
    shown = " ".join(screen.expect("the review log.").split())
    assert "Drilled 1 card" in shown and "Kinesis" not in shown
    assert screen.finish() == 0
    assert len(reviews(col)) == logged and snapshots(col) == before


def test_cram_that_matches_nothing_says_so(cram_col: Collection, db_path: Path) -> None:
    screen = spawn(db_path, "--cram", "--domain", "9")
    screen.expect("No cards match")
    assert screen.finish() == 0


def test_domain_needs_cram(cram_col: Collection, db_path: Path) -> None:
    screen = spawn(db_path, "--domain", "2")
    screen.expect("--cram")
    assert screen.finish() == 1


def test_cram_killed_mid_session_wrote_nothing(cram_col: Collection, db_path: Path) -> None:
    before = snapshots(cram_col)
    screen = spawn(db_path, "--cram", "--deck", "prep")
    for _ in range(2):
        screen.expect("Space show answer")
        screen.press(" ")
        screen.expect("4 Easy")
        screen.press("1")
        screen.expect("Not saved (cram)")
    screen.child.kill(signal.SIGKILL)
    screen.child.close(force=True)
    with Collection.open(db_path) as fresh:
        assert reviews(fresh) == [] and snapshots(fresh) == before
        assert fresh.store.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


# -- images and math -----------------------------------------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16


@pytest.fixture
def image_deck(col: Collection, decks: Path, tmp_path: Path) -> Path:
    (decks / "img").mkdir()
    (decks / "img" / "chart.png").write_bytes(PNG)
    (tmp_path / "secret.png").write_bytes(PNG)  # beside the deck folder, not in it
    (decks / "pics.md").write_text(
        "# Pics\n\nQ: Which curve is this? ![chart](img/chart.png)\n"
        "A: A PR curve. ![leak](../secret.png)\n",
        encoding="utf-8",
    )
    col.import_paths([decks], NOW_DT)
    return decks


def fake_viewer(bin_dir: Path, log: Path) -> None:
    bin_dir.mkdir()
    viewer = bin_dir / "xdg-open"
    viewer.write_text(f'#!/bin/sh\necho "$@" >> {log}\n', encoding="utf-8")
    viewer.chmod(0o755)


def test_o_opens_the_cards_images_inside_the_deck_folder_only(
    image_deck: Path, db_path: Path, tmp_path: Path
) -> None:
    log = tmp_path / "viewer.log"
    fake_viewer(tmp_path / "bin", log)
    screen = spawn(db_path, "--deck", "pics", env={"PATH": str(tmp_path / "bin")})
    screen.expect("Space show answer")
    screen.press("o")
    shown = " ".join(screen.expect("Space show answer").split())
    assert "Opened 1 image with xdg-open" in shown
    assert "refused ../secret.png (outside the deck folder)" in shown
    quit_(screen)
    assert log.read_text().split() == [str((image_deck / "img" / "chart.png").resolve())]


def test_o_without_a_viewer_says_where_the_images_are(
    image_deck: Path, db_path: Path, tmp_path: Path
) -> None:
    (tmp_path / "empty").mkdir()
    screen = spawn(db_path, "--deck", "pics", env={"PATH": str(tmp_path / "empty")}, cols=40)
    screen.expect("Space show answer")
    screen.press("o")
    shown = "".join(screen.expect("Space show answer").split())  # paths wrap at 40 columns
    assert "Noimageviewer(xdg-open/open)" in shown
    assert str((image_deck / "img" / "chart.png").resolve()).replace(" ", "") in shown
    quit_(screen)


def test_o_on_a_card_without_images(col: Collection, db_path: Path, decks: Path) -> None:
    one_card_deck(col, decks)
    screen = spawn(db_path, "--deck", "basic")
    screen.expect("Space show answer")
    screen.press("o")
    screen.expect("This card has no images.")
    quit_(screen)


@pytest.mark.parametrize("cols", [100, 40])
def test_math_is_shown_as_unicode_text(
    col: Collection, db_path: Path, decks: Path, cols: int
) -> None:
    (decks / "math.md").write_text(
        "# Math\n\nQ: Precision in symbols?\nA: $\\frac{TP}{TP+FP}$, and $\\sigma(w^\\top x)$;"
        " costs $5 or \\$10.\n",
        encoding="utf-8",
    )
    col.import_paths([decks], NOW_DT)
    screen = spawn(db_path, "--deck", "math", cols=cols)
    screen.expect("Space show answer")
    screen.press(" ")
    shown = " ".join(screen.expect("4 Easy").split())
    assert "TP/(TP+FP), and σ(wᵀx); costs $5 or $10." in shown
    assert "\\frac" not in shown
    quit_(screen)


def test_quitting_a_cram_does_not_claim_answers_were_saved(
    cram_col: Collection, db_path: Path
) -> None:
    screen = spawn(db_path, "--cram", "--deck", "prep", cols=40)
    screen.expect("Space show answer")
    screen.press(" ")
    screen.expect("4 Easy")
    screen.press("1")
    screen.expect("Not saved (cram)")
    screen.press("q")
    shown = " ".join(screen.expect("the review log.").split())
    assert "Drill ended." in shown and "every answer is saved" not in shown
    assert "Missed in this drill:" in shown
    assert screen.finish() == 0
    lines = last_screen(screen)
    assert max(len(line.rstrip()) for line in lines) <= 40


def test_a_question_taller_than_the_screen_is_paged_with_its_answer(
    col: Collection, db_path: Path, decks: Path
) -> None:
    stem = " ".join(f"Clause {i:02d} of a long scenario." for i in range(1, 41))
    (decks / "basic.md").write_text(f"# Basics\n\nQ: {stem}\nA: The end.\n", "utf-8")
    col.import_paths([decks], NOW_DT)
    screen = spawn(db_path, "--deck", "basic", cols=40, rows=24)
    screen.expect("Space show answer")
    screen.press(" ")
    screen.expect("PgDn")
    first = last_screen(screen)
    assert len(first) <= 24 and "4 Easy" in "\n".join(first)
    screen.press("\x1b[6~" * 6)
    screen.expect("The end.")
    quit_(screen)


TABLE_BACK = """Compare them:

| Option | Traffic pattern | Payload limit |
|---|---|---|
| Real-time endpoints | Steady low-latency traffic | 25 MB |
| Serverless inference | Intermittent or unpredictable | 4 MB |
"""


@pytest.mark.parametrize("cols", [100, 40])
def test_a_table_in_an_answer_keeps_its_words_at_any_width(
    col: Collection, db_path: Path, decks: Path, cols: int
) -> None:
    """Issue 18 (daily use at 40 columns): a table too wide for the terminal showed its cells
    cut to "Real-…"; on a narrow screen each row reads as a list item instead."""
    (decks / "basic.md").write_text(f"# Basics\n\nQ: Which option?\nA: {TABLE_BACK}\n", "utf-8")
    col.import_paths([decks], NOW_DT)
    screen = spawn(db_path, "--deck", "basic", cols=cols)
    screen.expect("Space show answer")
    screen.press(" ")
    screen.expect("4 Easy")
    text = "\n".join(last_screen(screen))
    assert "…" not in text, text
    words = " ".join(text.split())
    for cell in (
        "Real-time endpoints",
        "Steady low-latency traffic",
        "Intermittent or unpredictable",
    ):
        assert cell in words, text
    quit_(screen)


def test_exam_mode_counts_no_learning_step_that_will_not_come(
    col: Collection, db_path: Path, decks: Path
) -> None:
    """The status line in exam mode counts what the plan shows: a card answered Good is done
    for the day, not "learn 1" (the learn-ahead count of the normal schedule)."""
    (decks / "basic.md").write_text("# Basics\n\nOne :: 1\n\nTwo :: 2\n\nThree :: 3\n", "utf-8")
    col.import_paths([decks], NOW_DT)
    col.set_option("exam_date", "2026-04-01")
    screen = spawn(db_path, "--deck", "basic")
    screen.expect("new 3 · learn 0 · due 0  1/3")
    screen.press(" ")
    screen.expect("4 Easy")
    screen.press("3")
    screen.expect("Saved: Good")
    screen.expect("new 2 · learn 0 · due 0  2/3")
    quit_(screen)


def test_summary_keeps_a_long_deck_path_whole_at_40_columns(
    col: Collection, db_path: Path, decks: Path
) -> None:
    """A card to rewrite is listed by its file and line: at 40 columns a long path is cut at
    its start (the file name and line stay whole), never broken mid-word across lines."""
    folder = decks / "aws-machine-learning" / "engineer-associate" / "domain-1-data-preparation"
    folder.mkdir(parents=True)
    (folder / "feature-engineering.md").write_text(
        "---\ndeck: long\n---\nOne :: 1\n", encoding="utf-8"
    )
    col.import_paths([decks], NOW_DT)
    screen = spawn(db_path, "--deck", "long", cols=40)
    screen.expect("Space show answer")
    screen.press(" ")
    screen.expect("4 Easy")
    screen.press("1")
    screen.expect("Saved: Again")
    screen.press("q")
    listed = screen.expect("Answered Again (rewrite them?):")
    assert screen.finish() == 0
    text = screen.text.replace("\r", "")
    lines = [line.rstrip() for line in text[text.rfind("Answered Again") :].split("\n")]
    assert listed
    source = lines[1].strip()
    assert source.startswith("…") and source.endswith("/feature-engineering.md:4")
    assert max(len(line) for line in lines) <= 40
