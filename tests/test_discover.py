"""Expanding command-line paths into deck files."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from srs.decks.discover import DeckFile, discover

DATA = Path(__file__).parent / "data" / "decks"


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the sample decks, with the working directory at its parent."""
    shutil.copytree(DATA, tmp_path / "decks")
    monkeypatch.chdir(tmp_path)
    return tmp_path / "decks"


def test_folder_is_walked_recursively_sorted_md_only(tree: Path) -> None:
    (tree / "aws" / "zz.md").write_text("a :: b\n")
    (tree / "aws" / "UPPER.MD").write_text("a :: b\n")
    files, problems = discover([Path("decks")])
    assert problems == []
    assert [(f.display, f.default_deck) for f in files] == [
        ("decks/aws/UPPER.MD", "aws/UPPER"),
        ("decks/aws/modeling.md", "aws/modeling"),
        ("decks/aws/zz.md", "aws/zz"),
        ("decks/basics.md", "basics"),
    ]
    assert files[0].path.read_text() == "a :: b\n"


def test_trailing_slash_and_dot_roots(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files, _ = discover([Path("decks/")])
    assert files[-1].display == "decks/basics.md"
    monkeypatch.chdir(tree)
    files, _ = discover([Path(".")])
    assert [f.display for f in files] == ["aws/modeling.md", "basics.md"]


def test_explicit_files_any_suffix_and_deduplicated(tree: Path) -> None:
    files, problems = discover(
        [Path("decks/notes.txt"), Path("decks/basics.md"), Path("decks"), Path("decks/basics.md")]
    )
    assert problems == []
    assert files == [
        DeckFile(Path("decks/notes.txt"), "decks/notes.txt", "notes"),
        DeckFile(Path("decks/basics.md"), "decks/basics.md", "basics"),
        DeckFile(Path("decks/aws/modeling.md"), "decks/aws/modeling.md", "aws/modeling"),
    ]


def test_missing_path_is_a_problem(tree: Path) -> None:
    files, problems = discover([Path("nope.md"), Path("decks/basics.md")])
    assert [f.display for f in files] == ["decks/basics.md"]
    assert [str(p) for p in problems] == ["nope.md:0: no such file or directory"]
    assert not problems[0].warning


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symbolic links")
def test_symlinks_cannot_escape_or_loop(tree: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.md").write_text("x :: y\n")
    (tree / "escape.md").symlink_to(outside / "secret.md")
    (tree / "escape-dir").symlink_to(outside, target_is_directory=True)
    (tree / "aws" / "loop").symlink_to(tree, target_is_directory=True)
    (tree / "alias.md").symlink_to(tree / "basics.md")
    (tree / "broken.md").symlink_to(tmp_path / "gone.md")
    files, problems = discover([Path("decks")])
    assert [f.display for f in files] == ["decks/aws/modeling.md", "decks/basics.md"]
    assert [(str(p), p.warning) for p in problems] == [
        ("decks/broken.md:0: broken symbolic link; skipped", True),
        ("decks/escape-dir:0: symbolic link leads outside 'decks'; skipped", True),
        ("decks/escape.md:0: symbolic link leads outside 'decks'; skipped", True),
    ]


def test_special_file_is_refused(tmp_path: Path) -> None:
    if not hasattr(os, "mkfifo"):
        pytest.skip("needs named pipes")
    fifo = tmp_path / "pipe.md"
    os.mkfifo(fifo)
    files, problems = discover([fifo])
    assert files == []
    assert [p.message for p in problems] == ["not a regular file or folder"]
