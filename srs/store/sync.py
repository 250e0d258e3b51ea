"""What `srs sync` keeps about the mirror Anki collection (tables of m011)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from srs.model import ReviewRecord, SchedulingState, value_class
from srs.store.notes import NoteQueries, StoredNote
from srs.store.rows import review_from_row, state_from_row
from srs.store.sql import chunks


@value_class
class NoteLink:
    """An srs note's Anki note, the fields last pushed to it and the note's `modified_at` then."""

    note_id: str
    anki_note_id: int
    fields: str
    pushed_ms: int


@value_class
class ReviewToPush:
    """An answer given in srs that the mirror does not have yet."""

    review_id: int
    anki_card_id: int
    record: ReviewRecord


class SyncQueries(NoteQueries):
    """`sync_log`, `sync_cards`, `sync_notes`, `sync_inbox`."""

    # -- answers ---------------------------------------------------------------------------

    def carried_revlog_ids(self) -> set[int]:
        """Every Anki review-log id already carried either way."""
        return {row[0] for row in self.conn.execute("SELECT revlog_id FROM sync_log")}

    def record_carried(self, pairs: Iterable[tuple[int, int | None]]) -> None:
        """Remember (Anki review-log id, srs review id) pairs as carried."""
        self.conn.executemany(
            "INSERT INTO sync_log (revlog_id, review_id) VALUES (?, ?)"
            " ON CONFLICT (revlog_id) DO UPDATE SET review_id = excluded.review_id",
            list(pairs),
        )

    def forget_carried(self, revlog_ids: Iterable[int]) -> None:
        """Forget answers the mirror no longer has (after it was replaced), so they are
        pushed again."""
        self.conn.executemany(
            "DELETE FROM sync_log WHERE revlog_id = ?", [(rid,) for rid in revlog_ids]
        )

    def reviews_to_push(self, after_id: int = 0, cards: Sequence[str] = ()) -> list[ReviewToPush]:
        """srs's answers not carried yet, of cards the mirror has, in log order: those logged
        after review `after_id`, and every one of `cards` (cards just linked)."""
        select = (
            "SELECT r.*, s.anki_card_id FROM reviews r"
            " JOIN sync_cards s ON s.card_id = r.card_id"
            " WHERE NOT EXISTS (SELECT 1 FROM sync_log l WHERE l.review_id = r.id)"
        )
        found = {row["id"]: row for row in self.conn.execute(select + " AND r.id > ?", (after_id,))}
        for part, marks in chunks(list(cards)):
            for row in self.conn.execute(select + f" AND r.card_id IN ({marks})", part):
                found[row["id"]] = row
        return [
            ReviewToPush(row["id"], row["anki_card_id"], review_from_row(row))
            for _, row in sorted(found.items())
        ]

    def carried_among(self, revlog_ids: Sequence[int]) -> set[int]:
        """Which of these Anki review-log ids were already carried."""
        carried: set[int] = set()
        for start in range(0, len(revlog_ids), 500):
            part = list(revlog_ids[start : start + 500])
            marks = ",".join("?" * len(part))
            carried.update(
                row[0]
                for row in self.conn.execute(
                    f"SELECT revlog_id FROM sync_log WHERE revlog_id IN ({marks})", part
                )
            )
        return carried

    def last_review_id(self) -> int:
        row = self.conn.execute("SELECT max(id) FROM reviews").fetchone()
        return int(row[0] or 0)

    def sync_mark(self, key: str) -> int:
        """How far the last sync read (`anki_usn`, `review_id`); 0 before any."""
        row = self.conn.execute("SELECT value FROM sync_marks WHERE key = ?", (key,)).fetchone()
        return int(row[0]) if row else 0

    def set_sync_marks(self, marks: dict[str, int]) -> None:
        self.conn.executemany(
            "INSERT INTO sync_marks (key, value) VALUES (?, ?)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            list(marks.items()),
        )

    def card_schedules(
        self, card_ids: Sequence[str]
    ) -> dict[str, tuple[SchedulingState, int, bool]]:
        """card id -> (scheduling state, new-card position, suspended)."""
        out: dict[str, tuple[SchedulingState, int, bool]] = {}
        for part, marks in chunks(list(card_ids)):
            for row in self.conn.execute(f"SELECT * FROM cards WHERE id IN ({marks})", part):
                out[row["id"]] = (state_from_row(row), row["position"], bool(row["suspended"]))
        return out

    def review_id_at(self, card_id: str, reviewed_ms: int, slack_ms: int = 0) -> int | None:
        """The id of the card's answer logged at that instant (or up to `slack_ms` before it,
        when not carried to Anki under another id), if any."""
        row = self.conn.execute(
            "SELECT id FROM reviews r WHERE card_id = ? AND reviewed_at = ?"
            " UNION ALL SELECT id FROM ("
            "  SELECT id FROM reviews r WHERE card_id = ? AND reviewed_at BETWEEN ? AND ?"
            "  AND NOT EXISTS (SELECT 1 FROM sync_log l WHERE l.review_id = r.id)"
            "  ORDER BY reviewed_at DESC)"
            " LIMIT 1",
            (card_id, reviewed_ms, card_id, reviewed_ms - slack_ms, reviewed_ms - 1),
        ).fetchone()
        return None if row is None else int(row[0])

    def card_reviews_since(self, card_id: str, since_ms: int) -> list[ReviewRecord]:
        """A card's answers at or after `since_ms`, in time order."""
        rows = self.conn.execute(
            "SELECT * FROM reviews WHERE card_id = ? AND reviewed_at >= ? ORDER BY reviewed_at, id",
            (card_id, since_ms),
        )
        return [review_from_row(row) for row in rows]

    # -- cards and notes ------------------------------------------------------------------

    def card_links(self) -> dict[str, int]:
        """srs card id -> Anki card id."""
        return dict(self.conn.execute("SELECT card_id, anki_card_id FROM sync_cards").fetchall())

    def set_card_links(self, pairs: Iterable[tuple[str, int]]) -> None:
        self.conn.executemany(
            "INSERT INTO sync_cards (card_id, anki_card_id) VALUES (?, ?)"
            " ON CONFLICT (card_id) DO UPDATE SET anki_card_id = excluded.anki_card_id",
            list(pairs),
        )

    def note_links_for(self, anki_note_ids: Sequence[int]) -> dict[int, NoteLink]:
        """Anki note id -> its link, for these Anki notes (those srs pushed)."""
        found: dict[int, NoteLink] = {}
        for start in range(0, len(anki_note_ids), 500):
            part = list(anki_note_ids[start : start + 500])
            marks = ",".join("?" * len(part))
            for row in self.conn.execute(
                "SELECT note_id, anki_note_id, fields, pushed_ms FROM sync_notes"
                f" WHERE anki_note_id IN ({marks})",
                part,
            ):
                found[row[1]] = NoteLink(*row)
        return found

    def edited_anki_note_ids(self) -> set[int]:
        """Anki notes found edited in Anki (differing from what srs pushed)."""
        return {
            row[0]
            for row in self.conn.execute("SELECT anki_note_id FROM sync_notes WHERE edited = 1")
        }

    def set_edited(self, anki_note_ids: Iterable[int], edited: bool) -> None:
        self.conn.executemany(
            "UPDATE sync_notes SET edited = ? WHERE anki_note_id = ?",
            [(int(edited), nid) for nid in anki_note_ids],
        )

    def linked_anki_note_ids(self) -> set[int]:
        return {row[0] for row in self.conn.execute("SELECT anki_note_id FROM sync_notes")}

    def set_note_links(self, links: Iterable[NoteLink]) -> None:
        self.conn.executemany(
            "INSERT INTO sync_notes (note_id, anki_note_id, fields, pushed_ms) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (note_id) DO UPDATE SET anki_note_id = excluded.anki_note_id,"
            " fields = excluded.fields, pushed_ms = excluded.pushed_ms, edited = 0",
            [(link.note_id, link.anki_note_id, link.fields, link.pushed_ms) for link in links],
        )

    def keep_links(self, anki_cards: set[int], anki_notes: set[int]) -> None:
        """Forget the links to Anki cards and notes that are not in these sets."""
        links = self.card_links().items()
        gone_cards = [(card_id,) for card_id, anki_id in links if anki_id not in anki_cards]
        self.conn.executemany("DELETE FROM sync_cards WHERE card_id = ?", gone_cards)
        notes = self.conn.execute("SELECT note_id, anki_note_id FROM sync_notes").fetchall()
        gone_notes = [(note_id,) for note_id, anki_id in notes if anki_id not in anki_notes]
        self.conn.executemany("DELETE FROM sync_notes WHERE note_id = ?", gone_notes)

    def forget_links(self) -> None:
        """Forget which Anki cards and notes srs's are (the mirror was replaced)."""
        self.conn.execute("DELETE FROM sync_cards")
        self.conn.execute("DELETE FROM sync_notes")

    def notes_to_push(self) -> list[str]:
        """Live notes never pushed, or changed in Markdown since they were."""
        return [
            row[0]
            for row in self.conn.execute(
                "SELECT n.id FROM notes n LEFT JOIN sync_notes s ON s.note_id = n.id"
                " WHERE n.orphaned = 0 AND (s.note_id IS NULL OR n.modified_at > s.pushed_ms)"
            )
        ]

    def stored_notes_by_id(self, note_ids: Sequence[str]) -> Iterator[StoredNote]:
        """`stored_notes` of the given ids (without history)."""
        for part, _ in chunks(list(note_ids)):
            params = {f"n{i}": note_id for i, note_id in enumerate(part)}
            marks = ",".join(f":n{i}" for i in range(len(part)))
            yield from self.stored_notes(f"n.id IN ({marks})", params, with_reviews=False)

    def note_places(self, note_ids: Iterable[str]) -> dict[str, tuple[str, int]]:
        """note id -> (path, line)."""
        places: dict[str, tuple[str, int]] = {}
        for part, marks in chunks(list(note_ids)):
            for row in self.conn.execute(
                f"SELECT id, path, line FROM notes WHERE id IN ({marks})", part
            ):
                places[row[0]] = (row[1], row[2])
        return places

    # -- inbox ----------------------------------------------------------------------------

    def inbox_guids(self) -> set[str]:
        return {row[0] for row in self.conn.execute("SELECT guid FROM sync_inbox")}

    def add_inbox_guids(self, guids: Iterable[str], at_ms: int) -> None:
        self.conn.executemany(
            "INSERT OR IGNORE INTO sync_inbox (guid, written_ms) VALUES (?, ?)",
            [(guid, at_ms) for guid in guids],
        )
