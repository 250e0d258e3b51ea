"""Maintenance commands: backup and restore of the collection file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from srs.cli.root import app, echo, globals_of, opened, user_errors


@app.command()
def backup(ctx: typer.Context) -> None:
    """Copy the collection into the backups folder next to it now (the last 7 are kept)."""
    with opened(ctx) as col:
        made = col.store.backup(globals_of(ctx).now())
    echo(f"Backed up to {made}")


@app.command()
def restore(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(metavar="FILE", help="A backup (or collection) file.")],
) -> None:
    """Replace the collection by a backup (the current collection is backed up first)."""
    from srs.store.backup import restore as restore_file

    g = globals_of(ctx)
    with user_errors():
        done = restore_file(file, g.db, g.now())
    if done.previous is not None:
        echo(f"Saved the previous collection as {done.previous}")
    echo(f"Restored {g.db.expanduser()} from {done.source}")
