"""The shipped AWS deck against the issue's numbers, per domain of each exam blueprint.

Imports the real `decks/aws-ml` folder (deck files and `exams/*.yaml`) into a fresh collection
and counts cards and multiple-choice questions per domain of MLA-C01, MLA-C02 and MLS-C01, and
cards per task statement (tags `task-<exam code in lower case>-<task id>`, docs/aws-deck.md).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from srs.cli.app import app
from srs.collection import Collection
from srs.exam.draw import draw, largest_remainder
from srs.model import CardKind
from srs.views import CardView

DECK = Path(__file__).resolve().parent.parent / "decks" / "aws-ml"
NOW_DT = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
EXAMS = ("MLA-C01", "MLA-C02", "MLS-C01")
MOCK_EXAMS = EXAMS  # every blueprint with cards
TASK_MINIMUM = 3  # cards per task statement
MOCK_QUESTIONS = 65
SHARE_TOLERANCE = 6.0  # percentage points between a domain's share of cards and its weight


@pytest.fixture(scope="module")
def col(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Collection]:
    path = tmp_path_factory.mktemp("aws") / "collection.db"
    collection = Collection.open(path, UTC)
    report = collection.import_paths([DECK], NOW_DT)
    assert report.warnings == []
    yield collection
    collection.close()


@pytest.fixture(scope="module")
def cards(col: Collection) -> list[CardView]:
    return [c for c in col.cards() if not c.orphaned]


def test_all_blueprints_are_imported(col: Collection) -> None:
    assert [b.code for b in col.blueprints()] == list(EXAMS)
    mla, mla2, mls = (col.blueprint(code) for code in EXAMS)
    assert (mla.questions, mla.duration_minutes, mla.successor) == (65, 130, "MLA-C02")
    assert "case study" in mla.question_types
    assert (mla2.questions, mla2.duration_minutes, mla2.predecessor) == (65, 130, "MLA-C01")
    assert mla2.passing_score == 720
    assert (mls.questions, mls.duration_minutes, mls.successor) == (65, 180, None)
    assert [d.weight for d in mla.domains] == [28, 26, 22, 24]
    assert [d.weight for d in mla2.domains] == [28, 24, 24, 24]
    assert [d.weight for d in mls.domains] == [20, 24, 36, 20]
    # MLA-C01 is current until its last day in English (2026-09-28), MLA-C02 not offered yet.
    assert col.target_exam(NOW_DT) == "MLA-C01"


@pytest.mark.parametrize(
    ("now", "target"),
    [
        ("2026-09-28T21:00:00+00:00", "MLA-C01"),  # MLA-C01's last day in English
        ("2026-09-29T01:00:00+00:00", "MLA-C02"),  # the MLA-C02 beta starts
        ("2027-01-13T12:00:00+00:00", "MLA-C02"),  # still a beta
        ("2027-01-14T12:00:00+00:00", "MLA-C02"),  # generally available (unconfirmed date)
    ],
)
def test_the_target_exam_follows_the_day(col: Collection, now: str, target: str) -> None:
    at = datetime.fromisoformat(now)
    assert col.target_exam(at) == target
    status = col.exam_status(at)
    assert status is not None and status.live


def blueprint_tasks(code: str) -> dict[str, str]:
    """Task statement id -> its domain id, read from the blueprint YAML (srs ignores `tasks`)."""
    data = yaml.safe_load((DECK / "exams" / f"{code.lower()}.yaml").read_text(encoding="utf-8"))
    return {str(t["id"]): str(d["id"]) for d in data["domains"] for t in d["tasks"]}


def task_tags(card: CardView, code: str) -> list[str]:
    prefix = f"task-{code.lower()}-"
    return [t.removeprefix(prefix) for t in card.tags if t.startswith(prefix)]


def test_totals(cards: list[CardView]) -> None:
    mcqs = [c for c in cards if c.kind is CardKind.MCQ]
    assert len(cards) >= 250
    assert len(mcqs) >= 60
    assert any(c.kind is CardKind.CLOZE for c in cards)
    assert any(c.kind is CardKind.REVERSED for c in cards)
    assert any(sum(o.correct for o in c.options) == 2 for c in mcqs)  # "select two"


def test_every_card_serves_mla_c02(cards: list[CardView]) -> None:
    unmapped = [c.source for c in cards if c.domain_for("MLA-C02") is None]
    assert unmapped == []


@pytest.mark.parametrize("exam", EXAMS)
def test_cards_per_domain_follow_the_weights(
    col: Collection, cards: list[CardView], exam: str
) -> None:
    """Each domain's share of the cards that serve the exam is within 6 points of its weight."""
    blueprint = col.blueprint(exam)
    mapped = [c for c in cards if c.domain_for(exam) is not None]
    per_domain = Counter(c.domain_for(exam) for c in mapped)
    assert set(per_domain) == {d.id for d in blueprint.domains}  # every domain has cards
    for domain in blueprint.domains:
        share = 100 * per_domain[domain.id] / len(mapped)
        assert abs(share - domain.weight) <= SHARE_TOLERANCE, (
            f"{exam} domain {domain.id}: {share:.1f} % of cards, weight {domain.weight:g} %"
        )


