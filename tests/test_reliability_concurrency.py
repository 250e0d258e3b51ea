"""Two processes reviewing and one importing the same collection at once: no "database is
locked" reaches the user and no answer is lost (acknowledged answers == review-log rows).

Two flavours: the real commands (`srs answer` and `srs import` subprocesses in loops), and
long-lived library processes answering as fast as they can (far more lock contention).
The default runs last a few seconds each; `-m slow` runs them for a minute.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pytest

from srs.collection import Collection

ROOT = Path(__file__).resolve().parent.parent
NOW_DT = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
CARDS = 200
IMPORT_CARDS = 2000


def environment(db: Path) -> dict[str, str]:
    return dict(os.environ, SRS_DB=str(db), SRS_TZ="UTC", PYTHONPATH=str(ROOT), NO_COLOR="1")


@pytest.fixture
def setup(tmp_path: Path) -> tuple[Path, list[str]]:
    deck = tmp_path / "small.md"
    deck.write_text("".join(f"Item {i} :: value {i}\n\n" for i in range(CARDS)))
    db = tmp_path / "collection.db"
    with Collection.open(db) as col:
        col.import_paths([deck], NOW_DT)
        ids = [c.id for c in col.cards()]
    return db, ids


def write_import_deck(path: Path, version: int) -> None:
    """Alternate versions, so every import updates every note (the longest transaction)."""
    path.write_text(
        "".join(
            f"Q: imported question {i}\nA: answer {i}, version {version}\n\n"
            for i in range(IMPORT_CARDS)
        )
    )


@dataclass
class Outcome:
    acknowledged: list[int] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    runs: int = 0


def check(db: Path, outcome: Outcome) -> None:
    assert not outcome.failures, outcome.failures[:5]
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        rows = conn.execute("SELECT * FROM reviews ORDER BY id").fetchall()
        assert sorted(outcome.acknowledged) == [r["id"] for r in rows]
        last: dict[str, object] = {}
        for row in rows:  # each answer starts from the state the previous one left
            if row["card_id"] in last:
                assert json.loads(row["before"]) == last[row["card_id"]], row["id"]
            last[row["card_id"]] = json.loads(row["after"])
            fresh_start(row)
    finally:
        conn.close()


def fresh_start(row: sqlite3.Row) -> None:
    """The scheduler worked from the state the card had when the answer was written.

    `before` is read inside the write transaction; the *_before columns and `after` come from
    the state the scheduler was given. They differ when an answer was computed from a state
    another process had already replaced (a lost update).
    """
    before, after = json.loads(row["before"]), json.loads(row["after"])
    assert after["reps"] == before["reps"] + 1, f"review {row['id']}: stale state"
    assert (row["state_before"], row["interval_before"], row["ease_before"]) == (
        before["state"],
        before["interval_days"],
        before["ease"],
    ), f"review {row['id']}: stale state"


# -- the commands ------------------------------------------------------------------------------


def run_commands(db: Path, ids: list[str], tmp: Path, seconds: float) -> Outcome:
    outcome = Outcome()
    lock = threading.Lock()
    deadline = time.monotonic() + seconds
    env = environment(db)

    def run(args: list[str]) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [sys.executable, "-m", "srs", *args],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )
        with lock:
            outcome.runs += 1
            if done.returncode != 0 or done.stderr:
                outcome.failures.append(f"{args}: exit {done.returncode}: {done.stderr}")
        return done

    def reviewer(cards: list[str]) -> None:
        step = 0
        while time.monotonic() < deadline:
            card = cards[step % len(cards)]
            now = f"2026-03-{2 + step // 100:02d}T10:{step % 60:02d}:00Z"
            done = run(["--now", now, "answer", card, str(1 + step % 4), "--json"])
            if done.returncode == 0:
                with lock:
                    outcome.acknowledged.append(json.loads(done.stdout)["review_id"])
            step += 1

    def importer() -> None:
        path = tmp / "imported.md"
        version = 0
        while time.monotonic() < deadline:
            write_import_deck(path, version)
            run(["import", str(path)])
            version += 1

    threads = [
        threading.Thread(target=reviewer, args=(ids[0::2],)),
        threading.Thread(target=reviewer, args=(ids[1::2],)),
        threading.Thread(target=importer),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcome


def test_two_reviewers_and_an_importer_via_the_commands(
    setup: tuple[Path, list[str]], tmp_path: Path
) -> None:
    db, ids = setup
    outcome = run_commands(db, ids, tmp_path, seconds=3)
    check(db, outcome)
    assert len(outcome.acknowledged) >= 4


@pytest.mark.slow
def test_commands_for_a_minute(setup: tuple[Path, list[str]], tmp_path: Path) -> None:
    db, ids = setup
    outcome = run_commands(db, ids, tmp_path, seconds=60)
    check(db, outcome)
    print(f"{outcome.runs} commands, {len(outcome.acknowledged)} answers, 0 lost")


# -- long-lived library processes --------------------------------------------------------------

REVIEWER = textwrap.dedent(
    """
    import sys, time
    from datetime import datetime, timedelta, UTC
    from pathlib import Path
    from srs.collection import Collection
    from srs.model import Grade

    db, seconds, cards = Path(sys.argv[1]), float(sys.argv[2]), sys.argv[3].split(",")
    now = datetime(2026, 3, 2, 10, tzinfo=UTC)
    deadline = time.monotonic() + seconds
    step = 0
    with Collection.open(db) as col:
        while time.monotonic() < deadline:
            card = cards[step % len(cards)]
            outcome = col.answer(card, Grade(1 + step % 4), now + timedelta(minutes=step))
            print(outcome.review_id, flush=True)  # acknowledged: committed before printing
            step += 1
    """
)

IMPORTER = textwrap.dedent(
    """
    import sys, time
    from datetime import datetime, UTC
    from pathlib import Path
    from srs.collection import Collection

    db, seconds, deck = Path(sys.argv[1]), float(sys.argv[2]), Path(sys.argv[3])
    deadline = time.monotonic() + seconds
    version = 0
    while time.monotonic() < deadline:
        deck.write_text("".join(
            f"Q: imported question {i}\\nA: answer {i}, version {version}\\n\\n"
            for i in range(int(sys.argv[4]))
        ))
        with Collection.open(db) as col:
            col.import_paths([deck], datetime(2026, 3, 2, 10, tzinfo=UTC))
        print(version, flush=True)
        version += 1
    """
)


def run_library(db: Path, cards: tuple[list[str], list[str]], tmp: Path, seconds: float) -> Outcome:
    env = environment(db)

    def start(script: str, *args: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [sys.executable, "-c", script, str(db), str(seconds), *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )

    procs = [
        start(REVIEWER, ",".join(cards[0])),
        start(REVIEWER, ",".join(cards[1])),
        start(IMPORTER, str(tmp / "imported.md"), str(IMPORT_CARDS)),
    ]
    outcome = Outcome()
    for proc in procs:
        out, err = proc.communicate(timeout=seconds + 120)
        if proc.returncode != 0 or err:
            outcome.failures.append(f"exit {proc.returncode}: {err[-2000:]}")
        lines = [int(line) for line in out.split()]
        if proc is not procs[2]:
            outcome.acknowledged += lines
        outcome.runs += len(lines)
    return outcome


def test_library_processes_hammering_one_collection(
    setup: tuple[Path, list[str]], tmp_path: Path
) -> None:
    db, ids = setup
    outcome = run_library(db, (ids[0::2], ids[1::2]), tmp_path, seconds=2)
    check(db, outcome)
    assert len(outcome.acknowledged) >= 50


@pytest.mark.slow
def test_library_processes_for_a_minute(setup: tuple[Path, list[str]], tmp_path: Path) -> None:
    db, ids = setup
    outcome = run_library(db, (ids[0::2], ids[1::2]), tmp_path, seconds=60)
    check(db, outcome)
    print(f"{len(outcome.acknowledged)} answers, {outcome.runs} operations, 0 lost")


def test_two_processes_answering_the_same_cards(
    setup: tuple[Path, list[str]], tmp_path: Path
) -> None:
    db, ids = setup
    shared = ids[:5]
    outcome = run_library(db, (shared, shared), tmp_path, seconds=2)
    check(db, outcome)
