"""`srs convert`: bring a deck from another program (Anki, CSV/TSV, Obsidian, hashcards)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from srs.cli.root import app, echo, emit_json, globals_of, opened, user_errors


@app.command("convert")
def convert(
    ctx: typer.Context,
    source: Annotated[
        Path, typer.Argument(metavar="SOURCE", help="Anki package, CSV/TSV file, or a folder.")
    ],
    to: Annotated[Path, typer.Option("--to", help="Folder for the Markdown decks and media.")],
    fmt: Annotated[
        str | None,
        typer.Option("--format", help="anki, csv, obsidian or hashcards (default: detected)."),
    ] = None,
    no_import: Annotated[
        bool, typer.Option("--no-import", help="Only write the files; do not import them.")
    ] = False,
    force: Annotated[
        bool, typer.Option("--force", help="Replace files srs convert did not write.")
    ] = False,
    separator: Annotated[
        str | None,
        typer.Option("--separator", help="CSV: the field (term/definition) separator."),
    ] = None,
    card_separator: Annotated[
        str | None,
        typer.Option("--card-separator", help="CSV: the card separator (Quizlet exports)."),
    ] = None,
    json: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
) -> None:
    """Convert decks of other programs to Markdown decks in DIR, then import them with their
    review history (see docs/convert.md)."""
    from srs.convert.csv import CsvOptions
    from srs.convert.run import convert as run_convert

    g = globals_of(ctx)
    unescape = {"\\t": "\t", "\\n": "\n"}
    options = CsvOptions(
        separator=unescape.get(separator, separator) if separator else None,
        card_separator=unescape.get(card_separator, card_separator) if card_separator else None,
    )
    with user_errors():
        conversion = run_convert(source, to, now=g.now(), fmt=fmt, force=force, csv_options=options)
    report = conversion.report
    if not no_import:
        with opened(ctx) as col:
            imported = col.import_paths(
                [to], g.now(), history=conversion.history, written=conversion.written
            )
        report.imported = imported.to_dict()
    if json:
        emit_json(report.to_dict())
        return
    for warning in report.warnings:
        echo(f"warning: {warning}")
    echo(
        f"Converted {report.notes} notes ({report.cards} cards, {report.reviews} reviews,"
        f" {report.media} media files) from {report.format} into {to}:"
        f" {len(report.files)} file(s) written, {len(report.unchanged)} unchanged"
    )
    if report.imported is not None:
        i = report.imported
        echo(f"Imported: {i['added']} added, {i['updated']} updated, {i['unchanged']} unchanged")
