"""srs: spaced-repetition flashcards from Markdown decks.

The public API a script uses (docs/architecture.md has a worked example):

    from datetime import UTC, datetime
    import srs

    now = datetime.now(UTC)
    with srs.open_collection("collection.db", now=now) as col:
        col.import_paths([Path("decks")], now)
        card = col.next_card(now)
        if card is not None:
            col.answer(card.id, srs.Grade.GOOD, now)
        col.export_anki(Path("out.apkg"), now, with_scheduling=True)

Names are loaded on first use, so `import srs` (and `srs --help`) stays cheap.
"""

from __future__ import annotations

import importlib
from datetime import datetime, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from srs.collection import AnswerOutcome, Collection
    from srs.errors import CardNotFound, ConfigError, DeckError, SrsError
    from srs.model import Grade
    from srs.store.scope import QueueFilter
    from srs.views import CardView

__version__ = "0.1.0"

__all__ = [
    "AnswerOutcome",
    "CardNotFound",
    "CardView",
    "Collection",
    "ConfigError",
    "DeckError",
    "Grade",
    "QueueFilter",
    "SrsError",
    "open_collection",
]

_HOMES = {
    "AnswerOutcome": "srs.collection",
    "Collection": "srs.collection",
    "CardNotFound": "srs.errors",
    "ConfigError": "srs.errors",
    "DeckError": "srs.errors",
    "SrsError": "srs.errors",
    "Grade": "srs.model",
    "QueueFilter": "srs.store.scope",
    "CardView": "srs.views",
}


def open_collection(
    path: str | Path, *, now: datetime | None = None, zone: tzinfo | None = None
) -> Collection:
    """Open (creating if needed) a collection file; use it as a context manager."""
    from srs.collection import Collection

    return Collection.open(Path(path), zone, now=now)


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        return getattr(importlib.import_module(_HOMES[name]), name)
    raise AttributeError(f"module 'srs' has no attribute {name!r}")
