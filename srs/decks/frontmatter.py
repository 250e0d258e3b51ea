"""YAML front matter of a deck file: the block between a first-line `---` and the next `---`.

Known keys (`deck`, `tags`, `exam_domains`, `domain`, `exam`, `source`, `draft`) are checked and
typed;
`exam` + `domain` is shorthand for a one-exam `exam_domains`. Any other key
is kept as JSON-friendly data (`Note.extra`) so decks can carry their own metadata. Errors
carry the file line of the YAML problem, not the line inside the block.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import field
from typing import Any

import yaml

from srs.model import value_class

__all__ = ["FrontMatter", "parse_front_matter", "split_front_matter", "split_tags"]

KNOWN_KEYS = frozenset({"deck", "tags", "exam_domains", "domain", "exam", "source", "draft"})
_CODE_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,39}")
# PyYAML parses recursively in pure Python: deep nesting costs seconds before it fails, so
# hostile front matter is refused up front. Real front matter is a few short lines.
MAX_FRONT_MATTER = 65_536
MAX_DEPTH = 50


@value_class
class FrontMatter:
    """The typed front matter of one file (all optional)."""

    deck: str | None = None
    tags: tuple[str, ...] = ()
    exam_domains: tuple[tuple[str, str], ...] = ()  # (exam code, domain id), sorted
    source: str | None = None
    notices: tuple[tuple[int, str], ...] = ()  # (file line, warning): kept, but worth a fix
    extra: dict[str, object] = field(default_factory=dict)
    draft: bool = False  # `draft: true`: not imported until the learner removes it (srs draft)


def split_front_matter(lines: list[str]) -> tuple[int, int] | None:
    """(first YAML line index, closing line index) if the file opens with `---`.

    Returns (1, -1) when the block is never closed; None when there is no front matter.
    """
    if not lines or lines[0].rstrip() != "---":
        return None
    for i in range(1, len(lines)):
        if lines[i].rstrip() in ("---", "..."):
            return 1, i
    return 1, -1


def split_tags(value: str) -> list[str]:
    """Tags from a space- or comma-separated string (tags never contain spaces)."""
    return [t for t in value.replace(",", " ").split() if t]


def _text(value: object) -> str | None:
    """A scalar as text (numbers and dates too); None for anything structured."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float):
        return str(value).strip()
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return None


class _NoAliasLoader(yaml.SafeLoader):
    """SafeLoader that refuses aliases (`*name`).

    Nine nested aliases in a few hundred bytes expand to billions of values (the "billion
    laughs"), which hung `srs import`; deck front matter has no use for them.
    """

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
            raise yaml.composer.ComposerError(
                None, None, "aliases (*name) are not allowed in front matter", mark
            )
        return super().compose_node(parent, index)