@pytest.mark.parametrize("exam", MOCK_EXAMS)
def test_mcqs_per_domain_fill_a_full_mock_exam(
    col: Collection, cards: list[CardView], exam: str
) -> None:
    blueprint = col.blueprint(exam)
    mcqs = Counter(c.domain_for(exam) for c in cards if c.kind is CardKind.MCQ)
    needed = largest_remainder({d.id: d.weight for d in blueprint.domains}, MOCK_QUESTIONS)
    for domain in blueprint.domains:
        assert mcqs[domain.id] >= needed[domain.id], (
            f"{exam} domain {domain.id}: {mcqs[domain.id]} MCQs, a mock exam needs"
            f" {needed[domain.id]}"
        )
    drawn = draw(cards, blueprint, None, 1)
    assert len(drawn.questions) == MOCK_QUESTIONS and drawn.shortfalls == ()


@pytest.mark.parametrize("exam", EXAMS)
def test_every_task_statement_has_cards(cards: list[CardView], exam: str) -> None:
    """At least 3 cards per task statement of the blueprint, by `task-<exam>-<id>` tags."""
    tasks = blueprint_tasks(exam)
    per_task: Counter[str] = Counter()
    for card in cards:
        for task in task_tags(card, exam):
            tag = f"task-{exam.lower()}-{task}"
            assert task in tasks, f"{card.source}: {tag} is not in the blueprint"
            assert tasks[task] == card.domain_for(exam), (
                f"{card.source}: task {task} is not in the card's {exam} domain"
                f" {card.domain_for(exam)}"
            )
            per_task[task] += 1
    thin = {t: per_task[t] for t in tasks if per_task[t] < TASK_MINIMUM}
    assert thin == {}, f"{exam}: task statements with fewer than {TASK_MINIMUM} cards: {thin}"


def test_every_mcq_teaches(cards: list[CardView]) -> None:
    for card in cards:
        if card.kind is not CardKind.MCQ:
            continue
        assert card.back.strip(), f"{card.source}: no explanation"
        assert any(o.correct for o in card.options) and len(card.options) >= 3, card.source
        for option in card.options:
            if not option.correct:
                assert option.rationale.strip(), f"{card.source}: wrong option without rationale"


def test_check_has_no_warnings() -> None:
    result = CliRunner().invoke(app, ["check", str(DECK), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["warnings"] == []
    assert report["cards"] >= 250


def test_full_mls_mock_exam_by_script(col: Collection, db_path: Path) -> None:
    """`srs exam --exam MLS-C01 --seed 1 --answers ...` on the shipped deck: 65, no shortfall."""
    runner = CliRunner()
    now = ["--now", "2026-03-02T10:00:00Z"]
    assert runner.invoke(app, [*now, "import", str(DECK)]).exit_code == 0
    answers = ",".join(["a"] * 30 + ["-"] * 35)
    result = runner.invoke(
        app, [*now, "exam", "--exam", "MLS-C01", "--seed", "1", "--answers", answers, "--json"]
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["questions"] == MOCK_QUESTIONS and report["shortfalls"] == []
    assert report["scaled"] and report["pass_percent"] == 75
    assert [d["questions"] for d in report["domains"]] == [13, 16, 23, 13]
    assert report["unanswered"] == 35
