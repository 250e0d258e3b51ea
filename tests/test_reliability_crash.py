"""Kill test: `srs answer`, `srs review` (in a pseudo-terminal) and `srs import` are killed with
SIGKILL at random moments; after every kill the collection must pass `PRAGMA integrity_check`,
hold every answer that was acknowledged (printed before the kill) with the card state that
matches it, and hold each imported file either whole or not at all.

The default run kills 15 times in a few seconds; `-m slow` runs 100 kills. The seed comes from
SRS_KILL_SEED (default 7) and is printed in every failure message, so a failure replays.
"""

from __future__ import annotations

import json
import os
import random
import re
import signal
import sqlite3
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pexpect
import pytest

from srs.collection import Collection
from srs.store.backup import backups_of, check_collection_file

ROOT = Path(__file__).resolve().parent.parent
NOW = "2026-03-02T10:00:00Z"
NOW_DT = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
SMALL_CARDS = 300
BIG_CARDS = 4000
SNAPSHOT = (
    "state",
    "due_at",
    "due_day",
    "interval_days",
    "ease",
    "reps",
    "lapses",
    "remaining_steps",
    "stability",
    "difficulty",
    "last_review",
    "suspended",
    "leech",
    "buried_until",
)
ANSI = re.compile(
    r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[()=>][0-9A-Za-z]?"
)


def environment(db: Path) -> dict[str, str]:
    return dict(
        os.environ,
        SRS_DB=str(db),
        SRS_TZ="UTC",
        NO_COLOR="1",
        TERM="xterm",
        PYTHONPATH=str(ROOT),
        COLUMNS="100",
        LINES="40",
    )


@dataclass
class Ledger:
    """What the user was told: acknowledged answers and imports."""

    answer_s: float = 0.6  # how long an un-killed `srs answer` / `srs import` runs (calibrated)
    import_s: float = 1.0

    answer_ids: set[int] = field(default_factory=set)  # review ids printed by `srs answer`
    screen_answers: int = 0  # "Saved: ..." lines seen in `srs review`
    imports: dict[str, bool] = field(default_factory=dict)  # deck name -> import acknowledged
    kills: dict[str, int] = field(default_factory=dict)  # mode -> processes killed while running

    def killed(self, mode: str) -> None:
        self.kills[mode] = self.kills.get(mode, 0) + 1


def check_collection(db: Path, ledger: Ledger, context: str) -> None:
    """The invariants that must hold after any crash."""
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok", context
        reviews = conn.execute("SELECT * FROM reviews ORDER BY id").fetchall()
        ids = {r["id"] for r in reviews}
        missing = ledger.answer_ids - ids
        assert not missing, f"{context}: acknowledged answers lost: {sorted(missing)}"
        assert len(ids) >= len(ledger.answer_ids) + ledger.screen_answers, (
            f"{context}: {len(ids)} review rows, but {len(ledger.answer_ids)} answers and "
            f"{ledger.screen_answers} review-screen answers were acknowledged"
        )
        # Every card's state is the `after` of its latest review (or untouched if none), and
        # each review starts from the state the previous one left: no half-applied answer.
        last: dict[str, dict[str, object]] = {}
        for review in reviews:
            before = json.loads(review["before"])
            if review["card_id"] in last:
                assert before == last[review["card_id"]], f"{context}: review {review['id']}"
            last[review["card_id"]] = json.loads(review["after"])
            assert last[review["card_id"]]["reps"] == before["reps"] + 1, context
        columns = ", ".join(SNAPSHOT)
        for card in conn.execute(f"SELECT id, {columns} FROM cards"):
            state = {name: card[name] for name in SNAPSHOT}
            if card["id"] in last:
                assert state == last[card["id"]], f"{context}: card {card['id']} state"
            else:
                assert state["state"] == "new" and state["reps"] == 0, f"{context}: {card['id']}"
        for deck, acknowledged in ledger.imports.items():
            count = conn.execute(
                "SELECT COUNT(*) FROM cards c JOIN decks d ON d.id = c.deck_id WHERE d.name = ?",
                (deck,),
            ).fetchone()[0]
            assert count in (0, BIG_CARDS), f"{context}: half-applied import of {deck}: {count}"
            if acknowledged:
                assert count == BIG_CARDS, f"{context}: acknowledged import {deck} lost"
    finally:
        conn.close()
    for backup in backups_of(db):  # a kill mid-backup must not leave a broken "backup"
        check_collection_file(backup)


