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
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import Any

from srs.errors import DeckError, DeckProblem
from srs.model import ParsedDeck

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
STATUSES = ("current", "retired", "beta")


@dataclass(frozen=True, slots=True)
class Domain:
    """One content domain of an exam and its share of the scored questions (percent)."""

    id: str
    name: str
    weight: float
    tasks: tuple[tuple[str, str], ...] = ()  # task statements: (id, name), as the guide lists them


@dataclass(frozen=True, slots=True)
class Blueprint:
    """One exam as its published guide describes it."""

    code: str
    name: str
    status: str  # "current" | "retired" | "beta"
    questions: int
    duration_minutes: int
    domains: tuple[Domain, ...]
    passing_score: float | None = None  # on the exam's own (often scaled) scale
    score_range: tuple[float, float] | None = None  # (lowest, highest) scaled score
    retired_on: date | None = None
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
    data["retired_on"] = blueprint.retired_on.isoformat() if blueprint.retired_on else None
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


def blueprint_from_json(text: str) -> Blueprint:
    """The inverse of `blueprint_to_json`."""
    data = json.loads(text)
    return Blueprint(
        code=data["code"],
        name=data["name"],
        status=data["status"],
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
        retired_on=date.fromisoformat(data["retired_on"]) if data["retired_on"] else None,
        question_types=tuple(data["question_types"]),
        path=data["path"],
    )


def pick_current(blueprints: Sequence[Blueprint]) -> Blueprint | None:
    """The default target exam: a current one (the first by code), else the newest retired."""
    current = sorted((b for b in blueprints if b.status == "current"), key=lambda b: b.code)
    if current:
        return current[0]
    retired = sorted(blueprints, key=lambda b: (b.retired_on or date.min, b.code))
    return retired[-1] if retired else None


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
    status = str(data.get("status") or "current").strip().lower()
    if status not in STATUSES:
        raise problem(line_of("status"), f"'status' must be one of {', '.join(STATUSES)}")
    retired_on = data.get("retired_on")
    if retired_on is not None and not isinstance(retired_on, date):
        raise problem(line_of("retired_on"), "'retired_on' must be a date like 2026-03-31")
    if status == "retired" and retired_on is None:
        raise problem(line_of("status"), "a retired exam needs 'retired_on' (its last day)")
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
        status=status,
        questions=questions,
        duration_minutes=minutes,
        domains=tuple(domains),
        passing_score=float(passing) if passing is not None else None,
        score_range=score_range,
        retired_on=retired_on,
        question_types=tuple(str(t) for t in types) if isinstance(types, list) else (),
        path=display,
    )


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
