"""Obsidian Spaced Repetition source (not yet converted: see docs/convert.md)."""

from __future__ import annotations

from pathlib import Path

from srs.convert.model import Source
from srs.errors import ConvertError

__all__ = ["looks_like_obsidian", "read_vault"]


def looks_like_obsidian(source: Path) -> bool:
    """A vault folder (`.obsidian/`) or a note with the plugin's `#flashcards` tag."""
    if source.is_dir():
        return (source / ".obsidian").is_dir()
    try:
        return "#flashcards" in source.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False


def read_vault(source: Path) -> Source:
    """Not implemented yet."""
    raise ConvertError(f"{source}: converting Obsidian decks is not implemented yet")
