"""Anki packages (`.apkg`, legacy and current layouts, and `.colpkg`), read with the official
`anki` package.

`anki` (AGPL-3.0) is an optional extra, `pip install 'srs[anki]'`, imported only here and only
when a package is converted: srs itself stays MIT and `srs --help` never loads it. Reading
through Anki's own importer into a throw-away collection is what makes every layout Anki has
written readable (schema 11 `collection.anki2`/`.anki21`, zstd `collection.anki21b` with
protobuf note types and media map), with Anki's own repairs applied.

Before Anki sees the file, the archive is checked here, because a package is untrusted: a
damaged or truncated zip, a member name or media name that tries to leave its folder (`../`,
an absolute path, a backslash), or a zip bomb (huge total size or compression ratio) is
refused with one line naming the file, and nothing is written.

What comes back, per note: the kind (`srs.convert.notetypes`; srs's own exported note types
come back exactly, multiple choice included), fields as Markdown (`srs.convert.html`), the
deck of its first card (`A::B` -> `A/B`), its tags (`::` -> `/`), its GUID as its explicit
id (`srs.anki.package.id_for_guid`) and, per card, the scheduling state, suspension, burying
and the review log, so the next intervals srs offers are Anki's.
"""

from __future__ import annotations

import functools
import json
import re
import zipfile
from collections import defaultdict
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, tzinfo
from pathlib import Path, PurePosixPath
from typing import Any

from srs.anki.notetypes import BASIC as SRS_BASIC
from srs.anki.notetypes import BOTH as SRS_BOTH
from srs.anki.notetypes import CLOZE as SRS_CLOZE
from srs.anki.notetypes import MCQ as SRS_MCQ
from srs.anki.notetypes import for_kind
from srs.anki.package import id_for_guid
from srs.convert.html import html_to_markdown
from srs.convert.model import ConvertedNote, MediaItem, Source
from srs.convert.notetypes import map_fields
from srs.dates import scheduler_date, user_timezone
from srs.decks.builder import CardHistory
from srs.errors import ConvertError
from srs.model import CardState, Grade, McqOption, Memory, NoteKind, ReviewKind, SchedulingState
from srs.store.history import PastReview

__all__ = ["MAX_RATIO", "MAX_TOTAL", "check_archive", "read_collection_notes", "read_package"]

MAX_TOTAL = 4_000_000_000  # bytes unpacked, all members together
MAX_RATIO = 200  # unpacked / packed, for a member over 1 MB
_INSTALL = "pip install 'srs[anki]'"
_STOCK = {
    1: "basic",
    2: "basic (and reversed card)",
    3: "basic (optional reversed card)",
    4: "basic (type in the answer)",
    5: "cloze",
    6: "image occlusion",
}
_SRS_NAMES = {
    SRS_BASIC.id: "srs basic",
    SRS_BOTH.id: "srs basic (and reversed card)",
    SRS_CLOZE.id: "srs cloze",
}
_BAD_NAME = re.compile(r"[\x00-\x1f/\\]")


def _bad_name(name: str) -> bool:
    return not name or name in (".", "..") or bool(_BAD_NAME.search(name)) or name[0] == "."


