"""Copies of the collection in a `backups/` folder next to it, and restoring one.

Contract:
- A backup is made with SQLite's online backup API (`sqlite3.Connection.backup`), so it is a
  consistent snapshot even while another process writes, and it includes what is still in
  the WAL. It is written under a hidden temporary name and renamed into place, so a process
  killed mid-copy never leaves a truncated file that looks like a backup.
- Backups are named `<collection stem>-<UTC timestamp>.db`; names sort by time. Only the
  newest `KEEP` are kept.
- `Store.open` takes one before applying any migration (refusing to migrate without it) and
  once per UTC day on first use (best effort: if it cannot be written, study goes on and the
  next open tries again).
- `restore` refuses a file that is not a valid srs collection, and backs up the current
  collection before replacing it, so a restore can itself be undone.
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

from srs.errors import CollectionError
from srs.model import value_class
from srs.store.sql import BUSY_TIMEOUT_MS

__all__ = [
    "BACKUP_FOLDER",
    "KEEP",
    "Restored",
    "backup_folder",
    "backup_now",
    "backups_of",
    "check_collection_file",
    "daily_backup",
    "restore",
]

BACKUP_FOLDER = "backups"
KEEP = 7
# Tables every srs collection has had since the first migration.
REQUIRED_TABLES = frozenset({"decks", "notes", "cards", "reviews", "config"})
_STAMP = "%Y%m%dT%H%M%S"
_PARTIAL_MAX_AGE_S = 3600  # a temporary copy older than this was left by a killed process


@value_class
class Restored:
    """What `restore` did: the file copied in, and the backup of the collection it replaced."""

    source: Path
    previous: Path | None


def backup_folder(collection: Path) -> Path:
    """The folder that holds the backups of `collection` (next to it)."""
    return collection.expanduser().parent / BACKUP_FOLDER


def _name_re(collection: Path) -> re.Pattern[str]:
    return re.compile(re.escape(collection.stem) + r"-(\d{8}T\d{6})(\d{6})Z(?:-\d+)?\.db")


def _taken_at(collection: Path, backup: Path) -> datetime | None:
    match = _name_re(collection).fullmatch(backup.name)
    if not match:
        return None
    # The name's digits read as `_STAMP`, without strptime (its first call imports _strptime
    # and builds locale tables: ~2 ms of every command's daily-backup check).
    s = match.group(1)
    stamp = datetime(
        int(s[0:4]),
        int(s[4:6]),
        int(s[6:8]),
        int(s[9:11]),
        int(s[11:13]),
        int(s[13:15]),
        tzinfo=UTC,
    )
    return stamp.replace(microsecond=int(match.group(2)))


def backups_of(collection: Path) -> list[Path]:
    """The backups of `collection`, oldest first (other files in the folder are ignored)."""
    folder = backup_folder(collection)
    try:
        entries = list(folder.iterdir())
    except OSError:
        return []
    found = [(when, p) for p in entries if (when := _taken_at(collection, p)) is not None]
    return [p for _, p in sorted(found)]


def backup_now(
    conn: sqlite3.Connection, collection: Path, now: datetime, *, keep: int = KEEP
) -> Path:
    """Copy the open collection `conn` (stored at `collection`) into its backups folder.

    Returns the new backup's path; older backups beyond `keep` are deleted. Raises
    CollectionError (with the reason) when the copy cannot be written.
    """
    folder = backup_folder(collection)
    utc = now.astimezone(UTC)
    base = f"{collection.stem}-{utc.strftime(_STAMP)}{utc.microsecond:06d}Z"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if not os.access(folder, os.W_OK):
            raise CollectionError(f"cannot write a backup in {folder}: the folder is read-only")
        target = folder / f"{base}.db"
        counter = 1
        while target.exists():  # two backups in the same microsecond (tests, fast scripts)
            target = folder / f"{base}-{counter}.db"
            counter += 1
        partial = folder / f".{target.name}.{os.getpid()}.partial"
        dest = sqlite3.connect(str(partial))
        try:
            conn.backup(dest)
            # A self-contained file: readable without -wal/-shm companions, even read-only.
            dest.execute("PRAGMA journal_mode = DELETE")
        finally:
            dest.close()
        os.replace(partial, target)
    except (OSError, sqlite3.Error) as e:
        with contextlib.suppress(OSError, UnboundLocalError):
            partial.unlink(missing_ok=True)
        raise CollectionError(f"cannot write a backup in {folder}: {_reason(e)}") from None
    _prune(collection, keep)
    return target


def daily_backup(conn: sqlite3.Connection, collection: Path, now: datetime) -> Path | None:
    """Back up unless a backup was already taken on `now`'s UTC day or later; the new path or
    None. "Or later" matters with `--now` in the past: every command would otherwise copy the
    collection (seconds on a large one), and the copy, named by that past instant, would be
    the first one pruned."""
    today = now.astimezone(UTC).date()
    latest = _latest_day(collection)
    if latest is not None and latest >= today:
        return None
    return backup_now(conn, collection, now)


def _latest_day(collection: Path) -> date | None:
    backups = backups_of(collection)
    if not backups:
        return None
    taken = _taken_at(collection, backups[-1])
    return taken.date() if taken else None


def _prune(collection: Path, keep: int) -> None:
    """Delete all but the newest `keep` backups, and temporary copies left by killed runs."""
    backups = backups_of(collection)
    for old in backups[: max(0, len(backups) - keep)]:
        old.unlink(missing_ok=True)  # another process may have pruned it already
    folder = backup_folder(collection)
    with contextlib.suppress(OSError):
        for leftover in folder.glob(f".{collection.stem}-*.partial"):
            if time.time() - leftover.stat().st_mtime > _PARTIAL_MAX_AGE_S:
                leftover.unlink(missing_ok=True)


def _reason(error: BaseException) -> str:
    if isinstance(error, OSError):
        return error.strerror or str(error)
    text = str(error)
    return "the disk is full" if "full" in text else text


def check_collection_file(path: Path) -> None:
    """Raise CollectionError unless `path` is an srs collection this srs can open.

    It must be an SQLite file that passes `PRAGMA integrity_check`, has the srs tables, and
    was not written by a newer srs. The file is opened read-only and never modified.
    """
    from srs.store.migrations import SCHEMA_VERSION, migrations

    try:
        with path.open("rb") as handle:
            header = handle.read(16)
    except IsADirectoryError:
        raise CollectionError(f"{path} is a folder, not a collection file") from None
    except OSError as e:
        raise CollectionError(f"cannot read {path}: {e.strerror}") from None
    if header != b"SQLite format 3\x00":
        raise CollectionError(f"{path} is not an srs collection (not an SQLite file)")
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as e:
        raise CollectionError(f"cannot open {path}: {e}") from None
    try:
        check = conn.execute("PRAGMA integrity_check").fetchall()
        if [row[0] for row in check] != ["ok"]:
            # SQLite may pack many findings into one row, one per line: keep the message short.
            lines = [line.strip() for row in check for line in str(row[0]).splitlines()]
            findings = [line for line in lines if line and not line.startswith("***")]
            more = f" and {len(findings) - 1} more" if len(findings) > 1 else ""
            raise CollectionError(
                f"{path} is damaged (integrity check: {findings[0]}{more}); pick another backup"
            )
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
        missing = sorted(REQUIRED_TABLES - tables)
        if missing:
            raise CollectionError(
                f"{path} is not an srs collection (no {', '.join(missing)} table)"
            )
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        known = {m.name for m in migrations._migrations}
        applied: list[str] = []
        if "_sqlite_migrations" in tables:
            applied = [
                row[0]
                for row in conn.execute(
                    "SELECT name FROM _sqlite_migrations WHERE migration_set = 'srs'"
                )
            ]
        if version > SCHEMA_VERSION or any(name not in known for name in applied):
            raise CollectionError(
                f"{path} was written by a newer srs (schema {version}, this srs knows "
                f"{SCHEMA_VERSION}); upgrade srs to restore it"
            )
    except sqlite3.DatabaseError as e:
        raise CollectionError(f"{path} is not a usable SQLite file: {e}") from None
    finally:
        conn.close()


def restore(source: Path, collection: Path, now: datetime) -> Restored:
    """Replace `collection` by a copy of the backup `source`, backing up the current one first.

    The copy goes through SQLite's backup API into the collection's own connection, so other
    processes see either the old or the restored collection, never a mix, and the WAL of the
    old one cannot be replayed over the new one.
    """

    source = source.expanduser()
    collection = collection.expanduser()
    check_collection_file(source)
    if collection.exists() and source.resolve() == collection.resolve():
        raise CollectionError(f"{source} is the collection itself; name a backup to restore")
    previous: Path | None = None
    try:
        if collection.exists():
            try:
                check_collection_file(collection)
                usable = True
            except CollectionError:
                usable = False  # a damaged collection is what a restore is for
            if usable:
                with _connect(collection, BUSY_TIMEOUT_MS) as current:
                    previous = backup_now(current, collection, now)
            else:
                previous = _set_aside(collection, now)
        else:
            collection.parent.mkdir(parents=True, exist_ok=True)
        src = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
        try:
            with _connect(collection, BUSY_TIMEOUT_MS) as dest:
                src.backup(dest)
        finally:
            src.close()
    except (OSError, sqlite3.Error) as e:
        raise CollectionError(f"cannot restore into {collection}: {_reason(e)}") from None
    return Restored(source, previous)


def _set_aside(collection: Path, now: datetime) -> Path:
    """Move a damaged collection (and its WAL files) into the backups folder, unpruned."""
    folder = backup_folder(collection)
    folder.mkdir(parents=True, exist_ok=True)
    stamp = now.astimezone(UTC).strftime(_STAMP)
    target = folder / f"{collection.stem}-damaged-{stamp}{collection.suffix}"
    os.replace(collection, target)
    for extra in ("-wal", "-shm"):
        Path(f"{collection}{extra}").unlink(missing_ok=True)
    return target


@contextlib.contextmanager
def _connect(path: Path, busy_ms: int) -> Iterator[sqlite3.Connection]:
    conn = sqlite3.connect(str(path), timeout=busy_ms / 1000)
    try:
        conn.execute(f"PRAGMA busy_timeout = {busy_ms}")
        yield conn
    finally:
        conn.close()
