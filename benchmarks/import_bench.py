"""Import a generated 10,000-card deck into a fresh collection, then re-import it unchanged;
the peer adds the same notes, as plain Basic notes, with Anki's `col.add_notes`.

Targets (issue 2, 2-core machine): first import < 1 s, unchanged re-import < 0.3 s.
Both sides are timed whole: open (a fresh file: schema set-up included), write, close.
Run: `python -m benchmarks import`.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from benchmarks.generate import NOW, ZONE, cache_dir, write_deck
from benchmarks.timing import Timing, measure, measure_pair


def _fresh(db: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)


def _import(db: Path, deck: Path) -> None:
    """srs's whole import as a user runs it: open (creating if new), import, close."""
    from srs.collection import Collection

    with Collection.open(db, ZONE) as col:
        col.import_paths([deck], NOW)


def srs_import(cards: int = 10_000, repeat: int = 5) -> tuple[Timing, Timing]:
    """(first import, unchanged re-import) of a generated deck of `cards` mixed cards."""
    deck = write_deck(cache_dir() / "decks", cards)
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "collection.db"
        first = measure(lambda: _import(db, deck), repeat, setup=lambda: _fresh(db))
    return first, srs_reimport(cards, repeat)


def srs_reimport(cards: int = 10_000, repeat: int = 5) -> Timing:
    """An import of the generated deck into a collection that already holds it unchanged."""
    deck = write_deck(cache_dir() / "decks", cards)
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "collection.db"
        _import(db, deck)
        return measure(lambda: _import(db, deck), repeat)


def first_import_pair(cards: int = 10_000, repeat: int = 5) -> tuple[Timing, Timing]:
    """(srs, Anki) first imports of the same notes into fresh collections, run by turns
    (`benchmarks.timing.measure_pair`): srs imports the generated deck, Anki opens, adds the
    same notes as plain Basic notes with `add_notes`, and closes."""
    from anki.collection import Collection as AnkiCollection

    from benchmarks.peer import add_plain_notes, deck_names

    deck = write_deck(cache_dir() / "decks", cards)
    fields = deck_fields(cards)
    names = deck_names()
    with tempfile.TemporaryDirectory() as tmp:
        db, peer_db = Path(tmp) / "collection.db", Path(tmp) / "peer.anki2"

        def add() -> None:
            col = AnkiCollection(str(peer_db))
            add_plain_notes(col, fields, names)
            col.close()

        return measure_pair(
            lambda: _import(db, deck),
            add,
            repeat,
            setup=lambda: _fresh(db),
            peer_setup=lambda: _fresh(peer_db),
        )


def deck_fields(cards: int = 10_000) -> list[tuple[str, str]]:
    """The generated deck's notes as (front, back): what the peer adds as plain notes."""
    from srs.decks.discover import discover
    from srs.decks.markdown import parse_file

    files, _ = discover([write_deck(cache_dir() / "decks", cards)])
    parsed = parse_file(files[0])
    return [(note.front, note.back) for note in parsed.notes]


def run(cards: int = 10_000, repeat: int = 5) -> dict[str, Any]:
    """The issue-2 figures as a dict (kept for scripts that call it directly)."""
    first, again = srs_import(cards, repeat)
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
