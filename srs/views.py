"""Cards as the outside world sees them: the JSON contract of `srs card(s)`, `next`, `answer`.

Field names here are a contract other tools rely on; add fields, never rename them.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from datetime import date, tzinfo
from pathlib import Path
from typing import Any

from srs.dates import day_start, iso
from srs.model import OPTION_LETTERS, CardKind, McqOption, SchedulingState


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


@dataclass(frozen=True, slots=True)
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
