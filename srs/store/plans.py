"""What exam mode reads to plan a day: cards with memory, costs, today's answers."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any, NamedTuple

from srs.dates import from_ms, to_ms
from srs.model import Grade, Memory
from srs.store.connection import Connection
from srs.store.scope import QueueFilter


class TimedAnswer(NamedTuple):
    """An answer with a recorded duration: the state it was given in, its grade, its time."""

    state_before: str
    grade: int
    duration_ms: int


class DayAnswer(NamedTuple):
    """An answer of one scheduler day: card, instant (UTC ms) and duration."""

    card_id: str
    reviewed_ms: int
    duration_ms: int


class PlanCardRow(NamedTuple):
    """A studyable card as the planner sees it: memory (None if never answered), domain."""

    card_id: str
    memory: Memory | None
    domain: str | None


def _memory_from_snapshot(state: dict[str, Any]) -> Memory | None:
    if state.get("stability") is None:
        return None
    return Memory(state["stability"], state["difficulty"], from_ms(state["last_review"]))


class PlanQueries(Connection):
    """Read-only queries for `srs.memory.exam_mode` (and the one-off memory backfill)."""

    def cards_without_memory(self) -> list[str]:
        """Answered cards (not orphaned) without a memory state (answered before m009)."""
        rows = self.conn.execute(
            "SELECT id FROM cards WHERE reps > 0 AND stability IS NULL AND orphaned = 0"
        ).fetchall()
        return [row[0] for row in rows]

    def answer_grades(self, card_id: str) -> list[tuple[datetime, Grade]]:
        """(instant, grade) of every answer to a card, oldest first."""
        log = self.conn.execute(
            "SELECT reviewed_at, grade FROM reviews WHERE card_id = ? ORDER BY id", (card_id,)
        ).fetchall()
        return [(from_ms(r[0]), Grade(r[1])) for r in log]

    def set_memory(self, card_id: str, memory: Memory) -> None:
        """Write a card's memory state (inside a transaction)."""
        self.conn.execute(
            "UPDATE cards SET stability = ?, difficulty = ?, last_review = ? WHERE id = ?",
            (memory.stability, memory.difficulty, to_ms(memory.last_review), card_id),
        )

    def timed_answers(self, flt: QueueFilter) -> list[TimedAnswer]:
        """The latest 5000 answers with a recorded duration to cards in `flt`, newest first."""
        where, params = flt.sql(studying=False)
        rows = self.conn.execute(
            "SELECT r.state_before, r.grade, r.duration_ms FROM reviews r"
            f" JOIN cards c ON c.id = r.card_id WHERE r.duration_ms > 0 AND {where}"
            " ORDER BY r.id DESC LIMIT 5000",
            params,
        ).fetchall()
        return [TimedAnswer(r[0], r[1], r[2]) for r in rows]

    def first_answers_since(self, day: date, since: datetime) -> dict[str, Memory | None]:
        """Cards answered on scheduler day `day` at or after `since`: the memory each had
        before its first such answer."""
        rows = self.conn.execute(
            "SELECT r.card_id, r.before FROM reviews r WHERE r.id IN (SELECT MIN(id) FROM"
            " reviews WHERE review_day = ? AND reviewed_at >= ? GROUP BY card_id)",
            (day.toordinal(), to_ms(since)),
        )
        return {card_id: _memory_from_snapshot(json.loads(before)) for card_id, before in rows}

    def plan_card_rows(self, flt: QueueFilter, exam: str | None) -> list[PlanCardRow]:
        """Every studyable card in `flt`, in deck position order, with its domain of `exam`."""
        where, params = flt.sql()
        rows = self.conn.execute(
            "SELECT c.id, c.stability, c.difficulty, c.last_review, nd.domain FROM cards c"
            " LEFT JOIN note_domains nd ON nd.note_id = c.note_id AND nd.exam = :exam"
            f" WHERE {where} ORDER BY c.position",
            params | {"exam": exam},
        )
        return [
            PlanCardRow(
                card_id,
                Memory(stability, difficulty, from_ms(last_review))
                if stability is not None
                else None,
                domain,
            )
            for card_id, stability, difficulty, last_review, domain in rows
        ]

    def answers_on(self, day: date, flt: QueueFilter) -> list[DayAnswer]:
        """Answers of scheduler day `day` to cards in `flt`, in order."""
        where, params = flt.sql(studying=False)
        rows = self.conn.execute(
            "SELECT r.card_id, r.reviewed_at, r.duration_ms FROM reviews r"
            f" JOIN cards c ON c.id = r.card_id WHERE r.review_day = :today AND {where}"
            " ORDER BY r.id",
            params | {"today": day.toordinal()},
        ).fetchall()
        return [DayAnswer(r[0], r[1], r[2]) for r in rows]

    def buried_card_ids(self, today: date) -> set[str]:
        """Cards skipped until a day after `today`."""
        # NOT scope.NOT_BURIED, written so that the partial index cards_buried (m010) answers it
        rows = self.conn.execute(
            "SELECT c.id FROM cards c WHERE c.buried_until > :today", {"today": today.toordinal()}
        ).fetchall()
        return {row[0] for row in rows}

    # -- today's plan, kept (m010) -----------------------------------------------------------

    def saved_day_plan(self, key: str) -> str | None:
        """The plan kept under `key` (JSON), if any."""
        row = self.conn.execute("SELECT plan FROM day_plans WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def has_day_plan(self, key: str) -> bool:
        """Whether a plan is kept under `key` (nothing has dropped it since)."""
        return (
            self.conn.execute("SELECT 1 FROM day_plans WHERE key = ?", (key,)).fetchone()
            is not None
        )

    def save_day_plan(self, key: str, day: date, plan: str) -> None:
        """Keep `plan` under `key`, dropping plans of other days."""
        with self.transaction() as conn:
            conn.execute("DELETE FROM day_plans WHERE day != ?", (day.toordinal(),))
            conn.execute(
                "INSERT OR REPLACE INTO day_plans (key, day, plan) VALUES (?, ?, ?)",
                (key, day.toordinal(), plan),
            )
