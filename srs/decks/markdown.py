"""Deck files -> notes and cards. The canonical syntax is described in docs/deck-format.md.

Contract:
- Line-based: each line is classified once (fence-aware), then a single walk builds notes.
  No Markdown is rendered, no regex can backtrack badly, so a 10,000-card file parses in a
  fraction of a second and hostile text costs linear time.
- Markers (`Q:`, `A:`, `C:`, `Explanation:`, headings, task-list options, one-liners and
  `---`) count only at the start of a line and never inside fenced code (``` or ~~~).
- Every problem in a file is collected and raised together as one `DeckError`; the parser
  raises nothing else, whatever the input.
- The parser produces format-neutral drafts (`srs.decks.builder.NoteDraft`: an explicit
  `<!-- id: ... -->` if the card has one); the note builder decides identity (ids, sibling
  suffixes, content stamps; see `srs.decks.identity`), as it does for every format.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from srs.decks.builder import NoteDraft, build_note
from srs.decks.cloze import Cloze, has_cloze, parse_cloze
from srs.decks.frontmatter import (
    FrontMatter,
    exam_domain_pair,
    parse_front_matter,
    split_front_matter,
    split_tags,
)
from srs.decks.limits import MAX_BYTES
from srs.errors import DeckError, DeckProblem
from srs.model import DeckFile, McqOption, Note, NoteKind, ParsedDeck, value_class

__all__ = [
    "MAX_BYTES",
    "MAX_CARDS",
    "neutralise_markers",
    "parse_file",
    "parse_text",
]

MAX_CARDS = 20_000
# Each cloze card repeats the whole note text, so a note's cards cost groups x text: cap both
# before rendering (25,000 groups in one 350 KB line took minutes and gigabytes).
MAX_CLOZE_GROUPS = 500
MAX_CLOZE_TEXT = 20_000_000

_ID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/-]{0,99}")
_TASK_RE = re.compile(r"[-*+] \[([ xX])\](?:[ \t]+(.*))?")
_LABEL_RE = re.compile(r"([A-Za-z])[.)][ \t]+")
_NOT_A_CARD = "not-a-card"


class K:
    """What a line is, as far as card structure goes.

    Plain ints in a plain class, not an IntEnum: on Python 3.11 reading a member of an enum
    class costs ~80 ns (the enum metaclass's `__getattr__` puts every read of a class
    attribute on a slow path) against ~17 ns here, and the parser reads a few for every line.
    """

    TEXT = 0
    BLANK = 1
    H1 = 2
    H2 = 3
    HN = 4  # ### and deeper: body text inside a card, breadcrumb outside one
    RULE = 5  # `---`: closes the current card
    Q = 6
    A = 7
    C = 8
    EXPL = 9
    TASK = 10
    ONELINER = 11
    COMMENT = 12  # a whole-line HTML comment


# Lines that end each kind of open block. Any heading ends a `Q:`/`A:`/`C:` block (a `###`
# between such cards is a breadcrumb); only a heading card's body keeps `###` as text.
_END_QUESTION = frozenset({K.H1, K.H2, K.HN, K.RULE, K.Q, K.C, K.ONELINER, K.A, K.EXPL, K.TASK})
_END_ANSWER = frozenset({K.H1, K.H2, K.HN, K.RULE, K.Q, K.C, K.ONELINER, K.A, K.EXPL})
_CARD_MARKERS = frozenset({K.Q, K.A, K.C, K.EXPL, K.ONELINER})
_SKIPPED = frozenset({K.BLANK, K.RULE, K.COMMENT})  # lines the walk steps over between cards


@dataclass(slots=True)
class _Meta:
    """A card's metadata comment(s)."""

    id: str | None = None
    tags: list[str] = field(default_factory=list)
    exam_domains: dict[str, str] = field(default_factory=dict)  # overrides the file's
    line: int = 0


@value_class
class _OneLiner:
    front: str
    back: str
    both: bool
    comment: str  # a trailing `<!-- ... -->`, or ""


def _heading(line: str) -> tuple[int, str] | None:
    """(level, title) for an ATX heading at column 0."""
    if not line.startswith("#"):
        return None
    level = len(line) - len(line.lstrip("#"))
    if level > 6:
        return None
    rest = line[level:]
    if rest and rest[0] not in " \t":
        return None
    title = rest.strip()
    # An optional closing sequence of #s (preceded by a space) is not part of the title.
    stripped = title.rstrip("#")
    if stripped != title and (not stripped or stripped[-1] in " \t"):
        title = stripped.rstrip()
    return level, title


