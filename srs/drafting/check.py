"""Checking a model's reply: every card through the real parser, the draft rules, duplicates.

Model text is untrusted like any deck text. Before parsing, a reply is sanitised: control and
bidi characters become visible escapes (`srs.terminal.escape_text`) and HTML tags outside code
become text (`<` -> `&lt;`). The reply is split into cards at `---` lines (outside code fences),
so a reply can neither open front matter nor un-draft the file; each card is parsed alone, as
the text of a file named `card-N` (the name in the parser's `card-N:line: message`). A card must
make exactly one note of the kind asked for, with no `id` of its own; a multiple-choice card
needs a rationale under every option and an explanation.

Duplicates (of a stored card, or of a card earlier in the same reply) are dropped: the same
normalised question (`srs.decks.identity.normalise`), or the same correct answer(s) to a
near-identical question (similarity at least `srs.decks.identity.RELINK_THRESHOLD`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from srs.decks.identity import RELINK_THRESHOLD, normalise, similarity
from srs.decks.markdown import parse_text
from srs.errors import DeckError
from srs.model import Note, NoteKind, value_class
from srs.terminal import escape_text

__all__ = ["Checked", "Known", "check_cards", "known", "sanitise", "split_cards"]

MAX_CARD_CHARS = 8_000
_KIND = {"mcq": NoteKind.MCQ, "basic": NoteKind.BASIC, "cloze": NoteKind.CLOZE}
_TAG = re.compile(r"<(?=[A-Za-z/!?])")
_FENCE = re.compile(r" {0,3}(```|~~~)")


def sanitise(text: str) -> str:
    """Model text made safe to store and show: visible escapes, HTML tags as text."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    out: list[str] = []
    fence = False
    for line in escape_text(text).split("\n"):
        if _FENCE.match(line):
            fence = not fence
            out.append(line)
            continue
        out.append(line if fence else _outside_code(line))
    return "\n".join(out)


def _outside_code(line: str) -> str:
    """`<` of a tag becomes `&lt;`, except inside backtick code spans."""
    parts = line.split("`")
    for i in range(0, len(parts), 2):  # even parts are outside code spans
        parts[i] = _TAG.sub("&lt;", parts[i])
    return "`".join(parts)


def split_cards(reply: str) -> list[str]:
    """The reply's cards: text between `---` lines (outside fences), stripped, non-empty.

    A reply wrapped in one code fence (a common habit of chat models) is unwrapped first.
    """
    lines = reply.strip().split("\n")
    if len(lines) >= 2 and _FENCE.match(lines[0]) and lines[-1].strip() in ("```", "~~~"):
        lines = lines[1:-1]
    cards: list[str] = []
    current: list[str] = []
    fence = False
    for line in lines:
        if _FENCE.match(line):
            fence = not fence
        if not fence and line.strip() and not line.strip().strip("-") and len(line.strip()) >= 3:
            cards.append("\n".join(current).strip())
            current = []
            continue
        current.append(line)
    cards.append("\n".join(current).strip())
    return [card for card in cards if card]


@value_class
class Known:
    """A card the new ones must not repeat: its kind, question and correct answer(s)."""

    kind: str
    front: str
    answers: tuple[str, ...]  # the correct options (MCQ) or the answer (basic)


def known(kind: str, front: str, back: str, correct: Iterable[str]) -> Known:
    """A card to compare with: its question, and its correct options (MCQ) or answer."""
    if kind == NoteKind.MCQ.value:
        answers = tuple(sorted(normalise(text) for text in correct))
    else:
        answers = (normalise(back),)
    return Known(kind, normalise(front), answers)


def known_of(note: Note) -> Known:
    """A parsed note as a `Known`."""
    correct = (o.text for o in note.options if o.correct)
    return known(note.kind.value, note.front, note.back, correct)


@dataclass(slots=True)
class Checked:
    """The verdict on a reply's cards."""

    accepted: list[tuple[str, Note]] = field(default_factory=list)  # (card text, note)
    rejected: list[tuple[str, str]] = field(default_factory=list)  # (card text, problems)
    duplicates: int = 0


def _problems(text: str, display: str, kind: str) -> tuple[Note | None, list[str]]:
    """Parse one card; the note, or the problems (as `display:line: message` lines)."""
    if len(text) > MAX_CARD_CHARS:
        return None, [f"{display}:1: card is too long (over {MAX_CARD_CHARS} characters)"]
    try:
        parsed = parse_text(text, display=display, default_deck="Drafts")
    except DeckError as e:
        return None, [str(p) for p in e.problems]
    problems = list(parsed.warnings)
    notes = parsed.notes
    if len(notes) != 1:
        problems.append(f"{display}:1: write exactly one card here (found {len(notes)})")
        return None, problems
    note = notes[0]
    where = f"{display}:{note.line}"
    if note.kind != _KIND[kind]:
        return None, [f"{where}: expected a {kind} card, got a {note.kind.value} card"]
    if note.explicit_id or note.exam_domains != () or note.tags:
        problems.append(f"{where}: no <!-- id/tags/exam_domains --> comments in a drafted card")
    if note.kind == NoteKind.MCQ:
        for number, option in enumerate(note.options, 1):
            if not option.rationale.strip():
                problems.append(
                    f"{where}: option {number} ({option.text[:40]!r}) has no rationale:"
                    " add an indented '  - Why:' or '  - Why not:' line under it"
                )
        if not note.back.strip():
            problems.append(
                f"{where}: no explanation: add an 'Explanation:' line after the options"
            )
    return (None, problems) if problems else (note, [])


def _duplicate(new: Known, known: Iterable[Known]) -> bool:
    for other in known:
        if new.front == other.front:
            return True
        if (
            new.answers == other.answers
            and new.answers
            and similarity(new.front, other.front) >= RELINK_THRESHOLD
        ):
            return True
    return False


def check_cards(
    cards: Sequence[str], kind: str, seen: list[Known], *, first_number: int = 1
) -> Checked:
    """Parse and judge each card text; accepted cards are added to `seen` (no repeats)."""
    checked = Checked()
    for number, raw in enumerate(cards, first_number):
        text = sanitise(raw)
        note, problems = _problems(text, f"card-{number}", kind)
        if note is None:
            checked.rejected.append((text, "\n".join(problems)))
            continue
        summary = known_of(note)
        near = [k for k in seen if k.answers == summary.answers or k.front == summary.front]
        if _duplicate(summary, near):
            checked.duplicates += 1
            continue
        seen.append(summary)
        checked.accepted.append((text, note))
    return checked
