"""Helpers shared by several test files (fixtures live in conftest.py)."""

from __future__ import annotations

import sqlite3
from pathlib import Path


def dump(path: Path, *, migrations: bool = True) -> list[str]:
    """Every table's rows and the schema as SQL text, to compare a collection before and after.

    [] when the file does not exist (nothing was ever written). The file must also pass
    `PRAGMA integrity_check`: a comparison of a damaged file would prove nothing.
    `migrations=False` leaves out the record of applied migrations (it holds timestamps).
    """
    if not path.exists():
        return []
    # A plain connection: closing it as the last one checkpoints and removes the -wal and
    # -shm files, leaving the folder as srs left it (a read-only connection could not).
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return [line for line in conn.iterdump() if migrations or "_sqlite_migrations" not in line]
    finally:
        conn.close()


def srs_rows(path: Path) -> list[str]:
    """The rows of srs's own tables (no schema, no migration record): [] for an untouched file."""
    return [line for line in dump(path, migrations=False) if line.startswith("INSERT INTO")]
