"""`python -m benchmarks fsrs`: fitting FSRS-6 to 100k reviews, and replaying 1M reviews into the
memory of 100k cards after the parameters change (issue 17's targets: 2 s and 10 s).

The fit row runs what `srs fsrs optimize` does after reading the log (items by Anki's rules, a
fit on every item, a fit on the earlier 80 % and the held-out scores) on a simulated learner's
100k answers (`benchmarks.learners`). The replay row re-derives the memory of the cached 100k-card
benchmark collection (1M log rows) in a copy, as `srs config set fsrs_parameters` does, with
its progress callback counted. Both rows note the process CPU time too: on a shared machine
the wall time also counts the waits for a core.
"""

from __future__ import annotations

import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.generate import ZONE, srs_collection
from benchmarks.peer import working_copy
from benchmarks.timing import Timing

FIT_REVIEWS = 100_000


def simulated_log(reviews: int = FIT_REVIEWS, seed: int = 3) -> list[object]:
    """About `reviews` answers of one simulated learner, as `Store.logged_grades` yields them."""
    from benchmarks.learners import schedule, true_parameters
    from srs.memory.model import FsrsModel
    from srs.model import ReviewKind
    from srs.store.memory import LoggedGrade

    cards = reviews // 9
    start = datetime(2026, 1, 1, tzinfo=UTC)
    rows = [
        LoggedGrade(
            f"c{card:06d}",
            "d",
            int(at.timestamp() * 1000),
            740_000 + day,
            int(grade),
            int(kind),
            "new" if kind == ReviewKind.LEARN else "review",
        )
        for card, day, at, grade, kind in schedule(
            FsrsModel(true_parameters(seed)), seed, cards, 180, start
        )
    ]
    rows.sort(key=lambda r: (r.card_id, r.reviewed_ms))
    return rows


def time_fit(repeat: int) -> tuple[Timing, int, float]:
    from srs.memory.optimize import evaluate, fit, training_set

    log = simulated_log()
    runs = []
    cpu = []
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        data = training_set(log)  # type: ignore[arg-type]
        earlier, later = data.split()
        fit(data)
        fitted = fit(earlier)
        evaluate((), later)
        evaluate(fitted, later)
        runs.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return Timing(runs), len(log), min(cpu)


def time_replay(repeat: int) -> tuple[Timing, int, float]:
    from srs.collection import Collection

    source = srs_collection(100_000)
    runs = []
    cpu = []
    reviews = 0
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(repeat):
            db = working_copy(source, Path(tmp) / "copy.db")  # flushed before it is timed
            calls: list[int] = []

            def progress(done: int, total: int, calls: list[int] = calls) -> None:
                calls.append(done)

            with Collection.open(db, ZONE) as col:
                t0, c0 = time.perf_counter(), time.process_time()
                done = col.rederive_memory(progress=progress)
                runs.append(time.perf_counter() - t0)
                cpu.append(time.process_time() - c0)
            reviews = done.reviews
            assert len(calls) > 10  # progress was shown along the way
            db.unlink()
    return Timing(runs), reviews, min(cpu)
