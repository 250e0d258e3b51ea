"""Make untrusted deck text safe to print: no control sequence from a deck reaches the terminal.

Card text may contain ESC sequences, carriage returns, backspaces, bidi overrides and other
control characters (by accident or on purpose). They are shown as visible escapes instead.
"""

from __future__ import annotations

import re
import unicodedata

# Bidi controls (LRE..RLO, LRI..PDI, LRM/RLM/ALM) can reorder what the user reads.
_BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
_UNSAFE = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_BIDI}\u2028\u2029]")


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def escape_text(text: str) -> str:
    """Replace every control or bidi character (except newline and tab) by a visible escape."""
    return _UNSAFE.sub(_visible, text)


def is_safe(text: str) -> bool:
    """True when printing `text` cannot move the cursor or change the terminal's state."""
    return not any(
        (unicodedata.category(ch) == "Cc" and ch not in "\n\t") or ch in _BIDI for ch in text
    )
