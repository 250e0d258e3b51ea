"""`python -m benchmarks [all|NAME ...] [--repeat-scale F]`: run benchmarks on demand, print one
table (srs, peer, ratio, target, result, growth 10k -> 100k) and write it as JSON to
benchmarks/results/latest.json (`all`) or benchmarks/results/NAME.json (a selection).

`python -m benchmarks exam-sim [--learners N]` runs the exam-mode simulation instead
(benchmarks/exam_sim.py; not part of `all`: it measures knowledge, not time)."""

from __future__ import annotations

import argparse
import json
import os
import platform
import sqlite3
import sys
import time
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from benchmarks.suite import BENCHMARKS, Row, guarded
from benchmarks.timing import srs_launcher

RESULTS = Path(__file__).resolve().parent / "results"
# `python -c "import typer"` on this 2-core machine when it was quiet (sessions 2-6): the pace
# the absolute targets (`srs --help` <= 100 ms, `srs next` <= 150 ms...) were written for.
REFERENCE_TYPER_MS = 64


def machine() -> dict[str, Any]:
    """What the figures were measured on (the doc quotes it)."""
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass

    def version(name: str) -> str:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return "not installed"

    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "sqlite": sqlite3.sqlite_version,
        "anki": version("anki"),
        "genanki": version("genanki"),
        "srs_launcher": srs_launcher()[1],
    }


def _figure(row: Row, side: str) -> str:
    timing = row.srs if side == "srs" else row.peer
    if timing is None:
        return "-"
    if row.unit == "MB":
        return f"{timing.median:.0f} MB"
    return f"{timing.median * 1000:.1f} ({timing.p90 * 1000:.1f})"


def table(rows: list[Row]) -> str:
    """The one table: markdown, so docs/performance.md can hold it as printed."""
    head = [
        "what",
        "srs ms median (p90)",
        "peer ms median (p90)",
        "ratio srs/peer",
        "target",
        "result",
        "growth 10k->100k",
    ]
    lines = [head]
    for row in rows:
        ratio = f"{row.ratio:.2f}" if row.ratio is not None else "-"
        peer = _figure(row, "peer")
        if row.peer_name and row.peer is not None:
            peer += f" [{row.peer_name}]"
        srs = _figure(row, "srs") if not row.error else f"error: {row.error[:60]}"
        lines.append([row.what, srs, peer, ratio, row.target, row.verdict, row.growth_text()])
    widths = [max(len(line[i]) for line in lines) for i in range(len(head))]
    out = []
    for k, line in enumerate(lines):
        out.append("| " + " | ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)) + " |")
        if k == 0:
            out.append("| " + " | ".join("-" * w for w in widths) + " |")
    return "\n".join(out)


def main(argv: list[str]) -> int:
    if argv[:1] == ["exam-sim"]:
        from benchmarks.exam_sim import main as exam_sim

        return exam_sim(argv[1:])
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument(
        "names", nargs="*", default=["all"], help=f"all, or any of: {', '.join(BENCHMARKS)}"
    )
    parser.add_argument(
        "--repeat-scale",
        type=float,
        default=1.0,
        help="multiply every repeat count (e.g. 0.3 for a quick look)",
    )
    args = parser.parse_args(argv)
    names = list(BENCHMARKS) if args.names == ["all"] else args.names
    unknown = [n for n in names if n not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(unknown)}")
    started = time.perf_counter()
    load_before = os.getloadavg()
    rows: list[Row] = []
    for name in names:
        what, fn, repeat = BENCHMARKS[name]
        print(f"running {name} ...", file=sys.stderr, flush=True)
        t0 = time.perf_counter()
        rows += guarded(
            name, what, lambda fn=fn, repeat=repeat: fn(max(3, round(repeat * args.repeat_scale)))
        )
        print(f"  {name}: {time.perf_counter() - t0:.1f} s", file=sys.stderr, flush=True)
    elapsed = time.perf_counter() - started
    text = table(rows)
    print(text)
    info = machine() | {"load_average_before": load_before, "load_average_after": os.getloadavg()}
    print(
        f"\n{info['nproc']} CPUs ({info['cpu']}), Python {info['python']}, "
        f"load {load_before[0]:.1f} -> {info['load_average_after'][0]:.1f}; "
        f"srs run as {info['srs_launcher']}; whole run {elapsed:.0f} s"
    )
    pace = next((r.peer for r in rows if r.key == "help" and r.peer is not None), None)
    if pace is not None:  # the absolute targets move with the machine; say how fast it was
        print(
            f"machine pace: `import typer` took {pace.median * 1000:.0f} ms (median) in this run;"
            f" the absolute targets were set when it took ~{REFERENCE_TYPER_MS} ms"
        )
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / ("latest.json" if names == list(BENCHMARKS) else f"{'-'.join(names)}.json")
    payload = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "seconds": elapsed,
        "machine": info,
        "rows": [r.to_dict() for r in rows],
        "table": text,
    }
    out.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    print(f"written {out}", file=sys.stderr)
    return 1 if any(r.verdict == "ERROR" for r in rows) else 0


sys.exit(main(sys.argv[1:]))
