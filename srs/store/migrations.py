"""The collection schema as an append-only list of numbered migrations.

Never edit or reorder an applied migration: add `m00N_...` instead. Migrations use only the
sqlite-utils `db` API and plain SQL (never `srs.model`), so they keep working after the
model changes. `PRAGMA user_version` mirrors the number of migrations, so an older srs can
refuse a collection written by a newer one before touching it.
"""

from __future__ import annotations

import sqlite3

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from srs.store.schema import SCHEMA_VERSION

__all__ = ["SCHEMA_VERSION", "migrations", "new_schema_source"]

migrations = Migrations("srs")


def _script(db: Database, sql: str) -> None:
    """Run a script of statements inside the migration's transaction.

    `Database.executescript` does this by joining the script again after every character and
    asking SQLite whether a statement is complete (quadratic: ~200M instructions, 20-30 ms, to
    create a collection); here only the text up to each `;` is asked.
    """
    statement = ""
    for piece in sql.split(";"):
        statement += piece
        if sqlite3.complete_statement(statement + ";"):
            db.execute(statement + ";")
            statement = ""
        else:
            statement += ";"
    if statement.strip():  # text after the last `;`: a statement without one, or nothing
        db.execute(statement)


@migrations()
def m001_initial(db: Database) -> None:
    """Decks, notes, cards, the review log and options."""
    _script(
        db,
        """
        CREATE TABLE decks (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE
        );
        CREATE TABLE notes (
            id TEXT PRIMARY KEY,
            kind TEXT NOT NULL,
            deck_id INTEGER NOT NULL REFERENCES decks(id),
            front TEXT NOT NULL,
            back TEXT NOT NULL,
            options TEXT NOT NULL DEFAULT '[]',
            tags TEXT NOT NULL DEFAULT '[]',
            context TEXT NOT NULL DEFAULT '[]',
            extra TEXT NOT NULL DEFAULT '{}',
            domain TEXT,
            exam TEXT,
            source TEXT,
            path TEXT NOT NULL,
            line INTEGER NOT NULL,
            content_hash TEXT NOT NULL,
            fingerprint TEXT NOT NULL,
            signature TEXT NOT NULL,
            explicit_id INTEGER NOT NULL DEFAULT 0,
            orphaned INTEGER NOT NULL DEFAULT 0,
            created_at INTEGER NOT NULL,
            modified_at INTEGER NOT NULL
        );
        CREATE INDEX notes_path ON notes(path);
        CREATE TABLE cards (
            id TEXT PRIMARY KEY,
            note_id TEXT NOT NULL REFERENCES notes(id) ON DELETE CASCADE ON UPDATE CASCADE,
            kind TEXT NOT NULL,
            ordinal INTEGER NOT NULL,
            front TEXT NOT NULL,
            back TEXT NOT NULL,
            deck_id INTEGER NOT NULL REFERENCES decks(id),
            position INTEGER NOT NULL,
            state TEXT NOT NULL DEFAULT 'new',
            due_at INTEGER,
            due_day INTEGER,
            interval_days INTEGER NOT NULL DEFAULT 0,
            ease INTEGER NOT NULL DEFAULT 0,
            reps INTEGER NOT NULL DEFAULT 0,
            lapses INTEGER NOT NULL DEFAULT 0,
            remaining_steps INTEGER NOT NULL DEFAULT 0,
            suspended INTEGER NOT NULL DEFAULT 0,
            buried_until INTEGER,
            leech INTEGER NOT NULL DEFAULT 0,
            orphaned INTEGER NOT NULL DEFAULT 0,
            created_at INTEGER NOT NULL,
            modified_at INTEGER NOT NULL
        );
        CREATE INDEX cards_note ON cards(note_id);
        -- What a session asks for: due reviews per deck, due learning, new cards in order.
        CREATE INDEX cards_review_due ON cards(state, due_day, deck_id)
            WHERE suspended = 0 AND orphaned = 0;
        CREATE INDEX cards_learning_due ON cards(due_at)
            WHERE due_at IS NOT NULL AND suspended = 0 AND orphaned = 0;
        CREATE INDEX cards_new ON cards(deck_id, position)
            WHERE state = 'new' AND suspended = 0 AND orphaned = 0;
        CREATE TABLE reviews (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            card_id TEXT NOT NULL REFERENCES cards(id) ON DELETE CASCADE ON UPDATE CASCADE,
            reviewed_at INTEGER NOT NULL,
            review_day INTEGER NOT NULL,
            grade INTEGER NOT NULL,
            kind INTEGER NOT NULL,
            scheduler TEXT NOT NULL,
            state_before TEXT NOT NULL,
            state_after TEXT NOT NULL,
            interval_before INTEGER NOT NULL,
            interval_after INTEGER NOT NULL,
            ease_before INTEGER NOT NULL,
            ease_after INTEGER NOT NULL,
            duration_ms INTEGER NOT NULL,
            before TEXT NOT NULL,
            after TEXT NOT NULL
        );
        CREATE INDEX reviews_card ON reviews(card_id, reviewed_at);
        CREATE INDEX reviews_day ON reviews(review_day);
        CREATE TABLE config (
            key TEXT NOT NULL,
            deck TEXT NOT NULL DEFAULT '',
            value TEXT NOT NULL,
            PRIMARY KEY (key, deck)
        );
        """,
    )
    db.execute("PRAGMA user_version = 1")


