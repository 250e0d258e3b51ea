"""`srs convert` of a 10k-note Anki package with 100k review rows (issue 15: <= 5 s).

The package is built once with the real `anki` package (cached in the bench cache): 10k Basic
notes over a few decks, every card a review card, and 10 review-log rows per card, written
through Anki's own collection (`col.db`), then exported by Anki's exporter in the current
layout. The timed run is the cold `srs convert PKG --to DIR` (read, write Markdown, import
with the history) into a fresh folder and collection each time.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from benchmarks.generate import cache_dir
from benchmarks.timing import Timing, measure, srs_launcher

NOTES, REVIEWS_PER_CARD = 10_000, 10


def package(notes: int = NOTES, per_card: int = REVIEWS_PER_CARD) -> Path:
    """The cached benchmark package (built on first use)."""
    path = cache_dir() / f"convert-{notes}-{per_card}.apkg"
    if path.exists():
        return path
    from anki.collection import Collection, ExportAnkiPackageOptions

    from benchmarks.peer import add_plain_notes

    with tempfile.TemporaryDirectory() as tmp:
        col = Collection(str(Path(tmp) / "bench.anki2"))
        fields = [(f"Question {i}: what is {i} squared?", f"{i * i}") for i in range(notes)]
        add_plain_notes(col, fields, [f"Bench::Part {i}" for i in range(10)])
        today = col.sched.today
        card_ids = col.db.list("select id from cards order by id")
        col.db.execute(
            "update cards set type = 2, queue = 2, ivl = 20, factor = 2500, reps = ?,"
            " due = ? + (id % 30)",
            per_card,
            today,
        )
        base = 1_600_000_000_000
        rows = []
        for index, cid in enumerate(card_ids):
            for n in range(per_card):
                rid = base + index * per_card * 1000 + n * 1000
                rows.append((rid, cid, -1, 3, 20 if n else -600, 0, 2500, 4000, 1 if n else 0))
        col.db.executemany("insert into revlog values (?,?,?,?,?,?,?,?,?)", rows)
        col.export_anki_package(
            out_path=str(path),
            options=ExportAnkiPackageOptions(with_scheduling=True, with_media=False, legacy=False),
            limit=None,
        )
        col.close()
    return path


def srs_convert(repeat: int = 3) -> Timing:
    """Cold `srs convert` of the package into a fresh folder and collection per run."""
    source = package()
    work = Path(tempfile.mkdtemp(prefix="srs-convert-bench-"))
    db, out = work / "srs.db", work / "out"
    argv = [*srs_launcher()[0], "--db", str(db), "convert", str(source), "--to", str(out)]
    env = os.environ | {"SRS_TZ": "UTC", "NO_COLOR": "1"}
    env.pop("PYTHONDONTWRITEBYTECODE", None)

    def fresh() -> None:
        shutil.rmtree(out, ignore_errors=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)

    def run() -> None:
        done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
        if done.returncode != 0 or "10000 notes" not in done.stdout:
            raise RuntimeError(f"srs convert failed ({done.returncode}): {done.stderr[-500:]}")

    try:
        return measure(run, repeat, setup=fresh)
    finally:
        shutil.rmtree(work, ignore_errors=True)
