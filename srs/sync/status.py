"""`srs sync status`: who srs syncs as and what it has to push, read in one call."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from srs.dates import from_ms, iso
from srs.model import value_class
from srs.sync.auth import load_login, sync_folder

if TYPE_CHECKING:
    from srs.collection import Collection


@value_class
class SyncStatus:
    """The login (None when logged out), the mirror, and what the next sync would push."""

    server: str | None
    username: str | None
    mirror: Path
    cards_linked: int
    reviews_to_push: int
    notes_to_push: int
    last_sync: datetime | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "logged_in": self.server is not None,
            "server": self.server,
            "username": self.username,
            "mirror": str(self.mirror),
            "cards_linked": self.cards_linked,
            "reviews_to_push": self.reviews_to_push,
            "notes_to_push": self.notes_to_push,
            "last_sync": iso(self.last_sync) if self.last_sync else None,
        }


def sync_status(col: Collection, db: Path) -> SyncStatus:
    """The status of the collection at `db` (open as `col`); reads nothing from the server,
    and needs no `anki` package."""
    folder = sync_folder(db)
    login = load_login(folder)
    store = col.store
    synced_ms = store.sync_mark("synced_ms")
    return SyncStatus(
        server=login.server if login else None,
        username=login.username if login else None,
        mirror=folder / "collection.anki2",
        cards_linked=len(store.card_links()),
        reviews_to_push=len(store.reviews_to_push(store.sync_mark("review_id"))),
        notes_to_push=len(store.notes_to_push()),
        last_sync=from_ms(synced_ms) if synced_ms else None,
    )
