"""Mock exams: the draw by domain weight, scoring, the stored attempt, and `srs exam` by script.

The pure parts (`srs.exam.draw`) are tested without a database; the rest runs the real command with
typer's CliRunner on a real SQLite file and checks the collection through the library.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from srs.cli.app import app
from srs.collection import Collection
from srs.dates import user_timezone
from srs.exam.attempts import ExamSession, history
from srs.exam.draw import (
    allocate,
    draw,
    largest_remainder,
    parse_answers,
)
from srs.exam.report import build_report
from srs.model import OPTION_LETTERS, CardState, Grade

NOW = "2026-03-02T10:00:00Z"
NOW_DT = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)

BLUEPRINT = """code: TEST-01
name: Test Exam
status: current
questions: 10
duration_minutes: 20
passing_score: 70
domains:
  - {id: "1", name: "Data", weight: 50}
  - {id: "2", name: "Models", weight: 30}
  - {id: "3", name: "Ops", weight: 20}
"""


def mcq(tag: str, stem: str | None = None) -> str:
    """A single-answer question whose right option reads 'Right <tag>'."""
    return f"""Q: {stem or f"Question {tag}: which option is right?"}
- [ ] Wrong one {tag}
  - Why not: not this one.
- [x] Right {tag}
  - Why: this one.
- [ ] Wrong two {tag}
  - Why not: nor this.
- [ ] Wrong three {tag}
  - Why not: nor this either.
Explanation: Rule of thumb {tag}.

"""


def select_two(tag: str) -> str:
    return f"""Q: Question {tag}: which two are right? (Select TWO.)
- [x] Right {tag} one
  - Why: yes.
- [ ] Wrong {tag} one
  - Why not: no.
- [x] Right {tag} two
  - Why: yes.
- [ ] Wrong {tag} two
  - Why not: no.
- [ ] Wrong {tag} three
  - Why not: no.
Explanation: Two rules {tag}.

