"""The command line: JSON contracts, bad input, and a month of answers driven through `--now`."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from helpers import dump, srs_rows
from typer.testing import CliRunner

from srs.cli.app import app

runner = CliRunner()
NOW = "2026-11-28T09:00:00Z"


def srs(*args: str, ok: bool = True) -> Any:
    result = runner.invoke(app, list(args))
    if ok:
        assert result.exit_code == 0, result.output + result.stderr
    return result


def srs_json(*args: str) -> Any:
    return json.loads(srs(*args, "--json").stdout)


def test_import_then_decks_json(deck_dir: Path) -> None:
    report = srs_json("--now", NOW, "import", str(deck_dir))
    assert report == {
        "added": 6,
        "updated": 0,
        "unchanged": 0,
        "relinked": 0,
        "orphaned": 0,
        "revived": 0,
        "files": 2,
        "cards": 8,
        "blueprints": 0,
        "drafts": 0,
        "warnings": [],
    }
    decks = srs_json("--now", NOW, "decks")
    assert decks == [
        {
            "name": "aws",
            "total": 3,
            "new": 3,
            "learning": 0,
            "due": 0,
            "kind": "parent",
            "depth": 0,
        },
        {
            "name": "aws/kinesis",
            "total": 3,
            "new": 3,
            "learning": 0,
            "due": 0,
            "kind": "deck",
            "depth": 1,
        },
        {"name": "ml", "total": 5, "new": 5, "learning": 0, "due": 0, "kind": "deck", "depth": 0},
        {
            "name": "",
            "total": 8,
            "new": 8,
            "learning": 0,
            "due": 0,
            "kind": "collection",
            "depth": 0,
        },
    ]


def test_card_objects_carry_the_contract_fields(deck_dir: Path) -> None:
    srs("--now", NOW, "import", str(deck_dir))
    cards = srs_json("cards")
    required = {
        "id", "note_id", "deck", "kind", "front", "back", "tags", "exam", "domain",
        "exam_domains", "source", "state", "due", "interval_days", "ease", "reps", "lapses",
        "suspended", "orphaned",
    }  # fmt: skip
    for card in cards:
        assert required <= card.keys()
        path, line = card["source"].rsplit(":", 1)
        assert Path(path).name.endswith(".md") and int(line) >= 1
    mcq = [c for c in cards if c["kind"] == "mcq"]
    assert len(mcq) == 1
    assert [o["text"] for o in mcq[0]["options"]][:2] == ["Accuracy", "Recall of the fraud class"]
    assert mcq[0]["correct"] == ["b", "c"]
    assert srs_json("cards", "--deck", "aws/kinesis")[0]["deck"] == "aws/kinesis"


def test_card_preview_matches_the_answer(deck_dir: Path) -> None:
    srs("--now", NOW, "import", str(deck_dir))
    card_id = srs_json("--now", NOW, "next")["id"]
    preview = srs_json("--now", NOW, "card", card_id)["preview"]
    assert set(preview) == {"again", "hard", "good", "easy"}
    # As on Anki's buttons: steps within the 20-minute learn-ahead limit read "<".
    assert preview["again"]["label"] == "<1m"
    assert preview["hard"]["label"] == "<6m"
    assert preview["good"]["label"] == "<10m"
    assert preview["easy"]["label"] in ("3d", "4d", "5d")  # easy interval 4 with Anki's fuzz
    after = srs_json("--now", NOW, "answer", card_id, "easy")
    assert after["due"] == preview["easy"]["due"]
    assert after["state"] == "review"
    assert f"{after['interval_days']}d" == preview["easy"]["label"]


def test_a_month_of_daily_answers(deck_dir: Path) -> None:
    """Study every due card each morning for 30 days, answering Good; intervals grow."""
    srs("--now", NOW, "import", str(deck_dir))
    srs("config", "set", "fuzz", "off")
    start = datetime(2026, 11, 28, 8, 0, tzinfo=UTC)
    intervals: dict[str, list[int]] = {}
    for day in range(30):
        for minute in range(0, 120, 11):  # learning steps come due again within the session
            now = (start + timedelta(days=day, minutes=minute)).isoformat()
            while (card := srs_json("--now", now, "next")) is not None:
                after = srs_json(
                    "--now", now, "answer", card["id"], "good", "--duration-ms", "5000"
                )
                if after["state"] == "review":
                    intervals.setdefault(card["id"], []).append(after["interval_days"])
    assert len(intervals) == 8
    for seq in intervals.values():
        assert seq == sorted(seq)
    # Anki's defaults, a new card answered Good on time every time: 1, 3, 8, 20 days.
    assert any(seq[:4] == [1, 3, 8, 20] for seq in intervals.values()), intervals
    reviews = srs_json("cards")
    assert all(c["state"] == "review" and c["reps"] >= 5 for c in reviews)


def test_next_and_answer_with_nothing_due(deck_dir: Path) -> None:
    assert srs_json("--now", NOW, "next") is None
    result = srs("answer", "nope", "good", ok=False)
    assert result.exit_code == 1
    assert result.stderr == "Error: no card with id 'nope'; see `srs cards`\n"


def test_invalid_grade_and_option_are_refused() -> None:
    result = srs("answer", "x", "7", ok=False)
    assert result.exit_code == 1
    assert "use 1-4 or again, hard, good, easy" in result.stderr
    result = srs("config", "set", "hard_interval", "1.5", ok=False)
    assert result.exit_code == 1
    assert "0.5" in result.stderr and "1.3" in result.stderr
    result = srs("config", "set", "no_such_option", "1", ok=False)
    assert result.exit_code == 1 and "new_per_day" in result.stderr


def test_config_roundtrip_and_per_deck(deck_dir: Path) -> None:
    srs("--now", NOW, "import", str(deck_dir))
    srs("config", "set", "learning_steps", "1m 10m 1h")
    srs("config", "set", "new_per_day", "5", "--deck", "ml")
    assert srs_json("config", "list")["learning_steps"] == "1m 10m 1h"
    assert srs_json("config", "list", "--deck", "ml")["new_per_day"] == "5"
    assert srs_json("config", "list")["new_per_day"] == "20"
    assert srs("config", "get", "new_per_day", "--deck", "ml").stdout.strip() == "5"


BAD_DECKS: dict[str, tuple[bytes, int, str]] = {
    # name: (file content, line of the problem, words the message must contain)
    "bad_yaml.md": (b"---\ndeck: [unclosed\n---\nA :: B\n", 2, "front matter"),
    "cloze.md": (b"# T\n\nC: the {{c1::unterminated cloze\n", 3, "cloze"),
    "empty_cloze.md": (b"C: an {{c1::}} empty deletion\n", 1, "empty"),
    "qa.md": (b"A :: B\n\nQ: where is the answer?\n", 3, "A:"),
    "mcq.md": (b"Q: pick one\n- [ ] a\n- [ ] b\n", 1, "correct"),
    "latin1.md": ("Q: caf\u00e9\nA: x\n".encode("latin-1"), 1, "UTF-8"),
    "binary.md": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", 3, "binary"),
    "empty.md": (b"# Only a title\n", 1, "no cards"),
}


@pytest.mark.parametrize("name", sorted(BAD_DECKS))
def test_bad_input_is_reported_and_nothing_is_written(
    name: str, deck_dir: Path, db_path: Path
) -> None:
    srs("--now", NOW, "import", str(deck_dir))
    before = dump(db_path)
    content, line, words = BAD_DECKS[name]
    bad = deck_dir / name
    bad.write_bytes(content)
    result = srs("--now", NOW, "import", str(deck_dir), ok=False)
    assert result.exit_code == 1
    first = result.stderr.splitlines()[0]
    assert first.startswith(f"{bad.as_posix()}:{line}: "), first
    assert words.lower() in first.lower()
    assert "Traceback" not in result.output + result.stderr
    assert dump(db_path) == before
    check = srs("check", str(bad), ok=False)
    assert check.exit_code == 1 and words.lower() in check.stderr.lower()


def test_duplicate_ids_name_both_places(deck_dir: Path, db_path: Path) -> None:
    (deck_dir / "one.md").write_text("Q: first\nA: one\n<!-- id: same -->\n")
    (deck_dir / "two.md").write_text("Q: second\nA: two\n<!-- id: same -->\n")
    result = srs("import", str(deck_dir), ok=False)
    assert result.exit_code == 1
    assert "one.md" in result.stderr and "two.md" in result.stderr
    assert srs_rows(db_path) == []


def test_missing_path_is_an_error(tmp_path: Path) -> None:
    result = srs("import", str(tmp_path / "nowhere"), ok=False)
    assert result.exit_code == 1
    assert "nowhere" in result.stderr and "no such" in result.stderr.lower()


def test_all_problems_are_reported_not_only_the_first(deck_dir: Path) -> None:
    (deck_dir / "a.md").write_text("Q: one\n")
    (deck_dir / "b.md").write_text("Q: two\n- [ ] x\n")
    result = srs("import", str(deck_dir), ok=False)
    assert "a.md:1:" in result.stderr and "b.md:1:" in result.stderr


def test_newer_collection_gives_a_clear_error(db_path: Path) -> None:
    srs("decks")
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA user_version = 99")
    conn.commit()
    conn.close()
    result = srs("decks", ok=False)
    assert result.exit_code == 1
    assert "newer srs" in result.stderr and "Traceback" not in result.stderr


def test_python_m_srs_and_help_work_in_a_real_process() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "srs", "--help"], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0
    for command in ("import", "check", "decks", "cards", "card", "orphans", "next", "answer"):
        assert command in done.stdout


def test_a_folder_without_deck_files_is_an_error(tmp_path: Path, db_path: Path) -> None:
    empty = tmp_path / "notes"
    empty.mkdir()
    (empty / "readme.txt").write_text("not a deck")
    result = srs("import", str(empty), ok=False)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == f"{empty.as_posix()}:0: no deck files (*.md) here"
    assert srs_rows(db_path) == []


@pytest.mark.parametrize(
    ("args", "commands"),
    [
        (["next", "--json"], ["next"]),
        (["--db", "x.db", "--now", NOW, "stats"], ["stats"]),
        (["--db=x.db", "import", "deck.md"], ["import"]),
        (["review", "--db", "x.db"], ["review"]),
        (["config", "get", "exam_date"], ["config"]),
        (["--help"], None),
        (["--version"], None),
        ([], None),
        (["nxt"], None),
        (["--db"], None),
    ],
)
def test_a_command_line_builds_only_the_command_it_runs(
    args: list[str], commands: list[str] | None
) -> None:
    import typer.main

    from srs.cli.app import command_app

    narrowed = command_app(args)
    group = typer.main.get_command(narrowed)
    if commands is None:  # nothing runs: every command is listed, none is built
        assert isinstance(group, typer.main.TyperGroup)
        assert list(group.commands) == list(typer.main.get_group(app).commands)
        assert all(not command.params for command in group.commands.values())
        return
    assert isinstance(group, typer.main.TyperGroup)
    assert list(group.commands) == commands
    assert app.registered_callback is narrowed.registered_callback
    assert len(typer.main.get_group(app).commands) > 20  # the full app is left whole


@pytest.mark.parametrize(
    "args",
    [
        ["next", "--help"],
        ["next", "--jsn"],
        ["config", "--help"],
        ["config", "nope"],
        ["stats", "--db"],
        ["--now", "garbage", "next"],
        ["--help"],
        [],
        ["--version"],
        ["nxt"],
        ["--bogus"],
        ["--db"],
    ],
)
def test_the_narrowed_command_behaves_as_under_the_full_app(args: list[str], db_path: Path) -> None:
    from srs.cli.app import command_app

    full = runner.invoke(app, args)
    narrowed = runner.invoke(command_app(args), args)
    assert (narrowed.exit_code, narrowed.stdout, narrowed.stderr) == (
        full.exit_code,
        full.stdout,
        full.stderr,
    )


def run_main(db: Path, args: list[str], report: str) -> subprocess.CompletedProcess[str]:
    """`srs --db DB --now NOW ARGS` run by `srs.cli.main` in a fresh interpreter, which then
    writes `report` (a Python expression: what the run imported, say) to stderr."""
    script = (
        "import sys\n"
        "from srs.cli import main\n"
        f"sys.argv = ['srs', '--db', {str(db)!r}, '--now', {NOW!r}, *{args!r}]\n"
        "try:\n    main()\nexcept SystemExit as e:\n    assert not e.code, e.code\n"
        f"sys.stderr.write(str({report}))\n"
    )
    return subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True
    )


def test_a_command_given_its_collection_does_not_look_for_the_default_one(
    tmp_path: Path,
) -> None:
    """platformdirs (the default collection's folder) is imported only for help or when no
    `--db` is given; the help still names the default."""
    done = run_main(tmp_path / "c.db", ["decks"], "'platformdirs' in sys.modules")
    assert done.stderr == "False"
    assert "Collection file [default: " in srs("--help").stdout


@pytest.mark.parametrize("exam_mode", [False, True])
def test_next_does_not_load_openssl(tmp_path: Path, exam_mode: bool) -> None:
    """`srs next` (and exam mode reading its kept plan) digest with CPython's own blake2b
    (`srs.digests`): `import hashlib` would load OpenSSL, ~4-5 ms of every cold command."""
    deck = tmp_path / "deck.md"
    deck.write_text("".join(f"term {i} :: meaning {i}\n" for i in range(5)))
    db = tmp_path / "c.db"
    srs("--db", str(db), "--now", NOW, "import", str(deck))
    if exam_mode:
        srs("--db", str(db), "--now", NOW, "config", "set", "exam_date", "2027-01-15")
        srs("--db", str(db), "--now", NOW, "next", "--json")  # plans, and keeps the plan
    done = run_main(db, ["next", "--json"], "sorted({'_hashlib', 'hashlib'} & set(sys.modules))")
    assert '"id"' in done.stdout
    assert done.stderr == "[]"


def test_command_modules_names_the_module_of_every_command() -> None:
    """`srs.cli.main` imports only the module of the command a command line names, found in
    `COMMAND_MODULES`: the table must say, for every command and group that importing all of
    `srs.cli` registers, the module that registers it, and nothing more."""
    import importlib
    import pkgutil

    from typer.main import get_command_name

    import srs.cli
    from srs.cli.root import COMMAND_MODULES

    for module in pkgutil.iter_modules(srs.cli.__path__):  # a module the table forgot, too
        importlib.import_module(f"srs.cli.{module.name}")
    registered: dict[str, str] = {}
    for info in app.registered_commands:
        assert info.callback is not None
        name = info.name or get_command_name(info.callback.__name__)
        registered[name] = info.callback.__module__.removeprefix("srs.cli.")
    for group in app.registered_groups:
        assert group.name is not None and group.typer_instance is not None
        callbacks = [c.callback for c in group.typer_instance.registered_commands]
        modules = {c.__module__ for c in callbacks if c is not None}
        assert len(modules) == 1, (group.name, modules)
        registered[group.name] = modules.pop().removeprefix("srs.cli.")
    assert registered == COMMAND_MODULES


@pytest.mark.parametrize(
    ("args", "loaded"),
    [
        (["next", "--json"], {"srs.cli.commands"}),
        (["stats", "--json"], {"srs.cli.stats"}),
        (["config", "get", "new_per_day"], {"srs.cli.commands"}),
        (["--help"], "all"),
    ],
)
def test_a_command_line_loads_the_module_of_its_command_alone(
    tmp_path: Path, args: list[str], loaded: set[str] | str
) -> None:
    from srs.cli.root import COMMAND_MODULES

    everything = {f"srs.cli.{m}" for m in COMMAND_MODULES.values()}
    done = run_main(tmp_path / "c.db", args, f"sorted({everything!r} & set(sys.modules))")
    assert done.stderr == str(sorted(everything if loaded == "all" else loaded))
