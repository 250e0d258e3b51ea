"""The predictions kept on the review log (m012), read for calibration and written by replays."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import NamedTuple

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
        """Answers with a prediction, grouped by it (one pass over `reviews_calibration`)."""
        where, params = flt.sql(studying=False)
        scope = "" if where == "1" else f" AND card_id IN (SELECT c.id FROM cards c WHERE {where})"
        rows = self.conn.execute(
            f"SELECT CAST(predicted * {BIN_SCALE} AS INTEGER) AS m, COUNT(*), SUM(predicted),"
            " SUM(grade > 1) FROM reviews INDEXED BY reviews_calibration"
            f" WHERE predicted >= 0{scope} GROUP BY m",
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

    def clear_predictions(self, flt: QueueFilter) -> None:
        """Mark the predictions of `flt`'s cards as not computed (the parameters changed)."""
        where, params = flt.sql(studying=False)
        scope = "" if where == "1" else f" AND card_id IN (SELECT c.id FROM cards c WHERE {where})"
        self.conn.execute(f"UPDATE reviews SET predicted = NULL WHERE 1{scope}", params)
