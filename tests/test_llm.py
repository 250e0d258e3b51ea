"""`srs draft` and `srs explain` against fake models registered through llm's plugin manager.

The fakes (tests/llm_fakes.py) are an llm plugin: srs finds them with `llm.get_model` like any
installed model. `echo` is the real llm-echo plugin (test extra), which answers with exactly
what it was sent.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import llm
import llm_fakes
import pytest
from llm.plugins import pm
from typer.testing import CliRunner

from srs.cli.app import app
from srs.decks.markdown import parse_text

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[1]
NOW = "2026-11-28T09:00:00Z"

BLUEPRINT = """code: XYZ-101
name: Example Certification
status: current
questions: 60
duration_minutes: 120
domains:
  - id: "1"
    name: "Data Engineering"
    weight: 50
    tasks:
      - {id: "1.1", name: "Ingest streaming data"}
      - {id: "1.2", name: "Store data lakes"}
  - id: "2"
    name: "Modeling"
    weight: 50
    tasks:
      - {id: "2.1", name: "Choose an algorithm for the problem"}
      - {id: "2.2", name: "Tune hyperparameters efficiently"}
"""

STREAMS = """---
exam_domains: {XYZ-101: 1}
---
# Streams

Q: Which service replays a stream from a point in time?
A: Kinesis Data Streams.
<!-- id: replay -->

Shard :: the unit of capacity of a Kinesis data stream
"""

MODELING = """---
exam_domains: {XYZ-101: 2}
---
# Modeling

Q: Which metric suits an imbalanced fraud dataset?
- [ ] Accuracy
  - Why not: dominated by the majority class.
- [x] Recall of the fraud class
  - Why: it measures the frauds found.
- [x] PR AUC
  - Why: it focuses on the positive class.
Explanation: Accuracy hides the minority class; recall and PR AUC focus on it.
<!-- id: fraud-metric -->
"""


@pytest.fixture(autouse=True)
def fakes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The fake models, registered as an llm plugin; llm's settings in a temp folder."""
    monkeypatch.setenv("LLM_USER_PATH", str(tmp_path / "llm-user"))
    (tmp_path / "llm-user").mkdir()
    monkeypatch.delenv("SRS_LLM_MODEL", raising=False)
    monkeypatch.delenv("SRS_FAKE_KEY", raising=False)
    monkeypatch.chdir(tmp_path)
    llm_fakes.RECEIVED.clear()
    llm_fakes.CALLS.clear()
    pm.register(llm_fakes, name="srs-test-fakes")
    yield
    pm.unregister(name="srs-test-fakes")


@pytest.fixture
def decks(tmp_path: Path) -> Path:
    """A deck folder serving XYZ-101 (two domains with task statements), imported."""
    root = tmp_path / "decks"
    (root / "exams").mkdir(parents=True)
    (root / "exams" / "xyz-101.yaml").write_text(BLUEPRINT, encoding="utf-8")
    (root / "streams.md").write_text(STREAMS, encoding="utf-8")
    (root / "modeling.md").write_text(MODELING, encoding="utf-8")
    srs("import", str(root))
    # Domain 1 has a card seen, domain 2 none: domain 2 is the weakest.
    srs("answer", "replay", "good")
    return root


def srs(*args: str, ok: bool = True) -> Any:
    result = runner.invoke(app, ["--now", NOW, *args])
    if ok:
        assert result.exit_code == 0, result.output + result.stderr
    else:
        assert result.exit_code == 1, result.output
    return result


def srs_json(*args: str) -> Any:
    return json.loads(srs(*args, "--json").stdout)


def cards_of(path: Path) -> list[Any]:
    """The notes of a draft file once its `draft: true` line is gone."""
    text = path.read_text(encoding="utf-8")
    assert text.count("\ndraft: true\n") == 1
    undrafted = text.replace("\ndraft: true\n", "\n")
    return list(parse_text(undrafted, display="d", default_deck="d").notes)


# -- drafting -----------------------------------------------------------------------------------


