"""`srs draft` and `srs explain`: the learner's own model via `llm` (an extra; docs/llm.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from srs.cli.root import app, echo, emit_json, fail, globals_of, opened

ModelOpt = Annotated[
    str | None,
    typer.Option(
        "--model",
        "-m",
        help="llm model id or alias [default: $SRS_LLM_MODEL, else `llm models default`].",
    ),
]
TimeoutOpt = Annotated[
    float, typer.Option("--timeout", min=0.1, help="Seconds to wait for the model.")
]
JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]


@app.command()
def draft(
    ctx: typer.Context,
    deck: Annotated[
        str | None, typer.Option("--deck", help="Cards for this deck (and its main domain).")
    ] = None,
    domain: Annotated[
        str | None,
        typer.Option("--domain", help="Domain id of the target exam [default: the weakest]."),
    ] = None,
    notes: Annotated[
        Path | None, typer.Option("--from", metavar="NOTES.md", help="Ground in your notes file.")
    ] = None,
    failed_since: Annotated[
        int | None,
        typer.Option(
            "--failed-since", metavar="DAYS", min=1, help="Ground in cards failed recently."
        ),
    ] = None,
    count: Annotated[int, typer.Option("--count", "-n", min=1, max=50)] = 5,
    kind: Annotated[str, typer.Option("--kind", help="mcq, basic or cloze.")] = "mcq",
    to: Annotated[
        Path | None, typer.Option("--to", metavar="FILE", help="Draft file to create.")
    ] = None,
    model: ModelOpt = None,
    timeout: TimeoutOpt = 120.0,
    json: JsonFlag = False,
) -> None:
    """Draft new cards with your language model into a file marked `draft: true`."""
    from srs.drafting.draft import DraftRequest
    from srs.drafting.draft import draft as run_draft

    if deck is not None and domain is not None:
        raise fail("--deck and --domain are alternatives; give one")
    g = globals_of(ctx)
    request = DraftRequest(
        kind=kind,
        count=count,
        model=model,
        deck=deck,
        domain=domain,
        notes=notes,
        failed_since_days=failed_since,
        to=to,
        timeout=timeout,
    )
    with opened(ctx) as col:
        result = run_draft(col, request, g.now())
    if json:
        emit_json(result.to_dict())
        return
    where = f" for {result.exam} domain {result.domain}" if result.domain else ""
    chosen = " (the weakest)" if result.domain_chosen == "weakest" else ""
    echo(f"Wrote {result.written} of {result.asked} card(s){where}{chosen} to {result.path}")
    if result.retried:
        echo(f"{result.retried} card(s) sent back once with the parser's messages")
    if result.dropped:
        echo(f"{result.dropped} card(s) dropped: they did not pass the checks")
        for problems in result.problems[:5]:
            echo("  " + problems.splitlines()[0][:160])
    if result.duplicates:
        echo(f"{result.duplicates} duplicate(s) of existing cards dropped")
    echo("Read every card, then delete the `draft: true` line and run: srs import FILE")


@app.command()
def explain(
    ctx: typer.Context,
    card_id: Annotated[str, typer.Argument(metavar="CARD")],
    model: ModelOpt = None,
    timeout: TimeoutOpt = 120.0,
    refresh: Annotated[
        bool, typer.Option("--refresh", help="Ask again instead of using the cache.")
    ] = False,
    json: JsonFlag = False,
) -> None:
    """Have your language model explain a card's concept, with an example (cached)."""
    from srs.drafting.explain import explain as run_explain

    with opened(ctx) as col:
        result = run_explain(col, card_id, model, timeout=timeout, refresh=refresh)
    if json:
        emit_json(result.to_dict())
        return
    from srs.cli.screen import markdown, terminal_console

    console = terminal_console()
    console.print(markdown(result.text))
    echo(f"-- {result.model}" + (" (cached)" if result.cached else ""))
