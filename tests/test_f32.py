"""`srs.scheduler.f32` against C's own `float`, which ctypes rounds to independently of struct."""

from __future__ import annotations

import ctypes

from hypothesis import given
from hypothesis import strategies as st

from srs.scheduler.f32 import add, f32, mul

# Values an interval computation meets: intervals, eases, multipliers, fuzz draws, and their
# f32 neighbours, well inside f32's range so that no product overflows it.
values = st.floats(min_value=-1e15, max_value=1e15, allow_nan=False) | st.sampled_from(
    [0.0, 0.5, 1.2, 1.3, 2.5, 58.5, 31.5, 36500.0, 1.0000001, 0.15, 0.1, 0.05]
)


def c_float(x: float) -> float:
    return float(ctypes.c_float(x).value)


@given(values)
def test_f32_rounds_as_c_float(x: float) -> None:
    assert f32(x) == c_float(x)


@given(values, values)
def test_mul_and_add_are_one_f32_operation(a: float, b: float) -> None:
    assert mul(a, b) == c_float(c_float(a) * c_float(b))
    assert add(a, b) == c_float(c_float(a) + c_float(b))