def test_draft_weakest_domain_then_review_and_import(decks: Path, tmp_path: Path) -> None:
    out = tmp_path / "drafts" / "modeling-draft.md"
    out.parent.mkdir()
    result = srs_json("draft", "--model", "srs-fake-valid", "--count", "2", "--to", str(out))
    assert result | {"path": None} == {
        "path": None,
        "model": "srs-fake-valid",
        "kind": "mcq",
        "asked": 2,
        "written": 2,
        "retried": 0,
        "dropped": 0,
        "duplicates": 0,
        "exam": "XYZ-101",
        "domain": "2",
        "domain_chosen": "weakest",
        "problems": [],
    }
    assert parse_text(out.read_text(), display="d", default_deck="d").draft
    notes = cards_of(out)
    assert [n.kind.value for n in notes] == ["mcq", "mcq"]
    assert all(o.rationale for n in notes for o in n.options) and all(n.back for n in notes)
    assert all(n.exam_domains == (("XYZ-101", "2"),) for n in notes)
    assert all("llm-draft" in n.tags for n in notes)

    # A draft is skipped by import, with a count.
    report = srs_json("import", str(out.parent))
    assert (report["drafts"], report["added"], report["files"]) == (1, 0, 0)
    assert "1 draft file skipped" in srs("import", str(out)).stdout
    # The learner reads it and deletes the `draft: true` line: now it is imported.
    out.write_text(out.read_text().replace("\ndraft: true\n", "\n"), encoding="utf-8")
    report = srs_json("import", str(out))
    assert (report["drafts"], report["added"]) == (0, 2)


def test_what_is_sent_for_a_domain(decks: Path, tmp_path: Path) -> None:
    srs("draft", "--model", "srs-fake-valid", "--domain", "1", "--to", "d.md")
    ((system, prompt),) = llm_fakes.RECEIVED
    # The format rules, for multiple choice: rationale under every option, an explanation.
    assert "- [x]" in system and "- Why not:" in system and "Explanation:" in system
    # The exam, the chosen domain and its task statements; not the other domain's.
    assert "XYZ-101 (Example Certification)" in prompt
    assert "1: Data Engineering" in prompt
    assert "1.1 Ingest streaming data" in prompt and "1.2 Store data lakes" in prompt
    assert "Tune hyperparameters" not in prompt and "Modeling" not in prompt
    # Nothing from the collection: no paths, no card text, no review log.
    sent = system + prompt
    assert str(tmp_path) not in sent and "streams.md" not in sent
    assert "Which service replays" not in sent
    assert "Kinesis Data Streams." not in sent


def test_what_is_sent_for_failed_cards(decks: Path, tmp_path: Path) -> None:
    srs("answer", "fraud-metric", "again")
    srs("draft", "--model", "srs-fake-valid", "--failed-since", "7", "--to", "f.md")
    ((_, prompt),) = llm_fakes.RECEIVED
    assert "Which metric suits an imbalanced fraud dataset?" in prompt
    assert "(correct) Recall of the fraud class" in prompt
    assert "Accuracy hides the minority class" in prompt
    # The failed card's text only: not the other cards, not when or how it was answered.
    assert "Which service replays" not in prompt
    for leak in (str(tmp_path), "modeling.md", "2026", "again", "Again", "lapse", "review"):
        assert leak not in prompt
    srs("draft", "--model", "srs-fake-valid", "--failed-since", "7", "--to", "f.md", ok=False)


def test_no_failed_cards_is_an_error(decks: Path) -> None:
    result = srs("draft", "--model", "srs-fake-valid", "--failed-since", "3", ok=False)
    assert "no card was failed in the last 3 day(s)" in result.stderr
    assert llm_fakes.RECEIVED == []


def test_what_is_sent_from_notes(decks: Path, tmp_path: Path) -> None:
    notes = tmp_path / "private" / "my-notes.md"
    notes.parent.mkdir()
    notes.write_text("# Glue\n\nGlue crawlers infer schemas into the Data Catalog.\n")
    srs("draft", "--model", "srs-fake-valid", "--from", str(notes), "--to", "n.md")
    ((_, prompt),) = llm_fakes.RECEIVED
    assert "Glue crawlers infer schemas into the Data Catalog." in prompt
    assert "private" not in prompt and str(tmp_path) not in prompt
    assert "Data Engineering" not in prompt  # no domain was asked for


