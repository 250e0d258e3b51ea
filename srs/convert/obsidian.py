"""Obsidian Spaced Repetition (the st3v3nmw plugin) vaults: its card syntax and its progress.

What is read, with the plugin's defaults unless the vault's plugin settings
(`.obsidian/plugins/obsidian-spaced-repetition/data.json`) say otherwise:

- only notes carrying a flashcard tag (`#flashcards`, `#flashcards/aws/ml` for a sub-deck; in
  the text or in the front matter's `tags`); a tag on a line of its own sets the deck of the
  cards after it, a tag at the start of a card's first line that card's deck only; the deck
  is the tag without `#` (`flashcards/aws/ml`), as the plugin shows it;
- `front::back` and `front:::back` (both ways) on one line;
- multi-line cards: the lines of a paragraph before a `?` line are the front, those after it
  the back (`??`: both ways);
- clozes: every `==highlight==` of a paragraph is one deletion (`==x==^[hint]` has a hint);
  `**bold**` only when the vault's settings turn bold clozes on (the plugin's default is off:
  prose is full of bold text), `{{curly}}` likewise;
- scheduling comments `<!--SR:!2024-08-16,51,230-->` (due date, interval in days, ease in
  percent; one `!date,interval,ease` per card of the note, in card order) become each card's
  starting state: a review card due that day with that interval and ease, so the progress
  is kept. FSRS comments are not read (a warning counts them);
- image embeds `![[x.png]]` (found anywhere in the vault, as Obsidian finds them) are copied
  into the deck's media folder.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from srs.convert.html import media_link
from srs.convert.model import ConvertedNote, MediaItem, Source
from srs.convert.text_file import read_lines
from srs.decks.builder import CardHistory
from srs.errors import ConvertError
from srs.markdown_scan import EMBED_RE, FENCE_RE
from srs.model import CardState, NoteKind, SchedulingState, value_class

__all__ = ["Settings", "looks_like_obsidian", "read_vault"]

_SETTINGS = Path(".obsidian/plugins/obsidian-spaced-repetition/data.json")
_SR = re.compile(r"<!--SR:(.*?)-->")
_SR_ITEM = re.compile(r"!(\d{4}-\d{2}-\d{2}),(\d+),(\d+)")
_MAX_BYTES = 5_000_000


@value_class
class Settings:
    """The plugin settings that change what is a card."""

    tags: tuple[str, ...] = ("#flashcards",)
    single: str = "::"
    single_reversed: str = ":::"
    multi: str = "?"
    multi_reversed: str = "??"
    highlight: bool = True
    bold: bool = False
    curly: bool = False


def _settings(vault: Path) -> Settings:
    path = vault / _SETTINGS
    if not path.is_file():
        return Settings()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return Settings()
    default = Settings()

    def text(key: str, fallback: str) -> str:
        value = data.get(key)
        return value if isinstance(value, str) and value.strip() else fallback

    tags = data.get("flashcardTags")
    return Settings(
        tags=tuple(t for t in tags if isinstance(t, str))
        if isinstance(tags, list)
        else default.tags,
        single=text("singleLineCardSeparator", default.single),
        single_reversed=text("singleLineReversedCardSeparator", default.single_reversed),
        multi=text("multilineCardSeparator", default.multi),
        multi_reversed=text("multilineReversedCardSeparator", default.multi_reversed),
        highlight=bool(data.get("convertHighlightsToClozes", True)),
        bold=bool(data.get("convertBoldTextToClozes", False)),
        curly=bool(data.get("convertCurlyBracketsToClozes", False)),
    )


def looks_like_obsidian(source: Path) -> bool:
    """A vault folder (`.obsidian/`), or a note with the plugin's `#flashcards` tag."""
    if source.is_dir():
        return (source / ".obsidian").is_dir()
    try:
        return "#flashcards" in source.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False


@dataclass(slots=True)
class _Vault:
    root: Path
    settings: Settings
    source: Source = field(default_factory=Source)
    files_by_name: dict[str, Path] | None = None
    fsrs: int = 0

    def find(self, name: str) -> Path | None:
        """The vault file an embed names (a path inside the vault, or a name anywhere)."""
        if self.files_by_name is None:
            self.files_by_name = {}
            for path in sorted(self.root.rglob("*")):
                parts = path.relative_to(self.root).parts
                if (
                    path.is_file()
                    and not path.is_symlink()
                    and not any(p.startswith(".") for p in parts)
                ):
                    self.files_by_name.setdefault(path.name, path)
        direct = (self.root / name).resolve()
        if direct.is_file() and direct.is_relative_to(self.root.resolve()):
            return direct
        return self.files_by_name.get(Path(name).name)


