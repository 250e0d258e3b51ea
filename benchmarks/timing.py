"""Repeat a measurement and report median and p90 (the figures every benchmark prints)."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Timing:
    """Seconds per run over repeated runs."""

    runs: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.runs)

    @property
    def p90(self) -> float:
        ordered = sorted(self.runs)
        return ordered[min(len(ordered) - 1, int(round(0.9 * (len(ordered) - 1))))]

    def ms(self) -> str:
        return f"{self.median * 1000:.1f} ms (p90 {self.p90 * 1000:.1f})"


def measure(run: Callable[[], object], repeat: int = 5, setup: Callable[[], object] | None = None) -> Timing:
    """Time `run` `repeat` times, calling `setup` (untimed) before each run."""
    runs = []
    for _ in range(repeat):
        if setup is not None:
            setup()
        start = time.perf_counter()
        run()
        runs.append(time.perf_counter() - start)
    return Timing(runs)