def test_unparsable_cards_are_sent_back_once_with_the_parser_message(decks: Path) -> None:
    result = srs_json("draft", "--model", "srs-fake-fixes", "--count", "4", "--to", "x.md")
    assert (result["written"], result["retried"], result["dropped"]) == (4, 2, 0)
    assert len(llm_fakes.RECEIVED) == 2
    _, retry = llm_fakes.RECEIVED[1]
    assert "card-2:" in retry and "has no rationale" in retry
    assert "card-3:1: 'Q:' without 'A:'" in retry
    assert "Which AWS service is a managed feature store?" in retry
    assert len(cards_of(Path("x.md"))) == 4


def test_cards_that_still_fail_are_dropped_with_a_count(decks: Path) -> None:
    result = srs_json("draft", "--model", "srs-fake-partly", "--count", "3", "--to", "p.md")
    assert (result["written"], result["retried"], result["dropped"]) == (1, 2, 2)
    assert len(llm_fakes.RECEIVED) == 2  # sent back once, not again
    assert len(cards_of(Path("p.md"))) == 1
    text = srs("draft", "--model", "srs-fake-partly", "--count", "3", "--to", "q.md").stdout
    assert "Wrote 1 of 3 card(s)" in text and "2 card(s) dropped" in text
    assert "  card-5:1: 'Q:' without 'A:'" in text  # the retry's cards are numbered on


def test_duplicates_are_dropped(decks: Path) -> None:
    result = srs_json("draft", "--model", "srs-fake-dupes", "--count", "5", "--to", "u.md")
    # Same normalised stem; same correct answers to a near-identical stem; a repeat in the reply.
    assert (result["written"], result["duplicates"]) == (2, 3)
    stems = [n.front for n in cards_of(Path("u.md"))]
    assert stems == [llm_fakes.VALID[0].split("\n-")[0][3:], llm_fakes.VALID[1].split("\n-")[0][3:]]


def test_hostile_model_text_is_neutralised(decks: Path, tmp_path: Path) -> None:
    before = set(os.listdir(tmp_path))
    result = srs_json("draft", "--model", "srs-fake-hostile", "--count", "3", "--to", "h.md")
    assert set(os.listdir(tmp_path)) - before == {"h.md"}  # nothing written elsewhere
    assert (result["written"], result["dropped"]) == (2, 1)  # the would-be front matter
    text = Path("h.md").read_text(encoding="utf-8")
    assert "draft: false" not in text and "../../etc\n" not in text and "deck:" not in text
    assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text
    assert "\\x1b[2J" in text and "\\u202e" in text
    for tag in ("<script", "<img", "<iframe"):
        assert tag not in text
    assert "&lt;script>" in text
    # A metadata comment is text, not an id: no card names itself.
    assert "&lt;!-- id: ../../escape; tags: x -->" in text
    notes = cards_of(Path("h.md"))
    assert not any(n.explicit_id for n in notes) and all("x" not in n.tags for n in notes)
    assert "&lt;script>alert(1)&lt;/script>" in notes[0].front


def test_model_failure_is_one_line_and_writes_nothing(decks: Path) -> None:
    result = srs("draft", "--model", "srs-fake-fails", "--to", "z.md", ok=False)
    assert result.stderr == (
        "Error: model 'srs-fake-fails' failed: upstream said 500: internal error;"
        " nothing was written\n"
    )
    assert not Path("z.md").exists()


def test_slow_model_times_out(decks: Path) -> None:
    result = srs("draft", "--model", "srs-fake-slow", "--timeout", "0.3", "--to", "s.md", ok=False)
    assert "did not answer within 0.3 s" in result.stderr
    assert not Path("s.md").exists()


