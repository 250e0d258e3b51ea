"""Blueprint lifecycles: status on a day, the default target exam, the notice the CLI prints.

The shipped blueprints (decks/aws-ml/exams) are read as files and imported with the real
`srs import`; days are chosen on both sides of each change they record: MLS-C01's last day
(2026-03-31), MLA-C01's last day in English (2026-09-28) and MLA-C02's beta start the day
after, and MLA-C02's general availability (2027-01-14, unconfirmed), which also ends MLA-C01 in
Korean, Japanese and Simplified Chinese.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from srs.cli.app import app
from srs.errors import DeckError
from srs.exam.blueprints import (
    Blueprint,
    Domain,
    blueprint_from_json,
    blueprint_to_json,
    load_blueprint,
)
from srs.exam.lifecycle import Phase, exam_status, pick_current, standing

DECK = Path(__file__).resolve().parent.parent / "decks" / "aws-ml"
EXAMS = DECK / "exams"


def shipped(code: str) -> Blueprint:
    path = EXAMS / f"{code.lower()}.yaml"
    return load_blueprint(path, path.as_posix())


@pytest.mark.parametrize(
    ("code", "day", "status", "last_day"),
    [
        ("MLS-C01", "2026-03-31", "retiring", "2026-03-31"),
        ("MLS-C01", "2026-04-01", "retired", "2026-03-31"),
        ("MLA-C01", "2026-09-28", "retiring", "2026-09-28"),
        ("MLA-C01", "2026-09-29", "retired", "2026-09-28"),
        ("MLA-C01", "2027-06-01", "retired", "2026-09-28"),
        ("MLA-C02", "2026-09-28", "upcoming", None),
        ("MLA-C02", "2026-09-29", "beta", None),
        ("MLA-C02", "2027-01-13", "beta", None),
        ("MLA-C02", "2027-01-14", "current", None),
    ],
)
def test_status_in_english_before_and_after_each_change(
    code: str, day: str, status: str, last_day: str | None
) -> None:
    s = standing(shipped(code).lifecycle, date.fromisoformat(day))
    assert (s.status, str(s.last_day) if s.last_day else None) == (status, last_day)


@pytest.mark.parametrize(
    ("day", "status", "last_day"),
    [
        ("2026-09-29", "retiring", "2027-01-13"),  # English ended; Korean still offered
        ("2027-01-13", "retiring", "2027-01-13"),
        ("2027-01-14", "retired", "2027-01-13"),  # MLA-C02 generally available
    ],
)
def test_mla_c01_in_korean_lasts_until_mla_c02_is_generally_available(
    day: str, status: str, last_day: str
) -> None:
    mla = shipped("MLA-C01")
    s = standing(mla.lifecycle, date.fromisoformat(day), "ko")
    assert (s.status, str(s.last_day), s.confirmed) == (status, last_day, False)
    # Japanese and Simplified Chinese share the entry, so the report groups them with Korean.
    other = exam_status(mla, date.fromisoformat(day)).others
    assert [o.languages for o in other] == [("ko", "ja", "zh-CN")]


@pytest.mark.parametrize(
    ("day", "target"),
    [
        ("2026-03-02", "MLA-C01"),  # MLA-C01 and MLS-C01 both retiring: the one that lasts
        ("2026-09-28", "MLA-C01"),  # its last day in English; MLA-C02 not offered yet
        ("2026-09-29", "MLA-C02"),  # the beta, over a retired exam
        ("2027-01-14", "MLA-C02"),  # current
    ],
)
def test_default_target_exam_at_each_change(day: str, target: str) -> None:
    blueprints = [shipped(code) for code in ("MLA-C01", "MLA-C02", "MLS-C01")]
    picked = pick_current(blueprints, date.fromisoformat(day))
    assert picked is not None and picked.code == target


def test_with_no_live_exam_the_newest_retired_is_the_target() -> None:
    mla, mls = shipped("MLA-C01"), shipped("MLS-C01")
    picked = pick_current([mls, mla], date(2027, 6, 1))
    assert picked is not None and picked.code == "MLA-C01"


def plain(code: str, *phases: Phase) -> Blueprint:
    return Blueprint(code, code, 60, 120, (Domain("1", "All", 100.0),), lifecycle=phases)


def test_the_pick_rule_orders_current_beta_retired_upcoming() -> None:
    day = date(2026, 6, 1)
    old = plain("A-1", Phase("current"), Phase("retired", date(2026, 7, 1)))  # retiring
    new_beta = plain("B-2", Phase("beta", date(2026, 5, 1)))
    ending_beta = plain("C-3", Phase("beta", date(2026, 5, 1)), Phase("retired", date(2026, 8, 1)))
    gone = plain("D-4", Phase("current"), Phase("retired", date(2026, 2, 1)))
    later = plain("E-5", Phase("current", date(2026, 9, 1)))
    soon = plain("F-6", Phase("beta", date(2026, 7, 1)))
    order = [old, new_beta, ending_beta, gone, soon, later]
    for i, expected in enumerate(order):
        picked = pick_current(list(reversed(order[i:])), day)
        assert picked is expected, (expected.code, picked.code if picked else None)
    assert pick_current([], day) is None


def test_the_notice_names_the_successor_and_the_languages_still_offered() -> None:
    status = exam_status(shipped("MLA-C01"), date(2026, 12, 2))
    assert status.warning() == (
        "Warning: MLA-C01 is retired: its last day in English was 2026-09-28; still offered in"
        " Korean, Japanese and Simplified Chinese until 2027-01-13 (unconfirmed); its successor"
        " is MLA-C02 (srs exam --exam MLA-C02)."
    )
    live = exam_status(shipped("MLA-C02"), date(2026, 12, 2))
    assert live.warning() is None
    assert live.describe() == (
        "Exam MLA-C02 (AWS Certified Machine Learning Engineer - Associate): in English: beta"
        " since 2026-09-29 (unconfirmed); current from 2027-01-14 (unconfirmed)."
    )


def test_stored_blueprints_of_either_form_load() -> None:
    mla = shipped("MLA-C01")
    assert blueprint_from_json(blueprint_to_json(mla)) == mla
    # A document stored before lifecycles (status + retired_on, no lifecycle) still loads.
    old = {
        "code": "MLS-C01",
        "name": "AWS Certified Machine Learning - Specialty",
        "status": "retired",
        "questions": 65,
        "duration_minutes": 180,
        "domains": [{"id": "1", "name": "Data Engineering", "weight": 100.0}],
        "passing_score": 750.0,
        "score_range": [100.0, 1000.0],
        "retired_on": "2026-03-31",
        "question_types": [],
        "path": "mls.yaml",
    }
    loaded = blueprint_from_json(json.dumps(old))
    assert loaded == Blueprint(
        code="MLS-C01",
        name="AWS Certified Machine Learning - Specialty",
        questions=65,
        duration_minutes=180,
        domains=(Domain("1", "Data Engineering", 100.0),),
        passing_score=750.0,
        score_range=(100.0, 1000.0),
        lifecycle=(Phase("current"), Phase("retired", date(2026, 4, 1))),
        path="mls.yaml",
    )
    assert exam_status(loaded, date(2026, 4, 1)).status == "retired"


# -- strict loading ------------------------------------------------------------------------------

BASE = """\
code: XYZ-101
name: Example
questions: 60
duration_minutes: 120
domains:
  - {id: "1", name: "Design", weight: 100}
