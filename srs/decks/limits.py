"""Limits every deck reader enforces, whatever the format (a hostile file must not hang srs)."""

from __future__ import annotations

MAX_BYTES = 5_000_000  # a deck file larger than this is refused
