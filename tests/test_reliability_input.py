"""Untrusted deck text through the whole import path, and on the terminal.

- Property: random text written to a deck file and imported with `Collection.import_paths`
  gives an import report or a DeckError (then nothing is written), never another exception.
- Property: a `Q:`/`A:` card keeps its exact text from the file to the stored card.
- Terminal: ESC sequences, C1 controls, backspaces, BEL and bidi overrides in card text are
  shown as visible escapes by `srs cards`, `srs card` and `srs next` (`srs review` is covered
  in tests/test_review_pty.py).
"""

from __future__ import annotations

import sqlite3
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from helpers import deck_text
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from srs.cli.app import app
from srs.collection import Collection
from srs.errors import DeckError
from srs.model import NoteKind
from srs.terminal import is_safe

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)

_DECK_TEXT = deck_text(30, max_plain=10)


class Workspace:
    """One collection and one deck file reused across hypothesis examples."""

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="srs-prop-"))
        self.deck = self.dir / "deck.md"
        self.col = Collection.open(self.dir / "collection.db")
        self.examples = 0

    def rows(self) -> tuple[int, ...]:
        return tuple(
            self.col.store.execute(
                f"SELECT COUNT(*), COALESCE(SUM(orphaned), 0) FROM {t}"
            ).fetchone()[0]
            for t in ("notes", "cards")
        )


@pytest.fixture(scope="module")
def workspace() -> Workspace:
    return Workspace()


def import_random_text(workspace: Workspace, text: str) -> None:
    workspace.examples += 1
    workspace.deck.write_text(text, encoding="utf-8", errors="surrogatepass")
    before = workspace.rows()
    changes = workspace.col.store.conn.total_changes
    try:
        report = workspace.col.import_paths([workspace.deck], NOW)
    except DeckError as e:
        assert e.problems and all(p.line >= 0 for p in e.problems)
        assert workspace.col.store.conn.total_changes == changes  # nothing written
        assert workspace.rows() == before
        return
    assert report.files == 1
    assert workspace.col.store.integrity_ok()


@settings(
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(_DECK_TEXT)
def test_random_text_through_the_import_path(workspace: Workspace, text: str) -> None:
    import_random_text(workspace, text)


@pytest.mark.slow
@settings(
    max_examples=5000,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(_DECK_TEXT)
def test_random_text_through_the_import_path_long(workspace: Workspace, text: str) -> None:
    import_random_text(workspace, text)


_SIDE = st.text(
    alphabet=st.characters(
        blacklist_categories=("Cs", "Cc", "Zl", "Zp"), blacklist_characters="\x85"
    ),
    min_size=1,
    max_size=40,
).filter(lambda s: s.strip() == s and s.strip() != "")


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(_SIDE, _SIDE)
def test_question_and_answer_survive_the_import(
    workspace: Workspace, question: str, answer: str
) -> None:
    workspace.deck.write_text(f"Q: {question}\nA: {answer}\n", encoding="utf-8")
    try:
        workspace.col.import_paths([workspace.deck], NOW)
    except DeckError:
        # Only text that itself forms markup may fail (a stray cloze or comment opener).
        assert "{{c" in question + answer or "<!--" in question + answer
        return
    rows = workspace.col.store.execute(
        "SELECT kind, front, back FROM notes WHERE orphaned = 0 AND path LIKE '%deck.md'"
    ).fetchall()
    assert len(rows) == 1
    kind, front, back = rows[0]
    if kind == NoteKind.BASIC.value:
        assert (front, back) == (question, answer)


def test_the_property_runs_covered_many_cases(workspace: Workspace) -> None:
    """Runs after the properties in this module: they really fed the import path."""
    assert workspace.examples >= 100


# -- terminal -------------------------------------------------------------------------------

HOSTILE = {
    "esc": "Clear \x1b[2J\x1b[H screen and \x1b]0;title\x07 retitle",
    "c1": "C1 CSI \x9b31m red and \x9d OSC",
    "bidi": "Invoice \u202eexe.pdf\u202c and \u2066isolate\u2069",
    "backspace": "Over\x08\x08\x08write and bell\x07",
}


@pytest.fixture
def hostile_collection(tmp_path: Path, db_path: Path) -> list[str]:
    deck = tmp_path / "hostile.md"
    deck.write_text(
        "".join(f"Q: {text}\nA: back {name} {text}\n\n" for name, text in HOSTILE.items()),
        encoding="utf-8",
    )
    with Collection.open(db_path) as col:
        col.import_paths([deck], NOW)
        cards = list(col.cards())
        # The raw text is stored as written: escaping is the terminal's job, not the store's.
        assert {c.front for c in cards} == set(HOSTILE.values())
        return [c.id for c in cards]


def shown(*args: str) -> str:
    result = CliRunner().invoke(app, ["--now", "2026-03-02T10:00:00Z", *args])
    assert result.exit_code == 0, result.stderr
    return result.stdout


def assert_escaped(output: str) -> None:
    assert is_safe(output), repr(output)
    assert "\\x1b[2J" in output or "\\x9b" in output or "\\u202e" in output or "\\x08" in output


def test_srs_cards_escapes_control_characters(hostile_collection: list[str]) -> None:
    output = shown("cards")
    assert is_safe(output), repr(output)
    for fragment in ("\\x1b[2J", "\\x9b31m", "\\u202eexe.pdf", "Over\\x08"):
        assert fragment in output


def test_srs_card_escapes_control_characters(hostile_collection: list[str]) -> None:
    for card_id in hostile_collection:
        output = shown("card", card_id)
        assert_escaped(output)
    output = shown("card", hostile_collection[0])
    assert output.count("\n") >= 4  # newlines themselves still work


def test_srs_next_escapes_control_characters(hostile_collection: list[str]) -> None:
    assert_escaped(shown("next"))


def test_errors_quoting_deck_text_are_escaped(tmp_path: Path) -> None:
    deck = tmp_path / "bad\x1b[31m.md"
    deck.write_text("Q: no answer\n")
    result = CliRunner().invoke(app, ["import", str(deck)])
    assert result.exit_code == 1
    assert is_safe(result.stderr) and "bad\\x1b[31m.md:1: 'Q:' without 'A:'" in result.stderr


def test_raw_text_is_kept_in_the_store(hostile_collection: list[str], db_path: Path) -> None:
    conn = sqlite3.connect(db_path)
    fronts = {row[0] for row in conn.execute("SELECT front FROM cards")}
    assert "\x1b[2J" in "".join(fronts)
