"""`srs sync` against the real Anki sync server, with a second anki collection as the phone."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sync_helpers import PASSWORD, USER, Phone, Server, start_server
from typer.testing import CliRunner

from srs.cli.app import app
from srs.errors import SyncError

pytest.importorskip("anki")

runner = CliRunner()


def srs(*args: str, ok: bool = True) -> Any:
    result = runner.invoke(app, list(args))
    if ok:
        assert result.exit_code == 0, result.output + result.stderr
    return result


def sync_json(*args: str) -> dict[str, Any]:
    out: dict[str, Any] = json.loads(srs("sync", "--json", *args).stdout)
    return out


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    running = start_server(tmp_path / "server")
    yield running
    running.stop()


@pytest.fixture
def phone(tmp_path: Path, server: Server) -> Iterator[Phone]:
    device = Phone(tmp_path / "phone", server)
    yield device
    device.close()


@pytest.fixture
def decks(tmp_path: Path) -> Path:
    root = tmp_path / "decks"
    root.mkdir()
    (root / "geo.md").write_text(
        "# Geography\n\nQ: Capital of France?\nA: Paris\n\nQ: Capital of Spain?\nA: Madrid\n\n"
        "Q: Capital of Italy?\nA: Rome\n",
        encoding="utf-8",
    )
    return root


@pytest.fixture
def linked(server: Server, phone: Phone, decks: Path, monkeypatch: pytest.MonkeyPatch) -> Phone:
    """srs logged in, its notes synced to the server, the phone synced."""
    monkeypatch.setenv("SRS_SYNC_PASSWORD", PASSWORD)
    srs("import", str(decks))
    srs("sync", "login", "--endpoint", server.endpoint, "--username", USER)
    sync_json()
    phone.sync()
    return phone


def db_rows(db: Path, sql: str) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def test_login_keeps_host_key_only_readable_by_user(
    server: Server, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SRS_SYNC_PASSWORD", PASSWORD)
    out = srs("sync", "login", "--endpoint", server.endpoint, "--username", USER).stdout
    assert "Logged in" in out
    login = db_path.parent / "collection.db.anki" / "login.json"
    assert stat.S_IMODE(login.stat().st_mode) == 0o600
    text = login.read_text()
    assert PASSWORD not in text
    assert json.loads(text)["hkey"]
    status = json.loads(srs("sync", "status", "--json").stdout)
    assert status["logged_in"] and status["username"] == USER
    assert f"Logged in to {server.endpoint} as {USER}." in srs("sync", "status").stdout
    assert "Logged out" in srs("sync", "logout").stdout
    assert not login.exists()
    assert json.loads(srs("sync", "status", "--json").stdout)["logged_in"] is False


def test_wrong_password_is_one_line_and_writes_nothing(
    server: Server, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SRS_SYNC_PASSWORD", "wrong")
    result = srs("sync", "login", "--endpoint", server.endpoint, "--username", USER, ok=False)
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and "login refused" in result.stderr
    assert not (db_path.parent / "collection.db.anki" / "login.json").exists()


def test_sync_without_login_says_how(decks: Path) -> None:
    srs("import", str(decks))
    result = srs("sync", ok=False)
    assert "srs sync login" in result.stderr and result.stderr.count("\n") == 1


def test_status_after_a_sync(linked: Phone) -> None:
    status = json.loads(srs("sync", "status", "--json").stdout)
    assert status["cards_linked"] == 3 and status["reviews_to_push"] == 0
    assert status["last_sync"] is not None
    assert "Last sync: 20" in srs("sync", "status").stdout


def test_srs_notes_reach_the_phone(linked: Phone) -> None:
    notes = linked.notes()
    assert {"<p>Capital of France?</p>", "<p>Capital of Spain?</p>"} <= set(notes)
    assert notes["<p>Capital of France?</p>"][1] == "<p>Paris</p>"


def test_phone_answers_come_into_srs_exactly_once(linked: Phone, db_path: Path) -> None:
    answered = linked.answer(2)
    assert len(answered) == 2
    linked.sync()
    report = sync_json()
    assert report["reviews_pulled"] == 2
    rows = db_rows(db_path, "SELECT card_id, grade, scheduler FROM reviews")
    assert len(rows) == 2 and all(r[1] == 3 and r[2] == "anki" for r in rows)
    # Again and again: nothing more.
    for _ in range(2):
        assert sync_json()["reviews_pulled"] == 0
    assert len(db_rows(db_path, "SELECT id FROM reviews")) == 2
    # The cards' states follow: learning after one Good on a new card.
    states = db_rows(db_path, "SELECT state FROM cards WHERE reps > 0")
    assert [s[0] for s in states] == ["learning", "learning"]
    stats = json.loads(srs("stats", "--json").stdout)
    assert stats["cards"]["learning"] == 2 and stats["today"]["new"] == 2


def test_srs_answers_reach_the_phone(linked: Phone, db_path: Path) -> None:
    from srs.collection import Collection
    from srs.model import Grade

    now = datetime.now(UTC)
    cards = [r[0] for r in db_rows(db_path, "SELECT id FROM cards ORDER BY position")]
    with Collection.open(db_path, now=now) as col:
        previewed = col.preview(cards[0], now)[Grade.EASY][0].interval_days
    at = now.isoformat()
    srs("--now", at, "answer", cards[0], "easy")
    report = sync_json()
    assert report["reviews_pushed"] == 1
    linked.sync()
    revlog = linked.revlog()
    assert len(revlog) == 1 and revlog[0][2] == 4  # Easy
    interval = db_rows(db_path, f"SELECT interval_days FROM cards WHERE id = '{cards[0]}'")[0][0]
    card = linked.col.get_card(revlog[0][1])
    assert card.ivl == interval == previewed and card.type == 2 and card.queue == 2
    assert card.due == linked.col.sched.today + interval
    # Pushed once: a second sync neither pushes nor pulls it back.
    again = sync_json()
    assert again["reviews_pushed"] == 0 and again["reviews_pulled"] == 0
    assert len(db_rows(db_path, "SELECT id FROM reviews")) == 1


def test_both_sides_answer_the_same_card(linked: Phone, db_path: Path) -> None:
    anki_card = linked.answer(1, "AGAIN")[0]
    linked.sync()
    card_id = db_rows(db_path, f"SELECT card_id FROM sync_cards WHERE anki_card_id = {anki_card}")[
        0
    ][0]
    later = (datetime.now(UTC) + timedelta(minutes=1)).isoformat()
    srs("--now", later, "answer", card_id, "good")
    report = sync_json()
    assert report["reviews_pulled"] == 1 and report["reviews_pushed"] == 1
    grades = db_rows(
        db_path, f"SELECT grade FROM reviews WHERE card_id = '{card_id}' ORDER BY reviewed_at"
    )
    assert [g[0] for g in grades] == [1, 3]
    linked.sync()
    assert sorted(r[2] for r in linked.revlog() if r[1] == anki_card) == [1, 3]
    # Both sides hold the replay's state: relearning... or learning, the same on each side.
    state, steps = db_rows(
        db_path, f"SELECT state, remaining_steps FROM cards WHERE id = '{card_id}'"
    )[0]
    card = linked.col.get_card(anki_card)
    assert {"learning": 1, "relearning": 3, "review": 2}[state] == card.type
    assert card.left % 1000 == steps


def test_markdown_edit_updates_the_phone(linked: Phone, decks: Path) -> None:
    path = decks / "geo.md"
    path.write_text(path.read_text().replace("A: Madrid", "A: Madrid (since 1561)"))
    srs("import", str(decks))
    report = sync_json()
    assert report["notes_pushed"] == 1
    linked.sync()
    assert linked.notes()["<p>Capital of Spain?</p>"][1] == "<p>Madrid (since 1561)</p>"
    assert len(linked.notes()) == 3


def test_phone_edit_is_reported_not_written(linked: Phone, decks: Path) -> None:
    before = (decks / "geo.md").read_text()
    nid = linked.col.db.scalar("SELECT id FROM notes WHERE flds LIKE '%Italy%'")
    note = linked.col.get_note(nid)
    note["Back"] = "Roma"
    linked.col.update_note(note)
    linked.sync()
    result = srs("sync")
    assert "geo.md:9: edited in Anki (Back)" in result.stdout
    assert (decks / "geo.md").read_text() == before
    conflicts = sync_json()["conflicts"]
    assert conflicts[0]["fields"] == ["Back"] and conflicts[0]["line"] == 9
    # The phone keeps its edit.
    linked.sync()
    assert linked.notes()["<p>Capital of Italy?</p>"][1] == "Roma"


def test_phone_note_lands_in_inbox(linked: Phone, tmp_path: Path, db_path: Path) -> None:
    model = linked.col.models.by_name("Basic")
    note = linked.col.new_note(model)
    note["Front"] = "Capital of <b>Portugal</b>?"
    note["Back"] = "Lisbon<script>alert(1)</script>"
    linked.col.add_note(note, 1)
    linked.sync()
    report = sync_json()
    assert report["inbox_notes"] == 1
    inbox = Path(report["inbox"])
    text = inbox.read_text()
    assert "Q: Capital of **Portugal**?" in text and "A: Lisbon" in text
    assert "<script>" not in text
    assert sync_json()["inbox_notes"] == 0  # written once
    # A sync killed after writing the file but before srs recorded it: not written again.
    conn = sqlite3.connect(db_path)
    conn.execute("DELETE FROM sync_inbox")
    conn.commit()
    conn.close()
    assert sync_json()["inbox_notes"] == 0
    assert inbox.read_text().count("Portugal") == 1
    # Importing the inbox and syncing links it to the same Anki note: no copy on the phone.
    srs("import", str(inbox))
    sync_json()
    linked.sync()
    assert len(linked.notes()) == 4


def test_two_syncs_at_once_are_refused(linked: Phone, db_path: Path) -> None:
    from srs.sync.auth import sync_folder
    from srs.sync.lock import sync_lock

    with sync_lock(sync_folder(db_path)):
        result = srs("sync", ok=False)
    assert "another srs sync" in result.stderr


def test_server_down_leaves_both_unchanged(linked: Phone, server: Server, db_path: Path) -> None:
    linked.answer(1)
    linked.sync()
    server.stop()
    before = db_rows(db_path, "SELECT count(*) FROM reviews")
    result = srs("sync", ok=False)
    assert result.exit_code == 1 and result.stderr.count("\n") == 1
    assert "cannot reach" in result.stderr or "sync failed" in result.stderr
    assert db_rows(db_path, "SELECT count(*) FROM reviews") == before
    restarted = start_server(server.base, server.port)
    try:
        assert sync_json()["reviews_pulled"] == 1
    finally:
        restarted.stop()


def test_base_install_never_imports_anki() -> None:
    import subprocess
    import sys

    code = (
        "import sys; from srs.cli import main\n"
        "sys.argv=['srs','--help']\n"
        "try: main()\n"
        "except SystemExit: pass\n"
        "assert 'anki' not in sys.modules, 'anki imported'\n"
    )
    env = dict(os.environ)
    subprocess.run([sys.executable, "-c", code], check=True, env=env, capture_output=True)


def test_a_thousand_answers_each_way_in_one_sync(
    server: Server, phone: Phone, tmp_path: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from srs.collection import Collection
    from srs.model import Grade

    decks = tmp_path / "big"
    decks.mkdir()
    (decks / "big.md").write_text(
        "# Big\n\n" + "\n\n".join(f"Q: q{i}?\nA: a{i}" for i in range(2000)) + "\n"
    )
    monkeypatch.setenv("SRS_SYNC_PASSWORD", PASSWORD)
    srs("import", str(decks))
    srs("sync", "login", "--endpoint", server.endpoint, "--username", USER)
    sync_json()
    phone.sync()
    on_phone = set(phone.answer(1000))
    assert len(on_phone) == 1000
    phone.sync()
    links = dict(db_rows(db_path, "SELECT anki_card_id, card_id FROM sync_cards"))
    phone_cards = {links[cid] for cid in on_phone}
    now = datetime.now(UTC)
    with Collection.open(db_path, now=now) as col:
        others = [cid for cid in links.values() if cid not in phone_cards][:1000]
        for i, card_id in enumerate(others):
            col.answer(card_id, Grade.GOOD, now + timedelta(milliseconds=i))
    report = sync_json()
    assert report["reviews_pulled"] == 1000 and report["reviews_pushed"] == 1000
    phone.sync()
    assert len(phone.revlog()) == 2000
    assert db_rows(db_path, "SELECT count(*), count(DISTINCT card_id) FROM reviews") == [
        (2000, 2000)
    ]
    again = sync_json()
    assert again["reviews_pulled"] == 0 and again["reviews_pushed"] == 0


def test_server_stopped_mid_sync_leaves_srs_as_it_was(
    linked: Phone, server: Server, db_path: Path
) -> None:
    from srs.collection import Collection
    from srs.model import Grade
    from srs.sync import mirror as mirror_module
    from srs.sync.run import sync

    phone_cards = linked.answer(2)
    linked.sync()
    # srs answers its other card twice in the same millisecond... and the one card twice
    # (two rows whose ids clash in Anki, moved on by 1 ms).
    links = dict(db_rows(db_path, "SELECT anki_card_id, card_id FROM sync_cards"))
    mine = next(card for anki, card in links.items() if anki not in phone_cards)
    at = datetime.now(UTC)
    with Collection.open(db_path, now=at) as col:
        col.answer(mine, Grade.AGAIN, at)
        col.answer(links[phone_cards[0]], Grade.GOOD, at)
    before = db_rows(db_path, "SELECT count(*) FROM reviews")
    original = mirror_module.Mirror.sync
    calls = []

    def stop_before_second(self: Any) -> int:
        calls.append(1)
        if len(calls) == 2:
            server.stop()  # the server really goes away between pull and push
        return original(self)

    mirror_module.Mirror.sync = stop_before_second  # type: ignore[method-assign]
    try:
        with (
            Collection.open(db_path) as col,
            pytest.raises(SyncError, match=r"cannot reach|sync failed"),
        ):
            sync(col, db_path, now=datetime.now(UTC))
    finally:
        mirror_module.Mirror.sync = original  # type: ignore[method-assign]
    assert db_rows(db_path, "SELECT count(*) FROM reviews") == before
    assert db_rows(db_path, "SELECT count(*) FROM sync_log") == [(0,)]
    restarted = start_server(server.base, server.port)
    try:
        first = sync_json()
        assert first["reviews_pulled"] == 2 and first["reviews_pushed"] == 0
        again = sync_json()
        assert again["reviews_pulled"] == 0 and again["reviews_pushed"] == 0
        linked.sync()
        assert len(linked.revlog()) == 4
    finally:
        restarted.stop()
    assert db_rows(db_path, "SELECT count(*) FROM reviews") == [(4,)]


def test_rebuild_takes_the_servers_collection_and_doubles_nothing(
    linked: Phone, db_path: Path
) -> None:
    linked.answer(2)
    linked.sync()
    assert sync_json()["reviews_pulled"] == 2
    report = sync_json("--rebuild")
    assert report["full_sync"] == "download"
    assert report["reviews_pulled"] == 0 and report["reviews_pushed"] == 0
    assert db_rows(db_path, "SELECT count(*) FROM reviews") == [(2,)]
    linked.sync()
    assert len(linked.revlog()) == 2 and len(linked.notes()) == 3


def test_force_upload_replaces_the_server_and_says_so(linked: Phone, db_path: Path) -> None:
    model = linked.col.models.by_name("Basic")
    note = linked.col.new_note(model)
    note["Front"], note["Back"] = "only on the phone", "x"
    linked.col.add_note(note, 1)
    linked.sync()
    report = sync_json("--force-upload")
    assert report["full_sync"] == "upload"
    assert any("replaced the server's collection" in w for w in report["warnings"])
    linked.sync()  # the phone is asked for a full sync and takes the server's
    assert "only on the phone" not in linked.notes()
    assert len(linked.notes()) == 3


def test_media_of_a_note_reaches_the_phone(
    server: Server, phone: Phone, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    decks = tmp_path / "pics"
    decks.mkdir()
    (decks / "dot.png").write_bytes(
        bytes.fromhex(
            "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
            "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
        )
    )
    (decks / "pics.md").write_text("# Pics\n\nQ: What is this? ![dot](dot.png)\nA: A dot\n")
    monkeypatch.setenv("SRS_SYNC_PASSWORD", PASSWORD)
    srs("import", str(decks))
    srs("sync", "login", "--endpoint", server.endpoint, "--username", USER)
    sync_json()
    phone.sync()
    media = Path(phone.col.media.dir())
    files = list(media.iterdir())
    assert len(files) == 1 and files[0].read_bytes() == (decks / "dot.png").read_bytes()
    front = next(iter(phone.notes()))
    assert f'src="{files[0].name}"' in front


def _kill_rounds(
    rounds: int, server: Server, phone: Phone, tmp_path: Path, db_path: Path, seed: int
) -> None:
    import random
    import subprocess
    import sys
    import time

    from srs.collection import Collection
    from srs.model import Grade

    rng = random.Random(seed)
    decks = tmp_path / "kill"
    decks.mkdir()
    (decks / "k.md").write_text(
        "# K\n\n" + "\n\n".join(f"Q: k{i}?\nA: v{i}" for i in range(150)) + "\n"
    )
    srs("import", str(decks))
    srs("sync", "login", "--endpoint", server.endpoint, "--username", USER)
    sync_json()
    phone.sync()
    card_ids = [r[0] for r in db_rows(db_path, "SELECT id FROM cards")]
    total = 0
    killed = 0
    for _ in range(rounds):
        total += len(phone.answer(rng.randint(1, 3)))
        phone.sync()
        now = datetime.now(UTC)
        with Collection.open(db_path, now=now) as col:
            for i in range(rng.randint(0, 3)):
                col.answer(rng.choice(card_ids), Grade.GOOD, now + timedelta(milliseconds=i))
                total += 1
        process = subprocess.Popen(
            [sys.executable, "-m", "srs", "sync"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(rng.uniform(0.05, 1.2))
        if process.poll() is None:
            process.kill()
            killed += 1
        process.wait()
    sync_json()
    sync_json()
    phone.sync()
    assert killed > 0
    assert db_rows(db_path, "SELECT count(*) FROM reviews") == [(total,)]
    assert db_rows(
        db_path, "SELECT count(*) FROM (SELECT DISTINCT card_id, reviewed_at FROM reviews)"
    ) == [(total,)]
    assert len(phone.revlog()) == total
    assert db_rows(db_path, "PRAGMA integrity_check") == [("ok",)]
    conn = sqlite3.connect(db_path.parent / "collection.db.anki" / "collection.anki2")
    conn.create_collation("unicase", lambda a, b: (a.lower() > b.lower()) - (a.lower() < b.lower()))
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    finally:
        conn.close()


def test_sigkill_during_syncs_loses_and_doubles_nothing(
    server: Server, phone: Phone, tmp_path: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SRS_SYNC_PASSWORD", PASSWORD)
    _kill_rounds(5, server, phone, tmp_path, db_path, seed=16)


@pytest.mark.slow
def test_sigkill_during_twenty_syncs(
    server: Server, phone: Phone, tmp_path: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SRS_SYNC_PASSWORD", PASSWORD)
    _kill_rounds(20, server, phone, tmp_path, db_path, seed=1616)


def test_edited_on_both_sides_reports_then_markdown_wins(linked: Phone, decks: Path) -> None:
    nid = linked.col.db.scalar("SELECT id FROM notes WHERE flds LIKE '%Spain%'")
    note = linked.col.get_note(nid)
    note["Back"] = "Madrid, on the phone"
    linked.col.update_note(note)
    linked.sync()
    path = decks / "geo.md"
    path.write_text(path.read_text().replace("A: Madrid", "A: Madrid, in Markdown"))
    srs("import", str(decks))
    report = sync_json()
    # Reported with Anki's text (nothing silently lost), then the file's text goes to Anki.
    assert report["conflicts"][0]["anki"] == {"Back": "Madrid, on the phone"}
    assert report["notes_pushed"] == 1
    linked.sync()
    assert linked.notes()["<p>Capital of Spain?</p>"][1] == "<p>Madrid, in Markdown</p>"
    assert sync_json()["conflicts"] == []


def test_without_the_anki_package_sync_says_how_to_install(
    tmp_path: Path, decks: Path, server: Server
) -> None:
    import subprocess
    import sys

    code = (
        "import sys; sys.modules['anki'] = None\n"
        "from srs.cli import main\n"
        "sys.argv = ['srs', 'sync', 'login', '--username', 'x', '--endpoint', sys.argv[1]]\n"
        "main()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, server.endpoint],
        capture_output=True,
        text=True,
        env=dict(os.environ, SRS_SYNC_PASSWORD="x"),
    )
    assert done.returncode == 1
    assert done.stderr.strip() == "Error: srs sync needs the anki package: pip install 'srs[anki]'"


def test_phone_note_with_an_image_lands_in_inbox_with_its_file(
    linked: Phone, tmp_path: Path
) -> None:
    picture = tmp_path / "map.png"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 64)
    name = linked.col.media.add_file(str(picture))
    note = linked.col.new_note(linked.col.models.by_name("Basic"))
    note["Front"] = f'Where is this? <img src="{name}">'
    note["Back"] = "Lisbon"
    linked.col.add_note(note, 1)
    linked.sync()
    report = sync_json()
    inbox = Path(report["inbox"])
    assert f"media/{name}" in inbox.read_text()
    assert (inbox.parent / "media" / name).read_bytes() == picture.read_bytes()


def test_note_deleted_on_the_phone_comes_back_from_markdown(linked: Phone, db_path: Path) -> None:
    nid = linked.col.db.scalar("SELECT id FROM notes WHERE flds LIKE '%Italy%'")
    linked.col.remove_notes([nid])
    linked.sync()
    report = sync_json()
    assert report["notes_pushed"] == 1
    linked.sync()
    assert "<p>Capital of Italy?</p>" in linked.notes() and len(linked.notes()) == 3
    assert sync_json()["notes_pushed"] == 0


def test_fsrs_parameters_travel_to_the_decks_preset(
    server: Server, phone: Phone, decks: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from srs.memory.model import DEFAULT_PARAMETERS
    from srs.options import format_option

    fitted = tuple(round(w * 1.05, 4) for w in DEFAULT_PARAMETERS)
    monkeypatch.setenv("SRS_SYNC_PASSWORD", PASSWORD)
    srs("import", str(decks))
    srs("config", "set", "fsrs_parameters", format_option("fsrs_parameters", fitted))
    srs("sync", "login", "--endpoint", server.endpoint, "--username", USER)
    sync_json()
    phone.sync()
    did = phone.col.db.scalar("SELECT did FROM cards LIMIT 1")
    conf = phone.col.decks.config_dict_for_deck_id(did)
    assert conf["fsrsParams6"] == pytest.approx(list(fitted))


def test_fsrs_parameters_fitted_after_the_first_push_reach_the_phone(
    server: Server, phone: Phone, decks: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Fitting comes after weeks of answers, long after a deck's notes first went out: the
    next sync moves the deck to a preset with the new parameters, leaving Anki's Default
    preset (which other decks on the phone use) as it was; a sync after it moves nothing."""
    from srs.memory.model import DEFAULT_PARAMETERS
    from srs.options import format_option

    monkeypatch.setenv("SRS_SYNC_PASSWORD", PASSWORD)
    srs("import", str(decks))
    srs("sync", "login", "--endpoint", server.endpoint, "--username", USER)
    sync_json()
    phone.sync()
    did = phone.col.db.scalar("SELECT did FROM cards LIMIT 1")
    default_before = phone.col.decks.get_config(1)
    for scale in (1.05, 1.1):
        fitted = tuple(round(w * scale, 4) for w in DEFAULT_PARAMETERS)
        srs("config", "set", "fsrs_parameters", format_option("fsrs_parameters", fitted))
        srs("config", "set", "desired_retention", "0.85")
        sync_json()
        phone.sync()
        conf = phone.col.decks.config_dict_for_deck_id(did)
        assert conf["id"] != 1
        assert conf["fsrsParams6"] == pytest.approx(list(fitted))
        assert conf["desiredRetention"] == pytest.approx(0.85)
    assert phone.col.decks.get_config(1)["fsrsParams6"] == default_before["fsrsParams6"]
    assert sync_json()["presets_updated"] == 0


