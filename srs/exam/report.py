"""The report of a scored mock exam as typed values, and its JSON object.

`score` builds an `ExamReport` from an attempt's questions and answers (pure: no database, no
clock). `ExamReport.to_dict()` is the object `srs exam --json` prints and the collection stores
(`exam_attempts.result`); `ExamReport.from_dict` reads a stored one back, so nothing outside this
module reads a report by key.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from srs.exam.draw import Question, Shortfall, is_correct, iso_instant, scaled_note
from srs.model import OPTION_LETTERS, value_class

if TYPE_CHECKING:
    from srs.exam.blueprints import Blueprint

__all__ = [
    "DomainScore",
    "ExamReport",
    "MissedQuestion",
    "ShownOption",
    "build_report",
    "scaled_limit_s",
    "score",
    "shortfall_from_dict",
    "shortfall_to_dict",
]


def scaled_limit_s(full_s: int, questions: int, exam_questions: int) -> int:
    """The full exam's time for `questions` of its `exam_questions`: same pace per question.

    A 5-question mock of a 65-question, 130-minute exam gets 10 minutes, not 130, so the clock
    trains the pace the real exam asks for.
    """
    if exam_questions <= 0 or questions >= exam_questions:
        return full_s
    return max(1, math.ceil(full_s * questions / exam_questions))


def shortfall_to_dict(shortfall: Shortfall) -> dict[str, Any]:
    """A shortfall as stored with an attempt and reported."""
    return {
        "domain": shortfall.domain,
        "name": shortfall.name,
        "wanted": shortfall.wanted,
        "available": shortfall.available,
    }


def shortfall_from_dict(data: Mapping[str, Any]) -> Shortfall:
    return Shortfall(data["domain"], data["name"], data["wanted"], data["available"])


@value_class
class DomainScore:
    """Questions asked and answered right in one domain of the exam."""

    domain: str
    name: str
    weight: float
    questions: int
    correct: int
    percent: float

    @property
    def share(self) -> float | None:
        """Share answered right (None when the domain had no question)."""
        return self.correct / self.questions if self.questions else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "domain": self.domain,
            "name": self.name,
            "weight": self.weight,
            "questions": self.questions,
            "correct": self.correct,
            "percent": self.percent,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> DomainScore:
        return cls(
            domain=data["domain"],
            name=data["name"],
            weight=data.get("weight", 0.0),
            questions=data.get("questions", 0),
            correct=data["correct"],
            percent=data.get("percent", 0.0),
        )


@value_class
class ShownOption:
    """An option of a missed question as it was shown, with what was chosen."""

    letter: str
    text: str
    correct: bool
    chosen: bool
    rationale: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "letter": self.letter,
            "text": self.text,
            "correct": self.correct,
            "chosen": self.chosen,
            "rationale": self.rationale,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ShownOption:
        return cls(data["letter"], data["text"], data["correct"], data["chosen"], data["rationale"])


@value_class
class MissedQuestion:
    """A question answered wrongly or not at all."""

    position: int  # 1-based, as shown
    card_id: str
    domain: str
    source: str
    question: str
    chosen: tuple[str, ...] | None  # letters chosen, None when unanswered
    answer: tuple[str, ...]  # the right letters
    options: tuple[ShownOption, ...]
    explanation: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "position": self.position,
            "card_id": self.card_id,
            "domain": self.domain,
            "source": self.source,
            "question": self.question,
            "chosen": list(self.chosen) if self.chosen is not None else None,
            "answer": list(self.answer),
            "options": [option.to_dict() for option in self.options],
            "explanation": self.explanation,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> MissedQuestion:
        return cls(
            position=data["position"],
            card_id=data["card_id"],
            domain=data["domain"],
            source=data["source"],
            question=data["question"],
            chosen=tuple(data["chosen"]) if data["chosen"] is not None else None,
            answer=tuple(data["answer"]),
            options=tuple(ShownOption.from_dict(o) for o in data["options"]),
            explanation=data["explanation"],
        )


@value_class
class ExamReport:
    """The report of a scored attempt (the `--json` output and the stored result)."""

    attempt: int | None
    exam: str
    exam_name: str
    deck: str | None
    seed: int
    practice: bool
    status: str
    started_at: datetime
    finished_at: datetime | None
    questions: int
    requested: int
    exam_questions: int
    answered: int
    unanswered: int
    flagged: tuple[int, ...]  # 1-based positions
    correct: int
    score: float
    percent: float
    pass_percent: float | None
    passed: bool | None
    scaled: bool
    passing_score: float | None
    score_range: tuple[float, float] | None
    scaled_note: str | None
    time_limit_s: int
    time_used_s: int
    domains: tuple[DomainScore, ...]
    shortfalls: tuple[Shortfall, ...]
    missed: tuple[MissedQuestion, ...]
    graded_cards: tuple[str, ...] | None = None  # set once finished (`--grade-cards`)
    exam_time_limit_s: int | None = None  # the full exam's (None in reports stored before)

    @property
    def time_scaled(self) -> bool:
        """The limit is the full exam's scaled to fewer questions (not `--minutes`)."""
        full = self.exam_time_limit_s
        return (
            bool(full and self.time_limit_s)
            and self.questions < self.exam_questions
            and self.time_limit_s == scaled_limit_s(full or 0, self.questions, self.exam_questions)
        )

    def with_graded(self, card_ids: Iterable[str]) -> ExamReport:
        """The report with the cards answered Again for it."""
        return replace(self, graded_cards=tuple(card_ids))

    def to_dict(self) -> dict[str, Any]:
        """The JSON object; `domains` keeps the shape `srs stats` reads."""
        data: dict[str, Any] = {
            "attempt": self.attempt,
            "exam": self.exam,
            "exam_name": self.exam_name,
            "deck": self.deck,
            "seed": self.seed,
            "practice": self.practice,
            "status": self.status,
            "started_at": iso_instant(self.started_at),
            "finished_at": iso_instant(self.finished_at),
            "questions": self.questions,
            "requested": self.requested,
            "exam_questions": self.exam_questions,
            "answered": self.answered,
            "unanswered": self.unanswered,
            "flagged": list(self.flagged),
            "correct": self.correct,
            "score": self.score,
            "percent": self.percent,
            "pass_percent": self.pass_percent,
            "passed": self.passed,
            "scaled": self.scaled,
            "passing_score": self.passing_score,
            "score_range": list(self.score_range) if self.score_range else None,
            "scaled_note": self.scaled_note,
            "time_limit_s": self.time_limit_s,
            "time_used_s": self.time_used_s,
            "exam_time_limit_s": self.exam_time_limit_s,
            "domains": [d.to_dict() for d in self.domains],
            "shortfalls": [shortfall_to_dict(s) for s in self.shortfalls],
            "missed": [m.to_dict() for m in self.missed],
        }
        if self.graded_cards is not None:
            data["graded_cards"] = list(self.graded_cards)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ExamReport:
        """A stored report read back (the inverse of `to_dict`)."""
        score_range = data["score_range"]
        graded = data.get("graded_cards")
        return cls(
            attempt=data["attempt"],
            exam=data["exam"],
            exam_name=data["exam_name"],
            deck=data["deck"],
            seed=data["seed"],
            practice=data["practice"],
            status=data["status"],
            started_at=datetime.fromisoformat(data["started_at"]),
            finished_at=(
                datetime.fromisoformat(data["finished_at"]) if data["finished_at"] else None
            ),
            questions=data["questions"],
            requested=data["requested"],
            exam_questions=data["exam_questions"],
            answered=data["answered"],
            unanswered=data["unanswered"],
            flagged=tuple(data["flagged"]),
            correct=data["correct"],
            score=data["score"],
            percent=data["percent"],
            pass_percent=data["pass_percent"],
            passed=data["passed"],
            scaled=data["scaled"],
            passing_score=data["passing_score"],
            score_range=(score_range[0], score_range[1]) if score_range else None,
            scaled_note=data["scaled_note"],
            time_limit_s=data["time_limit_s"],
            time_used_s=data["time_used_s"],
            domains=tuple(DomainScore.from_dict(d) for d in data["domains"]),
            shortfalls=tuple(shortfall_from_dict(s) for s in data["shortfalls"]),
            missed=tuple(MissedQuestion.from_dict(m) for m in data["missed"]),
            graded_cards=tuple(graded) if graded is not None else None,
            exam_time_limit_s=data.get("exam_time_limit_s"),
        )


