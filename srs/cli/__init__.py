"""The `srs` command line: thin commands over `srs.collection`; nothing imports this package."""

from __future__ import annotations


def main() -> None:
    """Console-script entry point.

    The program name is fixed to `srs` (also under `python -m srs`) so usage lines and the
    completion variable `_SRS_COMPLETE` are the same however srs was started.
    """
    import os
    import sys

    from srs.cli.app import app, command_app

    if "_SRS_COMPLETE" in os.environ:  # the shell asks for completions (`srs completion`)
        from srs.cli.completion import enable

        enable()
        app(prog_name="srs")
        return
    command_app(sys.argv[1:])(prog_name="srs")