def read_vault(source: Path) -> Source:
    """Cards of an Obsidian vault folder (or one note), with their progress."""
    root = source if source.is_dir() else source.parent
    vault = _Vault(root, _settings(root))
    files = (
        sorted(
            p
            for p in source.rglob("*.md")
            if not any(part.startswith(".") for part in p.relative_to(source).parts)
        )
        if source.is_dir()
        else [source]
    )
    for path in files:
        _read_note(vault, path)
    if vault.fsrs:
        vault.source.warnings.append(
            f"{vault.fsrs} FSRS scheduling comments (<!--SR:!fsrs...-->) were not read:"
            " those cards start as new"
        )
    if not vault.source.notes:
        tags = ", ".join(vault.settings.tags)
        raise ConvertError(f"{source}: no flashcards (notes tagged {tags}) found")
    return vault.source


def _read_note(vault: _Vault, path: Path) -> None:
    lines = read_lines(path, _MAX_BYTES, what="note")
    text = "\n".join(lines)
    start, front_tags = _front_matter(lines)
    tag_names = [t.lstrip("#") for t in vault.settings.tags]
    deck: str | None = None
    for tag in front_tags:
        if _deck_of("#" + tag.lstrip("#"), tag_names):
            deck = _deck_of("#" + tag.lstrip("#"), tag_names)
    if deck is None and not any(t in text for t in vault.settings.tags):
        return
    display = (
        path.relative_to(vault.root).as_posix() if path.is_relative_to(vault.root) else path.name
    )
    for number, paragraph in _paragraphs(lines, start):
        deck = _card_paragraph(vault, display, number, paragraph, deck, tag_names)


def _front_matter(lines: list[str]) -> tuple[int, list[str]]:
    """Where the body starts, and the front matter's tags (a list or a string)."""
    if not lines or lines[0].strip() != "---":
        return 0, []
    for index in range(1, len(lines)):
        if lines[index].strip() in ("---", "..."):
            import yaml

            try:
                data = yaml.safe_load("\n".join(lines[1:index])) or {}
            except yaml.YAMLError:
                data = {}
            tags = data.get("tags", []) if isinstance(data, dict) else []
            if isinstance(tags, str):
                tags = tags.replace(",", " ").split()
            return index + 1, [str(t) for t in tags] if isinstance(tags, list) else []
    return 0, []


def _paragraphs(lines: list[str], start: int) -> list[tuple[int, list[str]]]:
    """Runs of non-blank lines (1-based line of the first), fenced code kept inside a run."""
    result: list[tuple[int, list[str]]] = []
    current: list[str] = []
    first = 0
    fence: str | None = None
    for index in range(start, len(lines)):
        line = lines[index]
        match = FENCE_RE.match(line)
        if fence is not None:
            current.append(line)
            if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence):
                fence = None
            continue
        if match:
            fence = match.group(1)
        if not line.strip() and fence is None:
            if current:
                result.append((first, current))
            current = []
            continue
        if not current:
            first = index + 1
        current.append(line)
    if current:
        result.append((first, current))
    return result


def _deck_of(token: str, tag_names: list[str]) -> str | None:
    """`#flashcards/aws/ml` -> `flashcards/aws/ml` (None if not a flashcard tag)."""
    name = token.lstrip("#")
    for tag in tag_names:
        if name == tag or name.startswith(tag + "/"):
            return name
    return None


def _leading_tags(line: str, tag_names: list[str]) -> tuple[str | None, str]:
    """A flashcard tag at the start of a line, and the rest of the line."""
    stripped = line.lstrip()
    deck = None
    while stripped.startswith("#"):
        token, _, rest = stripped.partition(" ")
        found = _deck_of(token, tag_names)
        if found is None:
            break
        deck, stripped = found, rest.lstrip()
    return deck, stripped


def _card_paragraph(
    vault: _Vault,
    display: str,
    number: int,
    paragraph: list[str],
    deck: str | None,
    tag_names: list[str],
) -> str | None:
    """Read one paragraph; returns the deck for the cards after it."""
    settings = vault.settings
    tag, first = _leading_tags(paragraph[0], tag_names)
    if tag is not None and not first.strip() and len(paragraph) == 1:
        return tag  # a tag line: the deck of the cards below
    card_deck = tag or deck
    paragraph = [first, *paragraph[1:]] if tag is not None else paragraph
    if card_deck is None:
        return deck
    whole = "\n".join(paragraph)
    schedule = _SR.findall(whole)
    body = _SR.sub("", whole).rstrip()
    lines = [line.rstrip() for line in body.split("\n")]
    origin = f"{display}:{number}"
    stripped = [line.strip() for line in lines]
    for separator, kind in (
        (settings.multi_reversed, NoteKind.BOTH),
        (settings.multi, NoteKind.BASIC),
    ):
        if separator in stripped:
            at = stripped.index(separator)
            front, back = "\n".join(lines[:at]).strip(), "\n".join(lines[at + 1 :]).strip()
            if front and back:
                _add(vault, kind, front, back, card_deck, schedule, origin)
            return deck
    found_single = False
    for offset, raw in enumerate(paragraph):
        split = _split_single(_SR.sub("", raw).rstrip(), settings)
        if split is not None:
            found_single = True
            kind, front, back = split
            # Its comment is on the same line or alone on the next one.
            own = _SR.findall(raw)
            if not own and offset + 1 < len(paragraph):
                following = paragraph[offset + 1].strip()
                if _SR.fullmatch(following):
                    own = _SR.findall(following)
            _add(vault, kind, front, back, card_deck, own, f"{display}:{number + offset}")
    if found_single:
        return deck
    cloze = _clozes(body, settings)
    if cloze is not None:
        _add(vault, NoteKind.CLOZE, cloze, "", card_deck, schedule, origin)
    return deck


