"""Backups: SQLite backup API copies next to the collection, the last 7 kept, taken before any
migration and on the first open of each UTC day; `srs backup` and `srs restore FILE`.
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from helpers import dump
from sqlite_utils import Database
from typer.testing import CliRunner

from srs.cli.app import app
from srs.collection import Collection
from srs.errors import CollectionError
from srs.model import Grade
from srs.store import Store
from srs.store.backup import (
    KEEP,
    backup_folder,
    backup_now,
    backups_of,
    check_collection_file,
    daily_backup,
)
from srs.store.migrations import SCHEMA_VERSION, migrations

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
runner = CliRunner()


@pytest.fixture
def filled(db_path: Path, deck_dir: Path) -> Path:
    """A collection with cards and one answer in it."""
    with Collection.open(db_path) as col:
        col.import_paths([deck_dir], NOW)
        col.answer(next(iter(col.cards())).id, Grade.GOOD, NOW)
    return db_path


def test_backup_is_a_full_copy_named_by_utc_time(filled: Path) -> None:
    for old in backups_of(filled):  # the daily backup taken by the second open above
        old.unlink()
    with closing(sqlite3.connect(filled)) as store:
        made = backup_now(store, filled, datetime(2026, 3, 2, 11, 30, 5, 123, tzinfo=UTC))
    assert made.parent == filled.parent / "backups"
    assert made.name == "collection-20260302T113005000123Z.db"
    assert backups_of(filled) == [made]
    assert dump(made, migrations=False) == dump(filled, migrations=False)
    check_collection_file(made)
    # Self-contained: no WAL companions needed to read it.
    assert sqlite3.connect(made).execute("PRAGMA journal_mode").fetchone()[0] == "delete"


def test_backup_sees_uncommitted_wal_content_of_other_connections(filled: Path) -> None:
    """Answers still in the WAL (not checkpointed) are in the backup."""
    with Collection.open(filled) as writer, Store.open(filled) as reader:
        card = list(writer.cards())[1]
        writer.answer(card.id, Grade.EASY, NOW)
        made = backup_now(reader.conn, filled, NOW + timedelta(hours=1))
    conn = sqlite3.connect(made)
    assert conn.execute("SELECT COUNT(*) FROM reviews").fetchone()[0] == 2


def test_only_the_last_seven_are_kept(filled: Path) -> None:
    with closing(sqlite3.connect(filled)) as store:
        made = [backup_now(store, filled, NOW + timedelta(hours=h)) for h in range(10)]
    assert KEEP == 7
    assert backups_of(filled) == made[-7:]
    # Files that are not backups of this collection are left alone.
    other = backup_folder(filled) / "notes.txt"
    other.write_text("mine")
    with closing(sqlite3.connect(filled)) as store:
        backup_now(store, filled, NOW + timedelta(hours=20))
    assert other.read_text() == "mine"
    assert len(backups_of(filled)) == 7


def test_same_instant_twice_gives_two_files(filled: Path) -> None:
    with closing(sqlite3.connect(filled)) as store:
        first = backup_now(store, filled, NOW)
        second = backup_now(store, filled, NOW)
    assert first != second and first.exists() and second.exists()


def test_daily_backup_on_first_open_of_the_day(db_path: Path, deck_dir: Path) -> None:
    with Collection.open(db_path) as col:  # a new file: nothing to back up yet
        col.import_paths([deck_dir], NOW)
    assert backups_of(db_path) == []
    for _ in range(3):
        Store.open(db_path).close()
    (first,) = backups_of(db_path)
    # Pretend that backup was taken yesterday (UTC): the next open takes today's.
    yesterday = datetime.now(UTC) - timedelta(days=1)
    stamp = yesterday.strftime("%Y%m%dT%H%M%S") + "000000Z"
    first.rename(first.with_name(f"collection-{stamp}.db"))
    Store.open(db_path).close()
    Store.open(db_path).close()
    assert len(backups_of(db_path)) == 2


def test_daily_backup_follows_the_utc_day(filled: Path) -> None:
    for old in backups_of(filled):
        old.unlink()
    with closing(sqlite3.connect(filled)) as store:
        assert daily_backup(store, filled, datetime(2026, 3, 2, 0, 1, tzinfo=UTC))
        assert daily_backup(store, filled, datetime(2026, 3, 2, 23, 59, tzinfo=UTC)) is None
        assert daily_backup(store, filled, datetime(2026, 3, 3, 0, 0, tzinfo=UTC))
    assert len(backups_of(filled)) == 2


def test_a_killed_backup_leaves_no_file_that_looks_like_a_backup(filled: Path) -> None:
    folder = backup_folder(filled)
    folder.mkdir(exist_ok=True)
    partial = folder / ".collection-20260302T100000000000Z.db.999.partial"
    partial.write_bytes(b"SQLite format 3\x00" + b"\x00" * 100)  # truncated mid-copy
    os.utime(partial, (0, 0))  # old: left by a process killed long ago
    assert partial not in backups_of(filled)
    with closing(sqlite3.connect(filled)) as store:
        backup_now(store, filled, NOW)
    assert not partial.exists()


def test_daily_backup_failure_does_not_stop_study(filled: Path) -> None:
    assert not backup_folder(filled).exists()  # `filled` created the file: no backup yet
    backup_folder(filled).write_text("a file where the folder should be")
    with Collection.open(filled) as col:  # opens fine; the next open will try again
        assert len(list(col.cards())) == 8


def schema_1_collection(path: Path) -> None:
    """A collection as srs wrote it at schema 1, with a deck and an option in it."""
    conn = sqlite3.connect(path)
    conn.isolation_level = None
    migrations.apply(Database(conn), stop_before="m002_reviews_stats_index")
    conn.execute("INSERT INTO decks (name) VALUES ('aws')")
    conn.execute("INSERT INTO config (key, deck, value) VALUES ('new_per_day', '', '5')")
    conn.close()


def test_backup_before_migration(db_path: Path) -> None:
    schema_1_collection(db_path)
    before = dump(db_path, migrations=False)
    with Store.open(db_path) as store:
        assert store.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    (copy,) = backups_of(db_path)
    conn = sqlite3.connect(copy)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    conn.close()
    assert dump(copy, migrations=False) == before


def test_no_migration_without_a_backup(db_path: Path) -> None:
    schema_1_collection(db_path)
    backup_folder(db_path).write_text("not a folder")
    with pytest.raises(CollectionError, match="cannot write a backup"):
        Store.open(db_path)
    conn = sqlite3.connect(db_path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1


# -- the commands --------------------------------------------------------------------------


def cli(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    assert "Traceback" not in result.stdout + result.stderr
    return result.exit_code, result.stdout, result.stderr


def test_srs_backup_prints_the_new_file(filled: Path) -> None:
    code, out, err = cli("backup")
    assert code == 0, err
    path = Path(out.strip().removeprefix("Backed up to "))
    assert path in backups_of(filled)
    assert dump(path, migrations=False) == dump(filled, migrations=False)


def test_srs_restore_puts_a_backup_back_and_keeps_the_replaced_one(filled: Path) -> None:
    code, out, _ = cli("backup")
    saved = Path(out.strip().removeprefix("Backed up to "))
    at_backup = dump(filled, migrations=False)
    with Collection.open(filled) as col:
        for card in list(col.cards())[:3]:
            col.answer(card.id, Grade.AGAIN, NOW + timedelta(minutes=5))
    after_answers = dump(filled, migrations=False)
    assert after_answers != at_backup

    code, out, err = cli("restore", str(saved))
    assert code == 0, err
    assert dump(filled, migrations=False) == at_backup
    replaced = Path(out.splitlines()[0].removeprefix("Saved the previous collection as "))
    assert dump(replaced, migrations=False) == after_answers
    with Collection.open(filled) as col:  # usable afterwards, through the normal path
        assert col.store.integrity_ok()
        assert col.store.execute("SELECT COUNT(*) FROM reviews").fetchone()[0] == 1


def test_restore_replaces_a_damaged_collection(filled: Path, tmp_path: Path) -> None:
    good = tmp_path / "good.db"
    with closing(sqlite3.connect(filled)) as store:
        store.backup(sqlite3.connect(good))
    filled.write_bytes(b"garbage, not SQLite")
    code, out, err = cli("restore", str(good))
    assert code == 0, err
    assert "damaged" in out
    assert dump(filled, migrations=False) == dump(good, migrations=False)


def corrupt(path: Path) -> None:
    """Damage the b-tree of a valid database in a way integrity_check detects."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.execute("CREATE TABLE filler (x TEXT)")
    conn.execute("CREATE INDEX filler_x ON filler(x)")
    conn.executemany("INSERT INTO filler VALUES (?)", [(f"value {i:05d}",) for i in range(3000)])
    conn.commit()
    # A leaf page of the index, wherever the file's layout put it (dbstat names each page).
    leaf = conn.execute(
        "SELECT pageno FROM dbstat WHERE name = 'filler_x' AND pagetype = 'leaf' LIMIT 1"
    ).fetchone()[0]
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    with path.open("r+b") as handle:  # scribble over it
        handle.seek((leaf - 1) * page_size + 200)
        handle.write(b"\xff" * 400)


