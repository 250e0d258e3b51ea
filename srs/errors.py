"""The one exception family of srs; the CLI turns each into a one-line message and exit 1.

Imports nothing from srs, so every layer can raise these.
"""

from __future__ import annotations

from srs.model import value_class


class SrsError(Exception):
    """Base class: a problem the user can fix, reported without a traceback."""


@value_class
class DeckProblem:
    """One located problem in a deck file; `str()` is the `path:line: message` the user sees."""

    path: str
    line: int
    message: str
    warning: bool = False

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class DeckError(SrsError):
    """One or more problems in deck files; nothing was written."""

    def __init__(self, problems: list[DeckProblem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class CollectionError(SrsError):
    """The collection file cannot be used (newer schema, not a collection, unwritable)."""


class CardNotFound(SrsError):
    """No card with the given id (or id prefix) exists in the collection."""


class DeckNotFound(SrsError):
    """No deck with the given name exists in the collection."""


class ConfigError(SrsError):
    """An option name or value is invalid; the message names the valid range."""


class ExportError(SrsError):
    """An export could not be written (bad media reference, unwritable output)."""


class NothingToExport(ExportError):
    """No note matched an export: refused rather than writing an empty package."""


class ConvertError(SrsError):
    """A deck from another program cannot be converted (bad or hostile input, a file in the
    way); the message names the file, and nothing was written."""


class SyncError(SrsError):
    """`srs sync` could not finish (not logged in, wrong password, network, server, another
    sync running); both collections are as they were before the step that failed."""
