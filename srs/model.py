"""Pure values shared by every layer: what a deck file says, and where a card stands.

No I/O, no clock, no id generation here: the parser decides identity, the store decides
storage, the scheduler decides the next state. Instants are timezone-aware UTC datetimes;
review days are calendar `date`s in the user's scheduler day (see `srs.dates`).
"""

from __future__ import annotations

import dataclasses
import inspect
import operator
from collections.abc import Callable
from dataclasses import MISSING, dataclass, field
from datetime import date, datetime
from enum import IntEnum, StrEnum
from pathlib import Path
from typing import Any, TypeVar, dataclass_transform

_Value = TypeVar("_Value")


@dataclass_transform(frozen_default=True, field_specifiers=(field,))
def value_class(cls: type[_Value]) -> type[_Value]:
    """An immutable value (srs's every frozen dataclass): frozen for the type checker, a
    slotted dataclass at run time, made with as little work per class as Python allows.

    Every cold command creates ~50 of these classes and instantiates a dozen, so making the
    class is what costs: `dataclass(frozen=True, slots=True)` took ~0.6 ms a class. mypy
    still rejects any assignment to a field (`frozen_default`); equal values compare and hash
    alike (shared functions reading the fields, as dataclass's compiled ones do); a method the
    class writes itself is kept; `dataclasses.fields`, `replace`, `asdict` and `is_dataclass`
    work as on a dataclass.

    Most value classes are plain (`_plain_fields`: fields set from arguments or plain
    defaults). Those are built here without `dataclass`, which reads every annotation twice
    with regular expressions and creates the class a second time for its slots (8 fields:
    ~210 us a class against ~26 us), and their `__init__` (`_plain_init`, the few lines it
    needs) is compiled when the class is first instantiated, not when it is made: `srs next`
    makes ~50 value classes and instantiates ~12. The others (`field(...)`,
    `__post_init__`, a dataclass base) go through `dataclass`.
    """
    made: Any  # the class, written to below
    fields_: tuple[dataclasses.Field[Any], ...]
    if _plain_fields(cls):
        made, fields_ = _plain_class(cls)
    else:
        made = dataclass(slots=True, repr=False, eq=False)(cls)
        fields_ = dataclasses.fields(made)
    compared = _getter(tuple(f.name for f in fields_ if f.compare))
    hashed = _getter(tuple(f.name for f in fields_ if (f.compare if f.hash is None else f.hash)))
    shown = tuple(f.name for f in fields_ if f.repr)

    def __eq__(self: object, other: object) -> bool:
        if other.__class__ is self.__class__:
            return bool(compared(self) == compared(other))
        return NotImplemented

    def __hash__(self: object) -> int:
        return hash(hashed(self))

    def __repr__(self: object) -> str:
        inner = ", ".join(f"{name}={getattr(self, name)!r}" for name in shown)
        return f"{self.__class__.__qualname__}({inner})"

    own = cls.__dict__  # what the class wrote itself
    for name, method in (("__eq__", __eq__), ("__repr__", __repr__)):
        if name not in own:
            setattr(made, name, method)
    # A class that writes `__eq__` gets `__hash__ = None` from Python; like dataclass, that
    # is not a hash of its own (a class that sets `__hash__ = None` alone stays unhashable).
    if own.get("__hash__") is None and not ("__hash__" in own and "__eq__" not in own):
        made.__hash__ = __hash__
    return made  # type: ignore[no-any-return]


# Annotations dataclass treats specially (never fields, or fields of another kind): a class
# that uses any goes through `dataclass`.
_SPECIAL_ANNOTATIONS = ("ClassVar", "InitVar", "KW_ONLY")
# A value class's dataclass parameters (not frozen, no generated `__repr__` or `__eq__`), taken
# from a class `dataclass` makes, since their constructor differs between Python versions. Only a
# dataclass built on a value class reads them (for `frozen`); `init=False` and the docstring
# spare compiling an `__init__` and a signature for the docstring (12 us instead of 80 us).
_PARAMS = dataclass(init=False, repr=False, eq=False)(
    type("_Params", (), {"__doc__": "The parameters of a plain value class."})
).__dataclass_params__  # type: ignore[attr-defined]


def _plain_fields(cls: type) -> bool:
    """Whether every field of `cls` is set by `__init__` from an argument or a plain default:
    no `field(...)`, no `__post_init__`, no fields from a base class, no `ClassVar`,
    `InitVar` or `KW_ONLY` (those take dataclass's own making)."""
    if hasattr(cls, "__post_init__") or any(dataclasses.is_dataclass(b) for b in cls.__mro__[1:]):
        return False
    if any(
        special in str(annotation)
        for annotation in inspect.get_annotations(cls).values()
        for special in _SPECIAL_ANNOTATIONS
    ):
        return False
    # A `field(...)` is a class attribute until dataclass reads it.
    return not any(isinstance(value, dataclasses.Field) for value in vars(cls).values())