"""


def write_exam_deck(root: Path, per_domain: dict[str, int], *, extra: str = "") -> Path:
    """A deck folder with the TEST-01 blueprint and `n` MCQs per domain (plus a basic card)."""
    (root / "exams").mkdir(parents=True, exist_ok=True)
    (root / "exams" / "test-01.yaml").write_text(BLUEPRINT, encoding="utf-8")
    for domain, count in per_domain.items():
        body = "".join(
            select_two(f"d{domain}-{i}") if i == 0 and domain == "1" else mcq(f"d{domain}-{i}")
            for i in range(count)
        )
        (root / f"domain{domain}.md").write_text(
            f"---\nexam_domains: {{TEST-01: {domain}}}\n---\n# Domain {domain}\n\n"
            f"Plain card {domain} :: not a question\n\n{body}" + (extra if domain == "1" else ""),
            encoding="utf-8",
        )
    return root


@pytest.fixture
def decks(tmp_path: Path) -> Path:
    return write_exam_deck(tmp_path / "decks", {"1": 8, "2": 5, "3": 4})


@pytest.fixture
def col(db_path: Path, decks: Path) -> Iterator[Collection]:
    collection = Collection.open(db_path, user_timezone())
    collection.import_paths([decks], NOW_DT)
    yield collection
    collection.close()


def run(*args: str) -> Any:
    result = CliRunner().invoke(app, ["--now", NOW, "exam", *args])
    return result


def right_letters(col: Collection, seed: int, count: int | None = None) -> list[str]:
    """The answer key of the draw `srs exam --seed seed` makes, in shown letters."""
    drawn = draw(col.cards(), col.blueprint("TEST-01"), count, seed)
    return ["".join(q.letters(q.correct)) for q in drawn.questions]


def wrong_letter(col: Collection, seed: int, position: int) -> str:
    drawn = draw(col.cards(), col.blueprint("TEST-01"), None, seed)
    q = drawn.questions[position]
    return next(OPTION_LETTERS[i] for i, index in enumerate(q.order) if index not in q.correct)


# -- the draw (pure) -------------------------------------------------------------------------


def test_largest_remainder_by_weight() -> None:
    weights = {"1": 28, "2": 26, "3": 22, "4": 24}
    assert largest_remainder(weights, 65) == {"1": 18, "2": 17, "3": 14, "4": 16}
    assert largest_remainder({"1": 20, "2": 24, "3": 36, "4": 20}, 65) == {
        "1": 13,
        "2": 16,
        "3": 23,
        "4": 13,
    }
    assert sum(largest_remainder(weights, 7).values()) == 7


def test_allocate_fills_a_short_domain_from_the_others() -> None:
    weights = {"1": 50, "2": 30, "3": 20}
    assert allocate(weights, {"1": 10, "2": 10, "3": 10}, 10) == {"1": 5, "2": 3, "3": 2}
    # Domain 2 has only 2: the 1 missing question goes to the others by weight (50:20).
    assert allocate(weights, {"1": 10, "2": 2, "3": 10}, 10) == {"1": 6, "2": 2, "3": 2}
    # Two short domains: the rest comes from the only one with room.
    assert allocate(weights, {"1": 20, "2": 1, "3": 0}, 10) == {"1": 9, "2": 1, "3": 0}
    # Not enough anywhere: everything available.
    assert allocate(weights, {"1": 3, "2": 1, "3": 1}, 10) == {"1": 3, "2": 1, "3": 1}


def test_draw_follows_the_weights(col: Collection) -> None:
    drawn = draw(col.cards(), col.blueprint("TEST-01"), None, 7)
    assert len(drawn.questions) == 10
    per_domain = {d: sum(1 for q in drawn.questions if q.domain == d) for d in "123"}
    assert per_domain == {"1": 5, "2": 3, "3": 2}
    assert drawn.shortfalls == ()
    assert all(q.card.kind.value == "mcq" for q in drawn.questions)
    assert len({q.card.id for q in drawn.questions}) == 10
    assert [q.position for q in drawn.questions] == list(range(10))
    assert all(sorted(q.order) == list(range(len(q.card.options))) for q in drawn.questions)


def test_draw_shortfall_is_filled_and_reported(tmp_path: Path, db_path: Path) -> None:
    decks = write_exam_deck(tmp_path / "short", {"1": 8, "2": 1, "3": 4})
    with Collection.open(db_path) as col:
        col.import_paths([decks], NOW_DT)
        drawn = draw(col.cards(), col.blueprint("TEST-01"), None, 3)
    per_domain = {d: sum(1 for q in drawn.questions if q.domain == d) for d in "123"}
    assert per_domain == {"1": 6, "2": 1, "3": 3}
    assert [(s.domain, s.wanted, s.available) for s in drawn.shortfalls] == [("2", 3, 1)]


def test_same_seed_same_exam(col: Collection) -> None:
    blueprint = col.blueprint("TEST-01")
    one = draw(col.cards(), blueprint, None, 42)
    two = draw(reversed(list(col.cards())), blueprint, None, 42)  # database order is irrelevant
    key = [(q.card.id, q.order) for q in one.questions]
    assert key == [(q.card.id, q.order) for q in two.questions]
    other = draw(col.cards(), blueprint, None, 43)
    assert key != [(q.card.id, q.order) for q in other.questions]


def test_draw_skips_orphaned_and_suspended_cards(col: Collection) -> None:
    card = next(c for c in col.cards() if c.kind.value == "mcq" and c.domain_for("TEST-01") == "3")
    col.set_suspended(card.id)
    drawn = draw(col.cards(), col.blueprint("TEST-01"), 16, 1)
    assert card.id not in {q.card.id for q in drawn.questions}


def test_draw_errors(col: Collection, tmp_path: Path) -> None:
    from srs.errors import SrsError

    with pytest.raises(SrsError, match=r"--questions 18 is more than the 17"):
        draw(col.cards(), col.blueprint("TEST-01"), 18, 1)
    with pytest.raises(SrsError, match="no multiple-choice cards serve exam TEST-01"):
        draw([], col.blueprint("TEST-01"), None, 1)


# -- scoring (pure) --------------------------------------------------------------------------


def test_select_two_is_all_or_nothing(col: Collection) -> None:
    blueprint = col.blueprint("TEST-01")
    drawn = draw(col.cards(), blueprint, 17, 5)  # every question, so the select-two is in
    two = next(q for q in drawn.questions if q.select == 2)
    right = sorted(two.correct)
    wrong = next(i for i in range(len(two.order)) if i not in two.correct)

    def score(chosen: frozenset[int] | None) -> int:
        report = build_report(
            blueprint,
            drawn.questions,
            {two.position: chosen},
            attempt_id=None,
            status="submitted",
            seed=5,
            practice=False,
            deck=None,
            started_at=NOW_DT,
            finished_at=NOW_DT,
            time_limit_s=60,
            time_used_s=30,
        )
        return int(report["correct"])

    assert score(frozenset(right)) == 1
    assert score(frozenset(right[:1])) == 0  # one of two right: no partial credit
    assert score(frozenset([*right, wrong])) == 0
    assert score(None) == 0


def test_report_shape(col: Collection) -> None:
    blueprint = col.blueprint("TEST-01")
    drawn = draw(col.cards(), blueprint, None, 11)
    answers = {q.position: q.correct for q in drawn.questions[:7]}
    report = build_report(
        blueprint,
        drawn.questions,
        answers,
        attempt_id=3,
        status="submitted",
        seed=11,
        practice=False,
        deck=None,
        started_at=NOW_DT,
        finished_at=NOW_DT,
        time_limit_s=1200,
        time_used_s=600.4,
        flagged=[1],
    )
    assert (report["correct"], report["questions"], report["percent"]) == (7, 10, 70.0)
    assert report["passed"] is True and report["pass_percent"] == 70
    assert report["scaled"] is False and report["scaled_note"] is None
    assert report["unanswered"] == 3 and report["flagged"] == [2]
    assert report["time_used_s"] == 600
    assert sum(d["questions"] for d in report["domains"]) == 10
    assert {d["name"] for d in report["domains"]} == {"Data", "Models", "Ops"}
    assert [m["position"] for m in report["missed"]] == [8, 9, 10]
    missed = report["missed"][0]
    assert missed["chosen"] is None and missed["explanation"].startswith("Rule of thumb")
    assert missed["answer"] == [o["letter"] for o in missed["options"] if o["correct"]]
    json.dumps(report)  # JSON-ready


def test_scaled_note_for_aws_blueprints() -> None:
    from srs.exam.blueprints import load_blueprint

    root = Path(__file__).resolve().parent.parent / "decks" / "aws-ml" / "exams"
    mla = load_blueprint(root / "mla-c01.yaml", "mla-c01.yaml")
    from srs.exam.draw import scaled_note

    assert scaled_note(mla) == (
        "AWS reports a scaled score (pass 720 of 1000); srs counts 72 % of questions right"
        " as a pass."
    )


def test_parse_answers(col: Collection) -> None:
    drawn = draw(col.cards(), col.blueprint("TEST-01"), None, 2)
    qs = drawn.questions
    parsed = parse_answers("A,-,,bd", qs)
    assert parsed[0] == frozenset([qs[0].order[0]])
    assert parsed[1] is None and parsed[2] is None
    assert parsed[3] == frozenset([qs[3].order[1], qs[3].order[3]])
    from srs.errors import SrsError

    with pytest.raises(SrsError, match="'z' is not an option"):
        parse_answers("z", qs)
    with pytest.raises(SrsError, match="11 answers but the exam has 10"):
        parse_answers(",".join("a" * 11), qs)


# -- the command, by script ------------------------------------------------------------------


def test_scripted_run_is_stored(col: Collection, db_path: Path) -> None:
    key = right_letters(col, 9)
    answers = [*key[:6], wrong_letter(col, 9, 6), "-", "", ""]
    result = run("--exam", "test-01", "--seed", "9", "--answers", ",".join(answers), "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert (report["correct"], report["questions"], report["passed"]) == (6, 10, False)
    assert report["status"] == "submitted" and report["seed"] == 9
    assert report["unanswered"] == 3 and len(report["missed"]) == 4
    assert report["started_at"] == "2026-03-02T10:00:00Z"

    attempt = col.store.execute("SELECT * FROM exam_attempts").fetchone()
    assert attempt["status"] == "submitted" and attempt["correct"] == 6
    assert attempt["passed"] == 0 and attempt["question_count"] == 10
    assert attempt["time_limit_s"] == 20 * 60 and attempt["finished_at"] >= attempt["started_at"]
    stored = json.loads(attempt["result"])
    assert stored["domains"] == report["domains"]
    rows = col.store.execute(
        "SELECT * FROM exam_answers WHERE attempt_id = ? ORDER BY position", (attempt["id"],)
    ).fetchall()
    assert len(rows) == 10
    assert [r["correct"] for r in rows] == [1] * 6 + [0] + [None] * 3
    assert rows[7]["chosen"] is None and json.loads(rows[0]["chosen"])
    drawn = draw(col.cards(), col.blueprint("TEST-01"), None, 9)
    assert [r["card_id"] for r in rows] == [q.card.id for q in drawn.questions]
    assert [json.loads(r["option_order"]) for r in rows] == [list(q.order) for q in drawn.questions]


def test_human_report(col: Collection) -> None:
    key = right_letters(col, 4)
    result = run("--exam", "TEST-01", "--seed", "4", "--answers", ",".join(key[:8]))
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Score: 8 / 10 (80 %) - PASS (pass mark 70 %)" in out
    assert "Seed: 4 (srs exam --exam TEST-01 --seed 4 repeats this draw)" in out
    assert "By domain:" in out and "1 Data: " in out and "3 Ops: " in out
    assert "Missed (2):" in out and "Your answer: not answered" in out
    assert "Explanation: Rule of thumb" in out
    assert "Time used: 0:00 of 20:00" in out


def test_default_exam_and_options(col: Collection) -> None:
    result = run("--answers", "", "--questions", "4", "--minutes", "1.5", "--json", "--seed", "1")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["exam"] == "TEST-01"  # the only (current) blueprint is the target exam
    assert report["questions"] == 4 and report["time_limit_s"] == 90
    assert report["correct"] == 0 and report["unanswered"] == 4


def test_errors_are_one_line(col: Collection) -> None:
    result = run("--exam", "NOPE-1", "--answers", "")
    assert result.exit_code == 1
    assert "Error: no blueprint for exam 'NOPE-1' (known exams: TEST-01)" in result.output
    result = run("--questions", "99", "--answers", "")
    assert result.exit_code == 1 and "--questions 99 is more than the 17" in result.output
    result = run("--questions", "0", "--answers", "")
    assert result.exit_code == 2
    result = run("--seed", "1", "--answers", "q")
    assert result.exit_code == 1 and "question 1: 'q' is not an option" in result.output
    assert col.store.execute("SELECT COUNT(*) FROM exam_attempts").fetchone()[0] == 0
    result = run("--deck", "nope", "--answers", "")
    assert result.exit_code == 1 and "no deck named 'nope'" in result.output
    result = run("--resume", "--answers", "")
    assert result.exit_code == 1 and "no interrupted exam to resume" in result.output


def test_no_mcqs(tmp_path: Path, db_path: Path) -> None:
    root = tmp_path / "empty"
    write_exam_deck(root, {})
    (root / "plain.md").write_text(
        "---\nexam_domains: {TEST-01: 1}\n---\n# P\n\nA :: B\n", encoding="utf-8"
    )
    with Collection.open(db_path) as col:
        col.import_paths([root], NOW_DT)
    result = run("--answers", "")
    assert result.exit_code == 1
    assert "Error: no multiple-choice cards serve exam TEST-01" in result.output


def test_stdin_not_a_terminal_needs_answers(col: Collection) -> None:
    result = run("--seed", "1")
    assert result.exit_code == 1 and "srs exam needs a terminal" in result.output


def test_history(col: Collection) -> None:
    key = right_letters(col, 1)
    assert run("--seed", "1", "--answers", ",".join(key)).exit_code == 0
    later = CliRunner().invoke(
        app, ["--now", "2026-03-03T09:00:00Z", "exam", "--seed", "2", "--answers", "a"]
    )
    assert later.exit_code == 0, later.output
    result = run("--history", "--json")
    assert result.exit_code == 0, result.output
    past = json.loads(result.output)
    assert [p["seed"] for p in past] == [2, 1]  # newest first
    assert past[1]["correct"] == 10 and past[1]["passed"] is True and past[1]["score"] == 1.0
    assert past[1]["status"] == "submitted" and past[1]["exam"] == "TEST-01"
    assert sum(d["questions"] for d in past[1]["domains"]) == 10
    assert set(past[1]["domains"][0]) == {"domain", "name", "questions", "correct"}
    text = run("--history")
    assert text.exit_code == 0, text.output
    assert "2026-03-02 10:00  TEST-01  submitted" in text.output
    assert "10/10 (100 %)  PASS" in text.output and "1: 5/5  2: 3/3  3: 2/2" in text.output
    # `srs stats` reads the same attempts.
    stats = CliRunner().invoke(app, ["--now", NOW, "stats", "--json"])
    assert stats.exit_code == 0, stats.output
    assert "mock" in stats.output.lower()


def test_history_of_an_exam_and_empty(col: Collection) -> None:
    result = run("--history")
    assert result.exit_code == 0 and "No mock exams yet" in result.output
    result = run("--history", "--exam", "TEST-01", "--json")
    assert result.exit_code == 0 and json.loads(result.output) == []


def test_grade_cards_makes_a_missed_card_a_lapse(col: Collection, db_path: Path) -> None:
    drawn = draw(col.cards(), col.blueprint("TEST-01"), None, 8)
    first, second = drawn.questions[0].card.id, drawn.questions[1].card.id
    for card_id in (first, second):
        col.answer(card_id, Grade.EASY, NOW_DT)  # a review card, so Again is a lapse
    key = right_letters(col, 8)
    answers = [wrong_letter(col, 8, 0), key[1], "-"]  # wrong, right, unanswered
    result = CliRunner().invoke(
        app,
        [
            "--now",
            "2026-03-10T10:00:00Z",
            "exam",
            "--seed",
            "8",
            "--grade-cards",
            "--json",
            "--answers",
            ",".join(answers),
        ],
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["graded_cards"] == [first]  # not the unanswered ones
    with Collection.open(db_path) as fresh:
        missed = fresh.card(first)
        assert missed.scheduling.state is CardState.RELEARNING
        assert missed.scheduling.lapses == 1
        assert fresh.card(second).scheduling.lapses == 0
        assert fresh.card(second).scheduling.state is CardState.REVIEW
        unanswered = fresh.card(drawn.questions[2].card.id)
        assert unanswered.scheduling.state is CardState.NEW
        row = fresh.store.execute(
            "SELECT grade, reviewed_at FROM reviews WHERE card_id = ? ORDER BY id DESC", (first,)
        ).fetchone()
        assert row["grade"] == Grade.AGAIN
        finished = fresh.store.execute("SELECT finished_at FROM exam_attempts").fetchone()[0]
        assert row["reviewed_at"] == finished


def test_without_grade_cards_no_review_is_written(col: Collection) -> None:
    assert run("--seed", "3", "--answers", "-,-").exit_code == 0
    assert col.store.execute("SELECT COUNT(*) FROM reviews").fetchone()[0] == 0


def test_escape_sequences_do_not_reach_the_report(tmp_path: Path, db_path: Path) -> None:
    decks = write_exam_deck(
        tmp_path / "evil",
        {"1": 1},
        extra=mcq("evil", "Clear A\x1b[2JB and \u202eevil\u202c here?"),
    )
    with Collection.open(db_path) as col:
        col.import_paths([decks], NOW_DT)
    result = run("--questions", "2", "--seed", "1", "--answers", "-,-")
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.output and "\u202e" not in result.output
    assert r"Clear A\x1b[2JB and \u202eevil\u202c here?" in result.output


def test_interrupted_attempt_resumes_with_its_time(col: Collection, db_path: Path) -> None:
    """The library side of `--resume`: answers, flags and the time used carry over."""
    clock = [0.0]
    blueprint = col.blueprint("TEST-01")
    drawn = draw(col.cards(), blueprint, None, 6)
    session = ExamSession.start(
        col,
        blueprint,
        drawn,
        deck=None,
        practice=False,
        time_limit_s=600,
        now=NOW_DT,
        tick=lambda: clock[0],
    )
    clock[0] = 10.0
    session.answer(0, drawn.questions[0].correct)
    clock[0] = 20.0
    session.flag(1, True)
    assert history(col.store)[0].result["elapsed_s"] == 20  # saved with each change
    clock[0] = 30.0
    session.interrupt()
    (attempt,) = history(col.store)
    assert attempt.status == "interrupted"
    assert attempt.finished_at == datetime(2026, 3, 2, 10, 0, 30, tzinfo=UTC)
    assert attempt.result["elapsed_s"] == 30
    clock[0] = 1000.0  # a later run: a new monotonic origin
    resumed = ExamSession.resume(col, attempt, now=NOW_DT, tick=lambda: clock[0])
    assert resumed.answers == {0: drawn.questions[0].correct} and resumed.flagged == {1}
    assert history(col.store)[0].status == "in_progress"
    clock[0] = 1100.0
    assert resumed.remaining() == 600 - 130
    report = resumed.finish("submitted")
    assert report["correct"] == 1 and report["time_used_s"] == 130
    assert report["flagged"] == [2]
    assert history(col.store)[0].status == "submitted"


# -- issue 18: the report at any width, past reports, scaled time ---------------------------

LONG_STEM = (
    "A data engineering team streams clickstream events through `Kinesis` and wants"
    " interoperability between notebooks and dashboards without duplicating storage."
    " Which configuration should they choose?"
)


def write_long_deck(root: Path) -> Path:
    """TEST-01 with one long question per domain whose options hold inline code."""
    (root / "exams").mkdir(parents=True, exist_ok=True)
    (root / "exams" / "test-01.yaml").write_text(BLUEPRINT, encoding="utf-8")
    for domain in ("1", "2", "3"):
        (root / f"domain{domain}.md").write_text(
            f"---\nexam_domains: {{TEST-01: {domain}}}\n---\n# Domain {domain}\n\n"
            + mcq(f"`code{domain}`", stem=LONG_STEM),
            encoding="utf-8",
        )
    return root


def test_shorter_exam_scales_time_limit(col: Collection) -> None:
    """Issue 18 item 4: 5 of the exam's 10 questions get half its 20 minutes."""
    half = json.loads(run("--questions", "5", "--answers", "", "--json", "--seed", "1").output)
    assert half["time_limit_s"] == 10 * 60
    full = json.loads(run("--answers", "", "--json", "--seed", "1").output)
    assert full["time_limit_s"] == 20 * 60
    given = json.loads(
        run("--questions", "5", "--minutes", "3", "--answers", "", "--json", "--seed", "1").output
    )
    assert given["time_limit_s"] == 3 * 60
    text = run("--questions", "5", "--answers", "", "--seed", "1").output
    assert "Time used: 0:00 of 10:00 (scaled to 5 of 10 questions)" in text


