"""Deck files read for an import: discovery, the unchanged-file cache, parsing, duplicates.

Reading is the formats' side of an import: each file is read by the reader of its format
(`srs.decks.formats`). It produces `Parsed` (notes plus the facts the importer needs) or
raises one DeckError with every problem of every file; nothing here touches the collection,
so `srs check` can use it without one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import field
from pathlib import Path
from typing import TYPE_CHECKING

from srs.decks.discover import DeckFile, absolute, discover
from srs.decks.formats import deck_suffixes
from srs.errors import DeckError, DeckProblem
from srs.model import ParsedDeck, value_class
from srs.progress import Progress, no_progress

if TYPE_CHECKING:
    from srs.decks.builder import CardHistory
    from srs.exam.blueprints import Blueprint


@value_class
class Parsed:
    """Decks read from paths, with their warnings (errors raise DeckError)."""

    decks: list[ParsedDeck]
    abs_paths: dict[str, str]
    folders: list[str]
    warnings: list[str]
    skipped: list[str] = field(default_factory=list)  # unchanged files, not parsed again
    file_rows: list[tuple[str, str, str, str]] = field(default_factory=list)
    blueprints: list[Blueprint] = field(default_factory=list)  # from `exams/*.yaml`
    history: dict[str, CardHistory] = field(default_factory=dict)  # card id -> carried history
    drafts: list[str] = field(default_factory=list)  # files marked `draft: true`, not imported


FileCache = dict[str, tuple[str, str, str]]


@value_class
class WrittenDeck:
    """A deck file its writer has just parsed (`srs convert`), so an import need not parse it
    again: the digest of the bytes written (`formats.bytes_digest`) and the `ParsedDeck` its
    reader gives them (`deck.path` is the display `discover` gives the file).

    The import uses it only for a file whose bytes on disk, display and default deck are
    exactly those, so the notes are the ones a later `srs import` of the file reads.
    """

    digest: str
    default_deck: str
    deck: ParsedDeck


def read_decks(
    paths: Sequence[Path],
    cache: FileCache | None = None,
    known_blueprints: Sequence[Blueprint] = (),
    *,
    written: Mapping[str, WrittenDeck] | None = None,
    progress: Progress = no_progress,
) -> Parsed:
    """Discover and parse deck files and blueprints; every problem in one DeckError.

    With a `cache` (from the collection's `files` table), a file whose bytes, default deck
    and parser are the same as when it was last imported is skipped (listed in `skipped`).
    `written` (absolute path -> `WrittenDeck`) holds files the caller has just written and
    parsed: one still exactly as written is not parsed again.
    Cards are checked against the blueprints read here and `known_blueprints` (the
    collection's), those read here winning.
    """
    from srs.exam.blueprints import domain_warnings, find_blueprint_files, load_blueprint

    blueprint_paths = list(find_blueprint_files(paths))
    yaml_files = {path.resolve() for path, _ in blueprint_paths}
    files, problems = discover([p for p in paths if p.resolve() not in yaml_files])
    blueprints: dict[str, Blueprint] = {}
    for path, display in blueprint_paths:
        try:
            blueprint = load_blueprint(path, display)
        except DeckError as e:
            problems.extend(e.problems)
            continue
        if blueprint.code in blueprints:
            other = blueprints[blueprint.code].path
            problems.append(
                DeckProblem(display, 1, f"exam {blueprint.code} is also defined in {other}")
            )
        blueprints[blueprint.code] = blueprint
    folders = [absolute(p) for p in paths if p.is_dir()]
    for folder, given in zip(folders, (p for p in paths if p.is_dir()), strict=True):
        if not any(absolute(f.path).startswith(folder.rstrip("/") + "/") for f in files):
            kinds = ", ".join(f"*{suffix}" for suffix in deck_suffixes())
            problems.append(DeckProblem(given.as_posix(), 0, f"no deck files ({kinds}) here"))
    parsed = read_files(files, problems, folders, cache, written=written, progress=progress)
    parsed.blueprints.extend(blueprints.values())
    everything = {b.code: b for b in known_blueprints} | blueprints
    parsed.warnings.extend(domain_warnings(parsed.decks, list(everything.values())))
    return parsed


def read_files(
    files: Sequence[DeckFile],
    problems: list[DeckProblem],
    folders: list[str],
    cache: FileCache | None = None,
    *,
    written: Mapping[str, WrittenDeck] | None = None,
    progress: Progress = no_progress,
) -> Parsed:
    """Parse discovered deck files (see `read_decks`)."""
    from srs.decks.builder import check_duplicates, disambiguate
    from srs.decks.formats import DeckRead, file_digest, parser_fingerprint, reader_for

    fingerprint = parser_fingerprint()
    decks: list[ParsedDeck] = []
    skipped: list[str] = []
    file_rows: list[tuple[str, str, str, str]] = []
    carried: dict[int, Mapping[str, CardHistory]] = {}  # by index in `decks`
    drafts: list[str] = []
    abs_paths = {f.display: absolute(f.path) for f in files}
    for done, deck_file in enumerate(files):
        progress("reading deck files", done, len(files))
        path = abs_paths[deck_file.display]
        digest = file_digest(deck_file)
        unchanged = (digest, deck_file.default_deck, fingerprint)
        if cache is not None and digest is not None and cache.get(path) == unchanged:
            skipped.append(path)
            continue
        given = written.get(path) if written else None
        read: ParsedDeck | DeckRead
        try:
            if (
                given is not None
                and given.digest == digest
                and given.deck.path == deck_file.display
                and given.default_deck == deck_file.default_deck
            ):
                read = given.deck  # just parsed by its writer, and unchanged since
            else:
                read = reader_for(deck_file)(deck_file)
            if isinstance(read, DeckRead):
                if read.history:
                    carried[len(decks)] = read.history
                read = read.deck
            if read.draft:  # skipped, and not cached: un-drafting it changes its bytes anyway
                drafts.append(deck_file.display)
                continue
            decks.append(read)
        except DeckError as e:
            problems.extend(e.problems)
            continue
        if digest is not None:
            file_rows.append((path, digest, deck_file.default_deck, fingerprint))
    progress("reading deck files", len(files), len(files))
    before = decks
    decks, same_question = disambiguate(decks)
    history = _history_after(before, decks, carried)
    dup_errors, dup_warnings = check_duplicates(decks)
    problems.extend(dup_errors)
    errors = [p for p in problems if not p.warning]
    if errors:
        raise DeckError(errors)
    warnings = [str(p) for p in problems if p.warning]
    warnings += [w for deck in decks for w in deck.warnings] + same_question + dup_warnings
    return Parsed(
        decks, abs_paths, folders, warnings, skipped, file_rows, history=history, drafts=drafts
    )


def _history_after(
    before: Sequence[ParsedDeck],
    after: Sequence[ParsedDeck],
    carried: Mapping[int, Mapping[str, CardHistory]],
) -> dict[str, CardHistory]:
    """Carried history keyed by the final card ids (`disambiguate` may have renamed cards)."""
    history: dict[str, CardHistory] = {}
    for index, by_card in carried.items():
        renamed = {
            old.id: new.id
            for old_note, new_note in zip(before[index].notes, after[index].notes, strict=True)
            for old, new in zip(old_note.cards, new_note.cards, strict=True)
        }
        for card_id, card in by_card.items():
            history[renamed.get(card_id, card_id)] = card
    return history
