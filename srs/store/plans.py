"""What exam mode reads to plan a day: cards with memory, costs, today's answers."""

from __future__ import annotations

from srs.store.connection import Connection


class PlanQueries(Connection):
    """Read-only queries for `srs.memory.exam_mode`."""
