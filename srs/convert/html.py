"""Card HTML from another program -> srs Markdown, with a converter library, not regexes.

Text from a package or a CSV file is untrusted. It is first sanitised with the same nh3
allow-list srs renders with (scripts, styles, event attributes and `javascript:` URLs are
dropped with their content), then converted by `markdownify` (MIT, maintained, built on
BeautifulSoup), which handles nesting, lists, tables, emphasis and entities that regular
expressions get wrong. Around the conversion, Anki's MathJax delimiters are held as
placeholders (so the converter cannot escape `_` or `*` inside a formula) and come back as
`$..$` and `$$..$$`; image sources and `[sound:..]` tags are pointed at the deck's `media/`
folder.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping
from urllib.parse import quote, unquote

from srs.render import rewrite_image_sources

__all__ = ["MEDIA_DIR", "html_to_markdown", "media_link", "plain_to_markdown"]

MEDIA_DIR = "media"

_MATH = re.compile(r"\\\((.+?)\\\)|\\\[(.+?)\\\]", re.DOTALL)
_SOUND = re.compile(r"\[sound:([^\]\n]+)\]")
_TOKEN = "srsconvQZ{}QZ"
_TOKEN_RE = re.compile(r"srsconvQZ(\d+)QZ")
_BLANKS = re.compile(r"\n[ \t]*\n(?:[ \t]*\n)+")
_TAG = re.compile(r"<[^>]+>")
# What only the converter handles: tags, entities, Markdown characters it escapes, Anki's
# sound and MathJax syntax, line breaks.
_NEEDS_CONVERTER = re.compile(r"[<>&*_`\\\[\]#\n|~]|^\s*(?:[-+]|\d+[.)])\s")
_IMG_SRC = re.compile(r"""<img\b[^>]*?\ssrc\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I)


def media_link(name: str) -> str:
    """The link from a deck file to one of its media files (URL-quoted: names have spaces)."""
    return f"{MEDIA_DIR}/{quote(name)}"


def _hold_math(text: str, held: list[str]) -> str:
    def hold(match: re.Match[str]) -> str:
        inline, display = match.group(1), match.group(2)
        body = html.unescape(_TAG.sub(" ", inline if inline is not None else display)).strip()
        held.append(f"${body}$" if inline is not None else f"$${body}$$")
        return _TOKEN.format(len(held) - 1)

    return _MATH.sub(hold, text)


def _release(text: str, held: list[str]) -> str:
    return _TOKEN_RE.sub(lambda m: held[int(m.group(1))], text)


def _sounds(text: str, media: Callable[[str], str | None], held: list[str]) -> str:
    def link(match: re.Match[str]) -> str:
        name = html.unescape(match.group(1)).strip()
        safe = media(name)
        held.append(f"[sound: {safe}]({media_link(safe)})" if safe else f"[sound: {name}]")
        return _TOKEN.format(len(held) - 1)

    return _SOUND.sub(link, text)


def html_to_markdown(text: str, media: Callable[[str], str | None] | None = None) -> str:
    """Sanitised, converted Markdown of an HTML field.

    `media(name)` gives the safe file name of a media file the source has (None if it has
    none by that name); images and sounds it knows are linked under `media/`.
    """
    if not _NEEDS_CONVERTER.search(text):
        # Plain text (most fields of a plain deck): nothing for the converter to do, and
        # skipping it makes a 10k-note package several seconds faster.
        return _BLANKS.sub("\n\n", text.replace("\xa0", " ")).strip()
    from markdownify import markdownify

    lookup = media or (lambda _name: None)
    held: list[str] = []
    text = _sounds(_hold_math(text, held), lookup, held)

    def image(src: str) -> str | None:
        safe = lookup(src)
        return media_link(safe) if safe else None

    sources: dict[str, str] = {}
    for match in _IMG_SRC.finditer(text):
        src = html.unescape(next(g for g in match.groups() if g is not None))
        target = image(src)
        if target is not None:
            sources[src] = target
    clean = rewrite_image_sources(text, sources)
    converted = markdownify(
        clean, heading_style="ATX", bullets="-", newline_style="BACKSLASH", strip=["span"]
    )
    converted = converted.replace("\xa0", " ")
    converted = _BLANKS.sub("\n\n", converted)
    return _release(converted, held).strip()


def plain_to_markdown(text: str, replacements: Mapping[str, str] | None = None) -> str:
    """A plain-text field: kept as written (line breaks too), MathJax delimiters converted."""
    held: list[str] = []
    text = _hold_math(text, held)
    for old, new in (replacements or {}).items():
        text = text.replace(old, new)
    return _release(text, held).strip()


def media_used(text: str) -> list[str]:
    """Names of the media files a deck file's text links to (`media/NAME`)."""
    names = []
    marker = f"]({MEDIA_DIR}/"
    start = text.find(marker)
    while start != -1:
        end = text.find(")", start)
        if end == -1:
            break
        names.append(unquote(text[start + len(marker) : end]))
        start = text.find(marker, end)
    return names
