"""Cards and decks: reading cards for display, writing their scheduling state."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from srs.model import SchedulingState, value_class
from srs.store.connection import Connection
from srs.store.rows import (
    CARD_SELECT,
    FLAG_COLUMNS,
    SCHEDULING_COLUMNS,
    card_view_from_row,
    state_from_row,
    state_to_columns,
)
from srs.store.scope import NOT_BURIED, QueueFilter
from srs.store.sql import chunks, like_escape
from srs.views import CardView

_ANSWERING_SELECT = (
    "SELECT c.id, d.name AS deck, "
    + ", ".join(f"c.{column}" for column in SCHEDULING_COLUMNS + FLAG_COLUMNS)
    + " FROM cards c JOIN decks d ON d.id = c.deck_id WHERE c.id = ?"
)


@value_class
class Answering:
    """A card as an answer reads it: its deck, its scheduling state, and the `card_snapshot`
    that undo puts back."""

    card_id: str
    deck: str
    state: SchedulingState
    snapshot: dict[str, Any]


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

    def card_count(self) -> int:
        """Every card in the collection (orphaned and suspended ones too)."""
        return int(self.conn.execute("SELECT COUNT(*) FROM cards").fetchone()[0])

    def next_position(self) -> int:
        """The new-card position after the last one handed out."""
        row = self.conn.execute("SELECT COALESCE(MAX(position), -1) + 1 FROM cards").fetchone()
        return int(row[0])

    def card_view(self, card_id: str) -> CardView | None:
        """One card joined with its note and deck, or None."""
        row = self.conn.execute(CARD_SELECT + " WHERE c.id = ?", (card_id,)).fetchone()
        return card_view_from_row(row) if row is not None else None

    def card_ids(self) -> list[str]:
        """Every card id (orphans too), for ids shown shortened but unambiguous."""
        return [row[0] for row in self.conn.execute("SELECT id FROM cards")]

    def card_ids_with_prefix(self, prefix: str, limit: int = 2) -> list[str]:
        """Card ids starting with `prefix` (for ids typed by hand)."""
        rows = self.conn.execute(
            "SELECT id FROM cards WHERE id LIKE ? ESCAPE '\\' ORDER BY id LIMIT ?",
            (like_escape(prefix) + "%", limit),
        )
        return [row[0] for row in rows]

    def card_views(self, flt: QueueFilter, *, studying: bool = False) -> Iterator[CardView]:
        """Cards in a deck and/or with a tag (`studying`: only studyable ones), in deck order."""
        where, params = flt.sql(studying=studying)
        yield from self._views(where, params)

    def orphaned_card_views(self) -> list[CardView]:
        """Cards whose text vanished from their deck file, kept with their history."""
        return list(self._views("c.orphaned = 1", {}))

    def _views(self, where: str, params: dict[str, Any]) -> Iterator[CardView]:
        sql = f"{CARD_SELECT} WHERE {where} ORDER BY d.name, c.position"
        for row in self.conn.execute(sql, params):
            yield card_view_from_row(row)

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
        """Everything an answer may change on a card, as a JSON-able dict (for undo): the
        snapshot `answering` reads."""
        card = self.answering(card_id)
        assert card is not None, f"no card {card_id}"  # callers name a card they have shown
        return card.snapshot

    def answering(self, card_id: str) -> Answering | None:
        """What answering a card reads (inside the answer's transaction), or None.

        The card's row and deck name alone: the full `card_view` also reads the note's row and
        its exam domains from pages an answer never needs (on a 100k-card collection, two of
        the three random page reads of an answer).
        """
        row = self.conn.execute(_ANSWERING_SELECT, (card_id,)).fetchone()
        if row is None:
            return None
        snapshot = dict(row)
        return Answering(snapshot.pop("id"), snapshot.pop("deck"), state_from_row(row), snapshot)

    def restore_snapshot(self, card_id: str, snapshot: dict[str, Any]) -> None:
        """Put back a `card_snapshot` exactly."""
        assignments = ", ".join(f"{name} = :{name}" for name in snapshot)
        self.conn.execute(
            f"UPDATE cards SET {assignments} WHERE id = :card_id", snapshot | {"card_id": card_id}
        )

    def bury_card(self, card_id: str, until_day: int) -> None:
        """Hide a card from queues until the scheduler day `until_day` (an ordinal)."""
        with self.transaction():
            self.conn.execute(
                "UPDATE cards SET buried_until = ? WHERE id = ?", (until_day, card_id)
            )

    def set_card_suspended(self, card_id: str, suspended: bool) -> None:
        """Suspend or unsuspend one card."""
        with self.transaction():
            self.conn.execute(
                "UPDATE cards SET suspended = ? WHERE id = ?", (int(suspended), card_id)
            )

    def purge_orphans(self) -> int:
        """Delete orphaned cards and notes with their history; the number of cards deleted."""
        with self.transaction() as conn:
            count = conn.execute("SELECT COUNT(*) FROM cards WHERE orphaned = 1").fetchone()[0]
            conn.execute("DELETE FROM cards WHERE orphaned = 1")
            conn.execute(
                "DELETE FROM notes WHERE orphaned = 1 OR id NOT IN (SELECT note_id FROM cards)"
            )
        return int(count)

    def most_mapped_exam(self) -> str | None:
        """The exam most notes serve (the target exam when no blueprint is imported)."""
        row = self.conn.execute(
            "SELECT exam FROM note_domains GROUP BY exam ORDER BY COUNT(*) DESC, exam LIMIT 1"
        ).fetchone()
        return row[0] if row else None

    # -- what a review session asks ---------------------------------------------------------

    def card_slot(self, card_id: str) -> tuple[str, int]:
        """(kind, ordinal) of a card: which card of its note it is."""
        row = self.conn.execute(
            "SELECT kind, ordinal FROM cards WHERE id = ?", (card_id,)
        ).fetchone()
        return row["kind"], row["ordinal"]

    def card_ids_in_file(self, path: str) -> set[str]:
        """Ids of every card (orphaned too) of the notes from one deck file."""
        rows = self.conn.execute(
            "SELECT c.id FROM cards c JOIN notes n ON n.id = c.note_id WHERE n.path = ?", (path,)
        )
        return {row[0] for row in rows}

    def live_card_at(self, note_id: str | None, kind: str, ordinal: int) -> str | None:
        """The live card of a note in a given slot (the card a relinked note carries on)."""
        row = self.conn.execute(
            "SELECT id FROM cards WHERE note_id = ? AND kind = ? AND ordinal = ? AND orphaned = 0",
            (note_id, kind, ordinal),
        ).fetchone()
        return row[0] if row else None

    def card_nearest_line(self, card_ids: Iterable[str], kind: str, line: int) -> str | None:
        """Of these cards, the one of `kind` whose note starts nearest `line`."""
        row = self.conn.execute(
            "SELECT c.id FROM cards c JOIN notes n ON n.id = c.note_id"
            " WHERE c.id IN (SELECT value FROM json_each(?)) AND c.kind = ?"
            " ORDER BY ABS(n.line - ?), c.ordinal LIMIT 1",
            (json.dumps(sorted(card_ids)), kind, line),
        ).fetchone()
        return row[0] if row else None

    def learning_ahead(
        self, flt: QueueFilter, now_ms: int, ahead_ms: int, today: int, *, due_too: bool
    ) -> tuple[int, str | None]:
        """Intraday learning cards due by `ahead_ms` (`due_too`: also those due by `now_ms`):
        how many, and the one due first."""
        where, params = flt.sql()
        row = self.conn.execute(
            "SELECT COUNT(*), (SELECT c.id FROM cards c WHERE {w} ORDER BY c.due_at LIMIT 1)"
            " FROM cards c WHERE {w}".format(
                w=f"{where} AND c.due_at IS NOT NULL AND (:due_too OR c.due_at > :now_ms)"
                f" AND c.due_at <= :ahead AND {NOT_BURIED}"
            ),
            params | {"now_ms": now_ms, "ahead": ahead_ms, "today": today, "due_too": due_too},
        ).fetchone()
        return int(row[0]), row[1]

    def learning_between(
        self, flt: QueueFilter, after_ms: int, before_ms: int
    ) -> tuple[int, int | None]:
        """Intraday learning cards due after `after_ms` and before `before_ms`: how many, and
        the earliest due instant (ms)."""
        where, params = flt.sql()
        row = self.conn.execute(
            f"SELECT COUNT(*), MIN(c.due_at) FROM cards c WHERE {where} AND c.due_at > :ahead"
            " AND c.due_at < :rollover",
            params | {"ahead": after_ms, "rollover": before_ms},
        ).fetchone()
        return int(row[0]), row[1]

    def idle_facts(self, flt: QueueFilter, today: int) -> tuple[int, int, int | None, int | None]:
        """Why a queue is empty: (studyable cards, new cards not buried, the earliest intraday
        learning due instant in ms, the earliest day a day-based card is due and unburied)."""
        where, params = flt.sql()
        row = self.conn.execute(
            "SELECT COUNT(*),"
            f" COALESCE(SUM(c.state = 'new' AND {NOT_BURIED}), 0),"
            " MIN(c.due_at),"
            " MIN(CASE WHEN c.state != 'new' AND c.due_at IS NULL"
            "     THEN MAX(c.due_day, COALESCE(c.buried_until, 0)) END)"
            f" FROM cards c WHERE {where}",
            params | {"today": today},
        ).fetchone()
        return int(row[0]), int(row[1]), row[2], row[3]
