"""Write an Anki package (`.apkg`) in the legacy layout every Anki client reads.

The package is a zip holding `collection.anki21` (an uncompressed SQLite collection in schema
11, with `"schedVer": 2` in its config), a JSON `media` map and numbered media files. Anki's
zstd `collection.anki21b` layout and the "please update" dummy collection are deliberately not
written: older desktop importers and AnkiDroid's legacy importer cannot read the first, and the
second only confuses tools.

What Anki keeps on import decides the rules here (see /work/shared/reference/anki-package.md):

* notes are matched by GUID, so the GUID is derived from srs's stable note id, never from the
  text; a re-import updates a note only when the package's `notes.mod` is newer;
* note, card and revlog ids more than a day in the future are rewritten to "now", so ids are
  hashed into a fixed range of past millisecond timestamps (stable across exports);
* review and day-learning `due` values are day numbers counted from `col.crt`, and Anki
  re-bases them on import from the package's own "today"; so `crt` is the start of the
  current scheduler day and `rollover`/`creationOffset` describe the same day boundary;
* intraday learning `due` values are epoch seconds and new cards' `due` is their position.

Rows are written while the notes are iterated, in `executemany` batches, so memory does not
grow with the collection (apart from one set of used ids, needed to keep ids unique).
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import os
import re
import sqlite3
import tempfile
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import field, replace
from datetime import UTC, date, datetime, tzinfo
from functools import lru_cache
from pathlib import Path
from typing import Any

from srs.anki.media import SOUND_RE, MediaResolver
from srs.anki.notetypes import MCQ, NoteType, for_kind, models_json
from srs.dates import day_start, scheduler_date, to_ms
from srs.errors import ExportError, NothingToExport
from srs.model import (
    OPTION_LETTERS,
    CardSpec,
    CardState,
    Grade,
    Note,
    NoteKind,
    ReviewKind,
    SchedulingState,
    value_class,
)
from srs.render import Rendered, render_markdown, rewrite_image_sources

__all__ = [
    "PRESET_PREFIX",
    "ExportCard",
    "ExportNote",
    "ExportReview",
    "ExportSummary",
    "FsrsPreset",
    "anki_deck_name",
    "anki_tags",
    "card_data",
    "export_apkg",
    "id_for_guid",
    "note_guid",
    "schedule_columns",
    "stable_id",
]

COLLECTION_MEMBER = "collection.anki21"
_BATCH = 1000

# Ids are "creation time in ms" to Anki. Hashing into [2017-07-14, 2023-11-14) keeps them
# stable across exports and always in the past, whatever the export time.
_ID_BASE = 1_500_000_000_000
_ID_SPAN = 200_000_000_000

_TAG_RE = re.compile(r"<[^>]*>")
_SPACE_RE = re.compile(r"\s+")
_DOMAIN_PUNCT = re.compile(r"[^\w&+.-]+")
_LETTERS = OPTION_LETTERS.upper()
# Front-matter key `srs convert` writes: srs kind -> the Anki note type id its notes came from.
ANKI_NOTETYPES = "anki_notetypes"


@value_class
class ExportReview:
    """One answer from srs's review log, as Anki's `revlog` row needs it.

    Intervals are days when positive and learning delays in seconds when negative (Anki's
    encoding); `ease_after` is in permille and 0 for learning rows.
    """

    reviewed_at: datetime
    grade: Grade
    kind: ReviewKind
    interval_before: int
    interval_after: int
    ease_after: int
    duration_ms: int


@value_class
class ExportCard:
    """One card of a note with its scheduling state."""

    spec: CardSpec
    state: SchedulingState
    suspended: bool = False
    position: int = 0  # new-card order
    reviews: tuple[ExportReview, ...] = ()


@value_class
class ExportNote:
    """A note to export with its cards; `media_root` is the folder its images must live in."""

    note: Note
    cards: tuple[ExportCard, ...]
    modified_at: datetime  # last content change; must increase when the text changes
    media_root: Path
    # HTML already rendered for this note's texts (text -> Rendered); others are rendered here.
    rendered: Mapping[str, Rendered] = field(default_factory=dict)


PRESET_PREFIX = "srs FSRS"  # the name of every Anki preset srs makes (export and sync)


@value_class
class FsrsPreset:
    """A deck's FSRS settings for its Anki preset: the learner's fitted parameters (21 FSRS-6
    weights, `fsrsParams6`) and the desired retention, so FSRS in Anki continues with srs's
    model."""

    parameters: tuple[float, ...]
    desired_retention: float


@value_class
class ExportSummary:
    """What went into the package."""

    notes: int
    cards: int
    media: int
    reviews: int


def _rendered(text: str, item: ExportNote) -> Rendered:
    """The note's pre-rendered HTML for `text` if the caller had it, else rendered now."""
    found = item.rendered.get(text)
    return found if found is not None else render_markdown(text)


