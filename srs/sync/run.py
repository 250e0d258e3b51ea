"""One `srs sync`: pull from the server, carry changes both ways, push (see `srs.sync`)."""

from __future__ import annotations

import tempfile
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from srs.dates import to_ms
from srs.errors import NothingToExport, SyncError
from srs.model import Grade, ReviewKind
from srs.store.sync import NoteLink, ReviewToPush
from srs.sync.auth import load_login, sync_folder
from srs.sync.lock import sync_lock

if TYPE_CHECKING:
    from srs.collection import Collection
    from srs.sync.mirror import AnkiNote, Mirror

_GRADES = {int(grade): grade for grade in Grade}
_FILTERED = int(ReviewKind.EARLY)  # Anki's revlog type 3: an early review, or cramming


@dataclass(slots=True)
class SyncReport:
    """What a sync did (`srs sync --json`)."""

    server: str = ""
    reviews_pulled: int = 0
    reviews_pushed: int = 0
    notes_pushed: int = 0
    cards_updated: int = 0
    presets_updated: int = 0  # decks moved to a preset with srs's fitted FSRS settings
    inbox_notes: int = 0
    inbox: str | None = None
    full: str | None = None  # "download" / "upload" when a full sync happened
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "server": self.server,
            "reviews_pulled": self.reviews_pulled,
            "reviews_pushed": self.reviews_pushed,
            "notes_pushed": self.notes_pushed,
            "cards_updated": self.cards_updated,
            "presets_updated": self.presets_updated,
            "inbox_notes": self.inbox_notes,
            "inbox": self.inbox,
            "full_sync": self.full,
            "conflicts": list(self.conflicts),
            "warnings": list(self.warnings),
        }


def default_inbox(db: Path) -> Path:
    """Where notes added in Anki are written: `anki-inbox.md` beside the collection file."""
    return db.parent / "anki-inbox.md"


def sync(
    col: Collection,
    db: Path,
    *,
    now: datetime,
    inbox: Path | None = None,
    rebuild: bool = False,
    force_upload: bool = False,
) -> SyncReport:
    """Sync the collection at `db` (open as `col`) with the server it is logged in to."""
    from srs.sync.mirror import Mirror

    folder = sync_folder(db)
    login = load_login(folder)
    if login is None:
        raise SyncError("not logged in: run srs sync login --username NAME [--endpoint URL]")
    report = SyncReport(server=login.server)
    with sync_lock(folder):
        if rebuild or force_upload:
            Mirror.remove(folder)
        mirror = Mirror(folder, login)
        try:
            _Run(col, mirror, report, now, inbox or default_inbox(db)).run(force_upload)
        finally:
            mirror.close()
    return report


