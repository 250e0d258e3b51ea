"""The `x` key of `srs review`: the learner's model explains the card, asked once, cached.

The model is llm's real `echo` plugin (test extra), found by its entry point in the review
process like any installed model: it answers with what srs sent, so the screen shows the card's
text coming back through the model, and a second `x` is served from the cache.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_review_pty import NOW_DT, reviews, spawn

from srs.collection import Collection
from srs.dates import user_timezone

BASIC = "# Arithmetic\n\nWhat is two plus two? :: Four\n"


@pytest.fixture
def col(db_path: Path, tmp_path: Path) -> Iterator[Collection]:
    decks = tmp_path / "decks"
    decks.mkdir()
    (decks / "basic.md").write_text(BASIC, encoding="utf-8")
    collection = Collection.open(db_path, user_timezone())
    collection.import_paths([decks], NOW_DT)
    yield collection
    collection.close()


@pytest.mark.parametrize("cols", [100, 40])
def test_x_explains_the_card_after_the_answer(
    col: Collection, db_path: Path, tmp_path: Path, cols: int
) -> None:
    env = {"LLM_USER_PATH": str(tmp_path / "llm"), "SRS_LLM_MODEL": "echo"}
    screen = spawn(db_path, cols=cols, env=env)
    screen.expect("What is two plus two?")
    screen.press("x")
    screen.expect("Show the answer first")
    screen.press(" ")
    screen.expect("Four")
    screen.press("x")
    screen.expect("Explained by echo (asked just now)")  # kept on top, the text paged
    if cols == 100:  # at 40 columns the card's text is on a later page of the echoed prompt
        screen.expect("two plus two")  # the card's text, sent to the model and echoed back
    screen.expect("Press any key to go back to the card.")
    screen.press(" ")  # back to the card, still unanswered
    screen.expect("Four")
    screen.press("x")
    screen.expect("Explained by echo (cached)")
    screen.expect("Press any key to go back to the card.")
    screen.press(" ")
    screen.press("q")
    assert screen.finish() == 0
    assert reviews(col) == []  # explaining answers nothing


def test_x_without_a_model_says_so_on_the_card(
    col: Collection, db_path: Path, tmp_path: Path
) -> None:
    env = {"LLM_USER_PATH": str(tmp_path / "llm"), "SRS_LLM_MODEL": "no-such-model"}
    screen = spawn(db_path, env=env)
    screen.expect("What is two plus two?")
    screen.press(" ")
    screen.press("x")
    screen.expect("no-such-model")
    screen.expect("Four")  # the card is drawn again, nothing answered
    screen.press("q")
    assert screen.finish() == 0
    assert reviews(col) == []


@pytest.mark.parametrize("cols", [100, 40])
def test_a_long_explanation_is_paged_under_its_title(
    db_path: Path, tmp_path: Path, cols: int
) -> None:
    """Issue 18: a long explanation is paged like a tall answer: its title and the way back
    stay on screen, the text scrolls with j/k, the arrows and PgUp/PgDn."""
    from test_review_daily_pty import last_screen

    back = " ".join(f"Clause {i:02d} of a long answer." for i in range(1, 61))
    decks = tmp_path / "decks"
    decks.mkdir()
    (decks / "basic.md").write_text(f"# Tall\n\nQ: Explain this?\nA: {back}\n", encoding="utf-8")
    with Collection.open(db_path, user_timezone()) as collection:
        collection.import_paths([decks], NOW_DT)
    env = {"LLM_USER_PATH": str(tmp_path / "llm"), "SRS_LLM_MODEL": "echo"}
    screen = spawn(db_path, cols=cols, rows=24, env=env)
    screen.expect("Explain this?")
    screen.press(" ")
    screen.expect("4 Easy")
    screen.press("x")
    screen.expect("Press any key to go back to the card.")
    first = last_screen(screen)
    text = "\n".join(first)
    assert len(first) <= 24, first
    assert "Explained by echo (asked just now)" in text and "PgDn" in text
    start = int(re.findall(r"lines (\d+)-", text)[-1])
    screen.press("\x1b[6~")  # PgDn
    screen.expect("Press any key to go back to the card.")
    text = "\n".join(last_screen(screen))
    assert "Explained by echo" in text and int(re.findall(r"lines (\d+)-", text)[-1]) > start
    screen.press("k")  # a line up: still the explanation
    screen.expect("Press any key to go back to the card.")
    assert "Explained by echo" in "\n".join(last_screen(screen))
    screen.press(" ")  # any other key: back to the card, still unanswered
    screen.expect("4 Easy")
    screen.press("q")
    assert screen.finish() == 0
    with Collection.open(db_path, user_timezone()) as collection:
        assert reviews(collection) == []
