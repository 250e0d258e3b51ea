"""The note builder: format-neutral drafts in, `srs.model.Note` values with their identity out.

Every deck format goes through here, so a note gets the same ids whichever reader produced it.
A reader (the Markdown parser, or any second format such as an Anki package or CSV) turns its
input into `NoteDraft`s: the kind, the two sides, MCQ options, tags, deck, where it came from and
an explicit id if the source has one. `build_note` then decides identity, as
`srs.decks.identity` describes:

- the note id: the explicit id, else a hash of the normalised content (`basic_id` for basic
  and both-ways notes: the question alone; cloze: the text with its group numbers erased;
  MCQ: the stem, the options and which are correct). Deck, path and tags are never hashed.
- the sibling suffixes of a note's cards: `:rev` for a both-ways note's reverse card; for a
  cloze card, a short hash of its deleted text (`-2`, `-3`... when two groups delete the same).
- the content stamp (`Note.content_hash`): a hash of the exact kind, sides and options, so any
  visible edit rewrites the cards while keeping their history.

Across files, `disambiguate` and `check_duplicates` apply the rules that need every note
(two cards asking the same question; an explicit id used twice).

Review history. A format that knows past answers (an Anki package does) carries them on the
draft as `CardHistory` rows: which card of the note (its ordinal, as in `CardSpec.ordinal`),
the scheduling state the card had there, and the past answers (`srs.store.history.PastReview`).
After building, `note_history(note, draft)` keys them by the built card ids. A registered
reader returns them with its deck (`srs.decks.formats.DeckRead`; the reader of a whole import
follows any renaming by `disambiguate`); a library caller passes them to
`srs.decks.importer.sync(..., history=...)` directly. Either way they are written in the
import's transaction: each answer once (keyed by card id and answer instant, so importing the
same history again adds nothing), and the starting state only onto cards that import adds (a
card already in the collection keeps the state its srs reviews gave it). The Markdown format
carries no history.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import field, replace
from datetime import date
from typing import TYPE_CHECKING

from srs.decks.cloze import Cloze, parse_cloze, render
from srs.decks.identity import content_hash, fingerprint, normalise, short_hash, tagged_hash
from srs.errors import DeckProblem
from srs.model import (
    CardKind,
    CardSpec,
    McqOption,
    Note,
    NoteKind,
    ParsedDeck,
    SchedulingState,
    value_class,
)

if TYPE_CHECKING:
    from srs.store.history import PastReview

__all__ = [
    "CardHistory",
    "NoteDraft",
    "basic_id",
    "build_note",
    "check_duplicates",
    "disambiguate",
    "note_history",
]


@value_class
class CardHistory:
    """What one card of a note went through elsewhere: its state there and its past answers."""

    ordinal: int = 0  # which card of the note (`CardSpec.ordinal`; a cloze group number - 1)
    state: SchedulingState | None = None  # the starting state of the card when it is added
    reviews: tuple[PastReview, ...] = ()
    suspended: bool = False  # suspended there: stays suspended when added
    buried_until: date | None = None  # buried there through this scheduler day


@value_class
class NoteDraft:
    """A note as a reader found it, before identity is decided (see the module docstring).

    `front`/`back` are the note's sides: question and answer (basic, both-ways), the cloze
    text with its `{{cN::...}}` deletions and the back extra (cloze), the stem and the
    explanation (MCQ).
    """

    kind: NoteKind
    front: str
    back: str
    deck: str
    path: str  # the file as shown in messages (POSIX)
    line: int  # where the note starts, 1-based
    options: tuple[McqOption, ...] = ()
    tags: tuple[str, ...] = ()
    context: tuple[str, ...] = ()  # heading breadcrumb above the note
    exam_domains: tuple[tuple[str, str], ...] = ()  # (exam code, domain id), sorted by code
    source: str | None = None
    id: str | None = None  # an explicit id, if the source gives one
    extra: dict[str, object] = field(default_factory=dict)
    cloze: Cloze | None = None  # the front's deletions, if the reader parsed them already
    history: tuple[CardHistory, ...] = ()


_BASIC_KINDS = frozenset({NoteKind.BASIC, NoteKind.BOTH})


def basic_id(front: str) -> str:
    """Identity of a basic or both-ways note without an explicit id: its question."""
    return tagged_hash("basic", front)


def _cloze_of(draft: NoteDraft) -> Cloze:
    if draft.cloze is not None:
        return draft.cloze
    cloze, problems = parse_cloze(draft.front)
    if problems:
        raise ValueError(problems[0].message)
    if not cloze.deletions:
        raise ValueError("cloze note without a deletion such as {{c1::text}}")
    return cloze


def build_note(draft: NoteDraft) -> Note:
    """The note a draft stands for, with its id, its cards' ids and its content stamp.

    A cloze draft without `cloze` has its front parsed here (ValueError if it is malformed:
    readers check their input first and report problems in their own terms).
    """
    kind, front, back = draft.kind, draft.front, draft.back
    cards: list[CardSpec]
    if kind in _BASIC_KINDS:
        # The question alone is the identity, so correcting an answer keeps the card and its
        # history (`disambiguate` separates two cards that ask the same question). Both-ways
        # notes hash like basic ones and keep the note id for the forward card, so turning
        # `::` into `:::` keeps the forward card's history.
        note_id = draft.id or basic_id(front)
        cards = [CardSpec(note_id, CardKind.BASIC, 0, front, back)]
        if kind == NoteKind.BOTH:
            cards.append(CardSpec(f"{note_id}:rev", CardKind.REVERSED, 1, back, front))
    elif kind == NoteKind.CLOZE:
        # One card per group, each keyed by its deletion text.
        cloze = _cloze_of(draft)
        note_id = draft.id or tagged_hash("cloze", cloze.unnumbered())
        cards = []
        used: dict[str, int] = {}
        for number in cloze.numbers:
            answers = [d.text for d in cloze.deletions if d.number == number]
            key = short_hash(*answers)
            used[key] = used.get(key, 0) + 1
            if used[key] > 1:  # two groups deleting the same text
                key = f"{key}-{used[key]}"
            card_front, card_back = render(cloze, number)
            if back:
                card_back = f"{card_back}\n\n{back}"
            cards.append(
                CardSpec(f"{note_id}:{key}", CardKind.CLOZE, number - 1, card_front, card_back)
            )
    else:
        texts = sorted(o.text for o in draft.options)
        correct = sorted(o.text for o in draft.options if o.correct)
        note_id = draft.id or tagged_hash("mcq", front, "\x1e".join(texts), "\x1e".join(correct))
        cards = [CardSpec(note_id, CardKind.MCQ, 0, front, back)]
    # `kind` is a StrEnum: joined as its value.
    stamp = (
        fingerprint(
            kind,
            front,
            back,
            *[f"{o.correct}\x1e{o.text}\x1e{o.rationale}" for o in draft.options],
        )
        if draft.options
        else fingerprint(kind, front, back)
    )
    # Positional, in field order: a keyword call costs a 16-field Note a third more.
    return Note(
        note_id,
        kind,
        front,
        back,
        draft.deck,
        draft.path,
        draft.line,
        stamp,
        tuple(cards),
        draft.tags,
        draft.context,
        draft.exam_domains,
        draft.source,
        draft.options,
        draft.id is not None,
        draft.extra,
    )


def note_history(note: Note, draft: NoteDraft) -> dict[str, CardHistory]:
    """A draft's card histories keyed by the ids of the built note's cards (for `sync`).

    ValueError if a history names a card ordinal the note does not have.
    """
    by_ordinal = {card.ordinal: card.id for card in note.cards}
    result: dict[str, CardHistory] = {}
    for history in draft.history:
        card_id = by_ordinal.get(history.ordinal)
        if card_id is None:
            raise ValueError(f"note {note.id} has no card {history.ordinal} to carry history")
        result[card_id] = history
    return result


def _rekey(note: Note, note_id: str) -> Note:
    cards = tuple(replace(card, id=note_id + card.id[len(note.id) :]) for card in note.cards)
    return replace(note, id=note_id, content_hash=note.content_hash, cards=cards)


def disambiguate(decks: Sequence[ParsedDeck]) -> tuple[list[ParsedDeck], list[str]]:
    """Tell apart basic cards that ask the same question with different answers.

    Such cards would share an id (the question's hash); each of them is keyed by question and
    answer instead, with a warning, since then editing one answer re-links rather than keeps.
    Deterministic: it depends only on the set of cards, not on their order.
    """
    asked: dict[str, int] = {}
    for deck in decks:
        for note in deck.notes:
            if not note.explicit_id and note.kind in _BASIC_KINDS:
                asked[note.id] = asked.get(note.id, 0) + 1
    # Only a question asked twice can clash: answers are normalised for those alone.
    repeated = {note_id for note_id, times in asked.items() if times > 1}
    answers: dict[str, set[str]] = {}
    for deck in decks if repeated else ():
        for note in deck.notes:
            if note.id in repeated and not note.explicit_id and note.kind in _BASIC_KINDS:
                answers.setdefault(note.id, set()).add(normalise(note.back))
    clashing = {note_id for note_id, backs in answers.items() if len(backs) > 1}
    if not clashing:
        return list(decks), []
    warnings: list[str] = []
    result: list[ParsedDeck] = []
    for deck in decks:
        notes = []
        for note in deck.notes:
            if note.id in clashing and not note.explicit_id:
                warnings.append(
                    str(
                        DeckProblem(
                            note.path,
                            note.line,
                            "another card asks the same question; give each an"
                            " `<!-- id: ... -->` so editing an answer keeps its history",
                            warning=True,
                        )
                    )
                )
                note = _rekey(note, content_hash("basic", note.front, note.back))
            notes.append(note)
        result.append(replace(deck, notes=tuple(notes)))
    return result, warnings


def check_duplicates(decks: Sequence[ParsedDeck]) -> tuple[list[DeckProblem], list[str]]:
    """Across files: errors for an explicit id used twice, warnings for identical cards.

    Both messages name the other place. The first occurrence (in the given order) is the
    one kept; the importer drops later notes with an id it has already seen.
    """
    errors: list[DeckProblem] = []
    warnings: list[str] = []
    first: dict[str, Note] = {}
    for deck in decks:
        for note in deck.notes:
            previous = first.get(note.id)
            if previous is None:
                first[note.id] = note
            elif note.explicit_id or previous.explicit_id:
                errors.append(
                    DeckProblem(
                        note.path,
                        note.line,
                        f"duplicate id '{note.id}' (also used at {previous.location})",
                    )
                )
            else:
                warnings.append(
                    str(
                        DeckProblem(
                            note.path,
                            note.line,
                            f"identical to the card at {previous.location}; kept once",
                            warning=True,
                        )
                    )
                )
    return errors, warnings