@migrations()
def m002_reviews_stats_index(db: Database) -> None:
    """A covering index for statistics: per-day figures read the index, not the rows.

    It starts with `review_day`, so it also serves every query the old day index did.
    """
    _script(
        db,
        """
        CREATE INDEX reviews_stats ON reviews(
            review_day, state_before, grade, interval_before, duration_ms, card_id
        );
        DROP INDEX reviews_day;
        """,
    )
    db.execute("PRAGMA user_version = 2")


@migrations()
def m003_deck_files(db: Database) -> None:
    """What each deck file looked like when it was last imported.

    An unchanged file (same bytes, same default deck, same parser) is not parsed again, which
    makes re-importing a large unchanged deck folder cheap.
    """
    _script(
        db,
        """
        CREATE TABLE files (
            path TEXT PRIMARY KEY,
            digest TEXT NOT NULL,
            deck TEXT NOT NULL,
            parser TEXT NOT NULL,
            imported_at INTEGER NOT NULL
        );
        """,
    )
    db.execute("PRAGMA user_version = 3")


@migrations()
def m004_queue_indexes(db: Database) -> None:
    """Indexes in the order the queue reads cards, so a queue query stops after its limit.

    New cards by position, due reviews by (due day, position), learning cards by due instant:
    each query walks its index in order and never sorts. `cards_by_deck` covers the columns
    the per-deck counts read, so `srs decks` scans an index instead of the table.
    """
    _script(
        db,
        """
        DROP INDEX cards_new;
        DROP INDEX cards_review_due;
        DROP INDEX cards_learning_due;
        CREATE INDEX cards_new ON cards(position)
            WHERE state = 'new' AND suspended = 0 AND orphaned = 0;
        CREATE INDEX cards_review_due ON cards(due_day, position)
            WHERE state = 'review' AND suspended = 0 AND orphaned = 0;
        CREATE INDEX cards_learning_due ON cards(due_at, position)
            WHERE due_at IS NOT NULL AND suspended = 0 AND orphaned = 0;
        CREATE INDEX cards_day_learning ON cards(due_day, position)
            WHERE state IN ('learning', 'relearning') AND due_at IS NULL
            AND suspended = 0 AND orphaned = 0;
        CREATE INDEX cards_by_deck ON cards(deck_id, state, due_day, due_at, buried_until)
            WHERE suspended = 0 AND orphaned = 0;
        CREATE INDEX cards_deck_total ON cards(deck_id) WHERE orphaned = 0;
        """,
    )
    db.execute("PRAGMA user_version = 4")


@migrations()
def m005_lapses_index(db: Database) -> None:
    """The hardest cards (most lapses) without sorting every card that ever lapsed."""
    db.execute(
        "CREATE INDEX cards_lapses ON cards(lapses DESC, position)"
        " WHERE orphaned = 0 AND lapses > 0"
    )
    db.execute("PRAGMA user_version = 5")


