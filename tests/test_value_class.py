"""`srs.model.value_class` stands in for `@dataclass(frozen=True, slots=True)`: it must compare,
hash and print values as that does (only the run-time frozenness is left to mypy)."""

from __future__ import annotations

from dataclasses import dataclass, field

from hypothesis import given
from hypothesis import strategies as st

from srs.model import value_class


@value_class
class Point:
    x: int
    label: str = ""
    tags: tuple[str, ...] = ()
    note: str = field(default="", compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class FrozenPoint:
    x: int
    label: str = ""
    tags: tuple[str, ...] = ()
    note: str = field(default="", compare=False, repr=False)


@value_class
class Other:
    x: int
    label: str = ""
    tags: tuple[str, ...] = ()
    note: str = ""


values = st.tuples(st.integers(), st.text(max_size=5), st.lists(st.text(max_size=3)).map(tuple))


@given(values, values, st.text(max_size=3))
def test_compares_hashes_and_prints_as_a_frozen_dataclass(
    a: tuple[int, str, tuple[str, ...]], b: tuple[int, str, tuple[str, ...]], note: str
) -> None:
    va, vb = Point(*a, note=note), Point(*b)
    fa, fb = FrozenPoint(*a, note=note), FrozenPoint(*b)
    assert (va == vb) == (fa == fb)
    assert (va != vb) == (fa != fb)
    if va == vb:
        assert hash(va) == hash(vb)
    assert repr(va).replace("Point", "FrozenPoint", 1) == repr(fa)
    assert va.__slots__ == fa.__slots__  # type: ignore[attr-defined]


def test_a_value_of_another_class_is_never_equal() -> None:
    assert Point(1, "a") != Other(1, "a")  # type: ignore[comparison-overlap]
    assert Point(1) != (1, "", (), "")  # type: ignore[comparison-overlap]
    assert {Point(1, "a"): 1}[Point(1, "a", note="ignored")] == 1


def test_methods_a_class_writes_itself_are_kept() -> None:
    @value_class
    class ByLabel:
        x: int
        label: str

        def __eq__(self, other: object) -> bool:
            return isinstance(other, ByLabel) and self.label == other.label

    @value_class
    class Unhashable:
        x: int
        __hash__ = None  # type: ignore[assignment]

    assert ByLabel(1, "a") == ByLabel(2, "a")
    assert hash(ByLabel(1, "a")) == hash(ByLabel(1, "a"))  # hashed by its fields, as dataclass
    assert Unhashable.__hash__ is None
