"""Benchmark `srs stats` on a large collection: 100,000 cards and 1,000,000 review-log rows.

The collection is generated straight into the real schema (the store applies the migrations)
with `executemany`, not through the scheduler: what is measured is the cost of the figures,
and a million scheduler calls would only make the set-up slow. The history is shaped like a
heavy user's: three years of daily study with gaps, answers spread over learn / review /
relearn states, grades mostly Good, realistic `before`/`after` snapshots (they make up most
of each row, so a full scan of the log costs what it would in real life).

Two timings, each the median of several runs:
- cold: `python -m srs stats --json` in a fresh process (imports, opening, queries, JSON);
- in process: `compute_stats` on an open store (the queries alone).

Run:  python benchmarks/stats_bench.py [--db PATH] [--runs 5] [--cards N] [--reviews N]
The generated file is reused when it exists with the same sizes (delete it to regenerate).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from srs.dates import moment, to_ms  # noqa: E402
from srs.stats import compute_stats  # noqa: E402
from srs.store import Store  # noqa: E402

NOW = datetime(2026, 11, 28, 18, 0, tzinfo=UTC)
HISTORY_DAYS = 3 * 365
TARGET_SECONDS = 1.0


def generate(path: Path, n_cards: int, n_reviews: int, seed: int = 7) -> None:
    """Write a collection with `n_cards` cards and `n_reviews` answers to `path`."""
    rng = random.Random(seed)
    at = moment(NOW, UTC, 4)
    today = at.today.toordinal()
    now_ms = to_ms(NOW)
    store = Store.open(path)
    conn = store.conn
    conn.execute("PRAGMA journal_mode = OFF")
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("BEGIN")
    decks = [f"aws-ml/{i:02d}" for i in range(8)] + ["languages/spanish", "misc"]
    conn.executemany("INSERT INTO decks (id, name) VALUES (?, ?)", list(enumerate(decks, 1)))

    notes = []
    cards = []
    for i in range(n_cards):
        note_id = f"n{i:07d}"
        deck_id = 1 + i % len(decks)
        path_text = f"decks/{decks[deck_id - 1]}.md"
        front = f"Question {i}: which service does thing number {i}?"
        notes.append(
            (note_id, "basic", deck_id, front, f"Answer {i}", path_text,
             3 + (i // len(decks)) % 5000 * 4, f"h{i}", f"s{i}", now_ms, now_ms)
        )  # fmt: skip
        roll = rng.random()
        lapses = 0
        leech = 0
        if roll < 0.30:
            state, due_day, due_at, ivl, ease = "new", None, None, 0, 0
        elif roll < 0.33:
            state, due_day, ivl, ease = "learning", None, 0, 0
            due_at = now_ms + rng.randint(-600, 3600) * 1000
        elif roll < 0.34:
            state, due_day, ivl, ease = "relearning", None, rng.randint(1, 30), 2100
            due_at = now_ms + rng.randint(-600, 3600) * 1000
        else:
            state, due_at = "review", None
            ivl = min(int(rng.expovariate(1 / 40)) + 1, 3000)
            ease = rng.choice((1300, 1700, 2100, 2300, 2500, 2500, 2500, 2650, 2800, 3100))
            due_day = today + rng.randint(-3, ivl)
            lapses = min(int(rng.expovariate(1.5)), 12)
            leech = int(lapses >= 8)
        suspended = int(rng.random() < 0.01)
        orphaned = int(rng.random() < 0.002)
        cards.append(
            (f"c{i:07d}", note_id, "basic", 0, front, f"Answer {i}", deck_id, i, state,
             due_at, due_day, ivl, ease, lapses, lapses, suspended, leech, orphaned,
             now_ms, now_ms)
        )  # fmt: skip
    conn.executemany(
        "INSERT INTO notes (id, kind, deck_id, front, back, path, line,"
        " content_hash, signature, created_at, modified_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        notes,
    )
    conn.executemany(
        "INSERT INTO cards (id, note_id, kind, ordinal, front, back, deck_id, position, state,"
        " due_at, due_day, interval_days, ease, reps, lapses, suspended, leech, orphaned,"
        " created_at, modified_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        cards,
    )

    # Study days: most days over three years, with a few breaks.
    first = today - HISTORY_DAYS + 1
    days = [d for d in range(first, today + 1) if d == today or rng.random() < 0.9]
    day_start_ms = {d: to_ms(moment(NOW, UTC, 4).next_day_at) - (today + 1 - d) * 86_400_000
                    for d in days}  # fmt: skip
    seen_cards = [c[0] for c in cards if c[8] != "new"]
    states = ("review",) * 70 + ("learning",) * 15 + ("new",) * 10 + ("relearning",) * 5
    snapshot = {
        "state": "review", "due_at": None, "due_day": today, "interval_days": 12,
        "ease": 2500, "reps": 9, "lapses": 1, "remaining_steps": 0, "suspended": 0,
        "leech": 0, "buried_until": None,
    }  # fmt: skip
    # Answers per day, more in recent days; written in time order as a real log grows.
    weights = [1 + 2 * i / len(days) for i in range(len(days))]
    per_day = [0] * len(days)
    for index in rng.choices(range(len(days)), weights=weights, k=n_reviews):
        per_day[index] += 1
    batch = []
    i = 0
    for day, count in zip(days, per_day, strict=True):
        span = 14 * 3600_000 if day == today else 20 * 3600_000  # today: all before NOW
        offsets = sorted(rng.randint(0, span) for _ in range(count))
        for offset in offsets:
            i += 1
            state = states[i % len(states)]
            grade = rng.choices((1, 2, 3, 4), weights=(10, 8, 75, 7))[0]
            ivl_before = min(int(rng.expovariate(1 / 30)) + 1, 2000) if state == "review" else 0
            ivl_after = 0 if grade == 1 else max(1, int(ivl_before * 2.5))
            before = json.dumps(snapshot | {"interval_days": ivl_before, "state": state})
            after = json.dumps(snapshot | {"interval_days": ivl_after})
            batch.append(
                (rng.choice(seen_cards), day_start_ms[day] + offset, day, grade,
                 1 if state == "review" else 0, "sm2", state,
                 "review" if grade > 1 else "relearning", ivl_before, ivl_after, 2500, 2500,
                 rng.randint(2000, 20000), before, after)
            )  # fmt: skip
            if len(batch) == 50_000:
                _insert_reviews(conn, batch)
                batch = []
    _insert_reviews(conn, batch)
    conn.execute("COMMIT")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("ANALYZE")
    store.close()


def _insert_reviews(conn: object, batch: list[tuple[object, ...]]) -> None:
    conn.executemany(  # type: ignore[attr-defined]
        "INSERT INTO reviews (card_id, reviewed_at, review_day, grade, kind, scheduler,"
        " state_before, state_after, interval_before, interval_after, ease_before, ease_after,"
        " duration_ms, before, after) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        batch,
    )


def time_cold(db: Path, runs: int, extra: list[str]) -> list[float]:
    """Wall time of `python -m srs stats --json` in fresh processes."""
    env = os.environ | {"SRS_TZ": "UTC", "PYTHONPATH": str(ROOT)}
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "srs", "--db", str(db), "--now", NOW.isoformat(),
             "stats", "--json", *extra],
            env=env, capture_output=True, text=True, check=False,
        )  # fmt: skip
        times.append(time.perf_counter() - start)
        if done.returncode != 0:
            raise SystemExit(f"srs stats failed: {done.stderr}")
        json.loads(done.stdout)
    return times


def time_in_process(db: Path, runs: int, deck: str | None = None) -> list[float]:
    """Wall time of `compute_stats` on a freshly opened store."""
    times = []
    for _ in range(runs):
        store = Store.open(db)
        start = time.perf_counter()
        compute_stats(store, moment(NOW, UTC, 4), deck=deck)
        times.append(time.perf_counter() - start)
        store.close()
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--db", type=Path, default=None, help="collection file to (re)use")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--cards", type=int, default=100_000)
    parser.add_argument("--reviews", type=int, default=1_000_000)
    args = parser.parse_args(argv)
    db = args.db or Path(tempfile.gettempdir()) / f"srs-bench-{args.cards}-{args.reviews}.db"
    if not db.exists():
        start = time.perf_counter()
        generate(db, args.cards, args.reviews)
        print(f"generated {db} in {time.perf_counter() - start:.1f}s", file=sys.stderr)
    size_mb = db.stat().st_size / 1e6
    print(f"collection: {args.cards:,} cards, {args.reviews:,} reviews, {size_mb:.0f} MB")
    results = {
        "in-process compute_stats": time_in_process(db, args.runs),
        "in-process compute_stats --deck aws-ml": time_in_process(db, args.runs, "aws-ml"),
        "cold `srs stats --json`": time_cold(db, args.runs, []),
    }
    ok = True
    for name, times in results.items():
        median = statistics.median(times)
        print(f"{name:42} median {median * 1000:7.0f} ms  (runs: "
              + ", ".join(f"{t * 1000:.0f}" for t in times) + ")")  # fmt: skip
        if not name.endswith("--deck aws-ml"):
            ok = ok and median < TARGET_SECONDS
    print("target < 1 s:", "met" if ok else "MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
