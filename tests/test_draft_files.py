"""Deck files marked `draft: true` are read but never imported; blueprints' task statements.

No model here: these are the deck-side rules `srs draft` relies on (docs/deck-format.md).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from srs.cli.app import app
from srs.decks.markdown import parse_text
from srs.errors import DeckError
from srs.exam.blueprints import blueprint_from_json, blueprint_to_json, load_blueprint

runner = CliRunner()

DRAFT = """---
draft: true
---
Q: A drafted card that is not ready
A: yet.

Q: A broken card, never read while the file is a draft
"""


def test_a_draft_file_has_no_notes_even_with_broken_cards() -> None:
    parsed = parse_text(DRAFT, display="d.md", default_deck="d")
    assert parsed.draft and parsed.notes == ()


def test_draft_must_be_true_or_false() -> None:
    with pytest.raises(DeckError) as e:
        parse_text("---\ndraft: maybe\n---\nQ: a\nA: b\n", display="d.md", default_deck="d")
    assert [str(p) for p in e.value.problems] == [
        "d.md:2: front matter 'draft' must be true or false"
    ]
    parsed = parse_text("---\ndraft: false\n---\nQ: a\nA: b\n", display="d.md", default_deck="d")
    assert not parsed.draft and len(parsed.notes) == 1 and parsed.notes[0].extra == {}


def test_import_and_check_skip_drafts_with_a_count(tmp_path: Path) -> None:
    root = tmp_path / "decks"
    root.mkdir()
    (root / "ready.md").write_text("Q: ready?\nA: yes\n")
    (root / "draft.md").write_text(DRAFT)
    result = runner.invoke(app, ["--now", "2026-11-28T09:00:00Z", "import", str(root), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert (report["files"], report["added"], report["drafts"]) == (1, 1, 1)
    result = runner.invoke(app, ["--now", "2026-11-28T09:00:00Z", "import", str(root)])
    assert result.stdout.strip().endswith("; 1 draft file skipped")
    result = runner.invoke(app, ["check", str(root)])
    assert result.stdout.strip() == "OK: 1 file, 1 note, 1 card, 1 draft file skipped"
    # Un-drafted (and fixed), its cards come in.
    (root / "draft.md").write_text(DRAFT.replace("draft: true", "draft: false") + "A: fixed\n")
    result = runner.invoke(app, ["--now", "2026-11-28T09:00:00Z", "import", str(root), "--json"])
    report = json.loads(result.stdout)
    assert (report["added"], report["drafts"]) == (2, 0)


def test_blueprint_task_statements_are_read_and_kept(tmp_path: Path) -> None:
    blueprint = load_blueprint(Path("decks/aws-ml/exams/mla-c02.yaml"), "mla-c02.yaml")
    domain = blueprint.domain("1")
    assert domain is not None and domain.tasks[0] == ("1.1", "Collect and store data")
    assert blueprint_from_json(blueprint_to_json(blueprint)) == blueprint
    # Blueprints stored before task statements were read come back without them.
    data = json.loads(blueprint_to_json(blueprint))
    for item in data["domains"]:
        del item["tasks"]
    assert blueprint_from_json(json.dumps(data)).domains[0].tasks == ()


def test_bad_task_statements_are_located(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text(
        "code: X-1\nname: X\nquestions: 10\nduration_minutes: 10\ndomains:\n"
        '  - id: "1"\n    name: A\n    weight: 100\n    tasks: [just text]\n'
    )
    with pytest.raises(DeckError) as e:
        load_blueprint(path, "x.yaml")
    assert [str(p) for p in e.value.problems] == [
        "x.yaml:9: domain 1: 'tasks' must be a list of {id, name}"
    ]
