"""Collection commands: import, check, decks, cards, card, orphans, config, next, answer, undo."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from srs.cli.app import app, echo, emit_json, fail, globals_of, opened, user_errors

if TYPE_CHECKING:
    from srs.collection import Collection
    from srs.views import CardView

JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]
DeckOpt = Annotated[str | None, typer.Option("--deck", help="Only this deck (and its sub-decks).")]
TagOpt = Annotated[str | None, typer.Option("--tag", help="Only cards with this tag.")]
Paths = Annotated[list[Path], typer.Argument(help="Deck files or folders (searched recursively).")]


@app.command("import")
def import_(ctx: typer.Context, paths: Paths, json: JsonFlag = False) -> None:
    """Import Markdown decks into the collection (one transaction; re-import keeps history)."""
    g = globals_of(ctx)
    with opened(ctx) as col:
        report = col.import_paths(paths, g.now())
    if json:
        emit_json(report.to_dict())
        return
    for warning in report.warnings:
        echo(f"warning: {warning}")
    echo(
        f"Imported {report.files} file(s): {report.added} added, {report.updated} updated, "
        f"{report.unchanged} unchanged, {report.relinked} relinked, {report.orphaned} orphaned"
        + (f", {report.revived} revived" if report.revived else "")
    )


@app.command()
def check(ctx: typer.Context, paths: Paths, json: JsonFlag = False) -> None:
    """Validate deck files without writing anything."""
    from srs.decks.reader import read_decks

    with user_errors():
        parsed = read_decks(paths)
    notes = sum(len(d.notes) for d in parsed.decks)
    cards = sum(len(n.cards) for d in parsed.decks for n in d.notes)
    if json:
        emit_json(
            {
                "files": len(parsed.decks),
                "notes": notes,
                "cards": cards,
                "warnings": parsed.warnings,
            }
        )
        return
    for warning in parsed.warnings:
        echo(f"warning: {warning}")
    echo(f"OK: {len(parsed.decks)} file(s), {notes} note(s), {cards} card(s)")


@app.command()
def decks(ctx: typer.Context, json: JsonFlag = False) -> None:
    """List decks with total, new, learning and due counts as of now."""
    g = globals_of(ctx)
    with opened(ctx) as col:
        rows = col.decks(g.now())
    if json:
        emit_json(rows)
        return
    if not rows:
        echo("No decks yet. Import some with: srs import decks")
        return
    width = max(len(r["name"]) for r in rows)
    echo(f"{'deck':<{width}}  {'total':>6} {'new':>5} {'learn':>5} {'due':>5}")
    for r in rows:
        echo(
            f"{r['name']:<{width}}  {r['total']:>6} {r['new']:>5} {r['learning']:>5} {r['due']:>5}"
        )


def _card_json(col: Collection, card: CardView) -> dict[str, Any]:
    return card.to_dict(col.zone, col.day_starts_at, col.target_exam)


@app.command()
def cards(
    ctx: typer.Context, deck: DeckOpt = None, tag: TagOpt = None, json: JsonFlag = False
) -> None:
    """List cards (id, deck, state, due, front)."""
    with opened(ctx) as col:
        views = list(col.cards(deck, tag))
        if json:
            emit_json([_card_json(col, c) for c in views])
            return
        for c in views:
            due = c.scheduling.due_day or c.scheduling.due_at
            first_line = c.front.strip().splitlines()[0] if c.front.strip() else ""
            flags = " suspended" if c.suspended else ""
            flags += " orphaned" if c.orphaned else ""
            echo(
                f"{c.id[:16]:<16} {c.deck[:28]:<28} {c.scheduling.state.value:<10}"
                f" {str(due or '-')[:10]:<10}{flags} {first_line[:60]}"
            )


@app.command()
def card(
    ctx: typer.Context,
    card_id: Annotated[str, typer.Argument(metavar="ID")],
    json: JsonFlag = False,
) -> None:
    """Show one card, with the interval each answer button would give now."""
    g = globals_of(ctx)
    with opened(ctx) as col:
        view = col.card(card_id)
        preview = col.preview(view.id, g.now())
        if json:
            data = _card_json(col, view)
            data["preview"] = {
                grade.name.lower(): {
                    "label": label,
                    "state": state.state.value,
                    "interval_days": state.interval_days,
                    "due": _due_iso(col, state),
                }
                for grade, (state, label) in preview.items()
            }
            emit_json(data)
            return
        echo(f"{view.id}  [{view.deck}]  {view.kind.value}  {view.source}")
        echo(
            f"state {view.scheduling.state.value}, interval {view.scheduling.interval_days}d, "
            f"reps {view.scheduling.reps}, lapses {view.scheduling.lapses}"
        )
        echo("--- front")
        echo(view.front)
        echo("--- back")
        echo(view.back)
        echo(
            "--- next: "
            + "  ".join(f"{g_.name.title()} {label}" for g_, (_, label) in preview.items())
        )


def _due_iso(col: Collection, state: Any) -> str | None:
    from srs.views import due_iso

    return due_iso(state, col.zone, col.day_starts_at)


@app.command()
def orphans(
    ctx: typer.Context,
    purge: Annotated[
        bool, typer.Option("--purge", help="Delete orphans and their history.")
    ] = False,
    json: JsonFlag = False,
) -> None:
    """List cards whose text vanished from their deck (kept, with history, never studied)."""
    with opened(ctx) as col:
        if purge:
            count = col.purge_orphans()
            if json:
                emit_json({"purged": count})
            else:
                echo(f"Purged {count} orphaned card(s).")
            return
        found = col.orphans()
        if json:
            emit_json([_card_json(col, c) for c in found])
            return
        for c in found:
            echo(f"{c.id}  {c.source}  reps {c.scheduling.reps}")
        echo(f"{len(found)} orphaned card(s). Delete them with: srs orphans --purge")


def _grade(text: str) -> Any:
    from srs.model import Grade

    names = {g.name.lower(): g for g in Grade}
    if text.lower() in names:
        return names[text.lower()]
    if text.isdigit() and 1 <= int(text) <= 4:
        return Grade(int(text))
    raise fail(f"invalid grade {text!r}: use 1-4 or again, hard, good, easy")


@app.command("next")
def next_(
    ctx: typer.Context, deck: DeckOpt = None, tag: TagOpt = None, json: JsonFlag = False
) -> None:
    """Print the card to study now (null when nothing is due)."""
    from srs.store.scope import QueueFilter

    g = globals_of(ctx)
    with opened(ctx) as col:
        view = col.next_card(g.now(), QueueFilter(deck, tag))
        if json:
            emit_json(_card_json(col, view) if view else None)
            return
        if view is None:
            echo("Nothing due now.")
            return
        echo(f"{view.id}  [{view.deck}]")
        echo(view.front)


@app.command()
def answer(
    ctx: typer.Context,
    card_id: Annotated[str, typer.Argument(metavar="ID")],
    grade: Annotated[str, typer.Argument(help="1 again, 2 hard, 3 good, 4 easy.")],
    duration_ms: Annotated[int, typer.Option("--duration-ms", help="Time spent, ms.")] = 0,
    json: JsonFlag = False,
) -> None:
    """Record an answer and print the card afterwards (committed before printing)."""
    g = globals_of(ctx)
    chosen = _grade(grade)
    with opened(ctx) as col:
        outcome = col.answer(card_id, chosen, g.now(), duration_ms)
        if json:
            data = _card_json(col, outcome.card)
            data["review_id"] = outcome.review_id
            emit_json(data)
            return
        s = outcome.card.scheduling
        echo(
            f"{outcome.card.id}: {chosen.name.title()} -> {s.state.value}, "
            f"due {_due_iso(col, s) or '-'}"
        )


@app.command()
def undo(ctx: typer.Context, json: JsonFlag = False) -> None:
    """Take back the latest answer (restores the card's previous state exactly)."""
    with opened(ctx) as col:
        view = col.undo()
        if json:
            emit_json(_card_json(col, view))
            return
        echo(f"Undid the last answer of {view.id}; it is {view.scheduling.state.value} again.")


@app.command()
def suspend(ctx: typer.Context, card_id: Annotated[str, typer.Argument(metavar="ID")]) -> None:
    """Suspend a card (it leaves every queue)."""
    with opened(ctx) as col:
        view = col.set_suspended(card_id, True)
    echo(f"Suspended {view.id}.")


@app.command()
def unsuspend(ctx: typer.Context, card_id: Annotated[str, typer.Argument(metavar="ID")]) -> None:
    """Put a suspended card back into study."""
    with opened(ctx) as col:
        view = col.set_suspended(card_id, False)
    echo(f"Unsuspended {view.id}.")


config_app = typer.Typer(help="Show and change scheduling options.", no_args_is_help=True)
app.add_typer(config_app, name="config")
ConfigDeck = Annotated[
    str | None, typer.Option("--deck", help="Options of this deck (inherits the collection's).")
]


@config_app.command("list")
def config_list(ctx: typer.Context, deck: ConfigDeck = None, json: JsonFlag = False) -> None:
    """List every option with the value in force."""
    with opened(ctx) as col:
        rows = col.option_rows(deck)
    if json:
        emit_json(dict(rows))
        return
    for name, value in rows:
        echo(f"{name} = {value}")


@config_app.command("get")
def config_get(ctx: typer.Context, key: str, deck: ConfigDeck = None) -> None:
    """Print one option's value."""
    with opened(ctx) as col:
        rows = dict(col.option_rows(deck))
    if key not in rows:
        raise fail(f"unknown option {key!r}; valid options: {', '.join(rows)}")
    echo(rows[key])


@config_app.command("set")
def config_set(ctx: typer.Context, key: str, value: str, deck: ConfigDeck = None) -> None:
    """Set an option (for the collection, or for one deck with --deck)."""
    from srs.cli.fsrs import replay_progress
    from srs.options import format_option

    with opened(ctx) as col:
        parsed = col.set_option(key, value, deck, progress=replay_progress)
    echo(f"{key} = {format_option(key, parsed)}" + (f" (deck {deck})" if deck else ""))
