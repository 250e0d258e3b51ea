"""A large first import writes into empty tables and builds their indexes afterwards
(`Store.notes_indexed_after`): the collection must be the one the row-by-row path makes."""

from __future__ import annotations

import json
import sqlite3
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from helpers import dump
from hypothesis import given
from hypothesis import strategies as st

import srs.decks.importer as importer
from srs.collection import Collection
from srs.errors import DeckError
from srs.model import McqOption

NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)


def _deck(folder: Path, n: int) -> Path:
    parts = ["---\ntags: [t1]\nexam_domains: {AWS-01: 2}\n---\n# Deck\n"]
    for i in range(n):
        parts.append(
            [
                f"q{i} front :: back {i}",
                f"q{i} both ::: ways {i}",
                f"C: cloze {i} {{{{c1::one {i}}}}} and {{{{c2::two {i}}}}}",
                f"Q: pick {i}?\n- [x] yes {i}\n- [ ] no {i}\nExplanation: because {i}",
                f"Q: ask {i}?\nA: answer {i}\n<!-- tags: x{i % 3}; exam_domains: AWS-02=1 -->",
            ][i % 5]
        )
    path = folder / "deck.md"
    path.write_text("\n\n".join(parts) + "\n")
    return path


def _import(db: Path, deck: Path) -> None:
    with Collection.open(db, UTC, now=NOW) as col:
        col.import_paths([deck], NOW)


def _sorted_dump(db: Path) -> list[str]:
    return sorted(dump(db, migrations=False))


@pytest.mark.parametrize("again", [False, True])
def test_a_first_import_with_indexes_built_after_gives_the_same_collection(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, again: bool
) -> None:
    deck = _deck(tmp_path, 60)
    dumps = []
    for bulk in (10**9, 10):  # row by row, then with the indexes built after the rows
        monkeypatch.setattr(importer, "BULK", bulk)
        db = tmp_path / f"c{bulk}.db"
        _import(db, deck)
        if again:  # a second import finds notes there and drops nothing
            deck.write_text(deck.read_text().replace("back 1\n", "back one\n"))
            _import(db, deck)
            deck.write_text(deck.read_text().replace("back one\n", "back 1\n"))
        dumps.append(_sorted_dump(db))
    assert dumps[0] == dumps[1]
    assert sum("CREATE INDEX" in line for line in dumps[1]) > 15


def test_a_failed_first_import_keeps_the_indexes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    deck = _deck(tmp_path, 60)
    db = tmp_path / "c.db"
    with Collection.open(db, UTC, now=NOW):
        pass
    before = _sorted_dump(db)
    monkeypatch.setattr(importer, "BULK", 10)

    def fail(*args: object) -> None:
        raise RuntimeError("disk gone")

    monkeypatch.setattr(importer.Store, "save_files", fail)
    with pytest.raises(RuntimeError), Collection.open(db, UTC, now=NOW) as col:
        col.import_paths([deck], NOW)
    assert _sorted_dump(db) == before
    assert _journal_mode(db) == "wal"


def test_the_cycle_collector_is_paused_only_while_an_import_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The import switches Python's cycle collector off for its run and leaves it as it found
    it, also when the import fails."""
    import gc

    deck = _deck(tmp_path, 20)
    seen: list[bool] = []
    real = importer.sync

    def watching(*args: Any, **kwargs: Any) -> importer.ImportReport:
        seen.append(gc.isenabled())  # the real sync runs; this only looks at the collector
        return real(*args, **kwargs)

    monkeypatch.setattr(importer, "sync", watching)
    assert gc.isenabled()
    _import(tmp_path / "a.db", deck)
    assert seen == [False] and gc.isenabled()
    gc.disable()
    try:
        _import(tmp_path / "b.db", deck)
        assert not gc.isenabled()  # a caller's choice is kept
    finally:
        gc.enable()
    deck.write_text("Q: only a question\n")
    with pytest.raises(DeckError):
        _import(tmp_path / "c.db", deck)
    assert gc.isenabled()


def _journal_modes_seen(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The journal mode of the store's connection each time the importer adds notes (the
    real `insert_notes` runs; this only reads the mode first)."""
    seen: list[str] = []
    real = importer.Store.insert_notes

    def watching(self: importer.Store, *args: Any) -> None:
        seen.append(self.conn.execute("PRAGMA journal_mode").fetchone()[0])
        real(self, *args)

    monkeypatch.setattr(importer.Store, "insert_notes", watching)
    return seen


def _journal_mode(db: Path) -> str:
    conn = sqlite3.connect(db)
    try:
        return str(conn.execute("PRAGMA journal_mode").fetchone()[0])
    finally:
        conn.close()


def test_a_large_first_import_goes_through_a_rollback_journal_then_back_to_wal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An empty collection is filled through a rollback journal (each page written once);
    the file is in WAL mode again afterwards, and a later import runs in WAL."""
    monkeypatch.setattr(importer, "BULK", 10)
    seen = _journal_modes_seen(monkeypatch)
    deck = _deck(tmp_path, 60)
    db = tmp_path / "c.db"
    _import(db, deck)
    assert set(seen) == {"delete"}
    assert _journal_mode(db) == "wal"
    assert not (tmp_path / "c.db-journal").exists()
    seen.clear()
    deck.write_text(deck.read_text() + "\nnew card :: added later\n")
    _import(db, deck)
    assert seen == ["wal"]


def test_a_first_import_beside_another_open_connection_stays_in_wal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The switch needs the file alone: with another process's connection open (here a
    second connection) the import neither waits for it nor switches, and succeeds in WAL."""
    monkeypatch.setattr(importer, "BULK", 10)
    seen = _journal_modes_seen(monkeypatch)
    db = tmp_path / "c.db"
    with Collection.open(db, UTC, now=NOW):
        pass
    other = sqlite3.connect(db)
    try:
        other.execute("SELECT COUNT(*) FROM notes").fetchone()
        started = time.monotonic()
        _import(db, _deck(tmp_path, 60))
        assert time.monotonic() - started < 5  # not the 10 s busy timeout
        assert other.execute("SELECT COUNT(*) FROM notes").fetchone()[0] == 60
    finally:
        other.close()
    assert set(seen) == {"wal"}
    assert _journal_mode(db) == "wal"


def test_rows_written_in_batches_give_the_same_collection(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Notes and cards go in by batches, exam domains at the end in key order."""
    deck = _deck(tmp_path, 60)
    dumps = []
    for batch in (10**9, 7):
        monkeypatch.setattr(importer, "BATCH", batch)
        db = tmp_path / f"c{batch}.db"
        _import(db, deck)
        dumps.append(_sorted_dump(db))
    assert dumps[0] == dumps[1]
    # Every note serves AWS-01, every fifth AWS-02 as well.
    assert sum('INSERT INTO "note_domains"' in line for line in dumps[1]) == 60 + 60 // 5


@given(
    st.lists(st.builds(McqOption, st.text(), st.booleans(), st.text()), min_size=1, max_size=4).map(
        tuple
    )
)
def test_options_are_written_as_json_dumps_writes_them(options: tuple[McqOption, ...]) -> None:
    expected = json.dumps(
        [{"text": o.text, "correct": o.correct, "rationale": o.rationale} for o in options],
        ensure_ascii=False,
    )
    assert importer._options_json(options) == expected
