"""The schema: a blank collection, refusal of newer collections and of non-collections."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from srs.errors import CollectionError
from srs.store import Store
from srs.store.migrations import SCHEMA_VERSION
from srs.store.schema import PAGE_SIZE


def test_blank_database_gets_every_table_and_index(db_path: Path) -> None:
    with Store.open(db_path) as store:
        tables = set(store.db.table_names())
        assert {"decks", "notes", "cards", "reviews", "config"} <= tables
        indexes = {
            row[0] for row in store.execute("SELECT name FROM sqlite_master WHERE type = 'index'")
        }
        assert {"cards_review_due", "cards_learning_due", "cards_new", "reviews_card"} <= indexes
        assert store.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert store.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert store.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert store.execute("PRAGMA page_size").fetchone()[0] == PAGE_SIZE
        columns = store.db["reviews"].columns_dict
        for name in ("card_id", "reviewed_at", "grade", "duration_ms", "scheduler"):
            assert name in columns


def test_opening_twice_applies_nothing_new(db_path: Path) -> None:
    Store.open(db_path).close()
    with Store.open(db_path) as store:
        applied = store.execute("SELECT COUNT(*) FROM _sqlite_migrations").fetchone()[0]
    assert applied == SCHEMA_VERSION


def test_collection_from_a_newer_srs_is_refused_untouched(db_path: Path) -> None:
    Store.open(db_path).close()
    conn = sqlite3.connect(db_path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.commit()
    conn.close()
    before = db_path.read_bytes()
    with pytest.raises(CollectionError, match="newer srs"):
        Store.open(db_path)
    assert db_path.read_bytes() == before


def test_unknown_migration_is_refused_before_migrating(db_path: Path) -> None:
    """`user_version` is the quick gate; migration names are checked whenever srs migrates.

    Here a collection from another line of development has an older version number but a
    migration this srs does not know: srs must not apply its own on top.
    """
    Store.open(db_path).close()
    conn = sqlite3.connect(db_path)
    conn.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at)"
        " VALUES ('srs', 'm999_future', '2030-01-01')"
    )
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION - 1}")
    conn.commit()
    conn.close()
    with pytest.raises(CollectionError, match="m999_future"):
        Store.open(db_path)


def test_a_file_that_is_not_a_collection_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("hello, not a database\n")
    with pytest.raises(CollectionError, match="not an srs collection"):
        Store.open(path)
    assert path.read_text() == "hello, not a database\n"


def test_upgrade_from_an_empty_schema_keeps_foreign_data(db_path: Path) -> None:
    """A file created by plain SQLite (user_version 0) is migrated, other tables kept, at the
    page size it was made with (only a new collection gets `PAGE_SIZE`)."""
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA page_size = 4096")
    conn.execute("CREATE TABLE my_notes (x)")
    conn.execute("INSERT INTO my_notes VALUES (42)")
    conn.commit()
    conn.close()
    with Store.open(db_path) as store:
        assert store.execute("SELECT x FROM my_notes").fetchone()[0] == 42
        assert "cards" in store.db.table_names()
        assert store.execute("PRAGMA page_size").fetchone()[0] == 4096
        assert store.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_upgrade_from_schema_1_keeps_cards_and_history(db_path: Path) -> None:
    """A collection written at schema 1 (rows as srs 0.1 wrote them) is upgraded in place."""
    from sqlite_utils import Database

    from srs.collection import Collection
    from srs.store.migrations import migrations

    conn = sqlite3.connect(db_path)
    conn.isolation_level = None
    migrations.apply(Database(conn), stop_before="m002_reviews_stats_index")
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    conn.executescript(
        """
        INSERT INTO decks (id, name) VALUES (1, 'old');
        INSERT INTO notes (id, kind, deck_id, front, back, path, line, content_hash,
            fingerprint, signature, created_at, modified_at)
            VALUES ('n1', 'basic', 1, 'Q?', 'A.', '/decks/old.md', 3, 'h', 'q? a.', 's', 0, 0);
        INSERT INTO cards (id, note_id, kind, ordinal, front, back, deck_id, position, state,
            due_day, interval_days, ease, reps, created_at, modified_at)
            VALUES ('n1', 'n1', 'basic', 0, 'Q?', 'A.', 1, 0, 'review', 739000, 3, 2500, 2, 0, 0);
        INSERT INTO reviews (card_id, reviewed_at, review_day, grade, kind, scheduler,
            state_before, state_after, interval_before, interval_after, ease_before, ease_after,
            duration_ms, before, after)
            VALUES ('n1', 1700000000000, 738990, 3, 1, 'sm2', 'review', 'review', 1, 3, 2500,
            2500, 4000, '{}', '{}');
        """
    )
    conn.close()

    with Collection.open(db_path) as upgraded:
        version = upgraded.store.execute("PRAGMA user_version").fetchone()[0]
        assert version == SCHEMA_VERSION
        names = {r[0] for r in upgraded.store.execute("SELECT name FROM sqlite_master")}
        assert {"reviews_stats", "files"} <= names and "reviews_day" not in names
        card = upgraded.card("n1")
        assert (card.scheduling.reps, card.scheduling.interval_days, card.deck) == (2, 3, "old")
        assert upgraded.store.execute("SELECT COUNT(*) FROM reviews").fetchone()[0] == 1


def test_m010_day_plans_are_dropped_when_the_cards_change(db_path: Path) -> None:
    """m010 keeps today's exam-mode plan; the triggers drop it when what it was made from
    changes (a card suspended, an option set), not when an answer moves a card's schedule."""
    with Store.open(db_path) as store:
        store.execute("INSERT INTO decks (id, name) VALUES (1, 'd')")
        store.execute(
            "INSERT INTO notes (id, kind, deck_id, front, back, path, line, content_hash,"
            " signature, created_at, modified_at)"
            " VALUES ('n', 'basic', 1, 'f', 'b', 'p.md', 1, 'h', 's', 0, 0)"
        )
        store.execute(
            "INSERT INTO cards (id, note_id, kind, ordinal, front, back, deck_id, position,"
            " created_at, modified_at) VALUES ('c', 'n', 'basic', 0, 'f', 'b', 1, 0, 0, 0)"
        )

        def kept() -> int:
            return int(store.execute("SELECT COUNT(*) FROM day_plans").fetchone()[0])

        def keep() -> None:
            store.execute("INSERT INTO day_plans (key, day, plan) VALUES ('k', 1, '{}')")

        keep()
        store.execute("UPDATE cards SET state = 'review', due_day = 5, suspended = 0")
        assert kept() == 1  # an answer: the plan stays
        store.execute("UPDATE cards SET suspended = 1")
        assert kept() == 0
        keep()
        store.execute("INSERT INTO config (key, value) VALUES ('daily_minutes', '30')")
        assert kept() == 0
        keep()  # cards and domains come only from imports, whose writes drop plans per batch
        store.insert_domains([("n", "MLA-C01", "1")])
        assert kept() == 0
        keep()
        store.execute("DELETE FROM cards")
        assert kept() == 0


