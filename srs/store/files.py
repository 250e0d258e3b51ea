"""Imported deck files: the unchanged-file cache."""

from __future__ import annotations

from srs.store.connection import Connection


class FileQueries(Connection):
    """The `files` table."""

    def file_cache(self) -> dict[str, tuple[str, str, str]]:
        """Per imported deck file: (content digest, default deck, parser fingerprint)."""
        rows = self.conn.execute("SELECT path, digest, deck, parser FROM files")
        return {row[0]: (row[1], row[2], row[3]) for row in rows}