def bad_backups(tmp_path: Path, filled: Path) -> list[tuple[Path, str]]:
    """(file, message fragment) pairs `srs restore` must refuse."""
    cases = []
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    cases.append((text, "not an SQLite file"))
    empty_sqlite = tmp_path / "other.db"
    conn = sqlite3.connect(empty_sqlite)
    conn.execute("CREATE TABLE things (x)")
    conn.commit()
    conn.close()
    cases.append((empty_sqlite, "no cards, config, decks, notes, reviews table"))
    newer = tmp_path / "newer.db"
    with closing(sqlite3.connect(filled)) as store:
        store.backup(sqlite3.connect(newer))
    conn = sqlite3.connect(newer)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.commit()
    conn.close()
    cases.append((newer, "written by a newer srs"))
    unknown = tmp_path / "unknown.db"
    with closing(sqlite3.connect(filled)) as store:
        store.backup(sqlite3.connect(unknown))
    conn = sqlite3.connect(unknown)
    conn.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at)"
        " VALUES ('srs', 'm999_future', '2030-01-01')"
    )
    conn.commit()
    conn.close()
    cases.append((unknown, "written by a newer srs"))
    damaged = tmp_path / "damaged.db"
    with closing(sqlite3.connect(filled)) as store:
        store.backup(sqlite3.connect(damaged))
    corrupt(damaged)
    cases.append((damaged, "damaged"))
    cases.append((tmp_path, "is a folder"))
    cases.append((tmp_path / "missing.db", "cannot read"))
    return cases


