"""The typer application, its global options and the helpers every command shares.

Each module of `srs.cli` registers its commands on `app` when it is imported. A command line
that names a command imports that command's module alone (`COMMAND_MODULES`); `srs.cli.app`
imports them all (help, completion, tests). Only this package imports typer. Heavy modules
(the collection, parser, scheduler, rich) are imported inside the commands that need them, so
`srs --help` starts fast.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperGroup

if TYPE_CHECKING:
    from srs.collection import Collection

GLOBAL_OPTIONS = ("--db", "--now")  # options of `srs` itself, accepted after the command too
FIRST_COMMANDS = ("review",)  # listed first by `srs --help`; the rest in registration order


def hoist_global_options(args: list[str]) -> list[str]:
    """`args` with the global options (and their values) moved to the front.

    Click only reads a group's options before the command name, so `srs review --db X` would
    fail with "no such option"; moved, the global options work wherever they are written.
    Nothing after `--` is touched.
    """
    front: list[str] = []
    rest: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            rest += args[i:]
            break
        if arg in GLOBAL_OPTIONS and i + 1 < len(args):
            front += args[i : i + 2]
            i += 2
            continue
        if arg.split("=", 1)[0] in GLOBAL_OPTIONS and "=" in arg:
            front.append(arg)
        else:
            rest.append(arg)
        i += 1
    return front + rest


class SrsGroup(TyperGroup):
    """The root command: global options anywhere, `review` first in the help."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:  # typer vendors click
        return super().parse_args(ctx, hoist_global_options(args))

    def format_help(self, ctx: Any, formatter: Any) -> None:
        # The default collection is named only when help is shown: finding it imports
        # platformdirs, which a command given `--db` never needs.
        for param in self.params:
            if param.name == "db" and isinstance(param, typer.core.TyperOption):
                param.help = db_help()
        super().format_help(ctx, formatter)

    def list_commands(self, ctx: Any) -> list[str]:
        names = super().list_commands(ctx)
        first = [name for name in FIRST_COMMANDS if name in names]
        return first + [name for name in names if name not in first]


