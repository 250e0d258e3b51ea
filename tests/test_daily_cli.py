"""The daily loop outside the review screen, through the real commands (issue 18)."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from srs.cli.app import app
from srs.collection import Collection

runner = CliRunner()
NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
ROOT = Path(__file__).resolve().parent.parent


def invoke(db: Path, *args: str, now: datetime = NOW) -> Any:
    return runner.invoke(app, ["--db", str(db), "--now", now.isoformat(), *args])


def cli(db: Path, *args: str, now: datetime = NOW) -> Any:
    result = invoke(db, *args, now=now)
    assert result.exit_code == 0, result.output
    return result


def test_cards_shows_ids_that_srs_card_resolves(tmp_path: Path, deck_dir: Path) -> None:
    db = tmp_path / "c.db"
    (deck_dir / "named.md").write_text(
        "Q: one?\nA: 1\n<!-- id: s3-storage-classes -->\n\nQ: two?\nA: 2\n"
        "<!-- id: s3-storage-tiers -->\n",
        encoding="utf-8",
    )
    cli(db, "import", str(deck_dir))
    views = json.loads(cli(db, "cards", "--json").stdout)
    siblings = [
        v for v in views if any(v["id"] != w["id"] and v["note_id"] == w["note_id"] for w in views)
    ]
    assert siblings  # the fixture has notes with several cards
    lines = cli(db, "cards").stdout.splitlines()
    assert len(lines) == len(views)
    shown = [line.split()[0] for line in lines]
    assert len(set(shown)) == len(shown)
    assert {"s3-storage-classes", "s3-storage-tiers"} <= set(shown)  # author ids stay whole
    assert any(len(token) < 16 for token in shown)  # generated ids are cut where unique
    for token, view in zip(shown, views, strict=True):
        assert json.loads(cli(db, "card", token, "--json").stdout)["id"] == view["id"]


def test_an_unclosed_cloze_is_named_at_its_line(tmp_path: Path) -> None:
    deck = tmp_path / "d.md"
    deck.write_text("# T\n\nC: the {{c1::first and\nthe {{c2::second}} one\n", encoding="utf-8")
    result = runner.invoke(app, ["check", str(deck)])
    assert result.exit_code == 1
    assert f"{deck}:3: unclosed cloze '{{{{c1::...' (missing '}}}}')" in result.output
    assert "nested" not in result.output


def test_global_options_work_after_the_command(tmp_path: Path, deck_dir: Path) -> None:
    db = tmp_path / "c.db"
    later = (NOW + timedelta(days=1)).isoformat()
    result = runner.invoke(app, ["import", str(deck_dir), "--db", str(db), f"--now={later}"])
    assert result.exit_code == 0, result.output
    rows = json.loads(runner.invoke(app, ["decks", "--json", "--db", str(db)]).stdout)
    assert rows[-1]["total"] == 8
    result = runner.invoke(app, ["config", "set", "new_per_day", "5", "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert cli(db, "config", "get", "new_per_day").stdout.strip() == "5"
    # `srs review` outside a terminal: the real reason, not "no such option --db".
    result = runner.invoke(app, ["review", "--db", str(db)])
    assert result.exit_code == 1 and "No such option" not in result.output


def test_card_says_suspended_buried_and_leech(tmp_path: Path, deck_dir: Path) -> None:
    db = tmp_path / "c.db"
    cli(db, "import", str(deck_dir))
    card_id = json.loads(cli(db, "next", "--json").stdout)["id"]
    assert "suspended (srs unsuspend" not in cli(db, "card", card_id).stdout
    cli(db, "suspend", card_id)
    assert "suspended (srs unsuspend" in cli(db, "card", card_id).stdout
    cli(db, "unsuspend", card_id)
    cli(db, "config", "set", "leech_threshold", "1")
    cli(db, "answer", card_id, "easy")
    cli(db, "answer", card_id, "again", now=NOW + timedelta(days=30))
    assert "leech" in cli(db, "card", card_id, now=NOW + timedelta(days=30)).stdout
    # Buried: skipped by hand, and the siblings of a card studied today.
    with Collection.open(db) as col:
        col.bury(card_id, NOW)
    assert "buried until 2026-11-29" in cli(db, "card", card_id).stdout
    cloze = [v for v in json.loads(cli(db, "cards", "--json").stdout) if v["kind"] == "cloze"]
    cli(db, "answer", cloze[0]["id"], "good")
    assert "buried until 2026-11-29" in cli(db, "card", cloze[1]["id"]).stdout
    assert "buried" not in cli(db, "card", cloze[1]["id"], now=NOW + timedelta(days=1)).stdout


def test_undo_and_orphans_show_the_front(tmp_path: Path, deck_dir: Path) -> None:
    db = tmp_path / "c.db"
    cli(db, "import", str(deck_dir))
    assert cli(db, "orphans").stdout == "No orphaned cards.\n"
    card = json.loads(cli(db, "next", "--json").stdout)
    cli(db, "answer", card["id"], "good")
    first_line = card["front"].strip().splitlines()[0]
    assert first_line[:30] in cli(db, "undo").stdout
    kinesis = deck_dir / "aws" / "kinesis.md"
    text = kinesis.read_text()
    kinesis.write_text(text.replace("Shard :: the unit of capacity of a Kinesis data stream", ""))
    cli(db, "import", str(deck_dir))
    out = cli(db, "orphans").stdout
    assert "Shard" in out and "1 orphaned card." in out
    assert "card(s)" not in out


def test_plan_costs_have_a_floor(tmp_path: Path) -> None:
    from srs.memory.exam_mode import MIN_COSTS, MIN_SAMPLES

    folder = tmp_path / "decks"
    folder.mkdir()
    lines = [f"Question {i}? :: answer {i}\n" for i in range(MIN_SAMPLES + 10)]
    (folder / "d.md").write_text("\n".join(lines), encoding="utf-8")
    db = tmp_path / "c.db"
    cli(db, "import", str(folder))
    cli(db, "config", "set", "new_per_day", "100")
    for _ in range(MIN_SAMPLES + 5):  # answered in one second each
        card = json.loads(cli(db, "next", "--json").stdout)
        cli(db, "answer", card["id"], "easy", "--duration-ms", "1000")
    cli(db, "config", "set", "exam_date", "2027-01-27")
    costs = json.loads(cli(db, "plan", "--json").stdout)["costs"]
    assert costs["new"] == MIN_COSTS.new > 1.0


def test_help_lists_review_first_with_the_default_collection(tmp_path: Path) -> None:
    env = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    env["XDG_DATA_HOME"] = str(tmp_path / "data")
    done = subprocess.run(
        [sys.executable, "-m", "srs", "--help"], capture_output=True, text=True, env=env, check=True
    )
    commands = done.stdout.split("Commands:")[1].split()
    assert commands[0] == "review"
    # The home folder reads as `~` (HOME is tmp_path here).
    assert "[default: ~/data/srs/collection.db]" in done.stdout
    version = subprocess.run(
        [sys.executable, "-m", "srs", "--version"], capture_output=True, text=True, env=env
    )
    from importlib.metadata import version as installed

    assert version.returncode == 0 and version.stdout.strip() == f"srs {installed('srs')}"


def test_counts_read_as_words_and_zeros_are_left_out(tmp_path: Path, deck_dir: Path) -> None:
    db = tmp_path / "c.db"
    assert cli(db, "next").stdout == "No cards yet. Import some with: srs import DECKS\n"
    one = deck_dir / "ml.md"
    assert cli(db, "check", str(one)).stdout == "OK: 1 file, 3 notes, 5 cards\n"
    assert cli(db, "import", str(one)).stdout == "Imported 1 file: 3 added\n"
    again = cli(db, "import", str(one)).stdout
    assert again == "Imported 1 file: 3 unchanged\n"