class _Run:
    def __init__(
        self, col: Collection, mirror: Mirror, report: SyncReport, now: datetime, inbox: Path
    ) -> None:
        self.col = col
        self.store = col.store
        self.mirror = mirror
        self.report = report
        self.now = now
        self.inbox = inbox
        self.touched: set[str] = set()  # srs cards whose state the mirror must get
        self.new_notes: list[tuple[int, str]] = []  # (id, GUID) of notes added in Anki
        self.server_changed = True  # the first sync brought something, or may have

    def run(self, force_upload: bool) -> None:
        mirror = self.mirror
        if force_upload:
            # A fresh mirror from srs alone, replacing the server's collection; srs forgets
            # what it carried only once the upload is done.
            with self.store.transaction():
                self.store.forget_links()
                self.store.forget_carried(self.store.carried_revlog_ids())
                self.store.set_sync_marks({"anki_usn": 0, "review_id": 0})
                self.push()
                mirror.sync()
                mirror.full(upload=True)
                self.store.set_sync_marks(
                    {
                        "anki_usn": mirror.usn(),
                        "review_id": self.store.last_review_id(),
                        "synced_ms": to_ms(self.now),
                    }
                )
            self.report.full = "upload"
            self.report.warnings.append(
                "replaced the server's collection with srs's: answers and notes made in Anki"
                " and not synced to srs before were dropped from the server"
            )
            mirror.sync_media()
            return
        self.first_sync()
        # Rows the server sends from now on (in the final sync, or later) carry this number
        # or a higher one; everything below it is in the mirror now and read by this sync.
        anki_mark = mirror.usn()
        # srs's side is one transaction, committed only once the server has the mirror's
        # changes: a failure or a kill before leaves srs as it was, and what the mirror got
        # meanwhile is recognised by the next sync (answers by card and instant, notes by GUID).
        with self.store.transaction():
            if self.server_changed:  # notes deleted in Anki: unlinked, so pushed again
                self.store.keep_links(mirror.card_ids(), {nid for nid, _ in mirror.note_keys()})
            self.pull_answers()
            self.check_edits()
            self.push()
            self.find_inbox_notes()
            report = self.report
            if (
                self.server_changed
                or report.notes_pushed
                or report.cards_updated
                or report.presets_updated
            ):
                required = mirror.sync()
                if required == mirror.FULL_UPLOAD:  # the server is empty: nothing to lose
                    mirror.full(upload=True)
                    report.full = "upload"
                elif required in (mirror.FULL_SYNC, mirror.FULL_DOWNLOAD):
                    raise SyncError(
                        "the server asks for a full sync after srs's changes;"
                        " run srs sync --rebuild"
                    )
            # Media only change with notes: without either, nothing new on either side.
            if self.server_changed or report.notes_pushed:
                try:
                    mirror.sync_media()  # before the inbox, which copies the phone's files
                except SyncError as e:
                    report.warnings.append(f"media not synced: {e}")
            self.store.set_sync_marks(
                {
                    "anki_usn": anki_mark,
                    "review_id": self.store.last_review_id(),
                    "synced_ms": to_ms(self.now),
                }
            )
            self.write_inbox()

    # -- step 1 ---------------------------------------------------------------------------

    def first_sync(self) -> None:
        mirror = self.mirror
        stamp = mirror.stamp()
        required = mirror.sync()
        # Anki answers NO_CHANGES after a normal sync too: the collection's own stamp tells
        # whether the sync moved anything either way.
        self.server_changed = required != mirror.NO_CHANGES or mirror.stamp() != stamp
        if required == mirror.FULL_UPLOAD:
            if mirror.is_empty():
                return  # both empty: the final sync uploads what srs pushes
            mirror.full(upload=True)
            self.report.full = "upload"
        elif required in (mirror.FULL_SYNC, mirror.FULL_DOWNLOAD):
            # The mirror holds only what the server and srs already have: take the server's
            # collection and push srs's side again.
            mirror.full(upload=False)
            self.report.full = "download"
            self.reconcile()

    def reconcile(self) -> None:
        """After the mirror was replaced: forget the cards, notes and answers it no longer
        has, so they are pushed again (the rest keep their links: Anki's ids are the
        server's)."""
        present = self.mirror.revlog_ids()
        gone = [rid for rid in self.store.carried_revlog_ids() if rid not in present]
        with self.store.transaction():
            notes = {nid for nid, _ in self.mirror.note_keys()}
            self.store.keep_links(self.mirror.card_ids(), notes)
            self.store.forget_carried(gone)
            self.store.set_sync_marks({"anki_usn": 0, "review_id": 0})  # read everything

    # -- pull -----------------------------------------------------------------------------

    def pull_answers(self, cards: set[int] | None = None) -> None:
        """Answers in the mirror's log not carried yet: those the server stamped since the
        last sync (or every one of `cards`, just linked) go into srs's log."""
        from srs.collection import OutsideAnswer

        if cards is None:
            rows = self.mirror.revlog_rows(self.store.sync_mark("anki_usn"))
        else:
            rows = self.mirror.revlog_rows(0, cards)
        if not rows:
            return
        links = self.store.card_links()
        by_anki = {anki_id: card_id for card_id, anki_id in links.items()}
        carried = self.store.carried_among([row.id for row in rows])
        per_card: dict[str, list[OutsideAnswer]] = defaultdict(list)
        for row in rows:
            if row.id in carried:
                continue
            card_id = by_anki.get(row.cid)
            if card_id is None or row.ease not in _GRADES or row.type > _FILTERED:
                continue  # a card srs does not have, a manual reschedule
            if row.type == _FILTERED and row.factor == 0:
                continue  # a filtered deck without rescheduling: Anki's cramming
            per_card[card_id].append(
                OutsideAnswer(
                    datetime.fromtimestamp(row.id / 1000, UTC),
                    _GRADES[row.ease],
                    row.time,
                    row.id,
                    ahead=row.type == _FILTERED,
                )
            )
        if not per_card:
            return
        pulled = 0
        with self.store.transaction():
            for card_id, answers in per_card.items():
                done = self.col.merge_answers(card_id, answers, slack_ms=BUMP_LIMIT)
                self.store.record_carried((item.key, review_id) for item, review_id, _ in done)
                added = sum(1 for *_, new in done if new)
                pulled += added
                if added:
                    self.touched.add(card_id)
        self.report.reviews_pulled += pulled

    def check_edits(self) -> None:
        """Notes whose fields in Anki differ from what srs pushed: reported, never written.

        Read: the mirror's notes changed since the last sync, and those found edited before
        (`sync_notes.edited`, so each sync lists them again until Markdown settles them)."""
        mark = self.store.sync_mark("anki_usn")
        flagged = self.store.edited_anki_note_ids()
        notes = self.mirror.notes_changed(mark, also=flagged)
        links = self.store.note_links_for([note.id for note in notes])
        if not links:
            return
        edited: list[tuple[NoteLink, AnkiNote]] = []
        settled: list[int] = []
        for note in notes:
            link = links.get(note.id)
            if link is None:
                continue
            if note.fields != link.fields:
                edited.append((link, note))
            elif note.id in flagged:
                settled.append(note.id)
        self.store.set_edited([note.id for _, note in edited], True)
        self.store.set_edited(settled + list(flagged - {n.id for n in notes}), False)
        places = self.store.note_places(link.note_id for link, _ in edited)
        from srs.terminal import escape_text as escape

        for link, note in edited:
            names = self.mirror.field_names(note.mid)
            ours = link.fields.split("\x1f")
            theirs = note.fields.split("\x1f")
            changed = [
                names[i] if i < len(names) else f"field {i + 1}"
                for i in range(max(len(ours), len(theirs)))
                if (ours[i] if i < len(ours) else "") != (theirs[i] if i < len(theirs) else "")
            ]
            path, line = places.get(link.note_id, ("?", 0))
            self.report.conflicts.append(
                {
                    "note": link.note_id,
                    "path": path,
                    "line": line,
                    "fields": changed,
                    "anki": {
                        name: escape(theirs[i]) if i < len(theirs) else ""
                        for i, name in enumerate(names)
                        if name in changed
                    },
                }
            )

    # -- push -----------------------------------------------------------------------------

    def push(self) -> None:
        linked = self.push_notes()
        if linked:
            # Cards Anki already had (an earlier `srs export anki`, the inbox): their Anki
            # answers come in now, before srs's state goes out.
            self.pull_answers(set(linked.values()))
        self.push_answers(set(linked))
        self.push_presets()

    def push_presets(self) -> None:
        """Decks' fitted FSRS settings, whenever their Anki preset holds others: fitting
        comes weeks after a deck's notes first went out with the export's preset."""
        presets = self.col.fsrs_presets()
        if presets:
            from srs.anki import anki_deck_name

            self.report.presets_updated += self.mirror.set_fsrs_presets(
                {anki_deck_name(deck): preset for deck, preset in presets.items()}
            )

    def push_notes(self) -> dict[str, int]:
        """Push notes new or changed in Markdown; the cards linked by this push (srs card id
        -> Anki card id)."""
        ids = self.store.notes_to_push()
        if not ids:
            return {}
        from srs.anki import export_apkg, note_guid
        from srs.sync.mirror import package_notes

        col = self.col
        fresh: list[tuple[str, str, str]] = []
        stored = {item.note.id: item for item in self.store.stored_notes_by_id(ids)}
        before = {note.guid: note for note in self.mirror.notes()}
        with tempfile.TemporaryDirectory(prefix="srs-sync-") as tmp:
            package = Path(tmp) / "push.apkg"
            try:
                export_apkg(
                    package,
                    col.export_notes(stored.values(), fresh),
                    with_scheduling=False,
                    now=self.now,
                    zone=col.zone,
                    day_starts_at=col.day_starts_at,
                    fsrs_presets=col.fsrs_presets(),
                )
            except NothingToExport:
                return {}
            rows = package_notes(package)
            self.mirror.import_package(package)
        if fresh:
            self.store.save_rendered(fresh)
        guids = {note_id: note_guid(note_id) for note_id in stored}
        updates = []
        for guid in guids.values():
            existing = before.get(guid)
            if existing is None or guid not in rows:
                continue
            fields, tags = rows[guid]
            if existing.fields != fields or existing.tags.strip() != tags:
                updates.append((existing.id, fields, tags))
        self.mirror.update_notes(updates)
        after = {note.guid: note for note in self.mirror.notes()}
        cards = self.mirror.cards_of(guids.values())
        linked_before = self.store.card_links()
        links: list[tuple[str, int]] = []
        note_links: list[NoteLink] = []
        for note_id, item in stored.items():
            guid = guids[note_id]
            anki_note = after.get(guid)
            if anki_note is None:
                continue
            note_links.append(NoteLink(note_id, anki_note.id, anki_note.fields, item.modified_ms))
            for card in item.cards:
                anki_card = cards.get((guid, card.spec.ordinal))
                if anki_card is not None:
                    links.append((card.spec.id, anki_card))
                    if card.state.reps or card.suspended:  # the package added it as new
                        self.touched.add(card.spec.id)
        with self.store.transaction():
            self.store.set_card_links(links)
            self.store.set_note_links(note_links)
        self.report.notes_pushed = len(note_links)
        return {card: anki for card, anki in links if linked_before.get(card) != anki}

    def push_answers(self, linked: Iterable[str] = ()) -> None:
        """srs's answers logged since the last sync (and every answer of cards just linked)
        as review-log rows, and the state of every card touched, into the mirror."""
        pending = self.store.reviews_to_push(self.store.sync_mark("review_id"), sorted(linked))
        if not pending and not self.touched:
            return
        from srs.anki import card_data, schedule_columns

        taken: dict[int, int] = {}  # the mirror's review-log ids near these answers -> card
        if pending:
            instants = [to_ms(item.record.reviewed_at) for item in pending]
            taken = self.mirror.revlog_between(min(instants), max(instants) + BUMP_LIMIT)
        revlog: list[tuple[int, ...]] = []
        carried: list[tuple[int, int]] = []
        for item in pending:
            found = _pushed_before(item, taken)
            if found is not None:  # pushed by a sync that did not finish on srs's side
                carried.append((found, item.review_id))
                continue
            rid = _revlog_id(item, taken)
            taken[rid] = item.anki_card_id
            revlog.append(_revlog_row(rid, item))
            carried.append((rid, item.review_id))
            self.touched.add(item.record.card_id)
        links = self.store.card_links()
        at = self.col.moment(self.now)
        anki_today = self.mirror.today()
        cards: list[tuple[Any, ...]] = []
        schedules = self.store.card_schedules(sorted(self.touched))
        for card_id, (state, position, suspended) in schedules.items():
            anki_id = links.get(card_id)
            if anki_id is None:
                continue
            columns = schedule_columns(
                state,
                position=position,
                suspended=suspended,
                now=self.now,
                today=at.today,
                zone=self.col.zone,
                rollover=self.col.day_starts_at,
                anki_today=anki_today,
            )
            cards.append((*columns, card_data(state), anki_id))
        if not revlog and not cards:
            return
        # The mirror first, then srs's record: a kill between the two leaves answers the
        # mirror has and srs has not marked, which the next pull finds at the same instant.
        self.mirror.write_answers(revlog, cards, int(self.now.timestamp()))
        with self.store.transaction():
            self.store.record_carried(carried)
        self.report.reviews_pushed = len(revlog)
        self.report.cards_updated = len(cards)

    # -- inbox ----------------------------------------------------------------------------

    def find_inbox_notes(self) -> None:
        """Notes of the mirror that are no srs note's and not written to the inbox yet."""
        linked = self.store.linked_anki_note_ids()
        unlinked = [(nid, guid) for nid, guid in self.mirror.note_keys() if nid not in linked]
        if not unlinked:
            return
        from srs.anki import note_guid

        known = self.store.inbox_guids() | {note_guid(i) for i in self.store.note_rows()}
        self.new_notes = [(nid, guid) for nid, guid in unlinked if guid not in known]

    def write_inbox(self) -> None:
        """Append the notes added in Anki to the inbox file, and remember them (the file is
        written last, just before srs commits; after a kill between the two, the next sync
        finds the notes' ids in the file and does not write them again)."""
        from srs.sync.inbox import append_inbox

        if not self.new_notes:
            return
        written = append_inbox(
            self.mirror, {nid for nid, _ in self.new_notes}, self.inbox, self.now
        )
        self.store.add_inbox_guids((guid for _, guid in self.new_notes), to_ms(self.now))
        self.report.inbox_notes = written
        self.report.inbox = str(self.inbox)


