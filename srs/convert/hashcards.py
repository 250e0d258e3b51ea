"""hashcards source (not yet converted: see docs/convert.md)."""

from __future__ import annotations

from pathlib import Path

from srs.convert.model import Source
from srs.errors import ConvertError

__all__ = ["read_hashcards"]


def read_hashcards(source: Path) -> Source:
    """Not implemented yet."""
    raise ConvertError(f"{source}: converting hashcards decks is not implemented yet")