def test_m011_sync_tables_keep_an_undone_answer_carried(db_path: Path, tmp_path: Path) -> None:
    """An answer taken back after it was synced keeps its Anki id as carried (review id NULL),
    so it is not pulled back; a card renamed by a relink keeps its Anki card."""
    from datetime import UTC, datetime

    from srs.collection import Collection
    from srs.model import Grade

    deck = tmp_path / "d.md"
    deck.write_text("# D\n\nQ: one?\nA: 1\n", encoding="utf-8")
    now = datetime(2026, 11, 28, 9, tzinfo=UTC)
    with Collection.open(db_path, now=now) as col:
        assert {"sync_log", "sync_cards", "sync_notes", "sync_inbox"} <= set(
            col.store.db.table_names()
        )
        col.import_paths([deck], now)
        card_id = next(iter(col.store.card_ids()))
        outcome = col.answer(card_id, Grade.GOOD, now)
        with col.store.transaction():
            col.store.set_card_links([(card_id, 42)])
            col.store.record_carried([(1_700_000_000_000, outcome.review_id)])
        col.undo()
        rows = col.store.execute("SELECT revlog_id, review_id FROM sync_log").fetchall()
        assert [tuple(r) for r in rows] == [(1_700_000_000_000, None)]
        assert col.store.carried_revlog_ids() == {1_700_000_000_000}
        assert col.store.card_links() == {card_id: 42}


