"""Resolve image and sound references in card HTML to files inside the deck's folder.

A deck is untrusted input: `![x](../../.ssh/id_rsa)` must not smuggle a private file into a
package someone then shares. A reference is accepted only if, after following symlinks, it
names a regular file inside the deck file's folder (`media_root`). Everything else is an
`ExportError` located at the note (`path:line: message`).

Files are stored under `<stem>-<hash><ext>`: the hash of the content makes names unique in
the package and in the user's Anki media folder, and lets identical images share one entry.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from srs.errors import ExportError
from srs.model import Note, value_class

__all__ = ["SOUND_RE", "MediaFile", "MediaResolver", "is_remote"]

# Anki's audio tag; the path inside may not hold `]` (Anki's own reading of the tag).
SOUND_RE = re.compile(r"\[sound:([^\]\[]+)\]")

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_REMOTE_SCHEMES = {"http", "https"}


@value_class
class MediaFile:
    """One file to put into the package: its name in Anki and where its bytes are."""

    name: str
    source: Path


def is_remote(src: str) -> bool:
    """True for `http(s)://` URLs, which Anki loads itself and srs leaves alone."""
    return urlsplit(src).scheme.lower() in _REMOTE_SCHEMES


class MediaResolver:
    """Maps image references to package names, once per distinct file."""

    def __init__(self) -> None:
        self._by_path: dict[Path, MediaFile] = {}

    def resolve(
        self, src: str, note: Note, media_root: Path, kind: str = "image"
    ) -> tuple[str, MediaFile | None]:
        """The package name for `src`, and the file if it was seen for the first time.

        Remote URLs come back unchanged with no file. Raises `ExportError` for references
        outside `media_root`, absolute paths, other URL schemes and missing files.
        """
        if is_remote(src):
            return src, None
        path = self._check(src, note, media_root, kind)
        known = self._by_path.get(path)
        if known is not None:
            return known.name, None
        media = MediaFile(_package_name(path), path)
        self._by_path[path] = media
        return media.name, media

    def _check(self, src: str, note: Note, media_root: Path, kind: str) -> Path:
        def fail(message: str) -> ExportError:
            return ExportError(f"{note.location}: {kind} {src!r} {message}")

        parts = urlsplit(src)
        if parts.scheme and len(parts.scheme) > 1:
            raise fail("uses a URL scheme other than http(s); refer to a file in the deck folder")
        relative = unquote(parts.path)
        if not relative:
            raise fail("is empty")
        if (
            PurePosixPath(relative).is_absolute()
            or relative.startswith("\\")
            or re.match(r"^[A-Za-z]:", relative)
        ):
            raise fail("is an absolute path; use a path relative to the deck file's folder")
        root = media_root.resolve()
        target = (root / relative).resolve()
        if not target.is_relative_to(root):
            raise fail(f"resolves outside the deck folder {root}")
        if not target.is_file():
            raise fail(f"not found in {root}")
        return target


def _package_name(path: Path) -> str:
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    stem = _UNSAFE.sub("_", path.stem).strip("._") or "image"
    suffix = _UNSAFE.sub("", path.suffix.lower())
    # Anki keeps unreferenced files only if their names start with "_"; ours are referenced,
    # and must not start with it by accident.
    return f"{stem[:60]}-{digest}{suffix}"
