"""hashcards decks (eudoxia0/hashcards): `Q:`/`A:` cards and `C:` clozes with `[brackets]`.

A hashcards collection is a folder of `.md` files, one deck per file (the file's path without
`.md`, or the `name = "..."` of its TOML front matter). `Q:` starts a question and `A:` its
answer, each side may span lines; `C:` starts a cloze whose every `[bracketed text]` is one
deletion (`\\[` is a literal bracket; `[text](url)` links and `![alt](src)` images are not
deletions). A card ends at the next marker or at a `---` line. Images written `@/path`
(relative to the collection root) are copied into the deck's media folder. hashcards keeps
its review history in its own database, which is not read: cards start as new.
"""

from __future__ import annotations

import re
from pathlib import Path

from srs.convert.html import media_link
from srs.convert.model import ConvertedNote, MediaItem, Source
from srs.convert.text_file import read_lines
from srs.errors import ConvertError
from srs.model import NoteKind

__all__ = ["read_hashcards"]

_NAME = re.compile(r'^\s*name\s*=\s*"((?:[^"\\]|\\.)*)"\s*$')
_IMAGE = re.compile(r"(!\[[^\]\n]*\]\()@/([^)\s]+)\)")
_MAX_BYTES = 5_000_000


def read_hashcards(source: Path) -> Source:
    """Cards of a hashcards collection folder (or one deck file)."""
    root = source if source.is_dir() else source.parent
    files = (
        sorted(
            p
            for p in source.rglob("*.md")
            if not any(part.startswith(".") for part in p.relative_to(source).parts)
        )
        if source.is_dir()
        else [source]
    )
    result = Source()
    for path in files:
        _read_file(result, root, path)
    if not result.notes:
        raise ConvertError(f"{source}: no hashcards cards (Q:/A: or C:) found")
    return result


def _read_file(result: Source, root: Path, path: Path) -> None:
    lines = read_lines(path, _MAX_BYTES, what="deck")
    deck = path.relative_to(root).with_suffix("").as_posix()
    start = 0
    if lines and lines[0].strip() == "---":
        for index in range(1, len(lines)):
            if lines[index].strip() == "---":
                for line in lines[1:index]:
                    match = _NAME.match(line)
                    if match:
                        deck = match.group(1).replace('\\"', '"')
                start = index + 1
                break
    display = path.relative_to(root).as_posix()
    card: list[tuple[str, list[str]]] = []  # (marker, lines) of the open card
    first = 0

    def close() -> None:
        if card:
            _card(result, root, deck, f"{display}:{first}", card)
            card.clear()

    for number in range(start, len(lines)):
        line = lines[number]
        marker = line[:2] if line[:2] in ("Q:", "A:", "C:") else None
        if line.strip() == "---" and not line.startswith(" "):
            close()
        elif marker in ("Q:", "C:"):
            close()
            first = number + 1
            card.append((marker, [line[2:].strip()]))
        elif marker == "A:" and card and card[-1][0] == "Q:":
            card.append((marker, [line[2:].strip()]))
        elif card:
            card[-1][1].append(line)
        elif line.strip() and not line.startswith("#"):
            result.warnings.append(f"{display}:{number + 1}: text outside any card is ignored")
    close()


def _card(
    result: Source, root: Path, deck: str, origin: str, card: list[tuple[str, list[str]]]
) -> None:
    sides = {marker: _images(result, root, "\n".join(lines).strip()) for marker, lines in card}
    if "C:" in sides:
        text = _clozes(sides["C:"])
        if text is None:
            result.warnings.append(f"{origin}: cloze without a [deletion] is ignored")
            return
        result.notes.append(ConvertedNote(NoteKind.CLOZE, text, "", deck, origin=origin))
    elif sides.get("Q:") and sides.get("A:"):
        result.notes.append(
            ConvertedNote(NoteKind.BASIC, sides["Q:"], sides["A:"], deck, origin=origin)
        )
    else:
        result.warnings.append(f"{origin}: 'Q:' without 'A:' is ignored")


def _clozes(text: str) -> str | None:
    """Each unescaped `[text]` that is not a link or image as `{{cN::text}}`."""
    out: list[str] = []
    count = 0
    index = 0
    while index < len(text):
        char = text[index]
        if char == "\\" and text[index + 1 : index + 2] in ("[", "]"):
            out.append(text[index + 1])
            index += 2
            continue
        if char == "[" and not (index and text[index - 1] == "!"):
            end = text.find("]", index + 1)
            if end != -1 and text[end + 1 : end + 2] != "(" and "\n" not in text[index:end]:
                count += 1
                out.append(f"{{{{c{count}::{text[index + 1 : end]}}}}}")
                index = end + 1
                continue
        out.append(char)
        index += 1
    return "".join(out) if count else None


def _images(result: Source, root: Path, text: str) -> str:
    """`![alt](@/path)` -> the file copied into media/ (only files inside the collection)."""

    def copy(match: re.Match[str]) -> str:
        target = (root / match.group(2)).resolve()
        if not target.is_file() or not target.is_relative_to(root.resolve()):
            result.warnings.append(f"image @/{match.group(2)} is not a file in {root}")
            return match.group(0)
        safe = re.sub(r"[^A-Za-z0-9._ -]+", "_", target.name).lstrip(".") or "file"
        result.media.setdefault(safe, MediaItem(safe, target))
        return f"{match.group(1)}{media_link(safe)})"

    return _IMAGE.sub(copy, text)