def test_report_by_id_text_and_json(col: Collection) -> None:
    """Issue 18 item 4: `srs exam --report ID` shows a stored report again."""
    first = json.loads(run("--answers", "", "--json", "--seed", "2").output)
    again = run("--report", str(first["attempt"]), "--json")
    assert again.exit_code == 0, again.output
    # The stored report comes back; `exam_status` is the exam's standing on the day a command
    # runs (printed beside a new attempt's report, never stored with it).
    assert json.loads(again.output) == {k: v for k, v in first.items() if k != "exam_status"}
    text = run("--report", str(first["attempt"]))
    assert text.exit_code == 0, text.output
    assert "Score: 0 / 10 (0 %) - FAIL" in text.output and "Missed (10):" in text.output
    missing = run("--report", "999")
    assert missing.exit_code == 1
    assert missing.output.strip().splitlines() == [
        "Error: no mock exam #999; `srs exam --history` lists them"
    ]


def test_report_of_unfinished_attempt_is_refused(col: Collection) -> None:
    blueprint = col.blueprint("TEST-01")
    session = ExamSession.start(  # an attempt left unfinished, through the library
        col,
        blueprint,
        draw(col.cards(), blueprint, 3, 1),
        deck=None,
        practice=False,
        time_limit_s=60,
        now=NOW_DT,
        tick=lambda: 0.0,
    )
    session.interrupt()
    result = run("--report", str(session.attempt.id))
    assert result.exit_code == 1
    assert "is interrupted; `srs exam --resume` continues it" in result.output


