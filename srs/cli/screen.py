"""What the terminal screens (`srs review`, `srs exam`) share: keys, the console, Markdown, clocks.

Deck text is untrusted: `markdown` escapes it (`srs.terminal.escape_text`) before rich sees it,
and the console reads no rich markup, so nothing a deck holds reaches the terminal as a control.
"""

from __future__ import annotations

import contextlib
import os
import re
import select
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console, RenderableType
    from rich.segment import Segment
    from rich.text import Text

    from srs.study.session import AgainCard

__all__ = [
    "NARROW",
    "SCROLL",
    "Keys",
    "Pager",
    "append_card_list",
    "clock_text",
    "markdown",
    "print_lines",
    "print_trimmed",
    "render_lines",
    "tables_as_lists",
    "terminal_console",
]

NARROW = 50  # columns below which a screen shortens its hints (and review's buttons take 2 lines)
# Keys that move a paged text: a line, or (±2) a page.
SCROLL = {"j": 1, "down": 1, "k": -1, "up": -1, "pgdn": 2, "pgup": -2}
PAGE_MIN = 3  # fewest lines worth paging; on a smaller screen the text just scrolls


def terminal_console() -> Console:
    """A rich console that prints text as given: no markup, highlighting or emoji codes."""
    from rich.console import Console

    from srs.cli.root import no_color

    return Console(
        highlight=False, markup=False, emoji=False, no_color=no_color() or None, soft_wrap=False
    )


def print_trimmed(console: Console, parts: Iterable[RenderableType]) -> None:
    """Print `parts` without the spaces rich pads lines with (a report kept in a file, a diff
    or a mail should not carry them); styles at the end of a line are kept."""
    import re
    import sys

    with console.capture() as captured:
        for part in parts:
            console.print(part)
    trailing = re.compile(r" +((?:\x1b\[[0-9;]*m)*)$", re.MULTILINE)
    sys.stdout.write(trailing.sub(r"\1", captured.get()))
    sys.stdout.flush()


def append_card_list(out: Text, cards: Iterable[AgainCard], width: int) -> None:
    """Cards to look at again (a summary's Again or leech list): `path:line`, then the front's
    first line, one terminal line each at any width. A long path loses its start, so the file
    name and line stay whole instead of wrapping mid-word; a long front loses its end."""
    from srs.terminal import escape_text

    front_width = max(min(60, width - 5), 10)
    for card in cards:
        source, front = tail_fit(escape_text(card.source), width - 2), escape_text(card.front)
        if len(front) > front_width:
            front = front[: front_width - 1] + "…"
        out.append(f"  {source}\n")
        out.append(f"    {front}\n", style="dim")


def tail_fit(source: str, width: int) -> str:
    """A `path:line` in at most `width` terminal columns (10 at least; a CJK character takes
    two): a long one loses its start, so the file name and line stay whole on one line
    instead of wrapping mid-word."""
    from rich.cells import cell_len, get_character_cell_size

    width = max(width, 10)
    if cell_len(source) <= width:
        return source
    start, used = len(source), 1  # the "…"
    while start and used + get_character_cell_size(source[start - 1]) <= width:
        start -= 1
        used += get_character_cell_size(source[start])
    return "…" + source[start:]


class Breadcrumb:
    """A card's deck and heading trail (already escaped), folded only between its parts:
    after a `/` of the deck name, before a ` › `, or at a space. A deck named after its
    folders often has no spaces, and rich folds such a name mid-word; a part wider than the
    screen loses its start (`tail_fit`)."""

    def __init__(self, deck: str, context: Sequence[str], style: str = "") -> None:
        # (joiner on the same line, text, prefix when the text starts a line)
        self.pieces: list[tuple[str, str, str]] = []
        folders = deck.split("/") if deck else []
        for i, name in enumerate(folders):
            words = name.split() or [""]
            if i < len(folders) - 1:
                words[-1] += "/"
            self.pieces.append(("", words[0], ""))
            self.pieces += [(" ", word, "") for word in words[1:]]
        for part in context:
            for i, word in enumerate(part.split()):
                first = i == 0 and bool(self.pieces)
                self.pieces.append((" › ", word, "› ") if first else (" ", word, ""))
        self.style = style

    def lines(self, width: int) -> list[str]:
        """The trail in lines of at most `width` columns, each filled as far as it goes."""
        from rich.cells import cell_len  # columns: a CJK character takes two

        lines: list[str] = []
        line = ""
        for joiner, text, lead in self.pieces:
            if line and cell_len(line) + len(joiner) + cell_len(text) <= width:
                line += joiner + text
                continue
            if line:
                lines.append(line)
            line = tail_fit(lead + text, width)
        return [*lines, line] if line else lines

    def __rich_console__(self, console: Console, options: Any) -> Iterator[RenderableType]:
        from rich.text import Text

        for line in self.lines(options.max_width):
            yield Text(line, style=self.style, no_wrap=True)