def score(
    blueprint: Blueprint,
    questions: Sequence[Question],
    answers: Mapping[int, frozenset[int] | None],
    *,
    attempt_id: int | None,
    status: str,
    seed: int,
    practice: bool,
    deck: str | None,
    started_at: datetime,
    finished_at: datetime | None,
    time_limit_s: int,
    time_used_s: float,
    flagged: Iterable[int] = (),
    shortfalls: Sequence[Shortfall] = (),
    requested: int | None = None,
) -> ExamReport:
    """Score an attempt: all-or-nothing per question, per domain, and every missed question."""
    flagged = set(flagged)
    n = len(questions)
    right = [q for q in questions if is_correct(q, answers.get(q.position))]
    per_domain = []
    for domain in blueprint.domains:
        asked = [q for q in questions if q.domain == domain.id]
        if not asked:
            continue
        got = sum(1 for q in asked if is_correct(q, answers.get(q.position)))
        per_domain.append(
            DomainScore(
                domain=domain.id,
                name=domain.name,
                weight=domain.weight,
                questions=len(asked),
                correct=got,
                percent=round(100 * got / len(asked), 1),
            )
        )
    percent = 100 * len(right) / n if n else 0.0
    pass_percent = blueprint.pass_percent
    passed = None if pass_percent is None else percent + 1e-9 >= pass_percent
    missed = []
    for q in questions:
        chosen = answers.get(q.position)
        if is_correct(q, chosen):
            continue
        missed.append(
            MissedQuestion(
                position=q.position + 1,
                card_id=q.card.id,
                domain=q.domain,
                source=q.card.source,
                question=q.card.front,
                chosen=tuple(q.letters(chosen)) if chosen is not None else None,
                answer=tuple(q.letters(q.correct)),
                options=tuple(
                    ShownOption(
                        letter=OPTION_LETTERS[shown],
                        text=q.card.options[index].text,
                        correct=q.card.options[index].correct,
                        chosen=chosen is not None and index in chosen,
                        rationale=q.card.options[index].rationale,
                    )
                    for shown, index in enumerate(q.order)
                ),
                explanation=q.card.back,
            )
        )
    answered = sum(1 for q in questions if answers.get(q.position) is not None)
    return ExamReport(
        attempt=attempt_id,
        exam=blueprint.code,
        exam_name=blueprint.name,
        deck=deck,
        seed=seed,
        practice=practice,
        status=status,
        started_at=started_at,
        finished_at=finished_at,
        questions=n,
        requested=requested if requested is not None else n,
        exam_questions=blueprint.questions,
        answered=answered,
        unanswered=n - answered,
        flagged=tuple(sorted(p + 1 for p in flagged)),
        correct=len(right),
        score=round(len(right) / n, 4) if n else 0.0,
        percent=round(percent, 1),
        pass_percent=round(pass_percent, 2) if pass_percent is not None else None,
        passed=passed,
        scaled=blueprint.scaled,
        passing_score=blueprint.passing_score,
        score_range=blueprint.score_range,
        scaled_note=scaled_note(blueprint),
        time_limit_s=time_limit_s,
        time_used_s=round(time_used_s),
        domains=tuple(per_domain),
        shortfalls=tuple(shortfalls),
        missed=tuple(missed),
        exam_time_limit_s=blueprint.duration_minutes * 60,
    )


def build_report(
    blueprint: Blueprint,
    questions: Sequence[Question],
    answers: Mapping[int, frozenset[int] | None],
    **details: Any,
) -> dict[str, Any]:
    """`score(...)` as its JSON-ready object (what `--json` prints for a scored attempt)."""
    return score(blueprint, questions, answers, **details).to_dict()