def test_m012_predictions_of_an_older_log_are_computed_on_first_measurement(
    db_path: Path,
) -> None:
    """A log written before m012 has no predictions (NULL); the first calibration replays it."""
    from sqlite_utils import Database

    from srs.collection import Collection
    from srs.memory.model import default_model
    from srs.store.migrations import migrations

    conn = sqlite3.connect(db_path)
    conn.isolation_level = None
    migrations.apply(Database(conn), stop_before="m012_review_predictions")
    day, ms = 739000, 739000 * 86_400_000 - 62_135_596_800_000 + 9 * 3_600_000
    conn.executescript(
        f"""
        INSERT INTO decks (id, name) VALUES (1, 'old');
        INSERT INTO notes (id, kind, deck_id, front, back, path, line, content_hash,
            fingerprint, signature, created_at, modified_at)
            VALUES ('n1', 'basic', 1, 'Q?', 'A.', '/decks/old.md', 3, 'h', 'q? a.', 's', 0, 0);
        INSERT INTO cards (id, note_id, kind, ordinal, front, back, deck_id, position, state,
            due_day, interval_days, ease, reps, created_at, modified_at)
            VALUES ('n1', 'n1', 'basic', 0, 'Q?', 'A.', 1, 0, 'review', {day + 9}, 6, 2500, 2,
            0, 0);
        INSERT INTO reviews (card_id, reviewed_at, review_day, grade, kind, scheduler,
            state_before, state_after, interval_before, interval_after, ease_before, ease_after,
            duration_ms, before, after)
            VALUES ('n1', {ms}, {day}, 3, 0, 'sm2', 'new', 'review', 0, 3, 2500, 2500, 4000,
            '{{}}', '{{}}'),
            ('n1', {ms + 3 * 86_400_000}, {day + 3}, 3, 1, 'sm2', 'review', 'review', 3, 6,
            2500, 2500, 4000, '{{}}', '{{}}');
        """
    )
    conn.close()
    with Collection.open(db_path) as upgraded:
        assert (
            upgraded.store.execute(
                "SELECT COUNT(*) FROM reviews WHERE predicted IS NULL"
            ).fetchone()[0]
            == 2
        )
        cal = upgraded.calibration()
        model = default_model()
        assert cal.answers == 1
        assert cal.predicted == pytest.approx(model.retrievability(3.0, model.w[2]))
        assert cal.recalled == 1.0
        rows = upgraded.store.execute(
            "SELECT predicted FROM predictions ORDER BY review_id"
        ).fetchall()
        assert rows[0][0] == -1.0 and rows[1][0] > 0


def test_m013_drops_the_unused_note_columns_and_keeps_every_row(db_path: Path) -> None:
    """m013 rebuilds `notes` without `exam`, `domain` and `fingerprint`: the notes, the cards
    that reference them, their domains and history stay, foreign keys stay on and enforced,
    and a reworded card still relinks (its text is now read when needed)."""
    from datetime import UTC, datetime

    from sqlite_utils import Database

    from srs.collection import Collection
    from srs.store.migrations import migrations

    deck = db_path.parent / "d.md"
    deck.write_text("# D\n\nQ: which service stores objects?\nA: S3\n", encoding="utf-8")
    now = datetime(2026, 11, 28, 9, tzinfo=UTC)
    # A schema-12 collection as an srs of that schema wrote it, then upgraded.
    conn = sqlite3.connect(db_path)
    conn.isolation_level = None
    migrations.apply(Database(conn), stop_before="m013_notes_without_unused_columns")
    conn.executescript(
        f"""
        INSERT INTO decks (id, name) VALUES (1, 'd');
        INSERT INTO notes (id, kind, deck_id, front, back, path, line, content_hash,
            fingerprint, signature, exam, domain, created_at, modified_at)
            VALUES ('n1', 'basic', 1, 'Which service stores objects?', 'S3',
            '{deck.resolve().as_posix()}', 3, 'h', 'which service stores objects? s3', 's',
            'MLA-C01', '1', 0, 0);
        INSERT INTO cards (id, note_id, kind, ordinal, front, back, deck_id, position, state,
            due_day, interval_days, ease, reps, created_at, modified_at)
            VALUES ('n1', 'n1', 'basic', 0, 'Which service stores objects?', 'S3', 1, 0,
            'review', 739000, 3, 2500, 2, 0, 0);
        INSERT INTO note_domains (note_id, exam, domain) VALUES ('n1', 'MLA-C01', '1');
        INSERT INTO reviews (card_id, reviewed_at, review_day, grade, kind, scheduler,
            state_before, state_after, interval_before, interval_after, ease_before, ease_after,
            duration_ms, before, after)
            VALUES ('n1', 1700000000000, 738990, 3, 1, 'sm2', 'review', 'review', 1, 3, 2500,
            2500, 4000, '{{}}', '{{}}');
        """
    )
    conn.close()
    with Collection.open(db_path, now=now) as col:
        store = col.store
        assert store.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        columns = {c.name for c in store.db["notes"].columns}
        assert not columns & {"exam", "domain", "fingerprint"}
        indexes = {r[0] for r in store.execute("SELECT name FROM sqlite_master")}
        assert "notes_domain" not in indexes and "notes_path" in indexes
        assert store.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert store.execute("PRAGMA foreign_key_check").fetchall() == []
        assert store.execute("SELECT COUNT(*) FROM note_domains").fetchone()[0] == 1
        with pytest.raises(sqlite3.IntegrityError):  # still enforced after the rebuild
            store.execute(
                "INSERT INTO cards (id, note_id, kind, ordinal, front, back, deck_id, position,"
                " created_at, modified_at) VALUES ('x', 'gone', 'basic', 0, 'f', 'b', 1, 1, 0, 0)"
            )
        deck.write_text("# D\n\nQ: Which AWS service stores objects?\nA: S3\n", encoding="utf-8")
        report = col.import_paths([deck], now)
        assert (report.relinked, report.added) == (1, 0)
        (card_id,) = store.card_ids()
        card = col.card(card_id)
        assert (card.scheduling.reps, card.scheduling.interval_days) == (2, 3)
        assert store.execute("SELECT COUNT(*) FROM reviews").fetchone()[0] == 1


