"""The image files a card refers to, for the review screen's `o` key (open in a viewer).

A deck is untrusted: `![x](../../.ssh/id_rsa)` must not make srs hand a file outside the deck
to another program. The rule is the Anki export's (`srs.anki.media`): a reference is a path
relative to the deck file's folder that, after following symlinks, names a regular file inside
that folder. Remote (`http(s)`) images are listed, not opened; anything else is refused and said.
"""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from srs.model import value_class
from srs.views import CardView

__all__ = ["CardImages", "card_images"]


@value_class
class CardImages:
    """A card's images: files that may be opened, remote URLs, and refused references."""

    folder: Path  # the deck file's folder, the only place images are taken from
    files: tuple[Path, ...]
    remote: tuple[str, ...]
    refused: tuple[tuple[str, str], ...]  # (reference, why)


def card_images(card: CardView) -> CardImages:
    """The images of the card's faces, options and rationales, in order, each once."""
    from srs.render import render_markdown

    folder = Path(card.abs_path).parent.resolve()
    texts = [card.front, card.back]
    for option in card.options:
        texts += [option.text, option.rationale]
    files: list[Path] = []
    remote: list[str] = []
    refused: list[tuple[str, str]] = []
    for text in texts:
        if not text or ("![" not in text and "<img" not in text):
            continue
        for src in render_markdown(text).images:
            scheme = urlsplit(src).scheme.lower()
            if scheme in ("http", "https"):
                if src not in remote:
                    remote.append(src)
                continue
            path, why = _inside(src, folder)
            if path is None:
                refused.append((src, why))
            elif path not in files:
                files.append(path)
    return CardImages(folder, tuple(files), tuple(remote), tuple(refused))


def _inside(src: str, folder: Path) -> tuple[Path | None, str]:
    parts = urlsplit(src)
    if parts.scheme and len(parts.scheme) > 1:
        return None, "not a file in the deck folder"
    relative = unquote(parts.path)
    if (
        not relative
        or PurePosixPath(relative).is_absolute()
        or relative.startswith("\\")
        or re.match(r"^[A-Za-z]:", relative)
    ):
        return None, "not a path relative to the deck folder"
    target = (folder / relative).resolve()
    if not target.is_relative_to(folder):
        return None, "outside the deck folder"
    if not target.is_file():
        return None, "not found"
    return target, ""
