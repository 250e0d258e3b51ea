"""Options as stored: one JSON value per (key, deck scope)."""

from __future__ import annotations

import json
from typing import Any

from srs.store.connection import Connection


class ConfigQueries(Connection):
    """The `config` table."""

    def config_values(self, deck: str = "") -> dict[str, Any]:
        """Stored option values for one scope ('' = the whole collection)."""
        rows = self.conn.execute("SELECT key, value FROM config WHERE deck = ?", (deck,))
        return {row["key"]: json.loads(row["value"]) for row in rows}

    def config_scopes(self) -> list[str]:
        """Deck names that have options of their own."""
        rows = self.conn.execute("SELECT DISTINCT deck FROM config WHERE deck != '' ORDER BY 1")
        return [row[0] for row in rows]

    def set_config(self, key: str, value: Any, deck: str = "") -> None:
        """Store one option value for a scope."""
        with self.transaction():
            self.conn.execute(
                "INSERT INTO config (key, deck, value) VALUES (?, ?, ?)"
                " ON CONFLICT (key, deck) DO UPDATE SET value = excluded.value",
                (key, deck, json.dumps(value)),
            )
