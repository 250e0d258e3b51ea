"""`srs completion bash|zsh|fish`: print the shell's completion script.

typer's own `--install-completion`/`--show-completion` options stay off (`add_completion=False`
in `app`): they add two options to every `--help` and edit rc files. Here the script is printed
for the user to source, and typer's completion classes are registered only when the shell asks
for completions (`_SRS_COMPLETE` set; see `srs.cli.main`), so `srs --help` does no more work.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from srs.cli.root import app

PROG = "srs"
COMPLETE_VAR = "_SRS_COMPLETE"


class Shell(StrEnum):
    bash = "bash"
    zsh = "zsh"
    fish = "fish"


@app.command()
def completion(
    shell: Annotated[Shell, typer.Argument(help="bash, zsh or fish.")],
) -> None:
    """Print the shell completion script, e.g. `eval "$(srs completion bash)"` in ~/.bashrc."""
    from typer._completion_shared import get_completion_script

    typer.echo(get_completion_script(prog_name=PROG, complete_var=COMPLETE_VAR, shell=shell.value))


def enable() -> None:
    """Register typer's completion classes; called only when the shell asks for completions."""
    from typer._completion_classes import completion_init

    completion_init()
