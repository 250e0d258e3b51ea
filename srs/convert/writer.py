"""The Markdown writer: converted notes -> deck files in srs's own format (the source of truth).

Each deck becomes one file (`A/B` -> `A/B.md`, with `deck: "A/B"` in its front matter, so the
name survives characters a file name cannot hold). Notes are written in the forms the parser
reads back exactly: `Q:`/`A:` for basic notes, `front ::: back` for both-ways notes, `C:`
(with `A:` for the back extra) for clozes, a task list for multiple choice, each with an
`<!-- id: ...; tags: ... -->` comment. Text inside a card goes through
`srs.decks.markdown.neutralise_markers`, so a converted answer holding a heading, a `---` rule
or a line with ` :: ` cannot end its card or start another. The written text is parsed back
with the real parser, under the name `discover` gives the file in DIR: that is how the history
is keyed by the ids the import will give the cards, how a note the format cannot hold is
caught as a warning instead of silently changing, and what the import reuses instead of
parsing the files again (`srs.decks.reader.WrittenDeck`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from srs.anki.package import ANKI_NOTETYPES
from srs.convert.model import ConvertedNote
from srs.decks.builder import CardHistory, disambiguate
from srs.decks.discover import deck_file_under
from srs.decks.markdown import neutralise_markers, parse_text
from srs.errors import ConvertError, DeckError
from srs.model import Note, NoteKind, ParsedDeck

__all__ = ["ANKI_NOTETYPES", "DeckPlan", "deck_file", "note_block", "plan_decks", "written_history"]

_UNSAFE_PART = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]+')
_TAG_UNSAFE = re.compile(r"[\s,;]+|-->")
_SPACES = re.compile(r"[ \t]+\n")
_MAX_PART = 80


@dataclass(slots=True)
class DeckPlan:
    """One deck file to write: its path under DIR, its text, and the notes in it, in order."""

    path: PurePosixPath
    deck: str
    notes: list[ConvertedNote] = field(default_factory=list)
    text: str = ""
    notetypes: dict[str, int] = field(default_factory=dict)  # srs kind -> Anki note type id
    parsed: ParsedDeck | None = None  # the text as the parser reads it
    display: str = ""  # the file as `discover` names it in DIR (the parse's path)
    default_deck: str = ""  # the deck `discover` gives it without front matter


def deck_file(deck: str) -> PurePosixPath:
    """The file of a deck under DIR: one folder per level, the last level as `NAME.md`.

    Each level is made safe for every file system (no separators, reserved or control
    characters, no leading dots, so never `..`), whatever the deck name was elsewhere.
    """
    parts = []
    for part in deck.split("/"):
        safe = _UNSAFE_PART.sub("_", part).strip(" .")[:_MAX_PART].strip(" .")
        parts.append(safe or "_")
    parts = parts or ["Default"]
    return PurePosixPath(*parts[:-1], parts[-1] + ".md")


def _clean(text: str) -> str:
    """Card text as the parser gives it back: no trailing spaces, no blank edges."""
    text = _SPACES.sub("\n", text.replace("\r\n", "\n").replace("\r", "\n") + "\n")
    return text.strip("\n").rstrip()


def _tags(note: ConvertedNote) -> list[str]:
    tags = (_TAG_UNSAFE.sub("_", tag).strip("_") for tag in note.tags)
    return sorted({tag for tag in tags if tag})


def _meta(note: ConvertedNote) -> str:
    fields = []
    if note.id:
        fields.append(f"id: {note.id}")
    tags = _tags(note)
    if tags:
        fields.append("tags: " + " ".join(tags))
    return f"<!-- {'; '.join(fields)} -->" if fields else ""


def _one_line(text: str) -> str:
    """A side of a one-liner: line breaks become `<br>` (only `:::` needs this)."""
    return "<br>".join(line.strip() for line in text.split("\n") if line.strip())


def note_block(note: ConvertedNote) -> str:
    """The Markdown of one note (without the blank line that separates notes)."""
    front = neutralise_markers(_clean(note.front))
    back = neutralise_markers(_clean(note.back))
    meta = _meta(note)
    if note.kind == NoteKind.BOTH:
        line = f"{_one_line(front)} ::: {_one_line(back)}"
        return f"{line} {meta}" if meta else line
    lines: list[str] = []
    if note.kind == NoteKind.CLOZE:
        # A `C:` block is one paragraph: a blank line inside the text becomes a `<br>` line.
        text = "\n".join(line if line.strip() else "<br>" for line in front.split("\n"))
        lines.append(f"C: {text}")
        if back:
            lines.append(f"A: {back}")
    elif note.kind == NoteKind.MCQ:
        lines.append(f"Q: {front}")
        for option in note.options:
            mark = "x" if option.correct else " "
            lines.append(f"- [{mark}] {_one_line(option.text)}")
            if option.rationale.strip():
                lines.append(f"  - {_one_line(option.rationale)}")
        if back:
            lines.append(f"Explanation: {back}")
    else:
        lines.append(f"Q: {front}")
        lines.append(f"A: {back}")
    if meta:
        lines.append(meta)
    return "\n".join(lines)


def _front_matter(plan: DeckPlan) -> str:
    lines = [f"deck: {json.dumps(plan.deck, ensure_ascii=False)}"]
    if plan.notetypes:
        lines.append(f"{ANKI_NOTETYPES}: {json.dumps(dict(sorted(plan.notetypes.items())))}")
    return "---\n" + "\n".join(lines) + "\n---\n"


def plan_decks(
    notes: Sequence[ConvertedNote], dest: Path = Path(".")
) -> tuple[list[DeckPlan], list[str]]:
    """Group notes into deck files under `dest` and write their text; returns plans and
    warnings. Each file's text is parsed as an import of `dest` will parse it (`parsed`).

    A note whose Markdown does not read back as the same kind of note (or at all) is left
    out with a warning naming where it came from, never written half-converted.
    """
    plans: dict[PurePosixPath, DeckPlan] = {}
    warnings: list[str] = []
    for note in notes:
        base = deck_file(note.deck)
        path = base
        attempt = 0
        while True:
            plan = plans.get(path)
            if plan is None:
                plan = plans[path] = DeckPlan(path, note.deck)
            taken = plan.notetypes.get(note.kind.value)
            if plan.deck == note.deck and (
                note.anki_notetype is None or taken in (None, note.anki_notetype)
            ):
                break
            # Another deck whose name differs only in unsafe characters, or notes of the
            # same kind from another Anki note type: a file of their own.
            attempt += 1
            suffix = f"~{note.anki_notetype or 0}" + (f"~{attempt}" if attempt > 1 else "")
            path = base.with_name(f"{base.stem}{suffix}.md")
        if note.anki_notetype is not None:
            plan.notetypes.setdefault(note.kind.value, note.anki_notetype)
        plan.notes.append(note)
    result = []
    for plan in sorted(plans.values(), key=lambda p: str(p.path)):
        found = deck_file_under(dest, plan.path)
        plan.display, plan.default_deck = found.display, found.default_deck
        blocks = [note_block(note) for note in plan.notes]
        plan.text = _front_matter(plan) + "\n" + "\n\n".join(blocks) + "\n"
        plan.parsed = _parsed_as_written(plan)
        if plan.parsed is None:
            # Some note does not read back: find it (one parse per note, only here).
            kept, kept_blocks = [], []
            for note, block in zip(plan.notes, blocks, strict=True):
                problem = _reads_back(block, note)
                if problem:
                    warnings.append(f"{note.origin}: not converted: {problem}")
                    continue
                kept.append(note)
                kept_blocks.append(block)
            plan.notes = kept
            plan.text = _front_matter(plan) + "\n" + "\n\n".join(kept_blocks) + "\n"
            plan.parsed = _parsed_as_written(plan)
            if plan.parsed is None:  # pragma: no cover - each block reads back on its own
                raise ConvertError(f"{plan.path}: the converted notes do not read back")
        if plan.notes:
            result.append(plan)
    return result, warnings


def _parsed_as_written(plan: DeckPlan) -> ParsedDeck | None:
    """The file text parsed as the import will parse it, if it gives exactly the notes."""
    try:
        parsed = parse_text(plan.text, display=plan.display, default_deck=plan.default_deck)
    except DeckError:
        return None
    kinds = [note.kind for note in parsed.notes]
    return parsed if kinds == [note.kind for note in plan.notes] else None


def _reads_back(block: str, note: ConvertedNote) -> str | None:
    """Why a note's Markdown would not read back as that note (None when it does)."""
    try:
        parsed = parse_text(block, display="note", default_deck=note.deck)
    except DeckError as e:
        return "; ".join(p.message for p in e.problems)
    if len(parsed.notes) != 1:
        return f"its text reads as {len(parsed.notes)} cards"
    if parsed.notes[0].kind != note.kind:
        return f"its text reads as a {parsed.notes[0].kind.value} card, not {note.kind.value}"
    return None


def written_history(plans: Sequence[DeckPlan]) -> tuple[dict[str, CardHistory], int]:
    """The carried history keyed by the card ids the import will give the written cards.

    The written text is parsed as the import will parse it (including `disambiguate`, which
    renames cards asking the same question), so the ids are the importer's. Returns the
    history and the number of cards written.
    """
    decks = [plan.parsed for plan in plans if plan.parsed is not None]
    final, _ = disambiguate(decks)
    history: dict[str, CardHistory] = {}
    cards = 0
    for plan, deck in zip(plans, final, strict=True):
        for converted, note in zip(plan.notes, deck.notes, strict=True):
            cards += len(note.cards)
            _carry(converted, note, history)
    return history, cards


def _carry(converted: ConvertedNote, note: Note, history: dict[str, CardHistory]) -> None:
    by_ordinal = {card.ordinal: card.id for card in note.cards}
    for item in converted.history:
        card_id = by_ordinal.get(item.ordinal)
        if card_id is not None:
            history.setdefault(card_id, item)
