"""Repeat a measurement and report median and p90 (the figures every benchmark prints)."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path


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
        return ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]

    def ms(self) -> str:
        return f"{self.median * 1000:.1f} ms (p90 {self.p90 * 1000:.1f})"

    def to_dict(self) -> dict[str, object]:
        return {"median_s": self.median, "p90_s": self.p90, "runs_s": self.runs}


def measure(
    run: Callable[[], object],
    repeat: int = 5,
    setup: Callable[[], object] | None = None,
    warmup: int = 0,
) -> Timing:
    """Time `run` `repeat` times (after `warmup` untimed runs), `setup` untimed before each."""
    runs = []
    for i in range(warmup + repeat):
        if setup is not None:
            setup()
        start = time.perf_counter()
        run()
        elapsed = time.perf_counter() - start
        if i >= warmup:
            runs.append(elapsed)
    return Timing(runs)


def srs_launcher() -> tuple[list[str], str]:
    """The installed `srs` console script next to this Python (not a pyenv shim), else
    `python -m srs`; with a label for the report."""
    script = Path(sys.executable).parent / "srs"
    if script.is_file():
        return [str(script)], f"console script {script}"
    return [sys.executable, "-m", "srs"], f"{sys.executable} -m srs"


def measure_pair(
    run: Callable[[], object],
    peer_run: Callable[[], object],
    repeat: int = 5,
    setup: Callable[[], object] | None = None,
    peer_setup: Callable[[], object] | None = None,
    warmup: int = 1,
) -> tuple[Timing, Timing]:
    """`measure` for two pieces of work in process, run by turns (one of each, `repeat`
    times, after `warmup` untimed turns): as `cold_pair`, each run has its partner next to it,
    so a change of the machine's speed between two blocks of runs does not move the ratio."""
    first, second = [], []
    for i in range(warmup + repeat):
        a = measure(run, 1, setup=setup).runs
        b = measure(peer_run, 1, setup=peer_setup).runs
        if i >= warmup:
            first += a
            second += b
    return Timing(first), Timing(second)


def cold_pair(
    argv: Sequence[str],
    peer_argv: Sequence[str],
    repeat: int = 7,
    env: dict[str, str] | None = None,
) -> tuple[Timing, Timing]:
    """`cold` for two commands, run by turns (one of each, `repeat` times): a ratio of two
    cold starts of ~70 ms moves by 20 % when the machine's load changes between two blocks
    of runs, much less when each run has its partner next to it."""
    return measure_pair(_process(argv, env), _process(peer_argv, env), repeat, warmup=0)


def cold(
    argv: Sequence[str],
    repeat: int = 7,
    env: dict[str, str] | None = None,
    warmup: int = 1,
    check: Callable[[str], object] | None = None,
) -> Timing:
    """Wall time of a fresh process running `argv` (the OS file cache is warm: one untimed
    run first), failing loudly if it exits non-zero."""
    return measure(_process(argv, env, check), repeat, warmup=warmup)


def _process(
    argv: Sequence[str],
    env: dict[str, str] | None = None,
    check: Callable[[str], object] | None = None,
) -> Callable[[], None]:
    """Running `argv` in a fresh process, failing loudly if it exits non-zero; `check` is
    given its output."""
    full_env = os.environ | (env or {})
    # Users run srs with compiled bytecode cached (pip and the first run write it); a shell
    # with PYTHONDONTWRITEBYTECODE would make every timed run compile srs from source.
    full_env.pop("PYTHONDONTWRITEBYTECODE", None)

    def run() -> None:
        done = subprocess.run(list(argv), env=full_env, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(argv)} failed ({done.returncode}): {done.stderr[-500:]}")
        if check is not None:
            check(done.stdout)

    return run
