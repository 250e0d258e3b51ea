"""`srs decks` lists parents and a collection total, and each row is what `srs review` gives.

Every row's new / learning / due counts must equal the header of `srs review --deck NAME`
(the total row: `srs review` with no deck), whatever limits decks set and whatever was
studied today; the review header is `Collection.counts`.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from srs.cli.app import app
from srs.collection import Collection
from srs.store.scope import QueueFilter

runner = CliRunner()
NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)


def cli(db: Path, now: datetime, *args: str) -> Any:
    result = runner.invoke(app, ["--db", str(db), "--now", now.isoformat(), *args])
    assert result.exit_code == 0, result.output
    return result


def _write(folder: Path, deck: str, cards: int) -> None:
    path = folder / f"{deck.replace('/', '_')}.md"
    lines = [f"---\ndeck: {deck}\n---\n"]
    lines += [f"{deck} question {i}? :: answer {i}\n" for i in range(cards)]
    path.write_text("\n".join(lines), encoding="utf-8")


def _collection(tmp_path: Path) -> Path:
    """Decks `ml` (own cards and two sub-decks), `aws/s3` and `aws/kinesis` (a bare parent)."""
    folder = tmp_path / "decks"
    folder.mkdir()
    for deck, n in (("ml", 15), ("ml/a", 12), ("ml/b", 30), ("aws/s3", 25), ("aws/kinesis", 4)):
        _write(folder, deck, n)
    db = tmp_path / "c.db"
    cli(db, NOW, "import", str(folder))
    cli(db, NOW, "config", "set", "fuzz", "off")
    return db


def _study(db: Path, now: datetime, answers: int, *deck: str) -> None:
    for _ in range(answers):
        card = json.loads(cli(db, now, "next", "--json", *deck).stdout)
        assert card is not None
        cli(db, now, "answer", card["id"], "easy")


def _check_rows_match_review(db: Path, now: datetime) -> list[dict[str, Any]]:
    rows = json.loads(cli(db, now, "decks", "--json").stdout)
    with Collection.open(db) as col:
        for row in rows:
            deck = row["name"] or None
            counts = col.counts(now, QueueFilter(deck=deck))
            got = (row["new"], row["learning"], row["due"])
            assert got == (counts.new, counts.learning, counts.review), row
    return rows


SETUPS = {
    "defaults": [],
    "sub-deck limits": [("new_per_day", "3", "ml/a"), ("new_per_day", "30", "ml")],
    "parent limit": [("new_per_day", "5", "aws"), ("reviews_per_day", "2", "ml")],
}


@pytest.mark.parametrize("setup", SETUPS)
def test_every_row_is_what_review_gives(tmp_path: Path, setup: str) -> None:
    db = _collection(tmp_path)
    for key, value, deck in SETUPS[setup]:
        cli(db, NOW, "config", "set", key, value, "--deck", deck)
    _check_rows_match_review(db, NOW)
    _study(db, NOW, 8, "--deck", "ml/b")
    _study(db, NOW, 4, "--deck", "aws/s3")
    _study(db, NOW, 3)
    _check_rows_match_review(db, NOW)
    rows = _check_rows_match_review(db, NOW + timedelta(days=4))  # the easy cards fall due
    assert sum(r["due"] for r in rows if r["kind"] == "collection") > 0


def test_parents_and_total_after_the_collection_limit(tmp_path: Path) -> None:
    db = _collection(tmp_path)
    _study(db, NOW, 20)  # the collection's 20 new cards of the day
    rows = _check_rows_match_review(db, NOW)
    by_name = {r["name"]: r for r in rows}
    assert [r["name"] for r in rows] == [
        "aws",
        "aws/kinesis",
        "aws/s3",
        "ml",
        "ml/a",
        "ml/b",
        "",
    ]
    assert [r["kind"] for r in rows] == ["parent"] + ["deck"] * 5 + ["collection"]
    assert by_name[""]["new"] == 0 and by_name[""]["total"] == 86
    assert by_name["aws"]["total"] == 29 and by_name["ml"]["total"] == 57
    assert [r["depth"] for r in rows] == [0, 1, 1, 0, 1, 1, 0]
    text = cli(db, NOW, "decks").stdout.splitlines()
    assert text[0].split() == ["deck", "total", "new", "learn", "due"]
    assert [line.split()[0] for line in text[1:]] == [
        "aws",
        "kinesis",
        "s3",
        "ml",
        "a",
        "b",
        "all",
    ]
    assert text[2].startswith("  kinesis")  # sub-decks indented under their parent
    assert text[-1].split() == ["all", "decks", "86", "0", "0", "0"]
