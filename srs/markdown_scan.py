"""Scanning card Markdown without rendering it: fenced code, code spans, Obsidian embeds and
math spans.

The review screen needs these (an embed becomes an image line, math becomes Unicode text) and
so does the HTML export (`srs.render`), by the same rules. Kept apart from `srs.render` so the
terminal does not load Python-Markdown, nh3 and Pygments to draw a card (~50 ms of `srs
review`'s start).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

__all__ = ["EMBED_RE", "FENCE_RE", "MATH_TOKEN_RE", "math_pieces", "wiki_embeds"]

FENCE_RE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
# Placeholders are plain letters and digits so that Markdown passes them through untouched.
_MATH_TOKEN = "srsmathQZ{}QZ"
MATH_TOKEN_RE = re.compile(r"srsmathQZ(\d+)QZ")

EMBED_RE = re.compile(r"!\[\[([^\[\]|\n]+?)(?:\|([^\[\]\n]*))?\]\]")
_CODE_SPAN_RE = re.compile(r"(`+)(?:.|\n)*?(?<!`)\1(?!`)")


def wiki_embeds(text: str) -> str:
    """Obsidian image embeds `![[x.png]]` / `![[x.png|alt]]` as Markdown images.

    Obsidian users write embeds by habit; srs reads them as `![alt](x.png)`, a file beside the
    deck (or below it), so the review screen, `srs export anki` and its media checks treat them
    like any other image. Code spans and fenced code are left alone. Text without `![[` is
    returned as is (the common case costs one search).
    """
    if "![[" not in text:
        return text
    out: list[str] = []
    fence: str | None = None
    for line in text.split("\n"):
        match = FENCE_RE.match(line)
        if fence is not None:
            closing = match.group(1) if match else ""
            if closing[:1] == fence[0] and len(closing) >= len(fence) and line.strip() == closing:
                fence = None
            out.append(line)
            continue
        if match:
            fence = match.group(1)
            out.append(line)
            continue
        out.append(_embeds_outside_code(line))
    return "\n".join(out)


def _embeds_outside_code(line: str) -> str:
    pieces: list[str] = []
    last = 0
    for code in _CODE_SPAN_RE.finditer(line):
        pieces.append(EMBED_RE.sub(_embed, line[last : code.start()]))
        pieces.append(code.group(0))
        last = code.end()
    pieces.append(EMBED_RE.sub(_embed, line[last:]))
    return "".join(pieces)


def _embed(match: re.Match[str]) -> str:
    from urllib.parse import quote

    name = match.group(1).strip()
    alt = (match.group(2) or "").strip()
    if alt.isdigit() or not alt:  # `![[x.png|200]]` is a width in Obsidian
        alt = name
    return f"![{alt}]({quote(name)})"


def math_pieces(text: str) -> tuple[str, list[str]]:
    """The text with each math span (and `\\$`) swapped for `srsmathQZ<n>QZ` (`MATH_TOKEN_RE`),
    skipping code, and the spans as HTML-escaped `\\(..\\)` / `\\[..\\]` (`$` for a literal
    dollar): the terminal's math (`srs.math_text`) finds math by the same rules as the export."""
    pieces: list[str] = []
    out: list[str] = []

    def hold(piece_html: str) -> None:
        out.append(_MATH_TOKEN.format(len(pieces)))
        pieces.append(piece_html)

    lines = text.split("\n")
    fence: str | None = None
    block: list[str] = []  # the current run of non-code lines
    for index, line in enumerate(lines):
        newline = "\n" if index < len(lines) - 1 else ""
        match = FENCE_RE.match(line)
        if fence is not None:
            out.append(line + newline)
            closing = match.group(1) if match else ""
            if closing[:1] == fence[0] and len(closing) >= len(fence) and line.strip() == closing:
                fence = None
            continue
        if match:
            _scan_inline("".join(block), out, hold)
            block = []
            fence = match.group(1)
            out.append(line + newline)
            continue
        block.append(line + newline)
    _scan_inline("".join(block), out, hold)
    return "".join(out), pieces


def _scan_inline(text: str, out: list[str], hold: Callable[[str], None]) -> None:
    """Copy `text` to `out`, replacing math spans and `\\$` outside code spans."""
    i = 0
    n = len(text)
    start = 0  # start of the pending literal run
    while i < n:
        ch = text[i]
        if ch == "\\" and i + 1 < n:
            nxt = text[i + 1]
            if nxt == "$":
                out.append(text[start:i])
                hold("$")
                i += 2
                start = i
                continue
            if nxt in "([":
                close = "\\)" if nxt == "(" else "\\]"
                end = text.find(close, i + 2)
                if end != -1 and "\n\n" not in text[i:end]:
                    out.append(text[start:i])
                    hold(html.escape(text[i : end + 2], quote=False))
                    i = end + 2
                    start = i
                    continue
            i += 2  # any other escape (including `\\`) is Markdown's business
            continue
        if ch == "`":
            run = len(text) - len(text[i:].lstrip("`"))
            ticks = text[i : i + run]
            end = _find_code_end(text, i + run, ticks)
            i = end if end != -1 else i + run
            continue
        if ch == "$":
            if text.startswith("$$", i):
                end = _find_unescaped(text, "$$", i + 2)
                body = text[i + 2 : end] if end != -1 else ""
                if end != -1 and body.strip() and "\n\n" not in body:
                    out.append(text[start:i])
                    hold(html.escape(f"\\[{body}\\]", quote=False))
                    i = end + 2
                    start = i
                    continue
                i += 2
                continue
            end = _find_inline_close(text, i)
            if end != -1:
                out.append(text[start:i])
                hold(html.escape(f"\\({text[i + 1 : end]}\\)", quote=False))
                i = end + 1
                start = i
                continue
        i += 1
    out.append(text[start:])


def _find_code_end(text: str, pos: int, ticks: str) -> int:
    """Index just past the backtick run closing a code span opened by `ticks`, or -1."""
    while True:
        found = text.find(ticks, pos)
        if found == -1:
            return -1
        after = found + len(ticks)
        if after < len(text) and text[after] == "`":
            pos = after + len(text[after:]) - len(text[after:].lstrip("`"))
            continue
        return after


def _find_unescaped(text: str, needle: str, pos: int) -> int:
    while True:
        found = text.find(needle, pos)
        if found == -1 or text[found - 1] != "\\":
            return found
        pos = found + 1


def _find_inline_close(text: str, open_at: int) -> int:
    """The closing `$` of inline math opened at `open_at` under pandoc's rule, or -1."""
    first = open_at + 1
    if first >= len(text) or text[first].isspace() or text[first] == "$":
        return -1
    pos = first
    while True:
        found = text.find("$", pos)
        newline = text.find("\n", pos)
        if found == -1 or (newline != -1 and newline < found):
            return -1
        prev = text[found - 1]
        after = text[found + 1] if found + 1 < len(text) else ""
        if prev == "\\":
            pos = found + 1
            continue
        if found > open_at + 1 and not prev.isspace() and not after.isdigit():
            return found
        pos = found + 1
