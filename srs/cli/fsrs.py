"""`srs fsrs optimize`: fit the memory model to your own review log.

The work is `Collection.optimize_fsrs` (`srs.memory.optimize`); this module prints the figures
and, while memory is replayed after `--apply`, a progress line on stderr.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer

from srs.cli.root import app, echo, emit_json, opened, user_errors

if TYPE_CHECKING:
    from srs.memory.optimize import Metrics, Optimized

fsrs_app = typer.Typer(help="The FSRS memory model: fit it to your reviews.", no_args_is_help=True)
app.add_typer(fsrs_app, name="fsrs")


def replay_progress(done: int, total: int) -> None:
    """Replaying memory: one line on stderr, rewritten in place on a terminal."""
    line = f"Updating card memory: {done:,}/{total:,} answers"
    if sys.stderr.isatty():
        sys.stderr.write("\r" + line + ("\n" if done >= total else ""))
    elif done >= total:
        sys.stderr.write(line + "\n")
    sys.stderr.flush()


@fsrs_app.command("optimize")
def optimize(
    ctx: typer.Context,
    deck: Annotated[
        str | None, typer.Option("--deck", help="Fit to this deck (and its sub-decks) only.")
    ] = None,
    apply: Annotated[
        bool,
        typer.Option("--apply", help="Store the parameters if they are fit to use (see docs)."),
    ] = False,
    json: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
) -> None:
    """Fit FSRS-6 parameters to your review log; report how well they predict held-out reviews."""
    with opened(ctx) as col, user_errors():
        result = col.optimize_fsrs(deck, apply=apply, progress=replay_progress)
    if json:
        emit_json(result.to_dict())
        return
    for line in describe(result, apply):
        echo(line)


def _metrics(label: str, value: Metrics | None) -> str:
    if value is None:
        return f"  {label:<22} —"
    return f"  {label:<22} log loss {value.log_loss:.4f}   RMSE(bins) {100 * value.rmse_bins:.2f} %"


def describe(result: Optimized, apply: bool) -> list[str]:
    """The report as plain lines."""
    scope = f"deck {result.deck}" if result.deck else "the collection"
    lines = [
        f"FSRS-6 fit to {scope}: {result.reviews} reviews used, {result.items} answers predicted",
        f"Scored on the latest {result.held_out} answers (not seen by the fit):",
        _metrics("default parameters", result.default_metrics),
    ]
    if result.current:
        lines.append(_metrics("parameters in force", result.current_metrics))
    lines += [
        _metrics("fitted parameters", result.fitted_metrics),
        "Parameters: " + ", ".join(f"{w:.4f}" for w in result.parameters),
        result.reason[0].upper() + result.reason[1:] + ".",
    ]
    if result.applied:
        where = f" --deck {result.deck}" if result.deck else ""
        lines.append(
            f"Applied as fsrs_parameters{' for deck ' + result.deck if result.deck else ''};"
            f" undo with `srs config set fsrs_parameters default{where}`."
        )
    elif result.can_apply and not apply:
        lines.append("Run again with --apply to use them.")
    return lines
