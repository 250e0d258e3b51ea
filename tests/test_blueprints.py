"""Exam blueprints as data: reading them, importing them, and cards' domains per exam."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from srs.collection import Collection
from srs.decks.markdown import parse_text
from srs.errors import ConfigError, DeckError
from srs.exam.blueprints import load_blueprint, pick_current
from srs.exam.lifecycle import Phase

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)

MLA = """\
code: MLA-C01
name: AWS Certified Machine Learning Engineer - Associate
status: current
questions: 65
duration_minutes: 130
passing_score: 720
score_range: [100, 1000]
domains:
  - {id: "1", name: "Data Preparation for ML", weight: 28}
  - {id: "2", name: "ML Model Development", weight: 26}
  - {id: "3", name: "Deployment and Orchestration of ML Workflows", weight: 22}
  - {id: "4", name: "ML Solution Monitoring, Maintenance, and Security", weight: 24}
"""
MLS = """\
code: mls-c01
name: AWS Certified Machine Learning - Specialty
status: retired
retired_on: 2026-03-31
questions: 65
duration_minutes: 180
passing_score: 750
score_range: [100, 1000]
domains:
  - {id: "1", name: "Data Engineering", weight: 20}
  - {id: "2", name: "Exploratory Data Analysis", weight: 24}
  - {id: "3", name: "Modeling", weight: 36}
  - {id: "4", name: "Machine Learning Implementation and Operations", weight: 20}
"""
DECK = """\
---
exam_domains: {MLA-C01: 2, MLS-C01: 3}
---
Q: What does L1 regularization do to weights?
A: Drives some to exactly zero.