# The one-liner separator where nothing on the line can hide one (no inline code, cloze or
# link target): a maximal run of exactly two or three colons with a space or tab each side.
_SEPARATOR_RE = re.compile(r"[ \t](:{2,3})[ \t]")


def _split_oneliner(line: str) -> _OneLiner | None:
    """Split `front :: back` / `front ::: back` at the first real separator.

    The separator is a run of exactly 2 or 3 colons with a space or tab on both sides,
    outside inline code, `{{...}}` and link targets `](...)`.
    """
    if "::" not in line:
        return None
    if "`" not in line and "{{" not in line and "](" not in line:
        # Nothing to skip over: one regex search finds what the walk below would.
        match = _SEPARATOR_RE.search(line)
        return None if match is None else _oneliner_at(line, match.start(1), match.end(1))
    return _walk_oneliner(line)


def _walk_oneliner(line: str) -> _OneLiner | None:
    """`_split_oneliner` for any line: a walk that steps over inline code, `{{...}}` and
    `](...)` (and the reference the regex path is tested against)."""
    n = len(line)
    i = 0
    braces = 0
    paren = 0
    while i < n:
        ch = line[i]
        if ch == "`":
            run = i
            while run < n and line[run] == "`":
                run += 1
            close = line.find(line[i:run], run)
            if close == -1:
                i = run
                continue
            i = close + (run - i)
            continue
        if ch == "{" and line.startswith("{{", i):
            braces += 1
            i += 2
            continue
        if ch == "}" and braces and line.startswith("}}", i):
            braces -= 1
            i += 2
            continue
        if ch == "(" and i and line[i - 1] == "]":
            paren += 1
        elif ch == ")" and paren:
            paren -= 1
        elif ch == ":" and not braces and not paren:
            run = i
            while run < n and line[run] == ":":
                run += 1
            width = run - i
            if (
                width in (2, 3)
                and i > 0
                and line[i - 1] in " \t"
                and run < n
                and line[run] in " \t"
            ):
                return _oneliner_at(line, i, run)
            i = run
            continue
        i += 1
    return None


def _oneliner_at(line: str, start: int, end: int) -> _OneLiner | None:
    """The one-liner whose separator is line[start:end], if both sides have text."""
    front = line[:start].strip()
    back = line[end:].strip()
    comment = ""
    if back.endswith("-->"):
        at = back.rfind("<!--")
        if at != -1:
            comment = back[at:]
            back = back[:at].rstrip()
    if front[:2] in ("- ", "* ", "+ "):
        front = front[2:].lstrip()
    if front and back:
        return _OneLiner(front, back, end - start == 3, comment)
    return None


# First characters of every line kind but text and one-liners (and any whitespace): `_classify`
# reads a line starting otherwise as a one-liner or text without trying the other kinds.
_MARKER_FIRST = frozenset(" \t#QACE-*+<`~|")
_LETTER_MARKERS = {"Q:": K.Q, "A:": K.A, "C:": K.C}
_HEADING_KINDS = {1: K.H1, 2: K.H2}  # by level; deeper headings are K.HN


