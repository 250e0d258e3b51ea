"""A whole conversion: detect the format, read the source, write deck files and media, and
hand the carried history to the import (the CLI does the import, in the collection).

Nothing is written unless everything can be: the source is read completely, every target
file is checked against the manifest (`srs.convert.manifest`), and only then are media and
deck files written. Writing the same conversion again gives byte-identical files, so a
second run reports them unchanged and the import adds no cards.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath

from srs.convert import manifest
from srs.convert.csv import CsvOptions
from srs.convert.html import MEDIA_DIR, media_used
from srs.convert.model import ConvertReport, Source
from srs.convert.writer import plan_decks, written_history
from srs.decks.builder import CardHistory
from srs.decks.discover import absolute
from srs.decks.formats import MAX_BYTES, bytes_digest
from srs.decks.reader import WrittenDeck
from srs.errors import ConvertError

__all__ = ["FORMATS", "Conversion", "convert", "detect_format"]

FORMATS = ("anki", "csv", "obsidian", "hashcards")
_ANKI_SUFFIXES = (".apkg", ".colpkg")
_CSV_SUFFIXES = (".csv", ".tsv", ".txt")


@dataclass(slots=True)
class Conversion:
    """A finished conversion: its report, the history to import (card id -> history), and the
    deck files as written and parsed (absolute path -> `WrittenDeck`), for the import to use
    instead of parsing them again (`Collection.import_paths(..., written=)`)."""

    report: ConvertReport
    history: dict[str, CardHistory] = field(default_factory=dict)
    written: dict[str, WrittenDeck] = field(default_factory=dict)


def detect_format(source: Path) -> str:
    """The format of a source, from its suffix, its zip signature or its text."""
    suffix = source.suffix.lower()
    if suffix in _ANKI_SUFFIXES:
        return "anki"
    if suffix in _CSV_SUFFIXES:
        return "csv"
    if source.is_file():
        with open(source, "rb") as handle:
            if handle.read(4) == b"PK\x03\x04":
                return "anki"
    if source.is_dir() or suffix == ".md":
        from srs.convert.obsidian import looks_like_obsidian

        return "obsidian" if looks_like_obsidian(source) else "hashcards"
    raise ConvertError(f"{source}: cannot tell its format; give --format ({', '.join(FORMATS)})")


def _read(fmt: str, source: Path, options: CsvOptions, workdir: Path, now: datetime) -> Source:
    readers: dict[str, Callable[[], Source]] = {
        "csv": lambda: _csv(source, options),
        "anki": lambda: _anki(source, workdir, now),
        "obsidian": lambda: _obsidian(source),
        "hashcards": lambda: _hashcards(source),
    }
    if fmt not in readers:
        raise ConvertError(f"unknown format {fmt!r}; use one of: {', '.join(FORMATS)}")
    return readers[fmt]()


def _csv(source: Path, options: CsvOptions) -> Source:
    from srs.convert.csv import read_csv

    return read_csv(source, options)


def _anki(source: Path, workdir: Path, now: datetime) -> Source:
    from srs.convert.anki import read_package

    return read_package(source, workdir, now)


def _obsidian(source: Path) -> Source:
    from srs.convert.obsidian import read_vault

    return read_vault(source)


def _hashcards(source: Path) -> Source:
    from srs.convert.hashcards import read_hashcards

    return read_hashcards(source)


def convert(
    source: Path,
    dest: Path,
    *,
    now: datetime,
    fmt: str | None = None,
    force: bool = False,
    csv_options: CsvOptions | None = None,
) -> Conversion:
    """Convert `source` into deck files and media under `dest` (see the module docstring);
    `now` places an Anki package's due days and buried cards on srs's calendar."""
    if not source.exists():
        raise ConvertError(f"{source}: no such file or folder")
    if dest.exists() and not dest.is_dir():
        raise ConvertError(f"{dest}: exists and is not a folder")
    fmt = fmt or detect_format(source)
    with tempfile.TemporaryDirectory(prefix="srs-convert-") as tmp:
        read = _read(fmt, source, csv_options or CsvOptions(), Path(tmp), now)
        plans, warnings = plan_decks(read.notes, dest)
        history, cards = written_history(plans)
        wanted: dict[str, bytes] = {str(plan.path): plan.text.encode() for plan in plans}
        media_sources: dict[str, Path] = {}
        for plan in plans:
            folder = plan.path.parent
            for name in media_used(plan.text):
                item = read.media.get(name)
                if item is None:
                    continue
                relative = str(PurePosixPath(folder, MEDIA_DIR, name))
                media_sources[relative] = item.source
        for relative, path in media_sources.items():
            wanted[relative] = path.read_bytes()
        known = manifest.load(dest)
        sources = manifest.load_sources(dest)
        key = str(source.resolve())
        to_write, unchanged = manifest.plan_writes(dest, wanted, known, force=force)
        remove, edited = manifest.stale(dest, sources.get(key, []), wanted, known)
        root = dest.resolve() if dest.exists() else dest.absolute()
        for relative in to_write:
            target = root / relative
            if not target.resolve().is_relative_to(root.resolve() if root.exists() else root):
                raise ConvertError(f"{target}: outside {dest}; nothing was written")
        dest.mkdir(parents=True, exist_ok=True)
        for relative in to_write:
            manifest.write_atomic(dest / relative, wanted[relative])
        written = {**known, **{rel: manifest.digest(data) for rel, data in wanted.items()}}
        for relative in remove:
            (dest / relative).unlink(missing_ok=True)
            written.pop(relative, None)
        sources[key] = sorted(wanted)
        manifest.save(dest, written, sources)
    parsed: dict[str, WrittenDeck] = {}
    for plan in plans:
        data = wanted[str(plan.path)]
        if plan.parsed is not None and len(data) <= MAX_BYTES:  # a larger file is refused
            digest = bytes_digest(data)
            parsed[absolute(dest / plan.path)] = WrittenDeck(digest, plan.default_deck, plan.parsed)
    deck_files = {str(plan.path) for plan in plans}
    report = ConvertReport(
        format=fmt,
        files=sorted(r for r in to_write if r in deck_files),
        unchanged=sorted(r for r in unchanged if r in deck_files),
        notes=sum(len(plan.notes) for plan in plans),
        cards=cards,
        reviews=sum(len(item.reviews) for item in history.values()),
        media=len(media_sources),
        skipped=dict(read.skipped),
        warnings=[*read.warnings, *warnings],
        removed=sorted(remove),
    )
    for relative in edited:
        report.warnings.append(
            f"{dest / relative}: no longer produced by {source.name}, but edited since it was"
            " written: kept (remove it yourself if its cards moved elsewhere)"
        )
    for reason, count in sorted(read.skipped.items()):
        report.warnings.append(f"skipped {count} {reason}")
    return Conversion(report, history, parsed)
