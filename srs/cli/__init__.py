"""The `srs` command line: thin commands over `srs.collection`; nothing imports this package."""

from __future__ import annotations


def main() -> None:
    """Console-script entry point.

    The program name is fixed to `srs` (also under `python -m srs`) so usage lines and the
    completion variable `_SRS_COMPLETE` are the same however srs was started. A command line
    that names a command imports the module registering it alone; anything else (help, an
    unknown word, shell completion) loads every command (`srs.cli.app`).
    """
    import importlib
    import os
    import sys

    from srs.cli.root import command_module

    if "_SRS_COMPLETE" in os.environ:  # the shell asks for completions (`srs completion`)
        from srs.cli.app import app
        from srs.cli.completion import enable

        enable()
        app(prog_name="srs")
        return
    args = sys.argv[1:]
    importlib.import_module(command_module(args) or "srs.cli.app")
    from srs.cli.root import command_app

    command_app(args)(prog_name="srs")
