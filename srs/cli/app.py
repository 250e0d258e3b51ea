"""The typer application, its global options and the helpers every command shares.

Only this package imports typer. Heavy modules (the collection, parser, scheduler, rich) are
imported inside the commands that need them, so `srs --help` starts fast.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from srs.collection import Collection

app = typer.Typer(
    name="srs",
    help="Spaced-repetition flashcards from Markdown decks (Anki's SM-2, terminal review).",
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


@app.callback()
def _globals(
    ctx: typer.Context,
    db: Annotated[
        Path | None,
        typer.Option("--db", envvar="SRS_DB", help="Collection file [default: user data folder]."),
    ] = None,
    now: Annotated[
        str | None,
        typer.Option(
            "--now",
            envvar="SRS_NOW",
            help="Act as if it were this ISO 8601 instant (scripts, tests).",
        ),
    ] = None,
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
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def echo(text: str = "") -> None:
    """Print human output; deck text in it is escaped for the terminal."""
    typer.echo(_safe(text))


def no_color() -> bool:
    """Colours follow the NO_COLOR convention."""
    return "NO_COLOR" in os.environ


def _register_commands() -> None:
    """Import every module of `srs.cli`: each registers its commands on `app` when imported.

    Found by listing the package, so a new command module cannot be forgotten. The modules
    import heavy parts lazily inside each command, so this stays cheap for `srs --help`.
    """
    import importlib
    import pkgutil

    for module in pkgutil.iter_modules([str(Path(__file__).parent)]):
        if module.name not in ("app", "screen"):
            importlib.import_module(f"srs.cli.{module.name}")


_register_commands()