@pytest.mark.parametrize("width", [40, 100])
def test_report_wraps_whole_words_with_indent(db_path: Path, tmp_path: Path, width: int) -> None:
    """Issue 18 item 4: no line wider than the terminal, words whole, continuation indented,
    inline code rendered (no raw backticks)."""
    decks = write_long_deck(tmp_path / "long")
    with Collection.open(db_path, user_timezone()) as c:
        c.import_paths([decks], NOW_DT)
    result = CliRunner().invoke(
        app,
        ["--now", NOW, "exam", "--questions", "3", "--seed", "1", "--answers", "-,-,-"],
        env={"COLUMNS": str(width), "NO_COLOR": "1"},
    )
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert all(len(line) <= width for line in lines), "\n".join(lines)
    assert "`" not in result.output
    words = set(" ".join(lines).split())
    for word in LONG_STEM.replace("`", "").split():
        assert word in words, word  # never cut mid-word
    start = next(i for i, line in enumerate(lines) if line.strip().startswith("A data"))
    stem = lines[start : start + 3]
    assert all(line.startswith("  ") and line[2] != " " for line in stem), stem
    assert "code1" in result.output
    # Each question's `path:line` sits whole on one line: on the question's own line when it
    # fits, else on the next, cut at its start rather than folded mid-word.
    sources = [line for line in lines if re.search(r"domain\d\.md:\d+$", line)]
    assert len(sources) == 3, lines
    assert all(line.startswith(("Q", "…", "/")) for line in sources), sources


def test_history_fits_40_columns_and_points_to_reports(col: Collection) -> None:
    run("--answers", "", "--seed", "3")
    result = CliRunner().invoke(
        app, ["--now", NOW, "exam", "--history"], env={"COLUMNS": "40", "NO_COLOR": "1"}
    )
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert all(len(line) <= 40 for line in lines), lines
    assert "submitted" in result.output.split() and "FAIL" in result.output.split()
    assert "`srs exam --report ID` shows" in " ".join(result.output.split())