def test_m014_moves_the_predictions_out_of_the_log_and_computes_the_missing_ones(
    db_path: Path,
) -> None:
    """m014: the predictions a schema-13 log holds move to `predictions` as they were, an answer
    without one is predicted at the first measurement, and undo takes an answer's prediction
    with it."""
    from datetime import UTC, datetime

    from sqlite_utils import Database

    from srs.collection import Collection
    from srs.model import Grade
    from srs.store.migrations import migrations

    conn = sqlite3.connect(db_path)
    conn.isolation_level = None
    migrations.apply(Database(conn), stop_before="m014_predictions_table")
    day, ms = 739000, 739000 * 86_400_000 - 62_135_596_800_000 + 9 * 3_600_000
    rows = ", ".join(
        f"('n1', {ms + k * 3 * 86_400_000}, {day + 3 * k}, {grade}, 1, 'sm2', '{before}',"
        f" 'review', 0, 3, 2500, 2500, 4000, '{{}}', '{{}}', {predicted})"
        for k, (grade, before, predicted) in enumerate(
            [(3, "new", "-1"), (1, "review", "0.875"), (3, "review", "NULL")]
        )
    )
    conn.executescript(
        f"""
        INSERT INTO decks (id, name) VALUES (1, 'old');
        INSERT INTO notes (id, kind, deck_id, front, back, path, line, content_hash,
            signature, created_at, modified_at)
            VALUES ('n1', 'basic', 1, 'Q?', 'A.', '/decks/old.md', 3, 'h', 's', 0, 0);
        INSERT INTO cards (id, note_id, kind, ordinal, front, back, deck_id, position, state,
            due_day, interval_days, ease, reps, created_at, modified_at)
            VALUES ('n1', 'n1', 'basic', 0, 'Q?', 'A.', 1, 0, 'review', {day + 9}, 6, 2500, 3,
            0, 0);
        INSERT INTO reviews (card_id, reviewed_at, review_day, grade, kind, scheduler,
            state_before, state_after, interval_before, interval_after, ease_before, ease_after,
            duration_ms, before, after, predicted) VALUES {rows};
        """
    )
    conn.close()
    with Collection.open(db_path) as upgraded:
        store = upgraded.store
        moved = store.execute("SELECT review_id, predicted, recalled FROM predictions").fetchall()
        assert [tuple(row) for row in moved] == [(1, -1.0, 1), (2, 0.875, 0)]
        assert store.unpredicted_cards() == ["n1"]
        cal = upgraded.calibration()
        assert cal.answers == 2  # the kept 0.875 and the third answer's, computed now
        assert not store.unpredicted_cards()
        third = store.execute("SELECT predicted FROM predictions WHERE review_id = 3").fetchone()
        assert 0 < third[0] < 1
        later = datetime(2026, 12, 1, 9, tzinfo=UTC)
        outcome = upgraded.answer("n1", Grade.GOOD, later)
        assert upgraded.calibration().answers == 3
        upgraded.undo(outcome.review_id)
        assert store.execute("SELECT COUNT(*) FROM predictions").fetchone()[0] == 3
        assert upgraded.calibration().answers == 2


