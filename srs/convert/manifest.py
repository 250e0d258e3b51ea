"""Which files a conversion wrote into DIR, so that a later one never overwrites others.

`DIR/.srs-convert.json` maps each written file (POSIX path relative to DIR) to the SHA-256 of
the bytes written. A file may be replaced only if it is absent, already holds exactly the
new bytes, or is listed with its current digest (written by a conversion and not edited
since). Anything else is refused unless `--force`: the user's own notes and edits win.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

from srs.errors import ConvertError

__all__ = [
    "MANIFEST",
    "digest",
    "load",
    "load_sources",
    "plan_writes",
    "save",
    "stale",
    "write_atomic",
]

MANIFEST = ".srs-convert.json"


def digest(data: bytes) -> str:
    """The digest kept for a written file."""
    return hashlib.sha256(data).hexdigest()


def load(dest: Path) -> dict[str, str]:
    """The manifest of DIR: written file -> digest (empty when there is none)."""
    return _read(dest)[0]


def load_sources(dest: Path) -> dict[str, list[str]]:
    """Which files each source (its absolute path) produced last time."""
    return _read(dest)[1]


def _read(dest: Path) -> tuple[dict[str, str], dict[str, list[str]]]:
    path = dest / MANIFEST
    if not path.exists():
        return {}, {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        files, sources = data["files"], data.get("sources", {})
        if not isinstance(files, dict) or not isinstance(sources, dict):
            raise TypeError
        return (
            {str(k): str(v) for k, v in files.items()},
            {str(k): [str(f) for f in v] for k, v in sources.items()},
        )
    except (OSError, ValueError, KeyError, TypeError):
        raise ConvertError(f"{path}: not a manifest srs convert can read; remove it") from None


def stale(
    dest: Path, previous: list[str], wanted: Mapping[str, bytes], manifest: Mapping[str, str]
) -> tuple[list[str], list[str]]:
    """Files a source produced before but not now: (unedited ones to remove, edited ones to
    keep). Removing them keeps a note that moved to another deck from being read twice."""
    remove: list[str] = []
    keep: list[str] = []
    for relative in previous:
        if relative in wanted:
            continue
        current = _current(dest / relative)
        if current is None:
            continue
        (remove if manifest.get(relative) == current else keep).append(relative)
    return remove, keep


def _current(path: Path) -> str | None:
    try:
        return digest(path.read_bytes())
    except FileNotFoundError:
        return None
    except OSError as e:
        raise ConvertError(f"{path}: cannot read ({e.strerror or e})") from None


def plan_writes(
    dest: Path, wanted: Mapping[str, bytes], manifest: Mapping[str, str], *, force: bool
) -> tuple[list[str], list[str]]:
    """Check every file before anything is written: (files to write, files unchanged).

    Raises ConvertError naming the first file that exists and was not written by an earlier
    conversion (or was edited since), unless `force`.
    """
    to_write: list[str] = []
    unchanged: list[str] = []
    for relative, data in sorted(wanted.items()):
        target = dest / relative
        if target.is_symlink() or (target.exists() and not target.is_file()):
            raise ConvertError(f"{target}: exists and is not a regular file; nothing was written")
        current = _current(target)
        new = digest(data)
        if current == new:
            unchanged.append(relative)
        elif current is None or force or manifest.get(relative) == current:
            to_write.append(relative)
        else:
            raise ConvertError(
                f"{target}: exists and was not written by srs convert (or was edited since);"
                " nothing was written (use --force to replace it)"
            )
    return to_write, unchanged


def write_atomic(path: Path, data: bytes) -> None:
    """Write a file through a temporary file in the same folder and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def save(
    dest: Path, manifest: Mapping[str, str], sources: Mapping[str, list[str]] | None = None
) -> None:
    """Write the manifest (sorted, so two identical runs give identical bytes)."""
    data = json.dumps(
        {
            "version": 1,
            "files": dict(sorted(manifest.items())),
            "sources": {k: sorted(v) for k, v in sorted((sources or {}).items())},
        },
        indent=1,
    )
    write_atomic(dest / MANIFEST, (data + "\n").encode())