def _classify(
    lines: Sequence[str],
    start: int,
    oneliners: dict[int, _OneLiner] | None = None,
    tasks: dict[int, re.Match[str]] | None = None,
) -> tuple[list[int], int | None]:
    """Kind of each line from `start` on, and the index of an unclosed code fence if any.

    `oneliners` and `tasks`, if given, receive the split of each one-liner line and the match
    of each option line (by line index), so the walk does not read them again."""
    kinds = [K.BLANK] * len(lines)
    fence = ""
    fence_line: int | None = None
    for i in range(start, len(lines)):
        line = lines[i]
        if fence:
            kinds[i] = K.TEXT
            body = line.lstrip(" ")
            if body.startswith(fence[0]) and len(line) - len(body) <= 3:
                mark = body.rstrip()
                if len(mark) >= len(fence) and mark == fence[0] * len(mark):
                    fence = ""
                    fence_line = None
            continue
        if not line:
            kinds[i] = K.BLANK
            continue
        first = line[0]
        kind: int | None = None  # None: a one-liner if it splits as one, else text
        if first not in _MARKER_FIRST and not first.isspace():
            pass  # most lines: nothing but a one-liner or text starts like this
        elif (marker := _LETTER_MARKERS.get(line[:2])) is not None:  # `Q:`, `A:`, `C:`
            kind = marker
        elif first == "E":
            kind = K.EXPL if line.startswith("Explanation:") else None
        elif first == "-" and line.startswith("---") and not line.rstrip().strip("-"):
            kind = K.RULE
        elif first in "-*+":
            if (task := _TASK_RE.fullmatch(line.rstrip())) is not None:
                kind = K.TASK
                if tasks is not None:
                    tasks[i] = task
        else:  # indented, `#`, `<`, a fence character, `|`, or `Q`/`A`/`C` without `:`
            body = line.lstrip(" ")
            if len(line) - len(body) <= 3 and body[:3] in ("```", "~~~"):
                char = body[0]
                run = len(body) - len(body.lstrip(char))
                # A backtick fence's info string may not contain backticks (CommonMark).
                if char == "~" or "`" not in body[run:]:
                    fence = char * run
                    fence_line = i
                    kinds[i] = K.TEXT
                    continue
            if not line.strip():
                kind = K.BLANK
            elif first == "#":
                heading = _heading(line)
                kind = K.TEXT if heading is None else _HEADING_KINDS.get(heading[0], K.HN)
            elif body.startswith("<!--") and line.rstrip().endswith("-->"):
                kind = K.COMMENT
            elif first in " \t|":  # indented text and table rows are never one-liners
                kind = K.TEXT
        if kind is None:
            split = _split_oneliner(line) if "::" in line else None
            if split is not None and oneliners is not None:
                oneliners[i] = split
            kind = K.TEXT if split is None else K.ONELINER
        kinds[i] = kind
    return kinds, fence_line


_MARKERS = frozenset({K.H1, K.H2, K.HN, K.RULE, K.Q, K.A, K.C, K.EXPL, K.TASK, K.ONELINER})


def neutralise_markers(text: str) -> str:
    """Text to place inside a card: lines the parser would read as markers are indented.

    Markers count only at column 0 and one space of indentation changes nothing in how
    Markdown renders a heading, a rule, a list item or a paragraph line, so a writer (such as
    `srs convert`) can put any converted text inside a `Q:`/`A:` block without the text
    ending the card or starting another. Lines inside code fences are left alone.
    """
    if "\n" not in text:
        return text  # a single line follows its marker (`Q: `, `A: `): nothing to protect
    lines = text.split("\n")
    kinds, _ = _classify(lines, 0)
    return "\n".join(
        " " + line if kind in _MARKERS else line for line, kind in zip(lines, kinds, strict=True)
    )


def _parse_meta(comment: str) -> dict[str, str] | None:
    """`<!-- id: x; tags: a b -->` -> {"id": "x", "tags": "a b"}; None if not metadata."""
    inner = comment.strip()
    if not (inner.startswith("<!--") and inner.endswith("-->")):
        return None
    inner = inner[4:-3].strip()
    if inner == _NOT_A_CARD:
        return None
    fields: dict[str, str] = {}
    for part in inner.split(";"):
        key, sep, value = part.partition(":")
        key = key.strip().lower()
        if sep and key in ("id", "tags", "exam_domains"):
            fields[key] = value.strip()
    return fields or None


def _join(lines: list[str], numbers: Sequence[int]) -> tuple[str, Sequence[int]]:
    """Join a block's lines, dropping blank lines at both ends and trailing spaces.

    Returns the text and the file line of each of its lines (for located errors).
    """
    if len(lines) == 1:  # most sides of most cards
        text = lines[0].rstrip()
        return (text, numbers) if text.strip() else ("", numbers[:0])
    start, end = 0, len(lines)
    while start < end and not lines[start].strip():
        start += 1
    while end > start and not lines[end - 1].strip():
        end -= 1
    return "\n".join(line.rstrip() for line in lines[start:end]), numbers[start:end]


