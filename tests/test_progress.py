"""Progress on long work: drawn on stderr in a real terminal, never into a pipe, never for a
quick command.

`SRS_PROGRESS_AFTER=0` stands for "this work took longer than the delay", so the tests need no
slow workload; the default delay is shown to hide the bar of a quick import.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from test_review_pty import ROOT, spawn

NOW = "2026-03-02T10:00:00Z"


@pytest.fixture
def decks(tmp_path: Path) -> Path:
    root = tmp_path / "decks"
    root.mkdir()
    for f in range(3):
        cards = "".join(f"Question {f}-{i}? :: Answer {i}\n\n" for i in range(40))
        (root / f"deck{f}.md").write_text(f"# Deck {f}\n\n{cards}", encoding="utf-8")
    return root


def run_piped(db: Path, *args: str, after: str = "0") -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT), SRS_DB=str(db), SRS_PROGRESS_AFTER=after)
    return subprocess.run(
        [sys.executable, "-m", "srs", "--now", NOW, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("cols", [100, 40])
def test_bars_in_a_terminal(db_path: Path, decks: Path, tmp_path: Path, cols: int) -> None:
    screen = spawn(
        db_path, str(decks), command="import", cols=cols, env={"SRS_PROGRESS_AFTER": "0"}
    )
    screen.expect("reading deck files")
    screen.expect("saving notes")
    screen.expect("Imported 3 files")
    assert screen.finish() == 0

    screen = spawn(db_path, command="stats", cols=cols, env={"SRS_PROGRESS_AFTER": "0"})
    screen.expect("computing statistics")
    screen.expect("Hardest cards")
    assert screen.finish() == 0

    out = tmp_path / "out.apkg"
    screen = spawn(
        db_path, "anki", str(out), command="export", cols=cols, env={"SRS_PROGRESS_AFTER": "0"}
    )
    screen.expect("exporting notes")
    screen.expect("Wrote ")
    assert screen.finish() == 0


def test_quick_work_shows_no_bar(db_path: Path, decks: Path) -> None:
    screen = spawn(db_path, str(decks), command="import", env={"SRS_PROGRESS_AFTER": "5"})
    screen.expect("Imported 3 files")
    assert screen.finish() == 0
    assert "reading deck files" not in screen.text and "━" not in screen.text


def test_nothing_on_stderr_in_a_pipe(db_path: Path, decks: Path, tmp_path: Path) -> None:
    for args in (("import", str(decks)), ("stats",), ("export", "anki", str(tmp_path / "o.apkg"))):
        done = run_piped(db_path, *args)
        assert done.returncode == 0, done.stderr
        assert done.stderr == "", (args, done.stderr)
