"""Small helpers for writing SQL safely: LIKE escaping, `IN (...)` chunks, bulk loads."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

# How long a writer waits for another process's transaction before giving up.
BUSY_TIMEOUT_MS = 10_000


def chunks(values: Sequence[str], size: int = 500) -> Iterator[tuple[list[str], str]]:
    """Slices of `values` small enough for one `IN (...)`, with their `?` placeholders."""
    for start in range(0, len(values), size):
        chunk = list(values[start : start + size])
        yield chunk, ",".join("?" * len(chunk))


def like_escape(text: str) -> str:
    """Escape LIKE wildcards (use with `ESCAPE '\\'`)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


@contextmanager
def indexes_built_after(
    conn: sqlite3.Connection, tables: Sequence[str], empty: str
) -> Iterator[None]:
    """Inside the caller's transaction, when table `empty` has no rows: drop the secondary
    indexes of `tables` while rows are added, and create them again from their own stored
    definitions at the end (one sorted pass each, instead of keeping every index up to date
    row by row). With rows already there nothing is dropped: rebuilding would cost more than
    it saves. An error rolls the transaction back, indexes included."""
    indexes: list[tuple[str, str]] = []
    if conn.execute(f"SELECT 1 FROM {empty} LIMIT 1").fetchone() is None:
        marks = ",".join("?" * len(tables))
        indexes = conn.execute(
            "SELECT name, sql FROM sqlite_master"
            f" WHERE type = 'index' AND tbl_name IN ({marks}) AND sql IS NOT NULL",
            tuple(tables),
        ).fetchall()
    for name, _ in indexes:
        conn.execute(f'DROP INDEX "{name}"')
    yield
    for _, sql in indexes:
        conn.execute(sql)