def test_a_review_ahead_on_the_phone_is_replayed_as_the_early_review_it_was(
    linked: Phone, db_path: Path
) -> None:
    """An Anki filtered deck with rescheduling answers a card before its due day with Anki's
    early-review intervals (revlog type 3): srs replays it the same way, so both sides show the
    same interval. Cramming (a filtered deck without rescheduling) changes nothing in Anki and
    is not carried."""
    first = json.loads(srs("next", "--json").stdout)["id"]
    learnt = json.loads(srs("answer", first, "easy", "--json").stdout)  # due in 4-5 days
    second = json.loads(srs("next", "--json").stdout)["id"]
    srs("answer", second, "easy")
    sync_json()
    linked.sync()
    links = dict(db_rows(db_path, "SELECT card_id, anki_card_id FROM sync_cards"))
    linked.answer_in_filtered_deck(links[first], "GOOD")
    linked.answer_in_filtered_deck(links[second], "AGAIN", reschedule=False)
    linked.sync()
    report = sync_json()
    assert report["reviews_pulled"] == 1
    phone_card = linked.col.get_card(links[first])
    view = json.loads(srs("card", first, "--json").stdout)
    # Good the same day: max(0 days x ease, interval) keeps the interval; on time, x ease.
    assert view["interval_days"] == phone_card.ivl == learnt["interval_days"]
    kinds = db_rows(db_path, f"SELECT kind FROM reviews WHERE card_id = '{first}' ORDER BY id")
    assert kinds == [(0,), (3,)]
    assert db_rows(db_path, f"SELECT count(*) FROM reviews WHERE card_id = '{second}'") == [(1,)]


