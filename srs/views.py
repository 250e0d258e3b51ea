"""Cards as the outside world sees them: the JSON contract of `srs card(s)`, `next`, `answer`.

Field names here are a contract other tools rely on; add fields, never rename them.
"""

from __future__ import annotations

import bisect
import functools
import os
import re
from collections.abc import Iterable
from datetime import date, tzinfo
from pathlib import Path
from typing import Any

from srs.dates import day_start, iso
from srs.model import OPTION_LETTERS, CardKind, McqOption, SchedulingState, value_class


def display_path(path: str) -> str:
    """A stored absolute path shown relative to the working folder when it lies below it."""
    return _relative(path, os.getcwd())


@functools.lru_cache(maxsize=1024)
def _relative(path: str, cwd: str) -> str:
    # Cached: every card of a file shares its path, and listing or exporting thousands of
    # cards would otherwise build the same Path objects thousands of times.
    try:
        return Path(path).relative_to(cwd).as_posix()
    except ValueError:
        return path


def due_iso(state: SchedulingState, zone: tzinfo, day_starts_at: int) -> str | None:
    """When a card in `state` is due, as an ISO 8601 UTC instant (a due day starts at rollover)."""
    if state.due_at is not None:
        return iso(state.due_at)
    if state.due_day is not None:
        return iso(day_start(state.due_day, zone, day_starts_at))
    return None


@value_class
class CardView:
    """One card with its note, deck and scheduling state, ready to show or serialise."""

    id: str
    note_id: str
    deck: str
    kind: CardKind
    front: str
    back: str
    tags: tuple[str, ...]
    exam_domains: tuple[tuple[str, str], ...]  # (exam code, domain id)
    path: str
    line: int
    context: tuple[str, ...]
    scheduling: SchedulingState
    suspended: bool
    orphaned: bool
    leech: bool
    buried_until: date | None
    position: int
    options: tuple[McqOption, ...]

    @property
    def source(self) -> str:
        """`path:line` of the card in its deck file."""
        return f"{display_path(self.path)}:{self.line}"

    def domain_for(self, exam: str | None) -> str | None:
        """The card's domain id in `exam`, if it serves that exam."""
        return dict(self.exam_domains).get(exam) if exam else None

    def front_line(self, width: int = 60) -> str:
        """The front's first non-blank line, cut to `width` with an ellipsis (for listings)."""
        line = next((text.strip() for text in self.front.splitlines() if text.strip()), "")
        return line if len(line) <= width else line[: width - 1] + "…"

    def to_dict(self, zone: tzinfo, day_starts_at: int, exam: str | None = None) -> dict[str, Any]:
        """The JSON card object; `exam` and `domain` follow the target exam."""
        s = self.scheduling
        data: dict[str, Any] = {
            "id": self.id,
            "note_id": self.note_id,
            "deck": self.deck,
            "kind": self.kind.value,
            "front": self.front,
            "back": self.back,
            "tags": list(self.tags),
            "exam": exam if self.domain_for(exam) is not None else None,
            "domain": self.domain_for(exam),
            "exam_domains": dict(self.exam_domains),
            "source": self.source,
            "context": list(self.context),
            "state": s.state.value,
            "due": due_iso(s, zone, day_starts_at),
            "due_day": s.due_day.isoformat() if s.due_day is not None else None,
            "interval_days": s.interval_days,
            "ease": s.ease / 1000 if s.ease else None,
            "reps": s.reps,
            "lapses": s.lapses,
            "remaining_steps": s.remaining_steps,
            "suspended": self.suspended,
            "orphaned": self.orphaned,
            "leech": self.leech,
            "buried_until": self.buried_until.isoformat() if self.buried_until else None,
        }
        if self.kind is CardKind.MCQ:
            data["options"] = [
                {
                    "letter": OPTION_LETTERS[i],
                    "text": o.text,
                    "correct": o.correct,
                    "rationale": o.rationale,
                }
                for i, o in enumerate(self.options)
            ]
            data["correct"] = [OPTION_LETTERS[i] for i, o in enumerate(self.options) if o.correct]
        return data

    @property
    def abs_path(self) -> str:
        return self.path if os.path.isabs(self.path) else os.path.abspath(self.path)


MIN_SHOWN_ID = 8  # characters of a card id shown at least (as git shows commits)
_HEX_ID = re.compile(r"[0-9a-f]{16}")  # the form of the ids srs generates (srs.decks.identity)


def short_ids(all_ids: Iterable[str], wanted: Iterable[str]) -> dict[str, str]:
    """The shortest prefix of each wanted id that `srs card PREFIX` resolves to that card alone.

    Unique among `all_ids` (the whole collection, not one listing) as the store's prefix match
    compares (ASCII case folded). Only generated ids (16 hex digits) are cut: an id the author
    wrote (`<!-- id: s3-tiers -->`) is a name and is shown whole, and so is an id whose prefix
    would cut into a sibling suffix (after `:`), so siblings read as `abc…:rev`.
    """
    keys = sorted(_fold(i) for i in all_ids)
    shown = {}
    for card_id in wanted:
        key = _fold(card_id)
        n = bisect.bisect_left(keys, key)
        if n == len(keys) or keys[n] != key:
            shown[card_id] = card_id
            continue
        common = max(
            _common(key, keys[n - 1]) if n > 0 else 0,
            _common(key, keys[n + 1]) if n + 1 < len(keys) else 0,
        )
        length = max(common + 1, MIN_SHOWN_ID)
        colon = card_id.find(":")
        generated = _HEX_ID.fullmatch(card_id if colon < 0 else card_id[:colon]) is not None
        if not generated or length >= len(card_id) or 0 <= colon < length:
            shown[card_id] = card_id
        else:
            shown[card_id] = card_id[:length]
    return shown


def _fold(text: str) -> str:
    """ASCII lower case, as SQLite's LIKE compares."""
    return "".join(c.lower() if c.isascii() else c for c in text)


def _common(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n
