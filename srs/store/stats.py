"""The aggregate queries behind `srs stats`."""

from __future__ import annotations

from srs.store.connection import Connection


class StatsQueries(Connection):
    """Read-only figures over `reviews` and `cards`."""
