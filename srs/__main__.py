"""`python -m srs` runs the command-line interface."""

from srs.cli import main

main()
