"""The review log: answers written, taken back, and read for replay."""

from __future__ import annotations

from srs.store.connection import Connection


class ReviewQueries(Connection):
    """The `reviews` table."""