def _jsonable(value: Any) -> object:
    """Front matter values as JSON-friendly data (dates become ISO strings)."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return str(value)


def _bracket_depth(text: str) -> int:
    """Deepest nesting of flow collections (`[`/`{`), counting quoted brackets too."""
    depth = deepest = 0
    for ch in text:
        if ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}" and depth:
            depth -= 1
    return deepest


def _key_line(text: str, key: str, first_line: int) -> int:
    """The file line where a top-level key is written (first line of the block if unknown)."""
    for i, line in enumerate(text.split("\n")):
        if line.startswith(f"{key}:"):
            return first_line + i
    return first_line


def parse_front_matter(text: str, first_line: int) -> tuple[FrontMatter, list[tuple[int, str]]]:
    """Parse the YAML block whose first line is file line `first_line`.

    Returns the front matter and a list of (file line, message) problems.
    """
    if len(text) > MAX_FRONT_MATTER:
        return FrontMatter(), [
            (first_line, f"front matter is too long (over {MAX_FRONT_MATTER} characters)")
        ]
    if _bracket_depth(text) > MAX_DEPTH:
        return FrontMatter(), [(first_line, "bad YAML front matter: nested too deeply")]
    try:
        data = yaml.load(text, Loader=_NoAliasLoader)  # a SafeLoader: no object construction
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None) or getattr(e, "context_mark", None)
        line = first_line + (mark.line if mark is not None else 0)
        reason = getattr(e, "problem", None) or str(e).splitlines()[0]
        return FrontMatter(), [(line, f"bad YAML front matter: {reason}")]
    except RecursionError:
        return FrontMatter(), [(first_line, "bad YAML front matter: nested too deeply")]
    except Exception as e:  # untrusted input: a bad date or an odd tag must not crash us
        return FrontMatter(), [(first_line, f"bad YAML front matter: {e or type(e).__name__}")]
    if data is None:
        return FrontMatter(), []
    if not isinstance(data, dict):
        return FrontMatter(), [
            (first_line, "front matter must be YAML keys and values, such as 'deck: Name'")
        ]
    problems: list[tuple[int, str]] = []
    values: dict[str, str | None] = {}
    for key in ("deck", "domain", "exam", "source"):
        raw = data.get(key)
        if raw is None:
            values[key] = None
            continue
        text_value = _text(raw)
        if text_value is None:
            problems.append(
                (_key_line(text, key, first_line), f"front matter '{key}' must be text")
            )
        values[key] = text_value or None
    tags: list[str] = []
    raw_tags = data.get("tags")
    tags_line = _key_line(text, "tags", first_line)
    if isinstance(raw_tags, list):
        for item in raw_tags:
            tag = _text(item)
            if tag is None:
                problems.append((tags_line, "front matter 'tags' must be a list of words"))
                break
            tags.extend(split_tags(tag))
    elif raw_tags is not None:
        tag = _text(raw_tags)
        if tag is None:
            problems.append((tags_line, "front matter 'tags' must be a list of words"))
        else:
            tags.extend(split_tags(tag))
    deck = values["deck"]
    if deck is not None:
        parts = [p.strip() for p in deck.split("/")]
        if not all(parts):
            problems.append(
                (
                    _key_line(text, "deck", first_line),
                    f"invalid deck name '{deck}' (empty part between '/')",
                )
            )
        deck = "/".join(parts)
    extra = {str(k): _jsonable(v) for k, v in data.items() if str(k) not in KNOWN_KEYS}
    exam_domains = _exam_domains(
        data.get("exam_domains"), _key_line(text, "exam_domains", first_line), problems
    )
    if values["exam"] and values["domain"]:
        # Shorthand `exam: X` + `domain: "2: Model Development"`: the id is what precedes ':'.
        exam_domains[values["exam"].upper()] = values["domain"].split(":", 1)[0].strip()
    notices: list[tuple[int, str]] = []
    if bool(values["exam"]) != bool(values["domain"]):
        # Decks written before exam_domains may carry `domain:` alone: still import them.
        given = "exam" if values["exam"] else "domain"
        notices.append(
            (
                _key_line(text, given, first_line),
                f"front matter '{given}' without '{'domain' if given == 'exam' else 'exam'}'"
                " is ignored; map cards with exam_domains: {EXAM: DOMAIN-ID}",
            )
        )
    draft = data.get("draft", False)
    if not isinstance(draft, bool):
        problems.append(
            (_key_line(text, "draft", first_line), "front matter 'draft' must be true or false")
        )
        draft = False
    front = FrontMatter(
        draft=draft,
        deck=deck,
        tags=tuple(tags),
        exam_domains=tuple(sorted(exam_domains.items())),
        source=values["source"],
        extra=extra,
        notices=tuple(notices),
    )
    return front, problems


def exam_domain_pair(code: object, domain: object) -> tuple[str, str] | str:
    """(CODE, domain id) from one `exam_domains` entry, or the reason it is refused."""
    code_text, domain_text = _text(code), _text(domain)
    if code_text is None or not _CODE_RE.fullmatch(code_text):
        return f"exam code {code!r} must be letters, digits, '.', '_' or '-', like MLA-C01"
    if not domain_text:
        return f"exam {code_text} needs a domain id, like {code_text}: 2"
    return code_text.upper(), domain_text


def _exam_domains(raw: object, line: int, problems: list[tuple[int, str]]) -> dict[str, str]:
    """`exam_domains: {MLA-C01: 2, MLS-C01: 3}` as {code: domain id}."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        problems.append(
            (
                line,
                "front matter 'exam_domains' must map exam codes to domain ids, like {MLA-C01: 2}",
            )
        )
        return {}
    result: dict[str, str] = {}
    for code, domain in raw.items():
        pair = exam_domain_pair(code, domain)
        if isinstance(pair, str):
            problems.append((line, f"front matter 'exam_domains': {pair}"))
        else:
            result[pair[0]] = pair[1]
    return result
