"""The whole command line: `srs.cli.root`'s application with every command registered.

`srs.cli.main` imports only the module of the command a command line names
(`srs.cli.root.COMMAND_MODULES`); help, shell completion, the tests and the docs need every
command, and import this module.
"""

from __future__ import annotations

import importlib

from srs.cli.root import COMMAND_MODULES, app, command_app, listing_app

__all__ = ["app", "command_app", "listing_app"]


def _register_commands() -> None:
    """Import the module of every command (`COMMAND_MODULES`): each registers its commands on
    `app` when imported.

    Screens (`review_screen`, `exam_screen`, `screen`, ...) are not command modules: the
    commands import them when they run, so `srs --help` does not load them. A test imports
    every module of the package and checks that `COMMAND_MODULES` names each command's module.
    """
    for module in sorted(set(COMMAND_MODULES.values())):
        importlib.import_module(f"srs.cli.{module}")


_register_commands()
