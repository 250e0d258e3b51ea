"""The SQLite collection: the only place that knows tables, columns and row <-> model mapping.

Contract:
- Opening a store applies pending migrations; a collection written by a newer srs (higher
  `user_version` or unknown migrations) is refused before anything is written.
- Every multi-step write runs in one `BEGIN IMMEDIATE` transaction (`Store.transaction`), so
  an import or an answer is applied whole or not at all, and a second process waits on the
  busy timeout instead of failing with "database is locked".
- Instants are UTC milliseconds; scheduler days are `date.toordinal()` integers.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from srs.dates import from_ms, to_ms, utc_now
from srs.errors import CollectionError
from srs.model import (
    CardKind,
    CardSpec,
    CardState,
    Grade,
    McqOption,
    Memory,
    Note,
    NoteKind,
    ReviewKind,
    ReviewRecord,
    SchedulingState,
    StoredCard,
)
from srs.schema import SCHEMA_VERSION

if TYPE_CHECKING:
    from sqlite_utils import Database

BUSY_TIMEOUT_MS = 10_000
SQLITE_HEADER = b"SQLite format 3\x00"


def state_from_row(row: sqlite3.Row | dict[str, Any]) -> SchedulingState:
    """Scheduling columns of a `cards` row as a model value."""
    return SchedulingState(
        state=CardState(row["state"]),
        due_at=from_ms(row["due_at"]) if row["due_at"] is not None else None,
        due_day=date.fromordinal(row["due_day"]) if row["due_day"] is not None else None,
        interval_days=row["interval_days"],
        ease=row["ease"],
        reps=row["reps"],
        lapses=row["lapses"],
        remaining_steps=row["remaining_steps"],
        memory=_memory_from_row(row),
    )


def _memory_from_row(row: sqlite3.Row | dict[str, Any]) -> Memory | None:
    """The memory columns, if set (review-log snapshots from before m009 have none)."""
    keys = row.keys()
    if "stability" not in keys or row["stability"] is None:
        return None
    return Memory(row["stability"], row["difficulty"], from_ms(row["last_review"]))


def state_to_columns(state: SchedulingState) -> dict[str, Any]:
    """The inverse of `state_from_row`: column values for a `cards` update."""
    return {
        "state": state.state.value,
        "due_at": to_ms(state.due_at) if state.due_at is not None else None,
        "due_day": state.due_day.toordinal() if state.due_day is not None else None,
        "interval_days": state.interval_days,
        "ease": state.ease,
        "reps": state.reps,
        "lapses": state.lapses,
        "remaining_steps": state.remaining_steps,
        "stability": state.memory.stability if state.memory else None,
        "difficulty": state.memory.difficulty if state.memory else None,
        "last_review": to_ms(state.memory.last_review) if state.memory else None,
    }


SCHEDULING_COLUMNS = tuple(state_to_columns(SchedulingState()))
# What undo must put back besides scheduling: flags an answer can change.
FLAG_COLUMNS = ("suspended", "leech", "buried_until")


@dataclass(frozen=True, slots=True)
class NoteRow:
    """What the importer needs to know about a stored note to classify a parsed one."""

    id: str
    path: str
    content_hash: str
    fingerprint: str
    signature: str
    explicit_id: bool
    orphaned: bool
    kind: str


class Store:
    """A collection file opened for use; close it (or use it as a context manager)."""

    def __init__(self, conn: sqlite3.Connection, path: Path | None) -> None:
        self.path = path
        self.conn = conn
        self.conn.row_factory = sqlite3.Row

    @property
    def db(self) -> Database:
        """The sqlite-utils view of the connection (migrations, schema inspection)."""
        from sqlite_utils import Database

        return Database(self.conn)

    # -- opening ---------------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path) -> Store:
        """Open (creating if needed) the collection at `path` and bring its schema up to date."""
        path = path.expanduser()
        existed = path.exists()
        if existed:
            _check_is_collection(path)
        else:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as e:
                raise CollectionError(f"cannot create {path.parent}: {e.strerror}") from None
        try:
            conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000)
            conn.isolation_level = None  # we open transactions ourselves (BEGIN IMMEDIATE)
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                conn.close()
                raise CollectionError(
                    f"{path} was written by a newer srs (schema {version}, this srs knows "
                    f"{SCHEMA_VERSION}); upgrade srs to open it"
                )
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA foreign_keys = ON")
            store = cls(conn, path)
            if version < SCHEMA_VERSION:
                store.migrate()
            if existed:
                store._daily_backup()
        except sqlite3.DatabaseError as e:
            raise CollectionError(_describe_sqlite_error(path, e)) from None
        return store

    def migrate(self) -> None:
        """Apply pending migrations; refuse a collection with migrations we do not know."""
        from srs.migrations import migrations

        known = {m.name for m in migrations._migrations}
        unknown = [m.name for m in migrations.applied(self.db) if m.name not in known]
        if unknown:
            raise CollectionError(
                f"{self.path} was written by a newer srs (unknown migration {unknown[0]}); "
                "upgrade srs to open it"
            )
        if migrations.pending(self.db):
            has_data = self.conn.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchone()
            if self.path is not None and has_data:
                # Never change a schema without a copy to go back to (raises if it cannot).
                from srs.backup import backup_now

                backup_now(self.conn, self.path, utc_now())
            migrations.apply(self.db)

    def _daily_backup(self) -> None:
        """The first open of each UTC day copies the collection (best effort, see srs.backup)."""
        from srs.backup import daily_backup

        assert self.path is not None
        with suppress(CollectionError):
            daily_backup(self.conn, self.path, utc_now())

    def close(self) -> None:
        """Close the connection (a WAL checkpoint happens on the last close)."""
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction; rolled back whole on any exception.

        Errors of the disk rather than of srs (read-only file or folder, full disk, I/O error,
        another process holding the lock past the busy timeout) become a CollectionError with
        a clear message, so the user sees one line instead of a traceback.
        """
        if self.conn.in_transaction:
            yield self.conn
            return
        try:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
            except BaseException:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                raise
            else:
                self.conn.execute("COMMIT")
        except sqlite3.OperationalError as e:
            if not any(word in str(e) for word in _DISK_ERRORS):
                raise
            if self.conn.in_transaction:
                with suppress(sqlite3.Error):
                    self.conn.execute("ROLLBACK")
            raise CollectionError(_describe_sqlite_error(self.path, e)) from None

    def execute(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> sqlite3.Cursor:
        """Run one statement (reads, or writes inside `transaction`)."""
        return self.conn.execute(sql, params)

    # -- decks -----------------------------------------------------------------------------

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

    # -- notes and cards -------------------------------------------------------------------

    def note_rows(self) -> dict[str, NoteRow]:
        """Every stored note, keyed by id (what an import compares against)."""
        rows = self.conn.execute(
            "SELECT id, path, content_hash, fingerprint, signature, explicit_id, orphaned, kind"
            " FROM notes"
        )
        return {
            row["id"]: NoteRow(
                id=row["id"],
                path=row["path"],
                content_hash=row["content_hash"],
                fingerprint=row["fingerprint"],
                signature=row["signature"],
                explicit_id=bool(row["explicit_id"]),
                orphaned=bool(row["orphaned"]),
                kind=row["kind"],
            )
            for row in rows
        }

    def card_ids_by_note(self, note_ids: Iterable[str]) -> dict[str, list[tuple[str, str, int]]]:
        """(card id, kind, ordinal) of the cards of each given note."""
        result: dict[str, list[tuple[str, str, int]]] = {}
        for chunk, marks in _chunks(list(note_ids)):
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
        for chunk, marks in _chunks(card_ids):
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

    # -- deck files ------------------------------------------------------------------------

    def file_cache(self) -> dict[str, tuple[str, str, str]]:
        """Per imported deck file: (content digest, default deck, parser fingerprint)."""
        rows = self.conn.execute("SELECT path, digest, deck, parser FROM files")
        return {row[0]: (row[1], row[2], row[3]) for row in rows}

    def live_note_ids(self, paths: Sequence[str]) -> set[str]:
        """Ids of the notes (not orphaned) that came from the given files."""
        ids: set[str] = set()
        for chunk, marks in _chunks(paths):
            rows = self.conn.execute(
                f"SELECT id FROM notes WHERE orphaned = 0 AND path IN ({marks})", chunk
            )
            ids.update(row[0] for row in rows)
        return ids

    def notes_elsewhere(self, ids: Sequence[str], path: str) -> list[tuple[str, str, int]]:
        """(id, path, line) of live notes with one of these ids that come from another file."""
        found: list[tuple[str, str, int]] = []
        for chunk, marks in _chunks(ids):
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
        for chunk, marks in _chunks(paths):
            total += self.conn.execute(
                "SELECT COUNT(*) FROM cards c JOIN notes n ON n.id = c.note_id"
                f" WHERE c.orphaned = 0 AND n.orphaned = 0 AND n.path IN ({marks})",
                chunk,
            ).fetchone()[0]
        return total

    def save_rendered(self, rows: Iterable[tuple[str, str, str]]) -> None:
        """Keep HTML rendered for export: (note id, key, fields JSON) rows, one transaction."""
        with self.transaction():
            self.conn.executemany(
                "INSERT INTO rendered (note_id, key, fields) VALUES (?, ?, ?)"
                " ON CONFLICT (note_id) DO UPDATE SET key = excluded.key,"
                " fields = excluded.fields",
                rows,
            )

    # -- config ----------------------------------------------------------------------------

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

    def integrity_ok(self) -> bool:
        """`PRAGMA integrity_check` says ok."""
        return bool(self.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok")


CARD_SELECT = (
    "SELECT c.*, d.name AS deck, n.kind AS note_kind, n.front AS note_front,"
    " n.back AS note_back, n.options, n.tags, n.context, n.source AS note_source,"
    " (SELECT json_group_object(exam, domain) FROM note_domains WHERE note_id = n.id)"
    " AS exam_domains,"
    " n.path, n.line, n.extra, n.modified_at AS note_modified_at"
    " FROM cards c JOIN notes n ON n.id = c.note_id JOIN decks d ON d.id = c.deck_id"
)


def _check_is_collection(path: Path) -> None:
    """Refuse a file that is not SQLite before sqlite3 does something surprising with it."""
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except IsADirectoryError:
        raise CollectionError(f"{path} is a folder, not a collection file") from None
    except OSError as e:
        raise CollectionError(f"cannot read {path}: {e.strerror}") from None
    if header and header != SQLITE_HEADER:
        raise CollectionError(f"{path} is not an srs collection (not an SQLite file)")


# Words in sqlite3.OperationalError messages that mean the disk, not srs, is at fault.
_DISK_ERRORS = ("readonly", "read-only", "full", "disk I/O", "locked", "unable to open")


def _describe_sqlite_error(path: Path | None, error: sqlite3.DatabaseError) -> str:
    text = str(error)
    if "locked" in text:
        return f"{path} is busy: another srs kept it locked for too long; try again"
    if "readonly" in text or "read-only" in text:
        return f"{path} is read-only: srs needs to write to its collection ({text})"
    if "full" in text or ("disk I/O" in text and path is not None and _nearly_full(path)):
        return f"cannot write {path}: the disk is full; free some space and try again"
    if "unable to open" in text:
        return f"cannot open {path}: check that the folder exists and is writable"
    return f"cannot use {path}: {text}"


def _chunks(values: Sequence[str], size: int = 500) -> Iterator[tuple[list[str], str]]:
    """Slices of `values` small enough for one `IN (...)`, with their `?` placeholders."""
    for start in range(0, len(values), size):
        chunk = list(values[start : start + size])
        yield chunk, ",".join("?" * len(chunk))


def _nearly_full(path: Path) -> bool:
    """SQLite reports a full disk as an I/O error when it cannot even grow its -shm file."""
    try:
        return shutil.disk_usage(path.parent).free < 1_000_000
    except OSError:
        return False


def like_escape(text: str) -> str:
    """Escape LIKE wildcards (use with `ESCAPE '\\'`)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def exam_domains_from(text: str | None) -> tuple[tuple[str, str], ...]:
    """The `json_group_object` of a note's `note_domains` rows as sorted pairs."""
    return tuple(sorted(json.loads(text).items())) if text else ()


def note_from_row(row: sqlite3.Row, cards: tuple[CardSpec, ...]) -> Note:
    """A stored note as the model value the parser once produced."""
    return Note(
        id=row["id"],
        kind=NoteKind(row["kind"]),
        front=row["front"],
        back=row["back"],
        deck=row["deck"],
        path=row["path"],
        line=row["line"],
        content_hash=row["content_hash"],
        cards=cards,
        tags=tuple(json.loads(row["tags"])),
        context=tuple(json.loads(row["context"])),
        exam_domains=exam_domains_from(row["exam_domains"]),
        source=row["source"],
        options=tuple(
            McqOption(o["text"], bool(o["correct"]), o.get("rationale", ""))
            for o in json.loads(row["options"])
        ),
        explicit_id=bool(row["explicit_id"]),
        extra=json.loads(row["extra"]),
    )


def review_from_row(row: sqlite3.Row) -> ReviewRecord:
    """A review-log row as a model value (states from the stored snapshots)."""
    return ReviewRecord(
        card_id=row["card_id"],
        reviewed_at=from_ms(row["reviewed_at"]),
        grade=Grade(row["grade"]),
        kind=ReviewKind(row["kind"]),
        before=state_from_row(json.loads(row["before"])),
        after=state_from_row(json.loads(row["after"])),
        duration_ms=row["duration_ms"],
    )


@dataclass(frozen=True, slots=True)
class StoredNote:
    """A note as the collection keeps it, for exporters: cards, history, cached HTML."""

    note: Note
    modified_ms: int
    cards: tuple[StoredCard, ...]
    rendered_key: str | None  # key of the HTML kept for export (see srs.render)
    rendered: str | None  # that HTML, as JSON


def stored_notes(
    store: Store, where: str, params: dict[str, Any], *, with_reviews: bool, batch: int = 500
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
    cursor = store.conn.execute(note_sql, params)
    while rows := cursor.fetchmany(batch):
        ids = [row["id"] for row in rows]
        marks = ",".join("?" * len(ids))
        cards: dict[str, list[sqlite3.Row]] = {}
        for card in store.conn.execute(
            f"SELECT * FROM cards WHERE note_id IN ({marks}) AND orphaned = 0"
            " ORDER BY note_id, ordinal",
            ids,
        ):
            cards.setdefault(card["note_id"], []).append(card)
        reviews: dict[str, list[ReviewRecord]] = {}
        if with_reviews:
            for review in store.conn.execute(
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