def test_migration_scripts_run_statement_by_statement_inside_the_transaction(
    db_path: Path,
) -> None:
    """`_script` splits at statement ends only: a trigger body and a string hold `;` too."""
    from sqlite_utils import Database

    from srs.store.migrations import _script

    conn = sqlite3.connect(db_path)
    conn.isolation_level = None
    db = Database(conn)
    conn.execute("BEGIN")
    _script(
        db,
        """
        CREATE TABLE t (x TEXT);
        CREATE TABLE log (y TEXT);
        CREATE TRIGGER t_added AFTER INSERT ON t
            BEGIN INSERT INTO log VALUES ('a;b'); INSERT INTO log VALUES (NEW.x); END;
        INSERT INTO t VALUES ('semi;colon');
        INSERT INTO t VALUES ('last')
        """,
    )
    assert conn.in_transaction  # nothing committed behind the migration's back
    conn.execute("ROLLBACK")
    assert conn.execute("SELECT name FROM sqlite_master").fetchall() == []
    conn.execute("BEGIN")
    _script(db, "CREATE TABLE t (x TEXT); CREATE TABLE log (y TEXT);")
    _script(
        db,
        "CREATE TRIGGER t_added AFTER INSERT ON t BEGIN INSERT INTO log VALUES ('a;b');"
        " INSERT INTO log VALUES (NEW.x); END; INSERT INTO t VALUES ('semi;colon');"
        " INSERT INTO t VALUES ('last')",
    )
    conn.execute("COMMIT")
    assert [r[0] for r in conn.execute("SELECT x FROM t")] == ["semi;colon", "last"]
    assert [r[0] for r in conn.execute("SELECT y FROM log")] == ["a;b", "semi;colon", "a;b", "last"]


def _schema_of(conn: sqlite3.Connection) -> list[tuple[str, str, str, str | None]]:
    rows = conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name")
    return [tuple(row) for row in rows]


def test_the_new_schema_module_is_what_the_migrations_make() -> None:
    """`srs/store/new_schema.py` is written by `python -m srs.store.migrations`; a migration
    added without writing it again fails here."""
    from srs.store import new_schema
    from srs.store.migrations import new_schema_source

    written = Path(new_schema.__file__).read_text()
    assert written == new_schema_source(), "run `python -m srs.store.migrations`"


def test_a_new_collection_has_the_migrated_schema_and_record(tmp_path: Path) -> None:
    from sqlite_utils import Database

    from srs.store.migrations import migrations

    migrated = sqlite3.connect(tmp_path / "migrated.db")
    migrated.execute(f"PRAGMA page_size = {PAGE_SIZE}")
    migrations.apply(Database(migrated))
    now = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
    Store.open(tmp_path / "new.db", now).close()
    made = sqlite3.connect(tmp_path / "new.db")
    assert _schema_of(made) == _schema_of(migrated)
    for pragma in ("user_version", "page_size", "journal_mode"):
        made_value = made.execute(f"PRAGMA {pragma}").fetchone()
        migrated_value = migrated.execute(f"PRAGMA {pragma}").fetchone()
        assert made_value == migrated_value or pragma == "journal_mode", pragma
    record = "SELECT migration_set, name FROM _sqlite_migrations ORDER BY id"
    assert made.execute(record).fetchall() == migrated.execute(record).fetchall()
    assert {row[0] for row in made.execute("SELECT applied_at FROM _sqlite_migrations")} == {
        "2026-03-01 09:30:00+00:00"  # the --now of the command that made it
    }
    assert migrations.pending(Database(made)) == []
    assert made.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_making_a_new_collection_loads_no_sqlite_utils(tmp_path: Path) -> None:
    """sqlite-utils loads numpy and pandas when they are installed: a first `srs import` paid
    for them (~130 ms with numpy)."""
    code = (
        "import sys; from pathlib import Path; from srs.store import Store;"
        f" Store.open(Path({str(tmp_path / 'c.db')!r})).close();"
        " print(sorted(m for m in ('sqlite_utils', 'numpy', 'pandas') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"
