"""The interval and ease histograms read their count and mean from the bucket rows: the same
figures as SQLite's COUNT and AVG over the same cards."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from pathlib import Path

from srs.collection import Collection

NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)


def test_histogram_counts_and_means_are_those_of_count_and_avg(tmp_path: Path) -> None:
    deck = tmp_path / "deck.md"
    deck.write_text("\n\n".join(f"q{i} front :: back {i}" for i in range(300)) + "\n")
    db = tmp_path / "c.db"
    with Collection.open(db, UTC, now=NOW) as col:
        col.import_paths([deck], NOW)
        store = col.store
        rng = random.Random(5)
        with store.transaction():
            for (card_id,) in store.conn.execute("SELECT id FROM cards").fetchall():
                store.conn.execute(
                    "UPDATE cards SET state = ?, interval_days = ?, ease = ?, orphaned = ?"
                    " WHERE id = ?",
                    (
                        rng.choice(["new", "learning", "review", "relearning"]),
                        rng.choice([0, 1, 2, 7, 30, 400, rng.randrange(36500)]),
                        rng.choice([0, 1300, 2500, rng.randrange(1000, 5000)]),
                        int(rng.random() < 0.1),
                        card_id,
                    ),
                )
        for deck_name in (None, "deck"):
            lows = (1, 3, 7, 30, 365)
            got = store.interval_summary(deck_name, lows)
            where = "state IN ('review', 'relearning') AND orphaned = 0 AND interval_days >= 1"
            count, mean = store.conn.execute(
                f"SELECT COUNT(*), AVG(interval_days) FROM cards WHERE {where}"
            ).fetchone()
            assert (got.cards, got.mean) == (count, mean)
            assert sum(got.counts.values()) == count and len(got.counts) >= 4
            got = store.ease_summary(deck_name, 130, 350, 10)
            where = "state IN ('review', 'relearning') AND orphaned = 0 AND ease > 0"
            count, mean = store.conn.execute(
                f"SELECT COUNT(*), AVG(ease) FROM cards WHERE {where}"
            ).fetchone()
            assert (got.cards, got.mean) == (count, mean)
            assert sum(got.counts.values()) == count
        empty = store.ease_summary("no such deck", 130, 350, 10)
        assert (empty.counts, empty.cards, empty.mean) == ({}, 0, None)


def _runs_by_hand(days: set[int], today: int) -> tuple[int, int, int, int | None]:
    """(longest, current, study days, last day) of the runs of consecutive days <= today."""
    seen = sorted(d for d in days if d <= today)
    runs: list[list[int]] = []
    for d in seen:
        if runs and runs[-1][-1] == d - 1:
            runs[-1].append(d)
        else:
            runs.append([d])
    longest = max((len(r) for r in runs), default=0)
    current = max((len(r) for r in runs if r[-1] >= today - 1), default=0)
    return longest, current, len(seen), seen[-1] if seen else None


def test_study_runs_seek_day_by_day_and_count_as_before(tmp_path: Path) -> None:
    """The days with an answer are found one index seek at a time (WITH RECURSIVE): the runs
    are those of every distinct day, for the whole collection and for one deck."""
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "one.md").write_text("\n\n".join(f"a{i} :: x{i}" for i in range(5)) + "\n")
    (tmp_path / "b.md").write_text("\n\n".join(f"b{i} :: y{i}" for i in range(5)) + "\n")
    db = tmp_path / "c.db"
    rng = random.Random(11)
    with Collection.open(db, UTC, now=NOW) as col:
        col.import_paths([tmp_path / "a", tmp_path / "b.md"], NOW)
        store = col.store
        cards = [
            (r[0], r[1])
            for r in store.conn.execute(
                "SELECT c.id, d.name FROM cards c JOIN decks d ON d.id = c.deck_id"
            )
        ]
        today = 740_000
        days: dict[str | None, set[int]] = {None: set()}
        with store.transaction():
            for _ in range(400):
                card_id, deck = rng.choice(cards)
                day = today - rng.choice([0, 1, 2, 3, 5, rng.randrange(60), rng.randrange(400)])
                store.conn.execute(
                    "INSERT INTO reviews (card_id, reviewed_at, review_day, grade, kind,"
                    " scheduler, state_before, state_after, interval_before, interval_after,"
                    " ease_before, ease_after, duration_ms, before, after)"
                    " VALUES (?, ?, ?, 3, 1, 'sm2', 'review', 'review', 1, 2, 2500, 2500,"
                    " 1000, '{}', '{}')",
                    (card_id, day * 86_400_000, day),
                )
                days[None].add(day)
                days.setdefault(deck, set()).add(day)
        assert len(days) == 3
        for deck, seen in days.items():
            for at in (today, today - 1, today - 30, today - 1000):
                runs = store.study_runs(deck, at)
                got = (runs.longest, runs.current, runs.study_days, runs.last_day)
                assert got == _runs_by_hand(seen, at)
        assert store.study_runs(None, today).current > 0
