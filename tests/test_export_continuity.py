"""A collection studied in srs, exported with `srs export anki`, continues in the real Anki.

The proof that matters to a user who moves to Anki: the buttons Anki offers for each exported
card show the same next intervals that `srs card ID --json` previews, and the history is there.
Fuzz is off on both sides (srs option, ANKI_TEST_MODE for Anki) so the intervals are exact.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

anki_collection = pytest.importorskip("anki.collection")
from anki.collection import (  # noqa: E402
    Collection as AnkiCollection,
)
from anki.collection import (  # noqa: E402
    ImportAnkiPackageOptions,
    ImportAnkiPackageRequest,
)
from typer.testing import CliRunner  # noqa: E402

from srs.anki import note_guid  # noqa: E402
from srs.cli.app import app  # noqa: E402
from srs.collection import Collection  # noqa: E402
from srs.model import CardState, Grade  # noqa: E402


def _offset_near_noon() -> int:
    return (12 - datetime.now(UTC).hour + 11) % 24 - 11


HOURS = _offset_near_noon()
ZONE = timezone(timedelta(hours=HOURS))
ZONE_ENV = f"Etc/GMT{-HOURS:+d}" if HOURS else "UTC"  # Etc/GMT signs are inverted


@pytest.fixture(autouse=True)
def _engine_environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Both engines in one zone where it is near noon, Anki without fuzz."""
    monkeypatch.setenv("TZ", ZONE_ENV)
    monkeypatch.setenv("SRS_TZ", ZONE_ENV)
    monkeypatch.setenv("ANKI_TEST_MODE", "1")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


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


def test_anki_offers_the_intervals_srs_previews(deck_dir: Path, tmp_path: Path) -> None:
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

    (tmp_path / "anki").mkdir()
    anki = AnkiCollection(str(tmp_path / "anki" / "collection.anki2"))
    try:
        request = ImportAnkiPackageRequest(
            package_path=str(out),
            options=ImportAnkiPackageOptions(with_scheduling=True, with_deck_configs=True),
        )
        anki.import_anki_package(request)
        for card_id, state in expected_states.items():
            shown = runner.invoke(app, ["--db", str(db), "--now", stamp, "card", card_id, "--json"])
            ours = json.loads(shown.stdout)
            assert ours["state"] == state.value
            nid = anki.db.scalar("select id from notes where guid = ?", note_guid(ours["note_id"]))
            card = anki.get_note(nid).cards()[0]
            assert card.reps == ours["reps"] and card.lapses == ours["lapses"]
            revlog = anki.db.scalar("select count() from revlog where cid = ?", card.id)
            assert revlog == ours["reps"]
            states = anki._backend.get_scheduling_states(card.id)
            # Anki isolates the number with bidi marks for right-to-left languages.
            labels = [
                label.replace("\u2068", "").replace("\u2069", "")
                for label in anki.sched.describe_next_states(states)
            ]
            preview = ours["preview"]
            assert labels == [preview[g]["label"] for g in ("again", "hard", "good", "easy")], (
                card_id,
                state,
            )
    finally:
        anki.close()
