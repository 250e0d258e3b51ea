"""Exam blueprints: what an exam asks (questions, time, pass mark, domains and their weights).

Blueprints are data, not code: a YAML file per exam in an `exams/` folder beside the decks
that serve it (`decks/aws-ml/exams/mla-c01.yaml`). `srs import` stores them in the collection,
so a user adds an exam by adding a file, and a deck maps its cards to that exam's domains
with `exam_domains` in its front matter. Reading one is strict: a mock exam built on a wrong
weight or pass mark would mislead the person preparing for the real one.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import asdict
from datetime import date, datetime
from pathlib import Path
from typing import Any

from srs.errors import DeckError, DeckProblem
from srs.exam.lifecycle import PHASES, Phase, legacy_lifecycle, pick_current
from srs.model import ParsedDeck, value_class

__all__ = [
    "Blueprint",
    "Domain",
    "blueprint_from_json",
    "blueprint_to_json",
    "domain_warnings",
    "find_blueprint_files",
    "load_blueprint",
    "pick_current",
]

EXAMS_FOLDER = "exams"
SUFFIXES = (".yaml", ".yml")
MAX_BYTES = 65_536
_CODE_RE = re.compile(r"[A-Z0-9][A-Z0-9._-]{0,39}")
_LANGUAGE_RE = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*")
STATUSES = ("current", "retired", "beta")  # the old single `status` (still read)
PHASE_KEYS = ("status", "from", "languages", "confirmed", "note")
# What `unconfirmed:` may name: the figures a blueprint takes from its exam guide.
UNCONFIRMABLE = (
    "name",
    "questions",
    "duration_minutes",
    "passing_score",
    "score_range",
    "question_types",
    "domains",
    "weights",
    "tasks",
)


@value_class
class Domain:
    """One content domain of an exam and its share of the scored questions (percent)."""

    id: str
    name: str
    weight: float
    tasks: tuple[tuple[str, str], ...] = ()  # task statements: (id, name), as the guide lists them


@value_class
class Blueprint:
    """One exam as its published guide describes it, with its dated lifecycle.

    Its status on a day is `srs.exam.lifecycle.exam_status(blueprint, day)`: the blueprint
    holds the dated history, never a status frozen on the day the file was written.
    """

    code: str
    name: str
    questions: int
    duration_minutes: int
    domains: tuple[Domain, ...]
    passing_score: float | None = None  # on the exam's own (often scaled) scale
    score_range: tuple[float, float] | None = None  # (lowest, highest) scaled score
    lifecycle: tuple[Phase, ...] = (Phase("current"),)  # in date order
    successor: str | None = None  # the exam code that replaces this one
    predecessor: str | None = None
    unconfirmed: tuple[str, ...] = ()  # figures not confirmed on an official page
    question_types: tuple[str, ...] = ()
    path: str = ""

    @property
    def pass_percent(self) -> float | None:
        """The pass mark as a percentage of questions right.

        AWS reports a scaled score (e.g. 720 on 100-1000) that is not a share of questions;
        srs reads the mark as that share of the scale's top (72 %) and says so in the report.
        """
        if self.passing_score is None:
            return None
        if self.score_range is None:
            return float(self.passing_score)
        return 100.0 * self.passing_score / self.score_range[1]

    @property
    def scaled(self) -> bool:
        """Whether the real exam reports a scaled score rather than a percentage."""
        return self.score_range is not None and self.score_range[1] != 100

    def domain(self, domain_id: str) -> Domain | None:
        """The domain with this id, if the exam has it."""
        return next((d for d in self.domains if d.id == domain_id), None)


def blueprint_to_json(blueprint: Blueprint) -> str:
    """The stored form (the collection's `blueprints.data`)."""
    data = asdict(blueprint)
    data["lifecycle"] = [phase.to_dict() for phase in blueprint.lifecycle]
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


def blueprint_from_json(text: str) -> Blueprint:
    """The inverse of `blueprint_to_json`.

    Documents stored before blueprints had a lifecycle hold `status` and `retired_on`
    instead; they read as `legacy_lifecycle` says, so an old collection needs no re-import.
    """
    data = json.loads(text)
    if "lifecycle" in data:
        lifecycle = tuple(Phase.from_dict(p) for p in data["lifecycle"])
    else:
        retired_on = data.get("retired_on")
        lifecycle = legacy_lifecycle(
            data.get("status") or "current",
            date.fromisoformat(retired_on) if retired_on else None,
        )
    return Blueprint(
        code=data["code"],
        name=data["name"],
        questions=data["questions"],
        duration_minutes=data["duration_minutes"],
        domains=tuple(
            Domain(
                d["id"],
                d["name"],
                d["weight"],
                tuple((str(t[0]), str(t[1])) for t in d.get("tasks") or ()),
            )
            for d in data["domains"]
        ),
        passing_score=data["passing_score"],
        score_range=(data["score_range"][0], data["score_range"][1])
        if data["score_range"]
        else None,
        lifecycle=lifecycle,
        successor=data.get("successor"),
        predecessor=data.get("predecessor"),
        unconfirmed=tuple(data.get("unconfirmed") or ()),
        question_types=tuple(data["question_types"]),
        path=data["path"],
    )


def find_blueprint_files(paths: Sequence[Path]) -> Iterator[tuple[Path, str]]:
    """(file, display path) of every blueprint under the given paths, in sorted order.

    A YAML file named on the command line is a blueprint; inside a folder, only YAML files
    directly in a folder called `exams` are. Links are not followed, as for deck files.
    """
    for given in paths:
        if given.is_file() and given.suffix.lower() in SUFFIXES:
            yield given, given.as_posix()
        elif given.is_dir():
            for root, dirs, files in os.walk(given, followlinks=False):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                if Path(root).name != EXAMS_FOLDER:
                    continue
                for name in sorted(files):
                    path = Path(root, name)
                    if path.suffix.lower() in SUFFIXES and not path.is_symlink():
                        yield path, path.as_posix()


def load_blueprint(path: Path, display: str) -> Blueprint:
    """Read and check one blueprint file; DeckError naming `display:line` otherwise."""
    import yaml

    def problem(line: int, message: str) -> DeckError:
        return DeckError([DeckProblem(display, line, message)])

    try:
        raw = path.read_bytes()
    except OSError as e:
        raise problem(0, f"cannot read blueprint: {e.strerror}") from None
    if len(raw) > MAX_BYTES:
        raise problem(0, f"blueprint is larger than {MAX_BYTES // 1024} KiB")
    try:
        text = raw.decode("utf-8-sig")
        data = yaml.safe_load(text)
    except UnicodeDecodeError:
        raise problem(0, "blueprint is not UTF-8 text") from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        reason = getattr(e, "problem", None) or str(e).splitlines()[0]
        raise problem(mark.line + 1 if mark else 0, f"bad YAML: {reason}") from None
    if not isinstance(data, dict):
        raise problem(1, "a blueprint is YAML keys and values (code, name, domains ...)")
    lines = text.splitlines()

    def line_of(key: str) -> int:
        pattern = re.compile(rf"^\s*-?\s*{re.escape(key)}\s*:")
        return next((i + 1 for i, line in enumerate(lines) if pattern.match(line)), 1)

    def need(key: str, kind: type | tuple[type, ...], what: str) -> Any:
        value = data.get(key)
        if value is None:
            raise problem(1, f"blueprint needs '{key}' ({what})")
        if not isinstance(value, kind) or isinstance(value, bool):
            raise problem(line_of(key), f"'{key}' must be {what}")
        return value

    code = str(need("code", (str,), "an exam code such as MLA-C01")).strip().upper()
    if not _CODE_RE.fullmatch(code):
        raise problem(
            line_of("code"), f"'code' must be letters, digits, '.', '_' or '-' (got {code!r})"
        )
    name = str(need("name", (str,), "the exam's name")).strip()
    if "lifecycle" in data:
        for old in ("status", "retired_on"):
            if old in data:
                raise problem(
                    _top_line(text, old),
                    f"'{old}' and 'lifecycle' cannot both be given; keep 'lifecycle'",
                )
        lifecycle = _read_lifecycle(data["lifecycle"], text, display)
    else:  # the form before lifecycles: one status, and the last day of a retired exam
        status = str(data.get("status") or "current").strip().lower()
        if status not in STATUSES:
            raise problem(line_of("status"), f"'status' must be one of {', '.join(STATUSES)}")
        retired_on = data.get("retired_on")
        if retired_on is not None and not _is_day(retired_on):
            raise problem(line_of("retired_on"), "'retired_on' must be a date like 2026-03-31")
        if status == "retired" and retired_on is None:
            raise problem(line_of("status"), "a retired exam needs 'retired_on' (its last day)")
        lifecycle = legacy_lifecycle(status, retired_on)
    links: dict[str, str | None] = {}
    for key in ("successor", "predecessor"):
        value = data.get(key)
        if value is not None:
            value = str(value).strip().upper() if isinstance(value, str) else None
            if value is None or not _CODE_RE.fullmatch(value) or value == code:
                raise problem(
                    _top_line(text, key), f"'{key}' must be another exam's code, e.g. MLA-C02"
                )
        links[key] = value
    unconfirmed = data.get("unconfirmed") or []
    if not isinstance(unconfirmed, list) or any(u not in UNCONFIRMABLE for u in unconfirmed):
        raise problem(
            _top_line(text, "unconfirmed"),
            f"'unconfirmed' must be a list of: {', '.join(UNCONFIRMABLE)}",
        )
    questions = need("questions", int, "a whole number of questions")
    minutes = need("duration_minutes", int, "the exam's length in whole minutes")
    if not 0 < questions <= 1000 or not 0 < minutes <= 1440:
        key = "questions" if not 0 < questions <= 1000 else "duration_minutes"
        raise problem(line_of(key), f"'{key}' must be more than 0")
    score_range = data.get("score_range")
    if score_range is not None:
        if not (
            isinstance(score_range, list)
            and len(score_range) == 2
            and all(isinstance(v, int | float) and not isinstance(v, bool) for v in score_range)
            and score_range[0] < score_range[1]
        ):
            raise problem(line_of("score_range"), "'score_range' must be [lowest, highest]")
        score_range = (float(score_range[0]), float(score_range[1]))
    passing = data.get("passing_score")
    if passing is not None:
        if not isinstance(passing, int | float) or isinstance(passing, bool):
            raise problem(line_of("passing_score"), "'passing_score' must be a number")
        low, high = score_range or (0.0, 100.0)
        if not low <= passing <= high:
            raise problem(
                line_of("passing_score"), f"'passing_score' must lie within {low:g}..{high:g}"
            )
    raw_domains = need("domains", list, "a list of {id, name, weight}")
    domains: list[Domain] = []
    for item in raw_domains:
        if not isinstance(item, dict) or not {"id", "name", "weight"} <= item.keys():
            raise problem(line_of("domains"), "each domain needs an id, a name and a weight")
        weight = item["weight"]
        if not isinstance(weight, int | float) or isinstance(weight, bool) or weight <= 0:
            raise problem(line_of("domains"), f"domain {item['id']}: weight must be above 0")
        tasks = _tasks(item.get("tasks"), str(item["id"]), line_of("tasks"), problem)
        domains.append(
            Domain(str(item["id"]).strip(), str(item["name"]).strip(), float(weight), tasks)
        )
    ids = [d.id for d in domains]
    if len(set(ids)) != len(ids) or not domains:
        raise problem(line_of("domains"), "domain ids must be unique (and there must be one)")
    total = sum(d.weight for d in domains)
    if abs(total - 100) > 0.5:
        raise problem(line_of("domains"), f"domain weights add up to {total:g}, not 100")
    types = data.get("question_types") or []
    return Blueprint(
        code=code,
        name=name,
        questions=questions,
        duration_minutes=minutes,
        domains=tuple(domains),
        passing_score=float(passing) if passing is not None else None,
        score_range=score_range,
        lifecycle=lifecycle,
        successor=links["successor"],
        predecessor=links["predecessor"],
        unconfirmed=tuple(unconfirmed),
        question_types=tuple(str(t) for t in types) if isinstance(types, list) else (),
        path=display,
    )


def _is_day(value: object) -> bool:
    """A YAML date (2026-09-29), not a timestamp: lifecycles are in whole days."""
    return isinstance(value, date) and not isinstance(value, datetime)


def _read_lifecycle(raw: object, text: str, display: str) -> tuple[Phase, ...]:
    """`lifecycle:` checked entry by entry; DeckError at the line of the bad entry or key.

    Entries are in date order; only the first may leave out `from` (since before any date
    the blueprint knows), and two entries for the same language never share a day.
    """
    lines = _entry_lines(text)

    def problem(index: int, key: str, message: str) -> DeckError:
        where = lines[index] if index < len(lines) else {}
        line = where.get(key) or where.get("") or _top_line(text, "lifecycle")
        return DeckError([DeckProblem(display, line, f"lifecycle entry {index + 1}: {message}")])

    if not isinstance(raw, list) or not raw:
        line = _top_line(text, "lifecycle")
        raise DeckError([DeckProblem(display, line, "'lifecycle' must be a list of entries")])
    phases: list[Phase] = []
    for index, entry in enumerate(raw):
        if not isinstance(entry, dict):
            raise problem(index, "", "must be {status, from, languages, confirmed, note}")
        unknown = [k for k in entry if k not in PHASE_KEYS]
        if unknown:
            known = ", ".join(PHASE_KEYS)
            raise problem(index, str(unknown[0]), f"unknown key '{unknown[0]}' (known: {known})")
        status = entry.get("status")
        if status == "retiring":
            raise problem(
                index,
                "status",
                "'retiring' is not written: srs computes it from the later 'retired' entry",
            )
        if status not in PHASES:
            raise problem(index, "status", f"'status' must be one of {', '.join(PHASES)}")
        start = entry.get("from")
        if start is None and (index > 0 or status == "retired"):
            raise problem(index, "", "needs 'from' (the first day of this status)")
        if start is not None and not _is_day(start):
            raise problem(index, "from", "'from' must be a date like 2026-09-29")
        languages = entry.get("languages", [])
        if not isinstance(languages, list) or ("languages" in entry and not languages):
            raise problem(index, "languages", "'languages' must be a list such as [en, ko]")
        for language in languages:
            if not isinstance(language, str) or not _LANGUAGE_RE.fullmatch(language):
                raise problem(
                    index, "languages", f"'{language}' is not a language tag such as en or zh-CN"
                )
        confirmed = entry.get("confirmed", True)
        if not isinstance(confirmed, bool):
            raise problem(index, "confirmed", "'confirmed' must be true or false")
        note = entry.get("note", "")
        if not isinstance(note, str):
            raise problem(index, "note", "'note' must be text")
        phase = Phase(status, start, tuple(languages), confirmed, note.strip())
        for earlier in phases:
            if earlier.start is None or phase.start is None:
                continue
            if phase.start < earlier.start:
                raise problem(index, "from", "entries must be in date order")
            overlap = not phase.languages or not earlier.languages
            overlap = overlap or bool(set(phase.languages) & set(earlier.languages))
            if phase.start == earlier.start and overlap:
                raise problem(
                    index, "from", f"another entry for the same languages starts on {phase.start}"
                )
        phases.append(phase)
    return tuple(phases)


def _top_line(text: str, key: str) -> int:
    """The line of a top-level key (1 if absent); keys of the same name inside lifecycle
    entries (`status`) are indented and do not count."""
    pattern = re.compile(rf"^{re.escape(key)}\s*:")
    return next((i + 1 for i, line in enumerate(text.splitlines()) if pattern.match(line)), 1)


def _entry_lines(text: str) -> list[dict[str, int]]:
    """Per lifecycle entry: its first line ("") and the line of each of its keys.

    From the YAML node tree, which keeps marks the loaded values lose.
    """
    import yaml

    root = yaml.compose(text)
    if not isinstance(root, yaml.MappingNode):
        return []
    for key, value in root.value:
        if key.value == "lifecycle" and isinstance(value, yaml.SequenceNode):
            found = []
            for item in value.value:
                lines = {"": item.start_mark.line + 1}
                if isinstance(item, yaml.MappingNode):
                    lines |= {str(k.value): k.start_mark.line + 1 for k, _ in item.value}
                found.append(lines)
            return found
    return []


def _tasks(raw: object, domain: str, line: int, problem: Any) -> tuple[tuple[str, str], ...]:
    """A domain's task statements, `[{id: "1.1", name: "Ingest and store data"}, ...]`."""
    if raw is None:
        return ()
    if not isinstance(raw, list) or not all(
        isinstance(t, dict) and {"id", "name"} <= t.keys() for t in raw
    ):
        raise problem(line, f"domain {domain}: 'tasks' must be a list of {{id, name}}")
    return tuple((str(t["id"]).strip(), str(t["name"]).strip()) for t in raw)


def domain_warnings(decks: Sequence[ParsedDeck], blueprints: Sequence[Blueprint]) -> list[str]:
    """`path:line:` warnings for cards mapped to a domain their exam's blueprint lacks.

    Exams without a known blueprint are not checked: a deck may serve an exam whose blueprint
    the user keeps elsewhere (or has not written yet).
    """
    known = {b.code: b for b in blueprints}
    warnings: list[str] = []
    for deck in decks:
        reported: set[tuple[str, str]] = set()
        for note in deck.notes:
            for code, domain_id in note.exam_domains:
                blueprint = known.get(code)
                if blueprint is None or blueprint.domain(domain_id) is not None:
                    continue
                if (code, domain_id) not in reported:  # once per file, not once per card
                    reported.add((code, domain_id))
                    ids = ", ".join(d.id for d in blueprint.domains)
                    warnings.append(
                        f"{note.location}: exam {code} has no domain '{domain_id}'"
                        f" (its domains: {ids})"
                    )
    return warnings
