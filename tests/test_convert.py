"""`srs convert`: real files in, real Markdown and a real collection out.

Packages and text exports are made by the official `anki` package (its own exporters), the
conversion runs through the CLI, and the results are read back from the files written and
from the collection (`srs cards --json`, `srs card --json`).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from srs.cli.app import app

anki_collection = pytest.importorskip("anki.collection")
from anki.collection import (  # noqa: E402
    Collection,
    ExportAnkiPackageOptions,
    ImportAnkiPackageOptions,
    ImportAnkiPackageRequest,
)
from anki.scheduler.v3 import CardAnswer  # noqa: E402

runner = CliRunner()


def srs(*args: str) -> Any:
    result = runner.invoke(app, list(args))
    return result


def srs_json(*args: str) -> Any:
    result = srs(*args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture
def anki_col(tmp_path: Path) -> Iterator[Any]:
    (tmp_path / "anki").mkdir()
    col = Collection(str(tmp_path / "anki" / "collection.anki2"))
    yield col
    col.close()


def add(col: Any, notetype: str, deck: str, tags: list[str], **fields: str) -> Any:
    note = col.new_note(col.models.by_name(notetype))
    for name, value in fields.items():
        note[name] = value
    note.tags = tags
    col.add_note(note, col.decks.id(deck))
    return note


def answer(col: Any, deck: str, ratings: list[Any]) -> None:
    col.decks.select(col.decks.id(deck))
    for rating in ratings:
        queued = col.sched.get_queued_cards(fetch_limit=1)
        card = col.get_card(queued.cards[0].card.id)
        card.start_timer()
        col.sched.answer_card(
            col.sched.build_answer(card=card, states=queued.cards[0].states, rating=rating)
        )


def build_package(col: Any, out: Path, *, legacy: bool) -> dict[str, Any]:
    """A package with every kind srs maps, media, tags, a deck tree, history and a suspension."""
    media = Path(col.media.dir())
    (media / "dot.png").write_bytes(b"\x89PNG\r\n\x1a\n fake image")
    (media / "hi.mp3").write_bytes(b"ID3 fake sound")
    notes = {
        "basic": add(
            col,
            "Basic",
            "Geo::Europe",
            ["geo", "eu::capitals"],
            Front="Capital of <b>France</b>?",
            Back='Paris <img src="dot.png"> [sound:hi.mp3] \\(x_1^2\\)<script>alert(1)</script>',
        ),
        "both": add(col, "Basic (and reversed card)", "Words", [], Front="dog", Back="Hund"),
        "optional": add(
            col,
            "Basic (optional reversed card)",
            "Words",
            [],
            Front="cat",
            Back="Katze",
            **{"Add Reverse": ""},
        ),
        "typed": add(col, "Basic (type in the answer)", "Words", [], Front="one", Back="eins"),
        "cloze": add(
            col,
            "Cloze",
            "Geo",
            [],
            Text="{{c1::Berlin}} is in {{c2::Germany}}",
            **{"Back Extra": "<i>extra</i>"},
        ),
    }
    custom = col.models.copy(col.models.by_name("Basic"))
    custom["name"] = "Vocab"
    custom["originalStockKind"] = 0
    col.models.add_field(custom, col.models.new_field("Example"))
    col.models.update_dict(custom)
    notes["custom"] = add(col, "Vocab", "Words", [], Front="Baum", Back="tree", Example="ein Baum")
    occlusion = col.models.by_name("Image Occlusion")
    masked = col.new_note(occlusion)
    masked["Occlusion"] = "{{c1::image-occlusion:rect:left=.1:top=.1:width=.2:height=.2:oi=1}}"
    masked["Image"] = '<img src="dot.png">'
    col.add_note(masked, col.decks.id("Geo"))
    answer(col, "Words", [CardAnswer.EASY, CardAnswer.GOOD, CardAnswer.AGAIN])
    col.sched.suspend_cards([notes["typed"].cards()[0].id])
    col.sched.bury_cards([notes["cloze"].cards()[1].id])
    col.export_anki_package(
        out_path=str(out),
        options=ExportAnkiPackageOptions(with_scheduling=True, with_media=True, legacy=legacy),
        limit=None,
    )
    return notes


def cards_by_note(db: Path) -> dict[str, list[dict[str, Any]]]:
    result: dict[str, list[dict[str, Any]]] = {}
    for card in srs_json("--db", str(db), "cards"):
        result.setdefault(card["note_id"], []).append(card)
    return result


@pytest.mark.parametrize("legacy", [False, True])
def test_an_anki_package_converts_with_media_history_and_kinds(
    tmp_path: Path, anki_col: Any, legacy: bool
) -> None:
    package = tmp_path / "deck.apkg"
    notes = build_package(anki_col, package, legacy=legacy)
    out = tmp_path / "out"
    db = tmp_path / "srs.db"
    report = srs_json("--db", str(db), "convert", str(package), "--to", str(out))
    assert report["format"] == "anki"
    assert report["files_written"] == ["Geo.md", "Geo/Europe.md", "Words.md"]
    assert report["notes"] == 6
    assert report["cards"] == 8  # basic 1, both 2, optional 1, typed 1, cloze 2, custom 1
    assert report["media"] == 2
    assert report["reviews"] == 3
    assert any("'Vocab'" in w for w in report["warnings"])
    assert report["skipped"] == {"image occlusion notes (srs cannot show masks over an image)": 1}
    assert report["import"]["added"] == 6
    europe = (out / "Geo" / "Europe.md").read_text()
    assert "Capital of **France**?" in europe
    assert "![](media/dot.png)" in europe and "[sound: hi.mp3](media/hi.mp3)" in europe
    assert "$x_1^2$" in europe and "alert" not in europe
    assert (out / "Geo" / "media" / "dot.png").read_bytes().startswith(b"\x89PNG")
    assert (out / "Geo" / "media" / "hi.mp3").exists()
    by_note = cards_by_note(db)
    from srs.anki.package import id_for_guid

    def cards(key: str) -> list[dict[str, Any]]:
        return by_note[id_for_guid(notes[key].guid) or ""]

    assert [c["kind"] for c in cards("both")] == ["basic", "reversed"]
    assert [c["kind"] for c in cards("cloze")] == ["cloze", "cloze"]
    assert cards("basic")[0]["deck"] == "Geo/Europe"
    assert cards("basic")[0]["tags"] == ["eu/capitals", "geo"]
    assert cards("typed")[0]["suspended"] is True
    from srs.dates import scheduler_date

    tomorrow = scheduler_date(datetime.now(UTC), UTC, 4) + timedelta(days=1)
    assert [c["buried_until"] for c in cards("cloze")] == [None, str(tomorrow)]  # buried today
    assert cards("custom")[0]["back"] == "tree\n\nein Baum"
    answered = [c for c in by_note.values() for c in c if c["state"] != "new"]
    assert len(answered) == 3
    anki_cards = {
        (id_for_guid(anki_col.get_note(c.nid).guid), c.ord): c
        for c in (anki_col.get_card(i) for i in anki_col.find_cards(""))
    }
    for card in answered:
        original = anki_cards[(card["note_id"], 1 if card["kind"] == "reversed" else 0)]
        assert card["interval_days"] == original.ivl
        assert card["reps"] == original.reps
    # Running again: the same files, no new cards.
    again = srs_json("--db", str(db), "convert", str(package), "--to", str(out))
    assert again["files_written"] == [] and len(again["files_unchanged"]) == 3
    assert again["import"]["added"] == 0
    assert sum(len(v) for v in cards_by_note(db).values()) == 8


def test_the_import_reuses_the_written_parse_which_srs_import_reads_the_same(
    tmp_path: Path, anki_col: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`srs convert` hands its parse of the written files to the import (`written=`), so the
    import does not parse them again; a later `srs import` of the files reads exactly those
    notes (same ids), and a file edited in between is parsed again, not taken as written."""
    import srs.decks.formats as formats
    from srs.collection import Collection as SrsCollection
    from srs.convert.run import convert
    from srs.decks.reader import read_decks

    package = tmp_path / "deck.apkg"
    build_package(anki_col, package, legacy=False)
    out = tmp_path / "out"
    conversion = convert(package, out, now=datetime.now(UTC))
    assert len(conversion.written) == 3
    fresh = read_decks([out])  # what `srs import out` parses, no cache
    given = {deck.path: deck for deck in (w.deck for w in conversion.written.values())}
    assert {deck.path: deck for deck in fresh.decks} == given
    assert set(conversion.written) == set(fresh.abs_paths.values())
    parsed: list[str] = []
    real_reader_for = formats.reader_for

    def counting(deck_file: Any) -> Any:
        parsed.append(deck_file.display)
        return real_reader_for(deck_file)

    monkeypatch.setattr(formats, "reader_for", counting)
    words = out / "Words.md"
    words.write_text(words.read_text().replace("Hund", "Hündin"))
    with SrsCollection.open(tmp_path / "srs.db") as col:
        report = col.import_paths(
            [out], datetime.now(UTC), history=conversion.history, written=conversion.written
        )
        assert report.added == 6
        assert parsed == [f"{out.as_posix()}/Words.md"]  # only the edited file
        ids = {card["id"] for card in srs_json("--db", str(tmp_path / "srs.db"), "cards")}
    again = read_decks([out])
    assert ids == {card.id for deck in again.decks for note in deck.notes for card in note.cards}
    assert any("Hündin" in note.back for deck in again.decks for note in deck.notes)


