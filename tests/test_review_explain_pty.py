"""The `x` key of `srs review`: the learner's model explains the card, asked once, cached.

The model is llm's real `echo` plugin (test extra), found by its entry point in the review
process like any installed model: it answers with what srs sent, so the screen shows the card's
text coming back through the model, and a second `x` is served from the cache.
"""

from __future__ import annotations

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
    if cols == 100:  # at 40 columns the echoed request (the whole prompt) scrolls past
        screen.expect("Explained by echo (asked just now)")
        screen.expect("two plus two")  # the card's text, sent to the model and echoed back
    screen.expect("Press any key to go back to the card.")
    screen.press(" ")  # back to the card, still unanswered
    screen.expect("Four")
    screen.press("x")
    if cols == 100:
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
