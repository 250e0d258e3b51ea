"""Anki export: write srs notes, cards and review history as an `.apkg` package.

The caller (the collection layer) supplies model values; this package never opens the srs
database. `export_apkg` is the entry point; see `srs.anki.package` for the format decisions.
"""

from __future__ import annotations

from srs.anki.package import (
    PRESET_PREFIX,
    ExportCard,
    ExportNote,
    ExportReview,
    ExportSummary,
    FsrsPreset,
    anki_deck_name,
    anki_tags,
    card_data,
    export_apkg,
    note_guid,
    schedule_columns,
    stable_id,
)

__all__ = [
    "PRESET_PREFIX",
    "ExportCard",
    "ExportNote",
    "ExportReview",
    "ExportSummary",
    "FsrsPreset",
    "anki_deck_name",
    "anki_tags",
    "card_data",
    "export_apkg",
    "note_guid",
    "schedule_columns",
    "stable_id",
]