def export_apkg(
    out: Path,
    notes: Iterable[ExportNote],
    *,
    with_scheduling: bool,
    now: datetime,
    zone: tzinfo,
    day_starts_at: int,
    fsrs_presets: Mapping[str, FsrsPreset] | None = None,
) -> ExportSummary:
    """Write `notes` to the `.apkg` file `out` (replaced atomically) and count what went in.

    Without scheduling every card is new (in `position` order) and no review log is written.
    A deck named in `fsrs_presets` (srs deck name -> its fitted FSRS settings; the export
    passes them with scheduling, `srs sync` always) gets an Anki preset of its own carrying
    them (one per distinct settings, new to Anki, so the importer adds it); other decks keep
    Anki's "Default" preset.
    Raises `ExportError` for a bad media reference (`path:line: message`), a card that does
    not fit its note type, or an unwritable output; `NothingToExport` when `notes` is empty
    (an empty package imports as nothing and hides a typo in a filter). `out` is then untouched.
    """
    out = Path(out)
    tmp_out: Path | None = None
    try:
        with tempfile.TemporaryDirectory(prefix="srs-apkg-") as workdir:
            db_path = Path(workdir) / COLLECTION_MEMBER
            # The zip is built next to `out` so that the final rename is atomic.
            fd, tmp_name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
            tmp_out = Path(tmp_name)
            with os.fdopen(fd, "wb") as raw, zipfile.ZipFile(raw, "w") as archive:
                writer = _Writer(db_path, archive, now, zone, day_starts_at)
                if fsrs_presets:
                    writer.fsrs_presets = dict(fsrs_presets)
                try:
                    for item in notes:
                        writer.add(item, with_scheduling)
                    if not writer.notes:
                        raise NothingToExport(f"nothing to export; nothing written to {out}")
                    writer.finish()
                finally:
                    writer.close()
                archive.write(
                    db_path, COLLECTION_MEMBER, compress_type=zipfile.ZIP_DEFLATED, compresslevel=1
                )
                archive.writestr("media", json.dumps(writer.media_map))
            os.replace(tmp_out, out)
            tmp_out = None
    except OSError as exc:
        raise ExportError(f"cannot write {out}: {exc.strerror or exc}") from None
    finally:
        if tmp_out is not None:
            tmp_out.unlink(missing_ok=True)
    return writer.summary()


def stable_id(namespace: str, key: str) -> int:
    """A millisecond-timestamp-shaped id for `key`, the same in every export."""
    digest = hashlib.blake2b(f"{namespace}:{key}".encode(), digest_size=8).digest()
    return _ID_BASE + int.from_bytes(digest, "big") % _ID_SPAN


_GUID_PLAIN = re.compile(r"[A-Za-z0-9_]{1,90}")
# Prefixes no hand-written id is likely to have: a note with such an id keeps that GUID.
_GUID_PLAIN_ID = "anki.g-"  # + the GUID itself, when it is letters, digits and `_`
_GUID_HEX_ID = "anki.x-"  # + the GUID's UTF-8 bytes in hex, for any other GUID
_GUID_HEX_RE = re.compile(r"anki\.x-((?:[0-9a-f]{2}){1,46})")


def id_for_guid(guid: str) -> str | None:
    """The explicit srs note id that keeps an Anki note's GUID (`srs convert`), or None
    when the GUID is too long to fit an id. `note_guid` gives the GUID back, so exporting a
    converted note into the Anki profile it came from updates that note."""
    if _GUID_PLAIN.fullmatch(guid):
        return _GUID_PLAIN_ID + guid
    encoded = guid.encode().hex()
    return _GUID_HEX_ID + encoded if len(encoded) <= 92 else None


