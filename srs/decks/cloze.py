"""Anki cloze deletions (`{{c1::text}}`, `{{c1::text::hint}}`): find, check and render them.

Scanning is a linear walk with `str.find` (no backtracking regex), so hostile input such as
`{{c1::` repeated 100,000 times costs linear time. Nested deletions are not supported and
are reported, as are unclosed and empty ones (a `}}` that closes a later deletion does not
close an earlier one left open: that one is reported as unclosed, where it starts).
"""

from __future__ import annotations

from srs.model import value_class

__all__ = ["Cloze", "ClozeProblem", "Deletion", "has_cloze", "parse_cloze", "render"]

_OPEN = "{{c"
_MAX_DIGITS = 4  # c1 .. c9999; a longer number is not a cloze marker at all


@value_class
class Deletion:
    """One `{{cN::text::hint}}` and where it sits in the text."""

    number: int
    text: str
    hint: str
    start: int  # offset of `{{`
    end: int  # offset just after `}}`


@value_class
class ClozeProblem:
    """A malformed deletion: the message and the offset in the text where it starts."""

    offset: int
    message: str


@value_class
class Cloze:
    """A text with its deletions in order of appearance."""

    text: str
    deletions: tuple[Deletion, ...]

    @property
    def numbers(self) -> list[int]:
        """The distinct group numbers, ascending: one card each."""
        return sorted({d.number for d in self.deletions})

    def unnumbered(self) -> str:
        """The text with every `{{cN::` written as `{{c::`, so renumbering does not change it."""
        out: list[str] = []
        pos = 0
        for d in self.deletions:
            out.append(self.text[pos : d.start])
            hint = f"::{d.hint}" if d.hint else ""
            out.append(f"{{{{c::{d.text}{hint}}}}}")
            pos = d.end
        out.append(self.text[pos:])
        return "".join(out)


def _marker_at(text: str, i: int) -> tuple[int, int] | None:
    """If `{{cN::` starts at i, return (N, offset after `::`)."""
    j = i + len(_OPEN)
    k = j
    while k < len(text) and k - j < _MAX_DIGITS + 1 and text[k].isdigit() and text[k].isascii():
        k += 1
    if k == j or k - j > _MAX_DIGITS or not text.startswith("::", k):
        return None
    return int(text[j:k]), k + 2


def _next_marker(text: str, start: int, stop: int) -> tuple[int, int, int] | None:
    """The first `{{cN::` in text[start:stop] as (offset, N, body offset)."""
    i = text.find(_OPEN, start, stop)
    while i != -1:
        found = _marker_at(text, i)
        if found is not None:
            return i, found[0], found[1]
        i = text.find(_OPEN, i + 1, stop)
    return None


def has_cloze(text: str) -> bool:
    """Whether the text contains at least one `{{cN::` opening."""
    return _OPEN in text and _next_marker(text, 0, len(text)) is not None


def _unclosed(number: int) -> str:
    return f"unclosed cloze '{{{{c{number}::...' (missing '}}}}')"


def _closes_again(text: str, after: int) -> bool:
    """Whether a second `}}` follows before the next deletion opens: then an inner deletion
    closed first and the outer one closes there (nesting); else the outer one is unclosed."""
    close = text.find("}}", after)
    if close == -1:
        return False
    following = _next_marker(text, after, close)
    return following is None


def parse_cloze(text: str) -> tuple[Cloze, list[ClozeProblem]]:
    """Find every deletion; problems for unclosed, nested, empty or c0 deletions."""
    deletions: list[Deletion] = []
    problems: list[ClozeProblem] = []
    pos = 0
    n = len(text)
    close = -1
    nesting: dict[int, bool] = {}  # close offset -> whether a second `}}` follows (cached)
    while True:
        found = _next_marker(text, pos, n)
        if found is None:
            break
        start, number, body = found
        if close < body:  # deletions left open share one `}}`: find it once (linear time)
            close = text.find("}}", body)
        if close == -1:
            problems.append(ClozeProblem(start, _unclosed(number)))
            break
        nested = _next_marker(text, body, close)
        if nested is not None:
            if close not in nesting:
                nesting[close] = _closes_again(text, close + 2)
            if nesting[close]:
                problems.append(ClozeProblem(nested[0], "nested cloze deletions are not supported"))
                pos = text.find("}}", close + 2) + 2
            else:  # the `}}` belongs to the next deletion: this one was never closed
                problems.append(ClozeProblem(start, _unclosed(number)))
                pos = nested[0]
            continue
        inner = text[body:close]
        cut = inner.find("::")
        answer, hint = (inner, "") if cut == -1 else (inner[:cut], inner[cut + 2 :])
        if number == 0:
            problems.append(ClozeProblem(start, "cloze numbers start at 1 ({{c1::...}})"))
        elif not answer.strip():
            problems.append(ClozeProblem(start, f"empty cloze deletion '{{{{c{number}::}}}}'"))
        else:
            deletions.append(Deletion(number, answer, hint.strip(), start, close + 2))
        pos = close + 2
    return Cloze(text, tuple(deletions)), problems


def render(cloze: Cloze, number: int) -> tuple[str, str]:
    """The (front, back) Markdown faces of group `number`.

    Front: this group's deletions become `[hint]` or `[...]`, other groups show their text.
    Back: this group's deletions are revealed in bold, other groups show their text.
    """
    front: list[str] = []
    back: list[str] = []
    pos = 0
    for d in cloze.deletions:
        plain = cloze.text[pos : d.start]
        front.append(plain)
        back.append(plain)
        if d.number == number:
            front.append(f"[{d.hint or '...'}]")
            back.append(f"**{d.text}**")
        else:
            front.append(d.text)
            back.append(d.text)
        pos = d.end
    front.append(cloze.text[pos:])
    back.append(cloze.text[pos:])
    return "".join(front), "".join(back)
