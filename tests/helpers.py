"""Helpers shared by several test files (fixtures live in conftest.py)."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from pathlib import Path
from typing import Any

from hypothesis import strategies as st


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


# Pieces of deck syntax (and of hostile text) that random deck text is assembled from, so
# hypothesis reaches the parser's markers instead of only plain prose.
DECK_PIECES = st.sampled_from(
    [
        "Q: ",
        "A: ",
        "C: ",
        "Explanation: ",
        "## ",
        "# ",
        "### ",
        "---",
        "```",
        "~~~",
        "- [x] ",
        "- [ ] ",
        "  - ",
        " :: ",
        " ::: ",
        "{{c1::",
        "{{c2::",
        "::",
        "}}",
        "<!-- id: x -->",
        "<!-- tags: a b -->",
        "<!-- not-a-card -->",
        "<!--",
        "-->",
        "`",
        "\n",
        "\n\n",
        "\r",
        "\r\n",
        "\ufeff",
        "\x1b[31m",
        "\u202e",
        "deck: x\n",
        "tags: [a\n",
    ]
)


def deck_text(max_pieces: int, max_plain: int = 12) -> st.SearchStrategy[str]:
    """Random deck text: syntax pieces and plain text, joined."""
    chunks = st.one_of(DECK_PIECES, st.text(max_size=max_plain))
    return st.lists(chunks, max_size=max_pieces).map("".join)


def engine_zone(col: Any, rollover: int = 4) -> tzinfo:
    """The UTC offset the real Anki engine uses, read from its next rollover (04:00 local).

    The Rust backend fixes its time zone when it first needs it, so if another test used Anki
    earlier in this process, a TZ fixture comes too late; reading the offset back keeps a
    comparison with srs right either way.
    """
    cutoff = datetime.fromtimestamp(col.sched.day_cutoff, UTC)
    minutes = (rollover * 60 - (cutoff.hour * 60 + cutoff.minute)) % 1440
    if minutes > 720:
        minutes -= 1440
    return timezone(timedelta(minutes=minutes))
