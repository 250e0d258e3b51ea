"""`srs review` cold start: from launching the process to the first card on screen, in a PTY."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Sequence

from benchmarks.timing import Timing

# The counts line is drawn with the card (`new 20 · learn 3 · due 180`).
FIRST_CARD = re.compile(r"new \d+ · learn \d+ · due \d+")


def first_card(argv: Sequence[str], repeat: int, env: dict[str, str], warmup: int = 1) -> Timing:
    """Seconds from spawning `argv` in an 80x40 pseudo-terminal until the first card shows."""
    import pexpect

    full_env = os.environ | env | {"TERM": "xterm"}
    full_env.pop("PYTHONDONTWRITEBYTECODE", None)
    runs = []
    for i in range(warmup + repeat):
        start = time.perf_counter()
        child = pexpect.spawn(
            argv[0],
            list(argv[1:]),
            env=full_env,
            dimensions=(40, 80),
            encoding="utf-8",
            codec_errors="replace",
            timeout=60,
        )
        try:
            child.expect(FIRST_CARD)
            elapsed = time.perf_counter() - start
        finally:
            child.terminate(force=True)
            child.close()
        if i >= warmup:
            runs.append(elapsed)
    return Timing(runs)