def test_restore_refuses_files_that_are_not_valid_collections(filled: Path, tmp_path: Path) -> None:
    before = dump(filled, migrations=False)
    backups_before = backups_of(filled)
    for bad, fragment in bad_backups(tmp_path, filled):
        code, out, err = cli("restore", str(bad))
        assert code == 1, (bad, out)
        assert err.startswith("Error: ") and fragment in err, (bad, err)
        assert err.count("\n") == 1, err
        assert dump(filled, migrations=False) == before
    assert backups_of(filled) == backups_before  # nothing replaced, so nothing saved


def test_restore_refuses_the_collection_itself(filled: Path) -> None:
    code, _, err = cli("restore", str(filled))
    assert code == 1 and "is the collection itself" in err


def test_opening_as_of_an_earlier_day_takes_no_backup(filled: Path) -> None:
    """`--now` in the past (a script, the benchmarks) must not back up on every command: a
    backup is due only when the newest one is from an earlier day than `now`."""
    for old in backups_of(filled):
        old.unlink()
    Store.open(filled, datetime(2026, 3, 5, 12, tzinfo=UTC)).close()
    Store.open(filled, datetime(2026, 3, 1, 12, tzinfo=UTC)).close()
    Store.open(filled, datetime(2026, 3, 1, 13, tzinfo=UTC)).close()
    assert len(backups_of(filled)) == 1


@pytest.mark.parametrize(
    "stamp",
    ["20261128T180000", "20240229T235959", "19991231T000001", "20261301T000000", "20250229T120000"],
)
def test_a_backup_name_reads_as_strptime_reads_it(stamp: str) -> None:
    """Backup names are read without strptime: the same instant, or the same error."""
    from srs.store.backup import _STAMP, _taken_at

    name = Path(f"/d/backups/collection-{stamp}123456Z.db")
    try:
        expected: object = datetime.strptime(stamp, _STAMP).replace(tzinfo=UTC, microsecond=123456)
    except ValueError:
        expected = ValueError
    try:
        got: object = _taken_at(Path("/d/collection.db"), name)
    except ValueError:
        got = ValueError
    assert got == expected
    assert _taken_at(Path("/d/collection.db"), Path("/d/backups/other-x.db")) is None
