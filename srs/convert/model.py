"""The values a source reader returns and a conversion reports."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from srs.decks.builder import CardHistory
from srs.model import McqOption, NoteKind, value_class

__all__ = ["ConvertReport", "ConvertedNote", "MediaItem", "Source"]


@value_class
class ConvertedNote:
    """One note as another program had it, already in srs's Markdown.

    `deck` uses "/" between levels; `id` is an explicit srs id when the source has a stable
    one (an Anki GUID), so converting twice and exporting back keep the same cards;
    `history` holds each card's state and past answers (by card ordinal).
    """

    kind: NoteKind
    front: str
    back: str
    deck: str
    options: tuple[McqOption, ...] = ()
    tags: tuple[str, ...] = ()
    id: str | None = None
    history: tuple[CardHistory, ...] = ()
    origin: str = ""  # where it came from, for messages ("deck.csv:12", "note 1234")
    # The Anki note type it came from, when its fields and templates are named as srs's
    # note type of its kind: `srs export anki` then exports it under that id, so importing
    # back into the same Anki profile updates the note instead of reporting a conflict.
    anki_notetype: int | None = None


@value_class
class MediaItem:
    """A media file a note refers to: its safe file name and where its bytes are."""

    name: str
    source: Path


@dataclass(slots=True)
class Source:
    """What a source reader found: notes, the media they use, warnings, skipped counts."""

    notes: list[ConvertedNote] = field(default_factory=list)
    media: dict[str, MediaItem] = field(default_factory=dict)  # name -> file
    warnings: list[str] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)  # reason -> notes skipped


@dataclass(slots=True)
class ConvertReport:
    """What a conversion did (`srs convert --json`)."""

    format: str
    files: list[str] = field(default_factory=list)  # deck files written (relative to DIR)
    unchanged: list[str] = field(default_factory=list)  # already as they should be
    removed: list[str] = field(default_factory=list)  # written before, no longer produced
    notes: int = 0
    cards: int = 0
    reviews: int = 0  # past answers carried (in the source; the import logs each once)
    media: int = 0  # media files copied
    skipped: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    imported: dict[str, Any] | None = None  # the import's report, unless --no-import

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract of `srs convert --json`."""
        return {
            "format": self.format,
            "files_written": list(self.files),
            "files_unchanged": list(self.unchanged),
            "files_removed": list(self.removed),
            "notes": self.notes,
            "cards": self.cards,
            "reviews": self.reviews,
            "media": self.media,
            "skipped": dict(self.skipped),
            "warnings": list(self.warnings),
            "import": self.imported,
        }