Q: Which format does Firehose convert JSON to?
A: Parquet or ORC.
<!-- exam_domains: MLA-C01=1 MLS-C01=1 -->
"""


def write(root: Path, name: str, text: str) -> Path:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_a_blueprint_reads_with_its_pass_mark_as_a_share(tmp_path: Path) -> None:
    mla = load_blueprint(write(tmp_path, "mla.yaml", MLA), "mla.yaml")
    mls = load_blueprint(write(tmp_path, "mls.yaml", MLS), "mls.yaml")
    assert (mla.code, mla.questions, mla.duration_minutes) == ("MLA-C01", 65, 130)
    assert [d.weight for d in mla.domains] == [28, 26, 22, 24]
    assert mla.pass_percent == 72.0 and mla.scaled
    # The old form (`status`, `retired_on` = the last day) still reads, as a dated lifecycle.
    assert mla.lifecycle == (Phase("current"),)
    assert mls.code == "MLS-C01"
    assert mls.lifecycle == (Phase("current"), Phase("retired", date(2026, 4, 1)))
    assert pick_current([mls, mla], date(2026, 11, 28)) is mla
    assert pick_current([mls], date(2026, 11, 28)) is mls


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("weight: 24", "weight: 25"), "b.yaml:8: domain weights add up to 101, not 100"),
        (("questions: 65", "questions: many"), "b.yaml:4: 'questions' must be a whole number"),
        (("status: current", "status: maybe"), "b.yaml:3: 'status' must be one of"),
        (("code: MLA-C01", "code: 'MLA C01'"), "b.yaml:1: 'code' must be letters"),
        (("passing_score: 720", "passing_score: 1200"), "b.yaml:6: 'passing_score' must lie"),
        (('{id: "2"', '{id: "1"'), "b.yaml:8: domain ids must be unique"),
        (("name: AWS", "name: [AWS"), "b.yaml:3: bad YAML"),
    ],
)
def test_a_bad_blueprint_names_file_and_line(
    tmp_path: Path, change: tuple[str, str], message: str
) -> None:
    path = write(tmp_path, "b.yaml", MLA.replace(*change, 1))
    with pytest.raises(DeckError) as caught:
        load_blueprint(path, "b.yaml")
    assert str(caught.value).startswith(message), str(caught.value)


def test_front_matter_maps_cards_to_a_domain_per_exam_and_a_card_overrides() -> None:
    first, second = parse_text(DECK, display="d.md", default_deck="d").notes
    assert first.exam_domains == (("MLA-C01", "2"), ("MLS-C01", "3"))
    assert second.exam_domains == (("MLA-C01", "1"), ("MLS-C01", "1"))
    assert second.domain_for("MLS-C01") == "1" and first.domain_for("SAA-C03") is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("---\nexam_domains: [MLA-C01]\n---\nQ: q\nA: a\n", "d.md:2: front matter 'exam_domains'"),
        (
            "---\nexam_domains: {MLA-C01: }\n---\nQ: q\nA: a\n",
            "d.md:2: front matter 'exam_domains'",
        ),
        ("Q: q\nA: a\n<!-- exam_domains: MLA-C01 -->\n", "d.md:3: invalid exam_domains 'MLA-C01'"),
    ],
)
def test_bad_domain_maps_are_located(text: str, message: str) -> None:
    with pytest.raises(DeckError) as caught:
        parse_text(text, display="d.md", default_deck="d")
    assert str(caught.value).startswith(message), str(caught.value)


def test_import_stores_blueprints_and_domains_follow_the_target_exam(tmp_path: Path) -> None:
    root = tmp_path / "decks"
    write(root, "exams/mla-c01.yaml", MLA)
    write(root, "exams/mls-c01.yaml", MLS)
    write(root, "ml.md", DECK)
    with Collection.open(tmp_path / "c.db") as col:
        report = col.import_paths([root], NOW)
        assert (report.cards, report.blueprints, report.warnings) == (2, 2, [])
        assert [b.code for b in col.blueprints()] == ["MLA-C01", "MLS-C01"]
        assert col.target_exam(NOW) == "MLA-C01"  # the current one by default
        by_front = {c.front.split("?")[0]: c for c in col.cards()}
        l1 = by_front["What does L1 regularization do to weights"]
        view = l1.to_dict(col.zone, 4, col.target_exam(NOW))
        assert (view["exam"], view["domain"]) == ("MLA-C01", "2")
        col.set_option("exam", "mls-c01")
        assert col.target_exam(NOW) == "MLS-C01"
        view = l1.to_dict(col.zone, 4, col.target_exam(NOW))
        assert (view["exam"], view["domain"]) == ("MLS-C01", "3")
        assert view["exam_domains"] == {"MLA-C01": "2", "MLS-C01": "3"}
        names = {d.domain: d.name for d in col.stats(NOW).domains}
        assert names == {"1": "Data Engineering", "3": "Modeling"}
        with pytest.raises(ConfigError, match="no blueprint for exam 'SAA-C03'"):
            col.set_option("exam", "SAA-C03")
        with pytest.raises(ConfigError, match="collection"):
            col.set_option("exam", "MLA-C01", deck="d")


def test_a_domain_the_blueprint_lacks_is_a_warning(tmp_path: Path) -> None:
    root = tmp_path / "decks"
    write(root, "exams/mla-c01.yaml", MLA)
    write(root, "ml.md", "---\nexam_domains: {MLA-C01: 7}\n---\nQ: q\nA: a\n\nQ: r\nA: b\n")
    with Collection.open(tmp_path / "c.db") as col:
        report = col.import_paths([root], NOW)
    assert report.warnings == [
        f"{(root / 'ml.md').as_posix()}:4: exam MLA-C01 has no domain '7' (its domains: 1, 2, 3, 4)"
    ]


def test_editing_a_domain_map_updates_cards_and_keeps_history(tmp_path: Path) -> None:
    root = tmp_path / "decks"
    deck = write(root, "ml.md", DECK)
    with Collection.open(tmp_path / "c.db") as col:
        col.import_paths([root], NOW)
        card = next(c for c in col.cards() if "L1" in c.front)
        col.answer(card.id, 3, NOW)
        deck.write_text(DECK.replace("MLS-C01: 3", "MLS-C01: 2"), encoding="utf-8")
        report = col.import_paths([root], NOW)
        assert report.updated == 1
        again = col.card(card.id)
        assert again.domain_for("MLS-C01") == "2" and again.scheduling.reps == 1
        rows = col.store.execute("SELECT exam, domain FROM note_domains ORDER BY 1, 2")
        assert json.dumps([tuple(r) for r in rows]) == json.dumps(
            [["MLA-C01", "1"], ["MLA-C01", "2"], ["MLS-C01", "1"], ["MLS-C01", "2"]]
        )


def test_a_domain_without_its_exam_is_a_warning_not_an_error() -> None:
    # Decks written before exam_domains used `domain:` as free text; they still import.
    deck = parse_text("---\ndomain: Modeling\n---\nQ: q\nA: a\n", display="d.md", default_deck="d")
    assert deck.notes[0].exam_domains == ()
    assert deck.warnings == (
        "d.md:2: front matter 'domain' without 'exam' is ignored;"
        " map cards with exam_domains: {EXAM: DOMAIN-ID}",
    )


def test_a_bad_blueprint_stops_the_import_and_writes_nothing(tmp_path: Path) -> None:
    from helpers import dump
    from typer.testing import CliRunner

    from srs.cli.app import app

    root = tmp_path / "decks"
    write(root, "exams/mla-c01.yaml", MLA)
    write(root, "ml.md", DECK)
    db = tmp_path / "c.db"
    runner = CliRunner()
    assert runner.invoke(app, ["--db", str(db), "import", str(root)]).exit_code == 0
    before = dump(db)
    write(root, "exams/mla-c01.yaml", MLA.replace("weight: 24", "weight: 30"))
    write(root, "ml.md", DECK + "\nQ: A new card?\nA: Not imported.\n")
    result = runner.invoke(app, ["--db", str(db), "import", str(root)])
    assert result.exit_code == 1
    shown = (root / "exams" / "mla-c01.yaml").as_posix()
    assert f"{shown}:8: domain weights add up to 106, not 100" in result.output
    assert dump(db) == before