def _plain_class(cls: type) -> tuple[type, tuple[dataclasses.Field[Any], ...]]:
    """`cls` made again with slots, its dataclass fields and an `__init__` compiled on first
    use; what `dataclass(slots=True, repr=False, eq=False)` makes of a plain class."""
    namespace = dict(cls.__dict__)
    namespace.pop("__dict__", None)
    namespace.pop("__weakref__", None)
    fields: dict[str, dataclasses.Field[Any]] = {}
    defaulted = ""
    for name, annotation in namespace.get("__annotations__", {}).items():
        if name in namespace:
            default = namespace.pop(name)  # a slot cannot share its name with a class attribute
            if default.__class__.__hash__ is None:  # as dataclass refuses a mutable default
                raise ValueError(
                    f"mutable default {type(default)} for field {name} is not allowed:"
                    " use default_factory"
                )
            made_field: dataclasses.Field[Any] = field(default=default)
            defaulted = name
        else:
            if defaulted:
                raise TypeError(f"non-default argument {name!r} follows default argument")
            made_field = field()
        made_field.name = name
        made_field.type = annotation
        made_field.kw_only = False
        made_field._field_type = dataclasses._FIELD  # type: ignore[attr-defined]
        fields[name] = made_field
    namespace["__slots__"] = tuple(fields)
    namespace["__dataclass_fields__"] = fields
    namespace["__dataclass_params__"] = _PARAMS
    namespace["__match_args__"] = tuple(fields)
    made = type(cls)(cls.__name__, cls.__bases__, namespace)
    made.__qualname__ = cls.__qualname__  # not in the class's namespace: `Outer.Inner`, pickle
    fields_ = tuple(fields.values())
    if "__init__" not in namespace:

        def __init__(self: object, *args: object, **kwargs: object) -> None:
            init = _plain_init(made, fields_)
            made.__init__ = init  # type: ignore[misc]
            init(self, *args, **kwargs)

        made.__init__ = __init__  # type: ignore[misc]
    return made, fields_


def _plain_init(cls: type, fields_: tuple[dataclasses.Field[Any], ...]) -> Callable[..., None]:
    """`__init__(self, a, b, c=<default>)` setting each field, as dataclass's sets them."""
    names = [f.name for f in fields_]
    defaults = {f"_default_{f.name}": f.default for f in fields_ if f.default is not MISSING}
    params = [
        f"{name}=_default_{name}" if f"_default_{name}" in defaults else name for name in names
    ]
    body = "".join(f"    self.{name} = {name}\n" for name in names) or "    pass\n"
    namespace: dict[str, Any] = dict(defaults)
    exec(f"def __init__(self, {', '.join(params)}):\n{body}", namespace)
    init: Callable[..., None] = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__module__ = cls.__module__
    return init


def _getter(names: tuple[str, ...]) -> Callable[[object], tuple[object, ...]]:
    """The named fields of a value, always as a tuple (as a compiled `__eq__` compares)."""
    if len(names) == 1:
        (name,) = names
        return lambda value: (getattr(value, name),)
    if not names:
        return lambda value: ()
    return operator.attrgetter(*names)


class NoteKind(StrEnum):
    """What an authored item is; decides which cards it produces and its Anki note type."""

    BASIC = "basic"  # heading card, Q:/A:, `front :: back`
    BOTH = "both"  # `front ::: back` (or reverse: true): a forward and a reversed card
    CLOZE = "cloze"  # {{c1::...}} text: one card per deletion group
    MCQ = "mcq"  # stem + task list of options


class CardKind(StrEnum):
    """The kind of one studied card (the `kind` field of the JSON contract)."""

    BASIC = "basic"
    REVERSED = "reversed"
    CLOZE = "cloze"
    MCQ = "mcq"


class CardState(StrEnum):
    """Scheduling state, as Anki names them."""

    NEW = "new"
    LEARNING = "learning"
    REVIEW = "review"
    RELEARNING = "relearning"


class Grade(IntEnum):
    """The four answer buttons."""

    AGAIN = 1
    HARD = 2
    GOOD = 3
    EASY = 4


# The letters that name multiple-choice options on screen, in JSON and (upper case) in Anki.
OPTION_LETTERS = "abcdefghijklmnopqrstuvwxyz"


@value_class
class McqOption:
    """One option of a multiple-choice card, in authored order."""

    text: str
    correct: bool
    rationale: str = ""


@value_class
class CardSpec:
    """One card a note produces, with the faces a reviewer shows (Markdown)."""

    id: str  # stable: note id plus a sibling suffix where a note has several cards
    kind: CardKind
    ordinal: int  # Anki template ordinal; for cloze, cloze number - 1
    front: str
    back: str


