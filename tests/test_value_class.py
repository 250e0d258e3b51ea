"""`srs.model.value_class` stands in for `@dataclass(frozen=True, slots=True)`: it must compare,
hash and print values as that does (only the run-time frozenness is left to mypy)."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
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


@value_class
class Plain:
    x: int
    label: str = "a"
    tags: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Frozen:
    x: int
    label: str = "a"
    tags: tuple[str, ...] = ()


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


def _outcome(make: type, args: list[int], kwargs: dict[str, int]) -> str:
    try:
        return repr(tuple(getattr(make(*args, **kwargs), n) for n in make.__match_args__))  # type: ignore[attr-defined]
    except TypeError as e:
        return f"TypeError: {e}"


@given(st.integers(0, 5), st.data())
def test_a_plain_value_takes_and_rejects_arguments_as_a_dataclass(
    fields: int, data: st.DataObject
) -> None:
    """A value class whose fields are all plain (no `field(...)`, no `__post_init__`) gets a
    lean `__init__` of its own: it takes positional and keyword arguments, applies defaults
    and reports a missing, repeated or unknown argument as dataclass's `__init__` does."""
    names = [f"f{i}" for i in range(fields)]
    with_default = data.draw(st.integers(0, fields))
    body: dict[str, object] = {
        "__annotations__": dict.fromkeys(names, "int"),
        "__module__": __name__,
    }
    body |= {name: -i for i, name in enumerate(names[fields - with_default :])}
    plain = value_class(type("Shape", (), dict(body)))
    frozen = dataclass(frozen=True, slots=True)(type("Shape", (), dict(body)))
    args = data.draw(st.lists(st.integers(), max_size=fields + 1))
    keys = st.sampled_from([*names, "other"])
    kwargs = data.draw(st.dictionaries(keys, st.integers(), max_size=3))
    expected = _outcome(frozen, args, kwargs)
    assert _outcome(plain, args, kwargs) == expected  # the first call compiles `__init__`
    assert _outcome(plain, args, kwargs) == expected


def test_a_plain_value_is_a_dataclass_to_the_dataclasses_module() -> None:
    import copy
    import dataclasses
    import pickle

    def shape(cls: type) -> list[tuple[object, ...]]:
        return [
            (f.name, f.type, f.default, f.init, f.repr, f.compare, f.hash, f.kw_only)
            for f in dataclasses.fields(cls)
        ]

    assert shape(Plain) == shape(Frozen)
    value = Plain(1, tags=("t",))
    assert dataclasses.is_dataclass(value) and dataclasses.asdict(value) == {
        "x": 1,
        "label": "a",
        "tags": ("t",),
    }
    assert dataclasses.replace(value, label="b") == Plain(1, "b", ("t",))
    assert Plain.__match_args__ == Frozen.__match_args__  # type: ignore[attr-defined]
    assert Plain.__slots__ == Frozen.__slots__  # type: ignore[attr-defined]
    assert not hasattr(value, "__dict__")
    assert pickle.loads(pickle.dumps(value)) == value == copy.deepcopy(value)
    assert Plain.__module__ == __name__

    @value_class
    class Local:
        x: int

    assert Local.__qualname__.endswith(".<locals>.Local")  # as the class statement names it
    assert repr(Local(1)) == f"{Local.__qualname__}(x=1)"

    @value_class
    class Derived(Plain):  # made by dataclass, which reads its base's fields and parameters
        extra: int = 0

    assert Derived(1, extra=2).extra == 2 and Derived(1).label == "a"


def test_a_plain_value_refuses_what_dataclass_refuses() -> None:
    errors: dict[str, list[str]] = {}
    for body in (
        {"__annotations__": {"x": "list[int]"}, "x": []},  # a mutable default
        {"__annotations__": {"x": "int", "y": "int"}, "x": 0},  # no default after a default
    ):
        for make in (value_class, dataclass(frozen=True, slots=True)):
            with pytest.raises((ValueError, TypeError)) as raised:
                make(type("Shape", (), {"__module__": __name__, **body}))
            errors.setdefault(str(body), []).append(f"{raised.type.__name__}: {raised.value}")
    assert all(len(set(found)) == 1 for found in errors.values()), errors
