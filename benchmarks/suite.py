"""Every row of the issue-8 table: srs and its peer measured in the same run, on the same data.

Each `bench_*` function returns `Row`s. A row's main figure is at 100k cards where the data has
a size; the same figure at 10k is kept for the growth column (100k / 10k: 10x the data, so a
growth near 10 is linear, near 1 is flat). Cold-process rows run the installed `srs` console
script (see `timing.srs_launcher`).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.generate import NOW, ZONE, cache_dir, srs_collection
from benchmarks.timing import Timing, cold, cold_pair, measure, srs_launcher

SMALL, LARGE = 10_000, 100_000
SRS_ENV = {"SRS_TZ": "UTC", "NO_COLOR": "1"}


@dataclass
class Row:
    """One line of the table."""

    key: str
    what: str
    srs: Timing | None = None
    peer: Timing | None = None
    peer_name: str = ""
    target_s: float | None = None  # srs median must be at most this
    target_ratio: float | None = None  # srs / peer median must be at most this
    unit: str = "ms"  # "ms" (Timing in seconds) or "MB"
    growth: dict[str, float] = field(default_factory=dict)  # srs_small, srs_large, peer_...
    note: str = ""
    error: str = ""

    @property
    def ratio(self) -> float | None:
        if self.srs is None or self.peer is None or self.peer.median == 0:
            return None
        return self.srs.median / self.peer.median

    @property
    def target(self) -> str:
        parts = []
        if self.target_s is not None:
            parts.append(f"<= {self.target_s * 1000:g} ms")
        if self.target_ratio is not None:
            parts.append(f"ratio <= {self.target_ratio:g}")
        return ", ".join(parts) or "-"

    @property
    def verdict(self) -> str:
        if self.error:
            return "ERROR"
        if self.target_s is None and self.target_ratio is None:
            return "info"
        ok = True
        if self.target_s is not None:
            ok = ok and self.srs is not None and self.srs.median <= self.target_s
        if self.target_ratio is not None:
            ok = ok and self.ratio is not None and self.ratio <= self.target_ratio
        return "pass" if ok else "FAIL"

    def growth_text(self) -> str:
        def factor(side: str) -> str:
            small, large = self.growth.get(f"{side}_small"), self.growth.get(f"{side}_large")
            return f"x{large / small:.1f}" if small and large else ""

        srs, peer = factor("srs"), factor("peer")
        return f"{srs} (peer {peer})" if srs and peer else srs

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "what": self.what,
            "unit": self.unit,
            "srs": self.srs.to_dict() if self.srs else None,
            "peer": self.peer.to_dict() if self.peer else None,
            "peer_name": self.peer_name,
            "ratio": self.ratio,
            "target": self.target,
            "result": self.verdict,
            "growth_10k_to_100k": self.growth,
            "note": self.note,
            "error": self.error,
        }


def guarded(key: str, what: str, fn: Callable[[], list[Row]]) -> list[Row]:
    """Run one benchmark; a failure becomes an ERROR row instead of stopping the suite."""
    try:
        return fn()
    except Exception as exc:
        traceback.print_exc(file=sys.stderr)
        return [Row(key, what, error=f"{type(exc).__name__}: {exc}"[:300])]


def _srs_cmd(db: Path, *args: str) -> list[str]:
    return [*srs_launcher()[0], "--db", str(db), "--now", NOW.isoformat(), *args]


# -- rows ----------------------------------------------------------------------------------------


def bench_help(repeat: int) -> list[Row]:
    argv, peer_argv = [*srs_launcher()[0], "--help"], [sys.executable, "-c", "import typer"]
    cold(argv, 1), cold(peer_argv, 1)  # the file cache and bytecode, untimed
    srs, peer = cold_pair(argv, peer_argv, repeat)
    return [
        Row(
            "help",
            "`srs --help`, cold process",
            srs,
            peer,
            "`import typer` alone",
            0.100,
            target_ratio=1.3,
        )
    ]


def bench_next(repeat: int) -> list[Row]:
    from benchmarks import peer

    def check_srs(out: str) -> None:
        json.loads(out)

    figures: dict[int, tuple[Timing, Timing]] = {}
    for n in (SMALL, LARGE):
        db = srs_collection(n)
        anki_path = peer.anki_collection(n)
        peer.prepare(anki_path)
        srs = cold(_srs_cmd(db, "next", "--json"), repeat, SRS_ENV, check=check_srs)
        other = cold([sys.executable, "-c", peer.ANKI_NEXT_SCRIPT, str(anki_path)], repeat)
        figures[n] = (srs, other)
    return [
        Row(
            "next",
            "`srs next --json` cold, 100k cards / 1M log rows",
            *figures[LARGE],
            "Python + anki: open, build queue, close",
            0.150,
            0.7,
            growth=_growth(figures),
        )
    ]


def _growth(figures: dict[int, tuple[Timing | None, Timing | None]]) -> dict[str, float]:
    out: dict[str, float] = {}
    for n, label in ((SMALL, "small"), (LARGE, "large")):
        srs, other = figures[n]
        if srs is not None:
            out[f"srs_{label}"] = srs.median
        if other is not None:
            out[f"peer_{label}"] = other.median
    return out


def _open_anki(n: int) -> Any:
    from anki.collection import Collection

    from benchmarks import peer

    path = peer.anki_collection(n)
    peer.prepare(path)
    return Collection(str(path))


def bench_queue(repeat: int) -> list[Row]:
    from srs.collection import Collection

    figures = {}
    for n in (SMALL, LARGE):
        with Collection.open(srs_collection(n), ZONE) as col:
            srs = measure(lambda col=col: col.queue(NOW), repeat, warmup=2)
        anki = _open_anki(n)
        try:
            parent = anki.decks.id("bench")

            def invalidate(anki: Any = anki, parent: int = parent) -> None:
                # Anki caches the built queue; changing the current deck drops it.
                anki.decks.select(1)
                anki.decks.select(parent)

            other = measure(
                lambda anki=anki: anki.sched.get_queued_cards(fetch_limit=1),
                repeat,
                setup=invalidate,
                warmup=2,
            )
        finally:
            anki.close()
        figures[n] = (srs, other)
    return [
        Row(
            "queue",
            "build today's queue, in process, 100k cards",
            *figures[LARGE],
            "Anki get_queued_cards (cache dropped)",
            0.005,
            0.5,
            growth=_growth(figures),
        )
    ]


def _answer_srs(n: int, repeat: int, work: Path) -> Timing:
    from benchmarks import peer
    from srs.collection import Collection
    from srs.model import Grade

    db = peer.working_copy(srs_collection(n), work / f"answer-{n}.db")
    current: list[str] = []
    with Collection.open(db, ZONE) as col:

        def pick() -> None:
            current[:] = [col.queue(NOW, limit=1)[0][0]]

        return measure(
            lambda: col.answer(current[0], Grade.GOOD, NOW, 5000), repeat, setup=pick, warmup=2
        )


def _answer_anki(n: int, repeat: int, work: Path) -> Timing:
    import time

    from anki.collection import Collection as AnkiCollection
    from anki.scheduler_pb2 import CardAnswer

    from benchmarks import peer

    path = peer.working_copy(peer.anki_collection(n), work / f"answer-{n}.anki2")
    peer.prepare(path)
    anki = AnkiCollection(str(path))
    ids: list[int] = []

    def pick() -> None:
        ids[:] = [anki.sched.get_queued_cards(fetch_limit=1).cards[0].card.id]

    def answer() -> None:
        states = anki._backend.get_scheduling_states(ids[0])
        anki.sched.answer_card(
            CardAnswer(
                card_id=ids[0],
                current_state=states.current,
                new_state=states.good,
                rating=CardAnswer.GOOD,
                answered_at_millis=int(time.time() * 1000),
                milliseconds_taken=5000,
            )
        )

    try:
        return measure(answer, repeat, setup=pick, warmup=2)
    finally:
        anki.close()


def bench_answer(repeat: int) -> list[Row]:
    work = cache_dir() / "work"
    work.mkdir(exist_ok=True)
    figures: dict[int, tuple[Timing | None, Timing | None]] = {
        n: (_answer_srs(n, repeat, work), _answer_anki(n, repeat, work)) for n in (SMALL, LARGE)
    }
    return [
        Row(
            "answer",
            "answer a card and commit, in process, 100k cards",
            *figures[LARGE],
            "Anki scheduling states + answer_card",
            0.0005,
            growth=_growth(figures),
        )
    ]


def bench_decks(repeat: int) -> list[Row]:
    from srs.collection import Collection

    figures = {}
    for n in (SMALL, LARGE):
        with Collection.open(srs_collection(n), ZONE) as col:
            srs = measure(lambda col=col: col.decks(NOW), repeat, warmup=2)
        anki = _open_anki(n)
        try:
            other = measure(lambda anki=anki: anki.sched.deck_due_tree(), repeat, warmup=2)
        finally:
            anki.close()
        figures[n] = (srs, other)
    return [
        Row(
            "decks",
            "`srs decks` counts, in process, 100k cards",
            *figures[LARGE],
            "Anki deck_due_tree",
            0.020,
            growth=_growth(figures),
        )
    ]


def _probes(kind: str) -> tuple[dict[str, float], ...]:
    """Memory and one-run times of srs and Anki doing `kind` at 10k and 100k cards.

    Returns (srs 10k, srs 100k, Anki 10k, Anki 100k, growth seconds by side and size).
    """
    small = memory_probe(f"srs-{kind}", SMALL)
    large = memory_probe(f"srs-{kind}", LARGE)
    peer_small = memory_probe(f"anki-{kind}", SMALL)
    peer_large = memory_probe(f"anki-{kind}", LARGE)
    growth = {
        "srs_small": small["seconds"],
        "srs_large": large["seconds"],
        "peer_small": peer_small["seconds"],
        "peer_large": peer_large["seconds"],
    }
    return small, large, peer_small, peer_large, growth


def bench_import(repeat: int) -> list[Row]:
    from benchmarks import import_bench

    again = import_bench.srs_reimport(SMALL, repeat)
    # The first import and Anki's by turns: blocks of one side then the other moved the ratio
    # by 0.3 between runs minutes apart on this machine (issue 19, session 8).
    first, other = import_bench.first_import_pair(SMALL, 2 * repeat)
    small, large, peer_small, peer_large, growth = _probes("import")
    return [
        Row(
            "import",
            "import a 10k-card deck (fresh collection)",
            first,
            other,
            "Anki open + add_notes of the same 10k notes + close",
            1.0,
            1.0,  # issue 19: no slower than Anki's add_notes (issue 2: under 1 s)
            growth=growth,
            note="growth: one run each in a fresh process, 10k = 1 file, 100k = 10 files",
        ),
        Row("reimport", "re-import the 10k-card deck unchanged", again, None, "", 0.3),
        _memory_row(
            "import_memory",
            "import 100k cards: peak memory of the work",
            small,
            large,
            peer_small,
            peer_large,
            "Anki add_notes",
        ),
    ]


def _memory_row(
    key: str,
    what: str,
    small: dict[str, float],
    large: dict[str, float],
    peer_small: dict[str, float] | None,
    peer_large: dict[str, float] | None,
    peer_name: str,
) -> Row:
    def delta(fig: dict[str, float]) -> float:
        return fig["peak_mb"] - fig["baseline_mb"]

    growth = {"srs_small": delta(small), "srs_large": delta(large)}
    other = None
    if peer_small and peer_large:
        growth |= {"peer_small": delta(peer_small), "peer_large": delta(peer_large)}
        other = Timing([delta(peer_large)])
    return Row(
        key,
        what,
        Timing([delta(large)]),
        other,
        peer_name,
        unit="MB",
        growth=growth,
        note=f"peak RSS minus RSS before the work; srs peak {large['peak_mb']:.0f} MB"
        f" (baseline {large['baseline_mb']:.0f} MB)",
    )


def memory_probe(mode: str, n: int) -> dict[str, float]:
    """Run `benchmarks.memory` in a fresh process and return its JSON."""
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.memory", mode, str(n)],
        capture_output=True,
        text=True,
        check=False,
        env=_env_with_root(),
    )
    if done.returncode != 0:
        raise RuntimeError(f"memory probe {mode} {n} failed: {done.stderr[-500:]}")
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _env_with_root() -> dict[str, str]:
    import os

    root = str(Path(__file__).resolve().parent.parent)
    return os.environ | SRS_ENV | {"PYTHONPATH": root}


def bench_export(repeat: int) -> list[Row]:
    from anki.collection import Collection as AnkiCollection

    from benchmarks import peer
    from benchmarks.generate import DAY_STARTS_AT
    from benchmarks.memory import export_notes
    from srs.anki.package import export_apkg

    with tempfile.TemporaryDirectory(prefix="srs-bench-export-") as tmp:
        out = Path(tmp)
        notes = list(export_notes(SMALL, out))

        def srs_export() -> None:
            export_apkg(
                out / "srs.apkg",
                notes,
                with_scheduling=False,
                now=NOW,
                zone=ZONE,
                day_starts_at=DAY_STARTS_AT,
            )

        # warmup=1 renders every note once: the target is for HTML already rendered and cached.
        srs = measure(srs_export, repeat, warmup=1)
        fields = peer.html_fields(SMALL)
        genanki = measure(
            lambda: peer.export_genanki(fields, out / "genanki.apkg"), repeat, warmup=1
        )
        anki = AnkiCollection(str(peer.export_collection(SMALL)))
        try:
            other = measure(lambda: peer.export_anki(anki, out / "anki.apkg"), repeat, warmup=1)
        finally:
            anki.close()
    small, large, peer_small, peer_large, growth = _probes("export")
    return [
        Row(
            "export_genanki",
            "export 10k notes to .apkg (HTML cached) vs genanki",
            srs,
            genanki,
            "genanki write_to_file",
            None,
            1.0,
            growth=growth,
            note="growth: one run each in a fresh process, render cache cold",
        ),
        Row(
            "export_anki",
            "export 10k notes to .apkg (HTML cached) vs Anki",
            srs,
            other,
            "Anki export_anki_package (legacy)",
            None,
            1.5,
        ),
        Row(
            "export_cold",
            "export 10k notes, render cache cold (fresh process, 1 run)",
            Timing([small["seconds"]]),
            None,
            "",
        ),
        _memory_row(
            "export_memory",
            "export 100k notes: peak memory of the work",
            small,
            large,
            peer_small,
            peer_large,
            "Anki export",
        ),
    ]


def _sized(key: str, what: str, run: Callable[[int], Timing], target: float | None = None) -> Row:
    """One row at 100k cards, with the 10k figure for the growth column."""
    figures: dict[int, tuple[Timing | None, Timing | None]] = {
        n: (run(n), None) for n in (SMALL, LARGE)
    }
    return Row(
        key,
        what,
        figures[LARGE][0],
        None,
        "",
        target,
        growth=_growth(figures),
        note=f"10k: {figures[SMALL][0].median * 1000:.1f} ms" if figures[SMALL][0] else "",
    )


def _db(n: int, exam: bool) -> Path:
    from benchmarks.generate import exam_collection

    return exam_collection(n) if exam else srs_collection(n)


def bench_stats(repeat: int) -> list[Row]:
    rows = []
    for exam in (False, True):
        mode = "exam mode on" if exam else "exam mode off"
        for args, label in ((("stats", "--json"), "--json"), (("stats",), "text")):
            rows.append(
                _sized(
                    f"stats{'_exam' if exam else ''}{'' if label == '--json' else '_text'}",
                    f"`srs stats{' --json' if label == '--json' else ''}` cold, 100k cards / 1M"
                    f" log rows, domains in 3 exams, {mode}",
                    lambda n, args=args, exam=exam: cold(
                        _srs_cmd(_db(n, exam), *args), repeat, SRS_ENV
                    ),
                    1.0,
                )
            )
    try:  # the in-process figure, from the stats helper's own benchmark functions
        from benchmarks import stats_bench

        runs = stats_bench.time_in_process(srs_collection(LARGE), repeat)
        rows.append(Row("stats_in_process", "compute_stats in process, 100k / 1M", Timing(runs)))
    except Exception as exc:
        rows.append(
            Row(
                "stats_in_process",
                "compute_stats in process, 100k / 1M",
                error=f"{type(exc).__name__}: {exc}"[:300],
            )
        )
    return rows


def bench_fsrs(repeat: int) -> list[Row]:
    from benchmarks import fsrs_bench

    fit, reviews, fit_cpu = fsrs_bench.time_fit(repeat)
    replay, replayed, replay_cpu = fsrs_bench.time_replay(max(1, repeat // 2))
    return [
        Row(
            "fsrs_fit",
            f"`srs fsrs optimize` fit + held-out scores, {reviews // 1000}k reviews, in process",
            fit,
            None,
            "",
            2.0,
            note=f"process CPU {fit_cpu:.2f} s (fsrs-rs may use both cores)",
        ),
        Row(
            "fsrs_replay",
            f"re-derive memory of 100k cards from {replayed // 1000}k reviews, with progress",
            replay,
            None,
            "",
            10.0,
            note=f"process CPU {replay_cpu:.2f} s",
        ),
    ]


def bench_convert(repeat: int) -> list[Row]:
    from benchmarks import convert_bench

    return [
        Row(
            "convert",
            "`srs convert` of a 10k-note Anki package with 100k review rows, cold, with import",
            convert_bench.srs_convert(repeat),
            target_s=5.0,
            note="package built by the anki package; fresh folder and collection per run",
        )
    ]


def bench_sync(repeat: int) -> list[Row]:
    from benchmarks import sync_bench

    figures = sync_bench.run(repeat)
    return [
        Row(
            "sync_noop",
            "`srs sync` with nothing to do, cold, real sync server on 127.0.0.1",
            figures["noop"],
            figures["noop_peer"],
            "the phone's sync_collection (in process)",
            target_s=1.0,
            note="srs: a fresh process (Python, srs, anki, mirror open, two syncs, media)",
        ),
        Row(
            "sync_pull",
            "`srs sync` pulling 1,000 answers given on the phone, cold",
            figures["pull"],
            figures["pull_peer"],
            "the phone sending them (sync_collection, in process)",
            target_s=2.0,
            note="srs: log, replay of each card, states pushed back",
        ),
    ]


def _first_of_day(argv: list[str], db: Path, repeat: int) -> Timing:
    """A cold command with no plan kept yet: the day's first exam-mode command plans."""
    import sqlite3

    def forget() -> None:
        conn = sqlite3.connect(db)
        conn.execute("DELETE FROM day_plans")
        conn.commit()
        conn.close()

    env = _env_with_root()
    env.pop("PYTHONDONTWRITEBYTECODE", None)

    def run() -> None:
        subprocess.run(argv, env=env, capture_output=True, check=True)

    return measure(run, repeat, setup=forget, warmup=1)


