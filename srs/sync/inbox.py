"""Notes added in Anki, written to srs's inbox deck file in Markdown (never into other files).

Each note is converted as `srs convert` converts an Anki note (`srs.convert.anki`: fields to
Markdown through the sanitiser, its GUID kept as its explicit id), so importing the inbox and
syncing again links the note to the Anki note it came from instead of adding a copy. Media
files it uses are copied into `media/` beside the inbox file (names checked: never outside).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from srs.convert.html import MEDIA_DIR, media_used
from srs.errors import SyncError

if TYPE_CHECKING:
    from datetime import datetime

    from srs.sync.mirror import Mirror

_HEADER = (
    "<!-- Notes added in Anki, written by srs sync. Move them to your decks, or keep them\n"
    "     here; `srs import` this file to study them in srs. -->\n"
)


def append_inbox(mirror: Mirror, note_ids: set[int], inbox: Path, now: datetime) -> int:
    """Append the mirror's notes `note_ids` to the inbox file (created with a header); how
    many were written."""
    from srs.convert.anki import read_collection_notes
    from srs.convert.writer import note_block

    source = read_collection_notes(mirror.col, inbox, note_ids, now)
    try:
        present = inbox.read_text(encoding="utf-8")
    except FileNotFoundError:
        present = ""
    except (OSError, UnicodeDecodeError) as e:
        raise SyncError(f"{inbox}: cannot read the inbox ({e})") from None
    blocks = []
    used: set[str] = set()
    for converted in source.notes:
        if converted.id and f"id: {converted.id}" in present:
            continue  # written by a sync that was cut off before srs recorded it
        block = note_block(converted)
        blocks.append(block)
        used.update(media_used(block))
    if not blocks:
        return 0
    try:
        inbox.parent.mkdir(parents=True, exist_ok=True)
        for name in sorted(used):
            item = source.media.get(name)
            if item is None:
                continue
            target = inbox.parent / MEDIA_DIR / item.name
            if target.resolve().parent != (inbox.parent / MEDIA_DIR).resolve():
                continue
            if not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(item.source, target)
        new_file = not inbox.exists() or inbox.stat().st_size == 0
        text = ("" if not new_file else _HEADER) + "\n" + "\n\n".join(blocks) + "\n"
        with open(inbox, "a", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
    except OSError as e:
        raise SyncError(f"{inbox}: cannot write the inbox ({e.strerror or e})") from None
    return len(blocks)