@migrations()
def m006_stats_covering_indexes(db: Database) -> None:
    """Narrow copies of the card and note columns statistics read.

    Card rows carry their Markdown text, so scanning or joining the table touches many pages;
    these indexes answer the statistics (and the card -> note -> domain joins) on their own.
    """
    _script(
        db,
        """
        CREATE INDEX cards_stats ON cards(
            id, note_id, deck_id, state, interval_days, ease, due_day, due_at,
            suspended, orphaned, leech
        );
        CREATE INDEX notes_domain ON notes(id, exam, domain);
        """,
    )
    db.execute("PRAGMA user_version = 6")


@migrations()
def m007_rendered_html(db: Database) -> None:
    """HTML rendered for export, kept per note so repeated exports skip Markdown rendering.

    `key` digests the note's texts and the renderer (see `srs.render.render_fingerprint`):
    a stale row is simply rendered again.
    """
    _script(
        db,
        """
        CREATE TABLE rendered (
            note_id TEXT PRIMARY KEY
                REFERENCES notes(id) ON DELETE CASCADE ON UPDATE CASCADE,
            key TEXT NOT NULL,
            fields TEXT NOT NULL
        );
        """,
    )
    db.execute("PRAGMA user_version = 7")


@migrations()
def m008_exams(db: Database) -> None:
    """Exam blueprints, each note's domain per exam, and mock-exam attempts.

    `note_domains` replaces the single `notes.exam`/`notes.domain` pair (kept, unused) because a
    deck now serves several exams at once; rows are backfilled from that pair. Blueprints are
    stored as imported so that a collection keeps working when the YAML file is elsewhere.
    """
    _script(
        db,
        """
        CREATE TABLE note_domains (
            note_id TEXT NOT NULL REFERENCES notes(id) ON DELETE CASCADE ON UPDATE CASCADE,
            exam TEXT NOT NULL,
            domain TEXT NOT NULL,
            PRIMARY KEY (note_id, exam)
        ) WITHOUT ROWID;
        CREATE INDEX note_domains_exam ON note_domains(exam, domain, note_id);
        INSERT INTO note_domains (note_id, exam, domain)
            SELECT id, exam, CASE WHEN instr(domain, ':') > 0
                THEN trim(substr(domain, 1, instr(domain, ':') - 1)) ELSE domain END
            FROM notes WHERE exam IS NOT NULL AND domain IS NOT NULL;
        CREATE TABLE blueprints (
            code TEXT PRIMARY KEY,
            path TEXT NOT NULL,
            data TEXT NOT NULL
        );
        CREATE TABLE exam_attempts (
            id INTEGER PRIMARY KEY,
            exam TEXT NOT NULL,
            deck TEXT,
            seed INTEGER NOT NULL,
            practice INTEGER NOT NULL DEFAULT 0,
            question_count INTEGER NOT NULL,
            time_limit_s INTEGER NOT NULL,
            started_at INTEGER NOT NULL,
            finished_at INTEGER,
            status TEXT NOT NULL,
            correct INTEGER,
            passed INTEGER,
            result TEXT NOT NULL DEFAULT '{}'
        );
        CREATE INDEX exam_attempts_started ON exam_attempts(started_at);
        CREATE TABLE exam_answers (
            attempt_id INTEGER NOT NULL REFERENCES exam_attempts(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            card_id TEXT NOT NULL,
            domain TEXT,
            option_order TEXT NOT NULL,
            chosen TEXT,
            correct INTEGER,
            flagged INTEGER NOT NULL DEFAULT 0,
            answered_at INTEGER,
            PRIMARY KEY (attempt_id, position)
        ) WITHOUT ROWID;
        """,
    )
    db.execute("PRAGMA user_version = 8")


@migrations()
def m009_memory(db: Database) -> None:
    """FSRS memory state per card (stability, difficulty, last answer), for every scheduler.

    Filled by each answer from now on; cards answered before this migration get theirs by
    replaying their review log the first time a prediction needs it (`srs.memory.model`).
    """
    _script(
        db,
        """
        ALTER TABLE cards ADD COLUMN stability REAL;
        ALTER TABLE cards ADD COLUMN difficulty REAL;
        ALTER TABLE cards ADD COLUMN last_review INTEGER;
        """,
    )
    db.execute("PRAGMA user_version = 9")


