"""Instructions executed (valgrind's callgrind), srs beside its peer: a measure that does not
move with the machine's load.

Wall times on a shared virtual machine move by 30 % from one minute to the next; two sides
timed in one run keep their ratio better, but a change of a few percent still drowns. The
count of instructions a process executes is the same on every run once hash randomisation is
fixed (`PYTHONHASHSEED=0`), so a before/after of one change reads to the million. It is not a
time: Rust code (Anki) and SQLite retire more instructions per nanosecond than CPython's
interpreter loop, so a ratio of instructions overstates the ratio of times (in session 7,
import at 1.43x by instructions measured 1.2-1.3x by the clock). The timed rows of `python -m
benchmarks` stay the judge of the targets; this one explains them.

Each figure is the instructions of the work alone: the same script run twice under callgrind,
once doing the work and once stopping just before it (interpreter start-up, imports and data
set-up cancel out). Run: `python -m benchmarks.instructions` (needs `valgrind`; about 4 min).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

CASES = ("import", "anki-import", "next", "next-exam", "help")


def work(case: str, run: bool) -> None:
    """Set a case up, then do its work only if `run` (the child process's side)."""
    from benchmarks.generate import NOW, ZONE, cache_dir, write_deck

    if case == "import":
        import srs.decks.importer
        import srs.decks.reader
        import srs.exam.blueprints  # noqa: F401 - imported before the count
        from srs.collection import Collection

        deck = write_deck(cache_dir() / "decks", 10_000)
        with tempfile.TemporaryDirectory() as tmp:
            with Collection.open(Path(tmp) / "warm.db", ZONE):
                pass
            if run:
                with Collection.open(Path(tmp) / "c.db", ZONE) as col:
                    col.import_paths([deck], NOW)
    elif case == "anki-import":
        from anki.collection import Collection as AnkiCollection

        from benchmarks.import_bench import deck_fields
        from benchmarks.peer import add_plain_notes, deck_names

        fields = deck_fields()
        with tempfile.TemporaryDirectory() as tmp:
            AnkiCollection(str(Path(tmp) / "warm.anki2")).close()
            if run:
                col = AnkiCollection(str(Path(tmp) / "peer.anki2"))
                add_plain_notes(col, fields, deck_names())
                col.close()


def _command(case: str, run: bool) -> list[str]:
    """The process to count: a cold command (its peer: `import typer`), or a case's script."""
    from benchmarks.generate import NOW
    from benchmarks.suite import _db
    from benchmarks.timing import srs_launcher

    if case in ("next", "next-exam", "help"):
        if not run:
            return [sys.executable, "-c", "import typer"]
        launcher = srs_launcher()[0]  # callgrind runs a binary: a console script goes to Python
        srs = [sys.executable, *launcher] if len(launcher) == 1 else launcher
        if case == "help":
            return [*srs, "--help"]
        db = _db(100_000, case == "next-exam")
        return [*srs, "--db", str(db), "--now", NOW.isoformat(), "next", "--json"]
    return [sys.executable, "-m", "benchmarks.instructions", "--work", case, "1" if run else "0"]


def count(argv: list[str]) -> int:
    """Instructions `argv` executes under callgrind (a console script is run by this Python)."""
    env = os.environ | {"PYTHONHASHSEED": "0", "SRS_TZ": "UTC", "NO_COLOR": "1"}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # users run with cached bytecode
    # Untimed first: bytecode cached, and a command's daily backup and kept plan made.
    subprocess.run(argv, env=env, capture_output=True, check=True)
    result = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *argv],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    for line in result.stderr.splitlines():
        if "Collected :" in line:
            return int(line.rsplit(":", 1)[1])
    raise RuntimeError(f"no instruction count from callgrind: {result.stderr[-300:]}")


def main() -> None:
    if sys.argv[1:2] == ["--work"]:
        work(sys.argv[2], sys.argv[3] == "1")
        return
    if shutil.which("valgrind") is None:
        sys.exit("valgrind is not installed: apt install valgrind (or your system's package)")
    cases = sys.argv[1:] or list(CASES)
    figures = {}
    for case in cases:
        with_work, without = count(_command(case, True)), count(_command(case, False))
        figures[case] = with_work - without if case.endswith("import") else with_work
        peer = "" if case.endswith("import") else f" (import typer alone: {without / 1e6:.0f}M)"
        print(f"{case:12} {figures[case] / 1e6:8.0f}M instructions{peer}", flush=True)
    if "import" in figures and "anki-import" in figures:
        print(f"import / Anki add_notes: {figures['import'] / figures['anki-import']:.2f}")


if __name__ == "__main__":
    main()