# The Anki side of the interval test runs in a fresh process: Anki's test mode (no fuzz) is
# read when its backend starts, and other tests in this process have started it already.
ANKI_SIDE = """
import json, sys
from anki.collection import Collection, ExportAnkiPackageOptions
from anki.scheduler.v3 import CardAnswer
folder, case = sys.argv[1], sys.argv[2]
col = Collection(folder + "/collection.anki2")
note = col.new_note(col.models.by_name("Basic"))
note["Front"], note["Back"] = "Q", "A"
col.add_note(note, 1)
card_id = note.cards()[0].id
ratings = {"review": ["EASY"], "learning": ["GOOD"], "relearning": ["EASY", "AGAIN"]}[case]
def answer(rating):
    queued = col.sched.get_queued_cards(fetch_limit=1)
    card = col.get_card(queued.cards[0].card.id)
    card.start_timer()
    col.sched.answer_card(col.sched.build_answer(
        card=card, states=queued.cards[0].states, rating=getattr(CardAnswer, rating)))
answer(ratings[0])
if case != "learning":
    # Due today (a manual reschedule: Anki logs it with ease 0, which is not an answer).
    col.sched.set_due_date([card_id], "0")
for rating in ratings[1:]:
    answer(rating)
col.export_anki_package(out_path=folder + "/one.apkg", options=ExportAnkiPackageOptions(
    with_scheduling=True, with_media=False, legacy=False), limit=None)
states = col._backend.get_scheduling_states(card_id)
result = {}
for name in ("again", "hard", "good", "easy"):
    normal = getattr(states, name).normal
    kind = normal.WhichOneof("kind")
    if kind == "review":
        result[name] = [kind, normal.review.scheduled_days]
    elif kind == "relearning":
        result[name] = [kind, normal.relearning.learning.scheduled_secs]
    else:
        result[name] = [kind, normal.learning.scheduled_secs]
print(json.dumps({"guid": note.guid, "states": result}))
col.close()
"""


