"""Which srs kind an Anki note type becomes (packages and Anki's text export share this).

| Anki note type | srs |
|---|---|
| Basic, Basic (type in the answer), srs Basic | basic: Front, Back |
| Basic (and reversed card), srs Basic (and reversed card) | both ways |
| Basic (optional reversed card) | both ways when "Add Reverse" is filled, else basic |
| Cloze, srs Cloze (any cloze note type) | cloze: Text, Back Extra |
| Image Occlusion | skipped: srs cannot show masks over an image |
| anything else | basic: the first field is the front, the others the back, with a warning |

Names are Anki's English stock names; a package also says a note type is a cloze type or
an image occlusion type (its `kind`), whatever its name.
"""

from __future__ import annotations

from collections.abc import Sequence

from srs.model import NoteKind, value_class

__all__ = ["IMAGE_OCCLUSION", "Mapped", "map_fields"]

IMAGE_OCCLUSION = "image occlusion notes (srs cannot show masks over an image)"

_BASIC = {"basic", "basic (type in the answer)", "srs basic", ""}
_BOTH = {"basic (and reversed card)", "srs basic (and reversed card)"}
_OPTIONAL = {"basic (optional reversed card)"}


@value_class
class Mapped:
    """A note's kind and sides, or why it is skipped; `warning` names a guessed mapping."""

    kind: NoteKind = NoteKind.BASIC
    front: str = ""
    back: str = ""
    skip: str | None = None
    warning: str | None = None


def _join(fields: Sequence[str]) -> str:
    return "\n\n".join(f for f in fields if f.strip())


def map_fields(
    notetype: str,
    fields: Sequence[str],
    origin: str,
    *,
    cloze: bool = False,
    occlusion: bool = False,
) -> Mapped:
    """Map one note's fields (already Markdown) by its note type's name and kind."""
    name = notetype.strip().lower()
    if occlusion or name.startswith("image occlusion"):
        return Mapped(skip=IMAGE_OCCLUSION)
    fields = list(fields) or [""]
    if not fields[0].strip():
        return Mapped(skip="notes with an empty first field")
    if cloze or name in ("cloze", "srs cloze") or (not name and "{{c" in fields[0]):
        if "{{c" not in fields[0]:
            return Mapped(skip="cloze notes without a deletion")
        return Mapped(NoteKind.CLOZE, fields[0], _join(fields[1:]))
    back = fields[1] if len(fields) > 1 else ""
    if name in _BASIC and len(fields) <= 2:
        return Mapped(NoteKind.BASIC, fields[0], back)
    if name in _BOTH and len(fields) <= 2:
        return Mapped(NoteKind.BOTH, fields[0], back)
    if name in _OPTIONAL and len(fields) <= 3:
        reverse = len(fields) > 2 and fields[2].strip()
        return Mapped(NoteKind.BOTH if reverse else NoteKind.BASIC, fields[0], back)
    warning = (
        f"note type '{notetype}' is not one srs knows: its first field became the front"
        f" and the other fields the back (first seen at {origin})"
        if name
        else None
    )
    return Mapped(NoteKind.BASIC, fields[0], _join(fields[1:]), warning=warning)
