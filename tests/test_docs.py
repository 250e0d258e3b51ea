"""The docs keep up with the code: every command documented and helped, every option listed."""

from __future__ import annotations

import re
from pathlib import Path

import typer
from typer.main import get_command

from srs.cli.app import app
from srs.options import OPTION_NAMES, Options, format_option

DOCS = Path(__file__).resolve().parent.parent / "docs"
CLI_DOC = (DOCS / "cli.md").read_text(encoding="utf-8")


def command_paths() -> list[tuple[str, str | None]]:
    """(`srs ...` words, help text) for every leaf command."""
    found: list[tuple[str, str | None]] = []

    def walk(command: object, words: list[str]) -> None:
        sub = getattr(command, "commands", None)
        if sub:
            for name, child in sub.items():
                walk(child, [*words, name])
        else:
            found.append((" ".join(words), getattr(command, "help", None)))

    walk(get_command(app), [])
    return found


def test_every_command_has_help_and_a_section() -> None:
    paths = command_paths()
    assert len(paths) >= 15
    for words, help_text in paths:
        assert help_text and help_text.strip(), f"srs {words} has no help"
        top = words.split()[0]
        assert re.search(rf"`srs {re.escape(top)}\b", CLI_DOC), f"srs {words} missing in cli.md"


def test_every_option_is_in_the_table_with_its_default() -> None:
    defaults = Options()
    for name in OPTION_NAMES:
        shown = format_option(name, getattr(defaults, name))
        row = re.search(rf"^\| `{name}` \| `?([^|`]+)`? \|", CLI_DOC, re.MULTILINE)
        assert row, f"option {name} missing in docs/cli.md"
        assert row.group(1).strip() == shown, (name, row.group(1), shown)


def test_readme_has_exactly_two_setup_commands() -> None:
    readme = (DOCS.parent / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```sh\n(.*?)```", readme, re.DOTALL)
    assert len(blocks) == 2
    assert blocks[0].strip().startswith("pip install -e .")
    ci = (DOCS.parent / ".ci" / "run").read_text(encoding="utf-8")
    test_command = blocks[1].strip()
    for part in test_command.split(" && "):
        assert part.replace("pip install -e", "pip install -q -e") in ci or part in ci, part


def test_typer_is_only_imported_by_the_cli() -> None:
    root = DOCS.parent / "srs"
    for path in root.rglob("*.py"):
        if "cli" in path.relative_to(root).parts:
            continue
        text = path.read_text(encoding="utf-8")
        assert "import typer" not in text, path
    assert typer  # the CLI does use it
