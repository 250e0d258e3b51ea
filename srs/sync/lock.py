"""One sync at a time per collection: an exclusive lock on a file in the sync folder."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from srs.errors import SyncError


@contextmanager
def sync_lock(folder: Path) -> Iterator[None]:
    """Hold the sync lock, or refuse at once when another sync holds it (the lock goes with
    the process, so a killed sync never leaves it behind)."""
    folder.mkdir(parents=True, exist_ok=True)
    fd = os.open(folder / "sync.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise SyncError("another srs sync of this collection is running; try again") from None
        yield
    finally:
        os.close(fd)
