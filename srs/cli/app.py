"""The whole command line: `srs.cli.root`'s application with every command registered.

`srs.cli.main` imports only the module of the command a command line names
(`srs.cli.root.COMMAND_MODULES`); help, shell completion, the tests and the docs need every
command, and import this module.
"""

from __future__ import annotations

import importlib
import os
from pathlib import Path

from srs.cli.root import app, command_app, listing_app

__all__ = ["app", "command_app", "listing_app"]

_NOT_COMMANDS = ("__init__", "app", "root", "screen")


def _register_commands() -> None:
    """Import every module of `srs.cli`: each registers its commands on `app` when imported.

    Found by listing the package, so a new command module cannot be forgotten (a test checks
    `COMMAND_MODULES` against what they register). The modules import heavy parts lazily
    inside each command, so this stays cheap for `srs --help`.
    """
    for name in sorted(os.listdir(Path(__file__).parent)):  # pkgutil costs 1 ms of --help
        module, suffix = os.path.splitext(name)
        if suffix == ".py" and module not in _NOT_COMMANDS:
            importlib.import_module(f"srs.cli.{module}")


_register_commands()