def check_archive(path: Path) -> None:
    """Refuse a package that is not a sound, honest zip (see the module docstring)."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            total = 0
            for member in members:
                name = member.filename
                pure = PurePosixPath(name)
                if pure.is_absolute() or ".." in pure.parts or "\\" in name or ":" in name:
                    raise ConvertError(
                        f"{path}: refused: archive member {name!r} tries to leave its folder;"
                        " nothing was written"
                    )
                total += member.file_size
                ratio = member.file_size / max(member.compress_size, 1)
                if total > MAX_TOTAL or (member.file_size > 1_000_000 and ratio > MAX_RATIO):
                    raise ConvertError(
                        f"{path}: refused: archive unpacks to far more than its size (a zip"
                        " bomb?); nothing was written"
                    )
            bad = archive.testzip()
            if bad is not None:
                raise ConvertError(f"{path}: damaged package (member {bad!r}); nothing was written")
            if "media" in archive.namelist():
                _check_media_map(path, archive.read("media"))
    except zipfile.BadZipFile:
        raise ConvertError(
            f"{path}: not a readable Anki package (a damaged or truncated zip); nothing was written"
        ) from None
    except (OSError, EOFError) as e:
        raise ConvertError(f"{path}: cannot read the package ({e}); nothing was written") from None


def _check_media_map(path: Path, data: bytes) -> None:
    """A legacy JSON media map whose names try `../` (the current layout is checked later)."""
    try:
        names = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return  # the current layout: a zstd protobuf map, checked by Anki and `_media`
    if isinstance(names, dict):
        for name in names.values():
            if not isinstance(name, str) or _bad_name(name):
                raise ConvertError(
                    f"{path}: refused: media file name {name!r} tries to leave the media"
                    " folder; nothing was written"
                )


def _open_collection(path: Path, workdir: Path) -> Any:
    try:
        from anki.collection import (
            Collection,
            ImportAnkiPackageOptions,
            ImportAnkiPackageRequest,
        )
    except ImportError:
        raise ConvertError(
            f"{path}: reading Anki packages needs the anki package: {_INSTALL}"
        ) from None
    col = Collection(str(workdir / "collection.anki2"))
    try:
        col.import_anki_package(
            ImportAnkiPackageRequest(
                package_path=str(path.resolve()),
                options=ImportAnkiPackageOptions(with_scheduling=True, with_deck_configs=False),
            )
        )
    except Exception as e:  # Anki's importer raises its own error types
        col.close()
        first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        raise ConvertError(f"{path}: Anki cannot read this package ({first})") from None
    return col


def read_package(path: Path, workdir: Path, now: datetime) -> Source:
    """Notes, media and history of an Anki package (see the module docstring)."""
    check_archive(path)
    col = _open_collection(path, workdir)
    try:
        return _Reader(col, path, now).read()
    finally:
        col.close()


def read_collection_notes(col: Any, label: Path, note_ids: set[int], now: datetime) -> Source:
    """Some notes of an open Anki collection (`srs sync`'s mirror) as converted notes, with
    the media files of the collection (names checked as a package's are)."""
    return _Reader(col, label, now).read(note_ids)


class _Reader:
    def __init__(self, col: Any, path: Path, now: datetime) -> None:
        self.col = col
        self.path = path
        self.source = Source()
        self.zone = _zone(col)
        self.rollover = int(col.get_config("rollover", 4) or 4)
        # Anki numbers days from its creation day in the zone the package was made in, and
        # counts today off the clock: mapped so that Anki's today is srs's today (at `now`), a
        # card due in 3 days there is due in 3 days here, whatever zone made the package
        # (counted from its creation date instead, a package made east of srs's zone came a
        # day early).
        self.today = scheduler_date(now, self.zone, self.rollover)
        self.day0 = self.today - timedelta(days=col.sched.today)
        self.media_names = self._media()
        self.warned: set[str] = set()
        self.days: dict[int, date] = {}

    def _media(self) -> dict[str, str]:
        folder = Path(self.col.media.dir())
        names: dict[str, str] = {}
        for entry in sorted(folder.iterdir()) if folder.is_dir() else []:
            if not entry.is_file() or entry.is_symlink():
                continue
            if _bad_name(entry.name):
                raise ConvertError(
                    f"{self.path}: refused: media file name {entry.name!r} tries to leave the"
                    " media folder; nothing was written"
                )
            names[entry.name] = entry.name
            self.source.media[entry.name] = MediaItem(entry.name, entry)
        return names

    def day(self, number: int) -> date:
        return self.day0 + timedelta(days=number)

    def read(self, only: set[int] | None = None) -> Source:
        """Every note (or the notes whose ids are in `only`) with media and history."""
        col = self.col
        models = {m["id"]: m for m in col.models.all()}
        decks: dict[int, str] = {}
        for item in col.decks.all_names_and_ids():
            decks[item.id] = item.name
        cards: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
        for row in col.db.all(
            "select id, nid, did, ord, type, queue, due, ivl, factor, reps, lapses, left, odue,"
            " odid, data from cards order by nid, ord"
        ):
            cards[row[1]].append(row)
        reviews: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
        for row in col.db.all(
            "select id, cid, ease, ivl, lastIvl, factor, time, type from revlog order by id"
        ):
            reviews[row[1]].append(row)
        for nid, guid, mid, tags, flds in col.db.all(
            "select id, guid, mid, tags, flds from notes order by id"
        ):
            if only is not None and nid not in only:
                continue
            self.note(nid, guid, models.get(mid), tags, flds, cards[nid], reviews, decks)
        return self.source

    def markdown(self, text: str) -> str:
        return html_to_markdown(text, self.media_names.get)

    def note(
        self,
        nid: int,
        guid: str,
        model: dict[str, Any] | None,
        tags: str,
        flds: str,
        cards: list[tuple[Any, ...]],
        reviews: dict[int, list[tuple[Any, ...]]],
        decks: dict[int, str],
    ) -> None:
        origin = f"{self.path.name}: note {nid}"
        if model is None or not cards:
            self.skip("notes without a note type or cards")
            return
        fields = flds.split("\x1f")
        deck_id = cards[0][13] or cards[0][2]  # a card in a filtered deck: its home deck
        deck = decks.get(deck_id, "Default").replace("::", "/")
        note_tags = tuple(t.replace("::", "/") for t in tags.split())
        note_id = id_for_guid(guid)
        if note_id is None:
            self.warn(f"{origin}: its GUID is too long to keep; exporting back will add a copy")
        history = tuple(self.card(row, reviews.get(row[0], [])) for row in cards)
        if model["id"] == SRS_MCQ.id and len(fields) == len(SRS_MCQ.fields):
            options = _mcq_options(fields[1], self.markdown)
            if options:
                self.source.notes.append(
                    ConvertedNote(
                        NoteKind.MCQ,
                        self.markdown(fields[0]),
                        self.markdown(fields[3]),
                        deck,
                        options=options,
                        tags=note_tags,
                        id=note_id,
                        history=history,
                        origin=origin,
                    )
                )
                return
        name = _SRS_NAMES.get(model["id"]) or _STOCK.get(model.get("originalStockKind", 0) or 0)
        mapped = map_fields(
            name or model["name"],
            [self.markdown(f) for f in fields],
            origin,
            cloze=model.get("type") == 1,
            occlusion=model.get("originalStockKind") == 6,
        )
        if mapped.warning:
            self.warn(mapped.warning.replace(f"'{name}'", f"'{model['name']}'"))
        if mapped.skip:
            self.skip(mapped.skip)
            return
        self.source.notes.append(
            ConvertedNote(
                mapped.kind,
                mapped.front,
                mapped.back,
                deck,
                tags=note_tags,
                id=note_id,
                history=history,
                origin=origin,
                anki_notetype=_same_schema(model, mapped.kind),
            )
        )

    def warn(self, message: str) -> None:
        key = message.split(" (first seen", 1)[0]
        if key not in self.warned:
            self.warned.add(key)
            self.source.warnings.append(message)

    def skip(self, reason: str) -> None:
        self.source.skipped[reason] = self.source.skipped.get(reason, 0) + 1

    def card(self, row: tuple[Any, ...], log: list[tuple[Any, ...]]) -> CardHistory:
        _, _, _, ordinal, ctype, queue, due, ivl, factor, reps, lapses, left, odue, odid, data = row
        if odid:  # in a filtered deck: its own due is the original one
            due = odue
        state = self.state(ctype, queue, due, ivl, factor, reps, lapses, left, data)
        return CardHistory(
            ordinal=ordinal,
            state=state,
            reviews=tuple(self.review(r) for r in log if r[2] in (1, 2, 3, 4)),
            suspended=queue == -1,
            # buried for the rest of today, as in Anki (srs's `bury`: back tomorrow)
            buried_until=self.today + timedelta(days=1) if queue in (-2, -3) else None,
        )

    def state(
        self,
        ctype: int,
        queue: int,
        due: int,
        ivl: int,
        factor: int,
        reps: int,
        lapses: int,
        left: int,
        data: str,
    ) -> SchedulingState | None:
        if ctype == 0:
            return None
        memory = _memory(data)
        base = SchedulingState(
            CardState.REVIEW,
            interval_days=ivl,
            ease=factor,
            reps=reps,
            lapses=lapses,
            memory=memory,
        )
        if ctype == 2:
            return replace(base, due_day=self.day(due))
        learning = CardState.LEARNING if ctype == 1 else CardState.RELEARNING
        steps = left % 1000
        if due > 1_000_000_000:  # epoch seconds: a step due today
            at = datetime.fromtimestamp(due, UTC)
            return replace(base, state=learning, due_at=at, remaining_steps=steps)
        return replace(base, state=learning, due_day=self.day(due), remaining_steps=steps)

    def review_day(self, rid: int) -> date:
        """The scheduler day of an answer, computed once per quarter hour (zone offsets and
        the day's start hour fall on quarter hours): 100k answers share a few thousand."""
        bucket = rid // 900_000
        day = self.days.get(bucket)
        if day is None:
            at = datetime.fromtimestamp(bucket * 900, UTC)
            day = self.days[bucket] = scheduler_date(at, self.zone, self.rollover)
        return day

    def review(self, row: tuple[Any, ...]) -> PastReview:
        rid, _, ease, ivl, last_ivl, factor, taken, rtype = row
        shape = _shape(rtype, ivl, last_ivl, factor)
        bucket = rid // 900_000
        day = self.days.get(bucket)
        return PastReview(
            datetime.fromtimestamp(rid / 1000, UTC),
            day if day is not None else self.review_day(rid),
            _GRADES[ease],
            shape[0],
            shape[1],
            shape[2],
            taken,
            "anki",
        )


@functools.lru_cache(maxsize=8192)
def _shape(
    rtype: int, ivl: int, last_ivl: int, factor: int
) -> tuple[ReviewKind, SchedulingState, SchedulingState]:
    """The kind and before/after snapshots of a review-log row (shared: 100k answers have a
    few hundred distinct ones)."""
    kind = _KINDS.get(rtype, ReviewKind.REVIEW)
    if kind is ReviewKind.LEARN:
        before_state = CardState.LEARNING if last_ivl else CardState.NEW
        after_state = CardState.LEARNING if ivl < 0 else CardState.REVIEW
    else:
        before_state = _BEFORE[kind]
        after_state = CardState.RELEARNING if ivl < 0 else CardState.REVIEW
    return (
        kind,
        _logged(before_state, max(last_ivl, 0), 0),
        _logged(after_state, max(ivl, 0), factor),
    )


# Looked up per answer (100k in a big package): plain dicts, not enum calls.
_KINDS = {0: ReviewKind.LEARN, 2: ReviewKind.RELEARN, 3: ReviewKind.EARLY}
_BEFORE = {
    ReviewKind.REVIEW: CardState.REVIEW,
    ReviewKind.RELEARN: CardState.RELEARNING,
    ReviewKind.EARLY: CardState.REVIEW,
}
_GRADES = {int(grade): grade for grade in Grade}


@functools.lru_cache(maxsize=8192)
def _logged(state: CardState, interval: int, ease: int) -> SchedulingState:
    """A review-log snapshot (shared: 100k answers have a few hundred distinct ones)."""
    return SchedulingState(state, interval_days=interval, ease=ease)


def _same_schema(model: dict[str, Any], kind: NoteKind) -> int | None:
    """The id of an Anki note type whose field and template names are those of srs's note
    type for `kind` (Anki's stock Basic, reversed and Cloze are), else None.

    Exported under that id, a converted note updates its original on a re-import into the
    profile it came from; Anki reports a note whose note type changed as a conflict.
    """
    if kind == NoteKind.MCQ or model["id"] in _SRS_NAMES or model["id"] == SRS_MCQ.id:
        return None
    ours = for_kind(kind)
    fields = tuple(f["name"] for f in model.get("flds", []))
    templates = tuple(t["name"] for t in model.get("tmpls", []))
    if fields == ours.fields and templates == tuple(t.name for t in ours.templates):
        return int(model["id"])
    return None


def _zone(col: Any) -> tzinfo:
    """The package's day boundary zone: srs's own (the user's) zone."""
    del col
    try:
        return user_timezone()
    except Exception:  # a bad SRS_TZ is reported by the commands that use it
        return UTC


def _memory(data: str) -> Memory | None:
    """FSRS memory Anki keeps in a card's `data` (`s`, `d`, `lrt`), if any."""
    if not data or data == "{}":
        return None
    try:
        values = json.loads(data)
        return Memory(
            stability=float(values["s"]),
            difficulty=float(values["d"]),
            last_review=datetime.fromtimestamp(int(values["lrt"]), UTC),
        )
    except (ValueError, KeyError, TypeError):
        return None


def _mcq_options(html: str, markdown: Any) -> tuple[McqOption, ...]:
    """The options of srs's own multiple-choice note type, from its Options field."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    options = []
    for item in soup.find_all("li"):
        classes: list[str] = list(item.get("class") or [])
        if "srs-option" not in classes:
            continue
        body = item.find("div", class_="srs-option-body")
        if body is None:
            continue
        rationale = ""
        why = body.find("div", class_="srs-rationale")
        if why is not None:
            rationale = markdown(why.decode_contents())
            why.decompose()
        options.append(
            McqOption(markdown(body.decode_contents()), "srs-correct" in classes, rationale)
        )
    return tuple(options)
