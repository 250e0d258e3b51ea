"""32-bit float arithmetic as Anki's Rust engine does it.

Anki computes intervals in `f32` and rounds half away from zero (`f32::round`). Python floats are
64-bit and `round()` rounds half to even; either difference changes about 1 % of intervals. Every
product or sum of two f32 values is exact in a Python float, so rounding that exact result back to
f32 (`f32()`) gives exactly the f32 operation.
"""

from __future__ import annotations

import math
import struct

__all__ = ["add", "f32", "mul", "round_half_away", "to_u32"]

_U32_MAX = 2**32 - 1
# One compiled format: an answer makes ~130 of these round trips (the fuzz of three intervals),
# and looking "<f" up in struct's cache each time cost a third of them.
_F32 = struct.Struct("<f")
_pack, _unpack = _F32.pack, _F32.unpack


def f32(x: float) -> float:
    """The nearest 32-bit float to `x`, as a Python float."""
    return float(_unpack(_pack(x))[0])


def mul(a: float, b: float) -> float:
    """`a * b` in f32."""
    return float(_unpack(_pack(_unpack(_pack(a))[0] * _unpack(_pack(b))[0]))[0])


def add(a: float, b: float) -> float:
    """`a + b` in f32."""
    return float(_unpack(_pack(_unpack(_pack(a))[0] + _unpack(_pack(b))[0]))[0])


def round_half_away(x: float) -> float:
    """Rust's `f32::round`: halves go away from zero (Python's `round` goes to even)."""
    return math.copysign(math.floor(abs(x) + 0.5), x)


def to_u32(x: float) -> int:
    """Rust's `x as u32`: truncate toward zero, saturate at 0 and u32::MAX (NaN -> 0)."""
    if math.isnan(x) or x <= 0:
        return 0
    return min(int(x), _U32_MAX)
