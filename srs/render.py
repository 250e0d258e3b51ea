"""Markdown to sanitised HTML: the one place srs turns card text into HTML.

Card text is untrusted (decks are shared), so every HTML string that leaves this module has
been through nh3's allow-list: no scripts, no event-handler attributes, no `javascript:` or
`data:` URLs, no frames or objects. Math is taken out before Markdown sees it (Markdown would
eat `_` and `*` inside formulas) and put back afterwards in Anki's MathJax delimiters:
`$..$` becomes `\\(..\\)` and `$$..$$` becomes `\\[..\\]`. Inline `$` follows pandoc's rule so
prices survive: the opening `$` must have a non-space character right after it, the closing one
a non-space character right before it and no digit right after it; `\\$` is a literal dollar.
Dollars inside code spans and fenced code are left alone.

Results are cached by text (rendering dominates export time), so callers must treat the
returned values as immutable.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Mapping
from functools import lru_cache
from pathlib import Path

import markdown
import nh3
import pygments
from pygments.token import STANDARD_TYPES

from srs import markdown_scan
from srs.digests import blake2b
from srs.markdown_scan import MATH_TOKEN_RE, math_pieces, wiki_embeds
from srs.model import value_class

__all__ = [
    "Rendered",
    "decode_rendered",
    "encode_rendered",
    "render_fingerprint",
    "render_markdown",
    "rewrite_image_sources",
    "sanitise_html",
]

# Only these URL schemes survive; relative URLs (media file names) pass through.
_URL_SCHEMES = {"http", "https", "mailto"}
# nh3's default attribute allow-list, plus a code block's `class` (kept only for
# `language-*`, see `_keep_attribute`) and a `title` on links and images.
_ATTRIBUTES: dict[str, set[str]] = {
    **{tag: set(attrs) for tag, attrs in nh3.ALLOWED_ATTRIBUTES.items()},
    "code": {"class"},
    "span": {"class"},
    "div": {"class"},
}
CODE_CLASS = "srs-code"  # the block of highlighted code
_HIGHLIGHT_CLASSES = frozenset(c for c in STANDARD_TYPES.values() if c)
_ATTRIBUTES["a"] = {*_ATTRIBUTES["a"], "title"}
_ATTRIBUTES["img"] = {*_ATTRIBUTES["img"], "title"}

# Fenced code with a language is highlighted by Pygments (codehilite) into spans carrying
# Pygments' short token classes; the note types' CSS colours them (`srs.anki.code_css`).
# Classes rather than inline styles: `style` stays forbidden, so deck text cannot restyle a
# card, and the sanitiser keeps only classes from Pygments' fixed set (`_HIGHLIGHT_CLASSES`).
_converter = markdown.Markdown(
    extensions=["fenced_code", "codehilite", "tables", "sane_lists"],
    extension_configs={
        "tables": {"use_align_attribute": True},
        "codehilite": {
            "css_class": CODE_CLASS,
            "guess_lang": False,
            "use_pygments": True,
            "noclasses": False,
            "wrapcode": True,
        },
    },
    output_format="html",
)


@value_class
class Rendered:
    """Sanitised HTML of one Markdown text, with the `<img src>` values it references."""

    html: str
    images: tuple[str, ...]


@functools.cache
def render_fingerprint() -> str:
    """A digest of what decides the HTML: this module, `srs.markdown_scan` and the Markdown,
    nh3 and Pygments versions.

    Stored with HTML kept between exports, so an upgrade of any of them renders again.
    """
    digest = blake2b(Path(__file__).read_bytes(), digest_size=8)
    digest.update(Path(markdown_scan.__file__).read_bytes())
    nh3_version = nh3.__version__ if hasattr(nh3, "__version__") else ""
    digest.update(f"{markdown.__version__}/{nh3_version}/{pygments.__version__}".encode())
    return digest.hexdigest()


def encode_rendered(rendered: Mapping[str, Rendered]) -> str:
    """JSON for a note's rendered texts (text -> [html, [images]]), as the collection keeps it."""
    return json.dumps(
        {text: [r.html, list(r.images)] for text, r in rendered.items()}, ensure_ascii=False
    )


def decode_rendered(data: str) -> dict[str, Rendered]:
    """The inverse of `encode_rendered`."""
    return {text: Rendered(h, tuple(images)) for text, (h, images) in json.loads(data).items()}