def test_a_refused_login_mid_use_is_one_line_and_changes_nothing(
    linked: Phone, db_path: Path
) -> None:
    linked.answer(1)
    linked.sync()
    login = db_path.parent / "collection.db.anki" / "login.json"
    data = json.loads(login.read_text())
    login.write_text(json.dumps(data | {"hkey": "0" * 40}))
    before = db_rows(db_path, "SELECT count(*) FROM reviews")
    result = srs("sync", ok=False)
    assert result.stderr.count("\n") == 1 and "login refused" in result.stderr
    assert db_rows(db_path, "SELECT count(*) FROM reviews") == before


def test_first_sync_of_an_anki_profile_holding_srs_exported_notes(
    server: Server, phone: Phone, decks: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Someone exported srs's decks to Anki before sync existed and studied them there: the
    first sync links those notes (no copies) and brings their answers in at once."""
    from anki.collection import ImportAnkiPackageOptions, ImportAnkiPackageRequest

    srs("import", str(decks))
    package = tmp_path / "geo.apkg"
    srs("export", "anki", str(package))
    phone.col.import_anki_package(
        ImportAnkiPackageRequest(
            package_path=str(package), options=ImportAnkiPackageOptions(with_scheduling=True)
        )
    )
    phone.answer(2)
    phone.sync()
    monkeypatch.setenv("SRS_SYNC_PASSWORD", PASSWORD)
    srs("sync", "login", "--endpoint", server.endpoint, "--username", USER)
    report = sync_json()
    assert report["full_sync"] == "download"
    assert report["reviews_pulled"] == 2 and report["inbox_notes"] == 0
    phone.sync()
    assert len(phone.notes()) == 3 and len(phone.revlog()) == 2


def test_answers_arriving_during_a_sync_come_in_with_the_next(
    linked: Phone, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The phone answers while srs is between its two syncs with the server: the final sync
    brings those rows into the mirror, and the next sync carries them (the mark is taken
    after the first sync)."""
    from srs.sync import mirror as mirror_module

    card_id = db_rows(db_path, "SELECT id FROM cards ORDER BY position DESC LIMIT 1")[0][0]
    srs("answer", card_id, "good")
    original = mirror_module.Mirror.sync
    calls: list[int] = []

    def phone_answers_meanwhile(self: Any) -> int:
        calls.append(1)
        if len(calls) == 2:
            linked.answer(1)
            linked.sync()
        return original(self)

    monkeypatch.setattr(mirror_module.Mirror, "sync", phone_answers_meanwhile)
    first = sync_json()
    assert first["reviews_pushed"] == 1 and len(calls) == 2
    monkeypatch.setattr(mirror_module.Mirror, "sync", original)
    assert sync_json()["reviews_pulled"] == 1
    assert db_rows(db_path, "SELECT count(*) FROM reviews") == [(2,)]
