"""The `srs` command line: thin commands over `srs.collection`; nothing imports this package."""

from __future__ import annotations


def main() -> None:
    """Console-script entry point."""
    from srs.cli.app import app

    app()