def test_missing_key_then_key_set(decks: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = srs("draft", "--model", "srs-fake-keyed", "--to", "k.md", ok=False)
    assert result.stderr == (
        "Error: model 'srs-fake-keyed' needs an API key: run `llm keys set srs-fake`\n"
    )
    assert llm_fakes.RECEIVED == [] and not Path("k.md").exists()
    monkeypatch.setenv("SRS_FAKE_KEY", "sk-test")
    srs("draft", "--model", "srs-fake-keyed", "--count", "1", "--to", "k.md")
    assert len(cards_of(Path("k.md"))) == 1


def test_no_model_configured_then_default(decks: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = srs("draft", "--to", "m.md", ok=False)
    assert "no model configured: pass --model MODEL or run `llm models default MODEL`" in (
        result.stderr
    )
    assert not Path("m.md").exists()
    llm.set_default_model("srs-fake-valid")
    assert srs_json("draft", "--count", "1", "--to", "m.md")["model"] == "srs-fake-valid"
    monkeypatch.setenv("SRS_LLM_MODEL", "srs-fake-basic")  # the environment wins over llm's
    data = srs_json("draft", "--count", "1", "--kind", "basic", "--to", "e.md")
    assert data["model"] == "srs-fake-basic"


def test_unknown_model(decks: Path) -> None:
    result = srs("draft", "--model", "no-such-model", ok=False)
    assert "unknown model 'no-such-model'" in result.stderr


def test_no_usable_card_writes_nothing(decks: Path) -> None:
    result = srs("draft", "--model", "srs-fake-garbage", "--to", "g.md", ok=False)
    assert "gave no usable card (1 did not pass the checks" in result.stderr
    assert len(llm_fakes.RECEIVED) == 2 and not Path("g.md").exists()


def test_existing_file_is_never_overwritten(decks: Path) -> None:
    Path("mine.md").write_text("my own deck\n")
    result = srs("draft", "--model", "srs-fake-valid", "--to", "mine.md", ok=False)
    assert "mine.md already exists" in result.stderr
    assert Path("mine.md").read_text() == "my own deck\n" and llm_fakes.RECEIVED == []
    Path("link.md").symlink_to("elsewhere.md")  # a dangling link is not followed either
    result = srs("draft", "--model", "srs-fake-valid", "--to", "link.md", ok=False)
    assert "link.md already exists" in result.stderr and not Path("elsewhere.md").exists()
    result = srs("draft", "--model", "srs-fake-valid", "--to", "no/such/d.md", ok=False)
    assert "no folder no/such for the draft" in result.stderr and llm_fakes.RECEIVED == []


def test_default_file_name_and_deck(decks: Path) -> None:
    result = srs_json("draft", "--model", "srs-fake-valid", "--deck", "modeling", "--count", "1")
    assert result["path"] == "draft-modeling-xyz-101-d2-20261128-090000.md"
    assert result["domain_chosen"] == "deck"
    text = Path(result["path"]).read_text()
    assert 'deck: "modeling"' in text and "exam_domains: {" in text
    ((_, prompt),) = llm_fakes.RECEIVED
    assert "deck 'modeling'" in prompt and "2.1 Choose an algorithm" in prompt


def test_bad_options(decks: Path) -> None:
    assert (
        "unknown kind" in srs("draft", "--model", "srs-fake-valid", "--kind", "x", ok=False).stderr
    )
    result = srs("draft", "--model", "srs-fake-valid", "--domain", "9", ok=False)
    assert "exam XYZ-101 has no domain '9' (its domains: 1, 2)" in result.stderr
    result = runner.invoke(app, ["draft", "--deck", "a", "--domain", "1"])
    assert result.exit_code == 1 and "alternatives" in result.stderr


def test_basic_cards(decks: Path) -> None:
    result = srs_json("draft", "--model", "srs-fake-basic", "--kind", "basic", "--to", "b.md")
    # The cloze is sent back; the canned model answers with its first card, a duplicate now.
    assert (result["written"], result["retried"], result["dropped"]) == (2, 1, 0)
    assert result["duplicates"] == 1
    assert [n.kind.value for n in cards_of(Path("b.md"))] == ["basic", "basic"]
    result = srs_json("draft", "--model", "srs-fake-basic", "--kind", "cloze", "--to", "c.md")
    assert (result["written"], result["dropped"], result["duplicates"]) == (1, 1, 1)
    (note,) = cards_of(Path("c.md"))
    assert note.kind.value == "cloze" and len(note.cards) == 2


def test_other_kinds_are_checked(decks: Path) -> None:
    # The canned MCQs are not the kind asked for: each is refused, sent back, and dropped.
    result = srs("draft", "--model", "srs-fake-valid", "--kind", "basic", ok=False)
    assert "gave no usable card (3 did not pass" in result.stderr
    _, retry = llm_fakes.RECEIVED[1]
    assert "card-1:1: expected a basic card, got a mcq card" in retry
    system, _ = llm_fakes.RECEIVED[0]
    assert "A: A validation metric" in system and "- [x]" not in system


# -- llm missing, --help ------------------------------------------------------------------------


def test_llm_missing_says_how_to_install(decks: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "llm", None)  # `import llm` raises ImportError
    result = srs("draft", "--model", "srs-fake-valid", "--to", "l.md", ok=False)
    assert result.stderr == "Error: this command needs the llm extra: pip install 'srs[llm]'\n"
    assert not Path("l.md").exists()
    result = srs("explain", "replay", "--model", "srs-fake-explainer", ok=False)
    assert "pip install 'srs[llm]'" in result.stderr


def test_help_never_imports_llm() -> None:
    for args, shown in ((["--help"], "draft"), (["draft", "--help"], "--failed-since")):
        code = (
            "import sys\n"
            "from srs.cli.app import app\n"
            "try:\n"
            f"    app({args!r})\n"
            "except SystemExit:\n"
            "    pass\n"
            "print('llm' in sys.modules, 'srs.drafting.ask' in sys.modules)\n"
        )
        out = subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,  # this srs, not an installed one
            timeout=60,
        ).stdout
        assert out.strip().endswith("False False")
        assert shown in out  # the help text was printed


# -- explain ------------------------------------------------------------------------------------


def test_explain_is_cached_per_card_and_model(decks: Path, tmp_path: Path) -> None:
    first = srs("explain", "fraud-metric", "--model", "srs-fake-explainer").stdout
    assert "PCA, answer 1" in first and "(cached)" not in first
    assert "\x1b" not in first and "\\x1b[31m" in first
    second = srs("explain", "fraud-metric", "--model", "srs-fake-explainer").stdout
    assert "PCA, answer 1" in second and "(cached)" in second
    assert llm_fakes.CALLS["srs-fake-explainer"] == 1
    data = srs_json("explain", "fraud-metric", "--model", "srs-fake-explainer", "--refresh")
    assert data["cached"] is False and "answer 2" in data["text"]
    assert "&lt;b>bold&lt;/b>" in data["text"]
    assert srs_json("explain", "replay", "--model", "srs-fake-explainer")["cached"] is False
    assert llm_fakes.CALLS["srs-fake-explainer"] == 3
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("collection.db"))[-1] == (
        "collection.db.explanations"
    )


