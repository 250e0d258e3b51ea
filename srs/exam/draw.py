"""Mock exams as pure logic: draw questions by a blueprint's domain weights, score them.

No database, no clock, no terminal here: `srs.exam.report` turns a scored attempt into its
report, `srs.exam.attempts` keeps attempts in the collection and `srs.cli.exam_screen` shows them.
Everything random comes from one `random.Random(seed)`, so a seed repeats a draw exactly (the
same cards, in the same order, with the same option order).

Drawing: the questions are the multiple-choice cards (not orphaned, not suspended) that map
to a domain of the exam's blueprint. Each domain gets its share of the questions by largest
remainder; a domain with too few cards gives all it has and the others make up the difference
in proportion to their weights (a `Shortfall` records it so the report can say so).

Scoring is all-or-nothing per question, as in the real exam: a "select two" question counts
only when exactly its correct options are chosen. Unanswered questions are wrong.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from srs.errors import SrsError
from srs.model import OPTION_LETTERS, CardKind, value_class

if TYPE_CHECKING:
    from srs.exam.blueprints import Blueprint
    from srs.views import CardView

__all__ = [
    "Draw",
    "Question",
    "Shortfall",
    "allocate",
    "draw",
    "eligible",
    "is_correct",
    "iso_instant",
    "largest_remainder",
    "parse_answers",
    "scaled_note",
]


@value_class
class Question:
    """One question of an attempt: its card, its domain and its options in the order shown."""

    position: int  # 0-based place in the exam
    card: CardView
    domain: str
    order: tuple[int, ...]  # authored option indexes, as lettered a, b, c ... on screen

    @property
    def correct(self) -> frozenset[int]:
        """Authored indexes of the correct options."""
        return frozenset(i for i, option in enumerate(self.card.options) if option.correct)

    @property
    def select(self) -> int:
        """How many options the question asks for (1, or 2 for "select two")."""
        return len(self.correct)

    def letter(self, index: int) -> str:
        """The letter shown for an authored option index."""
        return OPTION_LETTERS[self.order.index(index)]

    def letters(self, indexes: Iterable[int]) -> list[str]:
        """Shown letters of authored indexes, in letter order."""
        return sorted(self.letter(i) for i in indexes)

    def indexes(self, letters: str) -> frozenset[int]:
        """Authored indexes of typed letters (`b`, `BD`, `a c`); SrsError names a bad one."""
        valid = OPTION_LETTERS[: len(self.order)]
        chosen: set[int] = set()
        for ch in letters.lower():
            if ch in " ;":
                continue
            if ch not in valid:
                raise SrsError(
                    f"question {self.position + 1}: {ch!r} is not an option (a-{valid[-1]})"
                )
            chosen.add(self.order[valid.index(ch)])
        return frozenset(chosen)


@value_class
class Shortfall:
    """A domain with fewer questions available than its weight asks for."""

    domain: str
    name: str
    wanted: int
    available: int


@value_class
class Draw:
    """The questions of a new attempt and how they were drawn."""

    questions: tuple[Question, ...]
    counts: dict[str, int]  # questions per domain id
    shortfalls: tuple[Shortfall, ...]
    seed: int


def eligible(cards: Iterable[CardView], blueprint: Blueprint) -> dict[str, list[CardView]]:
    """Multiple-choice cards per domain id of the exam (studyable ones only), sorted by id."""
    pools: dict[str, list[CardView]] = {d.id: [] for d in blueprint.domains}
    for card in cards:
        if card.kind is not CardKind.MCQ or card.orphaned or card.suspended:
            continue
        domain = card.domain_for(blueprint.code)
        if domain in pools and len(card.options) >= 2:
            pools[domain].append(card)
    for pool in pools.values():
        pool.sort(key=lambda c: c.id)  # the database order must not change a seeded draw
    return pools


def largest_remainder(weights: Mapping[str, float], total: int) -> dict[str, int]:
    """Split `total` in proportion to `weights` (Hamilton's method; ties go to the first key)."""
    whole = sum(weights.values())
    if total <= 0 or whole <= 0:
        return dict.fromkeys(weights, 0)
    quotas = {key: total * weight / whole for key, weight in weights.items()}
    counts = {key: math.floor(quota) for key, quota in quotas.items()}
    keys = list(weights)
    by_remainder = sorted(keys, key=lambda k: (-(quotas[k] - counts[k]), keys.index(k)))
    for key in by_remainder[: total - sum(counts.values())]:
        counts[key] += 1
    return counts


def allocate(
    weights: Mapping[str, float], available: Mapping[str, int], total: int
) -> dict[str, int]:
    """Questions per domain: by weight, capped at what each domain has.

    A domain that cannot fill its share gives all it has; the rest is split among the others
    by their weights, again and again until every share fits. The total is `total` when
    enough questions exist, else everything available.
    """
    counts = dict.fromkeys(weights, 0)
    open_weights = {k: w for k, w in weights.items() if available.get(k, 0) > 0}
    left = total
    while open_weights and left > 0:
        share = largest_remainder(open_weights, left)
        short = [k for k in open_weights if share[k] > available.get(k, 0)]
        if not short:
            counts.update(share)
            break
        for key in short:
            counts[key] = available[key]
            left -= available[key]
            del open_weights[key]
    return counts


def draw(cards: Iterable[CardView], blueprint: Blueprint, count: int | None, seed: int) -> Draw:
    """Draw a mock exam of `count` questions (default: the blueprint's) with `seed`.

    SrsError when the exam has no multiple-choice cards, or when an explicit `count` exceeds
    what is available; with the default count, a smaller collection gives what it has.
    """
    pools = eligible(cards, blueprint)
    available = {k: len(v) for k, v in pools.items()}
    total = sum(available.values())
    if total == 0:
        raise SrsError(
            f"no multiple-choice cards serve exam {blueprint.code}; map a deck's cards to its"
            f" domains with `exam_domains: {{{blueprint.code}: <domain>}}` (see docs/exam.md)"
        )
    if count is not None and count > total:
        raise SrsError(
            f"--questions {count} is more than the {total} multiple-choice cards that serve"
            f" exam {blueprint.code}; ask for {total} or fewer"
        )
    wanted_total = min(count if count is not None else blueprint.questions, total)
    weights = {d.id: d.weight for d in blueprint.domains}
    counts = allocate(weights, available, wanted_total)
    wanted = largest_remainder(weights, wanted_total)
    shortfalls = tuple(
        Shortfall(d.id, d.name, wanted[d.id], available[d.id])
        for d in blueprint.domains
        if available[d.id] < wanted[d.id]
    )
    rng = random.Random(seed)
    picked: list[tuple[CardView, str]] = []
    for domain in blueprint.domains:
        picked += [(card, domain.id) for card in rng.sample(pools[domain.id], counts[domain.id])]
    rng.shuffle(picked)  # domains mixed, as in the real exam
    questions = []
    for position, (card, domain_id) in enumerate(picked):
        order = list(range(len(card.options)))
        rng.shuffle(order)
        questions.append(Question(position, card, domain_id, tuple(order)))
    return Draw(tuple(questions), counts, shortfalls, seed)


def is_correct(question: Question, chosen: frozenset[int] | None) -> bool:
    """All correct options chosen and nothing else; unanswered is wrong."""
    return chosen is not None and chosen == question.correct


def parse_answers(text: str, questions: Sequence[Question]) -> dict[int, frozenset[int] | None]:
    """`--answers A,C,BD,-,,...`: chosen authored indexes per position ("-" or "" = none)."""
    items = text.split(",") if text else []
    if len(items) > len(questions):
        raise SrsError(
            f"--answers has {len(items)} answers but the exam has {len(questions)} questions"
        )
    answers: dict[int, frozenset[int] | None] = {}
    for question, item in zip(questions, items, strict=False):
        item = item.strip()
        answers[question.position] = None if item in ("", "-") else question.indexes(item)
    return answers


def scaled_note(blueprint: Blueprint) -> str | None:
    """What a percentage pass mark means when the real exam reports a scaled score."""
    if not blueprint.scaled or blueprint.passing_score is None or blueprint.score_range is None:
        return None
    percent = blueprint.pass_percent or 0.0
    who = "AWS reports" if "AWS" in blueprint.name else "The real exam reports"
    return (
        f"{who} a scaled score (pass {blueprint.passing_score:g} of"
        f" {blueprint.score_range[1]:g}); srs counts {percent:g} % of questions right as a pass."
    )


def iso_instant(instant: datetime | None) -> str | None:
    """An attempt's instant in its reports: ISO 8601 with `Z`, as stored (to the microsecond)."""
    return instant.isoformat().replace("+00:00", "Z") if instant else None
