"""The predictions of the memory model for each answer (m012, in their own table since m014),
read for calibration and written by replays."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterable, Iterator
from typing import Any, NamedTuple

from srs.errors import CollectionError
from srs.store.connection import Connection
from srs.store.scope import QueueFilter

BIN_SCALE = 1000  # predictions are grouped to 1/1000 (log loss from the group means)


class PredictionGroup(NamedTuple):
    """Answers whose prediction rounds down to the same 1/1000: count, sum of predictions,
    answers recalled (graded above Again)."""

    milli: int
    answers: int
    predicted: float
    recalled: int


GradedRow = tuple[int, str, int, int, int, str]
"""One answer as a prediction replay needs it, in log order: review id, card id, answered at
(ms), scheduler day, grade, state before. Plain tuples: a replay unpacks a million of them."""


class CalibrationQueries(Connection):
    """`predictions` (m014): grouped for the measurement, filled by `srs.memory.calibration` and
    by memory replays (`srs.memory.replay`)."""

    def prediction_groups(self, flt: QueueFilter) -> list[PredictionGroup]:
        """Answers with a prediction, grouped by it. A deck: its cards' answers joined to
        their predictions. The whole collection: the kept groups (`calibration_cache`) plus
        the predictions of answers logged since, kept again when there are any."""
        where, params = flt.sql(studying=False)
        if where != "1":
            return self._groups(
                " JOIN reviews r ON r.id = p.review_id"
                f" WHERE r.card_id IN (SELECT c.id FROM cards c WHERE {where}) AND",
                params,
            )
        top = self.last_review_id()
        row = self.conn.execute(
            "SELECT max_id, groups FROM calibration_cache WHERE scope = ''"
        ).fetchone()
        if row is not None and row[0] <= top:
            kept = [
                PredictionGroup(int(m), int(n), float(p), int(y))
                for m, n, p, y in json.loads(row[1])
            ]
            if row[0] == top:
                return kept
            merged = {g.milli: g for g in kept}
            since = {"low": row[0], "top": top}
            for g in self._groups(" WHERE p.review_id > :low AND p.review_id <= :top AND", since):
                old = merged.get(g.milli)
                merged[g.milli] = (
                    g
                    if old is None
                    else PredictionGroup(
                        g.milli,
                        old.answers + g.answers,
                        old.predicted + g.predicted,
                        old.recalled + g.recalled,
                    )
                )
            groups = list(merged.values())
        else:
            groups = self._groups(" WHERE p.review_id <= :top AND", {"top": top})
        with contextlib.suppress(CollectionError), self.transaction() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO calibration_cache (scope, max_id, groups)"
                " VALUES ('', ?, ?)",
                (top, json.dumps([list(g) for g in groups])),
            )  # a read-only collection reads it all each time
        return groups

    def _groups(self, where: str, params: dict[str, Any]) -> list[PredictionGroup]:
        """`where`: a join and conditions on `predictions p`, ending in AND."""
        rows = self.conn.execute(
            f"SELECT CAST(p.predicted * {BIN_SCALE} AS INTEGER) AS m, COUNT(*),"
            f" SUM(p.predicted), SUM(p.recalled) FROM predictions p{where} p.predicted >= 0"
            " GROUP BY m",
            params,
        )
        return [PredictionGroup(int(m), int(n), float(p), int(y)) for m, n, p, y in rows]

    def unpredicted_cards(self) -> list[str]:
        """Cards with an answer whose prediction is not computed yet (logged before m012,
        imported, or pulled by a sync): only answers past `predictions_filled` are looked at."""
        mark = self.conn.execute(
            "SELECT COALESCE(MAX(through_id), 0) FROM predictions_filled"
        ).fetchone()[0]
        # The mark as a parameter and no DISTINCT (cards are made unique here): either one
        # makes SQLite walk a covering index of the whole log instead of seeking past the mark
        # by row id (0.3 s on every `srs stats` at 1M answers).
        rows = self.conn.execute(
            "SELECT r.card_id FROM reviews r WHERE r.id > ?"
            " AND NOT EXISTS (SELECT 1 FROM predictions p WHERE p.review_id = r.id)",
            (mark,),
        )
        return list(dict.fromkeys(row[0] for row in rows))

    def graded_rows(
        self, card_ids: list[str] | None = None, flt: QueueFilter | None = None
    ) -> Iterator[GradedRow]:
        """Every answer (of `card_ids`, or of the cards of `flt`, or all), in log order."""
        sql = "SELECT id, card_id, reviewed_at, review_day, grade, state_before FROM reviews"
        if card_ids is None:
            where, params = flt.sql(studying=False) if flt is not None else ("1", {})
            if where != "1":
                sql += f" WHERE card_id IN (SELECT c.id FROM cards c WHERE {where})"
            rows: Iterator[GradedRow] = self.conn.execute(sql + " ORDER BY id", params)
            return rows
        self.conn.execute("CREATE TEMP TABLE IF NOT EXISTS _predict_cards (id TEXT PRIMARY KEY)")
        self.conn.execute("DELETE FROM _predict_cards")
        self.conn.executemany(
            "INSERT OR IGNORE INTO _predict_cards VALUES (?)", ((c,) for c in card_ids)
        )
        chosen: list[GradedRow] = self.conn.execute(
            sql + " WHERE card_id IN (SELECT id FROM _predict_cards) ORDER BY id"
        ).fetchall()
        return iter(chosen)

    def set_predictions(self, rows: Iterable[tuple[int, float, int]]) -> None:
        """(review id, prediction, recalled) rows, replacing any the answers had (inside a
        transaction)."""
        self.conn.executemany(
            "INSERT OR REPLACE INTO predictions (review_id, predicted, recalled) VALUES (?, ?, ?)",
            rows,
        )
        self.conn.execute("DELETE FROM calibration_cache")

    def last_review_id(self) -> int:
        """The id of the latest answer logged (0: none)."""
        return int(self.conn.execute("SELECT COALESCE(MAX(id), 0) FROM reviews").fetchone()[0])

    def predictions_filled(self, through: int) -> None:
        """Every answer up to id `through` has its prediction: later looks for answers still
        to predict start after it. `through` is read before the look that found nothing
        missing, so an answer logged meanwhile (a sync in another process) stays after the
        mark. Written only when the mark moves, and skipped on a collection that cannot be
        written (the next look reads the tail again)."""
        mark = self.conn.execute(
            "SELECT COALESCE(MAX(through_id), 0) FROM predictions_filled"
        ).fetchone()[0]
        if mark < through:
            with contextlib.suppress(CollectionError), self.transaction() as conn:
                conn.execute("DELETE FROM predictions_filled")
                conn.execute("INSERT INTO predictions_filled (through_id) VALUES (?)", (through,))

    def clear_predictions(self) -> None:
        """Forget every prediction (the parameters they were made with changed): one
        truncation of `predictions`."""
        self.conn.execute("DELETE FROM predictions")
        self.conn.execute("DELETE FROM predictions_filled")
        self.conn.execute("DELETE FROM calibration_cache")
