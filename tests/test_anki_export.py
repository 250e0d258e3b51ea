"""The Anki export, proven against the real program: every package is imported into a fresh
collection with the official `anki` package (pinned in pyproject) and checked there."""

from __future__ import annotations

import functools
import json
import os
import sqlite3
import tempfile
import time
import zipfile
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any

import pytest
from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest
from helpers import engine_zone

from srs.anki import ExportCard, ExportNote, ExportReview, export_apkg, note_guid, stable_id
from srs.dates import scheduler_date
from srs.errors import ExportError
from srs.model import (
    CardKind,
    CardSpec,
    CardState,
    Grade,
    McqOption,
    Note,
    NoteKind,
    ReviewKind,
    SchedulingState,
)

ZONE_NAME = "Europe/Berlin"  # not UTC, so `creationOffset` and day numbers are exercised
ROLLOVER = 4
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cf00000301010018dd8db40000000049454e44ae426082"
)


@pytest.fixture(autouse=True)
def _pin_zone(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    # Anki's backend reads the machine's local time; pin it to the zone the export uses.
    monkeypatch.setenv("TZ", ZONE_NAME)
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@functools.cache
def engine_zone_now() -> tzinfo:
    """The zone the export must use to agree with the Anki engine in this process.

    Anki's backend fixes its time zone the first time it needs one, so after another test file
    (the differential test pins a fixed offset) `_pin_zone` comes too late; the suite run at
    01:58 Berlin, when the two zones were on different days, failed for that reason.
    """
    with tempfile.TemporaryDirectory() as folder:
        probe = Collection(str(Path(folder) / "probe.anki2"))
        try:
            return engine_zone(probe, ROLLOVER)
        finally:
            probe.close()


@pytest.fixture
def anki(tmp_path: Path) -> Iterator[Collection]:
    (tmp_path / "anki").mkdir()
    col = Collection(str(tmp_path / "anki" / "collection.anki2"))
    yield col
    col.close()


def import_package(col: Collection, apkg: Path, *, with_scheduling: bool = True) -> Any:
    request = ImportAnkiPackageRequest(
        package_path=str(apkg.resolve()),
        options=ImportAnkiPackageOptions(with_scheduling=with_scheduling, with_deck_configs=True),
    )
    return col.import_anki_package(request).log


def make_note(
    nid: str,
    kind: NoteKind,
    front: str,
    back: str = "",
    *,
    clozes: int = 0,
    deck: str = "AWS ML/Streaming",
    tags: tuple[str, ...] = (),
    exam_domains: tuple[tuple[str, str], ...] = (),
    options: tuple[McqOption, ...] = (),
    line: int = 3,
) -> Note:
    if kind is NoteKind.CLOZE:
        cards = tuple(
            CardSpec(f"{nid}:c{n}", CardKind.CLOZE, n - 1, front, back)
            for n in range(1, clozes + 1)
        )
    elif kind is NoteKind.MCQ:
        cards = (CardSpec(nid, CardKind.MCQ, 0, front, back),)
    else:
        cards = (CardSpec(nid, CardKind.BASIC, 0, front, back),)
        if kind is NoteKind.BOTH:
            cards += (CardSpec(f"{nid}:rev", CardKind.REVERSED, 1, back, front),)
    return Note(
        id=nid,
        kind=kind,
        front=front,
        back=back,
        deck=deck,
        path="decks/aws.md",
        line=line,
        content_hash=str(hash((front, back))),
        cards=cards,
        tags=tags,
        exam_domains=exam_domains,
        options=options,
    )


def new_cards(note: Note, first_position: int = 0) -> tuple[ExportCard, ...]:
    return tuple(
        ExportCard(spec, SchedulingState(), position=first_position + i)
        for i, spec in enumerate(note.cards)
    )


def as_export(note: Note, root: Path, modified_at: datetime | None = None) -> ExportNote:
    stamp = modified_at or datetime(2026, 1, 5, 12, tzinfo=UTC)
    return ExportNote(note, new_cards(note), stamp, root)


def export(out: Path, notes: list[ExportNote], *, with_scheduling: bool = False, **kw: Any) -> Any:
    now = kw.pop("now", datetime.now(UTC))
    return export_apkg(
        out,
        notes,
        with_scheduling=with_scheduling,
        now=now,
        zone=engine_zone_now(),
        day_starts_at=ROLLOVER,
    )


def anki_note(col: Collection, our_id: str) -> Any:
    nid = col.db.scalar("select id from notes where guid = ?", note_guid(our_id))
    assert nid, f"note {our_id} was not imported"
    return col.get_note(nid)


MCQ_OPTIONS = (
    McqOption("Accuracy", False, "Dominated by the majority class."),
    McqOption("Recall of the fraud class", True, "Counts the frauds that were caught."),
    McqOption("PR AUC", True),
    McqOption("Mean squared error", False, "A regression metric."),
)


def sample_notes() -> list[Note]:
    return [
        make_note(
            "firehose",
            NoteKind.BASIC,
            "What does **Kinesis Data Firehose** do? Math: $e^{i\\pi}$",
            "Loads streams into S3; it costs $0.029 per GB and $5 per month.",
            tags=("aws/kinesis", "exam tips"),
            exam_domains=(("MLA-C01", "1"), ("MLS-C01", "1")),
        ),
        make_note("pca", NoteKind.BOTH, "PCA", "linear dimensionality reduction", deck="ML"),
        make_note(
            "reg",
            NoteKind.CLOZE,
            "{{c1::L1}} drives weights to zero; {{c2::L2}} shrinks them.",
            "See `sklearn.linear_model`.",
            clozes=2,
            deck="ML/Regularisation",
        ),
        make_note(
            "fraud",
            NoteKind.MCQ,
            "Which metric suits an imbalanced fraud dataset?",
            "Accuracy hides the minority class.",
            options=MCQ_OPTIONS,
            deck="ML",
            exam_domains=(("MLA-C01", "2"),),
        ),
    ]


# -- package layout -----------------------------------------------------------------------


def test_package_layout_is_legacy_schema_11(tmp_path: Path) -> None:
    out = tmp_path / "deck.apkg"
    export(out, [as_export(n, tmp_path) for n in sample_notes()])
    with zipfile.ZipFile(out) as archive:
        assert sorted(archive.namelist()) == ["collection.anki21", "media"]
        assert json.loads(archive.read("media")) == {}
        raw = archive.read("collection.anki21")
    assert raw.startswith(b"SQLite format 3\x00")  # plain SQLite, not zstd
    (tmp_path / "c.db").write_bytes(raw)
    db = sqlite3.connect(tmp_path / "c.db")
    ver, conf = db.execute("select ver, conf from col").fetchone()
    assert ver == 11
    conf = json.loads(conf)
    assert conf["schedVer"] == 2
    assert conf["rollover"] == ROLLOVER
    assert "creationOffset" in conf
    db.close()


def test_ids_are_stable_across_exports_and_in_the_past(tmp_path: Path) -> None:
    notes = sample_notes()

    def ids(out: Path, now: datetime) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
        export(out, [as_export(n, tmp_path) for n in notes], now=now)
        with zipfile.ZipFile(out) as archive:
            (tmp_path / f"{out.stem}.db").write_bytes(archive.read("collection.anki21"))
        db = sqlite3.connect(tmp_path / f"{out.stem}.db")
        rows = (
            db.execute("select id, guid from notes order by id").fetchall(),
            db.execute("select id, nid, ord from cards order by id").fetchall(),
        )
        db.close()
        return rows

    now = datetime.now(UTC)
    first = ids(tmp_path / "a.apkg", now)
    second = ids(tmp_path / "b.apkg", now + timedelta(days=40))
    assert first == second
    now_ms = int(now.timestamp() * 1000)
    assert all(row[0] < now_ms for rows in first for row in rows)
    assert len({guid for _, guid in first[0]}) == len(notes)


# -- content ------------------------------------------------------------------------------


def test_import_counts_decks_tags_and_fields(tmp_path: Path, anki: Collection) -> None:
    out = tmp_path / "deck.apkg"
    summary = export(out, [as_export(n, tmp_path) for n in sample_notes()])
    assert (summary.notes, summary.cards, summary.media, summary.reviews) == (4, 6, 0, 0)

    log = import_package(anki, out)
    assert len(log.new) == 4
    assert anki.note_count() == 4
    assert anki.card_count() == 6
    deck_names = {d.name for d in anki.decks.all_names_and_ids()}
    assert {"AWS ML", "AWS ML::Streaming", "ML", "ML::Regularisation"} <= deck_names
    assert set(anki.tags.all()) == {
        "aws::kinesis",
        "exam_tips",
        "domain::MLA-C01::1",
        "domain::MLS-C01::1",
        "domain::MLA-C01::2",
    }

    basic = anki_note(anki, "firehose")
    assert basic.note_type()["name"] == "srs Basic"
    assert "<strong>Kinesis Data Firehose</strong>" in basic["Front"]
    assert r"\(e^{i\pi}\)" in basic["Front"]
    assert "$0.029 per GB and $5" in basic["Back"]
    assert anki.decks.name(anki.get_card(basic.card_ids()[0]).did) == "AWS ML::Streaming"

    both = anki_note(anki, "pca")
    assert both.note_type()["name"] == "srs Basic (and reversed card)"
    cards = sorted((anki.get_card(c) for c in both.card_ids()), key=lambda c: c.ord)
    assert [c.ord for c in cards] == [0, 1]
    assert "linear dimensionality reduction" in cards[1].question()
    assert "PCA" not in cards[1].question().split("</style>")[-1]

    cloze = anki_note(anki, "reg")
    assert cloze.note_type()["name"] == "srs Cloze"
    assert "{{c1::L1}}" in cloze["Text"]
    assert "<code>sklearn.linear_model</code>" in cloze["Back Extra"]
    cloze_cards = sorted((anki.get_card(c) for c in cloze.card_ids()), key=lambda c: c.ord)
    assert [c.ord for c in cloze_cards] == [0, 1]
    assert "[...]" in cloze_cards[1].question() and "L1" in cloze_cards[1].question()

    mcq = anki_note(anki, "fraud")
    assert mcq.note_type()["name"] == "srs Multiple choice"
    assert list(mcq.keys()) == ["Stem", "Options", "Correct letters", "Explanation"]
    assert mcq["Correct letters"] == "B, C"
    assert "Select 2" in mcq["Options"]
    assert "Counts the frauds that were caught." in mcq["Options"]
    card = anki.get_card(mcq.card_ids()[0])
    answer = card.answer()
    assert "Answer: B, C" in answer
    assert '<div class="srs-answer">' in answer
    assert "Accuracy hides the minority class." in answer
    assert '<div class="srs-answer">' not in card.question()


def test_hostile_html_never_reaches_anki(tmp_path: Path, anki: Collection) -> None:
    hostile = make_note(
        "evil",
        NoteKind.BASIC,
        '<script>alert(1)</script><img src="https://example.com/x.png" onerror="alert(2)">'
        '<a href="javascript:alert(3)">click</a><iframe src="https://e.example"></iframe>',
        '[x](javascript:alert(4)) <object data="x"></object> <img src="data:image/png;base64,AA">'
        '<div onclick="alert(5)">hi</div>',
    )
    export(tmp_path / "evil.apkg", [as_export(hostile, tmp_path)])
    import_package(anki, tmp_path / "evil.apkg")
    stored = "\n".join(anki_note(anki, "evil").fields)
    for forbidden in (
        "<script",
        "onerror",
        "javascript:",
        "<iframe",
        "<object",
        "data:",
        "onclick",
    ):
        assert forbidden not in stored
    assert 'src="https://example.com/x.png"' in stored  # a remote image is kept as is
    assert "hi" in stored


# -- media --------------------------------------------------------------------------------


def test_media_copied_with_unique_names_and_nothing_missing(
    tmp_path: Path, anki: Collection
) -> None:
    root = tmp_path / "decks"
    (root / "img").mkdir(parents=True)
    (root / "img" / "dot.png").write_bytes(PNG)
    (root / "other dot.png").write_bytes(PNG + b"\x00")  # different bytes
    (root / "b").mkdir()
    (root / "b" / "dot.png").write_bytes(PNG + b"\x01")  # same basename, different file
    notes = [
        make_note("m1", NoteKind.BASIC, "![a dot](img/dot.png)", '<img src="other%20dot.png">'),
        make_note("m2", NoteKind.BASIC, "again ![](img/dot.png)", "![b](b/dot.png)"),
    ]
    summary = export(tmp_path / "m.apkg", [as_export(n, root) for n in notes])
    assert summary.media == 3

    import_package(anki, tmp_path / "m.apkg")
    media_dir = Path(anki.media.dir())
    names = sorted(p.name for p in media_dir.iterdir())
    assert len(names) == 3
    assert len({n.lower() for n in names}) == 3
    referenced = set()
    for our_id in ("m1", "m2"):
        for field in anki_note(anki, our_id).fields:
            referenced.update(anki.media.files_in_str(anki_note(anki, our_id).mid, field))
    assert referenced == set(names)
    check = anki.media.check()
    assert list(check.missing) == []
    assert list(check.unused) == []
    assert (media_dir / next(n for n in names if n.startswith("dot-"))).read_bytes() in {
        PNG,
        PNG + b"\x01",
    }


@pytest.mark.parametrize(
    ("reference", "message"),
    [
        ("../secret.png", "resolves outside the deck folder"),
        ("img/../../secret.png", "resolves outside the deck folder"),
        ("/etc/passwd", "is an absolute path"),
        ("link.png", "resolves outside the deck folder"),  # a symlink pointing out
        ("missing.png", "not found"),
    ],
)
def test_media_outside_the_deck_folder_is_refused(
    tmp_path: Path, reference: str, message: str
) -> None:
    root = tmp_path / "decks"
    root.mkdir()
    (tmp_path / "secret.png").write_bytes(PNG)
    os.symlink(tmp_path / "secret.png", root / "link.png")
    note = make_note("leak", NoteKind.BASIC, "front", f"![x]({reference})", line=17)
    out = tmp_path / "leak.apkg"
    with pytest.raises(ExportError) as caught:
        export(out, [as_export(note, root)])
    text = str(caught.value)
    assert text.startswith("decks/aws.md:17: image ")
    assert message in text
    assert not out.exists()
    assert list(tmp_path.glob("*.tmp")) == []


def test_file_urls_are_dropped_not_copied(tmp_path: Path) -> None:
    (tmp_path / "secret.png").write_bytes(PNG)
    note = make_note("url", NoteKind.BASIC, f"![x](file://{tmp_path}/secret.png)", "back")
    out = tmp_path / "url.apkg"
    assert export(out, [as_export(note, tmp_path / "decks")]).media == 0
    with zipfile.ZipFile(out) as archive:
        assert archive.namelist() == ["collection.anki21", "media"]
        (tmp_path / "c.db").write_bytes(archive.read("collection.anki21"))
    db = sqlite3.connect(tmp_path / "c.db")
    (fields,) = db.execute("select flds from notes").fetchone()
    db.close()
    assert "file:" not in fields and "secret" not in fields


def test_symlink_inside_the_folder_is_fine(tmp_path: Path) -> None:
    root = tmp_path / "decks"
    (root / "img").mkdir(parents=True)
    (root / "img" / "dot.png").write_bytes(PNG)
    os.symlink(root / "img" / "dot.png", root / "alias.png")
    note = make_note("ok", NoteKind.BASIC, "![x](alias.png)", "back")
    assert export(tmp_path / "ok.apkg", [as_export(note, root)]).media == 1


# -- updates ------------------------------------------------------------------------------


def test_reexport_after_edit_updates_in_place(tmp_path: Path, anki: Collection) -> None:
    notes = sample_notes()
    first = datetime(2026, 1, 5, 12, tzinfo=UTC)
    export(tmp_path / "v1.apkg", [as_export(n, tmp_path, first) for n in notes])
    import_package(anki, tmp_path / "v1.apkg")

    edited = make_note(
        "firehose",
        NoteKind.BASIC,
        "What does **Amazon Data Firehose** do?",
        "Delivers streams to S3, Redshift and OpenSearch.",
        tags=("aws/kinesis", "renamed"),
    )
    changed = [edited, *notes[1:]]
    later = first + timedelta(minutes=5)
    export(
        tmp_path / "v2.apkg",
        [as_export(n, tmp_path, later if n.id == "firehose" else first) for n in changed],
    )
    log = import_package(anki, tmp_path / "v2.apkg")
    assert len(log.new) == 0
    assert len(log.updated) == 1
    assert anki.note_count() == 4
    assert anki.card_count() == 6
    note = anki_note(anki, "firehose")
    assert "Amazon Data Firehose" in note["Front"]
    assert "OpenSearch" in note["Back"]
    assert "renamed" in note.tags

    # Exporting again without changes adds and updates nothing.
    log = import_package(anki, tmp_path / "v2.apkg")
    assert (len(log.new), len(log.updated)) == (0, 0)
    assert anki.note_count() == 4


# -- scheduling ---------------------------------------------------------------------------


def test_scheduling_and_review_log_survive(tmp_path: Path, anki: Collection) -> None:
    now = datetime.now(UTC)
    today = scheduler_date(now, engine_zone_now(), ROLLOVER)
    ago = now - timedelta(days=30)

    def review(days: float, grade: Grade, kind: ReviewKind, before: int, after: int, ease: int):
        at = (ago + timedelta(days=days)).replace(microsecond=0)
        return ExportReview(at, grade, kind, before, after, ease, 4321)

    states: dict[str, tuple[SchedulingState, bool, tuple[ExportReview, ...]]] = {
        "new": (SchedulingState(), False, ()),
        "learning": (
            SchedulingState(
                CardState.LEARNING, due_at=now + timedelta(minutes=10), reps=1, remaining_steps=1
            ),
            False,
            (review(29.99, Grade.GOOD, ReviewKind.LEARN, 0, -600, 0),),
        ),
        "daylearn": (
            SchedulingState(
                CardState.LEARNING, due_day=today + timedelta(days=1), reps=2, remaining_steps=1
            ),
            False,
            (),
        ),
        "review": (
            SchedulingState(
                CardState.REVIEW,
                due_day=today + timedelta(days=3),
                interval_days=10,
                ease=2300,
                reps=3,
            ),
            False,
            (
                review(0, Grade.GOOD, ReviewKind.LEARN, 0, -600, 0),
                review(0.01, Grade.GOOD, ReviewKind.LEARN, -600, 1, 0),
                review(1, Grade.HARD, ReviewKind.REVIEW, 1, 10, 2300),
            ),
        ),
        "overdue": (
            SchedulingState(
                CardState.REVIEW,
                due_day=today - timedelta(days=5),
                interval_days=4,
                ease=2500,
                reps=4,
            ),
            False,
            (review(2, Grade.EASY, ReviewKind.REVIEW, 1, 4, 2650),),
        ),
        "suspended": (
            SchedulingState(
                CardState.REVIEW,
                due_day=today + timedelta(days=15),
                interval_days=20,
                ease=2500,
                reps=5,
                lapses=1,
            ),
            True,
            (),
        ),
        "relearning": (
            SchedulingState(
                CardState.RELEARNING,
                due_at=now + timedelta(minutes=5),
                interval_days=4,
                ease=2300,
                reps=6,
                lapses=2,
                remaining_steps=1,
            ),
            False,
            (review(29, Grade.AGAIN, ReviewKind.REVIEW, 9, -600, 2300),),
        ),
    }
    items = []
    for position, (name, (state, suspended, reviews)) in enumerate(states.items()):
        note = make_note(name, NoteKind.BASIC, f"question {name}", "answer")
        card = ExportCard(note.cards[0], state, suspended, position + 7, reviews)
        items.append(ExportNote(note, (card,), now, tmp_path))
    summary = export(tmp_path / "s.apkg", items, with_scheduling=True, now=now)
    assert summary.reviews == 6
    import_package(anki, tmp_path / "s.apkg", with_scheduling=True)

    target_today = anki.sched.today
    for name, (state, suspended, _) in states.items():
        card = anki.get_card(anki_note(anki, name).card_ids()[0])
        expected_type = {
            CardState.NEW: 0,
            CardState.LEARNING: 1,
            CardState.REVIEW: 2,
            CardState.RELEARNING: 3,
        }[state.state]
        assert card.type == expected_type, name
        assert (card.ivl, card.factor, card.reps, card.lapses) == (
            state.interval_days,
            state.ease,
            state.reps,
            state.lapses,
        ), name
        assert card.left % 1000 == state.remaining_steps, name
        if suspended:
            assert card.queue == -1
        if state.due_day is not None:  # a day number: the same calendar day survives
            assert card.due - target_today == (state.due_day - today).days, name
        elif state.due_at is not None:  # intraday: an instant
            assert card.queue == 1
            assert card.due == int(state.due_at.timestamp()), name
        else:
            assert (card.queue, card.due) == (0, 7), name

    # Anki's own queue agrees on what is due today: only the overdue review card.
    due_cards = (anki.get_card(c) for c in anki.find_cards("is:due"))
    due_reviews = {card.note()["Front"] for card in due_cards if card.queue == 2}
    assert due_reviews == {"<p>question overdue</p>"}

    expected_rows = set()
    for name, (_, _, reviews) in states.items():
        cid = anki_note(anki, name).card_ids()[0]
        for r in reviews:
            expected_rows.add(
                (
                    int(r.reviewed_at.timestamp() * 1000),
                    cid,
                    int(r.grade),
                    r.interval_after,
                    r.interval_before,
                    r.ease_after,
                    r.duration_ms,
                    int(r.kind),
                )
            )
    rows = anki.db.all("select id, cid, ease, ivl, lastIvl, factor, time, type from revlog")
    assert {tuple(row) for row in rows} == expected_rows


def test_without_scheduling_everything_arrives_new(tmp_path: Path, anki: Collection) -> None:
    now = datetime.now(UTC)
    note = make_note("seen", NoteKind.BOTH, "front", "back")
    review_state = SchedulingState(
        CardState.REVIEW, due_day=date.today() + timedelta(days=3), interval_days=9, ease=2100
    )
    reviews = (ExportReview(now - timedelta(days=2), Grade.GOOD, ReviewKind.REVIEW, 3, 9, 2100, 1),)
    cards = tuple(
        ExportCard(spec, review_state, True, position=40 + i, reviews=reviews)
        for i, spec in enumerate(note.cards)
    )
    summary = export(tmp_path / "n.apkg", [ExportNote(note, cards, now, tmp_path)], now=now)
    assert summary.reviews == 0
    import_package(anki, tmp_path / "n.apkg", with_scheduling=True)
    got = sorted(
        (c.type, c.queue, c.due, c.ivl, c.reps)
        for c in (anki.get_card(i) for i in anki.find_cards(""))
    )
    assert got == [(0, 0, 40, 0, 0), (0, 0, 41, 0, 0)]
    assert anki.db.scalar("select count() from revlog") == 0


def test_parsed_deck_exports(tmp_path: Path, anki: Collection) -> None:
    parser = pytest.importorskip("srs.decks.markdown")
    text = (
        "---\ntags: [aws]\nexam_domains: {MLS-C01: 3}\n---\n# ML\n\n"
        "PCA ::: keeps directions of most variance\n\n"
        "C: {{c1::L1}} zeroes weights; {{c2::L2}} shrinks them.\n\n"
        "Q: Which metric suits imbalanced data?\n- [ ] Accuracy\n- [x] PR AUC\n"
        "Explanation: PR AUC focuses on the minority class.\n"
    )
    deck = parser.parse_text(text, display="ml.md", default_deck="ML")
    items = [as_export(n, tmp_path) for n in deck.notes]
    summary = export(tmp_path / "p.apkg", items)
    assert summary.cards == sum(len(n.cards) for n in deck.notes)
    import_package(anki, tmp_path / "p.apkg")
    assert anki.note_count() == len(deck.notes)
    assert anki.card_count() == summary.cards
    assert "domain::MLS-C01::3" in anki.tags.all()
    assert stable_id("note", deck.notes[0].id) in set(anki.find_notes(""))


def test_shipped_decks_export_and_import(tmp_path: Path, anki: Collection) -> None:
    from srs.decks.reader import read_decks

    shipped = Path(__file__).resolve().parent.parent / "decks"
    parsed = read_decks([shipped])
    assert parsed.warnings == []
    items = [
        as_export(note, Path(parsed.abs_paths[deck.path]).parent)
        for deck in parsed.decks
        for note in deck.notes
    ]
    summary = export(tmp_path / "shipped.apkg", items)
    log = import_package(anki, tmp_path / "shipped.apkg")
    assert len(log.new) == summary.notes == len(items)
    assert anki.card_count() == summary.cards
    check = anki.media.check()
    assert list(check.missing) == [] and list(check.unused) == []
    for item in items:
        note = anki_note(anki, item.note.id)
        assert len(note.card_ids()) == len(item.note.cards)
        if item.note.kind is NoteKind.MCQ:
            assert note["Correct letters"], item.note.location
        if item.note.exam_domains:
            assert any(tag.startswith("domain::") for tag in note.tags)


def test_fsrs_memory_reaches_anki_with_the_schedule(tmp_path: Path, anki: Collection) -> None:
    # srs keeps FSRS memory for every card (any scheduler); Anki keeps it in the card's data,
    # so a user who turns FSRS on in Anki continues from it instead of starting over.
    from srs.collection import Collection as SrsCollection
    from srs.model import Grade

    deck = tmp_path / "d.md"
    deck.write_text("Q: One?\nA: 1\n\nQ: Two?\nA: 2\n", encoding="utf-8")
    now = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
    with SrsCollection.open(tmp_path / "c.db") as col:
        col.import_paths([deck], now)
        answered = next(iter(col.cards()))
        col.answer(answered.id, Grade.GOOD, now)
        col.answer(answered.id, Grade.EASY, now + timedelta(minutes=15))
        memory = col.card(answered.id).scheduling.memory
        assert memory is not None
        col.export_anki(tmp_path / "m.apkg", now + timedelta(hours=1), with_scheduling=True)
    import_package(anki, tmp_path / "m.apkg")
    states = {}
    for cid in anki.find_cards(""):
        card = anki.get_card(cid)
        states[card.type] = card
    assert states[0].memory_state is None  # the card never answered has no memory
    kept = states[2].memory_state
    assert kept is not None
    # Anki keeps four decimals.
    assert kept.stability == pytest.approx(memory.stability, abs=1e-4)
    assert kept.difficulty == pytest.approx(memory.difficulty, abs=1e-4)
    assert states[2].last_review_time == int(memory.last_review.timestamp())


# -- through the command ----------------------------------------------------------------------


def srs_cli(tmp_path: Path, *args: str) -> Any:
    from typer.testing import CliRunner

    from srs.cli.app import app

    db = tmp_path / "srs.db"
    return CliRunner().invoke(app, ["--db", str(db), "--now", "2026-03-02T10:00:00Z", *args])


def test_export_matching_nothing_is_refused(tmp_path: Path) -> None:
    """Issue 18 item 7: no note matches -> exit 1, one line, no file written (an old one kept)."""
    decks = tmp_path / "decks"
    decks.mkdir()
    (decks / "d.md").write_text("# D\n\nQ: front\nA: back\n", encoding="utf-8")
    assert srs_cli(tmp_path, "import", str(decks)).exit_code == 0
    out = tmp_path / "out.apkg"
    result = srs_cli(tmp_path, "export", "anki", str(out), "--tag", "nope")
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"Error: no note matches --tag nope; nothing written to {out}"
    ]
    assert not out.exists() and list(tmp_path.glob("*.tmp")) == []
    out.write_bytes(b"an older package")
    assert srs_cli(tmp_path, "export", "anki", str(out), "--tag", "nope").exit_code == 1
    assert out.read_bytes() == b"an older package"
    empty = tmp_path / "empty"
    result = export_from_empty(empty)
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"Error: the collection has no notes (import a deck first); nothing written to "
        f"{empty / 'x.apkg'}"
    ]


