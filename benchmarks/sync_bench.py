"""`srs sync` against the real Anki sync server on 127.0.0.1 (issue 16), with a second Anki
collection as the phone: a sync with nothing to do, and a sync pulling 1,000 answers given on
the phone. srs is timed as a cold `srs sync` process; the peer is the phone's own
`sync_collection` (in process, the same server) for the same change."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.timing import Timing, srs_launcher

ANSWERS = 1000


def _helpers() -> object:
    tests = str(Path(__file__).resolve().parent.parent / "tests")
    if tests not in sys.path:
        sys.path.insert(0, tests)
    import sync_helpers

    return sync_helpers


def run(repeat: int) -> dict[str, Timing]:
    """Timings: `noop` (srs), `noop_peer` (the phone), `pull` (srs), `pull_peer` (the phone
    sending those answers)."""
    helpers: object = _helpers()
    start_server = helpers.start_server  # type: ignore[attr-defined]
    phone_class = helpers.Phone  # type: ignore[attr-defined]
    work = Path(tempfile.mkdtemp(prefix="srs-sync-bench-"))
    server = start_server(work / "server")
    env = os.environ | {
        "SRS_TZ": "UTC",
        "NO_COLOR": "1",
        "SRS_DB": str(work / "srs.db"),
        "SRS_SYNC_PASSWORD": helpers.PASSWORD,  # type: ignore[attr-defined]
    }
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    launcher = srs_launcher()[0]

    def srs(*args: str) -> float:
        begin = time.perf_counter()
        done = subprocess.run([*launcher, *args], env=env, capture_output=True, text=True)
        elapsed = time.perf_counter() - begin
        if done.returncode != 0:
            raise RuntimeError(f"srs {' '.join(args)} failed: {done.stderr[-500:]}")
        return elapsed

    try:
        decks = work / "decks"
        decks.mkdir()
        count = ANSWERS * repeat
        (decks / "bench.md").write_text(
            "# Bench\n\n"
            + "\n\n".join(f"Q: question {i}?\nA: answer {i}" for i in range(count))
            + "\n",
            encoding="utf-8",
        )
        srs("import", str(decks))
        srs("sync", "login", "--endpoint", server.endpoint, "--username", helpers.USER)  # type: ignore[attr-defined]
        srs("sync")
        phone = phone_class(work / "phone", server)
        try:
            phone.sync()
            srs("sync")  # warm: files cached, bytecode written
            noop = [srs("sync") for _ in range(repeat)]
            noop_peer = []
            for _ in range(repeat):
                begin = time.perf_counter()
                phone.col.sync_collection(phone.auth, False)
                noop_peer.append(time.perf_counter() - begin)
            pull, pull_peer = [], []
            for _ in range(repeat):
                if len(phone.answer(ANSWERS)) != ANSWERS:
                    raise RuntimeError("the phone ran out of cards")
                begin = time.perf_counter()
                phone.col.sync_collection(phone.auth, False)
                pull_peer.append(time.perf_counter() - begin)
                pull.append(srs("sync"))
        finally:
            phone.close()
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)
    return {
        "noop": Timing(noop),
        "noop_peer": Timing(noop_peer),
        "pull": Timing(pull),
        "pull_peer": Timing(pull_peer),
    }