class HeadedSource:
    """`head` then a `path:line` (both already escaped), on one line when they fit the width
    they are drawn at; else the head, then the source on a line of its own, cut at its start
    by `tail_fit` if it is still too long, so its file name never wraps mid-word."""

    def __init__(self, head: str, source: str, style: str = "") -> None:
        self.head, self.source, self.style = head, source, style

    def __rich_console__(self, console: Console, options: Any) -> Iterator[RenderableType]:
        from rich.cells import cell_len
        from rich.text import Text

        width = options.max_width
        if cell_len(self.head + self.source) <= width:
            yield Text(self.head + self.source, style=self.style)
        else:
            yield Text(self.head.rstrip(), style=self.style)
            yield Text(tail_fit(self.source, width), style=self.style, no_wrap=True)


def markdown(text: str, style: str = "none") -> RenderableType:
    """Deck text (escaped) rendered as Markdown, links shown as text, math as Unicode text
    (`style`: e.g. "dim"); a table too wide for the screen reads as a list (`_DeckMarkdown`)."""
    from srs.markdown_scan import wiki_embeds
    from srs.math_text import math_to_text
    from srs.terminal import escape_text

    return _DeckMarkdown(escape_text(math_to_text(wiki_embeds(text))), style)


# One line of plain prose, what most card texts are: rich's Markdown draws it as one paragraph,
# exactly a Text in the style (tests/test_screen_markdown.py compares them), and loading its
# parser (markdown-it, Pygments) costs `srs review` ~50 ms before the first card. Nothing here
# can start a block or hold inline syntax: a letter first, one line, no `*_`#>|[]<&\~` or a
# trailing space.
_PLAIN_LINE = re.compile(r"[A-Za-z][A-Za-z0-9 ,.?!'\"():;%/+=-]*(?<! )")


class _DeckMarkdown:
    """Markdown drawn at the width it is given: rich cuts the cells of a table wider than
    that to "Real-…", so there each row becomes a list item ("Option: Real-time endpoints;
    Traffic pattern: ...") that wraps at whole words."""

    def __init__(self, source: str, style: str) -> None:
        self.source = source
        self.style = style

    def __rich_console__(self, console: Console, options: Any) -> Iterator[RenderableType]:
        if _PLAIN_LINE.fullmatch(self.source):
            from rich.text import Text

            text = Text(justify="left")  # the style on the words, not on the padding
            text.append(self.source, console.get_style(self.style, default="none"))
            yield text
            return
        from rich.markdown import Markdown

        drawn = Markdown(self.source, style=self.style, hyperlinks=False)
        if "|" in self.source and _cuts_words(console, options, drawn, self.source):
            drawn = Markdown(tables_as_lists(self.source), style=self.style, hyperlinks=False)
        yield drawn


def _cuts_words(console: Console, options: Any, drawn: RenderableType, source: str) -> bool:
    """Whether rich, drawing `drawn` at this width, cuts text with an ellipsis (a table's
    cells narrower than their words)."""
    lines = console.render_lines(drawn, options, pad=False)
    shown = sum("".join(segment.text for segment in line).count("…") for line in lines)
    return shown > source.count("…")


_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$")
_FENCE = re.compile(r"^\s*(```|~~~)")


def _cells(line: str) -> list[str]:
    inner = line.strip().removeprefix("|").removesuffix("|")
    return [cell.strip() for cell in re.split(r"(?<!\\)\|", inner)]


