"""CSV/TSV source: Anki's text export, plain two-column files, Quizlet-style exports.

Anki's exporter (File > Export > "Notes in Plain Text") writes header lines before the rows:
`#separator:tab` (or Comma, Semicolon, Space, Pipe, Colon, or the character itself),
`#html:true|false`, `#notetype:NAME` / `#deck:NAME` / `#tags:a b` (for every row),
`#columns:Front<sep>Back<sep>Tags` (names), and `#guid column:N`, `#notetype column:N`,
`#deck column:N`, `#tags column:N` (1-based). Rows are RFC 4180 CSV with that separator.
Without headers the separator is the one `.tsv` implies, else the most frequent of tab,
comma, semicolon and pipe on the first line; the first column is the front and the rest
the back. Quizlet exports are not quoted: `--separator` and `--card-separator` give its
term/definition and card separators, and each card is split at the first separator.

Note types map as in an Anki package (`srs.convert.notetypes`). Every row must have the
file's column count (an error naming the line, nothing written); text must be UTF-8.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from srs.anki.package import id_for_guid
from srs.convert.html import html_to_markdown, plain_to_markdown
from srs.convert.model import ConvertedNote, Source
from srs.convert.notetypes import map_fields
from srs.convert.text_file import read_bytes
from srs.errors import ConvertError
from srs.model import value_class

__all__ = ["CsvOptions", "read_csv"]

_NAMED = {
    "tab": "\t",
    "comma": ",",
    "semicolon": ";",
    "space": " ",
    "pipe": "|",
    "colon": ":",
}
_MAX_BYTES = 50_000_000


@value_class
class CsvOptions:
    """Separators given on the command line (Quizlet-style files)."""

    separator: str | None = None
    card_separator: str | None = None
    deck: str | None = None  # deck for files that name none (default: the file's stem)


@dataclass(slots=True)
class _Header:
    separator: str | None = None
    html: bool | None = None
    notetype: str | None = None
    deck: str | None = None
    tags: tuple[str, ...] = ()
    columns: tuple[str, ...] = ()
    guid: int | None = None
    notetype_column: int | None = None
    deck_column: int | None = None
    tags_column: int | None = None


def _decode(data: bytes, path: Path) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        raise ConvertError(
            f"{path}:{line}: not UTF-8 text (byte 0x{data[e.start]:02x}); save the file as UTF-8;"
            " nothing was written"
        ) from None


def _header(lines: list[str], path: Path) -> tuple[_Header, int]:
    header = _Header()
    count = 0
    for line in lines:
        if not line.startswith("#") or ":" not in line:
            break
        key, _, value = line[1:].partition(":")
        key = key.strip().lower()
        value = value.rstrip("\r\n")
        count += 1
        if key == "separator":
            header.separator = _NAMED.get(value.strip().lower(), value[:1] or None)
        elif key == "html":
            header.html = value.strip().lower() == "true"
        elif key == "notetype":
            header.notetype = value.strip()
        elif key == "deck":
            header.deck = value.strip()
        elif key == "tags":
            header.tags = tuple(value.split())
        elif key == "columns":
            header.columns = tuple(value.split(header.separator or "\t"))
        elif key.endswith(" column"):
            try:
                number = int(value.strip())
            except ValueError:
                raise ConvertError(f"{path}:{count}: '{key}' needs a column number") from None
            name = key.removesuffix(" column").strip()
            if name in ("guid", "notetype", "deck", "tags"):
                setattr(header, "guid" if name == "guid" else f"{name}_column", number)
        else:
            count -= 1
            break
    return header, count


def _sniff(first: str, path: Path) -> str:
    if path.suffix.lower() == ".tsv":
        return "\t"
    counts = {sep: first.count(sep) for sep in ("\t", ",", ";", "|")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] else "\t"


def _rows(body: str, header: _Header, options: CsvOptions, path: Path, first_line: int):  # type: ignore[no-untyped-def]
    """(line number, cells) of each row."""
    if options.card_separator is not None or (
        options.separator is not None and len(options.separator) > 1
    ):
        separator = options.separator or "\t"
        cards = body.split(options.card_separator) if options.card_separator else body.split("\n")
        line = first_line
        for card in cards:
            if card.strip():
                front, sep, back = card.strip("\n").partition(separator)
                yield line, [front, back] if sep else [front]
            line += card.count("\n") + (1 if options.card_separator is None else 0)
        return
    delimiter = options.separator or header.separator or _sniff(body.split("\n", 1)[0], path)
    reader = csv.reader(io.StringIO(body, newline=""), delimiter=delimiter, strict=True)
    try:
        for row in reader:
            if any(cell.strip() for cell in row):
                yield first_line + reader.line_num - 1, row
    except csv.Error as e:
        raise ConvertError(f"{path}:{first_line + reader.line_num - 1}: {e}") from None


_HEADING_ROWS = {("front", "back"), ("term", "definition"), ("question", "answer")}


def _is_heading_row(row: list[str]) -> bool:
    """A plain file's first row that names its columns rather than holding a card."""
    return tuple(cell.strip().lower() for cell in row[:2]) in _HEADING_ROWS


