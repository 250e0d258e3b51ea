"""The schema of a new collection: what the migrations of `srs.store.migrations` make of
an empty database, written out by `python -m srs.store.migrations` (do not edit).

`Connection.open` makes a new collection from these statements in one transaction,
so it loads neither sqlite-utils nor what sqlite-utils loads when it is installed
(numpy, pandas). A test compares them with what the migrations make.
"""

MIGRATION_SET = "srs"

MIGRATIONS = (
    "m001_initial",
    "m002_reviews_stats_index",
    "m003_deck_files",
    "m004_queue_indexes",
    "m005_lapses_index",
    "m006_stats_covering_indexes",
    "m007_rendered_html",
    "m008_exams",
    "m009_memory",
    "m010_day_plans",
    "m011_anki_sync",
    "m012_review_predictions",
    "m013_notes_without_unused_columns",
    "m014_predictions_table",
)

STATEMENTS = (
    """\
CREATE TABLE "_sqlite_migrations" (
   "id" INTEGER PRIMARY KEY,
   "migration_set" TEXT,
   "name" TEXT,
   "applied_at" TEXT
)""",
    """\
CREATE UNIQUE INDEX "idx__sqlite_migrations_migration_set_name"
    ON "_sqlite_migrations" ("migration_set", "name")""",
    """\
CREATE TABLE decks (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE
        )""",
    """\
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
        , stability REAL, difficulty REAL, last_review INTEGER)""",
    """\
CREATE INDEX cards_note ON cards(note_id)""",
    """\
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
        , predicted REAL)""",
    """\
CREATE INDEX reviews_card ON reviews(card_id, reviewed_at)""",
    """\
CREATE TABLE config (
            key TEXT NOT NULL,
            deck TEXT NOT NULL DEFAULT '',
            value TEXT NOT NULL,
            PRIMARY KEY (key, deck)
        )""",
    """\
CREATE INDEX reviews_stats ON reviews(
            review_day, state_before, grade, interval_before, duration_ms, card_id
        )""",
    """\
CREATE TABLE files (
            path TEXT PRIMARY KEY,
            digest TEXT NOT NULL,
            deck TEXT NOT NULL,
            parser TEXT NOT NULL,
            imported_at INTEGER NOT NULL
        )""",
    """\
CREATE INDEX cards_new ON cards(position)
            WHERE state = 'new' AND suspended = 0 AND orphaned = 0""",
    """\
CREATE INDEX cards_review_due ON cards(due_day, position)
            WHERE state = 'review' AND suspended = 0 AND orphaned = 0""",
    """\
CREATE INDEX cards_learning_due ON cards(due_at, position)
            WHERE due_at IS NOT NULL AND suspended = 0 AND orphaned = 0""",
    """\
CREATE INDEX cards_day_learning ON cards(due_day, position)
            WHERE state IN ('learning', 'relearning') AND due_at IS NULL
            AND suspended = 0 AND orphaned = 0""",
    """\
CREATE INDEX cards_by_deck ON cards(deck_id, state, due_day, due_at, buried_until)
            WHERE suspended = 0 AND orphaned = 0""",
    """\
CREATE INDEX cards_deck_total ON cards(deck_id) WHERE orphaned = 0""",
    """\
CREATE INDEX cards_lapses ON cards(lapses DESC, position) WHERE orphaned = 0 AND lapses > 0""",
    """\
CREATE INDEX cards_stats ON cards(
            id, note_id, deck_id, state, interval_days, ease, due_day, due_at,
            suspended, orphaned, leech
        )""",
    """\
CREATE TABLE rendered (
            note_id TEXT PRIMARY KEY
                REFERENCES notes(id) ON DELETE CASCADE ON UPDATE CASCADE,
            key TEXT NOT NULL,
            fields TEXT NOT NULL
        )""",
    """\
CREATE TABLE note_domains (
            note_id TEXT NOT NULL REFERENCES notes(id) ON DELETE CASCADE ON UPDATE CASCADE,
            exam TEXT NOT NULL,
            domain TEXT NOT NULL,
            PRIMARY KEY (note_id, exam)
        ) WITHOUT ROWID""",
    """\
CREATE INDEX note_domains_exam ON note_domains(exam, domain, note_id)""",
    """\
CREATE TABLE blueprints (
            code TEXT PRIMARY KEY,
            path TEXT NOT NULL,
            data TEXT NOT NULL
        )""",
    """\
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
        )""",
    """\
CREATE INDEX exam_attempts_started ON exam_attempts(started_at)""",
    """\
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
        ) WITHOUT ROWID""",
    """\
CREATE TABLE day_plans (
            key TEXT PRIMARY KEY,
            day INTEGER NOT NULL,
            plan TEXT NOT NULL
        )""",
    """\
CREATE INDEX cards_buried ON cards(buried_until, id) WHERE buried_until IS NOT NULL""",
    """\
CREATE INDEX cards_plan ON cards(
            position, deck_id, note_id, id, stability, difficulty, last_review, suspended, orphaned
        ) WHERE suspended = 0 AND orphaned = 0""",
    """\
CREATE TRIGGER day_plans_card_removed AFTER DELETE ON cards
            BEGIN DELETE FROM day_plans; END""",
    """\
CREATE TRIGGER day_plans_card_changed
            AFTER UPDATE OF suspended, orphaned, deck_id, note_id, position ON cards
            WHEN OLD.suspended IS NOT NEW.suspended OR OLD.orphaned IS NOT NEW.orphaned
                OR OLD.deck_id IS NOT NEW.deck_id OR OLD.note_id IS NOT NEW.note_id
                OR OLD.position IS NOT NEW.position
            BEGIN DELETE FROM day_plans; END""",
    """\
CREATE TRIGGER day_plans_option_added AFTER INSERT ON config
            BEGIN DELETE FROM day_plans; END""",
    """\
CREATE TRIGGER day_plans_option_removed AFTER DELETE ON config
            BEGIN DELETE FROM day_plans; END""",
    """\
CREATE TRIGGER day_plans_option_changed AFTER UPDATE ON config
            BEGIN DELETE FROM day_plans; END""",
    """\
CREATE TRIGGER day_plans_file_imported AFTER INSERT ON files
            BEGIN DELETE FROM day_plans; END""",
    """\
CREATE TRIGGER day_plans_file_reimported AFTER UPDATE ON files
            BEGIN DELETE FROM day_plans; END""",
    """\
CREATE TABLE sync_log (
            revlog_id INTEGER PRIMARY KEY,
            review_id INTEGER UNIQUE REFERENCES reviews(id) ON DELETE SET NULL
        )""",
    """\
CREATE TABLE sync_cards (
            card_id TEXT PRIMARY KEY
                REFERENCES cards(id) ON DELETE CASCADE ON UPDATE CASCADE,
            anki_card_id INTEGER NOT NULL UNIQUE
        )""",
    """\
CREATE TABLE sync_notes (
            note_id TEXT PRIMARY KEY
                REFERENCES notes(id) ON DELETE CASCADE ON UPDATE CASCADE,
            anki_note_id INTEGER NOT NULL,
            fields TEXT NOT NULL,
            pushed_ms INTEGER NOT NULL,
            edited INTEGER NOT NULL DEFAULT 0
        )""",
    """\
CREATE INDEX sync_notes_anki ON sync_notes(anki_note_id)""",
    """\
CREATE INDEX sync_notes_edited ON sync_notes(anki_note_id) WHERE edited = 1""",
    """\
CREATE TABLE sync_inbox (
            guid TEXT PRIMARY KEY,
            written_ms INTEGER NOT NULL
        )""",
    """\
CREATE TABLE sync_marks (
            key TEXT PRIMARY KEY,
            value INTEGER NOT NULL
        )""",
    """\
CREATE TABLE calibration_cache (
            scope TEXT PRIMARY KEY,
            max_id INTEGER NOT NULL,
            groups TEXT NOT NULL
        )""",
    """\
CREATE TRIGGER calibration_cache_review_removed AFTER DELETE ON reviews
            BEGIN DELETE FROM calibration_cache; END""",
    """\
CREATE TABLE "notes" (
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
                )""",
    """\
CREATE INDEX notes_path ON notes(path)""",
    """\
CREATE TABLE predictions (
            review_id INTEGER PRIMARY KEY,
            predicted REAL NOT NULL,
            recalled INTEGER NOT NULL
        )""",
    """\
CREATE TRIGGER predictions_review_removed AFTER DELETE ON reviews
            BEGIN DELETE FROM predictions WHERE review_id = OLD.id; END""",
    """\
CREATE TABLE predictions_filled (through_id INTEGER NOT NULL)""",
)
