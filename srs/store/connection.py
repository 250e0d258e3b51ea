"""Opening a collection file, its transactions, and turning disk errors into one-line messages.

Contract:
- Opening a store applies pending migrations (a new collection gets the schema they make in
  one step, `srs.store.new_schema`); a collection written by a newer srs (higher
  `user_version` or unknown migrations) is refused before anything is written.
- Every multi-step write runs in one `BEGIN IMMEDIATE` transaction (`transaction`), so an
  import or an answer is applied whole or not at all, and a second process waits on the busy
  timeout instead of failing with "database is locked".
- Instants are UTC milliseconds; scheduler days are `date.toordinal()` integers.
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

from srs.dates import utc_now
from srs.errors import CollectionError
from srs.store.schema import PAGE_SIZE, SCHEMA_VERSION
from srs.store.sql import BUSY_TIMEOUT_MS

if TYPE_CHECKING:
    from sqlite_utils import Database

SQLITE_HEADER = b"SQLite format 3\x00"


def _is_empty(conn: sqlite3.Connection) -> bool:
    """Whether the database holds no schema at all (a file srs is about to make)."""
    return conn.execute("SELECT 1 FROM sqlite_master").fetchone() is None


class Connection:
    """A collection file opened for use; close it (or use it as a context manager).

    The table groups (`srs.store.cards`, `.notes`, ...) extend this class; `srs.store.Store`
    combines them, so callers ask `store.card_view(...)` and never see SQL.
    """

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
    def open(cls, path: Path, now: datetime | None = None) -> Self:
        """Open (creating if needed) the collection at `path` and bring its schema up to date.

        `now` names and dates the backups an open may take (the CLI passes `--now`); a script
        that leaves it out gets the clock.
        """
        now = now or utc_now()
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
            new = version == 0 and _is_empty(conn)
            if new:
                # A new database: its page size is set before its first page is written.
                conn.execute(f"PRAGMA page_size = {PAGE_SIZE}")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA foreign_keys = ON")
            store = cls(conn, path)
            if new:
                store._create(now)
            elif version < SCHEMA_VERSION:
                store.migrate(now)
            if existed:
                store._daily_backup(now)
        except sqlite3.DatabaseError as e:
            raise CollectionError(_describe_sqlite_error(path, e)) from None
        return store

    @contextmanager
    def reader(self) -> Iterator[Self | None]:
        """A second, read-only connection to the same file, for reads that run beside this
        connection's in another thread (closed on exit).

        SQLite lets go of Python's GIL while it steps a statement, and an aggregate over a
        large table is one long step, so two of them on two connections take, on two cores,
        the time of the longer one. None for a collection in memory, or a file SQLite will
        not open again read-only: the caller then reads on this connection.
        """
        if self.path is None:
            yield None
            return
        try:
            conn = sqlite3.connect(
                f"{self.path.resolve().as_uri()}?mode=ro",
                uri=True,
                timeout=BUSY_TIMEOUT_MS / 1000,
                check_same_thread=False,  # made here, used by one other thread, closed here
            )
            conn.isolation_level = None
        except sqlite3.Error:
            yield None
            return
        try:
            yield type(self)(conn, self.path)
        finally:
            conn.close()

    def _create(self, now: datetime) -> None:
        """Make the schema of a new collection: the statements the migrations were found to
        make (`srs.store.new_schema`), and their record, in one transaction.

        Running the migrations themselves took twice as long (~16 against ~7 ms) and loaded
        sqlite-utils, which loads numpy and pandas when they are installed: ~130 ms more on
        the first `srs import` of a learner who has numpy, and more with pandas. A snapshot
        older than the migrations (a test fails then) is not used: the migrations run.
        """
        from srs.store import new_schema

        if len(new_schema.MIGRATIONS) != SCHEMA_VERSION:  # pragma: no cover - a test fails
            self.migrate(now)
            return
        applied = str(now.astimezone(UTC))  # as sqlite-utils records a migration
        with self.transaction() as conn:
            if not _is_empty(conn):  # another process made it meanwhile
                return
            for sql in new_schema.STATEMENTS:
                conn.execute(sql)
            conn.executemany(
                "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES (?, ?, ?)",
                [(new_schema.MIGRATION_SET, name, applied) for name in new_schema.MIGRATIONS],
            )
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def migrate(self, now: datetime | None = None) -> None:
        """Apply pending migrations; refuse a collection with migrations we do not know."""
        from srs.store.migrations import migrations

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
                from srs.store.backup import backup_now

                backup_now(self.conn, self.path, now or utc_now())
            migrations.apply(self.db)

    def _daily_backup(self, now: datetime) -> None:
        """The first open of each UTC day copies the collection (best effort, see `backup`)."""
        from srs.store.backup import daily_backup

        assert self.path is not None
        with suppress(CollectionError):
            daily_backup(self.conn, self.path, now)

    def close(self) -> None:
        """Close the connection (a WAL checkpoint happens on the last close)."""
        self.conn.close()

    def __enter__(self) -> Self:
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

    @contextmanager
    def bulk_transaction(self) -> Iterator[sqlite3.Connection]:
        """`transaction`, for filling a collection that holds no notes yet (a first import).

        In WAL mode SQLite writes each page twice: into the WAL at commit, then into the file
        at the checkpoint. A 10k-card first import writes ~10 MB, and that second copy cost it
        ~70 ms, a third of its SQL time. An empty collection has almost nothing to save before
        it changes, so a rollback journal (synchronous FULL, SQLite's classic atomic commit)
        costs next to nothing there and every page is written once. The file goes back to WAL
        after the commit or the rollback. The switch needs the file alone: if another
        connection has it open, nothing is switched and this is a WAL transaction like any
        other. After a crash SQLite rolls the hot journal back on the next open, and
        `open` sets WAL again (as it does when a connection that opened the file meanwhile
        kept this one from switching back).
        """
        switched = not self.conn.in_transaction and self._journal_mode("DELETE")
        try:
            with self.transaction() as conn:
                yield conn
        finally:
            if switched:
                self._journal_mode("WAL")

    @contextmanager
    def large_cache(self, mib: int = 128) -> Iterator[None]:
        """A page cache of `mib` MiB for a write that touches pages all over a large
        collection, and SQLite's default (2 MiB) again after it.

        Re-deriving memory updates every card in the log's order, not the table's, so with
        2 MiB the pages it needs keep leaving the cache (and dirty ones are written out before
        the commit): updating 100k cards took 1.6-1.9 s, with 128 MiB 0.5 s. SQLite takes
        cache pages as it uses them, so a small collection costs no more memory.
        """
        previous = self.conn.execute("PRAGMA cache_size").fetchone()[0]
        self.conn.execute(f"PRAGMA cache_size = {-mib * 1024}")
        try:
            yield
        finally:
            self.conn.execute(f"PRAGMA cache_size = {int(previous)}")

    def _journal_mode(self, mode: str) -> bool:
        """Switch the journal mode without waiting for other connections; whether it did."""
        conn = self.conn
        conn.execute("PRAGMA busy_timeout = 0")
        try:
            current = conn.execute(f"PRAGMA journal_mode = {mode}").fetchone()[0]
            conn.execute(f"PRAGMA synchronous = {'NORMAL' if mode == 'WAL' else 'FULL'}")
        except sqlite3.Error:  # another connection has the file open (or the disk failed)
            return False
        finally:
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        return bool(str(current).upper() == mode)

    def execute(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> sqlite3.Cursor:
        """Run one statement (reads, or writes inside `transaction`)."""
        return self.conn.execute(sql, params)

    def backup(self, now: datetime) -> Path:
        """Copy the collection into its backups folder now; the copy's path."""
        from srs.store.backup import backup_now

        assert self.path is not None
        return backup_now(self.conn, self.path, now)

    def integrity_ok(self) -> bool:
        """`PRAGMA integrity_check` says ok."""
        return bool(self.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok")


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


def _nearly_full(path: Path) -> bool:
    """SQLite reports a full disk as an I/O error when it cannot even grow its -shm file."""
    try:
        return shutil.disk_usage(path.parent).free < 1_000_000
    except OSError:
        return False