def _next_on_and_off(n: int, repeat: int) -> tuple[Timing, Timing]:
    """`srs next --json` with exam mode on and off, by turns, after one untimed run of each
    (the file cache, the bytecode and today's kept plan). Twice the usual turns: the two
    modes differ by ~5 % (20M of ~400M instructions), and the median of 7 turns of ~150 ms
    cold starts moved by as much from run to run (1.12, 1.10 and 0.91 in session 12)."""
    on, off = _srs_cmd(_db(n, True), "next", "--json"), _srs_cmd(_db(n, False), "next", "--json")
    cold(on, 1, SRS_ENV), cold(off, 1, SRS_ENV)
    return cold_pair(on, off, 2 * repeat, SRS_ENV)


def bench_exam(repeat: int) -> list[Row]:
    """Exam mode on: `srs next` and `srs plan` read the plan kept for the day (m010)."""
    # "Same as off" (issue 19): timed by turns with the same command on the same collection
    # with exam mode off, so a change of the machine's speed between two rows cannot pass
    # for a difference between the modes.
    small, large = (_next_on_and_off(n, repeat) for n in (SMALL, LARGE))
    rows = [
        Row(
            "next_exam",
            "`srs next --json` cold, 100k cards, exam mode on (plan kept for the day)",
            large[0],
            large[1],
            "the same with exam mode off, by turns",
            0.150,
            1.1,
            growth={"srs_small": small[0].median, "srs_large": large[0].median},
        ),
        _sized(
            "next_exam_first",
            "`srs next --json` cold, 100k, exam mode on, first command of the day (plans)",
            lambda n: _first_of_day(
                _srs_cmd(_db(n, True), "next", "--json"), _db(n, True), max(3, repeat // 3)
            ),
        ),
    ]
    plan = {
        n: cold(_srs_cmd(_db(n, True), "plan", "--json"), repeat, SRS_ENV) for n in (SMALL, LARGE)
    }
    growth = {"srs_small": plan[SMALL].median, "srs_large": plan[LARGE].median}
    rows.append(
        Row(
            "plan_10k",
            "`srs plan --json` cold, 10k cards, exam mode on",
            plan[SMALL],
            target_s=0.5,
            growth=growth,
        )
    )
    rows.append(
        Row(
            "plan_100k",
            "`srs plan --json` cold, 100k cards, exam mode on",
            plan[LARGE],
            target_s=2.0,
            growth=growth,
        )
    )
    return rows


def bench_review(repeat: int) -> list[Row]:
    """`srs review` from launch to the first card on screen, through a PTY."""
    from benchmarks.review_bench import first_card

    return [
        _sized(
            f"review{'_exam' if exam else ''}",
            "`srs review` cold to the first card on screen (PTY), 100k cards, exam mode"
            f" {'on' if exam else 'off'}",
            lambda n, exam=exam: first_card(_srs_cmd(_db(n, exam), "review"), repeat, SRS_ENV),
            0.250,
        )
        for exam in (False, True)
    ]


def bench_shape(repeat: int) -> list[Row]:
    """Self-check: the generated 10k collection against the same notes through `srs import`."""
    from benchmarks import shape

    with tempfile.TemporaryDirectory(prefix="srs-bench-shape-") as tmp:
        lines = shape.compare(srs_collection(SMALL), shape.imported_collection(Path(tmp), SMALL))
    bad = [what for what, _, _, ok in lines if not ok]
    return [
        Row(
            "shape",
            f"self-check: generated 10k collection = real import ({len(lines)} tables/columns"
            f" within {shape.TOLERANCE:.0%})",
            note=shape.report(lines),
            error=f"differs from the import: {', '.join(bad)}" if bad else "",
        )
    ]


BENCHMARKS: dict[str, tuple[str, Callable[[int], list[Row]], int]] = {
    # name: (what, function, default repeat)
    "shape": ("generated data vs the real import", bench_shape, 1),
    "help": ("`srs --help`, cold", bench_help, 31),
    "next": ("`srs next --json`, cold", bench_next, 9),
    "queue": ("queue build, in process", bench_queue, 30),
    "answer": ("answer and commit, in process", bench_answer, 40),
    "decks": ("deck counts, in process", bench_decks, 20),
    "import": ("import / re-import", bench_import, 5),
    "export": ("export vs genanki and Anki", bench_export, 5),
    "stats": ("`srs stats` (JSON and text, exam mode off and on)", bench_stats, 5),
    "exam": ("exam mode: `srs next` and `srs plan`", bench_exam, 7),
    "review": ("`srs review` to the first card (PTY)", bench_review, 7),
    "fsrs": ("FSRS fit and memory replay", bench_fsrs, 4),
    "convert": ("`srs convert` of an Anki package", bench_convert, 3),
    "sync": ("`srs sync` with the Anki sync server", bench_sync, 3),
}