app = typer.Typer(
    name="srs",
    cls=SrsGroup,
    help="Spaced-repetition flashcards from Markdown decks (Anki's SM-2, terminal review)."
    " The options below may also follow the command (srs review --db FILE).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@dataclass(slots=True)
class Globals:
    """Options given before the command, shared by every command."""

    db: Path
    now_text: str | None

    def now(self) -> datetime:
        """The instant the command acts at: `--now`/`SRS_NOW`, else the clock."""
        from srs.dates import parse_instant, utc_now

        return parse_instant(self.now_text) if self.now_text else utc_now()


def default_db() -> Path:
    """The collection in the user data folder (platformdirs), e.g. ~/.local/share/srs."""
    from platformdirs import user_data_path

    return user_data_path("srs", appauthor=False) / "collection.db"


def db_help() -> str:
    """The help of `--db`, naming the default collection."""
    return f"Collection file [default: {_shown(default_db())}]."


def _shown(path: Path) -> str:
    """A path as the help shows it: the home folder as `~`."""
    home = Path.home()
    return f"~/{path.relative_to(home)}" if path.is_relative_to(home) else str(path)


def _print_version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        typer.echo(f"srs {version('srs')}")
        raise typer.Exit()


@app.callback()
def _globals(
    ctx: typer.Context,
    db: Annotated[
        Path | None,
        typer.Option(
            "--db",
            envvar="SRS_DB",
            help="Collection file (see `srs --help` for the default).",
            show_default=False,
        ),
    ] = None,
    now: Annotated[
        str | None,
        typer.Option(
            "--now",
            envvar="SRS_NOW",
            help="Act as if it were this ISO 8601 instant (scripts, tests).",
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option(
            "--version", is_eager=True, callback=_print_version, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    ctx.obj = Globals(db=db or default_db(), now_text=now)


def globals_of(ctx: typer.Context) -> Globals:
    obj = ctx.find_root().obj
    assert isinstance(obj, Globals)
    return obj


def fail(message: str) -> typer.Exit:
    """Print `Error: message` on stderr and return the exit to raise."""
    typer.echo(f"Error: {message}", err=True)
    return typer.Exit(code=1)


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn srs exceptions into one-line messages and exit status 1 (no traceback)."""
    from srs.errors import DeckError, SrsError

    try:
        yield
    except DeckError as e:
        for problem in e.problems:
            typer.echo(_safe(str(problem)), err=True)
        n = len(e.problems)
        typer.echo(
            f"Error: {n} problem{'s' if n != 1 else ''} found; nothing was written.", err=True
        )
        raise typer.Exit(code=1) from None
    except SrsError as e:
        raise fail(_safe(str(e))) from None
    except KeyboardInterrupt:
        raise typer.Exit(code=130) from None


def _safe(text: str) -> str:
    from srs.terminal import escape_text

    return escape_text(text)


@contextmanager
def opened(ctx: typer.Context) -> Iterator[Collection]:
    """The collection named by `--db`, opened for one command, with user errors handled."""
    from srs.cli.progress import TerminalProgress
    from srs.collection import Collection

    with user_errors():
        g = globals_of(ctx)
        collection = Collection.open(g.db, now=g.now())
        progress = TerminalProgress()
        collection.progress = progress  # long work draws a bar on a terminal after ~1 s
        try:
            yield collection
        finally:
            progress.close()
            collection.close()


def emit_json(data: Any) -> None:
    """Print JSON for scripts (UTF-8, stable key order as built)."""
    import json

    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def echo(text: str = "") -> None:
    """Print human output; deck text in it is escaped for the terminal."""
    typer.echo(_safe(text))


def exam_over_line(exam_date: date) -> str:
    """The one line that says exam mode has ended and the normal schedule is back."""
    return (
        f"Exam mode ended on {exam_date}: normal scheduling is back"
        " (clear the date with `srs config set exam_date off`)."
    )


def say_if_exam_over(col: Collection, now: datetime, deck: str | None = None) -> None:
    """Print `exam_over_line` when the exam date has passed: once per command's output."""
    passed = col.exam_date_passed(now, deck)
    if passed is not None:
        echo(fit_to_terminal(exam_over_line(passed)))


def fit_to_terminal(text: str) -> str:
    """Text wrapped at word boundaries to the terminal's width; unchanged when not printing to
    a terminal (a pipe or a file gets one line per message, for grep)."""
    if not sys.stdout.isatty():
        return text
    import shutil
    import textwrap

    width = shutil.get_terminal_size().columns
    return textwrap.fill(text, width=max(width - 1, 20), break_on_hyphens=False)


def plural(count: int, word: str) -> str:
    """`1 card`, `2 cards`: a count with its noun."""
    return f"{count} {word}{'' if count == 1 else 's'}"


def no_color() -> bool:
    """Colours follow the NO_COLOR convention: set and not empty (no-color.org)."""
    return bool(os.environ.get("NO_COLOR"))


def command_app(args: list[str]) -> typer.Typer:
    """`app` narrowed to the one command `args` run (all of `app` for anything else).

    Typer turns every registered command into a Click command before it runs one, reading
    each callback's signature and evaluating its annotations (~20 ms for srs's 30 commands,
    a sixth of `srs next`); a command line that names a command only needs that one. The
    global options, their callback and the group settings are `app`'s own, so the command
    parses, runs and reports errors exactly as under the full `app`. No command name (`srs`,
    `srs --help`, `srs --version`) or an unknown one gets `listing_app()`.
    """
    import copy

    from typer.main import get_command_name

    name = command_name(args)
    commands = [
        c
        for c in app.registered_commands
        if c.callback is not None and (c.name or get_command_name(c.callback.__name__)) == name
    ]
    groups = [g for g in app.registered_groups if g.name == name]
    if not name or name.startswith("-") or not (commands or groups):
        return listing_app()
    narrowed = copy.copy(app)
    narrowed.registered_commands = commands
    narrowed.registered_groups = groups
    return narrowed


def command_name(args: list[str]) -> str:
    """The word of a command line after the global options: the command it names, if any."""
    rest = hoist_global_options(args)
    i = 0
    while i < len(rest) and (
        rest[i] in GLOBAL_OPTIONS or rest[i].split("=", 1)[0] in GLOBAL_OPTIONS
    ):
        i += 1 if "=" in rest[i] else 2
    return rest[i] if i < len(rest) else ""


COMMAND_MODULES = {
    **dict.fromkeys(
        (
            "import",
            "check",
            "decks",
            "cards",
            "card",
            "orphans",
            "next",
            "answer",
            "undo",
            "suspend",
            "unsuspend",
            "config",
        ),
        "commands",
    ),
    "completion": "completion",
    "convert": "convert",
    "draft": "draft",
    "explain": "draft",
    "exam": "exam",
    "backup": "maintenance",
    "restore": "maintenance",
    "plan": "plan",
    "review": "review",
    "stats": "stats",
    "export": "export",
    "fsrs": "fsrs",
    "sync": "sync",
}
"""The module of `srs.cli` that registers each command and command group, by name. A command
line that names one imports its module alone: importing all of them cost every cold start
~11 ms. tests/test_cli.py checks the table against what importing every module registers."""


def command_module(args: list[str]) -> str | None:
    """`srs.cli.NAME` of the module registering the command `args` name; None when they name
    none (help, version, an unknown word): then every command is needed."""
    module = COMMAND_MODULES.get(command_name(args))
    return None if module is None else f"srs.cli.{module}"


def _listed() -> None:
    """Stands in for a command's callback when only its name and help are shown."""


def listing_app() -> typer.Typer:
    """`app` for a command line that runs no command (`srs`, `srs --help`, `srs --version`, an
    unknown command): every command and group is only listed, so each becomes a stand-in
    with its name and help and no parameters.

    Building the real commands reads 30 signatures and evaluates their annotations, a third of
    `srs --help`; the listing, the root's options, "No such command" and its suggestions need
    none of it, and come out exactly as from `app` (tests compare the two).
    """
    import copy
    import inspect

    from typer.main import get_command_name, solve_typer_info_help

    commands = []
    for info in app.registered_commands:
        if info.callback is None:
            continue
        stand_in = copy.copy(info)
        stand_in.name = info.name or get_command_name(info.callback.__name__)
        stand_in.help = inspect.getdoc(info.callback) if info.help is None else info.help
        stand_in.callback = _listed
        commands.append(stand_in)
    groups = []
    for group in app.registered_groups:
        listed = copy.copy(group)
        listed.help = solve_typer_info_help(group)
        listed.callback = None
        listed.typer_instance = typer.Typer()
        groups.append(listed)
    listing = copy.copy(app)
    listing.registered_commands = commands
    listing.registered_groups = groups
    return listing