def render_markdown(text: str) -> Rendered:
    """Render card Markdown to sanitised HTML with Anki math delimiters (cached by text)."""
    return _render_cached(text)


# One line of plain prose, optionally with `**bold**` / `*italic*` words: the most common card
# text. Python-Markdown makes it one paragraph whose HTML the sanitiser leaves as it is, so it
# is written directly (a tenth of the time: issue 19's cold export). Nothing here can start a
# block (the first character is a letter, one line, no `#`, `>`, `|`, fences or indentation),
# hold math (`$`, `\`), links, images, code, HTML or entities (`[`, `` ` ``, `<`, `&`), and
# emphasis is only a whole run of word characters between spaces or punctuation.
# tests/test_render.py compares it with the full path on generated texts.
_PLAIN_WORDS = r"[A-Za-z0-9](?:[A-Za-z0-9 ,.'-]*[A-Za-z0-9])?"
_PLAIN_TEXT = re.compile(
    r"[A-Za-z](?:[A-Za-z0-9 ,.?!'\"():;%/+=-]"
    rf"|(?<![^ (])\*\*{_PLAIN_WORDS}\*\*(?![^ ,.?!:;)])"
    rf"|(?<![^ (])\*{_PLAIN_WORDS}\*(?![^ ,.?!:;)]))*"
)
_PLAIN_STRONG = re.compile(rf"\*\*({_PLAIN_WORDS})\*\*")
_PLAIN_EM = re.compile(rf"\*({_PLAIN_WORDS})\*")


def _plain_html(text: str) -> str | None:
    """The HTML of a plain one-line text (see `_PLAIN_TEXT`), or None for any other text."""
    if text[-1:] == " " or not _PLAIN_TEXT.fullmatch(text):
        return None
    if "*" in text:
        text = _PLAIN_EM.sub(r"<em>\1</em>", _PLAIN_STRONG.sub(r"<strong>\1</strong>", text))
    return f"<p>{text}</p>"


@lru_cache(maxsize=65536)
def _render_cached(text: str) -> Rendered:
    if not text.strip():
        return Rendered("", ())
    plain = _plain_html(text)
    if plain is not None:
        return Rendered(plain, ())
    return _render_full(text)


def _render_full(text: str) -> Rendered:
    protected, pieces = math_pieces(wiki_embeds(text))
    _converter.reset()
    raw = _converter.convert(protected)
    images: list[str] = []
    clean = _clean(raw, images)
    if pieces:
        clean = MATH_TOKEN_RE.sub(lambda m: pieces[int(m.group(1))], clean)
    return Rendered(clean, tuple(images))


def sanitise_html(fragment: str) -> str:
    """Sanitise an HTML fragment with the same allow-list as rendered Markdown."""
    return _clean(fragment, [])


def rewrite_image_sources(fragment: str, mapping: dict[str, str]) -> str:
    """Replace `<img src>` values found in `mapping` (sanitised HTML in, sanitised HTML out)."""

    def rewrite(tag: str, attr: str, value: str) -> str | None:
        if tag == "img" and attr == "src":
            return mapping.get(value, value)
        return _keep_attribute(tag, attr, value)

    return _sanitise(fragment, rewrite)


def _keep_attribute(tag: str, attr: str, value: str) -> str | None:
    # Classes are kept only where highlighting puts them: the code block's `srs-code` on a
    # <div>, Pygments' token classes on a <span>, a fence's `language-*` on <code>. Anything
    # else could borrow the note type's CSS classes (e.g. to fake a "correct" marking).
    if attr == "class":
        if tag == "div":
            kept = [c for c in value.split() if c == CODE_CLASS]
        elif tag == "span":
            kept = [c for c in value.split() if c in _HIGHLIGHT_CLASSES]
        else:
            kept = [c for c in value.split() if c.startswith("language-")]
        return " ".join(kept) or None
    return value


def _clean(fragment: str, images: list[str]) -> str:
    def keep(tag: str, attr: str, value: str) -> str | None:
        if tag == "img" and attr == "src":
            images.append(value)
        return _keep_attribute(tag, attr, value)

    return _sanitise(fragment, keep)


def _sanitise(fragment: str, attribute_filter: Callable[[str, str, str], str | None]) -> str:
    return str(
        nh3.clean(
            fragment,
            attributes=_ATTRIBUTES,
            url_schemes=_URL_SCHEMES,
            attribute_filter=attribute_filter,
        )
    )