class _Parser:
    """One file's walk; collects notes and problems."""

    def __init__(self, text: str, display: str, default_deck: str, max_cards: int) -> None:
        self.display = display
        self.default_deck = default_deck or "Default"
        self.max_cards = max_cards
        self.lines = text.split("\n")
        self.problems: list[DeckProblem] = []
        self.warnings: list[str] = []
        self.notes: list[Note] = []
        self.front = FrontMatter()
        self.file_tags: tuple[str, ...] = ()  # the front matter's tags, as a note carries them
        self.kinds: list[int] = []  # a `K` per line
        self.oneliners: dict[int, _OneLiner] = {}  # line index -> its split, from _classify
        self.tasks: dict[int, re.Match[str]] = {}  # line index -> its option match, likewise
        self.cards = 0
        self.too_many = False
        self.seen_ids: dict[str, Note] = {}
        self.title: str | None = None
        self.section: str | None = None
        self.subs: list[tuple[int, str]] = []
        self.breadcrumb: tuple[str, ...] | None = None  # `context()`, until a heading moves it

    # -- reporting -----------------------------------------------------------------------

    def error(self, line: int, message: str) -> None:
        self.problems.append(DeckProblem(self.display, line, message))

    def warn(self, line: int, message: str) -> None:
        self.warnings.append(str(DeckProblem(self.display, line, message, warning=True)))

    # -- top level -----------------------------------------------------------------------

    def run(self) -> None:
        lines = self.lines
        body_start = 0
        block = split_front_matter(lines)
        if block is not None:
            first, close = block
            if close == -1:
                self.error(1, "front matter is not closed: add a '---' line after it")
                return
            self.front, problems = parse_front_matter("\n".join(lines[first:close]), first + 1)
            for line, message in problems:
                self.error(line, message)
            for line, message in self.front.notices:
                self.warn(line, message)
            body_start = close + 1
            if self.front.draft and not self.problems:
                return  # a draft (`srs draft`) is not read until the learner un-drafts it
        self.file_tags = tuple(sorted(set(self.front.tags)))
        self.kinds, fence = _classify(lines, body_start, self.oneliners, self.tasks)
        if fence is not None:
            self.warn(fence + 1, "code block is never closed; it runs to the end of the file")
        self.walk(body_start)
        if not self.notes and not self.problems:
            self.error(1, "no cards in this file (see docs/deck-format.md for the card forms)")

    def context(self) -> tuple[str, ...]:
        if self.breadcrumb is None:
            parts = [self.title, self.section, *(title for _, title in self.subs)]
            self.breadcrumb = tuple(p for p in parts if p)
        return self.breadcrumb

    def walk(self, i: int) -> None:
        kinds, lines, n = self.kinds, self.lines, len(self.lines)
        while i < n:
            kind = kinds[i]
            if kind in _SKIPPED:  # blank lines, rules and comments between cards: most lines
                i += 1
            elif kind == K.H1:
                heading = _heading(lines[i])
                self.title = heading[1] if heading else None
                self.section, self.subs, self.breadcrumb = None, [], None
                i += 1
            elif kind == K.H2:
                i = self.heading_block(i)
            elif kind == K.HN:
                heading = _heading(lines[i])
                if heading is not None:
                    level, title = heading
                    self.subs = [(lv, t) for lv, t in self.subs if lv < level]
                    self.subs.append((level, title))
                    self.breadcrumb = None
                i += 1
            elif kind == K.Q:
                i = self.qa_block(i)
            elif kind == K.C:
                i = self.cloze_block(i)
            elif kind == K.ONELINER:
                self.oneliner(i)
                i += 1
            elif kind in (K.A, K.EXPL):
                marker = "A:" if kind == K.A else "Explanation:"
                self.error(i + 1, f"'{marker}' without a 'Q:' before it")
                i += 1
                while i < n and kinds[i] not in _END_ANSWER:
                    i += 1
            else:
                i = self.stray(i)

    # -- blocks --------------------------------------------------------------------------

    def block(
        self, start: int, end: int, first: str | None = None
    ) -> tuple[list[str], Sequence[int]]:
        """Lines [start, end) with their file line numbers; `first` replaces the first line."""
        lines = self.lines[start:end]
        if first is not None and lines:
            lines[0] = first
        return lines, range(start + 1, end + 1)

    def heading_block(self, i: int) -> int:
        """A `##` heading: a card if its body has content and no card markers, else context."""
        kinds, lines, n = self.kinds, self.lines, len(self.lines)
        heading = _heading(lines[i])
        title = heading[1] if heading else lines[i].strip()
        end = i + 1
        strong = answer_marker = not_a_card = False
        first_content: int | None = None
        while end < n and kinds[end] not in (K.H1, K.H2, K.RULE):
            kind = kinds[end]
            if kind in (K.Q, K.C, K.ONELINER):
                strong = True
            elif kind in (K.A, K.EXPL):
                answer_marker = True
            elif kind == K.COMMENT:
                not_a_card = not_a_card or lines[end].strip()[4:-3].strip() == _NOT_A_CARD
            if first_content is None and kind not in (K.BLANK, K.COMMENT):
                first_content = kind
            end += 1
        is_mcq = first_content == K.TASK
        if (
            not title
            or first_content is None
            or strong
            or not_a_card
            or (answer_marker and not is_mcq)
        ):
            self.section, self.subs, self.breadcrumb = title or None, [], None
            return i + 1
        self.section, self.subs, self.breadcrumb = None, [], None
        front = (title, [i + 1])
        if is_mcq:
            start = i + 1
            while kinds[start] != K.TASK:
                start += 1
            meta = self.collect_meta(*self.block(i + 1, start))[0]
            options, after = self.options(start, end)
            while after < end and kinds[after] == K.BLANK:
                after += 1
            rest = self.block(after, end)
            if after < end and kinds[after] in (K.A, K.EXPL):
                rest = self.block(after, end, _marker_rest(lines[after]))
            meta2, rest_lines, rest_nos = self.collect_meta(*rest)
            explanation = _join(rest_lines, rest_nos)[0]
            self.add_mcq(i + 1, title, options, explanation, self.merge_meta(meta, meta2))
        else:
            meta, body, numbers = self.collect_meta(*self.block(i + 1, end))
            self.add_qa(i + 1, front, _join(body, numbers), meta)
        return end

    def qa_block(self, i: int) -> int:
        """`Q:` question, then `A:` answer or a task list (multiple choice)."""
        kinds, lines, n = self.kinds, self.lines, len(self.lines)
        j = i + 1
        while j < n and kinds[j] not in _END_QUESTION:
            j += 1
        meta, q_lines, q_nos = self.collect_meta(*self.block(i, j, _marker_rest(lines[i])))
        question = _join(q_lines, q_nos)
        if j < n and kinds[j] == K.TASK:
            options, j = self.options(j, n)
            while j < n and kinds[j] == K.BLANK:
                j += 1
            start = j
            first: str | None = None
            if j < n and kinds[j] in (K.A, K.EXPL):
                first = _marker_rest(lines[j])
                j += 1
            j, meta, (explanation, _) = self.answer_block(start, j, first, meta)
            self.add_mcq(i + 1, question[0], options, explanation, meta)
            return j
        if j >= n or kinds[j] not in (K.A, K.EXPL):
            self.error(i + 1, "'Q:' without 'A:'")
            return j
        a_start = j
        j, meta, answer = self.answer_block(a_start, j + 1, _marker_rest(lines[a_start]), meta)
        if not question[0]:
            self.error(i + 1, "empty question after 'Q:'")
        if not answer[0]:
            self.error(a_start + 1, "empty answer after 'A:'")
        if question[0] and answer[0]:
            self.add_qa(i + 1, question, answer, meta)
        return j

    def answer_block(
        self, start: int, j: int, first: str | None, meta: _Meta
    ) -> tuple[int, _Meta, tuple[str, Sequence[int]]]:
        """An answer body (an `A:` answer, an explanation, a back extra): from line `start`,
        whose marker's rest is `first`, with the body continuing at `j`, up to the next card or
        heading. Returns where it ends, `meta` with the body's metadata merged in, and the text
        with its file lines."""
        n = len(self.lines)
        while j < n and self.kinds[j] not in _END_ANSWER:
            j += 1
        body_meta, body, numbers = self.collect_meta(*self.block(start, j, first))
        return j, self.merge_meta(meta, body_meta), _join(body, numbers)

    def cloze_block(self, i: int) -> int:
        """`C:` and a paragraph of cloze text, then an optional `A:` block (the back extra)."""
        kinds, lines, n = self.kinds, self.lines, len(self.lines)
        j = i + 1
        if not _marker_rest(lines[i]).strip():  # `C:` alone on its line: the text follows
            while j < n and kinds[j] == K.BLANK:
                j += 1
        while j < n and kinds[j] not in _END_ANSWER and kinds[j] != K.BLANK:
            j += 1
        meta, t_lines, t_nos = self.collect_meta(*self.block(i, j, _marker_rest(lines[i])))
        extra = ""
        k = j
        while k < n and kinds[k] == K.BLANK:
            k += 1
        if k < n and kinds[k] == K.A:
            j, meta, (extra, _) = self.answer_block(k, k + 1, _marker_rest(lines[k]), meta)
        text = _join(t_lines, t_nos)
        if not has_cloze(text[0]):
            self.error(i + 1, "'C:' block without a cloze deletion such as {{c1::text}}")
            return j
        self.add_cloze(i + 1, text, extra, meta)
        return j

    def oneliner(self, i: int) -> None:
        split = self.oneliners.get(i)
        if split is None:  # pragma: no cover - the line was classified as a one-liner
            return
        meta = _Meta()
        if split.comment:
            fields = _parse_meta(split.comment)
            if fields is not None:
                meta = self.meta_from(fields, i + 1)
        if has_cloze(split.front):
            self.add_cloze(i + 1, (split.front, [i + 1]), split.back, meta)
        else:
            kind = NoteKind.BOTH if split.both else NoteKind.BASIC
            self.add_basic(i + 1, kind, split.front, split.back, meta)

    def paragraph_end(self, i: int) -> int:
        n = len(self.lines)
        while i < n and self.kinds[i] in (K.TEXT, K.TASK, K.COMMENT):
            i += 1
        return i

    def stray(self, i: int) -> int:
        """Text outside any card: a paragraph with clozes is a cloze card; other text warns."""
        kinds, lines, n = self.kinds, self.lines, len(self.lines)
        j = self.paragraph_end(i)
        if any(has_cloze(line) for line in lines[i:j]):
            meta, p_lines, p_nos = self.collect_meta(*self.block(i, j))
            self.add_cloze(i + 1, _join(p_lines, p_nos), "", meta)
            return j
        # One warning for a run of stray paragraphs, not one per paragraph.
        self.warn(i + 1, "text outside any card is ignored")
        while True:
            k = j
            while k < n and kinds[k] == K.BLANK:
                k += 1
            if k >= n or kinds[k] not in (K.TEXT, K.TASK, K.COMMENT):
                return k
            end = self.paragraph_end(k)
            if any(has_cloze(line) for line in lines[k:end]):
                return k
            j = end

    def options(self, i: int, stop: int) -> tuple[list[tuple[int, bool, str, str]], int]:
        """A task list from line index i: [(file line, correct, text, rationale)], next index."""
        kinds, lines = self.kinds, self.lines
        options: list[tuple[int, bool, list[str], list[str]]] = []
        j = i
        while j < stop:
            kind = kinds[j]
            line = lines[j]
            if kind == K.TASK:
                match = self.tasks.get(j)  # kept by `_classify` for every option line
                if match is None:  # pragma: no cover - the line was classified as a task
                    break
                options.append((j + 1, match.group(1) != " ", [match.group(2) or ""], []))
            elif kind == K.BLANK:
                k = j
                while k < stop and kinds[k] == K.BLANK:
                    k += 1
                if k >= stop or not (kinds[k] == K.TASK or lines[k][:1] in " \t"):
                    break
            elif line[:1] in " \t" and kind in (K.TEXT, K.COMMENT) and options:
                _, _, text, why = options[-1]
                item = line.strip()
                if item[:2] in ("- ", "* ", "+ "):
                    why.append(item[2:].strip())
                elif why:
                    why[-1] = f"{why[-1]} {item}"
                else:
                    text.append(item)
            else:
                break
            j += 1
        result = [
            (
                line,
                correct,
                text[0].strip() if len(text) == 1 else " ".join(t.strip() for t in text).strip(),
                "\n".join(why),
            )
            for line, correct, text, why in options
        ]
        return _drop_labels(result), j

    # -- metadata ------------------------------------------------------------------------

    def meta_from(self, fields: dict[str, str], line: int) -> _Meta:
        meta = _Meta(line=line)
        if "id" in fields:
            value = fields["id"]
            if _ID_RE.fullmatch(value):
                meta.id = value
            else:
                self.error(
                    line,
                    f"invalid id '{value}': use up to 100 letters, digits, '.', '_', '-', '/'",
                )
        if "tags" in fields:
            meta.tags = split_tags(fields["tags"])
        for item in split_tags(fields.get("exam_domains", "")):
            code, sep, domain = item.partition("=")
            pair = exam_domain_pair(code, domain) if sep else "write each as CODE=ID"
            if isinstance(pair, str):
                self.error(line, f"invalid exam_domains '{item}': {pair}")
            else:
                meta.exam_domains[pair[0]] = pair[1]
        return meta

    def collect_meta(
        self, lines: list[str], numbers: Sequence[int]
    ) -> tuple[_Meta, list[str], Sequence[int]]:
        """Take metadata comment lines out of a block; (merged metadata, lines, numbers)."""
        meta = _Meta()
        for line in lines:
            if "<!--" in line:
                break
        else:
            return meta, lines, numbers  # no comment at all: most blocks
        keep: list[str] = []
        keep_numbers: list[int] = []
        for line, number in zip(lines, numbers, strict=True):
            fields = _parse_meta(line) if "<!--" in line else None
            if fields is None:
                keep.append(line)
                keep_numbers.append(number)
            else:
                meta = self.merge_meta(meta, self.meta_from(fields, number))
        return meta, keep, keep_numbers

    def merge_meta(self, a: _Meta, b: _Meta) -> _Meta:
        if not (b.id or b.tags or b.exam_domains or b.line):
            return a
        if not (a.id or a.tags or a.exam_domains or a.line):
            return b
        if a.id and b.id and a.id != b.id:
            self.error(b.line, f"card has two ids ('{a.id}' and '{b.id}')")
        return _Meta(
            id=a.id or b.id,
            tags=[*a.tags, *b.tags],
            exam_domains=a.exam_domains | b.exam_domains,
            line=a.line or b.line,
        )

    # -- notes ---------------------------------------------------------------------------

    def add_qa(
        self,
        line: int,
        question: tuple[str, Sequence[int]],
        answer: tuple[str, Sequence[int]],
        meta: _Meta,
    ) -> None:
        """A question/answer pair: basic, or cloze when either side has deletions."""
        if has_cloze(question[0]):
            self.add_cloze(line, question, answer[0], meta)
        elif has_cloze(answer[0]):
            # The deletions are in the answer: the whole card is the cloze text.
            numbers = [*question[1], question[1][-1], *answer[1]]
            self.add_cloze(line, (f"{question[0]}\n\n{answer[0]}", numbers), "", meta)
        else:
            self.add_basic(line, NoteKind.BASIC, question[0], answer[0], meta)

    def add_basic(self, line: int, kind: NoteKind, front: str, back: str, meta: _Meta) -> None:
        self.add_note(line, kind, front, back, (), meta)

    def add_cloze(
        self, line: int, text: tuple[str, Sequence[int]], extra: str, meta: _Meta
    ) -> None:
        """A cloze note: one card per group (the builder keys each by its deletion text)."""
        body, numbers = text
        cloze, problems = parse_cloze(body)
        for problem in problems:
            index = body.count("\n", 0, problem.offset)
            where = numbers[index] if index < len(numbers) else line
            self.error(where, problem.message)
        if problems or not cloze.deletions:
            return
        groups = len(cloze.numbers)
        if groups > MAX_CLOZE_GROUPS or groups * len(body) > MAX_CLOZE_TEXT:
            self.error(
                line,
                f"too many cloze deletions for one card ({groups} groups in"
                f" {len(body)} characters; at most {MAX_CLOZE_GROUPS} groups); split the card",
            )
            return
        self.add_note(line, NoteKind.CLOZE, body, extra, (), meta, cloze)

    def add_mcq(
        self,
        line: int,
        stem: str,
        options: list[tuple[int, bool, str, str]],
        explanation: str,
        meta: _Meta,
    ) -> None:
        ok = True
        if not stem:
            self.error(line, "empty question after 'Q:'")
            ok = False
        for opt_line, _, text, _ in options:
            if not text:
                self.error(opt_line, "empty multiple-choice option")
                ok = False
        if len(options) < 2:
            self.error(line, "multiple-choice question needs at least two options")
            ok = False
        if not any(correct for _, correct, _, _ in options):
            self.error(line, "multiple-choice question without a correct option")
            ok = False
        if not ok:
            return
        values = tuple(McqOption(text, correct, why) for _, correct, text, why in options)
        self.add_note(line, NoteKind.MCQ, stem, explanation, values, meta)

    def add_note(
        self,
        line: int,
        kind: NoteKind,
        front: str,
        back: str,
        options: tuple[McqOption, ...],
        meta: _Meta,
        cloze: Cloze | None = None,
    ) -> None:
        """A draft of the note, built (ids, sibling suffixes, stamp) by `srs.decks.builder`."""
        fm = self.front
        draft = NoteDraft(  # positional, in field order (built once per note)
            kind,
            front,
            back,
            fm.deck or self.default_deck,
            self.display,
            line,
            options,
            tuple(sorted({*fm.tags, *meta.tags})) if meta.tags else self.file_tags,
            self.context(),
            (
                tuple(sorted((dict(fm.exam_domains) | meta.exam_domains).items()))
                if meta.exam_domains
                else fm.exam_domains
            ),
            fm.source,
            meta.id,
            dict(fm.extra) if fm.extra else {},
            cloze,
        )
        note = build_note(draft)
        previous = self.seen_ids.get(note.id)
        if previous is not None:
            if meta.id:
                self.error(line, f"duplicate id '{note.id}' (also used at {previous.location})")
            else:
                self.warn(line, f"identical to the card at {previous.location}; kept once")
            return
        self.cards += len(note.cards)
        if self.cards > self.max_cards:
            if not self.too_many:
                self.too_many = True
                self.error(
                    line,
                    f"too many cards (more than {self.max_cards} in one file); split the file",
                )
            return
        self.seen_ids[note.id] = note
        self.notes.append(note)


