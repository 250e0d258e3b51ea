"""Deck formats: which reader turns a file into notes, chosen by the file's suffix.

A reader takes a `DeckFile` and returns a `ParsedDeck` (or raises one DeckError listing every
problem in the file); it builds its notes from drafts with `srs.decks.builder`, so identity is
the same whatever the format. A format that knows review history returns a `DeckRead`
instead: the deck and its cards' history (`srs.decks.builder.note_history`), which the import
writes with the notes. Folders are walked for the registered suffixes; a file the user
names explicitly is read as Markdown whatever its suffix (the user asked for it).

Only srs's Markdown is registered; a second format is one more entry in `READERS`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import field
from pathlib import Path
from typing import TYPE_CHECKING

from srs.decks.limits import MAX_BYTES
from srs.digests import blake2b
from srs.model import value_class

if TYPE_CHECKING:
    from srs.decks.builder import CardHistory
    from srs.model import DeckFile, ParsedDeck

__all__ = [
    "MAX_BYTES",
    "READERS",
    "DeckRead",
    "Reader",
    "bytes_digest",
    "deck_suffixes",
    "file_digest",
    "parser_fingerprint",
    "reader_for",
]


@value_class
class DeckRead:
    """A deck read with the review history its format carried (card id -> history)."""

    deck: ParsedDeck
    history: Mapping[str, CardHistory] = field(default_factory=dict)


Reader = Callable[["DeckFile"], "ParsedDeck | DeckRead"]


def read_markdown(deck_file: DeckFile) -> ParsedDeck:
    """srs's Markdown (docs/deck-format.md); the parser is loaded on first use."""
    from srs.decks.markdown import parse_file

    return parse_file(deck_file)


# Lower-case suffix -> reader. Folders are walked for these suffixes.
READERS: dict[str, Reader] = {".md": read_markdown}
# What reads a file named explicitly whose suffix is not registered.
DEFAULT_READER: Reader = read_markdown


def deck_suffixes() -> tuple[str, ...]:
    """The suffixes a folder walk picks up (lower case, with the dot)."""
    return tuple(READERS)


def reader_for(deck_file: DeckFile) -> Reader:
    """The reader of a deck file, by its suffix (Markdown for an unregistered one)."""
    return READERS.get(deck_file.path.suffix.lower(), DEFAULT_READER)


@functools.cache
def parser_fingerprint() -> str:
    """A digest of the code that turns a file into notes: `srs.decks` and the model.

    Stored with each imported file, so a file is parsed again whenever srs reads files
    differently (an upgrade, or a fix), not only when the file itself changed.
    """
    digest = blake2b(digest_size=8)
    decks = Path(__file__).resolve().parent
    for module in [*sorted(decks.glob("*.py")), decks.parent / "model.py"]:
        digest.update(module.read_bytes())
    return digest.hexdigest()


def file_digest(deck_file: DeckFile, max_bytes: int = MAX_BYTES) -> str | None:
    """A digest of a deck file's bytes (None if it cannot be read: parsing will say why)."""
    try:
        with open(deck_file.path, "rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError:
        return None
    return bytes_digest(data)


def bytes_digest(data: bytes) -> str:
    """The digest `file_digest` gives a file holding exactly `data` (at most MAX_BYTES)."""
    return blake2b(data, digest_size=16).hexdigest()
