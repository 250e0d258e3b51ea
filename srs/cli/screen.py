"""What the terminal screens (`srs review`, `srs exam`) share: keys, the console, Markdown, clocks.

Deck text is untrusted: `markdown` escapes it (`srs.terminal.escape_text`) before rich sees it,
and the console reads no rich markup, so nothing a deck holds reaches the terminal as a control.
"""

from __future__ import annotations

import contextlib
import os
import select
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console, RenderableType

__all__ = ["Keys", "clock_text", "markdown", "print_trimmed", "terminal_console"]


def terminal_console() -> Console:
    """A rich console that prints text as given: no markup, highlighting or emoji codes."""
    from rich.console import Console

    from srs.cli.app import no_color

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


def markdown(text: str, style: str = "none") -> RenderableType:
    """Deck text (escaped) rendered as Markdown, links shown as text, math as Unicode text
    (`style`: e.g. "dim")."""
    from rich.markdown import Markdown

    from srs.math_text import math_to_text
    from srs.render import wiki_embeds
    from srs.terminal import escape_text

    return Markdown(escape_text(math_to_text(wiki_embeds(text))), style=style, hyperlinks=False)


def clock_text(seconds: float | None) -> str:
    """Seconds as `m:ss` (or `h:mm:ss`); `-` for none."""
    if seconds is None:
        return "-"
    secs = int(seconds)
    hours, rest = divmod(secs, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


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
