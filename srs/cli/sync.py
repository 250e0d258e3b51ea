"""`srs sync`: two-way sync with Anki (AnkiWeb, a self-hosted server, AnkiDroid); see
docs/sync.md. The work is `srs.sync`; `anki` is imported only when a sync or login runs."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from srs.cli.root import app, echo, emit_json, globals_of, opened, plural, user_errors

sync_app = typer.Typer(
    help="Two-way sync with Anki (AnkiWeb, a sync server, AnkiDroid).",
    invoke_without_command=True,
)
app.add_typer(sync_app, name="sync")


@sync_app.callback()
def sync(
    ctx: typer.Context,
    json: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
    rebuild: Annotated[
        bool, typer.Option("--rebuild", help="Rebuild the mirror from the server first.")
    ] = False,
    force_upload: Annotated[
        bool,
        typer.Option(
            "--force-upload",
            help="Replace the server's collection with srs's (drops what only Anki has).",
        ),
    ] = False,
    inbox: Annotated[
        Path | None,
        typer.Option("--inbox", help="Deck file for notes added in Anki (default: beside --db)."),
    ] = None,
) -> None:
    """Sync with Anki: pull answers and notes made there, push srs's (see docs/sync.md)."""
    if ctx.invoked_subcommand is not None:
        return
    from srs.sync.run import sync as run_sync

    g = globals_of(ctx)
    with opened(ctx) as col:
        report = run_sync(
            col, g.db, now=g.now(), inbox=inbox, rebuild=rebuild, force_upload=force_upload
        )
    if json:
        emit_json(report.to_dict())
        return
    for warning in report.warnings:
        echo(f"warning: {warning}")
    for conflict in report.conflicts:
        echo(
            f"{conflict['path']}:{conflict['line']}: edited in Anki"
            f" ({', '.join(conflict['fields'])}); not written to the file: change it there"
        )
    full = f", full {report.full}" if report.full else ""
    echo(
        f"Synced with {report.server}{full}: {plural(report.reviews_pulled, 'review')} pulled,"
        f" {plural(report.reviews_pushed, 'review')} and {plural(report.notes_pushed, 'note')}"
        " pushed"
    )
    if report.inbox_notes:
        echo(f"{plural(report.inbox_notes, 'note')} added in Anki written to {report.inbox}")


@sync_app.command("login")
def login(
    ctx: typer.Context,
    username: Annotated[str, typer.Option("--username", help="Your sync user name (email).")],
    endpoint: Annotated[
        str | None,
        typer.Option("--endpoint", help="A self-hosted sync server's URL (default: AnkiWeb)."),
    ] = None,
) -> None:
    """Log in to the sync server; keeps the host key (never the password), readable by you only.
    The password comes from a prompt, or from SRS_SYNC_PASSWORD for scripts."""
    from srs.sync.auth import save_login, sync_folder
    from srs.sync.mirror import login as ask_login

    g = globals_of(ctx)
    password = os.environ.get("SRS_SYNC_PASSWORD")
    if password is None:
        password = typer.prompt("Password", hide_input=True)
    folder = sync_folder(g.db)
    with user_errors():
        found = ask_login(endpoint, username, password)
        save_login(folder, found)
    echo(f"Logged in to {found.server} as {username}.")


@sync_app.command("logout")
def logout(ctx: typer.Context) -> None:
    """Forget the login (the mirror collection stays)."""
    from srs.sync.auth import remove_login, sync_folder

    g = globals_of(ctx)
    with user_errors():
        had = remove_login(sync_folder(g.db))
    echo("Logged out." if had else "Not logged in.")


@sync_app.command("status")
def status(
    ctx: typer.Context,
    json: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
) -> None:
    """Who srs syncs as, and what srs has to push."""
    from srs.sync.status import sync_status

    g = globals_of(ctx)
    with user_errors(), opened(ctx) as col:
        found = sync_status(col, g.db)
        zone = col.zone
    if json:
        emit_json(found.to_dict())
        return
    if found.server is None:
        echo("Not logged in: srs sync login --username NAME [--endpoint URL]")
    else:
        echo(f"Logged in to {found.server} as {found.username}.")
    last = found.last_sync.astimezone(zone).strftime("%Y-%m-%d %H:%M") if found.last_sync else None
    echo(f"Last sync: {last or 'never'}.")
    echo(
        f"{plural(found.cards_linked, 'card')} in Anki; to push:"
        f" {plural(found.reviews_to_push, 'review')}, {plural(found.notes_to_push, 'note')}"
    )
