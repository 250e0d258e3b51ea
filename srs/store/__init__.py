"""The store: the only package that speaks SQL. Every table, migration and backup lives here.

The rest of srs asks the store typed questions (`store.card_view(id)`, `store.studied_today(...)`)
and gets model values or small dataclasses back. The methods are grouped by table in modules
(`cards`, `notes`, `history`, `reviews`, `queue`, `files`, `config`, `blueprints`, `exams`,
`plans`, `memory`, `stats`, `export`), each a class over
one shared `Connection`; `Store` combines them. Rules that many queries share are written once:
the deck scope, the studyable-card predicate and the partial-index conditions (`scope`), and
row <-> model mapping (`rows`). Imports: the model, dates and errors; nothing above the store.
"""

from __future__ import annotations

from srs.store.blueprints import BlueprintQueries
from srs.store.calibration import CalibrationQueries
from srs.store.cards import CardQueries
from srs.store.config import ConfigQueries
from srs.store.connection import SQLITE_HEADER, Connection
from srs.store.exams import ExamQueries
from srs.store.export import ExportQueries
from srs.store.files import FileQueries
from srs.store.memory import MemoryQueries
from srs.store.notes import NoteQueries, NoteRow, NoteText, StoredNote
from srs.store.plans import PlanQueries
from srs.store.queue import QueueQueries
from srs.store.reviews import ReviewQueries
from srs.store.rows import (
    CARD_SELECT,
    FLAG_COLUMNS,
    SCHEDULING_COLUMNS,
    exam_domains_from,
    note_from_row,
    review_from_row,
    state_from_row,
    state_to_columns,
)
from srs.store.sql import BUSY_TIMEOUT_MS, like_escape
from srs.store.stats import StatsQueries
from srs.store.sync import SyncQueries

__all__ = [
    "BUSY_TIMEOUT_MS",
    "CARD_SELECT",
    "FLAG_COLUMNS",
    "SCHEDULING_COLUMNS",
    "SQLITE_HEADER",
    "NoteRow",
    "NoteText",
    "Store",
    "StoredNote",
    "exam_domains_from",
    "like_escape",
    "note_from_row",
    "review_from_row",
    "state_from_row",
    "state_to_columns",
]


class Store(
    ExportQueries,
    SyncQueries,
    CardQueries,
    NoteQueries,
    ReviewQueries,
    QueueQueries,
    FileQueries,
    ConfigQueries,
    ExamQueries,
    PlanQueries,
    MemoryQueries,
    StatsQueries,
    BlueprintQueries,
    CalibrationQueries,
    Connection,
):
    """An open collection file with every table group's typed methods."""
