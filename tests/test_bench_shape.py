"""The benchmark collections are shaped like imported ones (issue 19): the generated 10k
collection, written straight into the schema, against the same notes through the real import."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks import shape
from benchmarks.generate import build_srs


@pytest.mark.parametrize("n", [10_000])
def test_generated_collection_matches_the_real_import(tmp_path: Path, n: int) -> None:
    generated = tmp_path / "generated.db"
    build_srs(generated, n)
    imported = shape.imported_collection(tmp_path, n)
    lines = shape.compare(generated, imported)
    assert [line for line in lines if not line[3]] == [], shape.report(lines)


def test_distance_sees_a_different_mix() -> None:
    assert shape.distance(["a"] * 90 + ["b"] * 10, ["a"] * 90 + ["b"] * 10) == 0.0
    assert shape.distance(["a"] * 90 + ["b"] * 10, ["a"] * 80 + ["b"] * 20) == pytest.approx(0.1)
