"""Import a generated 10,000-card deck into a fresh collection, then re-import it unchanged.

Targets (issue 2, 2-core machine): first import < 1 s, unchanged re-import < 0.3 s.
Run: `python -m benchmarks import`.
"""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks.generate import write_deck
from benchmarks.timing import measure

NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)


def run(cards: int = 10_000, repeat: int = 5) -> dict[str, Any]:
    from srs.collection import Collection
    from srs.dates import user_timezone

    zone = user_timezone()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        deck = write_deck(root / "decks", cards)
        db = root / "collection.db"

        def fresh() -> None:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{db}{suffix}").unlink(missing_ok=True)

        def import_once() -> None:
            with Collection.open(db, zone) as col:
                col.import_paths([deck], NOW)

        first = measure(import_once, repeat, setup=fresh)
        fresh()
        import_once()
        again = measure(import_once, repeat)
    return {
        "cards": cards,
        "first_import_s": first.median,
        "first_import_p90_s": first.p90,
        "reimport_unchanged_s": again.median,
        "reimport_unchanged_p90_s": again.p90,
        "text": f"import {cards} cards: {first.ms()}; unchanged re-import: {again.ms()}",
    }


if __name__ == "__main__":
    print(run()["text"])
