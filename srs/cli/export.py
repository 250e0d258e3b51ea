"""`srs export anki`: write decks as an Anki package."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from srs.cli.root import app, echo, emit_json, globals_of, opened

export_app = typer.Typer(help="Export decks to other programs.", no_args_is_help=True)
app.add_typer(export_app, name="export")


@export_app.command("anki")
def export_anki(
    ctx: typer.Context,
    out: Annotated[Path, typer.Argument(metavar="OUT.apkg", help="Package file to write.")],
    deck: Annotated[
        list[str] | None,
        typer.Option("--deck", help="Export this deck and its sub-decks (repeatable)."),
    ] = None,
    tag: Annotated[str | None, typer.Option("--tag", help="Only notes with this tag.")] = None,
    with_scheduling: Annotated[
        bool,
        typer.Option("--with-scheduling", help="Carry card states and the review log along."),
    ] = False,
    json: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
) -> None:
    """Export decks to an Anki .apkg that Anki imports (and updates in place on re-import)."""
    g = globals_of(ctx)
    with opened(ctx) as col:
        summary = col.export_anki(
            out, g.now(), decks=deck or (), tag=tag, with_scheduling=with_scheduling
        )
    if json:
        emit_json(
            {
                "path": str(out),
                "notes": summary.notes,
                "cards": summary.cards,
                "media": summary.media,
                "reviews": summary.reviews,
            }
        )
        return
    echo(
        f"Wrote {out}: {summary.notes} notes, {summary.cards} cards, {summary.media} media files"
        + (f", {summary.reviews} reviews" if with_scheduling else "")
    )
    if with_scheduling:
        echo('In Anki: File > Import, and tick "Import any learning progress".')