def _marker_rest(line: str) -> str:
    """The text after a leading `A:`, `C:`, `Q:` or `Explanation:` marker."""
    return line.split(":", 1)[1].lstrip() if ":" in line else line


def _drop_labels(
    options: list[tuple[int, bool, str, str]],
) -> list[tuple[int, bool, str, str]]:
    """Strip `A.`/`B)` labels when every option carries them in order (A, B, C ...)."""
    if not options:
        return options
    stripped: list[tuple[int, bool, str, str]] = []
    for index, (line, correct, text, why) in enumerate(options):
        match = _LABEL_RE.match(text)
        if match is None or match.group(1).upper() != chr(ord("A") + index):
            return options
        stripped.append((line, correct, text[match.end() :], why))
    return stripped


_WIDE_BOMS = (
    (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe", "UTF-16"),
    (b"\xfe\xff", "UTF-16"),
)


def _decode(data: bytes, display: str, max_bytes: int) -> str:
    """Bytes -> text, or DeckError for too large, binary or non-UTF-8 content."""
    if len(data) > max_bytes:
        raise DeckError(
            [DeckProblem(display, 1, f"file is too large (over {max_bytes} bytes); split it")]
        )
    for bom, encoding in _WIDE_BOMS:  # UTF-32 first: its LE mark starts like UTF-16's
        if data.startswith(bom):
            raise DeckError([DeckProblem(display, 1, f"{encoding} text; save the file as UTF-8")])
    nul = data.find(b"\x00")
    if nul != -1:
        line = data.count(b"\n", 0, nul) + 1
        raise DeckError(
            [DeckProblem(display, line, "binary file (NUL byte): a deck must be Markdown text")]
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        bad = data[e.start : e.start + 1].hex()
        raise DeckError(
            [DeckProblem(display, line, f"not UTF-8 text (byte 0x{bad}); save the file as UTF-8")]
        ) from None
    return text.removeprefix("\ufeff")


def parse_file(
    deck_file: DeckFile, *, max_bytes: int = MAX_BYTES, max_cards: int = MAX_CARDS
) -> ParsedDeck:
    """Read and parse one deck file; DeckError lists every problem found in it."""
    try:
        with open(deck_file.path, "rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as e:
        reason = e.strerror or str(e)
        raise DeckError([DeckProblem(deck_file.display, 0, f"cannot read: {reason}")]) from None
    text = _decode(data, deck_file.display, max_bytes)
    return parse_text(
        text, display=deck_file.display, default_deck=deck_file.default_deck, max_cards=max_cards
    )


def parse_text(
    text: str, *, display: str, default_deck: str, max_cards: int = MAX_CARDS
) -> ParsedDeck:
    """Parse deck text; DeckError lists every problem (errors only; warnings are returned)."""
    nul = text.find("\x00")
    if nul != -1:
        line = text.count("\n", 0, nul) + 1
        raise DeckError(
            [DeckProblem(display, line, "binary file (NUL byte): a deck must be Markdown text")]
        )
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    parser = _Parser(text, display, default_deck, max_cards)
    try:
        parser.run()
    except RecursionError:  # pragma: no cover - the walk is iterative; YAML is guarded
        parser.error(1, "deck is too deeply nested to read")
    if parser.problems:
        raise DeckError(sorted(parser.problems, key=lambda p: p.line))
    return ParsedDeck(
        display, tuple(parser.notes), tuple(parser.warnings), draft=parser.front.draft
    )
