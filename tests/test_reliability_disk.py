"""A read-only collection (file or folder) and a full disk give one clear `Error: ...` line,
exit 1, no traceback, and leave the collection intact.

Tests run as root here, where chmod does not stop writes: the read-only file uses
`chattr +i`, the read-only folder a read-only bind mount and the full disk a 4 MB tmpfs.
Each is skipped (with the reason) where that cannot be set up.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from helpers import dump

from srs.collection import Collection

ROOT = Path(__file__).resolve().parent.parent
NOW_DT = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def srs(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, SRS_DB=str(db), SRS_TZ="UTC", PYTHONPATH=str(ROOT), NO_COLOR="1")
    return subprocess.run(
        [sys.executable, "-m", "srs", "--now", "2026-03-02T10:00:00Z", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


def refused(run: subprocess.CompletedProcess[str], fragment: str) -> None:
    assert run.returncode == 1, (run.stdout, run.stderr)
    assert "Traceback" not in run.stderr
    lines = run.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and fragment in lines[0], lines


def make_collection(db: Path, deck_dir: Path) -> str:
    with Collection.open(db) as col:
        col.import_paths([deck_dir], NOW_DT)
        return next(iter(col.cards())).id


def mount(*args: str) -> bool:
    return subprocess.run(["mount", *args], capture_output=True).returncode == 0


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    disk = tmp_path / "disk"
    disk.mkdir()
    if not mount("-t", "tmpfs", "-o", "size=4m", "tmpfs", str(disk)):
        pytest.skip("cannot mount a tmpfs here (needs root): full disk not simulated")
    try:
        yield disk
    finally:
        subprocess.run(["umount", str(disk)], check=True)


def fill(disk: Path, leave: int) -> Path:
    """Fill `disk`, then give back about `leave` bytes."""
    filler = disk / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT)
    try:
        size = 0
        try:
            while True:
                size += os.write(fd, b"x" * 4096)
        except OSError:
            pass
        os.ftruncate(fd, max(0, size - leave))
    finally:
        os.close(fd)
    return filler


def test_full_disk(tiny_disk: Path, deck_dir: Path) -> None:
    db = tiny_disk / "collection.db"
    card = make_collection(db, deck_dir)
    before = dump(db)
    filler = fill(tiny_disk, leave=0)
    refused(srs(db, "answer", card, "3"), "the disk is full")
    refused(srs(db, "config", "set", "new_per_day", "5"), "the disk is full")
    refused(srs(db, "backup"), "")
    filler.unlink()
    assert dump(db) == before  # nothing half-written
    done = srs(db, "answer", card, "3")
    assert done.returncode == 0, done.stderr


def test_full_disk_during_import(tiny_disk: Path, deck_dir: Path, tmp_path: Path) -> None:
    db = tiny_disk / "collection.db"
    make_collection(db, deck_dir)
    before = dump(db)
    big = tmp_path / "big.md"
    big.write_text("".join(f"Full term {i} :: meaning {i}\n" for i in range(3000)))
    filler = fill(tiny_disk, leave=60_000)  # room to open, not to import 3,000 cards
    try:
        refused(srs(db, "import", str(big)), "the disk is full")
    finally:
        filler.unlink()
        assert dump(db) == before  # whatever the message, nothing was half-written


@pytest.fixture
def immutable(tmp_path: Path) -> Iterator[Path]:
    """A collection file the process cannot write, even as root."""
    db = tmp_path / "ro" / "collection.db"
    db.parent.mkdir()
    yield db
    subprocess.run(["chattr", "-i", str(db)], capture_output=True)


def test_read_only_collection_file(immutable: Path, deck_dir: Path) -> None:
    card = make_collection(immutable, deck_dir)
    before = dump(immutable)
    if os.geteuid() == 0:
        if subprocess.run(["chattr", "+i", str(immutable)], capture_output=True).returncode:
            pytest.skip("chattr +i is not supported on this file system")
    else:
        immutable.chmod(0o444)
    assert srs(immutable, "cards").returncode == 0  # reading still works
    assert srs(immutable, "stats", "--json").returncode == 0  # on two connections
    refused(srs(immutable, "answer", card, "3"), "is read-only: srs needs to write")
    refused(srs(immutable, "config", "set", "new_per_day", "5"), "is read-only")
    assert dump(immutable) == before


@pytest.fixture
def read_only_folder(tmp_path: Path) -> Iterator[tuple[Path, Path]]:
    """(writable folder, the same folder mounted read-only)."""
    source, view = tmp_path / "rw", tmp_path / "ro"
    source.mkdir()
    view.mkdir()
    if not mount("--bind", str(source), str(view)):
        pytest.skip("cannot bind-mount here (needs root): read-only folder not simulated")
    try:
        if not mount("-o", "remount,ro,bind", str(view)):
            pytest.skip("cannot remount read-only here")
        yield source, view
    finally:
        subprocess.run(["umount", str(view)], check=True)


def test_read_only_folder(read_only_folder: tuple[Path, Path], deck_dir: Path) -> None:
    source, view = read_only_folder
    card = make_collection(source / "collection.db", deck_dir)
    (source / "backups").mkdir(exist_ok=True)
    before = dump(source / "collection.db")
    db = view / "collection.db"
    # A WAL collection needs its -shm file next to it even to read: SQLite cannot open it.
    writable = "check that the folder exists and is writable"
    refused(srs(db, "cards"), writable)
    refused(srs(db, "answer", card, "3"), writable)
    refused(srs(db, "backup"), writable)
    refused(srs(view / "new.db", "cards"), "cannot open")
    assert dump(source / "collection.db") == before
