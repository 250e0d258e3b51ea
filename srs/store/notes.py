"""Notes: what an import compares against, and notes with their cards and history for export."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from srs.model import CardKind, CardSpec, Note, ReviewRecord, StoredCard, value_class
from srs.store.history import HistoryQueries
from srs.store.rows import note_from_row, review_from_row, state_from_row
from srs.store.sql import chunks, indexes_built_after


@value_class
class NoteRow:
    """What the importer needs to know about a stored note to classify a parsed one."""

    id: str
    path: str
    content_hash: str
    signature: str
    explicit_id: bool
    orphaned: bool
    kind: str


@value_class
class NoteText:
    """A stored note's texts: kind, question (stem), answer and correct options."""

    id: str
    kind: str
    front: str
    back: str
    correct: tuple[str, ...]


@value_class
class StoredNote:
    """A note as the collection keeps it, for exporters: cards, history, cached HTML."""

    note: Note
    modified_ms: int
    cards: tuple[StoredCard, ...]
    rendered_key: str | None  # key of the HTML kept for export (see srs.render)
    rendered: str | None  # that HTML, as JSON


class NoteQueries(HistoryQueries):
    """The `notes` and `rendered` tables, and the history an import carries in with notes."""

    def has_notes(self) -> bool:
        """Whether the collection holds any note (orphaned ones included)."""
        return self.conn.execute("SELECT 1 FROM notes LIMIT 1").fetchone() is not None

    def note_rows(self) -> dict[str, NoteRow]:
        """Every stored note, keyed by id (what an import compares against)."""
        rows = self.conn.execute(
            "SELECT id, path, content_hash, signature, explicit_id, orphaned, kind FROM notes"
        )
        return {
            row["id"]: NoteRow(
                id=row["id"],
                path=row["path"],
                content_hash=row["content_hash"],
                signature=row["signature"],
                explicit_id=bool(row["explicit_id"]),
                orphaned=bool(row["orphaned"]),
                kind=row["kind"],
            )
            for row in rows
        }

    def note_sides(self, ids: Sequence[str]) -> dict[str, tuple[str, str, tuple[str, ...]]]:
        """Question, answer and option texts of the given notes (what relinking compares)."""
        sides: dict[str, tuple[str, str, tuple[str, ...]]] = {}
        for chunk, marks in chunks(ids):
            rows = self.conn.execute(
                f"SELECT id, front, back, options FROM notes WHERE id IN ({marks})", chunk
            )
            for row in rows:
                options = tuple(option["text"] for option in json.loads(row["options"]))
                sides[row["id"]] = (row["front"], row["back"], options)
        return sides

    def note_texts(self) -> list[NoteText]:
        """Every live note's kind, question and answers (what a drafted card must not repeat)."""
        rows = self.conn.execute(
            "SELECT id, kind, front, back, options FROM notes WHERE orphaned = 0 ORDER BY id"
        )
        return [
            NoteText(
                id=row["id"],
                kind=row["kind"],
                front=row["front"],
                back=row["back"],
                correct=tuple(
                    option["text"] for option in json.loads(row["options"]) if option["correct"]
                ),
            )
            for row in rows
        ]

    def live_note_ids(self, paths: Sequence[str]) -> set[str]:
        """Ids of the notes (not orphaned) that came from the given files."""
        ids: set[str] = set()
        for chunk, marks in chunks(paths):
            rows = self.conn.execute(
                f"SELECT id FROM notes WHERE orphaned = 0 AND path IN ({marks})", chunk
            )
            ids.update(row[0] for row in rows)
        return ids

    def notes_elsewhere(self, ids: Sequence[str], path: str) -> list[tuple[str, str, int]]:
        """(id, path, line) of live notes with one of these ids that come from another file."""
        found: list[tuple[str, str, int]] = []
        for chunk, marks in chunks(ids):
            rows = self.conn.execute(
                "SELECT id, path, line FROM notes WHERE orphaned = 0 AND path != ?"
                f" AND id IN ({marks})",
                [path, *chunk],
            )
            found.extend((row[0], row[1], row[2]) for row in rows)
        return found

    def live_card_count(self, paths: Sequence[str]) -> int:
        """How many cards (not orphaned) the given files hold."""
        total = 0
        for chunk, marks in chunks(paths):
            total += self.conn.execute(
                "SELECT COUNT(*) FROM cards c JOIN notes n ON n.id = c.note_id"
                f" WHERE c.orphaned = 0 AND n.orphaned = 0 AND n.path IN ({marks})",
                chunk,
            ).fetchone()[0]
        return total

    # -- what an import writes (inside its transaction) ---------------------------------------

    @contextmanager
    def notes_indexed_after(self) -> Iterator[None]:
        """Inside the caller's transaction, for the first import into an empty collection:
        drop the secondary indexes of `notes`, `cards` and `note_domains` while the rows go
        in, and create them again from their own stored definitions at the end. Building an
        index over the finished table is one sorted pass; keeping a dozen indexes up to date
        row by row (card ids are hashes, so most of them are written in random order) cost a
        10k-card import ~30 % of its SQL time. With notes already there, nothing is dropped.
        An error rolls the transaction back, indexes included. (A larger page cache meanwhile
        gave no measurable gain and cost the 100k import 68 MB more memory.)"""
        with indexes_built_after(self.conn, ("notes", "cards", "note_domains"), empty="notes"):
            yield

    def insert_notes(self, names: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        """Add notes: the `notes` columns `names`, then one tuple of their values per note."""
        self.conn.executemany(
            f"INSERT INTO notes ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})",
            rows,
        )

    def insert_cards(self, runs: Iterable[tuple[Sequence[str], Sequence[Sequence[Any]]]]) -> None:
        """Add cards, in order: runs of (`cards` columns, one tuple of their values per card);
        a run per shape (cards an import gives a starting state carry its columns too)."""
        for names, rows in runs:
            self.conn.executemany(
                f"INSERT INTO cards ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})",
                rows,
            )
        self.drop_day_plans()

    def insert_domains(self, rows: Iterable[tuple[str, str, str]]) -> None:
        """Add (note id, exam code, domain id) rows to `note_domains`."""
        self.conn.executemany(
            "INSERT INTO note_domains (note_id, exam, domain) VALUES (?, ?, ?)", rows
        )
        self.drop_day_plans()

    def clear_domains(self, note_id: str) -> None:
        """Remove a note's exam domains (before writing its new ones)."""
        self.conn.execute("DELETE FROM note_domains WHERE note_id = ?", (note_id,))
        self.drop_day_plans()

    def drop_day_plans(self) -> None:
        """Forget the kept exam-mode plans (m010): the cards or domains they were made from
        changed. Once per batch here; a row trigger on these inserts cost an import ~20 %."""
        self.conn.execute("DELETE FROM day_plans")

    def update_note(self, values: dict[str, Any]) -> None:
        """Set the given `notes` columns of the note `values["id"]`."""
        assignments = ", ".join(f"{name} = :{name}" for name in values if name != "id")
        self.conn.execute(f"UPDATE notes SET {assignments} WHERE id = :id", values)

    def update_card_text(self, card: CardSpec, deck_id: int, now_ms: int) -> None:
        """Rewrite a card's kind, slot, sides and deck, keeping its scheduling and history.

        The card is live again; its `modified_at` moves only when a side's text changed.
        """
        self.conn.execute(
            "UPDATE cards SET kind = ?, ordinal = ?, front = ?, back = ?, deck_id = ?,"
            " orphaned = 0, modified_at = CASE WHEN front != ? OR back != ?"
            " THEN ? ELSE modified_at END WHERE id = ?",
            (
                card.kind.value,
                card.ordinal,
                card.front,
                card.back,
                deck_id,
                card.front,
                card.back,
                now_ms,
                card.id,
            ),
        )

    def orphan_card(self, card_id: str) -> None:
        """A card its note no longer has: kept with its history, never studied."""
        self.conn.execute("UPDATE cards SET orphaned = 1 WHERE id = ?", (card_id,))

    def orphan_note(self, note_id: str) -> None:
        """A note gone from its file: it and its cards are kept with their history, not studied."""
        self.conn.execute("UPDATE notes SET orphaned = 1 WHERE id = ?", (note_id,))
        self.conn.execute("UPDATE cards SET orphaned = 1 WHERE note_id = ?", (note_id,))

    def rename_note(self, old_id: str, new_id: str) -> None:
        """Give a note a new id (its cards follow through the foreign key)."""
        self.conn.execute("UPDATE notes SET id = ? WHERE id = ?", (new_id, old_id))

    def rename_card(self, old_id: str, new_id: str) -> None:
        """Give a card a new id (its reviews follow through the foreign key)."""
        self.conn.execute("UPDATE cards SET id = ? WHERE id = ?", (new_id, old_id))

    def save_rendered(self, rows: Iterable[tuple[str, str, str]]) -> None:
        """Keep HTML rendered for export: (note id, key, fields JSON) rows, one transaction."""
        with self.transaction():
            self.conn.executemany(
                "INSERT INTO rendered (note_id, key, fields) VALUES (?, ?, ?)"
                " ON CONFLICT (note_id) DO UPDATE SET key = excluded.key,"
                " fields = excluded.fields",
                rows,
            )

    def stored_notes(
        self, where: str, params: dict[str, Any], *, with_reviews: bool, batch: int = 500
    ) -> Iterator[StoredNote]:
        """Stream notes (with their cards, and optionally history) matching a WHERE over `notes n`.

        Yields in deck and file order, a batch of notes at a time, so memory stays flat however
        large the collection is.
        """
        note_sql = (
            "SELECT n.*, d.name AS deck, r.key AS rendered_key, r.fields AS rendered,"
            " (SELECT json_group_object(exam, domain) FROM note_domains WHERE note_id = n.id)"
            " AS exam_domains"
            " FROM notes n JOIN decks d ON d.id = n.deck_id"
            " LEFT JOIN rendered r ON r.note_id = n.id"
            f" WHERE {where} ORDER BY d.name, n.path, n.line"
        )
        cursor = self.conn.execute(note_sql, params)
        while rows := cursor.fetchmany(batch):
            ids = [row["id"] for row in rows]
            marks = ",".join("?" * len(ids))
            cards: dict[str, list[sqlite3.Row]] = {}
            for card in self.conn.execute(
                f"SELECT * FROM cards WHERE note_id IN ({marks}) AND orphaned = 0"
                " ORDER BY note_id, ordinal",
                ids,
            ):
                cards.setdefault(card["note_id"], []).append(card)
            reviews: dict[str, list[ReviewRecord]] = {}
            if with_reviews:
                for review in self.conn.execute(
                    "SELECT r.* FROM reviews r JOIN cards c ON c.id = r.card_id"
                    f" WHERE c.note_id IN ({marks}) ORDER BY r.id",
                    ids,
                ):
                    reviews.setdefault(review["card_id"], []).append(review_from_row(review))
            for row in rows:
                card_rows = cards.get(row["id"], [])
                specs = tuple(
                    CardSpec(c["id"], CardKind(c["kind"]), c["ordinal"], c["front"], c["back"])
                    for c in card_rows
                )
                stored = tuple(
                    StoredCard(
                        spec=spec,
                        state=state_from_row(c),
                        suspended=bool(c["suspended"]),
                        leech=bool(c["leech"]),
                        position=c["position"],
                        reviews=tuple(reviews.get(spec.id, ())),
                    )
                    for spec, c in zip(specs, card_rows, strict=True)
                )
                yield StoredNote(
                    note_from_row(row, specs),
                    row["modified_at"],
                    stored,
                    row["rendered_key"],
                    row["rendered"],
                )
