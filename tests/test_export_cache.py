"""HTML rendered for an export is kept in the collection and reused while the text is unchanged."""

from __future__ import annotations

import json
import sqlite3
import zipfile
from datetime import UTC, datetime
from pathlib import Path

from srs.anki import note_guid
from srs.collection import Collection

NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)


def package_fields(apkg: Path, tmp_path: Path) -> dict[str, list[str]]:
    """GUID -> field values of the notes in a package."""
    with zipfile.ZipFile(apkg) as archive:
        archive.extract("collection.anki21", tmp_path)
    conn = sqlite3.connect(tmp_path / "collection.anki21")
    try:
        return {
            guid: flds.split("\x1f") for guid, flds in conn.execute("SELECT guid, flds FROM notes")
        }
    finally:
        conn.close()


def test_export_keeps_html_and_reuses_it_until_the_text_changes(
    collection: Collection, deck_dir: Path, tmp_path: Path
) -> None:
    collection.import_paths([deck_dir], NOW)
    first = tmp_path / "first.apkg"
    collection.export_anki(first, NOW)
    notes = collection.store.execute("SELECT COUNT(*) FROM notes").fetchone()[0]
    assert collection.store.execute("SELECT COUNT(*) FROM rendered").fetchone()[0] == notes

    # Mark the kept HTML of one note: the next export must take it from the collection.
    card = next(c for c in collection.cards() if c.front == "Shard")
    row = collection.store.execute(
        "SELECT fields FROM rendered WHERE note_id = ?", (card.note_id,)
    ).fetchone()
    fields = json.loads(row[0])
    fields["Shard"][0] = "<p>kept</p>"
    with collection.store.transaction() as conn:
        conn.execute(
            "UPDATE rendered SET fields = ? WHERE note_id = ?", (json.dumps(fields), card.note_id)
        )
    second = tmp_path / "second.apkg"
    collection.export_anki(second, NOW)
    (tmp_path / "a").mkdir()
    assert package_fields(second, tmp_path / "a")[note_guid(card.note_id)][0] == "<p>kept</p>"

    # Editing the text changes the key: the note is rendered again.
    path = deck_dir / "aws" / "kinesis.md"
    path.write_text(path.read_text().replace("Shard ::", "Kinesis shard ::"))
    collection.import_paths([deck_dir], NOW)
    edited = next(c for c in collection.cards() if c.front == "Kinesis shard")
    third = tmp_path / "third.apkg"
    collection.export_anki(third, NOW)
    (tmp_path / "b").mkdir()
    assert package_fields(third, tmp_path / "b")[note_guid(edited.note_id)][0] == (
        "<p>Kinesis shard</p>"
    )
    # And what an export renders afresh equals what it reuses for unchanged notes.
    (tmp_path / "c").mkdir()
    unchanged = {
        guid: flds
        for guid, flds in package_fields(first, tmp_path / "c").items()
        if guid != note_guid(card.note_id)
    }
    later = package_fields(third, tmp_path / "b")
    assert all(later[guid] == flds for guid, flds in unchanged.items())
