"""Row <-> model mapping: the one place that knows which column holds which model field."""

from __future__ import annotations

import json
import sqlite3
from datetime import date
from typing import Any

from srs.dates import from_ms, to_ms
from srs.model import (
    CardKind,
    CardSpec,
    CardState,
    Grade,
    McqOption,
    Memory,
    Note,
    NoteKind,
    ReviewKind,
    ReviewRecord,
    SchedulingState,
    with_leech_tag,
)
from srs.views import CardView


def state_from_row(row: sqlite3.Row | dict[str, Any]) -> SchedulingState:
    """Scheduling columns of a `cards` row as a model value."""
    return SchedulingState(
        state=CardState(row["state"]),
        due_at=from_ms(row["due_at"]) if row["due_at"] is not None else None,
        due_day=date.fromordinal(row["due_day"]) if row["due_day"] is not None else None,
        interval_days=row["interval_days"],
        ease=row["ease"],
        reps=row["reps"],
        lapses=row["lapses"],
        remaining_steps=row["remaining_steps"],
        memory=_memory_from_row(row),
    )


def _memory_from_row(row: sqlite3.Row | dict[str, Any]) -> Memory | None:
    """The memory columns, if set (review-log snapshots from before m009 have none)."""
    keys = row.keys()
    if "stability" not in keys or row["stability"] is None:
        return None
    return Memory(row["stability"], row["difficulty"], from_ms(row["last_review"]))


def state_to_columns(state: SchedulingState) -> dict[str, Any]:
    """The inverse of `state_from_row`: column values for a `cards` update."""
    return {
        "state": state.state.value,
        "due_at": to_ms(state.due_at) if state.due_at is not None else None,
        "due_day": state.due_day.toordinal() if state.due_day is not None else None,
        "interval_days": state.interval_days,
        "ease": state.ease,
        "reps": state.reps,
        "lapses": state.lapses,
        "remaining_steps": state.remaining_steps,
        "stability": state.memory.stability if state.memory else None,
        "difficulty": state.memory.difficulty if state.memory else None,
        "last_review": to_ms(state.memory.last_review) if state.memory else None,
    }


SCHEDULING_COLUMNS = tuple(state_to_columns(SchedulingState()))
# What undo must put back besides scheduling: flags an answer can change.
FLAG_COLUMNS = ("suspended", "leech", "buried_until")


CARD_SELECT = (
    "SELECT c.*, d.name AS deck, n.kind AS note_kind, n.front AS note_front,"
    " n.back AS note_back, n.options, n.tags, n.context, n.source AS note_source,"
    " (SELECT json_group_object(exam, domain) FROM note_domains WHERE note_id = n.id)"
    " AS exam_domains,"
    " n.path, n.line, n.extra, n.modified_at AS note_modified_at"
    " FROM cards c JOIN notes n ON n.id = c.note_id JOIN decks d ON d.id = c.deck_id"
)


def exam_domains_from(text: str | None) -> tuple[tuple[str, str], ...]:
    """The `json_group_object` of a note's `note_domains` rows as sorted pairs."""
    return tuple(sorted(json.loads(text).items())) if text else ()


def note_from_row(row: sqlite3.Row, cards: tuple[CardSpec, ...]) -> Note:
    """A stored note as the model value the parser once produced."""
    return Note(
        id=row["id"],
        kind=NoteKind(row["kind"]),
        front=row["front"],
        back=row["back"],
        deck=row["deck"],
        path=row["path"],
        line=row["line"],
        content_hash=row["content_hash"],
        cards=cards,
        tags=tuple(json.loads(row["tags"])),
        context=tuple(json.loads(row["context"])),
        exam_domains=exam_domains_from(row["exam_domains"]),
        source=row["source"],
        options=tuple(
            McqOption(o["text"], bool(o["correct"]), o.get("rationale", ""))
            for o in json.loads(row["options"])
        ),
        explicit_id=bool(row["explicit_id"]),
        extra=json.loads(row["extra"]),
    )


def review_from_row(row: sqlite3.Row) -> ReviewRecord:
    """A review-log row as a model value (states from the stored snapshots)."""
    return ReviewRecord(
        card_id=row["card_id"],
        reviewed_at=from_ms(row["reviewed_at"]),
        grade=Grade(row["grade"]),
        kind=ReviewKind(row["kind"]),
        before=state_from_row(json.loads(row["before"])),
        after=state_from_row(json.loads(row["after"])),
        duration_ms=row["duration_ms"],
    )


def card_view_from_row(row: sqlite3.Row) -> CardView:
    """A `CARD_SELECT` row as the card the outside world sees."""
    return CardView(
        id=row["id"],
        note_id=row["note_id"],
        deck=row["deck"],
        kind=CardKind(row["kind"]),
        front=row["front"],
        back=row["back"],
        tags=with_leech_tag(tuple(json.loads(row["tags"])), bool(row["leech"])),
        exam_domains=exam_domains_from(row["exam_domains"]),
        path=row["path"],
        line=row["line"],
        context=tuple(json.loads(row["context"])),
        scheduling=state_from_row(row),
        suspended=bool(row["suspended"]),
        orphaned=bool(row["orphaned"]),
        leech=bool(row["leech"]),
        buried_until=(
            date.fromordinal(row["buried_until"]) if row["buried_until"] is not None else None
        ),
        position=row["position"],
        options=tuple(
            McqOption(o["text"], bool(o["correct"]), o.get("rationale", ""))
            for o in json.loads(row["options"])
        ),
    )
