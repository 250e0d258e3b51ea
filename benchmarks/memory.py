"""Peak memory and time of one import or export, measured in a fresh process.

`python -m benchmarks.memory MODE N` prints JSON: seconds, the resident-set peak before the
work (after imports and input set-up: `baseline_mb`) and after it (`peak_mb`), from
`resource.getrusage` (Linux reports KiB). The difference is what the work itself needed;
comparing it at 10k and 100k cards shows whether it streams (flat) or holds the whole
collection (grows with it).

Modes: srs-import (a folder of generated decks into a fresh collection), srs-export
(`export_apkg` of N plain notes, render cache cold), anki-import (`add_notes` of N plain notes
into a fresh collection), anki-export (Anki's legacy `.apkg` export of a cached N-card
collection).
"""

from __future__ import annotations

import json
import resource
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _status_mb(field: str) -> float | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def reset_peak() -> float:
    """Reset the kernel's high-water mark (Linux: clear_refs 5) so that set-up peaks do not
    hide the work's own; returns the resident set now (the baseline)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        now = _status_mb("VmRSS")
        if now is not None:
            return now
    except OSError:
        pass
    return _rss_mb()


def peak_mb() -> float:
    return _status_mb("VmHWM") or _rss_mb()


def export_notes(n: int, root: Path) -> Iterator[Any]:
    """Lazily built `ExportNote`s for the plain notes (what a store reader would yield)."""
    from benchmarks.generate import N_DECKS, NOW, card_id, plain_notes
    from srs.anki.package import ExportCard, ExportNote
    from srs.model import CardKind, CardSpec, Note, NoteKind, SchedulingState

    for i, (front, back) in enumerate(plain_notes(n)):
        cid = card_id(i)
        deck = f"bench/d{i % N_DECKS:02d}"
        note = Note(
            id=f"n{cid[:15]}",
            kind=NoteKind.BASIC,
            front=front,
            back=back,
            deck=deck,
            path=f"decks/{deck}.md",
            line=3 + 4 * (i // N_DECKS),
            content_hash=cid,
            cards=(CardSpec(cid, CardKind.BASIC, 0, front, back),),
        )
        yield ExportNote(
            note, (ExportCard(note.cards[0], SchedulingState(), position=i),), NOW, root
        )


def _work(mode: str, n: int, tmp: Path) -> Callable[[], object]:
    from benchmarks.generate import DAY_STARTS_AT, NOW, ZONE, cache_dir, write_deck_folder

    if mode == "srs-import":
        from srs.collection import Collection

        folder = write_deck_folder(cache_dir() / "decks", n)

        def run() -> object:
            with Collection.open(tmp / "c.db", ZONE) as col:
                return col.import_paths([folder], NOW)

        return run
    if mode == "srs-export":
        from srs.anki.package import export_apkg

        def run() -> object:
            return export_apkg(
                tmp / "out.apkg",
                export_notes(n, tmp),
                with_scheduling=False,
                now=NOW,
                zone=ZONE,
                day_starts_at=DAY_STARTS_AT,
            )

        return run
    if mode == "anki-import":
        from anki.collection import Collection as AnkiCollection

        from benchmarks.generate import plain_notes
        from benchmarks.peer import add_plain_notes, deck_names

        fields = list(plain_notes(n))

        def run() -> object:
            col = AnkiCollection(str(tmp / "peer.anki2"))
            add_plain_notes(col, fields, deck_names())
            col.close()
            return None

        return run
    if mode == "anki-export":
        from anki.collection import Collection as AnkiCollection

        from benchmarks.peer import anki_collection, export_anki

        col = AnkiCollection(str(anki_collection(n)))

        def run() -> object:
            export_anki(col, tmp / "out.apkg")
            col.close()
            return None

        return run
    raise SystemExit(f"unknown mode {mode!r}")


def main(argv: list[str]) -> None:
    mode, n = argv[0], int(argv[1])
    with tempfile.TemporaryDirectory(prefix="srs-bench-mem-") as tmp:
        work = _work(mode, n, Path(tmp))
        baseline = reset_peak()
        start = time.perf_counter()
        work()
        seconds = time.perf_counter() - start
        peak = peak_mb()
    print(
        json.dumps(
            {"mode": mode, "n": n, "seconds": seconds, "baseline_mb": baseline, "peak_mb": peak}
        )
    )


if __name__ == "__main__":
    main(sys.argv[1:])
