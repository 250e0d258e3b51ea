"""The predictions kept on the review log (m012), read for calibration and written by replays."""

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


class GradedRow(NamedTuple):
    """One answer as a prediction replay needs it (log order)."""

    id: int
    card_id: str
    reviewed_ms: int
    review_day: int
    grade: int
    state_before: str


class CalibrationQueries(Connection):
    """`reviews.predicted`: grouped for the measurement, filled by `srs.memory.calibration`."""

    def prediction_groups(self, flt: QueueFilter) -> list[PredictionGroup]:
        """Answers with a prediction, grouped by it. A deck: one pass over
        `reviews_calibration`. The whole collection: the kept groups (`calibration_cache`)
        plus the log rows added since, kept again when there are any."""
        where, params = flt.sql(studying=False)
        if where != "1":
            scope = f" AND card_id IN (SELECT c.id FROM cards c WHERE {where})"
            return self._groups(scope, params, indexed=True)
        top = self.conn.execute("SELECT MAX(id) FROM reviews").fetchone()[0] or 0
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
            for g in self._groups(" AND id > :low AND id <= :top", {"low": row[0], "top": top}):
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
            groups = self._groups(" AND id <= :top", {"top": top}, indexed=True)
        with contextlib.suppress(CollectionError), self.transaction() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO calibration_cache (scope, max_id, groups)"
                " VALUES ('', ?, ?)",
                (top, json.dumps([list(g) for g in groups])),
            )  # a read-only collection reads it all each time
        return groups

    def _groups(
        self, scope: str, params: dict[str, Any], *, indexed: bool = False
    ) -> list[PredictionGroup]:
        """`indexed`: read `reviews_calibration` whole; else a range of row ids."""
        # the rows added since: a range of ids (left to itself SQLite scans the whole index)
        source = "reviews INDEXED BY reviews_calibration" if indexed else "reviews NOT INDEXED"
        rows = self.conn.execute(
            f"SELECT CAST(predicted * {BIN_SCALE} AS INTEGER) AS m, COUNT(*), SUM(predicted),"
            f" SUM(grade > 1) FROM {source} WHERE predicted >= 0{scope} GROUP BY m",
            params,
        )
        return [PredictionGroup(int(m), int(n), float(p), int(y)) for m, n, p, y in rows]

    def unpredicted_cards(self) -> list[str]:
        """Cards with an answer whose prediction is not computed yet (NULL)."""
        rows = self.conn.execute(
            "SELECT DISTINCT card_id FROM reviews INDEXED BY reviews_unpredicted"
            " WHERE predicted IS NULL"
        )
        return [row[0] for row in rows]

    def graded_rows(self, card_ids: list[str] | None = None) -> Iterator[GradedRow]:
        """Every answer (of `card_ids`, or all), in log order."""
        sql = "SELECT id, card_id, reviewed_at, review_day, grade, state_before FROM reviews"
        if card_ids is None:
            return (GradedRow(*row) for row in self.conn.execute(sql + " ORDER BY id"))
        self.conn.execute("CREATE TEMP TABLE IF NOT EXISTS _predict_cards (id TEXT PRIMARY KEY)")
        self.conn.execute("DELETE FROM _predict_cards")
        self.conn.executemany(
            "INSERT OR IGNORE INTO _predict_cards VALUES (?)", ((c,) for c in card_ids)
        )
        rows = self.conn.execute(
            sql + " WHERE card_id IN (SELECT id FROM _predict_cards) ORDER BY id"
        ).fetchall()
        return (GradedRow(*row) for row in rows)

    def set_predictions(self, rows: Iterable[tuple[float, int]]) -> None:
        """(prediction, review id) pairs (inside a transaction)."""
        self.conn.executemany("UPDATE reviews SET predicted = ? WHERE id = ?", rows)
        self.conn.execute("DELETE FROM calibration_cache")

    def clear_predictions(self, flt: QueueFilter) -> None:
        """Mark the predictions of `flt`'s cards as not computed (the parameters changed)."""
        where, params = flt.sql(studying=False)
        scope = "" if where == "1" else f" AND card_id IN (SELECT c.id FROM cards c WHERE {where})"
        self.conn.execute(f"UPDATE reviews SET predicted = NULL WHERE 1{scope}", params)
        self.conn.execute("DELETE FROM calibration_cache")