def tables_as_lists(source: str) -> str:
    """`source` with each Markdown table written as a list, a row an item: "**Option:
    Real-time endpoints**; Traffic pattern: steady"."""
    lines = source.split("\n")
    out: list[str] = []
    fenced = False
    i = 0
    while i < len(lines):
        line = lines[i]
        if _FENCE.match(line):
            fenced = not fenced
        is_table = (
            not fenced
            and "|" in line
            and i + 1 < len(lines)
            and "-" in lines[i + 1]
            and _TABLE_RULE.match(lines[i + 1]) is not None
        )
        if not is_table:
            out.append(line)
            i += 1
            continue
        end = i + 2
        while end < len(lines) and "|" in lines[end] and lines[end].strip():
            end += 1
        header = _cells(line)
        out.append("")
        for row in (_cells(row) for row in lines[i + 2 : end]):
            said = [
                f"{head}: {cell}" if head else cell
                for head, cell in zip(header, row, strict=False)
                if cell
            ]
            if said:
                said[0] = f"**{said[0]}**"
            out.append("- " + "; ".join(said))
        out.append("")
        i = end
    return "\n".join(out)


def clock_text(seconds: float | None) -> str:
    """Seconds as `m:ss` (or `h:mm:ss`); `-` for none."""
    if seconds is None:
        return "-"
    secs = int(seconds)
    hours, rest = divmod(secs, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


# -- paging ----------------------------------------------------------------------------------


def render_lines(console: Console, parts: list[RenderableType]) -> list[list[Segment]]:
    """Renderables as the terminal lines they take at the console's width."""
    from rich.console import Group

    return console.render_lines(Group(*parts), console.options, pad=False) if parts else []


def print_lines(console: Console, lines: list[list[Segment]]) -> None:
    from rich.segment import Segment, Segments

    console.print(Segments([segment for line in lines for segment in (*line, Segment.line())]))


@dataclass
class Pager:
    """A window over the middle of a screen too tall for the terminal: a revealed answer in
    `srs review`, practice feedback in `srs exam`, a model's explanation.

    The top (header, question) and the bottom (buttons, keys) stay; the middle shows `page`
    lines from `scroll`, moved with j/k, the arrows and PgUp/PgDn (`SCROLL`), with a hint line.
    """

    what: str = "answer"  # named in the hint: "answer lines 1-20 of 60"
    scroll: int = 0
    page: int = 0  # middle lines a page shows (0: the screen fits, no paging)

    def move(self, key: str) -> bool:
        """Scroll for a paging key while paged; False for any other key (or when not paged)."""
        if not self.page or key not in SCROLL:
            return False
        step = SCROLL[key]
        moved = step if abs(step) == 1 else step // 2 * self.page
        self.scroll = max(0, self.scroll + moved)
        return True

    def fit(
        self,
        console: Console,
        head: list[list[Segment]],
        body: list[list[Segment]],
        foot: list[list[Segment]],
        height: int | None = None,
    ) -> list[list[Segment]]:
        """The lines to draw in `height` rows (the console's), the last row left free: all of
        them when they fit, else `body` paged between `head` and `foot` (and `head` paged with
        it when it alone fills the screen)."""
        from rich.text import Text

        height = console.height if height is None else height
        room = height - 1 - len(head) - len(foot)
        if len(body) > room and room < PAGE_MIN + 1:
            head, body = [], head + body
            room = height - 1 - len(foot)
        if len(body) <= room or room < PAGE_MIN + 1:
            self.page = 0
            return head + body + foot
        self.page = room - 1  # one row for the hint
        self.scroll = max(0, min(self.scroll, len(body) - self.page))
        shown = body[self.scroll : self.scroll + self.page]
        first, last, total = self.scroll + 1, self.scroll + len(shown), len(body)
        hint = (
            f"{self.what} lines {first}-{last} of {total} · j/k ↓/↑ line · PgDn/PgUp page"
            if console.width >= NARROW
            else f"lines {first}-{last}/{total} · j/k ↓/↑ · PgDn/PgUp"
        )
        return head + shown + render_lines(console, [Text(hint, style="dim")])[:1] + foot


# -- keys ---------------------------------------------------------------------------------------


# Escape sequences (after ESC) that name a key; any other reads as "esc".
_SEQUENCES = {
    b"[A": "up",
    b"OA": "up",
    b"[B": "down",
    b"OB": "down",
    b"[5~": "pgup",
    b"[6~": "pgdn",
}


class Keys:
    """Single keypresses from the terminal, in cbreak mode (no echo, no line buffering).

    cbreak rather than full raw mode: Ctrl-C still raises KeyboardInterrupt and output keeps its
    newline translation. The previous terminal settings are restored on exit, whatever happens.
    """

    def __init__(self, fd: int, *, resize: bool = False) -> None:
        self.fd = fd
        self.saved: list[Any] | None = None
        # With `resize`, a terminal resize (SIGWINCH) reads as the key "resize", so the screen
        # is drawn again at the new size; the signal handler only writes to a pipe that `read`
        # watches beside the terminal (the self-pipe trick: no drawing inside a handler).
        self.resize = resize
        self._wake: tuple[int, int] | None = None
        self._old_handler: Any = None

    def __enter__(self) -> Keys:
        import termios  # POSIX only; imported here so `srs` itself loads anywhere

        self.saved = termios.tcgetattr(self.fd)
        self._cbreak()
        if self.resize:
            self._watch_resize()
        return self

    def _watch_resize(self) -> None:
        import signal
        import threading

        if not hasattr(signal, "SIGWINCH") or threading.current_thread() is not (
            threading.main_thread()
        ):
            return
        self._wake = os.pipe()
        os.set_blocking(self._wake[1], False)
        wake = self._wake[1]

        def on_resize(signum: int, frame: object) -> None:
            # A full pipe (OSError) means a redraw is pending anyway.
            with contextlib.suppress(OSError):
                os.write(wake, b"r")

        self._old_handler = signal.signal(signal.SIGWINCH, on_resize)

    def _cbreak(self) -> None:
        import tty

        tty.setcbreak(self.fd)

    def __exit__(self, *exc: object) -> None:
        self.restore()
        if self._wake is not None:
            import signal

            signal.signal(signal.SIGWINCH, self._old_handler or signal.SIG_DFL)
            for end in self._wake:
                os.close(end)
            self._wake = None

    def restore(self) -> None:
        if self.saved is not None:
            import termios

            termios.tcsetattr(self.fd, termios.TCSADRAIN, self.saved)

    @contextmanager
    def cooked(self) -> Iterator[None]:
        """The normal terminal mode for a while (to run an editor)."""
        self.restore()
        try:
            yield
        finally:
            self._cbreak()

    def _sequence(self) -> bytes:
        """The rest of an escape sequence (`[6~`, `OA`), read one sequence only: keys sent
        quickly (a held PgDn) arrive together and must each count. Empty for a lone Esc."""

        def more() -> bytes:
            if not select.select([self.fd], [], [], 0.02)[0]:
                return b""
            return os.read(self.fd, 1)

        lead = more()
        if lead == b"O":
            return lead + more()
        if lead != b"[":
            return lead
        rest = lead
        while len(rest) < 16:
            byte = more()
            rest += byte
            if not byte or 0x40 <= byte[0] <= 0x7E:  # the final byte of a CSI sequence
                break
        return rest

    def read(self) -> str:
        """One key: a character, '\\n' for Enter, 'backspace', 'esc', 'up', 'down', 'pgup',
        'pgdn', 'resize' (with `resize`: the terminal changed size), or '' at end of input."""
        if self._wake is not None:
            ready = select.select([self.fd, self._wake[0]], [], [])[0]
            if self._wake[0] in ready:
                os.read(self._wake[0], 64)  # several resizes in a row: one redraw
                return "resize"
        data = os.read(self.fd, 1)
        if not data:
            return ""
        if data == b"\x1b":
            return _SEQUENCES.get(self._sequence(), "esc")
        if data in (b"\x7f", b"\x08"):
            return "backspace"
        if data in (b"\r", b"\n"):
            return "\n"
        if data == b"\x04":
            return ""
        lead = data[0]
        extra = 3 if lead >= 0xF0 else 2 if lead >= 0xE0 else 1 if lead >= 0xC0 else 0
        if extra:
            data += os.read(self.fd, extra)
        return data.decode("utf-8", errors="replace")
