"""Imported files: the unchanged-deck-file cache, and the exam blueprints read with the decks."""

from __future__ import annotations

from collections.abc import Iterable

from srs.store.connection import Connection


class FileQueries(Connection):
    """The `files` table, and the `blueprints` an import writes."""

    def file_cache(self) -> dict[str, tuple[str, str, str]]:
        """Per imported deck file: (content digest, default deck, parser fingerprint)."""
        rows = self.conn.execute("SELECT path, digest, deck, parser FROM files")
        return {row[0]: (row[1], row[2], row[3]) for row in rows}

    def save_files(self, rows: Iterable[tuple[str, str, str, str]], now_ms: int) -> None:
        """Record what parsed files looked like: (path, digest, default deck, parser) rows."""
        self.conn.executemany(
            "INSERT INTO files (path, digest, deck, parser, imported_at)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (path) DO UPDATE SET"
            " digest = excluded.digest, deck = excluded.deck, parser = excluded.parser,"
            " imported_at = excluded.imported_at",
            [(*row, now_ms) for row in rows],
        )

    def forget_file(self, path: str) -> None:
        """Drop a file from the cache, so the next import reads it again."""
        self.conn.execute("DELETE FROM files WHERE path = ?", (path,))

    def save_blueprints(self, rows: Iterable[tuple[str, str, str]]) -> None:
        """Store exam blueprints read with the decks: (exam code, absolute path, JSON) rows."""
        self.conn.executemany(
            "INSERT INTO blueprints (code, path, data) VALUES (?, ?, ?) ON CONFLICT (code)"
            " DO UPDATE SET path = excluded.path, data = excluded.data",
            rows,
        )
