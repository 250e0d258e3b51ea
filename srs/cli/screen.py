"""What the terminal screens (`srs review`, `srs exam`) share: keys, the console, Markdown, clocks.

Deck text is untrusted: `markdown` escapes it (`srs.terminal.escape_text`) before rich sees it,
and the console reads no rich markup, so nothing a deck holds reaches the terminal as a control.
"""

from __future__ import annotations

import os
import select
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console, RenderableType

__all__ = ["Keys", "clock_text", "markdown", "terminal_console"]


def terminal_console() -> Console:
    """A rich console that prints text as given: no markup, highlighting or emoji codes."""
    from rich.console import Console

    from srs.cli.app import no_color

    return Console(
        highlight=False, markup=False, emoji=False, no_color=no_color() or None, soft_wrap=False
    )


def markdown(text: str) -> RenderableType:
    """Deck text (escaped) rendered as Markdown, links shown as text."""
    from rich.markdown import Markdown

    from srs.render import wiki_embeds
    from srs.terminal import escape_text

    return Markdown(escape_text(wiki_embeds(text)), hyperlinks=False)


def clock_text(seconds: float | None) -> str:
    """Seconds as `m:ss` (or `h:mm:ss`); `-` for none."""
    if seconds is None:
        return "-"
    secs = int(seconds)
    hours, rest = divmod(secs, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


# -- keys ---------------------------------------------------------------------------------------


class Keys:
    """Single keypresses from the terminal, in cbreak mode (no echo, no line buffering).

    cbreak rather than full raw mode: Ctrl-C still raises KeyboardInterrupt and output keeps its
    newline translation. The previous terminal settings are restored on exit, whatever happens.
    """

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.saved: list[Any] | None = None

    def __enter__(self) -> Keys:
        import termios  # POSIX only; imported here so `srs` itself loads anywhere

        self.saved = termios.tcgetattr(self.fd)
        self._cbreak()
        return self

    def _cbreak(self) -> None:
        import tty

        tty.setcbreak(self.fd)

    def __exit__(self, *exc: object) -> None:
        self.restore()

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

    def read(self) -> str:
        """One key: a character, '\\n' for Enter, 'backspace', 'esc', or '' at end of input."""
        data = os.read(self.fd, 1)
        if not data:
            return ""
        if data == b"\x1b":
            # An escape sequence (arrow keys...) arrives at once; drain and ignore it.
            while select.select([self.fd], [], [], 0.02)[0]:
                if not os.read(self.fd, 16):
                    break
            return "esc"
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