def note_guid(note_id: str) -> str:
    """Anki GUID for an srs note id: 72 bits of a hash of the id, never of the content; a
    note converted from Anki (`id_for_guid`) gets its original GUID back.

    Changing this function would turn every re-import into duplicates: do not.
    """
    plain = note_id[len(_GUID_PLAIN_ID) :]
    if note_id.startswith(_GUID_PLAIN_ID) and _GUID_PLAIN.fullmatch(plain):
        return plain
    hexed = _GUID_HEX_RE.fullmatch(note_id)
    if hexed is not None:
        try:
            return bytes.fromhex(hexed.group(1)).decode()
        except UnicodeDecodeError:
            pass
    digest = hashlib.sha256(f"srs-note:{note_id}".encode()).digest()[:9]
    return base64.urlsafe_b64encode(digest).decode()


def anki_deck_name(deck: str) -> str:
    """srs's `/` hierarchy as Anki's `::` hierarchy (empty levels dropped)."""
    parts = [part.strip() for part in deck.split("/") if part.strip()]
    return "::".join(parts) or "Default"


def anki_tags(note: Note) -> list[str]:
    """The note's Anki tags: `/` becomes `::`, spaces `_`; each exam domain becomes a tag."""
    return list(_anki_tags(note.tags, note.exam_domains))


@lru_cache(maxsize=4096)
def _anki_tags(
    note_tags: tuple[str, ...], exam_domains: tuple[tuple[str, str], ...]
) -> tuple[str, ...]:
    # Cached: most notes of a deck share their tags and domains.
    tags: list[str] = []
    for tag in note_tags:
        cleaned = _tag(tag.replace("/", "::"))
        if cleaned:
            tags.append(cleaned)
    for exam, domain_id in exam_domains:
        # (MLA-C01, 2) -> "domain::MLA-C01::2", so Anki can filter a study set per domain.
        exam_tag, domain = _tag(exam), _tag(_DOMAIN_PUNCT.sub(" ", domain_id))
        if exam_tag and domain:
            tags.append(f"domain::{exam_tag}::{domain}")
    return tuple(dict.fromkeys(tags))


def _card_data(state: SchedulingState) -> str:
    """The card's `data` JSON: its FSRS memory, where Anki keeps it (`s`, `d`, and `lrt`, the
    last answer in epoch seconds), so FSRS in Anki continues from srs's memory. Desired
    retention is left to the Anki preset."""
    memory = state.memory
    if memory is None:
        return "{}"
    return json.dumps(
        {
            "s": memory.stability,
            "d": memory.difficulty,
            "lrt": int(memory.last_review.timestamp()),
        },
        separators=(",", ":"),
    )


def schedule_columns(
    s: SchedulingState,
    *,
    position: int,
    suspended: bool,
    now: datetime,
    today: date,
    zone: tzinfo,
    rollover: int,
    anki_today: int = 0,
) -> tuple[int, ...]:
    """Anki's `type, queue, due, ivl, factor, reps, lapses, left` for a card's state.

    Day numbers count from the collection's `crt`: `anki_today` is the number of `today` in
    the collection written to (0 in a package, whose `crt` is the start of today; `srs sync`
    gives the mirror's `col.sched.today`).
    """

    def day_index(day: date) -> int:
        return anki_today + (day - today).days

    if s.state is CardState.NEW:
        ctype, queue, due = 0, 0, position
    elif s.state in (CardState.LEARNING, CardState.RELEARNING):
        ctype = 1 if s.state is CardState.LEARNING else 3
        if s.due_at is not None:
            due_day = scheduler_date(s.due_at, zone, rollover)
            if due_day > today:
                # Anki keeps a step that crosses the day boundary as a day number.
                queue, due = 3, day_index(due_day)
            else:
                queue, due = 1, int(s.due_at.timestamp())
        elif s.due_day is not None:
            queue, due = 3, day_index(s.due_day)
        else:
            queue, due = 1, int(now.timestamp())
    else:
        ctype, queue = 2, 2
        due = day_index(s.due_day or today)
    if suspended:
        queue = -1
    return (ctype, queue, due, s.interval_days, s.ease, s.reps, s.lapses, s.remaining_steps)


def card_data(state: SchedulingState) -> str:
    """The card's `data` JSON (FSRS memory), as a package and the sync mirror write it."""
    return _card_data(state)


