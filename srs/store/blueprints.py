"""Exam blueprints as imported: one JSON document per exam code."""

from __future__ import annotations

from srs.store.connection import Connection


class BlueprintQueries(Connection):
    """The `blueprints` table (written by an import, in its transaction)."""

    def blueprint_documents(self) -> list[str]:
        """Every stored blueprint's JSON, by exam code."""
        rows = self.conn.execute("SELECT data FROM blueprints ORDER BY code")
        return [row[0] for row in rows]
