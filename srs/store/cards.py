"""Cards and decks: reading cards for display, writing their scheduling state."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from srs.model import SchedulingState
from srs.store.connection import Connection
from srs.store.rows import CARD_SELECT, FLAG_COLUMNS, SCHEDULING_COLUMNS, state_to_columns
from srs.store.sql import chunks, like_escape


class CardQueries(Connection):
    """The `cards` and `decks` tables."""

    def deck_ids(self, names: Iterable[str]) -> dict[str, int]:
        """Ids of the named decks, creating the missing ones (call inside a transaction)."""
        wanted = set(names)
        ids = {
            row["name"]: row["id"]
            for row in self.conn.execute("SELECT id, name FROM decks")
            if row["name"] in wanted
        }
        for name in sorted(wanted - ids.keys()):
            cursor = self.conn.execute("INSERT INTO decks (name) VALUES (?)", (name,))
            assert cursor.lastrowid is not None
            ids[name] = cursor.lastrowid
        return ids

    def deck_names(self) -> list[str]:
        """All deck names that hold at least one card, sorted."""
        rows = self.conn.execute(
            "SELECT DISTINCT d.name FROM decks d JOIN cards c ON c.deck_id = d.id ORDER BY d.name"
        )
        return [row[0] for row in rows]

    def card_ids_by_note(self, note_ids: Iterable[str]) -> dict[str, list[tuple[str, str, int]]]:
        """(card id, kind, ordinal) of the cards of each given note."""
        result: dict[str, list[tuple[str, str, int]]] = {}
        for chunk, marks in chunks(list(note_ids)):
            for row in self.conn.execute(
                f"SELECT id, note_id, kind, ordinal FROM cards WHERE note_id IN ({marks})", chunk
            ):
                result.setdefault(row["note_id"], []).append(
                    (row["id"], row["kind"], row["ordinal"])
                )
        return result

    def card_decks(self, card_ids: Sequence[str]) -> dict[str, str]:
        """Card id -> deck name, for the given cards."""
        found: dict[str, str] = {}
        for chunk, marks in chunks(card_ids):
            rows = self.conn.execute(
                f"SELECT c.id, d.name FROM cards c JOIN decks d ON d.id = c.deck_id"
                f" WHERE c.id IN ({marks})",
                chunk,
            )
            found.update((row[0], row[1]) for row in rows)
        return found

    def next_position(self) -> int:
        """The new-card position after the last one handed out."""
        row = self.conn.execute("SELECT COALESCE(MAX(position), -1) + 1 FROM cards").fetchone()
        return int(row[0])

    def card_row(self, card_id: str) -> sqlite3.Row | None:
        """One card joined with its note and deck, or None."""
        row: sqlite3.Row | None = self.conn.execute(
            CARD_SELECT + " WHERE c.id = ?", (card_id,)
        ).fetchone()
        return row

    def card_ids_with_prefix(self, prefix: str, limit: int = 2) -> list[str]:
        """Card ids starting with `prefix` (for ids typed by hand)."""
        rows = self.conn.execute(
            "SELECT id FROM cards WHERE id LIKE ? ESCAPE '\\' ORDER BY id LIMIT ?",
            (like_escape(prefix) + "%", limit),
        )
        return [row[0] for row in rows]

    def card_rows(
        self, where: str = "", params: Sequence[Any] | dict[str, Any] = ()
    ) -> Iterator[sqlite3.Row]:
        """Cards joined with notes and decks, filtered by a WHERE fragment, in deck order."""
        sql = CARD_SELECT + (f" WHERE {where}" if where else "") + " ORDER BY d.name, c.position"
        yield from self.conn.execute(sql, params)

    def update_card_state(
        self, card_id: str, state: SchedulingState, *, flags: dict[str, Any] | None = None
    ) -> None:
        """Write a card's scheduling columns (and optional flags) (inside a transaction)."""
        columns = state_to_columns(state) | (flags or {})
        assignments = ", ".join(f"{name} = :{name}" for name in columns)
        self.conn.execute(
            f"UPDATE cards SET {assignments} WHERE id = :card_id", columns | {"card_id": card_id}
        )

    def card_snapshot(self, card_id: str) -> dict[str, Any]:
        """Everything an answer may change on a card, as a JSON-able dict (for undo)."""
        columns = ", ".join(SCHEDULING_COLUMNS + FLAG_COLUMNS)
        row = self.conn.execute(f"SELECT {columns} FROM cards WHERE id = ?", (card_id,)).fetchone()
        return dict(row)

    def restore_snapshot(self, card_id: str, snapshot: dict[str, Any]) -> None:
        """Put back a `card_snapshot` exactly."""
        assignments = ", ".join(f"{name} = :{name}" for name in snapshot)
        self.conn.execute(
            f"UPDATE cards SET {assignments} WHERE id = :card_id", snapshot | {"card_id": card_id}
        )