@pytest.mark.parametrize("case", ["review", "learning", "relearning"])
def test_next_intervals_equal_ankis_for_a_converted_card(tmp_path: Path, case: str) -> None:
    """Anki (fuzz off) answers and reports its four next states; srs (fuzz off) must offer
    the same for the converted card: state, and days or learning-step seconds."""
    env = os.environ | {"ANKI_TEST_MODE": "1"}
    done = subprocess.run(
        [sys.executable, "-c", ANKI_SIDE, str(tmp_path), case],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    now = datetime.now(UTC).replace(microsecond=0)
    anki = json.loads(done.stdout)
    db = tmp_path / "srs.db"
    assert srs("--db", str(db), "config", "set", "fuzz", "false").exit_code == 0
    package = str(tmp_path / "one.apkg")
    srs_json(
        "--db", str(db), "--now", now.isoformat(), "convert", package, "--to", str(tmp_path / "o")
    )
    from srs.anki.package import id_for_guid

    card_id = id_for_guid(anki["guid"]) or ""
    preview = srs_json("--db", str(db), "--now", now.isoformat(), "card", card_id)
    assert preview["state"] == case
    for name, (kind, value) in anki["states"].items():
        ours = preview["preview"][name]
        assert ours["state"] == kind, name
        if kind == "review":
            assert ours["interval_days"] == value, name
        else:
            due = datetime.fromisoformat(ours["due"].replace("Z", "+00:00"))
            assert abs((due - now).total_seconds() - value) <= 3, name


def test_anki_text_export_converts(tmp_path: Path, anki_col: Any) -> None:
    """Anki's own exporter, with every header line it writes (html, tags, deck, notetype, guid)."""
    basic = add(anki_col, "Basic", "Lang::German", ["de"], Front="<b>dog</b>", Back="Hund")
    add(anki_col, "Cloze", "Lang", [], Text="{{c1::Paris}} is in France", **{"Back Extra": ""})
    out_txt = tmp_path / "notes.txt"
    anki_col.export_note_csv(
        out_path=str(out_txt),
        limit=None,
        with_html=True,
        with_tags=True,
        with_deck=True,
        with_notetype=True,
        with_guid=True,
    )
    assert out_txt.read_text().startswith("#separator:tab")
    db = tmp_path / "srs.db"
    out = tmp_path / "out"
    report = srs_json("--db", str(db), "convert", str(out_txt), "--to", str(out))
    assert report["format"] == "csv" and report["notes"] == 2 and report["cards"] == 2
    assert sorted(report["files_written"]) == ["Lang.md", "Lang/German.md"]
    from srs.anki.package import id_for_guid, note_guid

    german = (out / "Lang" / "German.md").read_text()
    assert "Q: **dog**" in german and f"id: {id_for_guid(basic.guid)}" in german
    assert note_guid(id_for_guid(basic.guid) or "") == basic.guid
    kinds = sorted(c["kind"] for c in srs_json("--db", str(db), "cards"))
    assert kinds == ["basic", "cloze"]


def test_plain_and_quizlet_files(tmp_path: Path) -> None:
    plain = tmp_path / "words.csv"
    plain.write_text('front,back\ndog,"Hund, der"\ncat,Katze\n', encoding="utf-8")
    report = srs_json("convert", str(plain), "--to", str(tmp_path / "a"), "--no-import")
    assert report["notes"] == 2 and report["import"] is None
    assert "A: Hund, der" in (tmp_path / "a" / "words.md").read_text()
    quizlet = tmp_path / "quizlet.txt"
    quizlet.write_text("dog - Hund;cat - Katze;tree - Baum", encoding="utf-8")
    report = srs_json(
        "convert",
        str(quizlet),
        "--to",
        str(tmp_path / "b"),
        "--separator",
        " - ",
        "--card-separator",
        ";",
    )
    assert report["notes"] == 3 and report["import"]["added"] == 3


def test_never_overwrites_a_file_it_did_not_write(tmp_path: Path) -> None:
    source = tmp_path / "words.tsv"
    source.write_text("dog\tHund\n", encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    (out / "words.md").write_text("my own notes\n")
    result = srs("convert", str(source), "--to", str(out))
    assert result.exit_code == 1 and "--force" in result.output
    assert (out / "words.md").read_text() == "my own notes\n"
    assert srs_json("convert", str(source), "--to", str(out), "--force")["notes"] == 1
    (out / "words.md").write_text("edited\n")  # edited after the conversion wrote it
    assert srs("convert", str(source), "--to", str(out)).exit_code == 1


def _package_with(tmp_path: Path, members: dict[str, bytes]) -> Path:
    path = tmp_path / "bad.apkg"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("truncated", "damaged or truncated zip"),
        ("bomb", "zip bomb"),
        ("traversal", "tries to leave"),
        ("media", "tries to leave"),
        ("columns", "columns, but the file's rows have"),
        ("encoding", "not UTF-8"),
    ],
)
def test_bad_input_is_refused_naming_the_file(tmp_path: Path, case: str, message: str) -> None:
    if case == "truncated":
        good = _package_with(tmp_path, {"collection.anki21": b"x" * 5000, "media": b"{}"})
        source = tmp_path / "cut.apkg"
        source.write_bytes(good.read_bytes()[:-60])
    elif case == "bomb":
        source = _package_with(tmp_path, {"collection.anki21": b"\0" * 50_000_000})
    elif case == "traversal":
        source = _package_with(tmp_path, {"../evil.txt": b"x", "collection.anki21": b""})
    elif case == "media":
        source = _package_with(
            tmp_path, {"collection.anki21": b"", "media": b'{"0": "../../evil.sh"}', "0": b"x"}
        )
    elif case == "columns":
        source = tmp_path / "rows.csv"
        source.write_text("a,b\nc,d,e\n", encoding="utf-8")
    else:
        source = tmp_path / "mixed.csv"
        source.write_bytes("caf\u00e9,ok\n".encode() + "na\u00efve,x\n".encode("latin-1"))
    out = tmp_path / "out"
    result = srs("convert", str(source), "--to", str(out))
    assert result.exit_code == 1
    assert message in result.output and source.name in result.output
    assert not out.exists()