@value_class
class Note:
    """One authored item of a deck file, as the parser read it."""

    id: str  # explicit `id` or a hash of normalised content
    kind: NoteKind
    front: str  # question / cloze text with {{cN::..}} markers / MCQ stem (Markdown)
    back: str  # answer / cloze "back extra" / MCQ explanation (Markdown)
    deck: str  # "/"-separated hierarchy
    path: str  # deck file path as given on the command line (POSIX separators)
    line: int  # 1-based line where the note starts
    content_hash: str  # hash of normalised content; changes when the text really changes
    cards: tuple[CardSpec, ...]
    tags: tuple[str, ...] = ()
    context: tuple[str, ...] = ()  # heading breadcrumb above the note
    exam_domains: tuple[tuple[str, str], ...] = ()  # (exam code, domain id), sorted by code
    source: str | None = None
    options: tuple[McqOption, ...] = ()
    explicit_id: bool = False
    extra: dict[str, object] = field(default_factory=dict)  # unknown front-matter keys

    def domain_for(self, exam: str) -> str | None:
        """The id of the domain of `exam` this note belongs to, if it serves that exam."""
        return dict(self.exam_domains).get(exam)

    @property
    def location(self) -> str:
        """`path:line`, as shown in reports and `source` fields."""
        return f"{self.path}:{self.line}"


@value_class
class ParsedDeck:
    """Everything one deck file produced, with non-fatal warnings."""

    path: str
    notes: tuple[Note, ...]
    warnings: tuple[str, ...] = ()
    draft: bool = False  # front matter `draft: true`: read, but never imported (no notes)


@value_class
class Memory:
    """What the FSRS memory model knows of a card: how well it is remembered, for predictions.

    `stability` is the interval (days) at which recall falls to 90 %; `difficulty` is FSRS's
    1..10 scale; `last_review` is the instant of the latest answer (UTC). Kept for every card
    whatever the scheduler, so exam mode and readiness can predict recall on any day.
    """

    stability: float
    difficulty: float
    last_review: datetime


@value_class
class SchedulingState:
    """Where a card stands in its schedule; the scheduler's input and output.

    `due_at` is set for intraday (re)learning (an instant); `due_day` for review cards and
    (re)learning steps that crossed a day boundary (a scheduler date). A new card has neither.
    `ease` is in permille (2500 = 250 %), 0 until the card graduates, as Anki stores it.
    """

    state: CardState = CardState.NEW
    due_at: datetime | None = None
    due_day: date | None = None
    interval_days: int = 0
    ease: int = 0
    reps: int = 0
    lapses: int = 0
    remaining_steps: int = 0
    memory: Memory | None = None  # FSRS memory state; None until the first answer


class ReviewKind(IntEnum):
    """Anki's revlog `type`: which kind of answer this was."""

    LEARN = 0
    REVIEW = 1
    RELEARN = 2
    EARLY = 3  # a review card answered before its due day, studied ahead (Anki's "Filtered")

    @classmethod
    def of(cls, state: CardState) -> ReviewKind:
        """The kind of an answer given to a card in `state` (new cards are learning)."""
        if state == CardState.REVIEW:
            return cls.REVIEW
        if state == CardState.RELEARNING:
            return cls.RELEARN
        return cls.LEARN


@value_class
class Answer:
    """What answering a card produced: the new state and the facts the review log keeps."""

    state: SchedulingState
    review_kind: ReviewKind
    leech: bool = False  # this answer made the card a leech (threshold met)


@value_class
class ReviewRecord:
    """One row of the review log: an answer with the card's state before and after it."""

    card_id: str
    reviewed_at: datetime
    grade: Grade
    kind: ReviewKind
    before: SchedulingState
    after: SchedulingState
    duration_ms: int


@value_class
class StoredCard:
    """A card as the collection keeps it: its spec, schedule, flags and history."""

    spec: CardSpec
    state: SchedulingState
    suspended: bool
    leech: bool
    position: int
    reviews: tuple[ReviewRecord, ...] = ()


LEECH_TAG = "leech"


def with_leech_tag(tags: tuple[str, ...], leech: bool) -> tuple[str, ...]:
    """A leech is shown, listed and exported with the tag `leech` (as Anki tags its leeches),
    whether or not its deck file carries the tag."""
    return (*tags, LEECH_TAG) if leech and LEECH_TAG not in tags else tags


@value_class
class DeckFile:
    """One deck file to parse, with the names it is known by."""

    path: Path  # the file, as a path the process can open
    display: str  # as shown in messages and stored in Note.path (POSIX, as the user gave it)
    default_deck: str  # folder path relative to the given root + file stem, joined by "/"
