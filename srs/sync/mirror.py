"""The mirror Anki collection: the only module that imports `anki` for sync, and the only one
that runs SQL on Anki's own tables (through `col.db`), which is why it is exempt from "SQL only
in srs.store" (tests/test_architecture.py), like `srs/anki/package.py`.

Writes go through `col.db.transact`, so each batch is one transaction of the mirror; rows
written here carry `usn = -1`, which is how Anki's sync finds what to send.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import tempfile
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from srs.errors import SyncError
from srs.model import value_class
from srs.sync.auth import Login

if TYPE_CHECKING:
    from srs.anki import FsrsPreset

INSTALL = "pip install 'srs[anki]'"
COLLECTION = "collection.anki2"


def _anki() -> Any:
    try:
        import anki.collection
    except ImportError:
        raise SyncError(f"srs sync needs the anki package: {INSTALL}") from None
    return anki.collection


def one_line(error: BaseException) -> str:
    """An Anki error as one line (Anki's messages can run to several)."""
    text = str(error).strip()
    first = text.splitlines()[0].strip() if text else type(error).__name__
    return first[:300]


def sync_failure(error: Exception, server: str) -> SyncError:
    """The one-line error for a failed login or sync."""
    import anki.errors as errors

    if isinstance(error, errors.SyncError) and error.kind is errors.SyncErrorKind.AUTH:
        return SyncError(
            f"{server}: login refused (wrong user name or password, or the login expired);"
            " run srs sync login"
        )
    if isinstance(error, errors.NetworkError):
        return SyncError(f"{server}: cannot reach the sync server ({one_line(error)})")
    return SyncError(f"{server}: sync failed ({one_line(error)})")


def login(endpoint: str | None, username: str, password: str) -> Login:
    """Ask the server for a host key (through a throw-away collection)."""
    module = _anki()
    server = endpoint or "AnkiWeb"
    with tempfile.TemporaryDirectory(prefix="srs-login-") as tmp:
        col = module.Collection(str(Path(tmp) / COLLECTION))
        try:
            auth = col.sync_login(username, password, endpoint)
        except Exception as e:
            raise sync_failure(e, server) from None
        finally:
            col.close()
    return Login(endpoint, username, auth.hkey)


@value_class
class AnkiNote:
    id: int
    guid: str
    mid: int
    fields: str  # joined by \x1f, as Anki stores them
    tags: str


@value_class
class RevlogRow:
    id: int
    cid: int
    ease: int
    ivl: int
    last_ivl: int
    factor: int
    time: int
    type: int


class Mirror:
    """An open mirror collection.

    Opened on Anki's backend directly (`anki._backend`, `anki.dbproxy`): importing
    `anki.collection` costs about 0.2 s more (it pulls in `requests`), which a sync with
    nothing to do should not pay. The full `Collection` is made only for what needs it (the
    inbox's note reader), on the same backend.
    """

    NO_CHANGES = 0
    NORMAL_SYNC = 1
    FULL_SYNC = 2
    FULL_DOWNLOAD = 3
    FULL_UPLOAD = 4

    def __init__(self, folder: Path, login: Login) -> None:
        try:
            import weakref

            from anki._backend import RustBackend
            from anki.dbproxy import DBProxy
            from anki.sync_pb2 import SyncAuth
        except ImportError:
            raise SyncError(f"srs sync needs the anki package: {INSTALL}") from None
        self.folder = folder
        self.path = folder / COLLECTION
        self.login = login
        self.server_usn: int | None = None
        folder.mkdir(parents=True, exist_ok=True)
        self.auth = SyncAuth(hkey=login.hkey, endpoint=login.endpoint or None, io_timeout_secs=30)
        self.backend = RustBackend()
        self._col: Any = None
        try:
            self.backend.open_collection(
                collection_path=str(self.path),
                media_folder_path=str(self.media_dir()),
                media_db_path=str(folder / "collection.media.db2"),
            )
        except Exception as e:
            raise SyncError(f"{self.path}: cannot open the mirror ({one_line(e)})") from None
        self.open = True
        self.db: Any = DBProxy(weakref.proxy(self.backend))

    @property
    def col(self) -> Any:
        """The full `anki.collection.Collection` on the same backend (made on first use)."""
        if self._col is None:
            module = _anki()
            self.backend.close_collection(downgrade_to_schema11=False)
            self._col = module.Collection(str(self.path), backend=self.backend)
            self.db = self._col.db
        return self._col

    def close(self) -> None:
        if not self.open:
            return
        self.open = False
        if self._col is not None:
            self._col.close()
        else:
            self.backend.close_collection(downgrade_to_schema11=False)

    @staticmethod
    def remove(folder: Path) -> None:
        """Delete the mirror collection and its media (the login stays)."""
        for name in (COLLECTION, f"{COLLECTION}-wal", "collection.media.db2"):
            (folder / name).unlink(missing_ok=True)
        shutil.rmtree(folder / "collection.media", ignore_errors=True)

    # -- the protocol ---------------------------------------------------------------------

    def sync(self) -> int:
        """One normal sync; Anki's answer (NO_CHANGES ... FULL_UPLOAD)."""
        try:
            out = self.backend.sync_collection(auth=self.auth, sync_media=False)
        except Exception as e:
            raise sync_failure(e, self.login.server) from None
        if out.new_endpoint:
            self.auth.endpoint = out.new_endpoint
        self.server_usn = out.server_media_usn
        return int(out.required)

    def full(self, *, upload: bool) -> None:
        """A full upload or download (Anki's backend reopens the collection itself)."""
        from anki.sync_pb2 import FullUploadOrDownloadRequest

        if self._col is not None:
            self._col.close_for_full_sync()
        try:
            self.backend.full_upload_or_download(
                FullUploadOrDownloadRequest(
                    auth=self.auth, server_usn=self.server_usn, upload=upload
                )
            )
        except Exception as e:
            raise sync_failure(e, self.login.server) from None
        finally:
            if self._col is not None:
                self._col.reopen(after_full_sync=True)
                self.db = self._col.db

    def sync_media(self) -> None:
        """Send and fetch media files; waits until Anki's media sync is done."""
        import time

        try:
            self.backend.sync_media(self.auth)
            while self.backend.media_sync_status().active:
                time.sleep(0.01)
        except Exception as e:
            raise sync_failure(e, self.login.server) from None

    # -- reading --------------------------------------------------------------------------

    def stamp(self) -> tuple[int, int]:
        """The collection's modification time and update sequence number: a sync that moved
        anything changes them."""
        row = self.db.first("SELECT mod, usn FROM col")
        return (int(row[0]), int(row[1])) if row else (0, 0)

    def is_empty(self) -> bool:
        return not self.db.scalar("SELECT EXISTS (SELECT 1 FROM notes)")

    def today(self) -> int:
        return int(self.backend.sched_timing_today().days_elapsed)

    def revlog_rows(self, since_usn: int, cards: Iterable[int] = ()) -> list[RevlogRow]:
        """Review-log rows the server stamped at `since_usn` or later, or not sent yet (all
        rows when `since_usn` is 0), or of `cards` whatever their stamp; in id order."""
        columns = "SELECT id, cid, ease, ivl, lastIvl, factor, time, type FROM revlog"
        wanted = list(cards)
        if wanted:
            rows = []
            for start in range(0, len(wanted), 500):
                part = wanted[start : start + 500]
                marks = ",".join("?" * len(part))
                rows += self.db.all(f"{columns} WHERE cid IN ({marks})", *part)
            rows.sort()
        elif since_usn > 0:
            rows = self.db.all(f"{columns} WHERE usn >= ? OR usn = -1 ORDER BY id", since_usn)
        else:
            rows = self.db.all(f"{columns} ORDER BY id")
        return [RevlogRow(*row) for row in rows]

    def usn(self) -> int:
        """The collection's update sequence number: rows the server sends later carry this
        number or a higher one."""
        return int(self.db.scalar("SELECT usn FROM col") or 0)

    def revlog_ids(self) -> set[int]:
        return set(self.db.list("SELECT id FROM revlog"))

    def revlog_between(self, first: int, last: int) -> dict[int, int]:
        """Review-log id -> card id of the rows with ids in [first, last]."""
        return dict(self.db.all("SELECT id, cid FROM revlog WHERE id BETWEEN ? AND ?", first, last))

    def card_ids(self) -> set[int]:
        return set(self.db.list("SELECT id FROM cards"))

    def notes(self) -> list[AnkiNote]:
        rows = self.db.all("SELECT id, guid, mid, flds, tags FROM notes")
        return [AnkiNote(*row) for row in rows]

    def notes_changed(self, since_usn: int, also: Iterable[int] = ()) -> list[AnkiNote]:
        """Notes the server stamped at `since_usn` or later or not sent yet (every note when
        it is 0), and the notes with ids in `also`."""
        columns = "SELECT id, guid, mid, flds, tags FROM notes"
        if since_usn > 0:
            rows = self.db.all(f"{columns} WHERE usn >= ? OR usn = -1", since_usn)
        else:
            rows = self.db.all(columns)
        seen = {row[0] for row in rows}
        wanted = [nid for nid in also if nid not in seen]
        for start in range(0, len(wanted), 500):
            part = wanted[start : start + 500]
            marks = ",".join("?" * len(part))
            rows += self.db.all(f"{columns} WHERE id IN ({marks})", *part)
        return [AnkiNote(*row) for row in rows]

    def note_keys(self) -> list[tuple[int, str]]:
        """(id, GUID) of every note."""
        return [(int(nid), str(guid)) for nid, guid in self.db.all("SELECT id, guid FROM notes")]

    def field_names(self, mid: int) -> list[str]:
        try:
            model = json.loads(self.backend.get_notetype_legacy(ntid=mid))
        except Exception:  # a note type deleted meanwhile
            return []
        return [str(field["name"]) for field in model.get("flds", [])]

    def cards_of(self, guids: Iterable[str]) -> dict[tuple[str, int], int]:
        """(note GUID, card ordinal) -> card id for the notes with these GUIDs."""
        wanted = set(guids)
        rows = self.db.all("SELECT n.guid, c.ord, c.id FROM cards c JOIN notes n ON n.id = c.nid")
        return {(guid, ordinal): cid for guid, ordinal, cid in rows if guid in wanted}

    def media_dir(self) -> Path:
        return self.folder / "collection.media"

    # -- writing --------------------------------------------------------------------------

    def import_package(self, package: Path) -> None:
        """Add a package's new notes (with their note types, decks, FSRS presets and media).

        The package is written without scheduling (every card new, no review log: answers
        and states are pushed as rows), but imported "with scheduling", without which Anki
        drops the presets' FSRS parameters; it never changes cards the mirror already has."""
        from anki.import_export_pb2 import ImportAnkiPackageOptions, ImportAnkiPackageRequest

        request = ImportAnkiPackageRequest(
            package_path=str(package),
            options=ImportAnkiPackageOptions(with_scheduling=True, with_deck_configs=True),
        )
        try:
            self.backend.import_anki_package_raw(request.SerializeToString())
        except Exception as e:
            raise SyncError(f"the mirror refused srs's notes ({one_line(e)})") from None

    def update_notes(self, notes: Sequence[tuple[int, str, str]]) -> None:
        """Set (note id, fields joined by U+001F, tags) of existing notes."""
        changed = []
        for nid, fields, tags in notes:
            note = self.backend.get_note(nid)
            values = fields.split("\x1f")
            count = len(note.fields)
            values = (values + [""] * count)[:count]
            del note.fields[:]
            note.fields.extend(values)
            del note.tags[:]
            note.tags.extend(tags.split())
            changed.append(note)
        if changed:
            self.backend.update_notes(notes=changed, skip_undo_entry=True)

    def set_fsrs_presets(self, presets: Mapping[str, FsrsPreset]) -> int:
        """Point each Anki deck named in `presets` at a preset carrying those FSRS settings;
        the number of decks moved.

        A deck whose preset already carries them is left alone (Anki keeps parameters as
        32-bit floats, hence the tolerance), so a sync with nothing new writes nothing. Presets
        are never edited in place: a user's own (Default included) may hold other decks; srs's
        are found again by their settings, or made as a copy of the deck's preset with the new
        parameters, so its other settings (steps, limits) stay as the user set them."""
        from anki.errors import NotFoundError

        from srs.anki import PRESET_PREFIX

        backend = self.backend
        configs = json.loads(backend.all_deck_config_legacy())
        ours = [c for c in configs if str(c.get("name", "")).startswith(PRESET_PREFIX)]
        moved = 0
        for name, preset in presets.items():
            try:
                did = backend.get_deck_id_by_name(name)
            except NotFoundError:
                continue  # not pushed yet: its notes bring the preset (the export's)
            deck = json.loads(backend.get_deck_legacy(did))
            current = json.loads(backend.get_deck_config_legacy(deck["conf"]))
            if _carries(current, preset):
                continue
            target = next((c for c in ours if _carries(c, preset)), None)
            if target is None:
                target = current | {
                    "id": 0,
                    "name": f"{PRESET_PREFIX} {len(ours) + 1}",
                    "fsrsParams6": list(preset.parameters),
                    "desiredRetention": preset.desired_retention,
                }
                target["id"] = backend.add_or_update_deck_config_legacy(json.dumps(target).encode())
                ours.append(target)
            deck["conf"] = target["id"]
            backend.update_deck_legacy(json.dumps(deck).encode())
            moved += 1
        return moved

    def write_answers(
        self, revlog: Sequence[tuple[int, ...]], cards: Sequence[tuple[Any, ...]], mod: int
    ) -> None:
        """Add review-log rows `(id, cid, ease, ivl, lastIvl, factor, time, type)` and set
        cards' `(type, queue, due, ivl, factor, reps, lapses, left, data, id)`, in one
        transaction."""

        def write() -> None:
            db = self.db
            if revlog:
                db.executemany(
                    "INSERT OR IGNORE INTO revlog (id, cid, usn, ease, ivl, lastIvl, factor,"
                    " time, type) VALUES (?, ?, -1, ?, ?, ?, ?, ?, ?)",
                    revlog,
                )
            if cards:
                db.executemany(
                    "UPDATE cards SET type = ?, queue = ?, due = ?, ivl = ?, factor = ?, reps = ?,"
                    f" lapses = ?, left = ?, data = ?, mod = {int(mod)}, usn = -1 WHERE id = ?",
                    cards,
                )

        self.db.transact(write)


def package_notes(package: Path) -> dict[str, tuple[str, str]]:
    """GUID -> (fields, tags) of the notes in an `.apkg` srs wrote (its legacy collection)."""
    with tempfile.TemporaryDirectory(prefix="srs-sync-") as tmp:
        with zipfile.ZipFile(package) as archive:
            archive.extract("collection.anki21", tmp)
        conn = sqlite3.connect(Path(tmp) / "collection.anki21")
        try:
            rows = conn.execute("SELECT guid, flds, tags FROM notes").fetchall()
        finally:
            conn.close()
    return {guid: (fields, tags.strip()) for guid, fields, tags in rows}


def _carries(conf: Mapping[str, Any], preset: FsrsPreset) -> bool:
    """Whether an Anki preset holds these FSRS settings (to Anki's 32-bit precision)."""
    params = conf.get("fsrsParams6") or []
    return (
        len(params) == len(preset.parameters)
        and all(
            abs(a - b) <= 1e-5 * max(1.0, abs(b))
            for a, b in zip(params, preset.parameters, strict=True)
        )
        and abs(float(conf.get("desiredRetention", 0)) - preset.desired_retention) <= 1e-5
    )
