"""A collection studied in srs, exported with `srs export anki`, continues in the real Anki.

The proof that matters to a user who moves to Anki: the buttons Anki offers for each exported
card show the same next intervals that `srs card ID --json` previews, and the history is there.
Fuzz is off on both sides (srs option, ANKI_TEST_MODE for Anki) so the intervals are exact.

The Anki side runs in a process of its own: the Rust backend fixes its time zone and test mode
the first time a process uses it, so sharing the test process with other Anki tests would make
the result depend on test order.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from typer.testing import CliRunner

from srs.anki import note_guid
from srs.cli.app import app
from srs.collection import Collection
from srs.model import CardState, Grade

pytest.importorskip("anki.collection")


def _offset_near_noon() -> int:
    """A whole-hour UTC offset where it is near noon now, far from Anki's test-mode clock shift."""
    return (12 - datetime.now(UTC).hour + 11) % 24 - 11


HOURS = _offset_near_noon()
ZONE = timezone(timedelta(hours=HOURS))
ZONE_ENV = f"Etc/GMT{-HOURS:+d}" if HOURS else "UTC"  # Etc/GMT signs are inverted

# Imports the package into a fresh Anki collection and prints, per note GUID, what Anki shows.
ANKI_SIDE = """
import json, sys
from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest
package, folder, guids = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
col = Collection(folder + "/collection.anki2")
col.import_anki_package(ImportAnkiPackageRequest(
    package_path=package,
    options=ImportAnkiPackageOptions(with_scheduling=True, with_deck_configs=True)))
out = {}
for guid in guids:
    card = col.get_note(col.db.scalar("select id from notes where guid = ?", guid)).cards()[0]
    states = col._backend.get_scheduling_states(card.id)
    out[guid] = {
        "reps": card.reps,
        "lapses": card.lapses,
        "revlog": col.db.scalar("select count() from revlog where cid = ?", card.id),
        # Anki isolates the number with bidi marks for right-to-left languages.
        "labels": [label.replace("\\u2068", "").replace("\\u2069", "")
                   for label in col.sched.describe_next_states(states)],
    }
col.close()
print(json.dumps(out))
"""


def study(col: Collection, now: datetime) -> dict[str, CardState]:
    """Give a few cards a history: an overdue review card, a lapsed one, one in learning."""
    ids = [card.id for card in col.cards() if card.kind.value == "basic"][:3]
    review, lapsed, learning = ids
    start = now - timedelta(days=20)
    for card_id in (review, lapsed):
        col.answer(card_id, Grade.GOOD, start)
        col.answer(card_id, Grade.GOOD, start + timedelta(minutes=11))
        col.answer(card_id, Grade.GOOD, start + timedelta(days=1))
        col.answer(card_id, Grade.EASY, start + timedelta(days=4))
    col.answer(lapsed, Grade.AGAIN, now - timedelta(minutes=2))
    col.answer(learning, Grade.AGAIN, now - timedelta(minutes=30))
    col.answer(learning, Grade.GOOD, now - timedelta(minutes=29))
    return {
        review: CardState.REVIEW,
        lapsed: CardState.RELEARNING,
        learning: CardState.LEARNING,
    }


def test_anki_offers_the_intervals_srs_previews(
    deck_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SRS_TZ", ZONE_ENV)
    now = datetime.now(UTC).replace(microsecond=0)
    db = tmp_path / "srs.db"
    with Collection.open(db, ZONE) as col:
        col.import_paths([deck_dir], now - timedelta(days=30))
        col.set_option("fuzz", "off")
        expected_states = study(col, now)
    runner = CliRunner()
    stamp = now.isoformat()
    out = tmp_path / "studied.apkg"
    result = runner.invoke(
        app, ["--db", str(db), "--now", stamp, "export", "anki", str(out), "--with-scheduling"]
    )
    assert result.exit_code == 0, result.output + result.stderr
    ours = {}
    for card_id in expected_states:
        shown = runner.invoke(app, ["--db", str(db), "--now", stamp, "card", card_id, "--json"])
        ours[card_id] = json.loads(shown.stdout)

    (tmp_path / "anki").mkdir()
    guids = [note_guid(card["note_id"]) for card in ours.values()]
    env = os.environ | {"TZ": ZONE_ENV, "ANKI_TEST_MODE": "1"}
    done = subprocess.run(
        [sys.executable, "-c", ANKI_SIDE, str(out), str(tmp_path / "anki"), json.dumps(guids)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    theirs = json.loads(done.stdout)

    for card_id, state in expected_states.items():
        card = ours[card_id]
        anki = theirs[note_guid(card["note_id"])]
        assert card["state"] == state.value
        assert (anki["reps"], anki["lapses"]) == (card["reps"], card["lapses"])
        assert anki["revlog"] == card["reps"]
        preview = card["preview"]
        expected = [preview[g]["label"] for g in ("again", "hard", "good", "easy")]
        assert anki["labels"] == expected, (card_id, state)
