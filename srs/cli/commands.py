"""Collection commands: import, check, decks, cards, card, orphans, config, next, answer, undo."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from srs.cli.root import (
    app,
    echo,
    emit_json,
    fail,
    globals_of,
    opened,
    plural,
    say_if_exam_over,
    user_errors,
)

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
    counts = (
        (report.added, "added"),
        (report.updated, "updated"),
        (report.unchanged, "unchanged"),
        (report.relinked, "relinked"),
        (report.orphaned, "orphaned"),
        (report.revived, "revived"),
    )
    done = ", ".join(f"{n} {what}" for n, what in counts if n) or "no cards"
    drafts = f"; {plural(report.drafts, 'draft file')} skipped" if report.drafts else ""
    echo(f"Imported {plural(report.files, 'file')}: {done}{drafts}")


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
                "drafts": len(parsed.drafts),
                "warnings": parsed.warnings,
            }
        )
        return
    for warning in parsed.warnings:
        echo(f"warning: {warning}")
    drafts = f", {plural(len(parsed.drafts), 'draft file')} skipped" if parsed.drafts else ""
    echo(
        f"OK: {plural(len(parsed.decks), 'file')}, {plural(notes, 'note')},"
        f" {plural(cards, 'card')}{drafts}"
    )


@app.command()
def decks(ctx: typer.Context, json: JsonFlag = False) -> None:
    """List decks with total, new, learning and due counts as of now."""
    g = globals_of(ctx)
    with opened(ctx) as col:
        rows = col.decks(g.now())
        if json:
            emit_json(rows)
            return
        say_if_exam_over(col, g.now())
    if len(rows) <= 1:  # only the collection's total row
        echo("No decks yet. Import some with: srs import decks")
        return
    for line in deck_table(rows, shutil.get_terminal_size().columns):
        echo(line)


def deck_table(rows: list[dict[str, Any]], columns: int) -> list[str]:
    """The deck list as a tree (sub-decks indented under their parent, by their last name),
    then the collection's total; names are cut with an ellipsis to fit `columns`."""
    numbers = 6 + 6 + 6 + 6  # " total" "   new" " learn" "   due"

    def label(row: dict[str, Any]) -> str:
        if row["kind"] == "collection":
            return "all decks"
        return "  " * int(row["depth"]) + str(row["name"]).rsplit("/", 1)[-1]

    labels = [label(r) for r in rows]
    width = max(4, min(max(len(text) for text in labels), columns - numbers - 1))

    def cut(text: str) -> str:
        return text if len(text) <= width else text[: width - 1] + "…"

    lines = [f"{'deck':<{width}} {'total':>6}{'new':>6}{'learn':>6}{'due':>6}"]
    for text, r in zip(labels, rows, strict=True):
        lines.append(
            f"{cut(text):<{width}} {r['total']:>6}{r['new']:>6}{r['learning']:>6}{r['due']:>6}"
        )
    return lines


def _card_json(col: Collection, card: CardView, exam: str | None) -> dict[str, Any]:
    """The card's JSON; `exam` is the target exam at `--now` (found once per command)."""
    return card.to_dict(col.zone, col.day_starts_at, exam)


@app.command()
def cards(
    ctx: typer.Context, deck: DeckOpt = None, tag: TagOpt = None, json: JsonFlag = False
) -> None:
    """List cards (id, deck, state, due, front)."""
    with opened(ctx) as col:
        views = list(col.cards(deck, tag))
        if json:
            exam = col.target_exam(globals_of(ctx).now())
            emit_json([_card_json(col, c, exam) for c in views])
            return
        shown = col.short_ids(views)
        width = max((len(text) for text in shown.values()), default=0)
        for c in views:
            due = c.scheduling.due_day or c.scheduling.due_at
            flags = " suspended" if c.suspended else ""
            flags += " orphaned" if c.orphaned else ""
            echo(
                f"{shown[c.id]:<{width}} {c.deck[:28]:<28} {c.scheduling.state.value:<10}"
                f" {str(due or '-')[:10]:<10}{flags} {c.front_line()}"
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
            data = _card_json(col, view, col.target_exam(g.now()))
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
        for line in _card_status(col, view, g.now()):
            echo(line)
        echo("--- front")
        echo(view.front)
        echo("--- back")
        echo(view.back)
        echo(
            "--- next: "
            + "  ".join(f"{g_.name.title()} {label}" for g_, (_, label) in preview.items())
        )


def _card_status(col: Collection, view: CardView, now: Any) -> list[str]:
    """Why a card may not show in review: suspended, buried, orphaned, a leech."""
    lines = []
    if view.suspended:
        lines.append(f"suspended (srs unsuspend {view.id} to study it again)")
    buried = col.buried_until(view, now)
    if buried is not None:
        lines.append(f"buried until {buried} (skipped, or a sibling was studied today)")
    if view.orphaned:
        lines.append("orphaned: its text is gone from the deck file (see srs orphans)")
    if view.leech:
        lines.append(f"leech: forgotten {plural(view.scheduling.lapses, 'time')} (tag leech)")
    return lines


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
                echo(f"Purged {plural(count, 'orphaned card')}." if count else "No orphaned cards.")
            return
        found = col.orphans()
        if json:
            exam = col.target_exam(globals_of(ctx).now())
            emit_json([_card_json(col, c, exam) for c in found])
            return
        if not found:
            echo("No orphaned cards.")
            return
        for c in found:
            echo(f"{c.id}  {c.source}  reps {c.scheduling.reps}  {c.front_line()}")
        echo(f"{plural(len(found), 'orphaned card')}. Delete them with: srs orphans --purge")


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
            emit_json(_card_json(col, view, col.target_exam(g.now())) if view else None)
            return
        say_if_exam_over(col, g.now(), deck)
        if view is None:
            empty = col.store.card_count() == 0
            echo(
                "No cards yet. Import some with: srs import DECKS" if empty else "Nothing due now."
            )
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
            data = _card_json(col, col.card(outcome.card_id), col.target_exam(g.now()))
            data["review_id"] = outcome.review_id
            emit_json(data)
            return
        s = outcome.state
        echo(
            f"{outcome.card_id}: {chosen.name.title()} -> {s.state.value}, "
            f"due {_due_iso(col, s) or '-'}"
        )


@app.command()
def undo(ctx: typer.Context, json: JsonFlag = False) -> None:
    """Take back the latest answer (restores the card's previous state exactly)."""
    with opened(ctx) as col:
        view = col.undo()
        if json:
            emit_json(_card_json(col, view, col.target_exam(globals_of(ctx).now())))
            return
        echo(
            f"Undid the last answer of {view.id} ({view.front_line(40)});"
            f" it is {view.scheduling.state.value} again."
        )


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
        parsed = col.set_option(
            key, value, deck, now=globals_of(ctx).now(), progress=replay_progress
        )
    echo(f"{key} = {format_option(key, parsed)}" + (f" (deck {deck})" if deck else ""))
