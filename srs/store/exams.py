"""Exam blueprints and mock-exam attempts as stored."""

from __future__ import annotations

from srs.store.connection import Connection


class ExamQueries(Connection):
    """The `blueprints`, `exam_attempts` and `exam_answers` tables."""