@migrations()
def m010_day_plans(db: Database) -> None:
    """Today's exam-mode plan, kept so that each command reads it instead of planning again.

    `key` digests what the plan was made from (scheduler day, deck filter, options, target
    exam, card count). The plan is made as of the start of the scheduler day, so answers given
    since do not change it; what does (cards removed, suspended, orphaned or moved, options, an
    import) drops every kept plan through the triggers below. Cards and exam domains are only
    added by an import, whose store methods drop the plans once per batch (`NoteQueries`): a
    row trigger on those inserts cost a 10k-card import ~20 %.
    `cards_buried` finds the cards skipped today without reading every card (the kept plan's
    queue leaves them out on each command). `cards_plan` holds, in deck order, what the planner
    reads of each studyable card (memory), so planning walks a narrow index instead of the
    card rows and their Markdown.
    """
    _script(
        db,
        """
        CREATE TABLE day_plans (
            key TEXT PRIMARY KEY,
            day INTEGER NOT NULL,
            plan TEXT NOT NULL
        );
        CREATE INDEX cards_buried ON cards(buried_until, id) WHERE buried_until IS NOT NULL;
        CREATE INDEX cards_plan ON cards(
            position, deck_id, note_id, id, stability, difficulty, last_review, suspended, orphaned
        ) WHERE suspended = 0 AND orphaned = 0;
        CREATE TRIGGER day_plans_card_removed AFTER DELETE ON cards
            BEGIN DELETE FROM day_plans; END;
        CREATE TRIGGER day_plans_card_changed
            AFTER UPDATE OF suspended, orphaned, deck_id, note_id, position ON cards
            WHEN OLD.suspended IS NOT NEW.suspended OR OLD.orphaned IS NOT NEW.orphaned
                OR OLD.deck_id IS NOT NEW.deck_id OR OLD.note_id IS NOT NEW.note_id
                OR OLD.position IS NOT NEW.position
            BEGIN DELETE FROM day_plans; END;
        CREATE TRIGGER day_plans_option_added AFTER INSERT ON config
            BEGIN DELETE FROM day_plans; END;
        CREATE TRIGGER day_plans_option_removed AFTER DELETE ON config
            BEGIN DELETE FROM day_plans; END;
        CREATE TRIGGER day_plans_option_changed AFTER UPDATE ON config
            BEGIN DELETE FROM day_plans; END;
        CREATE TRIGGER day_plans_file_imported AFTER INSERT ON files
            BEGIN DELETE FROM day_plans; END;
        CREATE TRIGGER day_plans_file_reimported AFTER UPDATE ON files
            BEGIN DELETE FROM day_plans; END;
        """,
    )
    db.execute("PRAGMA user_version = 10")


@migrations()
def m011_anki_sync(db: Database) -> None:
    """Two-way sync with Anki (`srs sync`): what srs and its mirror Anki collection share.

    `sync_log`: every Anki review-log id either side carried (pulled into srs, or pushed from
    srs), with the srs review it is; an answer is carried once because its id is here.
    A review taken back in srs keeps its row (review_id NULL), so the answer is not pulled
    back from Anki. `sync_cards`: srs card <-> Anki card. `sync_notes`: srs note <-> Anki note
    with the fields last pushed (an edit made in Anki is what differs from them; `edited`
    once found, so it is listed on every sync until settled) and the note's `modified_at` then
    (an edit made in Markdown is what is newer). `sync_inbox`: Anki
    notes (by GUID) already written to the inbox deck file. `sync_marks`: how far the last sync
    read each side (the mirror's update sequence number, srs's last review id), so a sync reads
    only what is newer.
    """
    _script(
        db,
        """
        CREATE TABLE sync_log (
            revlog_id INTEGER PRIMARY KEY,
            review_id INTEGER UNIQUE REFERENCES reviews(id) ON DELETE SET NULL
        );
        CREATE TABLE sync_cards (
            card_id TEXT PRIMARY KEY
                REFERENCES cards(id) ON DELETE CASCADE ON UPDATE CASCADE,
            anki_card_id INTEGER NOT NULL UNIQUE
        );
        CREATE TABLE sync_notes (
            note_id TEXT PRIMARY KEY
                REFERENCES notes(id) ON DELETE CASCADE ON UPDATE CASCADE,
            anki_note_id INTEGER NOT NULL,
            fields TEXT NOT NULL,
            pushed_ms INTEGER NOT NULL,
            edited INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX sync_notes_anki ON sync_notes(anki_note_id);
        CREATE INDEX sync_notes_edited ON sync_notes(anki_note_id) WHERE edited = 1;
        CREATE TABLE sync_inbox (
            guid TEXT PRIMARY KEY,
            written_ms INTEGER NOT NULL
        );
        CREATE TABLE sync_marks (
            key TEXT PRIMARY KEY,
            value INTEGER NOT NULL
        );
        """,
    )
    db.execute("PRAGMA user_version = 11")