def read_csv(path: Path, options: CsvOptions) -> Source:
    """Notes of a CSV/TSV file (see the module docstring); ConvertError names a bad line."""
    data = read_bytes(path, _MAX_BYTES)
    if b"\x00" in data and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ConvertError(f"{path}: binary file (NUL byte), not CSV text")
    text = _decode(data, path).replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    header, skip = _header(lines, path)
    body = "\n".join(lines[skip:])
    source = Source()
    deck = (header.deck or options.deck or path.stem).replace("::", "/")
    expected: int | None = None
    special = {c for c in (header.guid, header.notetype_column, header.deck_column) if c}
    tags_column = header.tags_column
    if tags_column is None and header.columns:
        names = [c.strip().lower() for c in header.columns]
        tags_column = names.index("tags") + 1 if "tags" in names else None
    if tags_column:
        special.add(tags_column)
    warned: set[str] = set()
    for line, row in _rows(body, header, options, path, skip + 1):
        if expected is None and not header.columns and _is_heading_row(row):
            expected = len(row)
            continue
        if expected is None:
            expected = len(row)
            if expected - len(special) < 1 or (expected < 2 and not header.notetype):
                raise ConvertError(
                    f"{path}:{line}: one column only; say the separator with --separator"
                    " (nothing was written)"
                )
        if len(row) != expected:
            raise ConvertError(
                f"{path}:{line}: {len(row)} columns, but the file's rows have {expected};"
                " nothing was written"
            )
        fields = [cell for number, cell in enumerate(row, 1) if number not in special]
        notetype = header.notetype or ""
        if header.notetype_column:
            notetype = row[header.notetype_column - 1]
        row_deck = deck
        if header.deck_column:
            row_deck = row[header.deck_column - 1].replace("::", "/") or deck
        tags = list(header.tags)
        if tags_column:
            tags += row[tags_column - 1].split()
        html = header.html if header.html is not None else False
        convert = html_to_markdown if html else plain_to_markdown
        origin = f"{path.name}:{line}"
        mapped = map_fields(notetype, [convert(f) for f in fields], origin)
        if mapped.warning and mapped.warning not in warned:
            warned.add(mapped.warning)
            source.warnings.append(mapped.warning)
        if mapped.skip:
            source.skipped[mapped.skip] = source.skipped.get(mapped.skip, 0) + 1
            continue
        note_id = id_for_guid(row[header.guid - 1]) if header.guid else None
        source.notes.append(
            ConvertedNote(
                mapped.kind,
                mapped.front,
                mapped.back,
                row_deck,
                tags=tuple(t.replace("::", "/") for t in tags),
                id=note_id,
                origin=origin,
            )
        )
    if not source.notes and not source.skipped:
        raise ConvertError(f"{path}: no notes in this file")
    return source