# An answer's review-log id is its instant in ms, moved on by 1 ms while taken.
BUMP_LIMIT = 50


def _revlog_id(item: ReviewToPush, taken: dict[int, int]) -> int:
    rid = to_ms(item.record.reviewed_at)
    while rid in taken:
        rid += 1
    return rid


def _pushed_before(item: ReviewToPush, taken: dict[int, int]) -> int | None:
    """The id of this answer's row if the mirror already has it (same card, same instant or
    moved on by a clash)."""
    start = to_ms(item.record.reviewed_at)
    for rid in range(start, start + BUMP_LIMIT):
        cid = taken.get(rid)
        if cid is None:
            return None
        if cid == item.anki_card_id:
            return rid
    return None


def _revlog_row(rid: int, item: ReviewToPush) -> tuple[int, ...]:
    """An srs answer as Anki's revlog row (intervals: days, or negative seconds for steps)."""
    record = item.record
    after, before = record.after, record.before
    if after.due_at is not None:
        interval = -round((after.due_at - record.reviewed_at).total_seconds())
    else:
        interval = after.interval_days
    ease = after.ease if record.kind is not ReviewKind.LEARN else 0
    return (
        rid,
        item.anki_card_id,
        int(record.grade),
        interval,
        before.interval_days,
        ease,
        max(0, record.duration_ms),
        int(record.kind),
    )