def export_from_empty(folder: Path) -> Any:
    folder.mkdir()
    return srs_cli(folder, "export", "anki", str(folder / "x.apkg"))


def test_fenced_code_is_highlighted_in_anki(tmp_path: Path, anki: Collection) -> None:
    """Issue 18: code highlighted in the export too: Pygments token classes on spans (kept by the
    sanitiser) and their colours in the note type's CSS, as Anki shows the card."""
    back = 'Use:\n\n```python\ndef f(x):\n    return "a" < x\n```\n'
    note = make_note("code", NoteKind.BASIC, "How to compare?", back)
    export(tmp_path / "c.apkg", [as_export(note, tmp_path)])
    import_package(anki, tmp_path / "c.apkg")
    card = anki.get_card(anki.find_cards("")[0])
    shown = card.answer()
    assert '<div class="srs-code">' in shown
    assert '<span class="k">def</span>' in shown
    assert '<span class="s2">&quot;a&quot;</span>' in shown or 'class="s2"' in shown
    assert "&lt;" in shown  # the code stays escaped
    css = card.note_type()["css"]
    assert ".srs-code .k {" in css and ".nightMode .srs-code .k {" in css


def test_sound_files_are_packaged_and_reach_anki_media(tmp_path: Path, anki: Collection) -> None:
    """Issue 18: `[sound:..]` references carry their file into the package (inside the deck folder
    only), renamed like images, and Anki's media then has it."""
    root = tmp_path / "decks"
    (root / "audio").mkdir(parents=True)
    clip = b"ID3\x03\x00fake mp3 bytes"
    (root / "audio" / "hello world.mp3").write_bytes(clip)
    note = make_note(
        "snd",
        NoteKind.BASIC,
        "Say it [sound:audio/hello world.mp3]",
        "[sound:audio/hello world.mp3]",
    )
    summary = export(tmp_path / "s.apkg", [as_export(note, root)])
    assert summary.media == 1
    import_package(anki, tmp_path / "s.apkg")
    media_dir = Path(anki.media.dir())
    names = [p.name for p in media_dir.iterdir()]
    assert len(names) == 1 and names[0].startswith("hello_world-") and names[0].endswith(".mp3")
    assert (media_dir / names[0]).read_bytes() == clip
    fields = anki_note(anki, "snd").fields
    assert all(f"[sound:{names[0]}]" in field for field in fields)
    assert "audio/" not in " ".join(fields)
    check = anki.media.check()
    assert list(check.missing) == [] and list(check.unused) == []


@pytest.mark.parametrize(
    ("reference", "message"),
    [("../secret.mp3", "resolves outside the deck folder"), ("gone.mp3", "not found")],
)
def test_sound_outside_the_deck_folder_is_refused(
    tmp_path: Path, reference: str, message: str
) -> None:
    root = tmp_path / "decks"
    root.mkdir()
    (tmp_path / "secret.mp3").write_bytes(b"private")
    note = make_note("leak", NoteKind.BASIC, "front", f"[sound:{reference}]", line=9)
    out = tmp_path / "leak.apkg"
    with pytest.raises(ExportError) as caught:
        export(out, [as_export(note, root)])
    assert str(caught.value).startswith(f"decks/aws.md:9: sound {reference!r} ")
    assert message in str(caught.value)
    assert not out.exists()