def test_explain_sends_the_card_with_echo(decks: Path, tmp_path: Path) -> None:
    data = srs_json("explain", "fraud-metric", "--model", "echo")
    sent = json.loads(data["text"])  # llm-echo answers with what it received
    assert "Which metric suits an imbalanced fraud dataset?" in sent["prompt"]
    assert "(correct) PR AUC" in sent["prompt"] and "Accuracy hides" in sent["prompt"]
    assert "tutor" in sent["system"]
    for leak in (str(tmp_path), "modeling.md", "2026", "fraud-metric"):
        assert leak not in json.dumps(sent)


def test_explain_library_function(decks: Path, db_path: Path) -> None:
    from srs.collection import Collection
    from srs.drafting.explain import explain

    with Collection.open(db_path, now=datetime(2026, 11, 28, tzinfo=UTC)) as col:
        first = explain(col, "fraud-metric", "srs-fake-explainer")
        again = explain(col, "fraud-metric", "srs-fake-explainer")
    assert (first.cached, again.cached, first.text) == (False, True, again.text)


def test_explain_unknown_card(decks: Path) -> None:
    result = srs("explain", "nope", "--model", "srs-fake-explainer", ok=False)
    assert "no card with id 'nope'" in result.stderr and llm_fakes.RECEIVED == []


def test_the_fakes_are_an_llm_plugin() -> None:
    assert {"srs-fake-valid", "echo"} <= {m.model_id for m in llm.get_models()}
    plugins = {p["name"]: p["hooks"] for p in llm.get_plugins()}
    assert plugins["llm_fakes"] == ["register_models"]
    assert plugins["llm-echo"] == ["register_models"]  # the real plugin, by its entry point
