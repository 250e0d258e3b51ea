"""Broken and hostile deck files: each is refused with `path:line: message` on stderr, exit 1,
no traceback, and the collection is left exactly as it was (every table compared).

The committed corpus is `tests/data/bad/`; files too big to commit (20 MB, 100,000 lines,
25,000 cloze deletions) and symbolic-link loops are generated into `tmp_path` at test time.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from helpers import dump
from typer.testing import CliRunner

from srs.cli.app import app
from srs.collection import Collection

ROOT = Path(__file__).resolve().parent.parent
BAD = ROOT / "tests" / "data" / "bad"
NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
NO_CARDS = "no cards in this file"
NOT_UTF8 = "not UTF-8 text (byte 0x{}); save the file as UTF-8"
BINARY = "binary file (NUL byte): a deck must be Markdown text"
WIDE = "{} text; save the file as UTF-8"
BAD_ID = "invalid id '{}': use up to 100 letters, digits, '.', '_', '-', '/'"

# file (relative to tests/data/bad) -> (line, expected message fragment)
CORPUS: dict[str, tuple[int, str]] = {
    "fm_unclosed.md": (1, "front matter is not closed: add a '---' line after it"),
    "fm_bad_yaml.md": (2, "bad YAML front matter: expected ',' or ']'"),
    "fm_bad_indent.md": (3, "bad YAML front matter: mapping values are not allowed here"),
    "fm_list.md": (2, "front matter must be YAML keys and values"),
    "fm_scalar.md": (2, "front matter must be YAML keys and values"),
    "fm_deck_list.md": (2, "front matter 'deck' must be text"),
    "fm_tags_mapping.md": (2, "front matter 'tags' must be a list of words"),
    "fm_deck_empty_part.md": (2, "invalid deck name 'aws//ml' (empty part between '/')"),
    "fm_deep_nesting.md": (2, "bad YAML front matter: nested too deeply"),
    "fm_deep_mapping.md": (2, "bad YAML front matter: nested too deeply"),
    "fm_billion_laughs.md": (3, "aliases (*name) are not allowed in front matter"),
    "fm_python_tag.md": (2, "bad YAML front matter: could not determine a constructor"),
    "fm_bad_date.md": (2, "bad YAML front matter: day is out of range for month"),
    "fm_too_long.md": (2, "front matter is too long (over 65536 characters)"),
    "q_without_a.md": (4, "'Q:' without 'A:'"),
    "a_without_q.md": (4, "'A:' without a 'Q:' before it"),
    "explanation_without_q.md": (4, "'Explanation:' without a 'Q:' before it"),
    "empty_question.md": (4, "empty question after 'Q:'"),
    "empty_answer.md": (5, "empty answer after 'A:'"),
    "c_without_cloze.md": (4, "'C:' block without a cloze deletion"),
    "cloze_unterminated.md": (4, "unclosed cloze '{{c1::...' (missing '}}')"),
    "cloze_nested.md": (4, "nested cloze deletions are not supported"),
    "cloze_c0.md": (4, "cloze numbers start at 1"),
    "cloze_empty.md": (4, "empty cloze deletion '{{c1::}}'"),
    "cloze_many_unterminated.md": (4, "unclosed cloze '{{c1::...' (missing '}}')"),
    "mcq_no_correct.md": (4, "multiple-choice question without a correct option"),
    "mcq_one_option.md": (4, "multiple-choice question needs at least two options"),
    "mcq_empty_option.md": (6, "empty multiple-choice option"),
    "two_ids.md": (7, "card has two ids ('one' and 'two')"),
    "invalid_id_space.md": (6, BAD_ID.format("has space")),
    "invalid_id_traversal.md": (6, BAD_ID.format("../../etc/passwd")),
    "invalid_id_too_long.md": (6, BAD_ID.format("a" * 101)),
    # Control characters from the file are shown escaped, never sent to the terminal.
    "invalid_id_escape.md": (6, BAD_ID.format("\\x1b[2J\\x1b]0")),
    "invalid_id_bidi.md": (6, BAD_ID.format("abc\\u202edm.exe")),
    "duplicate_id_same_file.md": (5, "duplicate id 'same' (also used at "),
    "dup_ids": (3, "duplicate id 'shared' (also used at "),  # a folder: two files, one id
    "no_cards.md": (1, NO_CARDS),
    "empty.md": (1, NO_CARDS),
    "only_whitespace.md": (1, NO_CARDS),
    "only_front_matter.md": (1, NO_CARDS),
    "only_comments.md": (1, NO_CARDS),
    "unclosed_fence.md": (1, NO_CARDS),  # markers inside an unclosed fence are code
    "deeply_nested_lists.md": (402, "'Q:' without 'A:'"),
    "deeply_nested_quotes.md": (401, "'Q:' without 'A:'"),
    "cr_line_endings.md": (4, "'Q:' without 'A:'"),
    "nul_byte.md": (3, BINARY),
    "png_disguised.md": (3, BINARY),
    "latin1.md": (1, NOT_UTF8.format("e9")),
    "cp1252_quotes.md": (1, NOT_UTF8.format("93")),
    "utf16_le_bom.md": (1, WIDE.format("UTF-16")),
    "utf16_be_bom.md": (1, WIDE.format("UTF-16")),
    "utf32.md": (1, WIDE.format("UTF-32")),
    "overlong_utf8.md": (1, NOT_UTF8.format("c0")),
    "surrogate_utf8.md": (2, NOT_UTF8.format("ed")),
    "truncated_utf8.md": (2, NOT_UTF8.format("e2")),
}

runner = CliRunner()


@pytest.fixture
def filled(db_path: Path, deck_dir: Path) -> Path:
    with Collection.open(db_path) as col:
        col.import_paths([deck_dir], NOW)
    return db_path


def import_fails(target: Path, collection: Path) -> list[str]:
    """Run `srs import target`; assert refusal without traceback or change; its stderr lines."""
    before = dump(collection)
    result = runner.invoke(app, ["--now", "2026-03-02T10:00:00Z", "import", str(target)])
    assert result.exit_code == 1, (target, result.stdout, result.stderr)
    # Only typer's clean exit: an uncaught exception would be kept here.
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.stdout + result.stderr
    lines = result.stderr.splitlines()
    assert lines[-1].startswith("Error: ") and lines[-1].endswith("nothing was written.")
    assert "\x1b" not in result.stderr and "\u202e" not in result.stderr
    assert dump(collection) == before
    return lines[:-1]


def test_the_corpus_is_complete() -> None:
    on_disk = {p.name for p in BAD.iterdir()}
    assert on_disk == set(CORPUS)
    assert len(CORPUS) >= 40


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_bad_file_is_refused_with_its_location(name: str, filled: Path) -> None:
    line, fragment = CORPUS[name]
    problems = import_fails(BAD / name, filled)
    assert len(problems) == 1, problems
    location, _, message = problems[0].partition(f":{line}: ")
    assert location.startswith(str(BAD / name)), problems[0]
    assert fragment in message, problems[0]


def test_whole_corpus_at_once_reports_every_file(filled: Path) -> None:
    problems = import_fails(BAD, filled)
    assert len(problems) == len(CORPUS)
    named = {Path(p.split(":", 1)[0]).relative_to(BAD).parts[0] for p in problems}
    assert named == set(CORPUS)


def test_a_good_file_next_to_a_bad_one_is_not_imported(filled: Path, tmp_path: Path) -> None:
    good = tmp_path / "good.md"
    good.write_text("Fresh card :: imported only if every file is valid\n")
    result = runner.invoke(app, ["import", str(good), str(BAD / "q_without_a.md")])
    assert result.exit_code == 1
    with Collection.open(filled) as col:
        assert not any("Fresh card" in c.front for c in col.cards())


def test_subprocess_stderr_is_one_clean_line_per_problem(filled: Path) -> None:
    """The real command, as a user runs it: no traceback, escapes shown as text."""
    env = dict(os.environ, SRS_DB=str(filled), PYTHONPATH=str(ROOT))
    names = ["fm_billion_laughs.md", "invalid_id_escape.md", "utf16_le_bom.md"]
    run = subprocess.run(
        [sys.executable, "-m", "srs", "import", *(str(BAD / n) for n in names)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert run.returncode == 1
    assert run.stdout == ""
    lines = run.stderr.splitlines()
    assert len(lines) == 4 and lines[-1] == "Error: 3 problems found; nothing was written."
    for name, shown in zip(names, lines, strict=False):
        line, fragment = CORPUS[name]
        assert shown.startswith(f"{BAD / name}:{line}: ") and fragment in shown
    assert "\x1b" not in run.stderr


# -- generated at test time ---------------------------------------------------------------


def test_twenty_megabyte_file_is_refused_early(filled: Path, tmp_path: Path) -> None:
    big = tmp_path / "big.md"
    with big.open("wb") as handle:
        chunk = b"Q: question\nA: answer\n\n" * 40_000
        while handle.tell() < 20_000_000:
            handle.write(chunk)
    (problem,) = import_fails(big, filled)
    assert problem == f"{big}:1: file is too large (over 5000000 bytes); split it"


def test_hundred_thousand_line_file(filled: Path, tmp_path: Path) -> None:
    long = tmp_path / "long.md"
    long.write_text("# Long\n\n" + "plain line of notes\n" * 100_000 + "Q: the last line\n")
    (problem,) = import_fails(long, filled)
    assert problem == f"{long}:100003: 'Q:' without 'A:'"


def test_hundred_thousand_cards_in_one_file_are_refused(filled: Path, tmp_path: Path) -> None:
    many = tmp_path / "many.md"
    many.write_text("".join(f"term {i} :: meaning {i}\n" for i in range(100_000)))
    (problem,) = import_fails(many, filled)
    assert problem == (
        f"{many}:20001: too many cards (more than 20000 in one file); split the file"
    )


def test_huge_cloze_count_is_refused(filled: Path, tmp_path: Path) -> None:
    """Each cloze card repeats the note text: groups x text is capped before rendering."""
    cloze = tmp_path / "cloze.md"
    cloze.write_text("C: " + " ".join(f"{{{{c{i}::w{i}}}}}" for i in range(1, 25_001)) + "\n")
    (problem,) = import_fails(cloze, filled)
    # {{c10000::...}} and above are not deletions (four digits at most): 9,999 groups.
    assert problem.startswith(f"{cloze}:1: too many cloze deletions for one card (9999 groups")
    padded = tmp_path / "padded.md"
    groups = " ".join(f"{{{{c{i}::w{i}}}}}" for i in range(1, 101))
    padded.write_text("C: " + groups + " filler" * 40_000 + "\n")
    (problem,) = import_fails(padded, filled)
    assert problem.startswith(f"{padded}:1: too many cloze deletions for one card (100 groups")


def test_very_long_line_with_an_error(filled: Path, tmp_path: Path) -> None:
    wide = tmp_path / "wide.md"
    wide.write_text("Q: " + "x" * 2_000_000 + "\n")
    (problem,) = import_fails(wide, filled)
    assert problem == f"{wide}:1: 'Q:' without 'A:'"


def test_symlink_loops_in_a_deck_folder(filled: Path, tmp_path: Path) -> None:
    """Loops and links leading out neither hang the walk nor pull files in."""
    root = tmp_path / "looping"
    (root / "sub").mkdir(parents=True)
    (root / "loop").symlink_to(".")
    (root / "sub" / "up").symlink_to("..")
    (root / "a.md").symlink_to("b.md")
    (root / "b.md").symlink_to("a.md")
    (root / "outside.md").symlink_to(BAD / "q_without_a.md")
    (root / "sub" / "bad.md").write_text("Q: inside the loop\n")
    problems = import_fails(root, filled)
    assert problems == [f"{root}/sub/bad.md:1: 'Q:' without 'A:'"]
    # With the broken file fixed, the same tree imports once, with warnings for the links.
    (root / "sub" / "bad.md").write_text("Q: inside the loop\nA: read once\n")
    result = runner.invoke(app, ["import", str(root)])
    assert result.exit_code == 0, result.stderr
    assert "Imported 1 file: 1 added" in result.stdout
    for link in ("a.md", "b.md"):
        assert f"{root}/{link}:0: symbolic link loop; skipped" in result.stdout
    assert f"{root}/outside.md:0: symbolic link leads outside" in result.stdout


def test_unreadable_deck_file(filled: Path, tmp_path: Path) -> None:
    """A file the process may not read (a folder named like a deck here, since we are root)."""
    odd = tmp_path / "folder.md"
    odd.mkdir()
    shutil.copy(BAD / "q_without_a.md", odd / "inner.md")
    (problem,) = import_fails(odd, filled)
    assert problem == f"{odd}/inner.md:4: 'Q:' without 'A:'"
    fifo = tmp_path / "pipe.md"
    os.mkfifo(fifo)
    (problem,) = import_fails(fifo, filled)
    assert problem == f"{fifo}:0: not a regular file or folder"
