"""Shared fixtures: every test gets its own collection file and a pinned time zone."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("TZ", "UTC")


@pytest.fixture(autouse=True)
def _isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Point SRS_DB at a temp file and pin the zone, so no test touches the user's data."""
    monkeypatch.setenv("SRS_DB", str(tmp_path / "collection.db"))
    monkeypatch.setenv("SRS_TZ", "UTC")
    monkeypatch.delenv("SRS_NOW", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "collection.db"


@pytest.fixture
def deck_dir(tmp_path: Path) -> Path:
    """A small deck folder with every card form, copied so tests may edit it."""
    root = tmp_path / "decks"
    (root / "aws").mkdir(parents=True)
    (root / "aws" / "kinesis.md").write_text(
        """---
tags: [aws]
exam_domains: {MLA-C01: 1, MLS-C01: 1}
---
# Kinesis

Q: Which service replays a stream from a point in time?
A: Kinesis Data Streams (records are retained and can be re-read).

Shard :: the unit of capacity of a Kinesis data stream

## What does Kinesis Data Firehose do?

Loads streaming data into destinations such as S3 and Redshift, with no consumers to manage.
""",
        encoding="utf-8",
    )
    (root / "ml.md").write_text(
        """# ML basics

PCA ::: a linear dimensionality-reduction method that keeps directions of most variance

C: {{c1::L1}} regularization drives weights to exactly zero; {{c2::L2}} shrinks them.

Q: Which metric suits an imbalanced fraud dataset?
- [ ] Accuracy
  - Dominated by the majority class.
- [x] Recall of the fraud class
- [x] PR AUC
- [ ] Mean squared error
Explanation: Accuracy hides the minority class; recall and PR AUC focus on it.
""",
        encoding="utf-8",
    )
    return root


@pytest.fixture
def collection(db_path: Path) -> Iterator[object]:
    from srs.collection import Collection
    from srs.dates import user_timezone

    col = Collection.open(db_path, user_timezone())
    yield col
    col.close()
