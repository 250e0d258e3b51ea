"""The peer side: the same plan loaded into an Anki collection (Anki's Rust backend via the
official `anki` package), plus genanki for writing packages.

Notes are added with `col.add_notes` (the "Basic" note type); states and history are then
written with plain sqlite3 into the closed collection file, because `col.db.executemany`
goes through the backend one statement at a time (about 0.6 ms per revlog row: a million rows
would take ten minutes). Anki's clock cannot be faked, so the plan is laid relative to Anki's
own "today" and "now" at build time; `prepare` shifts intraday learning cards to the current
time before each use, and a collection built on an earlier scheduler day is rebuilt.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import time
from pathlib import Path
from typing import Any

from benchmarks.generate import (
    DECK_NAMES,
    GENERATOR_VERSION,
    N_DECKS,
    cache_dir,
    iter_reviews,
    plain_notes,
    plan_cards,
)

PARENT_DECK = "bench"
_INDEX = re.compile(r"Q(\d+):")


def _anki() -> Any:
    from anki.collection import Collection

    return Collection


def add_plain_notes(
    col: Any,
    fields: list[tuple[str, str]],
    deck_names: list[str],
    decks: list[int] | None = None,
) -> None:
    """`col.add_notes` of Basic notes, note i going to deck `decks[i]` (default: i % the number
    of decks)."""
    from anki.collection import AddNoteRequest

    model = col.models.by_name("Basic")
    dids = [col.decks.id(name) for name in deck_names]
    requests = []
    for i, (front, back) in enumerate(fields):
        note = col.new_note(model)
        note["Front"] = front
        note["Back"] = back
        deck = decks[i] if decks is not None else i % len(dids)
        requests.append(AddNoteRequest(note=note, deck_id=dids[deck]))
    col.add_notes(requests)


def deck_names() -> list[str]:
    return [f"{PARENT_DECK}::d{d:02d}" for d in range(N_DECKS)]


def collection_deck_names() -> list[str]:
    """The generated collection's decks (two and three levels under `bench`), Anki-style."""
    return [name.replace("/", "::") for name in DECK_NAMES]


def anki_collection(n: int) -> Path:
    """A cached Anki collection with `n` cards and their history, ready for today."""
    path = cache_dir() / f"anki-{n}-v{GENERATOR_VERSION}.anki2"
    meta_path = path.with_suffix(".json")
    if path.exists() and meta_path.exists():
        meta = json.loads(meta_path.read_text())
        if meta.get("today") == _anki_today(path):
            return path
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    meta = build_anki(path, n)
    meta_path.write_text(json.dumps(meta))
    return path


def _anki_today(path: Path) -> int:
    col = _anki()(str(path))
    try:
        return int(col.sched.today)
    finally:
        col.close()


def build_anki(path: Path, n: int) -> dict[str, Any]:
    """Add the plan's notes to a new collection, then write states and history via SQL."""
    plans = plan_cards(n)
    col = _anki()(str(path))
    # One Basic note per card (siblings are separate notes here): same cards, decks, states.
    add_plain_notes(
        col, [(p.front, p.back) for p in plans], collection_deck_names(), [p.deck for p in plans]
    )
    col.decks.select(col.decks.id(PARENT_DECK))  # study the parent: all ten decks
    today = int(col.sched.today)
    cutoff = int(col.sched.day_cutoff)
    now = int(time.time())
    col.close()

    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN")
    cid_of: dict[int, int] = {}
    for cid, sfld in conn.execute("SELECT c.id, n.sfld FROM cards c JOIN notes n ON n.id = c.nid"):
        match = _INDEX.match(str(sfld))
        assert match, sfld
        cid_of[int(match.group(1))] = cid
    updates = []
    for p in plans:
        if p.state == "new":
            ctype, queue, due = 0, 0, p.index
        elif p.state in ("learning", "relearning"):
            ctype, queue, due = (1 if p.state == "learning" else 3), 1, now + (p.due_secs or 0)
        else:
            ctype, queue, due = 2, 2, today + (p.due_day or 0)
        if p.buried:
            queue = -3  # buried by hand
        if p.suspended or p.orphaned:  # Anki has no orphans: left out of study as well
            queue = -1
        updates.append(
            (
                ctype,
                queue,
                due,
                p.interval,
                p.ease,
                p.reps,
                p.lapses,
                p.remaining_steps,
                cid_of[p.index],
            )
        )
    conn.executemany(
        "UPDATE cards SET type=?, queue=?, due=?, ivl=?, factor=?, reps=?, lapses=?, left=?"
        " WHERE id=?",
        updates,
    )
    used: set[int] = set()
    batch: list[tuple[int, ...]] = []
    sql = "INSERT INTO revlog VALUES (?,?,?,?,?,?,?,?,?)"
    for r in iter_reviews(plans):
        rid = (cutoff - 86_400 * (r.days_ago + 1) + r.secs) * 1000
        while rid in used:
            rid += 1
        used.add(rid)
        batch.append(
            (
                rid,
                cid_of[r.card],
                -1,
                r.grade,
                r.ivl_after,
                r.ivl_before,
                r.ease if r.kind else 0,
                r.duration_ms,
                r.kind,
            )
        )
        if len(batch) >= 50_000:
            conn.executemany(sql, batch)
            batch.clear()
    conn.executemany(sql, batch)
    conn.execute("COMMIT")
    for table in ("cards", "notes", "revlog"):  # ANALYZE alone trips on unicase indexes
        conn.execute(f"ANALYZE {table}")
    conn.close()
    return {"today": today, "built_at": now, "cards": n}