def _split_single(line: str, settings: Settings) -> tuple[NoteKind, str, str] | None:
    for separator, kind in (
        (settings.single_reversed, NoteKind.BOTH),
        (settings.single, NoteKind.BASIC),
    ):
        at = _outside_code(line, separator)
        if at != -1:
            front, back = line[:at].strip(), line[at + len(separator) :].strip()
            if front and back and not back.startswith(":"):
                return kind, front, back
    return None


def _outside_code(line: str, needle: str) -> int:
    """The first index of `needle` outside inline code spans, or -1."""
    index, in_code = 0, False
    while index < len(line):
        if line[index] == "`":
            in_code = not in_code
        elif not in_code and line.startswith(needle, index):
            return index
        index += 1
    return -1


_PATTERNS = {
    "highlight": re.compile(r"==(?P<text>[^=\n]+?)==(?:\^\[(?P<hint>[^\]\n]*)\])?"),
    "bold": re.compile(r"\*\*(?P<text>[^*\n]+?)\*\*(?:\^\[(?P<hint>[^\]\n]*)\])?"),
    "curly": re.compile(r"(?<!\{)\{\{(?!c\d+::)(?P<text>[^{}\n]+?)\}\}(?!\})"),
}


def _clozes(text: str, settings: Settings) -> str | None:
    """The paragraph with each deletion as `{{cN::text::hint}}` (N in order), or None."""
    enabled = [name for name in ("highlight", "bold", "curly") if getattr(settings, name)]
    found: list[tuple[int, int, re.Match[str]]] = []
    for name in enabled:
        found.extend((m.start(), m.end(), m) for m in _PATTERNS[name].finditer(text))
    if not found:
        return None
    found.sort(key=lambda item: item[0])
    out, last, count = [], 0, 0
    for start, end, match in found:
        if start < last:
            continue
        count += 1
        hint = match.groupdict().get("hint")
        inner = match.group("text").strip() + (f"::{hint.strip()}" if hint else "")
        out.append(text[last:start] + f"{{{{c{count}::{inner}}}}}")
        last = end
    out.append(text[last:])
    return "".join(out)


def _schedule(comments: list[str], vault: _Vault) -> tuple[CardHistory, ...]:
    result = []
    for comment in comments[:1]:
        if comment.startswith("!fsrs") or "fsrs" in comment.lower():
            vault.fsrs += 1
            continue
        for ordinal, (day, interval, ease) in enumerate(_SR_ITEM.findall(comment)):
            try:
                due = date.fromisoformat(day)
            except ValueError:
                continue
            state = SchedulingState(
                CardState.REVIEW,
                due_day=due,
                interval_days=int(interval),
                ease=int(ease) * 10,
                reps=1,
            )
            result.append(CardHistory(ordinal=ordinal, state=state))
    return tuple(result)


def _embeds(vault: _Vault, text: str, origin: str) -> str:
    def copy(match: re.Match[str]) -> str:
        name = match.group(1).strip()
        found = vault.find(name)
        if found is None:
            vault.source.warnings.append(f"{origin}: embedded file {name!r} is not in the vault")
            return match.group(0)
        safe = re.sub(r"[^A-Za-z0-9._ -]+", "_", found.name).lstrip(".") or "file"
        vault.source.media.setdefault(safe, MediaItem(safe, found))
        return f"![]({media_link(safe)})"

    return EMBED_RE.sub(copy, text)


def _add(
    vault: _Vault,
    kind: NoteKind,
    front: str,
    back: str,
    deck: str,
    schedule: list[str],
    origin: str,
) -> None:
    vault.source.notes.append(
        ConvertedNote(
            kind,
            _embeds(vault, front, origin),
            _embeds(vault, back, origin),
            deck,
            history=_schedule(schedule, vault),
            origin=origin,
        )
    )