def test_without_the_anki_extra_the_message_says_how_to_install(
    tmp_path: Path, anki_col: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = tmp_path / "deck.apkg"
    add(anki_col, "Basic", "Default", [], Front="Q", Back="A")
    anki_col.export_anki_package(
        out_path=str(package),
        options=ExportAnkiPackageOptions(with_scheduling=False, with_media=False, legacy=False),
        limit=None,
    )
    monkeypatch.setitem(sys.modules, "anki.collection", None)  # as if anki were not installed
    result = srs("convert", str(package), "--to", str(tmp_path / "out"))
    assert result.exit_code == 1 and "pip install 'srs[anki]'" in result.output


def test_export_back_updates_the_original_anki_notes(tmp_path: Path, anki_col: Any) -> None:
    """Convert, edit the Markdown, export: the original profile updates, adds nothing."""
    package = tmp_path / "deck.apkg"
    notes = build_package(anki_col, package, legacy=False)
    basic_qfmt = anki_col.models.by_name("Basic")["tmpls"][0]["qfmt"]
    count, cards = anki_col.note_count(), len(anki_col.find_cards(""))
    db = tmp_path / "srs.db"
    out = tmp_path / "out"
    # A minute later than Anki's own edits: Anki updates a note only from a newer one.
    later = (datetime.now(UTC) + timedelta(minutes=1)).isoformat()
    srs_json("--db", str(db), "--now", later, "convert", str(package), "--to", str(out))
    words = out / "Words.md"
    words.write_text(words.read_text().replace("dog ::: Hund", "dog ::: der Hund"))
    assert srs("--db", str(db), "--now", later, "import", str(out)).exit_code == 0
    back = tmp_path / "back.apkg"
    assert srs("--db", str(db), "--now", later, "export", "anki", str(back)).exit_code == 0
    result = anki_col.import_anki_package(
        ImportAnkiPackageRequest(
            package_path=str(back), options=ImportAnkiPackageOptions(with_scheduling=False)
        )
    )
    assert len(result.log.new) == 0
    # The skipped image occlusion note is not in the export. Note types srs cannot mirror
    # field for field (three fields) cannot update in place;
    # Anki leaves those notes alone (docs/convert.md).
    assert sorted(n.fields[0] for n in result.log.conflicting) == ["Baum", "cat"]
    assert len(result.log.updated) == 4
    assert anki_col.note_count() == count
    assert "der Hund" in anki_col.get_note(notes["both"].id)["Back"]
    # Anki keeps its own templates: the borrowed note types are never newer than the user's.
    assert anki_col.models.by_name("Basic")["tmpls"][0]["qfmt"] == basic_qfmt
    assert len(anki_col.find_cards("")) == cards


def test_srs_help_imports_neither_anki_nor_the_html_converter() -> None:
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "srs", "--help"],
        capture_output=True,
        text=True,
        check=True,
        env=os.environ | {"PYTHONPATH": str(Path(__file__).resolve().parents[1])},
    )
    imported = {line.split("|")[-1].strip().split(".")[0] for line in done.stderr.splitlines()}
    assert "srs" in imported
    assert not imported & {"anki", "markdownify", "bs4"}