@pytest.fixture
def setup(tmp_path: Path) -> tuple[Path, list[str]]:
    decks = tmp_path / "decks"
    decks.mkdir()
    (decks / "small.md").write_text(
        "".join(f"Item {i} :: value {i}\n\n" for i in range(SMALL_CARDS)), encoding="utf-8"
    )
    db = tmp_path / "collection.db"
    with Collection.open(db) as col:
        col.import_paths([decks / "small.md"], NOW_DT)
        col.set_option("new_per_day", "9999")
        ids = [c.id for c in col.cards()]
    return db, ids


def run_or_kill(proc: subprocess.Popen[bytes], delay: float) -> bool:
    """Let `proc` run for up to `delay` seconds, then SIGKILL it; True if it was killed."""
    try:
        proc.wait(timeout=delay)
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGKILL)
        return True
    return False


def kill_answer(db: Path, ids: list[str], rng: random.Random, ledger: Ledger, step: int) -> None:
    card = rng.choice(ids)
    grade = str(rng.randint(1, 4))
    now = f"2026-03-02T10:{step % 60:02d}:00Z"
    proc = subprocess.Popen(
        [sys.executable, "-m", "srs", "--now", now, "answer", card, grade, "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=environment(db),
    )
    if run_or_kill(proc, rng.uniform(0.6, 1.15) * ledger.answer_s):
        ledger.killed("answer")
    out, err = proc.communicate()
    if proc.returncode == 0:
        ledger.answer_ids.add(json.loads(out)["review_id"])
    else:
        assert proc.returncode == -signal.SIGKILL, err.decode()


def kill_import(db: Path, tmp: Path, rng: random.Random, ledger: Ledger, step: int) -> None:
    deck = f"big{step}"
    path = tmp / f"{deck}.md"
    path.write_text(
        "".join(f"Big {step} term {i} :: meaning {i}\n" for i in range(BIG_CARDS)),
        encoding="utf-8",
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "srs", "--now", NOW, "import", str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=environment(db),
    )
    ledger.imports[deck] = False
    started = time.monotonic()
    if run_or_kill(proc, rng.uniform(0.6, 1.15) * ledger.import_s):
        ledger.killed("import")
    out, err = proc.communicate()
    if proc.returncode == 0:
        assert b"Imported 1 file: " in out
        ledger.imports[deck] = True
        # One import runs as the calibration: on a loaded machine it can take far longer
        # than the ones after it, whose kills would then all land after they finished (the
        # short run makes three imports). An import that finished sooner aims the next
        # kills at its own time.
        ledger.import_s = min(ledger.import_s, time.monotonic() - started)
    else:
        assert proc.returncode == -signal.SIGKILL, err.decode()


class Screen:
    """A running `srs review`: keys in, ANSI-stripped text out."""

    def __init__(self, child: pexpect.spawn) -> None:
        self.child = child
        self.raw = ""
        self.seen = 0

    def expect(self, needle: str, timeout: float = 15.0) -> bool:
        """Wait for `needle` in new output; False if the process ended first."""
        deadline = time.monotonic() + timeout
        while True:
            text = ANSI.sub("", self.raw)
            found = text.find(needle, self.seen)
            if found != -1:
                self.seen = found + len(needle)
                return True
            if time.monotonic() > deadline:
                raise AssertionError(f"{needle!r} not shown:\n{text[-1500:]}")
            try:
                self.raw += self.child.read_nonblocking(65536, timeout=0.1)
            except pexpect.TIMEOUT:
                continue
            except pexpect.EOF:
                return False


def kill_review(db: Path, rng: random.Random, ledger: Ledger) -> None:
    child = pexpect.spawn(
        sys.executable,
        ["-m", "srs", "--now", NOW, "review", "--deck", "small"],
        env=environment(db),
        encoding="utf-8",
        dimensions=(40, 100),
    )
    screen = Screen(child)
    try:
        assert screen.expect("show answer"), "review did not start"
        for _ in range(rng.randint(0, 4)):
            child.send(" ")
            assert screen.expect("4 Easy")
            child.send(str(rng.randint(1, 4)))
            assert screen.expect("Saved: ")  # shown only after the commit
            ledger.screen_answers += 1
        # One more answer, killed at a random moment around its commit.
        child.send(" ")
        assert screen.expect("4 Easy")
        child.send(str(rng.randint(1, 4)))
        time.sleep(rng.uniform(0.0, 0.03))
        child.kill(signal.SIGKILL)
        ledger.killed("review")
        # Output that reached the terminal before the kill was seen by the user too.
        try:
            while True:
                screen.raw += child.read_nonblocking(65536, timeout=0.2)
        except (pexpect.TIMEOUT, pexpect.EOF):
            pass
        if ANSI.sub("", screen.raw).find("Saved: ", screen.seen) != -1:
            ledger.screen_answers += 1
    finally:
        child.close(force=True)


def calibrate(db: Path, ids: list[str], tmp: Path, ledger: Ledger) -> None:
    """Time one answer and one import run to the end, so kills land while they run."""
    ledger.answer_s = ledger.import_s = 100.0
    # The first command of a run pays one-off costs (bytecode compilation, the day's first
    # backup); timing it would put later kills after the answers have already finished.
    kill_answer(db, ids, random.Random(1), ledger, 0)
    # The median of three warm runs: one slow run alone would put most kills after the end.
    runs = []
    for seed in range(3):
        start = time.monotonic()
        kill_answer(db, ids, random.Random(seed), ledger, 0)
        runs.append(time.monotonic() - start)
    answer_s = statistics.median(runs)
    start = time.monotonic()
    kill_import(db, tmp, random.Random(0), ledger, 1000)
    ledger.answer_s, ledger.import_s = answer_s, time.monotonic() - start
    assert not ledger.kills and ledger.answer_ids and ledger.imports == {"big1000": True}


def run_kills(setup: tuple[Path, list[str]], tmp: Path, kills: int) -> Ledger:
    db, ids = setup
    seed = int(os.environ.get("SRS_KILL_SEED", "7"))
    rng = random.Random(seed)
    ledger = Ledger()
    calibrate(db, ids, tmp, ledger)
    modes = ["answer", "answer", "review", "import"]
    for step in range(kills):
        mode = modes[step % len(modes)]
        if mode == "answer":
            kill_answer(db, ids, rng, ledger, step)
        elif mode == "review":
            kill_review(db, rng, ledger)
        else:
            kill_import(db, tmp, rng, ledger, step)
        check_collection(db, ledger, f"seed {seed}, step {step} ({mode})")
    return ledger


def test_kill_at_random_moments(setup: tuple[Path, list[str]], tmp_path: Path) -> None:
    ledger = run_kills(setup, tmp_path, kills=15)
    # The run must have exercised each path: kills in each mode and some acknowledged work.
    assert set(ledger.kills) == {"answer", "review", "import"}, ledger.kills
    assert ledger.answer_ids and ledger.screen_answers


@pytest.mark.slow
def test_kill_a_hundred_times(setup: tuple[Path, list[str]], tmp_path: Path) -> None:
    ledger = run_kills(setup, tmp_path, kills=100)
    print(  # figures for docs/reliability.md (pytest -s)
        f"kills by mode {ledger.kills}; acknowledged: {len(ledger.answer_ids)} answers, "
        f"{ledger.screen_answers} review-screen answers, "
        f"{sum(ledger.imports.values())}/{len(ledger.imports)} imports"
    )
    assert sum(ledger.kills.values()) >= 60


def test_kill_a_first_import_in_its_rollback_journal(tmp_path: Path) -> None:
    """A large first import fills the empty collection through a rollback journal
    (`Connection.bulk_transaction`). Killed while that journal exists, the collection is
    empty or whole, passes the integrity check, and is in WAL mode again once opened."""
    seed = int(os.environ.get("SRS_KILL_SEED", "7"))
    rng = random.Random(seed)
    deck = tmp_path / "big.md"
    deck.write_text("".join(f"Term {i} :: meaning {i}\n" for i in range(BIG_CARDS)))
    hot = 0
    for step in range(6):
        db = tmp_path / f"c{step}.db"
        journal = Path(f"{db}-journal")
        proc = subprocess.Popen(
            [sys.executable, "-m", "srs", "--now", NOW, "import", str(deck)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=environment(db),
        )
        # Creating the file writes a journal for a moment too; the import's comes after WAL.
        wal = False
        while proc.poll() is None and not (wal and journal.exists()):
            wal = wal or Path(f"{db}-wal").exists()
            time.sleep(0.0005)
        if proc.poll() is None:  # the journal is there: kill within the transaction
            time.sleep(rng.uniform(0.0, 0.05))
            proc.send_signal(signal.SIGKILL)
        out, err = proc.communicate()
        context = f"seed {seed}, step {step}"
        if proc.returncode == 0:
            assert b"Imported 1 file: " in out, context
        else:
            assert proc.returncode == -signal.SIGKILL, err.decode()
        hot += journal.exists()
        with Collection.open(db, now=NOW_DT) as col:  # rolls a hot journal back
            assert col.store.integrity_ok(), context
            count = sum(1 for _ in col.cards())
            mode = col.store.conn.execute("PRAGMA journal_mode").fetchone()[0]
        assert mode == "wal", context
        assert count in (0, BIG_CARDS), f"{context}: half-written first import: {count}"
        assert count == BIG_CARDS or proc.returncode != 0, context
        assert not journal.exists(), context
    assert hot, "no kill landed while the rollback journal existed"
