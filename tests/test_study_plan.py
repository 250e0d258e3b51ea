"""Exam mode on a real collection: shadow memory, the plan as the queue, `srs plan`."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from srs.cli.app import app
from srs.collection import Collection
from srs.memory.exam_mode import MIN_SAMPLES, measured_costs
from srs.memory.model import replay
from srs.model import Grade
from srs.store.scope import QueueFilter

runner = CliRunner()
START = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
EXAM = "2027-01-27"  # 60 days after START


def deck(root: Path, cards: int = 60) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    half = cards // 2
    (root / "exams").mkdir(exist_ok=True)
    (root / "exams" / "t.yaml").write_text(
        "code: T-01\nname: Test exam\nquestions: 10\nduration_minutes: 20\n"
        "domains:\n  - {id: '1', name: Alpha, weight: 50}\n  - {id: '2', name: Beta, weight: 50}\n",
        encoding="utf-8",
    )
    for domain, offset in (("1", 0), ("2", half)):
        lines = [f"---\nexam_domains: {{T-01: {domain}}}\n---\n"]
        lines += [f"Question {offset + i}? :: answer {offset + i}\n" for i in range(half)]
        (root / f"d{domain}.md").write_text("\n".join(lines), encoding="utf-8")
    return root


def cli(db: Path, now: datetime, *args: str) -> Any:
    result = runner.invoke(app, ["--db", str(db), "--now", now.isoformat(), *args])
    assert result.exit_code == 0, result.output
    return result


def test_every_answer_keeps_fsrs_memory_and_undo_puts_it_back(tmp_path: Path) -> None:
    with Collection.open(tmp_path / "c.db") as col:
        col.import_paths([deck(tmp_path / "decks")], START)
        card_id = col.queue(START, limit=1)[0][0]
        answers = [(START, Grade.GOOD), (START + timedelta(days=1), Grade.AGAIN)]
        for at, grade in answers:
            col.answer(card_id, grade, at)
        memory = col.card(card_id).scheduling.memory
        expected = replay(answers, day_of=lambda at: col.moment(at).today)
        assert memory == expected and memory is not None
        col.undo()
        assert col.card(card_id).scheduling.memory == replay(answers[:1])


def test_the_queue_follows_the_plan_and_the_plan_holds_all_day(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    cli(db, START, "import", str(deck(tmp_path / "decks")))
    cli(db, START, "config", "set", "exam_date", EXAM)
    cli(db, START, "config", "set", "daily_minutes", "10")
    plan = json.loads(cli(db, START, "plan", "--json").stdout)
    assert (plan["exam"], plan["days_left"], plan["phase"]) == ("T-01", 60, "middle")
    assert plan["today"]["new"]["cards"] == 20  # at least 20 a day; 60 cards in 40 % of 60 days
    assert plan["today"]["reviews"]["cards"] == 0 and plan["unseen"] == 60
    assert plan["fully_introduced_by_exam"] is True
    # `srs decks` counts what is left of the plan per deck (20 new in all, not 20 per deck).
    decks = json.loads(cli(db, START, "decks", "--json").stdout)
    assert sum(d["new"] for d in decks if d["kind"] == "deck") == 20
    assert all(d["due"] == 0 for d in decks)
    assert {d["name"]: d["total"] for d in decks} == {"d1": 30, "d2": 30, "": 60}
    assert decks[-1] == {"name": "", "kind": "collection", "depth": 0} | {
        "total": 60,
        "new": 20,
        "learning": 0,
        "due": 0,
    }
    assert [d["recall"] for d in plan["readiness"]["domains"]] == [0.0, 0.0]
    # Good on every card the queue gives, 20 s each: the 20 planned new cards, each shown once
    # (no same-day learning steps in exam mode, although SM-2 put them on their 10-minute
    # step). They took 400 of the 600 seconds, so a re-plan then fills the 200 left: 10 more
    # new cards at 20 s each, and the day is done.
    shown: list[str] = []
    now = START
    for _ in range(200):
        card = json.loads(cli(db, now, "next", "--json").stdout)
        if card is None:
            break
        shown.append(card["id"])
        cli(db, now, "answer", card["id"], "good", "--duration-ms", "20000")
        now += timedelta(seconds=20)
    else:
        raise AssertionError("the queue never ran out")
    assert len(shown) == len(set(shown)) == 30
    after = json.loads(cli(db, now, "plan", "--json").stdout)
    assert after["today"]["new"] == plan["today"]["new"] | {"left": 0}
    assert after["today"]["answered"] == 30 and after["today"]["seconds_spent"] == 600
    assert after["readiness"]["recall"] > 0.0
    states = {json.loads(cli(db, now, "card", c, "--json").stdout)["state"] for c in shown}
    assert states == {"learning"}  # the scheduler's own state is kept for after the exam


def test_the_next_day_brings_reviews_and_readiness_names_the_weakest_domain(
    tmp_path: Path,
) -> None:
    with Collection.open(tmp_path / "c.db") as col:
        col.import_paths([deck(tmp_path / "decks")], START)
        col.set_option("exam_date", EXAM)
        flt = QueueFilter()
        # Study five of domain 1's cards only: domain 2 stays at zero recall for now.
        for card in [c for c in col.cards() if c.domain_for("T-01") == "1"][:5]:
            col.answer(card.id, Grade.GOOD, START)
        ready = col.readiness(START + timedelta(hours=1), flt)
        assert [(d.domain, d.name) for d in ready.domains] == [("1", "Alpha"), ("2", "Beta")]
        assert ready.domains[1].recall == 0.0 < ready.domains[0].recall
        projected = {d.domain: d.projected or 0.0 for d in ready.domains}
        assert ready.weakest is not None
        assert ready.weakest.domain == min(projected, key=lambda d: (projected[d], d))
        later = START + timedelta(days=20)
        plan = col.plan(later, flt)
        assert plan.day.days_left == 40
        assert set(plan.day.reviews) | set(plan.day.fill) <= {c.id for c in plan.cards}
        queue = col.queue(later, flt)
        assert queue and {bucket for _, bucket in queue} <= {"review", "new", "learning"}


def test_memory_is_backfilled_for_cards_answered_before_it_was_kept(tmp_path: Path) -> None:
    with Collection.open(tmp_path / "c.db") as col:
        col.import_paths([deck(tmp_path / "decks")], START)
        card_id = col.queue(START, limit=1)[0][0]
        col.answer(card_id, Grade.GOOD, START)
        kept = col.card(card_id).scheduling.memory
        with col.store.transaction():
            col.store.execute("UPDATE cards SET stability = NULL, difficulty = NULL")
        col.set_option("exam_date", EXAM)
        col.plan(START + timedelta(days=1))
        assert col.card(card_id).scheduling.memory == kept


def test_costs_come_from_the_users_own_log_after_enough_answers(tmp_path: Path) -> None:
    with Collection.open(tmp_path / "c.db") as col:
        col.import_paths([deck(tmp_path / "decks")], START)
        defaults = measured_costs(col.store, QueueFilter())
        assert (defaults.new, defaults.passed, defaults.failed) == (20.0, 13.0, 32.0)
        for card_id, _ in col.queue(START, QueueFilter())[:MIN_SAMPLES]:
            col.answer(card_id, Grade.GOOD, START, duration_ms=7_000)
        measured = measured_costs(col.store, QueueFilter())
        assert (measured.new, measured.passed) == (7.0, 13.0)


def test_plan_without_an_exam_date_is_a_clear_error(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    cli(db, START, "import", str(deck(tmp_path / "decks")))
    result = runner.invoke(app, ["--db", str(db), "plan"])
    assert result.exit_code == 1
    assert "no exam date; set one with `srs config set exam_date YYYY-MM-DD`" in result.output


def test_stats_show_the_same_readiness_as_plan(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    cli(db, START, "import", str(deck(tmp_path / "decks")))
    assert json.loads(cli(db, START, "stats", "--json").stdout)["readiness"] is None
    cli(db, START, "config", "set", "exam_date", EXAM)
    cards = json.loads(cli(db, START, "cards", "--json").stdout)
    for card in [c for c in cards if c["domain"] == "1"][:3]:
        cli(db, START, "answer", card["id"], "easy")
    later = START + timedelta(hours=2)
    stats = json.loads(cli(db, later, "stats", "--json").stdout)["readiness"]
    plan = json.loads(cli(db, later, "plan", "--json").stdout)["readiness"]
    assert stats == plan and 0 < stats["recall"] < 3 / 60
    # Now: only domain 1's first cards are known. Kept to the plan, every domain gets far
    # above that floor; the weakest is the one with the lowest projected recall.
    recall = {d["domain"]: d["recall"] for d in stats["domains"]}
    projected = {d["domain"]: d["projected"] for d in stats["domains"]}
    assert recall["2"] == 0.0 < recall["1"]
    assert all(projected[d] > 0.5 > recall[d] for d in projected)
    assert stats["projected"] > stats["recall"]
    assert stats["weakest_domain"] == min(projected, key=lambda d: (projected[d], d))
    screen = cli(db, later, "stats").stdout
    assert "Readiness on exam day" in screen
    assert f"weakest domain {stats['weakest_domain']}" in screen


def test_new_cards_are_introduced_across_domains_not_file_by_file(tmp_path: Path) -> None:
    # File order puts all of domain 1 before domain 2; an exam needs both from day one, in
    # proportion to their size, each domain's cards still in their file order.
    root = deck(tmp_path / "decks", cards=60)
    (root / "d2.md").write_text(
        (root / "d2.md").read_text(encoding="utf-8")
        + "\n".join(f"Extra {i}? :: extra {i}\n" for i in range(30)),
        encoding="utf-8",
    )
    with Collection.open(tmp_path / "c.db") as col:
        col.import_paths([root], START)
        col.set_option("exam_date", EXAM)
        new = col.plan(START).day.new
        fronts = [col.card(card_id).front for card_id in new]
    assert len(fronts) == 20
    domain_1 = [f for f in fronts if f.startswith("Question") and int(f.split()[1][:-1]) < 30]
    assert 6 <= len(domain_1) <= 8  # 30 of 90 cards: a third of the new ones
    assert domain_1 == sorted(domain_1, key=lambda f: int(f.split()[1][:-1]))


def test_todays_plan_is_kept_and_read_by_the_next_command(tmp_path: Path, monkeypatch: Any) -> None:
    """Issue 19 (m010): the first exam-mode command of the day plans and keeps the plan; the
    next command (a new process: a new Collection) reads it instead of planning again, and
    gets the same queue; suspending a card drops it, so the plan is made again without it."""
    import srs.memory.exam_mode as exam_mode

    db = tmp_path / "c.db"
    with Collection.open(db) as col:
        col.import_paths([deck(tmp_path / "decks")], START)
        col.set_option("exam_date", EXAM)
        first = col.queue(START)
    planned: list[int] = []
    real = exam_mode.plan_day

    def counting(*args: Any, **kw: Any) -> Any:
        planned.append(1)
        return real(*args, **kw)

    monkeypatch.setattr(exam_mode, "plan_day", counting)
    with Collection.open(db) as col:
        assert col.queue(START + timedelta(hours=1)) == first
        plan = col.plan(START + timedelta(hours=1))
        assert len(plan.cards) == 60  # read again on demand, as of the start of the day
    assert planned == []
    with Collection.open(db) as col:
        col.set_suspended(first[0][0])
        again = col.queue(START + timedelta(hours=1))
    assert planned == [1]
    assert first[0][0] not in {card_id for card_id, _ in again}


def test_a_kept_plan_that_does_not_read_is_made_again(tmp_path: Path) -> None:
    """A plan kept in another shape (another srs version, same key) is planned again."""
    db = tmp_path / "c.db"
    with Collection.open(db) as col:
        col.import_paths([deck(tmp_path / "decks")], START)
        col.set_option("exam_date", EXAM)
        first = col.queue(START)
        col.store.execute('UPDATE day_plans SET plan = \'{"day": {"phase": "middle"}}\'')
    with Collection.open(db) as col:
        assert col.queue(START) == first


def test_readiness_is_kept_with_the_plan_until_an_answer(tmp_path: Path, monkeypatch: Any) -> None:
    """Issue 19: before anything is answered today, readiness is a function of today's plan
    (projected as of the start of the day), computed once and kept with it; later commands
    read it (no projection), whatever the time of day. After an answer it is computed again."""
    import srs.memory.planner as planner

    db = tmp_path / "c.db"
    with Collection.open(db) as col:
        col.import_paths([deck(tmp_path / "decks")], START)
        col.set_option("exam_date", EXAM)
        first = col.readiness(START)
    projections: list[int] = []
    real = planner.project

    def counting(*args: Any, **kw: Any) -> Any:
        projections.append(1)
        return real(*args, **kw)

    monkeypatch.setattr(planner, "project", counting)
    with Collection.open(db) as col:
        assert col.readiness(START + timedelta(hours=3)) == first
    assert projections == []
    with Collection.open(db) as col:
        card_id = col.queue(START)[0][0]
        col.answer(card_id, Grade.GOOD, START + timedelta(hours=3))
        after = col.readiness(START + timedelta(hours=3))
    assert projections == [1]
    assert after.recall > first.recall


def test_a_plan_held_by_an_open_collection_follows_changes_from_another(tmp_path: Path) -> None:
    """A collection that stays open (a review session) holds today's plan in memory; a change
    that drops the kept plan (a card suspended here or by another process, an import adding
    cards) makes it plan again rather than hold the old plan (which kept showing a card just
    suspended), without counting the cards each time."""
    db = tmp_path / "c.db"
    root = deck(tmp_path / "decks")
    with Collection.open(db) as session, Collection.open(db) as other:
        session.import_paths([root], START)
        session.set_option("exam_date", EXAM)
        first = session.plan(START).day.queue
        other.set_suspended(first[0])
        after = session.plan(START + timedelta(minutes=5))
        assert first[0] not in after.day.queue
        assert len(after.cards) == 59
        (root / "more.md").write_text(
            "---\nexam_domains: {T-01: 1}\n---\n\nExtra question? :: extra answer\n",
            encoding="utf-8",
        )
        other.import_paths([root], START + timedelta(minutes=6))
        assert len(session.plan(START + timedelta(minutes=7)).cards) == 60  # one more
        # The session itself suspending its next card (the `s` key of `srs review`).
        shown = session.next_card(START + timedelta(minutes=8))
        assert shown is not None
        session.set_suspended(shown.id)
        again = session.next_card(START + timedelta(minutes=8))
        assert again is not None and again.id != shown.id
