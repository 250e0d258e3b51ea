"""Reading a source file another program wrote: bounded, and every failure one located line.

The CSV, Obsidian and hashcards readers all start from bytes on disk that may be huge, unreadable
or in another encoding; each refusal must name the file (and the line, for bad UTF-8) and leave
nothing written, so the three share this one reader.
"""

from __future__ import annotations

from pathlib import Path

from srs.errors import ConvertError

__all__ = ["read_bytes", "read_lines"]


def read_bytes(path: Path, max_bytes: int) -> bytes:
    """The file's bytes, refused past `max_bytes` (a deck that large is a mistake, not notes)."""
    try:
        data = path.read_bytes()
    except OSError as e:
        raise ConvertError(f"{path}: cannot read ({e.strerror or e})") from None
    if len(data) > max_bytes:
        raise ConvertError(f"{path}: file is too large (over {max_bytes} bytes)")
    return data


def read_lines(path: Path, max_bytes: int, *, what: str) -> list[str]:
    """The file's lines as UTF-8 (a BOM allowed, any line ending); `what` names it in errors."""
    data = read_bytes(path, max_bytes)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        raise ConvertError(f"{path}:{line}: not UTF-8 text; save the {what} as UTF-8") from None
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