def test_a_note_that_moved_deck_is_not_read_twice(tmp_path: Path) -> None:
    """Files a source no longer produces are removed (unedited) before the import."""
    source = tmp_path / "notes.txt"
    source.write_text("#separator:tab\n#deck:Old\n#guid column:1\nabc\tdog\tHund\n")
    out = tmp_path / "out"
    first = srs_json("convert", str(source), "--to", str(out))
    assert first["files_written"] == ["Old.md"]
    source.write_text("#separator:tab\n#deck:New\n#guid column:1\nabc\tdog\tHund\n")
    second = srs_json("convert", str(source), "--to", str(out))
    assert second["files_written"] == ["New.md"] and second["files_removed"] == ["Old.md"]
    assert not (out / "Old.md").exists()
    assert second["import"]["updated"] == 1 and second["import"]["added"] == 0
    cards = srs_json("cards")
    assert [(c["deck"], c["id"]) for c in cards] == [("New", "anki.g-abc")]


def test_guid_ids_round_trip_and_other_ids_keep_their_hashed_guid() -> None:
    from srs.anki.package import id_for_guid, note_guid
    from srs.decks.markdown import parse_text

    for guid in ["abc_DEF123", "f{Wd`]Xq!$", "ü/..\\x", "a-b.c"]:
        note_id = id_for_guid(guid)
        assert note_id is not None and note_guid(note_id) == guid
        deck = parse_text(f"Q: q\nA: a\n<!-- id: {note_id} -->\n", display="d", default_deck="d")
        assert deck.notes[0].id == note_id  # a valid explicit id in srs's format
    assert id_for_guid("x" * 200) is None
    # Hand-written ids keep the GUID they always had (a hash of the id).
    assert note_guid("anki-basics") != "basics" and len(note_guid("anki-basics")) == 12