def prepare(path: Path) -> None:
    """Move intraday learning cards so their due times are as far from now as at build time."""
    meta_path = path.with_suffix(".json")
    meta = json.loads(meta_path.read_text())
    now = int(time.time())
    shift = now - int(meta["built_at"])
    if shift:
        conn = sqlite3.connect(path, isolation_level=None)
        conn.execute("UPDATE cards SET due = due + ? WHERE queue = 1", (shift,))
        conn.close()
        meta["built_at"] = now
        meta_path.write_text(json.dumps(meta))


def working_copy(path: Path, dest: Path) -> Path:
    """Copy a cached collection (closed, so no WAL) for a benchmark that writes to it.

    The copy is flushed to disk before it is used: a 690 MB copy left to the kernel's
    writeback made the timed writes after it wait for that writeback (an answer's commit
    read 0.8-1.0 ms on both sides instead of ~0.45, with single ones at 200-350 ms)."""
    for suffix in ("-wal", "-shm"):
        Path(f"{dest}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(path, dest)
    meta = path.with_suffix(".json")
    if meta.exists():
        shutil.copyfile(meta, dest.with_suffix(".json"))
    with open(dest, "rb+") as copied:
        os.fsync(copied.fileno())
    return dest


def export_collection(n: int) -> Path:
    """A cached Anki collection of `n` plain notes whose fields are srs's rendered HTML."""
    path = cache_dir() / f"anki-export-{n}-v{GENERATOR_VERSION}.anki2"
    if not path.exists():
        tmp = path.with_name(path.name + ".tmp")
        tmp.unlink(missing_ok=True)
        col = _anki()(str(tmp))
        add_plain_notes(col, html_fields(n), deck_names())
        col.close()
        tmp.replace(path)
    return path


def html_fields(n: int) -> list[tuple[str, str]]:
    """The plain notes' fields as srs renders them (what every exporter writes)."""
    from srs.render import render_markdown

    return [(render_markdown(f).html, render_markdown(b).html) for f, b in plain_notes(n)]


def export_anki(col: Any, out: Path, *, legacy: bool = True) -> None:
    """Anki's own `.apkg` export of the whole collection, without scheduling or media."""
    from anki.collection import ExportAnkiPackageOptions

    col.export_anki_package(
        out_path=str(out),
        options=ExportAnkiPackageOptions(
            with_scheduling=False, with_deck_configs=False, with_media=False, legacy=legacy
        ),
        limit=None,  # the whole collection
    )


def export_genanki(fields: list[tuple[str, str]], out: Path) -> None:
    """genanki writing the same notes (one Basic model, ten decks) to `out`."""
    import genanki

    model = genanki.Model(
        1607392319,
        "Basic",
        fields=[{"name": "Front"}, {"name": "Back"}],
        templates=[
            {
                "name": "Card 1",
                "qfmt": "{{Front}}",
                "afmt": "{{FrontSide}}<hr id=answer>{{Back}}",
            }
        ],
    )
    decks = [genanki.Deck(2059400110 + d, name) for d, name in enumerate(deck_names())]
    for i, (front, back) in enumerate(fields):
        decks[i % len(decks)].add_note(
            genanki.Note(model=model, fields=[front, back], guid=genanki.guid_for(i))
        )
    genanki.Package(decks).write_to_file(str(out))


ANKI_NEXT_SCRIPT = """
import json, sys
from anki.collection import Collection
col = Collection(sys.argv[1])
queued = col.sched.get_queued_cards(fetch_limit=1)
card = queued.cards[0].card if queued.cards else None
print(json.dumps({"id": card.id if card else None, "new": queued.new_count,
                  "learning": queued.learning_count, "review": queued.review_count}))
col.close()
"""