lifecycle:
  - {status: beta, from: 2026-01-05}
  - status: current
    from: 2026-03-01
  - status: retired
    from: 2027-01-01
    languages: [en]
successor: XYZ-102
"""


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("status: current", "status: retiring"), "b.yaml:9: lifecycle entry 2: 'retiring' is"),
        (("status: current", "status: live"), "b.yaml:9: lifecycle entry 2: 'status' must be"),
        (("from: 2026-03-01", "from: March"), "b.yaml:10: lifecycle entry 2: 'from' must be"),
        (("from: 2026-03-01", "from: 2025-12-01"), "b.yaml:10: lifecycle entry 2: entries must"),
        (("from: 2026-03-01", "from: 2026-01-05"), "b.yaml:10: lifecycle entry 2: another entry"),
        (("    from: 2027-01-01\n", ""), "b.yaml:11: lifecycle entry 3: needs 'from'"),
        (("languages: [en]", "languages: [English]"), "b.yaml:13: lifecycle entry 3: 'English'"),
        (("languages: [en]", "languages: []"), "b.yaml:13: lifecycle entry 3: 'languages' must"),
        (("languages: [en]", "langs: [en]"), "b.yaml:13: lifecycle entry 3: unknown key 'langs'"),
        (
            ("from: 2026-03-01", "from: 2026-03-01\n    confirmed: maybe"),
            "b.yaml:11: lifecycle entry 2: 'c",
        ),
        (("{status: beta, ", "{confirmed: 1, status: beta, "), "b.yaml:8: lifecycle entry 1: 'c"),
        (("successor: XYZ-102", "successor: XYZ-101"), "b.yaml:14: 'successor' must be another"),
        (("successor: XYZ-102", "status: current"), "b.yaml:14: 'status' and 'lifecycle' cannot"),
        (("successor: XYZ-102", "unconfirmed: [price]"), "b.yaml:14: 'unconfirmed' must be a list"),
        (("lifecycle:\n", "lifecycle: []\nx:\n"), "b.yaml:7: 'lifecycle' must be a list"),
    ],
)
def test_a_bad_lifecycle_names_file_and_line(
    tmp_path: Path, change: tuple[str, str], message: str
) -> None:
    text = BASE.replace(*change, 1)
    assert text != BASE
    path = tmp_path / "b.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DeckError) as caught:
        load_blueprint(path, "b.yaml")
    assert str(caught.value).startswith(message), str(caught.value)


def test_a_good_lifecycle_loads(tmp_path: Path) -> None:
    path = tmp_path / "b.yaml"
    path.write_text(BASE, encoding="utf-8")
    blueprint = load_blueprint(path, "b.yaml")
    assert blueprint.lifecycle == (
        Phase("beta", date(2026, 1, 5)),
        Phase("current", date(2026, 3, 1)),
        Phase("retired", date(2027, 1, 1), ("en",)),
    )
    assert blueprint.successor == "XYZ-102"
    assert standing(blueprint.lifecycle, date(2026, 6, 1)).status == "retiring"
    assert standing(blueprint.lifecycle, date(2026, 6, 1), "fr").status == "current"


# -- through the command line, on the shipped deck -----------------------------------------------


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped deck imported once with `srs import`; each test works on a copy."""
    path = tmp_path_factory.mktemp("life") / "collection.db"
    result = CliRunner().invoke(
        app, ["--db", str(path), "--now", "2026-03-02T10:00:00Z", "import", str(DECK), "--json"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["warnings"] == []
    return path


@pytest.fixture
def db(imported: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "copy.db"
    shutil.copy(imported, copy)
    return copy


def srs(db: Path, now: str, *args: str) -> str:
    result = CliRunner().invoke(app, ["--db", str(db), "--now", now, *args])
    assert result.exit_code == 0, result.output
    return result.output


ANSWERS = ["--seed", "1", "--questions", "4", "--answers", "a,b,-,-"]


def test_srs_exam_serves_the_beta_after_the_english_retirement(db: Path) -> None:
    out = srs(db, "2026-12-02T10:00:00Z", "exam", *ANSWERS)
    lines = out.splitlines()
    assert lines[0].startswith("Exam MLA-C02 (AWS Certified Machine Learning Engineer")
    assert "beta since 2026-09-29 (unconfirmed)" in lines[0]
    assert lines[1].startswith("Blueprint MLA-C02 is not confirmed on an official page for:")
    assert "questions, duration_minutes, passing_score, question_types" in lines[1]
    assert lines[2].startswith("MLA-C02 mock exam:")
    assert "Warning" not in out


def test_srs_exam_warns_once_about_a_retired_exam(db: Path) -> None:
    out = srs(db, "2026-12-02T10:00:00Z", "exam", "--exam", "MLA-C01", *ANSWERS)
    warnings = [line for line in out.splitlines() if "Warning" in line]
    assert warnings == [
        "Warning: MLA-C01 is retired: its last day in English was 2026-09-28; still offered in"
        " Korean, Japanese and Simplified Chinese until 2027-01-13 (unconfirmed); its successor"
        " is MLA-C02 (srs exam --exam MLA-C02)."
    ]
    # The same exam a day before its English retirement: retiring, with its last day.
    out = srs(db, "2026-09-27T10:00:00Z", "exam", "--exam", "MLA-C01", *ANSWERS)
    warnings = [line for line in out.splitlines() if "Warning" in line]
    assert len(warnings) == 1
    assert warnings[0].startswith(
        "Warning: MLA-C01 is retiring: its last day in English is 2026-09-28"
    )


def test_srs_exam_json_carries_the_status_and_stays_json(db: Path) -> None:
    out = srs(db, "2026-04-02T10:00:00Z", "exam", "--exam", "MLS-C01", *ANSWERS, "--json")
    status = json.loads(out)["exam_status"]
    assert (status["exam"], status["status"], status["last_day"]) == (
        "MLS-C01",
        "retired",
        "2026-03-31",
    )
    assert status["confirmed"] is False and status["successor"] is None
    assert (
        status["warning"]
        == "Warning: MLS-C01 is retired: its last day was 2026-03-31 (unconfirmed)."
    )


def test_srs_plan_says_which_exam_it_serves(db: Path) -> None:
    now = "2026-10-01T10:00:00Z"
    srs(db, now, "config", "set", "exam_date", "2026-12-15")
    lines = srs(db, now, "plan").splitlines()
    assert lines[0].startswith("Exam MLA-C02 (AWS Certified Machine Learning Engineer")
    # The notice (wrapped at words, 80 columns in a pipe) comes before the plan.
    plan_line = next(i for i, line in enumerate(lines) if line.startswith("MLA-C02 on "))
    assert lines[plan_line].startswith("MLA-C02 on 2026-12-15:")
    assert any(line.startswith("Blueprint MLA-C02 is not") for line in lines[1:plan_line])
    data = json.loads(srs(db, now, "plan", "--json"))
    assert data["exam"] == "MLA-C02" and data["exam_status"]["status"] == "beta"
    # Chosen explicitly, the retired exam is served, with the one-line warning.
    srs(db, now, "config", "set", "exam", "MLA-C01")
    out = srs(db, now, "plan")
    assert sum("Warning: MLA-C01 is retired" in line for line in out.splitlines()) == 1
    assert "its successor is MLA-C02" in out


def test_srs_stats_warns_once_and_only_about_a_retiring_target(db: Path) -> None:
    out = srs(db, "2026-03-02T10:00:00Z", "stats")
    assert sum(line.startswith("Warning: MLA-C01 is retiring") for line in out.splitlines()) == 1
    assert "Exam MLA-C01 (" not in out  # stats does not serve an exam: only the warning
    out = srs(db, "2027-02-01T10:00:00Z", "stats")
    assert "Warning" not in out  # MLA-C02 is current then


def test_a_collection_imported_before_lifecycles_still_reads(db: Path) -> None:
    """Stored documents in the old form (status, retired_on) load from a real collection."""
    old = json.loads(blueprint_to_json(shipped("MLS-C01")))
    del old["lifecycle"], old["successor"], old["predecessor"], old["unconfirmed"]
    old |= {"status": "retired", "retired_on": "2026-03-31"}
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("UPDATE blueprints SET data = ? WHERE code = 'MLS-C01'", (json.dumps(old),))
    conn.close()
    out = srs(db, "2026-04-02T10:00:00Z", "exam", "--exam", "MLS-C01", *ANSWERS)
    assert "Warning: MLS-C01 is retired: its last day was 2026-03-31." in out.splitlines()