def _tag(text: str) -> str:
    text = _SPACE_RE.sub("_", text.strip()).replace('"', "")
    text = re.sub(r":{3,}", "::", text)
    return text.strip(":")


class _Writer:
    """Streams notes into the SQLite collection and media into the zip."""

    def __init__(
        self, db_path: Path, archive: zipfile.ZipFile, now: datetime, zone: tzinfo, rollover: int
    ) -> None:
        self.archive = archive
        self.now = now.astimezone(UTC)
        self.today: date = scheduler_date(self.now, zone, rollover)
        crt_instant = day_start(self.today, zone, rollover)
        self.crt = int(crt_instant.timestamp())
        offset = crt_instant.astimezone(zone).utcoffset()
        # Anki keeps the creation offset in minutes *west* of UTC.
        self.creation_offset = -int(offset.total_seconds() // 60) if offset else 0
        self.rollover = rollover
        self.zone = zone
        self.db = sqlite3.connect(db_path, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=OFF")
        self.db.execute("PRAGMA synchronous=OFF")
        self.db.execute("BEGIN")
        for statement in _SCHEMA.split(";"):
            if statement.strip():
                self.db.execute(statement)
        self.media = MediaResolver()
        self.media_map: dict[str, str] = {}
        self.used_ids: set[int] = set()
        self.used_revlog_ids: set[int] = set()
        self.decks: dict[str, int] = {}  # Anki deck name -> id
        self.deck_ids: dict[str, int] = {}  # srs deck name -> id
        self.fsrs_presets: dict[str, FsrsPreset] = {}  # srs deck name -> its FSRS settings
        self.deck_conf: dict[int, int] = {}  # deck id -> preset id (absent: Default)
        self.dconf: dict[str, dict[str, object]] = {"1": _DEFAULT_DCONF}
        self.note_rows: list[tuple[Any, ...]] = []
        self.card_rows: list[tuple[Any, ...]] = []
        self.revlog_rows: list[tuple[Any, ...]] = []
        self.notes = self.cards = self.reviews = 0
        self.mod = int(self.now.timestamp())
        self.next_pos = 0
        self.borrowed: dict[int, NoteType] = {}  # Anki note type id -> srs's, under that id

    # -- rows ---------------------------------------------------------------------------

    def _notetype(self, note: Note) -> NoteType:
        """srs's note type for the note's kind, under the id of the Anki note type a converted
        note came from (`anki_notetypes` in its deck's front matter, written by `srs convert`
        only for note types named field for field and template for template as srs's), so
        Anki updates the original note instead of reporting a conflict."""
        notetype = for_kind(note.kind)
        origins = note.extra.get(ANKI_NOTETYPES)
        if not isinstance(origins, dict) or not note.id.startswith((_GUID_PLAIN_ID, _GUID_HEX_ID)):
            return notetype
        origin = origins.get(note.kind.value)
        if not isinstance(origin, int) or isinstance(origin, bool) or origin <= 0:
            return notetype
        borrowed = self.borrowed.get(origin)
        if borrowed is None:
            borrowed = self.borrowed[origin] = replace(notetype, id=origin)
        return borrowed if borrowed.fields == notetype.fields else notetype

    def add(self, item: ExportNote, with_scheduling: bool) -> None:
        note = item.note
        notetype = self._notetype(note)
        fields = self._fields(item, notetype)
        nid = self._unique(stable_id("note", note.id))
        sort_text = _TAG_RE.sub("", fields[0])
        if "&" in sort_text:
            sort_text = html.unescape(sort_text)
        sort_text = sort_text.strip()
        csum = int(hashlib.sha1(sort_text.encode()).hexdigest()[:8], 16)
        tags = _anki_tags(note.tags, note.exam_domains)
        self.note_rows.append(
            (
                nid,
                note_guid(note.id),
                notetype.id,
                int(item.modified_at.timestamp()),
                -1,
                f" {' '.join(tags)} " if tags else "",
                "\x1f".join(fields),
                sort_text,
                csum,
                0,
                "",
            )
        )
        self.notes += 1
        did = self.deck_ids.get(note.deck)
        if did is None:
            did = self.deck_ids[note.deck] = self._deck(anki_deck_name(note.deck))
            preset = self.fsrs_presets.get(note.deck)
            if preset is not None:
                self.deck_conf[did] = self._preset(preset)
        card_rows = self.card_rows
        for card in item.cards:
            spec = card.spec
            self._check_ordinal(note, notetype, spec)
            cid = self._unique(stable_id("card", spec.id))
            data = "{}"
            if with_scheduling:
                columns = self._schedule(card)
                data = _card_data(card.state)
            else:
                columns = (0, 0, card.position, 0, 0, 0, 0, 0)
            if card.position >= self.next_pos:
                self.next_pos = card.position + 1
            card_rows.append((cid, nid, did, spec.ordinal, self.mod, -1, *columns, 0, 0, 0, data))
            if with_scheduling and card.reviews:
                self._add_reviews(cid, card.reviews)
        self.cards += len(item.cards)
        if len(card_rows) >= _BATCH or len(self.revlog_rows) >= _BATCH:
            self._flush()

    def _unique(self, wanted: int) -> int:
        # Probing keeps ids unique in the package; a collision only moves the later item by 1 ms.
        candidate = wanted
        while candidate in self.used_ids:
            candidate = _ID_BASE + (candidate - _ID_BASE + 1) % _ID_SPAN
        self.used_ids.add(candidate)
        return candidate

    def _check_ordinal(self, note: Note, notetype: NoteType, spec: CardSpec) -> None:
        limit = 10_000 if notetype.cloze else len(notetype.templates)
        if not 0 <= spec.ordinal < limit:
            raise ExportError(
                f"{note.location}: card {spec.id} has template ordinal {spec.ordinal}, "
                f"which note type {notetype.name!r} does not have"
            )

    def _schedule(self, card: ExportCard) -> tuple[int, ...]:
        """`type, queue, due, ivl, factor, reps, lapses, left` for a card's state."""
        return schedule_columns(
            card.state,
            position=card.position,
            suspended=card.suspended,
            now=self.now,
            today=self.today,
            zone=self.zone,
            rollover=self.rollover,
        )

    def _add_reviews(self, cid: int, reviews: tuple[ExportReview, ...]) -> None:
        used = self.used_revlog_ids
        rows = self.revlog_rows
        for review in reviews:
            # The id is the answer time in ms (Anki shows it as such); bump on a clash.
            rid = int(review.reviewed_at.timestamp() * 1000)
            while rid in used:
                rid += 1
            used.add(rid)
            rows.append(
                (
                    rid,
                    cid,
                    -1,
                    int(review.grade),
                    review.interval_after,
                    review.interval_before,
                    review.ease_after,
                    max(0, review.duration_ms),
                    int(review.kind),
                )
            )
        self.reviews += len(reviews)

    def _preset(self, preset: FsrsPreset) -> int:
        """The id of an Anki preset carrying `preset` (Default's other settings), added once.

        Its id hashes the settings, so re-exporting the same parameters names the same preset;
        `mod` is the export time, so Anki takes it on import.
        """
        key = json.dumps([preset.parameters, preset.desired_retention])
        conf_id = stable_id("fsrs-preset", key)
        if str(conf_id) not in self.dconf:
            self.dconf[str(conf_id)] = _DEFAULT_DCONF | {
                "id": conf_id,
                "mod": self.mod,
                "name": f"{PRESET_PREFIX} {conf_id % 10_000:04d}",
                "fsrsParams6": list(preset.parameters),
                "desiredRetention": preset.desired_retention,
            }
        return conf_id

    def _deck(self, name: str) -> int:
        did = self.decks.get(name)
        if did is None:
            if name == "Default":
                did = 1
            else:
                did = stable_id("deck", name)
                while did in self.decks.values():
                    did += 1
            self.decks[name] = did
            parent, sep, _ = name.rpartition("::")
            if sep:
                self._deck(parent)
        return did

    # -- fields -------------------------------------------------------------------------

    def _fields(self, item: ExportNote, notetype: NoteType) -> list[str]:
        note = item.note

        def field(text: str) -> str:
            return self._html(_rendered(text, item), item)

        if note.kind is NoteKind.MCQ:
            assert notetype is MCQ
            return [field(note.front), self._options(item), self._key(note), field(note.back)]
        return [field(note.front), field(note.back)]

    def _html(self, rendered: Rendered, item: ExportNote) -> str:
        text = rendered.html
        if rendered.images:
            mapping: dict[str, str] = {}
            for src in rendered.images:
                name = self._media(src, item, "image")
                if name != src:
                    mapping[src] = name
            if mapping:
                text = rewrite_image_sources(text, mapping)
        if "[sound:" in text:
            text = self._sounds(text, item)
        return text.replace("\x1f", "")

    def _media(self, src: str, item: ExportNote, kind: str) -> str:
        """The package name of a referenced file, which goes into the zip the first time."""
        name, new_file = self.media.resolve(src, item.note, item.media_root, kind)
        if new_file is not None:
            index = str(len(self.media_map))
            self.archive.write(new_file.source, index)
            self.media_map[index] = new_file.name
        return name

    def _sounds(self, text: str, item: ExportNote) -> str:
        """`[sound:path]` (Anki's audio tag, kept as text by Markdown) -> `[sound:package name]`,
        its file packaged under the same rules as images (inside the deck folder only)."""

        def swap(match: re.Match[str]) -> str:
            name = self._media(html.unescape(match.group(1)), item, "sound")
            return f"[sound:{html.escape(name, quote=False)}]"

        return SOUND_RE.sub(swap, text)

    def _options(self, item: ExportNote) -> str:
        note = item.note
        correct = sum(1 for option in note.options if option.correct)
        parts = []
        if correct > 1:
            parts.append(f'<div class="srs-select">Select {correct}.</div>')
        parts.append('<ol class="srs-options">')
        for index, option in enumerate(note.options):
            state, mark = ("srs-correct", "✓") if option.correct else ("srs-wrong", "✗")
            body = self._html(_rendered(option.text, item), item)
            rationale = self._html(_rendered(option.rationale, item), item)
            if rationale:
                body += f'<div class="srs-rationale">{rationale}</div>'
            parts.append(
                f'<li class="srs-option {state}"><span class="srs-letter">{_letter(index)}.'
                f'</span><div class="srs-option-body">{body}</div>'
                f'<span class="srs-mark">{mark}</span></li>'
            )
        parts.append("</ol>")
        return "".join(parts)

    @staticmethod
    def _key(note: Note) -> str:
        return ", ".join(_letter(i) for i, option in enumerate(note.options) if option.correct)

    # -- finishing ----------------------------------------------------------------------

    def _flush(self) -> None:
        if self.note_rows:
            self.db.executemany("INSERT INTO notes VALUES (?,?,?,?,?,?,?,?,?,?,?)", self.note_rows)
            self.note_rows.clear()
        if self.card_rows:
            self.db.executemany(
                "INSERT INTO cards VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", self.card_rows
            )
            self.card_rows.clear()
        if self.revlog_rows:
            self.db.executemany("INSERT INTO revlog VALUES (?,?,?,?,?,?,?,?,?)", self.revlog_rows)
            self.revlog_rows.clear()

    def _models(self) -> dict[str, dict[str, object]]:
        """srs's note types, and those borrowed under Anki ids with `mod` 0: never newer than
        the user's own, so Anki keeps its templates and only updates the notes."""
        models = models_json()
        for origin, notetype in self.borrowed.items():
            models[str(origin)] = notetype.to_schema11() | {"mod": 0}
        return models

    def finish(self) -> None:
        """Write the remaining rows, the `col` row and the indexes; commit."""
        self._flush()
        now_ms = to_ms(self.now)
        conf = {
            "schedVer": 2,
            "sched2021": True,
            "rollover": self.rollover,
            "creationOffset": self.creation_offset,
            "nextPos": self.next_pos,
            "curDeck": 1,
            "activeDecks": [1],
            "curModel": for_kind(NoteKind.BASIC).id,
            "addToCur": True,
            "sortType": "noteFld",
            "sortBackwards": False,
            "timeLim": 0,
            "estTimes": True,
            "dueCounts": True,
            "newSpread": 0,
            "dayLearnFirst": False,
            "collapseTime": 1200,
        }
        decks = {"1": _deck_json(1, "Default", 0)}
        mod = int(self.now.timestamp())
        for name, did in self.decks.items():
            decks[str(did)] = _deck_json(did, name, mod) | {"conf": self.deck_conf.get(did, 1)}
        self.db.execute(
            "INSERT INTO col VALUES (1,?,?,?,11,0,0,0,?,?,?,?,?)",
            (
                self.crt,
                now_ms,
                now_ms,
                json.dumps(conf),
                json.dumps(self._models()),
                json.dumps(decks),
                json.dumps(self.dconf),
                "{}",
            ),
        )
        for statement in _INDEXES.split(";"):
            if statement.strip():
                self.db.execute(statement)
        self.db.execute("COMMIT")

    def close(self) -> None:
        self.db.close()

    def summary(self) -> ExportSummary:
        return ExportSummary(
            notes=self.notes, cards=self.cards, media=len(self.media_map), reviews=self.reviews
        )


def _letter(index: int) -> str:
    return _LETTERS[index] if index < len(_LETTERS) else str(index + 1)


def _deck_json(did: int, name: str, mod: int) -> dict[str, object]:
    return {
        "id": did,
        "mod": mod,
        "name": name,
        "usn": -1,
        "lrnToday": [0, 0],
        "revToday": [0, 0],
        "newToday": [0, 0],
        "timeToday": [0, 0],
        "collapsed": False,
        "browserCollapsed": False,
        "desc": "",
        "dyn": 0,
        # Preset 1 ("Default") exists in every collection; the importer never replaces an
        # existing preset, so the user's own settings stay.
        "conf": 1,
        "extendNew": 0,
        "extendRev": 0,
    }


# Anki's stock "Default" preset (mod 0, so it never looks newer than the user's).
_DEFAULT_DCONF: dict[str, object] = {
    "id": 1,
    "mod": 0,
    "name": "Default",
    "usn": 0,
    "maxTaken": 60,
    "autoplay": True,
    "timer": 0,
    "replayq": True,
    "new": {
        "bury": False,
        "delays": [1.0, 10.0],
        "initialFactor": 2500,
        "ints": [1, 4, 0],
        "order": 1,
        "perDay": 20,
    },
    "rev": {
        "bury": False,
        "ease4": 1.3,
        "ivlFct": 1.0,
        "maxIvl": 36500,
        "perDay": 200,
        "hardFactor": 1.2,
    },
    "lapse": {"delays": [10.0], "leechAction": 1, "leechFails": 8, "minInt": 1, "mult": 0.0},
    "dyn": False,
}

_SCHEMA = """
CREATE TABLE col (
  id integer PRIMARY KEY, crt integer NOT NULL, mod integer NOT NULL, scm integer NOT NULL,
  ver integer NOT NULL, dty integer NOT NULL, usn integer NOT NULL, ls integer NOT NULL,
  conf text NOT NULL, models text NOT NULL, decks text NOT NULL, dconf text NOT NULL,
  tags text NOT NULL
);
CREATE TABLE notes (
  id integer PRIMARY KEY, guid text NOT NULL, mid integer NOT NULL, mod integer NOT NULL,
  usn integer NOT NULL, tags text NOT NULL, flds text NOT NULL, sfld integer NOT NULL,
  csum integer NOT NULL, flags integer NOT NULL, data text NOT NULL
);
CREATE TABLE cards (
  id integer PRIMARY KEY, nid integer NOT NULL, did integer NOT NULL, ord integer NOT NULL,
  mod integer NOT NULL, usn integer NOT NULL, type integer NOT NULL, queue integer NOT NULL,
  due integer NOT NULL, ivl integer NOT NULL, factor integer NOT NULL, reps integer NOT NULL,
  lapses integer NOT NULL, left integer NOT NULL, odue integer NOT NULL, odid integer NOT NULL,
  flags integer NOT NULL, data text NOT NULL
);
CREATE TABLE revlog (
  id integer PRIMARY KEY, cid integer NOT NULL, usn integer NOT NULL, ease integer NOT NULL,
  ivl integer NOT NULL, lastIvl integer NOT NULL, factor integer NOT NULL, time integer NOT NULL,
  type integer NOT NULL
);
CREATE TABLE graves (usn integer NOT NULL, oid integer NOT NULL, type integer NOT NULL)
"""

_INDEXES = """
CREATE INDEX ix_notes_usn ON notes (usn);
CREATE INDEX ix_cards_usn ON cards (usn);
CREATE INDEX ix_revlog_usn ON revlog (usn);
CREATE INDEX ix_cards_nid ON cards (nid);
CREATE INDEX ix_cards_sched ON cards (did, queue, due);
CREATE INDEX ix_revlog_cid ON revlog (cid);
CREATE INDEX ix_notes_csum ON notes (csum)
"""