@migrations()
def m012_review_predictions(db: Database) -> None:
    """The recall srs's memory model predicted for each answer, to measure its calibration.

    `predicted` is the FSRS-6 recall probability of the card at the instant of the answer,
    from the memory it had before it, with the parameters in force (`srs.memory.calibration`);
    -1 when the answer has no prediction (a first look, an answer given as a new card, a
    repeat on the same scheduler day); NULL when it is not computed yet (rows logged before
    this migration, or imported): the first measurement replays those cards' logs. Changing
    `fsrs_parameters` sets them back to NULL. `reviews_calibration` holds what the measurement
    reads, so it never touches the rows' JSON snapshots.
    """
    _script(
        db,
        """
        ALTER TABLE reviews ADD COLUMN predicted REAL;
        CREATE INDEX reviews_calibration ON reviews(predicted, grade, card_id)
            WHERE predicted >= 0;
        CREATE INDEX reviews_unpredicted ON reviews(card_id) WHERE predicted IS NULL;
        CREATE TABLE calibration_cache (
            scope TEXT PRIMARY KEY,
            max_id INTEGER NOT NULL,
            groups TEXT NOT NULL
        );
        CREATE TRIGGER calibration_cache_review_removed AFTER DELETE ON reviews
            BEGIN DELETE FROM calibration_cache; END;
        """,
    )
    db.execute("PRAGMA user_version = 12")


@migrations(transactional=False)
def m013_notes_without_unused_columns(db: Database) -> None:
    """Drop what every import wrote and nothing read: `notes.exam`/`notes.domain` (replaced by
    `note_domains` in m008) with their index `notes_domain`, and `notes.fingerprint`.

    `fingerprint` held each note's whole normalised text (as many bytes as the note itself) so
    that relinking a reworded card could compare texts; the importer now normalises the few
    notes that vanished from a file when it needs them. A 10,000-note import writes 1.6 MB
    less. The table is rebuilt as SQLite documents for schema changes (ALTER TABLE ... DROP
    COLUMN would need SQLite 3.35): foreign keys off, which SQLite cannot switch inside a
    transaction (hence not `transactional`), then the copy, the swap and the version in one
    transaction, so a crash leaves either the old table or the new one.
    """
    db.execute("PRAGMA foreign_keys = OFF")
    try:
        with db.conn:
            db.conn.executescript(
                """
                BEGIN;
                CREATE TABLE notes_m013 (
                    id TEXT PRIMARY KEY,
                    kind TEXT NOT NULL,
                    deck_id INTEGER NOT NULL REFERENCES decks(id),
                    front TEXT NOT NULL,
                    back TEXT NOT NULL,
                    options TEXT NOT NULL DEFAULT '[]',
                    tags TEXT NOT NULL DEFAULT '[]',
                    context TEXT NOT NULL DEFAULT '[]',
                    extra TEXT NOT NULL DEFAULT '{}',
                    source TEXT,
                    path TEXT NOT NULL,
                    line INTEGER NOT NULL,
                    content_hash TEXT NOT NULL,
                    signature TEXT NOT NULL,
                    explicit_id INTEGER NOT NULL DEFAULT 0,
                    orphaned INTEGER NOT NULL DEFAULT 0,
                    created_at INTEGER NOT NULL,
                    modified_at INTEGER NOT NULL
                );
                INSERT INTO notes_m013
                    SELECT id, kind, deck_id, front, back, options, tags, context, extra, source,
                        path, line, content_hash, signature, explicit_id, orphaned, created_at,
                        modified_at
                    FROM notes ORDER BY rowid;
                DROP TABLE notes;
                ALTER TABLE notes_m013 RENAME TO notes;
                CREATE INDEX notes_path ON notes(path);
                PRAGMA user_version = 13;
                COMMIT;
                """
            )
    finally:
        db.execute("PRAGMA foreign_keys = ON")
    violations = db.execute("PRAGMA foreign_key_check").fetchall()
    if violations:  # pragma: no cover - the copy keeps every id
        raise RuntimeError(f"m013 left foreign keys unmatched: {violations[:3]}")


@migrations()
def m014_predictions_table(db: Database) -> None:
    """Predictions move from `reviews.predicted` to a narrow table of their own.

    Parameters change as a whole (`srs fsrs optimize --apply`), and then every prediction
    must be made again. In the review log that meant rewriting every row (its JSON snapshots
    included) and two indexes twice: once to clear them, once to fill them. On a 1M-answer
    log that took ~9 s and ~20 s. `predictions` holds (review id, prediction, recalled): cleared
    at once, refilled in log order, read without touching the log. A prediction goes with its
    answer (a trigger: undo, a deleted card; a foreign key would look the answer up for each of
    a million inserts). `predictions_filled` holds the review id up to which every answer has
    one (no row: none known), so finding the answers still to predict reads only the log's
    tail. `reviews.predicted` stays, unread and unwritten: dropping it would rewrite the whole
    log once more.
    """
    _script(
        db,
        """
        CREATE TABLE predictions (
            review_id INTEGER PRIMARY KEY,
            predicted REAL NOT NULL,
            recalled INTEGER NOT NULL
        );
        CREATE TRIGGER predictions_review_removed AFTER DELETE ON reviews
            BEGIN DELETE FROM predictions WHERE review_id = OLD.id; END;
        INSERT INTO predictions (review_id, predicted, recalled)
            SELECT id, predicted, grade > 1 FROM reviews WHERE predicted IS NOT NULL ORDER BY id;
        CREATE TABLE predictions_filled (through_id INTEGER NOT NULL);
        DROP INDEX reviews_calibration;
        DROP INDEX reviews_unpredicted;
        DELETE FROM calibration_cache;
        """,
    )
    db.execute("PRAGMA user_version = 14")


if len(migrations._migrations) != SCHEMA_VERSION:  # pragma: no cover - caught by any test run
    raise RuntimeError("srs.store.schema.SCHEMA_VERSION must equal the number of migrations")


def _migrated_schema(conn: sqlite3.Connection) -> list[str]:
    """The statements that make the schema of `conn`, in the order SQLite keeps them (tables
    come before the indexes and triggers made on them; SQLite's own tables are left out)."""
    rows = conn.execute(
        "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%'"
        " ORDER BY rowid"
    )
    return [row[0] for row in rows]


def new_schema_source() -> str:
    """The text of `srs/store/new_schema.py`: what the migrations make of an empty database.

    Run `python -m srs.store.migrations` after adding a migration to write it again (a test
    fails until then, and a new collection is made by the migrations meanwhile)."""
    conn = sqlite3.connect(":memory:")
    migrations.apply(Database(conn))
    for (table,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'"):
        if table != Migrations.migrations_table:
            count = conn.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]
            assert count == 0, f"a migration leaves rows in {table}: copy them too"
    statements = _migrated_schema(conn)
    conn.close()
    for sql in statements:
        assert '"""' not in sql and "\\" not in sql and not sql.endswith('"'), sql
    names = "".join(f'    "{m.name}",\n' for m in migrations._migrations)
    body = "".join(f'    """\\\n{sql}""",\n' for sql in statements)
    return (
        '"""The schema of a new collection: what the migrations of `srs.store.migrations` make of\n'
        "an empty database, written out by `python -m srs.store.migrations` (do not edit).\n\n"
        "`Connection.open` makes a new collection from these statements in one transaction,\n"
        "so it loads neither sqlite-utils nor what sqlite-utils loads when it is installed\n"
        "(numpy, pandas). A test compares them with what the migrations make.\n"
        '"""\n\n'
        f'MIGRATION_SET = "{migrations.name}"\n\n'
        f"MIGRATIONS = (\n{names})\n\n"
        f"STATEMENTS = (\n{body})\n"
    )


if __name__ == "__main__":  # pragma: no cover - a maintainer's step, checked by a test
    from pathlib import Path

    Path(__file__).with_name("new_schema.py").write_text(new_schema_source())
